"""Verdict rules, with the seed reports' own numbers as fixtures."""

from datetime import date

import pytest

from goalengine import Goal, RuleSet, Verdict, evaluate
from goalengine.data import Dataset
from goalengine.engine.scalar import evaluate_goal

# BIF status report 2009: 54.4 % in spring 2007 (baseline), 59.9 % in August 2008.
EMPLOYMENT = {"employment_rate": {"2007-H1": 54.4, "2008-08": 59.9}}
# Økonomiudvalget 2012, Sikker By: 12 districts with low perceived safety in 2010, 14 in 2011.
TRYGHED = {"tryghed_districts": {"2010": 12, "2011": 14}}


def judge(rule: str, data: dict, as_of: str, **goal: object):  # type: ignore[no-untyped-def]
    return evaluate(RuleSet(goals=(Goal.parse(rule, **goal),)), data, as_of).results[0]


def test_employment_goal_is_on_track_at_the_2009_report() -> None:
    result = judge(
        "employment_rate >= baseline + 10pp by 2010",
        EMPLOYMENT,
        "2009-03-31",
        baseline="2007-H1",
        unit="%",
    )
    assert result.verdict is Verdict.ON_TRACK
    assert result.target == pytest.approx(64.4)
    # Least squares through two points, dates as exact days: 5.5pp over 428 days,
    # projected over the 1280 days from 2007-06-30 to 2010-12-31.
    assert result.projected == pytest.approx(54.4 + 5.5 * 1280 / 428)
    slope = 5.5 / (428 / 365.2425)
    needed = 10 / (1280 / 365.2425)
    assert result.progress_ratio == pytest.approx(slope / needed)
    assert result.explanation == (
        "59.9 % in 2008-08, +5.5pp since 2007-H1; target ≥ 64.4 % by 2010; "
        "needs +1.9pp a year from now; has managed +4.7pp; "
        "at +4.7pp a year it reaches 70.8 % by 2010 → on track."
    )


def test_tryghed_halving_is_at_risk_and_moving_away() -> None:
    result = judge("tryghed_districts <= 0.5*2010 by 2014", TRYGHED, "2012-06-30")
    assert result.verdict is Verdict.AT_RISK
    assert result.target == 6
    assert result.progress_ratio is not None
    assert result.progress_ratio < 0
    assert "(2010 → 12)" in result.explanation
    lookups = [s for s in result.steps if s.kind == "lookup"]
    assert lookups[0].value == 12
    assert lookups[0].detail == "bare 2010 = tryghed_districts in 2010"


def test_as_of_hides_later_observations() -> None:
    data = {"x": {"2008": 10, "2009": 20}}
    assert judge("x >= 15", data, "2009-03-31").verdict is Verdict.MISSED
    assert judge("x >= 15", data, "2009-12-31").verdict is Verdict.MET


def test_deadline_passed_uses_the_latest_observation_inside_the_deadline_period() -> None:
    data = {"x": {"2009": 1, "2010-Q2": 5, "2010-Q4": 9, "2011": 0}}
    result = judge("x >= 8 by 2010", data, "2012-01-01")
    assert result.verdict is Verdict.MET
    assert str(result.latest_period) == "2010-Q4"
    assert judge("x >= 10 by 2010", data, "2012-01-01").verdict is Verdict.MISSED


def test_deadline_passed_without_data_in_the_deadline_period_is_unknown() -> None:
    result = judge("x >= 8 by 2010", {"x": {"2009": 9}}, "2011-06-30")
    assert result.verdict is Verdict.UNKNOWN
    assert "no observation in the deadline period 2010" in result.explanation


def test_deadline_day_itself_counts_as_passed() -> None:
    data = {"x": {"2009": 1, "2010": 8}}
    assert judge("x >= 8 by 2010", data, "2010-12-31").verdict is Verdict.MET


def test_one_observation_is_on_track_only_if_already_satisfied() -> None:
    assert judge("x >= 5 by 2020", {"x": {"2010": 6}}, "2011-01-01").verdict is Verdict.ON_TRACK
    result = judge("x >= 9 by 2020", {"x": {"2010": 6}}, "2011-01-01")
    assert result.verdict is Verdict.UNKNOWN
    assert "too few for a trend" in result.explanation


def test_throughout_any_violation_misses() -> None:
    data = {"new_areas": {"2008": 0, "2009": 1, "2010": 0}}
    result = judge("new_areas <= 0 throughout 2008..2010", data, "2011-01-01")
    assert result.verdict is Verdict.MISSED
    assert "broken in 2009" in result.explanation
    clean = {"new_areas": {"2008": 0, "2009": 0}}
    assert judge("new_areas <= 0 throughout 2008..2010", clean, "2010-01-01").verdict is (
        Verdict.ON_TRACK
    )
    assert judge("new_areas <= 0 throughout 2008..2009", clean, "2010-01-01").verdict is (
        Verdict.MET
    )


