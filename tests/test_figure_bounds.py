"""``bound: lower|upper``: figures that are only bounds of the true value (issue 17's
Jobpatrulje share). The explanation says so; a verdict the bound cannot show is unknown."""

from __future__ import annotations

from pathlib import Path

import pytest

from goalengine import Goal, Verdict, evaluate, read_rules
from goalengine.errors import RuleFileError
from goalengine.validation import validate

DATA = {"x": {"2008": 65, "2009-Q1": 66}}
ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("rule", "bound", "unbounded", "bounded"),
    [
        # A lower bound shows a >= goal reached, never missed; a <= goal missed, never met.
        ("x >= 60", "lower", Verdict.MET, Verdict.MET),
        ("x >= 95", "lower", Verdict.MISSED, Verdict.UNKNOWN),
        ("x <= 60", "lower", Verdict.MISSED, Verdict.MISSED),
        ("x <= 95", "lower", Verdict.MET, Verdict.UNKNOWN),
        # An upper bound the other way round.
        ("x >= 60", "upper", Verdict.MET, Verdict.UNKNOWN),
        ("x >= 95", "upper", Verdict.MISSED, Verdict.MISSED),
        ("x <= 95", "upper", Verdict.MET, Verdict.MET),
        # Projections too: lower bounds that stall below 95 % cannot show it at risk.
        ("x >= 95 by 2009", "lower", Verdict.AT_RISK, Verdict.UNKNOWN),
        ("x >= 60 by 2009", "lower", Verdict.ON_TRACK, Verdict.ON_TRACK),
    ],
)
def test_a_verdict_the_bound_cannot_show_is_unknown(
    rule: str, bound: str, unbounded: Verdict, bounded: Verdict
) -> None:
    plain = evaluate(Goal.parse(rule, id="g", unit="%"), DATA, "2009-03-31").results[0]
    assert plain.verdict is unbounded
    result = evaluate(Goal.parse(rule, id="g", unit="%", bound=bound), DATA, "2009-03-31")
    judged = result.results[0]
    assert judged.verdict is bounded, judged.explanation
    said = {
        "lower": "66 % in 2009-Q1 is a lower bound: the true value can be higher",
        "upper": "66 % in 2009-Q1 is an upper bound: the true value can be lower",
    }[bound]
    assert said in judged.explanation
    assert ("cannot show the goal" in judged.explanation) is (bounded is not unbounded)


def test_the_bound_in_danish() -> None:
    goal = Goal.parse("x >= 95 by 2009", id="g", unit="%", bound="lower")
    result = evaluate(goal, DATA, "2009-03-31").results[0]
    assert result.explanation_in("da").endswith(
        "66 pct. i 2009-Q1 er en nedre grænse: den sande værdi kan være højere, "
        "så den kan ikke vise målet i risiko → ukendt."
    )


def test_the_jobpatrulje_share_is_a_lower_bound_in_its_explanation() -> None:
    rules = read_rules(ROOT / "rules" / "integration-2009" / "housing.yaml")
    result = next(r for r in evaluate(rules).results if r.goal == "jobpatrulje-offers")
    assert result.verdict is Verdict.UNKNOWN
    assert "65 % in 2008 is a lower bound: the true value can be higher" in result.explanation


@pytest.mark.parametrize(
    ("lines", "message", "column"),
    [
        (
            ["rule: x >= 1", "bound: lowr"],
            "bound: 'lowr' is not supported (did you mean 'lower'?)",
            12,
        ),
        (
            ["rule: x >= 1", "for_each: entity", "bound: lower"],
            "bound: is not supported with for_each",
            12,
        ),
        (
            ["rule: x == 1", "bound: upper"],
            "bound: a rule with '==' cannot be judged on bounds",
            12,
        ),
    ],
)
def test_validate_places_a_bound_that_cannot_apply(
    tmp_path: Path, lines: list[str], message: str, column: int
) -> None:
    path = tmp_path / "b.yaml"
    body = "".join(f"    {line}\n" for line in lines)
    path.write_text(f"goals:\n  - id: a\n{body}", encoding="utf-8")
    (error,) = validate([path]).errors
    assert message == error.message or message == f"{error.message} ({error.hint})"
    assert (error.span.line, error.span.column) == (2 + len(lines), column)


def test_the_api_refuses_a_bound_that_cannot_apply() -> None:
    with pytest.raises(RuleFileError, match="cannot be judged on bounds"):
        Goal.parse("x == 1", id="g", bound="lower")
    with pytest.raises(RuleFileError, match="'sideways' is not supported"):
        Goal.parse("x >= 1", id="g", bound="sideways")


def test_properties_a_bound_cannot_have_are_skipped_with_the_reason() -> None:
    from goalengine import RuleSet
    from goalengine.testing import check_ruleset

    goal = Goal.parse("x >= 95 by 2009", id="g", unit="%", bound="lower")
    ruleset = RuleSet(goals=(goal,), inline_data=None)
    wanted = ("deadline_consistency", "target_reachable")
    outcomes = check_ruleset(ruleset, 5, properties=wanted)
    assert {o.name for o in outcomes} == set(wanted)
    for outcome in outcomes:
        assert (
            outcome.skipped and "lower bounds, which cannot show every verdict" in outcome.message
        )
