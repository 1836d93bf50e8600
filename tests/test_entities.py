"""Goals per entity: for_each, the missing-data policy, x[*], x@name, rank(x), roll-ups.

Semantics are checked on small hand-made data with the scalar engine and the vectorised one
(both must agree: see also tests/engine/test_columnar.py); the per-area example from the 2009
report is checked through the API and the CLI.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pytest

from goalengine import (
    Dataset,
    Goal,
    GoalEngineError,
    Observation,
    Period,
    RuleSet,
    Series,
    Verdict,
    evaluate,
    evaluate_goal,
    evaluate_many,
    load_rules,
)
from goalengine.entities import evaluate_for_each, judged_entities, rollup, rollup_counts
from goalengine.language import compile_rule

ROOT = Path(__file__).resolve().parent.parent
AS_OF = date(2012, 12, 31)


def data(rows: Iterable[tuple[str, str | None, str, float]]) -> Dataset:
    """(metric, entity, period, value) rows -> a dataset."""
    grouped: dict[tuple[str, str | None], list[Observation]] = {}
    for metric, entity, period, value in rows:
        grouped.setdefault((metric, entity), []).append(
            Observation(period=Period.parse(period), value=value, entity=entity)
        )
    return Dataset.of(Series.build(m, obs, entity=e) for (m, e), obs in grouped.items())


YEARS = [str(y) for y in range(2009, 2013)]


def _yearly(entity: str, values: list[float]) -> list[tuple[str, str | None, str, float]]:
    return [("youth", entity, year, v) for year, v in zip(YEARS, values, strict=True)]


DISTRICTS = data(
    [
        *_yearly("Amager", [6.0, 5.5, 5.1, 4.6]),
        *_yearly("Bispebjerg", [9.0, 9.4, 9.9, 10.2]),
        *_yearly("Valby", [7.0, 7.1, 6.9, 7.0]),
        *_yearly("big4_average", [8.0, 7.9, 7.7, 7.5]),
        ("youth", None, "2012", 7.4),  # the city as a whole: no entity
        ("youth", "Vesterbro", "2013", 5.0),  # only a figure after the report date
        ("jobs", "Amager", "2012", 100.0),
        ("jobs", "Østerbro", "2012", 90.0),  # no youth figure at all
    ]
)


def judge(rule: str, engine: str = "scalar", **fields: object) -> list:
    goal = Goal.parse(rule, id="g", for_each="entity", **fields)  # type: ignore[arg-type]
    return evaluate_for_each(goal, DISTRICTS, AS_OF, engine=engine)  # type: ignore[arg-type]


def verdicts(results: list) -> dict[str | None, str]:
    return {r.entity: r.verdict.value for r in results}


@pytest.fixture(params=["scalar", "vector"])
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)


# -- which entities ----------------------------------------------------------------------------


def test_one_result_per_entity_with_data_sorted_and_named(engine: str) -> None:
    results = judge("youth <= 8", engine)
    assert [r.entity for r in results] == [
        "Amager",
        "Bispebjerg",
        "Valby",
        "Vesterbro",
        "big4_average",
    ]
    assert verdicts(results)["Amager"] == "met"
    assert verdicts(results)["Bispebjerg"] == "missed"
    assert results[0].explanation == "4.6 in 2012; target ≤ 8 → met."
    assert all(r.goal == "g" and r.as_of == AS_OF for r in results)


def test_entities_of_every_metric_of_the_rule(engine: str) -> None:
    results = judge("youth + jobs > 0", engine)
    assert "Østerbro" in verdicts(results)  # has jobs, lacks the subject: the missing policy
    assert verdicts(results)["Østerbro"] == "unknown"


def test_reference_entities_are_not_judged(engine: str) -> None:
    results = judge("youth <= youth@big4_average", engine)
    assert "big4_average" not in verdicts(results)
    assert verdicts(results) == {
        "Amager": "met",
        "Bispebjerg": "missed",
        "Valby": "met",
        "Vesterbro": "unknown",
    }
    rule = compile_rule("youth <= youth@big4_average")
    assert judged_entities(rule, DISTRICTS) == ["Amager", "Bispebjerg", "Valby", "Vesterbro"]


# -- missing data -------------------------------------------------------------------------------


def test_missing_unknown_is_the_default(engine: str) -> None:
    result = next(r for r in judge("youth <= 8", engine) if r.entity == "Vesterbro")
    assert result.verdict is Verdict.UNKNOWN
    assert result.explanation == "no data for youth (Vesterbro) by 2012-12-31 → unknown."


def test_missing_skip_leaves_the_entity_out(engine: str) -> None:
    results = judge("youth <= 8", engine, missing="skip")
    assert "Vesterbro" not in verdicts(results)
    assert len(results) == 4


def test_missing_error_is_an_error_with_the_message(engine: str) -> None:
    result = next(
        r for r in judge("youth <= 8", engine, missing="error") if r.entity == "Vesterbro"
    )
    assert result.verdict is Verdict.ERROR
    assert result.error is not None
    assert result.error.message == "no data for youth (Vesterbro) by 2012-12-31"
    assert result.error.hint == "the goal says missing: error"


def test_a_silent_district_never_passes_as_met(engine: str) -> None:
    """The entity-less city figure (7.4) must not stand in for a district's own subject."""
    for policy, verdict in [("unknown", "unknown"), ("error", "error")]:
        result = next(
            r for r in judge("youth <= 8", engine, missing=policy) if r.entity == "Vesterbro"
        )
        assert result.verdict.value == verdict


