"""Run the ``tests:`` fixtures embedded in rule files.

A fixture judges the file's goals on its ``as_of`` against the file's data, with the
fixture's inline ``data`` replacing those metrics wholesale, and compares verdicts (and
optional explanation substrings) with ``expect``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import GoalEngineError
from ..evaluate import evaluate_goal
from ..models import Result, Verdict
from ..periods import parse_as_of
from ..resolve import DataCache, load_ruleset_data
from ..ruleset import FixtureCase, RuleSet

__all__ = ["FixtureOutcome", "Mismatch", "run_fixture", "run_fixtures"]


@dataclass(frozen=True, slots=True)
class Mismatch:
    goal: str
    expected: str
    actual: str
    explanation: str
    kind: str = "verdict"  # or "explanation"


@dataclass(frozen=True, slots=True)
class FixtureOutcome:
    """One fixture's outcome: passed, or the mismatches (expected vs actual)."""

    file: str | None
    name: str
    line: int | None
    mismatches: tuple[Mismatch, ...] = ()
    results: tuple[Result, ...] = field(default=(), repr=False)
    error: str | None = None

    @property
    def passed(self) -> bool:
        return not self.mismatches and self.error is None


def run_fixture(
    ruleset: RuleSet, case: FixtureCase, cache: DataCache | None = None
) -> FixtureOutcome:
    try:
        data = load_ruleset_data(ruleset, cache=cache)
    except GoalEngineError as error:
        return FixtureOutcome(ruleset.path, case.name, case.line, error=str(error))
    if case.data is not None:
        data = data.merged(case.data)
    as_of = case.as_of or ruleset.as_of or parse_as_of("2100")
    wanted = set(case.expect) | set(case.expect_explanation)
    results = tuple(evaluate_goal(goal, data, as_of) for goal in ruleset.goals if goal.id in wanted)
    by_goal = {r.goal: r for r in results}
    mismatches = []
    for goal_id, expected in case.expect.items():
        result = by_goal[goal_id]
        if result.verdict is not Verdict(expected):
            mismatches.append(
                Mismatch(goal_id, expected.value, result.verdict.value, result.explanation)
            )
    for goal_id, fragment in case.expect_explanation.items():
        result = by_goal[goal_id]
        if fragment not in result.explanation:
            mismatches.append(
                Mismatch(goal_id, fragment, result.explanation, result.explanation, "explanation")
            )
    return FixtureOutcome(ruleset.path, case.name, case.line, tuple(mismatches), results)


def run_fixtures(ruleset: RuleSet, cache: DataCache | None = None) -> list[FixtureOutcome]:
    """Every fixture of ``ruleset``, in file order."""
    cache = cache or DataCache()
    return [run_fixture(ruleset, case, cache) for case in ruleset.tests]
