"""Direction-only goals: ``x rises`` / ``x falls`` (issue 16).

The verdicts: a deadline passed (or no time clause) -> met when the latest value inside the
deadline period is better than the start (the baseline, ``x[P]`` for ``since P``, else the
first observation); ahead of the deadline, ``linear`` judges the fitted slope's sign and
reports the probability that the true slope points the same way; the growth methods band
the growth rate by their no-target rules. Nothing ever calls such a goal target_achieved.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goalengine import evaluate
from goalengine.errors import RuleSyntaxError
from goalengine.language import compile_rule
from goalengine.methods.linear import slope_probability
from goalengine.models import Observation, Result, Verdict
from goalengine.periods import Period
from goalengine.rulefile import read_rules


def _judge(rule: str, data: str, as_of: str, method: str = "linear", extra: str = "") -> Result:
    text = (
        f"as_of: {as_of}\ndata: {{x: {data}}}\ngoals:\n  - id: g\n"
        f"    rule: {rule}\n    method: {method}\n{extra}"
    )
    (result,) = evaluate(read_rules("t.yaml", text)).results
    return result


def test_the_language() -> None:
    rises = compile_rule("x rises since 2007-H1 by 2010")
    assert rises.direction_only and rises.direction == 1
    assert str(rises.time) == "by 2010"
    assert rises.subject_periods() == [Period.parse("2007-H1")]
    falls = compile_rule("x falls throughout 2008..2010")
    assert falls.direction_only and falls.direction == -1
    assert not compile_rule("x > baseline by 2010").direction_only


@pytest.mark.parametrize(
    ("text", "column", "message"),
    [
        ("x + 1 rises", 7, "'rises' follows the name of a metric"),
        ("x rises since by 2010", 9, "expected a period after 'since'"),
        ("x rises since 2010-Q5", 15, "'2010-Q5' has no quarter 5"),
    ],
)
def test_mistakes_are_positioned(text: str, column: int, message: str) -> None:
    with pytest.raises(RuleSyntaxError) as raised:
        compile_rule(text)
    assert raised.value.span.column == column
    assert message in raised.value.message


@pytest.mark.parametrize(
    ("rule", "data", "verdict"),
    [
        ("x rises by 2009", "{2006: 50, 2009: 51}", Verdict.MET),
        ("x rises by 2009", "{2006: 50, 2009: 50}", Verdict.MISSED),  # equal is not a rise
        ("x falls by 2009", "{2006: 50, 2009: 49.9}", Verdict.MET),
        ("x falls since 2008 by 2009", "{2006: 40, 2008: 50, 2009: 45}", Verdict.MET),
        ("x rises since 2008 by 2009", "{2006: 40, 2008: 50, 2009: 45}", Verdict.MISSED),
        ("x rises", "{2006: 50, 2009: 49}", Verdict.MISSED),
        ("x rises throughout 2007..2009", "{2006: 50, 2007: 51, 2008: 49}", Verdict.MISSED),
    ],
)
def test_judged_on_the_data(rule: str, data: str, verdict: Verdict) -> None:
    result = _judge(rule, data, "2010-12-31")
    assert result.verdict is verdict
    assert "no target figure" in result.explanation


def test_linear_judges_the_slope_and_its_probability() -> None:
    result = _judge("x rises by 2012", "{2006: 50, 2007: 51, 2008: 51.5, 2009: 53}", "2009-12-31")
    assert result.verdict is Verdict.ON_TRACK
    assert result.method_status == "on_track"
    assert result.probability == pytest.approx(0.99054, abs=1e-5)
    assert "chance that the true trend is a rise" in result.explanation
    assert "target ≥" not in result.explanation and "target >" not in result.explanation
    falling = _judge("x rises by 2012", "{2006: 53, 2007: 51, 2008: 52, 2009: 50}", "2009-12-31")
    assert falling.verdict is Verdict.AT_RISK


def test_slope_probability_against_scipy() -> None:
    """t = slope / (s / √Sxx) with n − 2 degrees of freedom; scipy's linregress agrees."""
    scipy_stats = pytest.importorskip("scipy.stats")
    values = [50.0, 51.0, 51.5, 53.0]
    points = tuple(Observation(period=Period(2006 + i), value=v) for i, v in enumerate(values))
    days = [(p.date - points[0].date).days / 365.2425 for p in points]
    fit = scipy_stats.linregress(days, values)
    expected = scipy_stats.t.cdf(fit.slope / fit.stderr, len(values) - 2)
    assert slope_probability(points, fit.slope, 1) == pytest.approx(expected, rel=1e-9)
    assert slope_probability(points, fit.slope, -1) == pytest.approx(1 - expected, rel=1e-9)


@pytest.mark.parametrize(
    ("method", "status"),
    [
        ("open-sdg", "substantial_progress"),  # +1.96 %/year >= 1.5 %
        ("eurostat", "significant_progress"),  # >= 1 %
        ("un-sdg", "substantial_progress"),  # > 1 %
        ("destatis", "sun"),  # average and last change both up
        ("last", "on_track"),
        ("pace", "on_track"),
    ],
)
def test_growth_methods_use_their_no_target_rules(method: str, status: str) -> None:
    result = _judge(
        "x rises by 2012", "{2006: 50, 2007: 51, 2008: 51.5, 2009: 53}", "2009-12-31", method
    )
    assert result.method_status == status
    assert result.verdict is Verdict.ON_TRACK


def test_a_flat_value_is_never_target_achieved() -> None:
    """The old encoding ``x < baseline`` let growth methods call 27 -> 27 achieved."""
    for method in ("open-sdg", "eurostat", "un-sdg", "un-sdg-2023"):
        result = _judge(
            "x falls by 2010", "{2007: 27, 2008: 27}", "2008-12-31", method, "    baseline: 2007\n"
        )
        assert result.method_status != "target_achieved"
        assert result.verdict is Verdict.AT_RISK


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.integers(1, 1000), min_size=2, max_size=6),
    rises=st.booleans(),
)
def test_passed_deadline_is_latest_versus_start(values: list[int], rises: bool) -> None:
    data = "{" + ", ".join(f"{2001 + i}: {v}" for i, v in enumerate(values)) + "}"
    rule = f"x {'rises' if rises else 'falls'} by {2000 + len(values)}"
    result = _judge(rule, data, "2030-12-31")
    better = values[-1] > values[0] if rises else values[-1] < values[0]
    assert result.verdict is (Verdict.MET if better else Verdict.MISSED)


@pytest.mark.parametrize(
    "text",
    ["x rises", "x falls since 2007-H1 by 2010", "x rises throughout 2008..2010"],
)
def test_format_writes_the_words_back(text: str) -> None:
    from goalengine.language import format_rule, parse_text

    parsed = parse_text(text)
    assert format_rule(parsed) == text
    assert parse_text(format_rule(parsed)).trend == parsed.trend