def test_bad_for_each_or_missing_values_are_goal_errors() -> None:
    goal = Goal.parse("youth <= 8", id="g", for_each="district")
    (result,) = evaluate_for_each(goal, DISTRICTS, AS_OF)
    assert result.verdict is Verdict.ERROR
    assert "for_each: 'district' is not supported" in result.explanation
    goal = Goal.parse("youth <= 8", id="g", for_each="entity", missing="skipp")
    (result,) = evaluate_for_each(goal, DISTRICTS, AS_OF)
    assert "missing: 'skipp' is not a policy (did you mean 'skip'?)" in result.explanation


def test_for_each_without_entities_in_the_data_is_an_error() -> None:
    goal = Goal.parse("youth <= 8", id="g", for_each="entity")
    plain = Dataset.from_mapping({"youth": {2011: 5.0, 2012: 6.0}})
    (result,) = evaluate_for_each(goal, plain, AS_OF)
    assert result.verdict is Verdict.ERROR
    assert "no data of youth has an entity column" in result.explanation


def test_unknown_reference_entity_is_an_error_with_did_you_mean() -> None:
    (result,) = judge("youth <= youth@big4_averge")
    assert result.verdict is Verdict.ERROR
    assert "unknown entity 'big4_averge' after '@'" in result.explanation
    assert "did you mean 'big4_average'?" in result.explanation


# -- x[*], x@name, rank(x) ----------------------------------------------------------------------


def test_mean_over_all_entities_at_the_same_moment(engine: str) -> None:
    # 2012: Amager 4.6, Bispebjerg 10.2, Valby 7.0, big4_average 7.5 (Vesterbro: none yet)
    results = judge("youth <= mean(youth[*])", engine)
    mean = (4.6 + 10.2 + 7.0 + 7.5) / 4
    assert results[0].target == pytest.approx(mean)
    assert verdicts(results) == {
        "Amager": "met",
        "Bispebjerg": "missed",
        "Valby": "met",
        "Vesterbro": "unknown",
        "big4_average": "missed",  # 7.5 > 7.325
    }


def test_other_aggregates_over_entities(engine: str) -> None:
    assert judge("youth >= min(youth[*])", engine)[0].target == 4.6
    assert judge("youth <= max(youth[*])", engine)[0].target == 10.2
    assert judge("youth <= sum(youth[*])", engine)[0].target == pytest.approx(29.3)
    assert judge("youth >= 0 * count(youth[*]) + 4", engine)[0].verdict is Verdict.MET
    results = judge("count(youth[*]) == 4", engine)
    assert {r.verdict for r in results if r.entity != "Vesterbro"} == {Verdict.MET}


def test_references_exclude_themselves_from_all_entities(engine: str) -> None:
    # With big4_average referenced by '@', x[*] covers the three districts only.
    results = judge("youth <= mean(youth[*]) + 0 * youth@big4_average", engine)
    assert results[0].target == pytest.approx((4.6 + 10.2 + 7.0) / 3)


def test_named_reference_entity(engine: str) -> None:
    results = judge("youth <= 0.9 * youth@big4_average", engine)
    assert results[0].target == pytest.approx(0.9 * 7.5)
    assert results[0].explanation == "4.6 in 2012; target ≤ 6.75 → met."


