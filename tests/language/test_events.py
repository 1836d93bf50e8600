"""Event deadlines and relative periods (issue 16): ``events:`` in a rule file, then
``by etool_launch + 6 months``, ``throughout 2008..etool_launch``, ``by 2010-H2 + 1 year``."""

from __future__ import annotations

from datetime import date

import pytest

from goalengine import evaluate
from goalengine.errors import GoalEngineError, UnknownNameError
from goalengine.language import compile_rule
from goalengine.models import Verdict
from goalengine.rulefile import read_rules

EVENTS = {"etool_launch": date(2009, 5, 15)}


@pytest.mark.parametrize(
    ("clause", "resolved"),
    [
        ("by etool_launch", "by 2009-05-15"),
        ("by etool_launch + 6 months", "by 2009-11-15"),
        ("by etool_launch + 10 days", "by 2009-05-25"),
        ("by etool_launch - 1 year", "by 2008-05-15"),
        ("by etool_launch + 1 quarter", "by 2009-08-15"),
        ("by 2010-H2 + 1 year", "by 2011-H2"),
        ("by 2010-Q4 + 2 quarters", "by 2011-Q2"),
        ("by 2010 - 2 quarters", "by 2010-06"),  # the year's last month, two quarters back
        ("by 2010-01-31 + 1 month", "by 2010-02-28"),  # no 31 February: its last day
        ("by 2010-08 + 5 months", "by 2011-01"),
        ("by 2010-H1 + 30 days", "by 2010-07-30"),  # days count from the period's last day
        ("throughout 2008..etool_launch", "throughout 2008..2009-05-15"),
        ("throughout etool_launch..etool_launch + 2 years", "throughout 2009-05-15..2011-05-15"),
    ],
)
def test_points_resolve_to_periods(clause: str, resolved: str) -> None:
    rule = compile_rule(f"x >= 1 {clause}", events=EVENTS)
    assert str(rule.time) == resolved
    assert rule.time is not None and rule.time.relative


def test_a_plain_period_is_not_relative() -> None:
    rule = compile_rule("x >= 1 by 2010", events=EVENTS)
    assert rule.time is not None and not rule.time.relative


def test_unknown_event_is_positioned_with_did_you_mean() -> None:
    with pytest.raises(UnknownNameError) as raised:
        compile_rule("x >= 25 by etool_lunch + 6 months", events=EVENTS)
    assert raised.value.message == "unknown event 'etool_lunch'"
    assert raised.value.span.column == 12
    assert raised.value.hint == "did you mean 'etool_launch'?"
    with pytest.raises(UnknownNameError) as plain:
        compile_rule("x >= 25 by launch", events={})
    assert plain.value.hint is not None and "events:" in plain.value.hint


def test_reversed_window_is_an_error() -> None:
    with pytest.raises(GoalEngineError, match="ends before it starts"):
        compile_rule("x >= 1 throughout etool_launch..2008", events=EVENTS)


RULES = """\
as_of: 2010-06-30
events:
  etool_launch: 2009-05-15
data: {x: {2009-08: 20, 2009-11-15: 31}}
goals:
  - id: within-half-a-year
    rule: x >= 25 by etool_launch + 6 months
  - id: typo
    rule: x >= 25 by etool_lunch + 6 months
"""


def test_in_a_rule_file() -> None:
    ruleset = read_rules("events.yaml", RULES)
    report = evaluate(ruleset)
    ok, typo = report.results
    assert ok.verdict is Verdict.MET
    assert str(ok.deadline) == "2009-11-15"
    assert typo.verdict is Verdict.ERROR
    assert typo.error is not None
    assert (typo.error.line, typo.error.column) == (9, 22)
    assert "did you mean 'etool_launch'" in (typo.error.hint or "")


@pytest.mark.parametrize(
    ("events", "message"),
    [
        ("events: [launch]", "'events' must map names to dates"),
        ("events: {launch: soon}", "launch"),
        ("events: {2launch: 2009-05-15}", "is not a plain name"),
    ],
)
def test_bad_events_are_file_errors(events: str, message: str) -> None:
    text = f"{events}\ndata: {{x: {{2009: 1}}}}\ngoals:\n  - id: g\n    rule: x >= 1\n"
    ruleset = read_rules("bad.yaml", text)
    errors = [d for d in ruleset.diagnostics if d.severity == "error"]
    assert errors and errors[0].span.line == 1
    assert message in errors[0].message or message in str(errors[0])
