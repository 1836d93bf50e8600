"""The public Hypothesis strategies produce what they promise."""

from __future__ import annotations

import keyword
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goalengine import Dataset, Goal, Period, RuleSet, Series, evaluate_goal, load_rules
from goalengine.language import RESERVED, compile_rule, parse_text
from goalengine.testing.hooks import _hypothesis_setup_hook
from goalengine.testing.strategies import (
    cases,
    datasets,
    days,
    goals,
    metric_names,
    periods,
    rulesets,
    series,
    values,
)

EMPLOYMENT = Goal.parse(
    "employment_rate >= baseline + 10pp by 2010", baseline="2007-H1", id="employment", unit="%"
)


@given(periods())
def test_periods_are_valid_and_print_back(period: Period) -> None:
    assert Period.parse(str(period)) == period
    assert 2000 <= period.year <= 2030
    assert period.start <= period.end


@given(periods(kinds=("quarter",), min_year=2010, max_year=2010))
def test_periods_respect_kind_and_years(period: Period) -> None:
    assert period.kind == "quarter"
    assert period.year == 2010


@given(values(10, 20))
def test_values_stay_in_range_and_read_well(value: float) -> None:
    assert 10 <= value <= 20
    assert len(repr(value)) <= 6  # on a grid: 14.35, never 14.350000000000001


@given(series("x", kind="half", min_year=2008, max_year=2010, min_size=1))
def test_series_are_sorted_with_one_value_per_period(found: Series) -> None:
    periods_seen = [o.period for o in found.observations]
    assert found.metric == "x"
    assert periods_seen == sorted(set(periods_seen))
    assert all(p.kind == "half" and 2008 <= p.year <= 2010 for p in periods_seen)
    assert all(0 <= o.value <= 100 for o in found.observations)


@given(metric_names())
def test_metric_names_are_usable_in_rules(name: str) -> None:
    assert name.isidentifier()
    assert name not in RESERVED
    assert not keyword.iskeyword(name)
    assert compile_rule(f"{name} >= 1").subject == name


@pytest.mark.slow
@settings(max_examples=150)
@given(goals(("x", "y", "z")))
def test_generated_rules_compile(text: str) -> None:
    rule = compile_rule(text)
    assert rule.subject in {"x", "y", "z"}
    assert rule.metrics <= {"x", "y", "z"}


@given(goals(("x",), baseline=False, time=False, years=False))
def test_rule_options_are_honoured(text: str) -> None:
    parsed = parse_text(text)
    assert parsed.time is None
    rule = compile_rule(text)
    assert not rule.uses_baseline
    assert all(getattr(n, "implicit_year", None) is None for n in _walk(rule.tree))


def _walk(tree: object) -> list[object]:
    import ast

    assert isinstance(tree, ast.AST)
    return list(ast.walk(tree))


@settings(max_examples=30)
@given(rulesets(("a", "b"), max_goals=3))
def test_rulesets_hold_valid_goals_with_baselines(ruleset: RuleSet) -> None:
    ids = [g.id for g in ruleset.goals]
    assert len(ids) == len(set(ids)) >= 1
    assert ruleset.as_of is not None
    for goal in ruleset.goals:
        assert goal.problem is None
        assert goal.baseline is not None
        goal.compiled()


@settings(max_examples=30)
@given(datasets(EMPLOYMENT))
def test_datasets_for_a_goal_cover_its_metrics_around_its_numbers(data: Dataset) -> None:
    assert "employment_rate" in data.metrics
    found = data.get("employment_rate")
    assert found is not None
    assert all(0 <= o.value <= 200 for o in found.observations)


@settings(max_examples=20)
@given(datasets(("a", "b")))
def test_datasets_from_metric_names(data: Dataset) -> None:
    assert data.metrics == {"a", "b"}


@settings(max_examples=20)
@given(datasets(RuleSet.of("x >= y by 2012", "z <= 5")))
def test_datasets_for_a_ruleset_cover_every_goal(data: Dataset) -> None:
    assert data.metrics == {"x", "y", "z"}


@settings(max_examples=40)
@given(cases(EMPLOYMENT))
def test_cases_are_judged_without_internal_errors(case: tuple[Dataset, date]) -> None:
    data, as_of = case
    result = evaluate_goal(EMPLOYMENT, data, as_of)
    assert result.verdict != "error", result.explanation


@given(days(EMPLOYMENT))
def test_days_lie_around_the_goal(day: date) -> None:
    assert date(2004, 1, 1) <= day <= date(2013, 12, 31)


def test_the_entry_point_registers_our_types() -> None:
    _hypothesis_setup_hook()  # what `[project.entry-points.hypothesis]` runs on import

    @settings(max_examples=10)
    @given(st.from_type(Period), st.from_type(Series), st.from_type(Dataset))
    def check(period: Period, found: Series, data: Dataset) -> None:
        assert isinstance(period, Period)
        assert isinstance(found, Series)
        assert isinstance(data, Dataset)

    check()


def test_strategies_work_for_the_shipped_rules(root: Path) -> None:
    ruleset = load_rules(root / "rules" / "okonomiudvalget-2012" / "sikker-by.yaml")

    @settings(max_examples=10)
    @given(datasets(ruleset))
    def check(data: Dataset) -> None:
        for goal in ruleset.goals:
            assert goal.compiled().subject in data.metrics

    check()


ENTRY_POINT = """
import importlib.metadata as metadata

real = metadata.entry_points


def entry_points(**selection):
    if selection.get("group") == "hypothesis":
        hook = "goalengine.testing.hooks:_hypothesis_setup_hook"
        return [metadata.EntryPoint("goalengine", hook, "hypothesis")]
    return real(**selection)


metadata.entry_points = entry_points
# Import the strategies first: Hypothesis loads the hook while they are being imported.
import goalengine.testing.strategies
from hypothesis import given, settings, strategies as st
from goalengine import Period


@settings(max_examples=5)
@given(st.from_type(Period))
def check(period):
    assert isinstance(period, Period)


check()
print("ok")
"""


def test_the_entry_point_hook_loads_during_any_import_order(tmp_path: Path) -> None:
    script = tmp_path / "hook.py"
    script.write_text(ENTRY_POINT, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