def test_rank_one_is_the_highest(engine: str) -> None:
    results = judge("rank(youth) <= 1", engine)
    assert verdicts(results)["Bispebjerg"] == "met"
    assert verdicts(results)["Amager"] == "missed"
    sides = {r.entity: r.steps for r in results}
    assert sides
    (amager,) = [r for r in results if r.entity == "Amager"]
    assert "rank(youth) = 4" in amager.explanation


def test_rank_ties_share_the_best_rank() -> None:
    tied = data(
        [
            ("x", "a", "2012", 5.0),
            ("x", "b", "2012", 7.0),
            ("x", "c", "2012", 7.0),
            ("x", "d", "2012", 1.0),
        ]
    )
    goal = Goal.parse("rank(x) <= 1", id="g", for_each="entity")
    for engine in ("scalar", "vector"):
        results = evaluate_for_each(goal, tied, AS_OF, engine=engine)  # type: ignore[arg-type]
        assert verdicts(results) == {"a": "missed", "b": "met", "c": "met", "d": "missed"}
        ranks = {r.entity: r.explanation.split("rank(x) = ")[1].split()[0] for r in results}
        assert ranks == {"a": "3", "b": "1", "c": "1", "d": "4"}


def test_rank_without_for_each_is_an_error() -> None:
    goal = Goal.parse("rank(youth) <= 1", id="g")
    result = evaluate_goal(goal, DISTRICTS, AS_OF)
    assert result.verdict is Verdict.ERROR


def test_entity_relative_terms_are_not_projected(engine: str) -> None:
    """By a future deadline, the subject follows its trend; the mean stays as observed."""
    results = judge("youth <= mean(youth[*]) by 2016", engine)
    bispebjerg = next(r for r in results if r.entity == "Bispebjerg")
    assert bispebjerg.verdict is Verdict.AT_RISK
    assert bispebjerg.target == pytest.approx((4.6 + 10.2 + 7.0 + 7.5) / 4)
    amager = next(r for r in results if r.entity == "Amager")
    assert amager.verdict is Verdict.ON_TRACK


def test_the_engines_agree_on_these_rules() -> None:
    for rule in [
        "youth <= mean(youth[*])",
        "youth <= 0.9 * youth@big4_average by 2014",
        "rank(youth) <= 2",
        "youth <= baseline throughout 2009..2012",
        "youth + jobs > 0",
    ]:
        fields = {"baseline": "2009"} if "baseline" in rule else {}
        assert judge(rule, "scalar", **fields) == judge(rule, "vector", **fields), rule


# -- the language ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x[*] > 3", "x[*] (all entities) must be the argument of mean, min, max, sum or count"),
        ("x > 2@e", "'@' needs a metric on its left"),
        ("x > x@3", "'@' needs an entity name on its right"),
        ("x > baseline@e", "'@' needs a metric on its left"),
        ("rank(x, y) < 2", "rank() takes one metric"),
        ("rank(2) < 2", "rank() takes one metric"),
        ("rnak(x) < 2", "unknown function 'rnak'"),
    ],
)
def test_entity_syntax_errors(text: str, message: str) -> None:
    with pytest.raises(GoalEngineError) as caught:
        compile_rule(text)
    assert caught.value.message == message


def test_at_binds_to_the_metric_before_it() -> None:
    from goalengine.language import format_tree

    assert format_tree(compile_rule("x <= 0.9 * x@big4 by 2014").tree) == "x <= 0.9 * (x @ big4)"
    assert format_tree(compile_rule("-x@e < 3").tree) == "-(x @ e) < 3"
    rule = compile_rule("x / y@e * 2 > 1")
    assert format_tree(rule.tree) == "x / (y @ e) * 2 > 1"
    assert rule.references == frozenset({"e"})
    assert rule.metrics == frozenset({"x", "y"})


def test_rules_without_entities_are_unchanged() -> None:
    rule = compile_rule("employment_rate >= baseline + 10pp by 2010")
    assert not rule.entity_refs and not rule.references
    goal = Goal.parse("employment_rate >= baseline + 10pp by 2010", baseline="2007-H1")
    report = evaluate(
        goal, data={"employment_rate": {"2007-H1": 54.4, "2008-08": 59.9}}, as_of="2009-03-31"
    )
    (result,) = report.results
    assert result.verdict is Verdict.ON_TRACK
    assert result.entity is None


# -- evaluate(), evaluate_many(), the roll-up ----------------------------------------------------