def test_throughout_checks_each_year_against_that_years_target() -> None:
    data = {
        "first_jobs": {"2008": 110, "2009": 140},
        "first_jobs_target": {"2008": 100, "2009": 150},
    }
    result = judge("first_jobs >= first_jobs_target throughout 2008..2010", data, "2010-01-01")
    assert result.verdict is Verdict.MISSED
    assert "broken in 2009" in result.explanation


def test_standing_goal_is_judged_on_the_latest_value() -> None:
    assert judge("calls >= 95%", {"calls": {"2011": 96.1}}, "2012-01-01").verdict is Verdict.MET
    assert judge("calls >= 95%", {"calls": {"2011": 94}}, "2012-01-01").verdict is Verdict.MISSED


def test_window_sum_is_projected_over_the_missing_years() -> None:
    data = {"apprenticeships": {"2010": 100, "2011": 342}}
    result = judge("sum(apprenticeships[2010..2013]) >= 500 by 2013", data, "2012-06-30")
    assert result.verdict is Verdict.ON_TRACK
    # Trend 100 -> 342 continues: 2012 and 2013 are filled from the line.
    assert result.projected == pytest.approx(100 + 342 + 584 + 826, rel=1e-2)
    stalled = {"apprenticeships": {"2010": 200, "2011": 100}}
    assert judge(
        "sum(apprenticeships[2010..2013]) >= 500 by 2013", stalled, "2012-06-30"
    ).verdict is (Verdict.AT_RISK)


def test_no_observation_by_as_of_is_unknown() -> None:
    result = judge("x >= 1", {"x": {"2015": 3}}, "2012-01-01")
    assert result.verdict is Verdict.UNKNOWN
    assert "no observation of x by 2012-01-01" in result.explanation


def test_unknown_metric_is_an_error_for_that_goal_only() -> None:
    rules = RuleSet.of("zz > 3", "x > 1")
    report = evaluate(rules, {"x": {"2010": 2}, "z": {"2010": 1}}, "2011-01-01")
    assert [r.verdict for r in report.results] == [Verdict.ERROR, Verdict.MET]
    error = report.results[0].error
    assert error is not None
    assert error.message == "unknown metric 'zz'"
    assert error.hint == "did you mean 'z'?"
    assert error.column == 1


def test_division_by_zero_is_an_error_with_the_message() -> None:
    result = judge("x / y > 1", {"x": {"2010": 1}, "y": {"2010": 0}}, "2011-01-01")
    assert result.verdict is Verdict.ERROR
    assert result.error is not None
    assert result.error.message == "division by zero"


def test_baseline_used_but_not_declared_is_an_error() -> None:
    result = judge("x >= baseline + 1", {"x": {"2010": 1}}, "2011-01-01")
    assert result.verdict is Verdict.ERROR
    assert "declares none" in result.explanation


def test_baseline_given_as_a_value() -> None:
    result = judge(
        "x >= baseline + 10pp by 2010",
        {"x": {"2008": 60}},
        "2009-01-01",
        baseline={"period": "2007-H1", "value": 54.4},
        unit="%",
    )
    assert result.baseline == 54.4
    assert result.target == pytest.approx(64.4)
    assert result.verdict is Verdict.ON_TRACK


def test_evaluation_is_pure_and_repeatable() -> None:
    goal = Goal.parse("tryghed_districts <= 0.5*2010 by 2014", id="t")
    data = Dataset.from_mapping(TRYGHED)
    first = evaluate_goal(goal, data, date(2012, 6, 30))
    assert evaluate_goal(goal, data, date(2012, 6, 30)) == first


def test_report_json_has_the_documented_shape() -> None:
    report = evaluate(
        RuleSet(goals=(Goal.parse("tryghed_districts <= 0.5*2010 by 2014", id="t"),)),
        TRYGHED,
        "2012-06-30",
    )
    data = report.to_dict()
    assert data["as_of"] == "2012-06-30"
    assert data["summary"]["at-risk"] == 1
    row = data["results"][0]
    for key in ("file", "goal", "verdict", "explanation", "latest", "latest_period", "target",
                "projected", "progress_ratio", "error"):  # fmt: skip
        assert key in row
    assert row["latest_period"] == "2011"


@pytest.mark.parametrize("enabled", [True, False], ids=["collector-on", "collector-off"])
def test_evaluate_leaves_the_garbage_collector_as_it_found_it(enabled: bool) -> None:
    """The collector is paused while goals are judged (a speed-up), never left off, and
    one the caller switched off stays off -- also when a goal fails."""
    import gc

    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        undeclared = Goal.parse("employment_rate >= baseline + 10pp by 2010", id="no-baseline")
        fine = Goal.parse("employment_rate >= 50", id="fine")
        report = evaluate(RuleSet(goals=(undeclared, fine)), EMPLOYMENT, "2009-03-31")
        assert [r.verdict for r in report.results] == [Verdict.ERROR, Verdict.MET]
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()
