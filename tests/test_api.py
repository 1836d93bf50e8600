"""The public API: what `import goalengine` promises, and that its models are frozen data."""

from __future__ import annotations

import concurrent.futures
import subprocess
import sys

import pytest
from pydantic import ValidationError

import goalengine
from goalengine import Goal, GoalEngineError, RuleSet, Verdict, evaluate

PUBLIC = {
    "Baseline", "DataError", "Dataset", "Diagnostic", "EvaluationError", "Explanation",
    "FixtureCase", "Goal", "GoalEngineError", "Observation", "Period", "PeriodError", "Report",
    "Result", "ResultError", "RuleFileError", "RuleSet", "RuleSyntaxError", "Series", "Span",
    "Step", "UnknownNameError", "Validation", "Verdict", "__version__", "evaluate",
    "evaluate_goal", "evaluate_many", "find_rule_files", "load_dataset", "load_rules",
    "read_rules", "validate",
}  # fmt: skip


def test_all_lists_exactly_the_public_names() -> None:
    assert set(goalengine.__all__) == PUBLIC
    for name in goalengine.__all__:
        assert hasattr(goalengine, name), name


def test_every_error_is_a_goalengine_error() -> None:
    for name in ("DataError", "EvaluationError", "PeriodError", "RuleFileError",
                 "RuleSyntaxError", "UnknownNameError"):  # fmt: skip
        assert issubclass(getattr(goalengine, name), GoalEngineError)


def test_results_are_frozen() -> None:
    report = evaluate("x >= 1", {"x": {"2010": 2}}, "2011")
    with pytest.raises(ValidationError):
        report.results[0].verdict = Verdict.MISSED  # type: ignore[misc]


def test_goal_parse_rejects_a_bad_rule_with_its_position() -> None:
    with pytest.raises(GoalEngineError) as caught:
        Goal.parse("x >= baseline + 10pp by 20x0", baseline="2007")
    assert caught.value.span.column == 25


def test_evaluate_is_thread_safe() -> None:
    goals = tuple(
        Goal.parse(f"m{i} >= {i} by 2014", id=f"g{i}", baseline="2010") for i in range(40)
    )
    data = {f"m{i}": {"2010": 0, "2011": i / 2, "2012": i} for i in range(40)}
    ruleset = RuleSet(goals=goals)
    alone = evaluate(ruleset, data, "2012-12-31")
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        reports = list(pool.map(lambda _: evaluate(ruleset, data, "2012-12-31"), range(8)))
    assert all(report == alone for report in reports)


def test_importing_the_command_line_does_not_load_heavy_libraries() -> None:
    code = (
        "import sys, goalengine.cli, goalengine.engine.scalar\n"
        "heavy = {'numpy', 'pandas', 'pyarrow', 'scipy', 'hypothesis'} & set(sys.modules)\n"
        "print(sorted(heavy))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