def test_evaluate_expands_for_each_goals() -> None:
    ruleset = RuleSet.of(
        Goal.parse("youth <= 8", id="per-district", for_each="entity"),
        Goal.parse("youth <= 8", id="city"),  # no for_each: the entity-less series
    )
    report = evaluate(ruleset, DISTRICTS, AS_OF)
    assert [(r.goal, r.entity) for r in report.results][-1] == ("city", None)
    assert len([r for r in report.results if r.goal == "per-district"]) == 5
    many = evaluate_many([ruleset], DISTRICTS, AS_OF)
    assert many.results == report.results
    document = json.loads(report.to_json())
    assert {r["entity"] for r in document["results"]} >= {"Amager", "Valby", None}


def test_rollup_counts_per_goal() -> None:
    results = judge("youth <= 8")
    (line,) = rollup(results)
    assert line.goal == "g"
    assert line.total == 5
    assert line.count("met") == 3 and line.count(Verdict.MISSED) == 1
    assert line.text == "3 of 5 entities met, 1 missed, 1 unknown"
    assert line.worst is Verdict.UNKNOWN
    assert line.to_dict()["counts"] == {"met": 3, "missed": 1, "unknown": 1}
    example = rollup_counts(
        None, "g", {Verdict.ON_TRACK: 7, Verdict.AT_RISK: 2, Verdict.MISSED: 1}, "districts"
    )
    assert example.text == "7 of 10 districts on track, 2 at risk, 1 missed"
    assert rollup([r.model_copy(update={"entity": None}) for r in results]) == []


def test_auto_engine_goes_vector_from_64_entities() -> None:
    rows = [
        ("x", f"d{i:03d}", str(y), float(i + y - 2000))
        for i in range(80)
        for y in (2010, 2011, 2012)
    ]
    many = data(rows)
    goal = Goal.parse("x >= 20 by 2014", id="g", for_each="entity")
    auto = evaluate_for_each(goal, many, AS_OF)
    assert auto == evaluate_for_each(goal, many, AS_OF, engine="scalar")
    assert len(auto) == 80


# -- the per-area example from the 2009 report ---------------------------------------------------

EXAMPLE = ROOT / "rules" / "entities" / "housing-areas.yaml"
AREAS = ["Akacieparken", "Aldersrogade", "Lundtoftegade", "Mjølnerparken", "Tingbjerg"]


def test_housing_areas_example_per_area() -> None:
    report = evaluate(load_rules(EXAMPLE))
    assert [r.entity for r in report.results] == AREAS
    assert {r.verdict for r in report.results} == {Verdict.ON_TRACK}
    by_area = {r.entity: r for r in report.results}
    assert by_area["Tingbjerg"].explanation == (
        "1 in 2008-03, +0 since 2007; target ≤ 1; held in all 2 observed periods → on track."
    )
    assert by_area["Akacieparken"].latest == 0
    (line,) = rollup(report.results)
    assert line.text == "5 of 5 entities on track"


def test_housing_areas_example_once_the_window_has_ended() -> None:
    report = evaluate(load_rules(EXAMPLE), as_of="2011-06-30")
    assert {r.verdict for r in report.results} == {Verdict.MET}


def test_housing_areas_example_catches_a_new_area() -> None:
    """An area that was not on the 2007 list (0) and joins it is what the goal forbids."""
    from goalengine.data import load_dataset

    ruleset = load_rules(EXAMPLE)
    new = data(
        [
            ("vulnerable_housing_area", "Sjælør Boulevard", "2007", 0.0),
            ("vulnerable_housing_area", "Sjælør Boulevard", "2009-01", 1.0),
        ]
    )
    merged = Dataset.of([*load_dataset(ruleset.data_files[0]).series, *new.series])
    report = evaluate(ruleset, merged, "2009-03-31")
    by_area = {r.entity: r for r in report.results}
    assert by_area["Sjælør Boulevard"].verdict is Verdict.MISSED
    assert by_area["Sjælør Boulevard"].explanation.endswith("broken in 2009-01 → missed.")
    assert by_area["Tingbjerg"].verdict is Verdict.ON_TRACK
    (line,) = rollup(report.results)
    assert line.text == "5 of 6 entities on track, 1 missed"


def test_housing_areas_example_through_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "goalengine", "check", str(EXAMPLE), "--format", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert sorted(r["entity"] for r in document["results"]) == AREAS
    assert document["summary"]["on-track"] == 5
