"""Run the ``tests:`` fixtures embedded in rule files.

A fixture judges the file's goals on its ``as_of`` against the file's data, with the
fixture's inline ``data`` replacing those metrics wholesale, and compares verdicts (and
optional explanation substrings) with ``expect``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

from ..engine.scalar import judge
from ..errors import Diagnostic, GoalEngineError
from ..models import Result, Verdict
from ..periods import parse_as_of
from ..resolve import DataCache, load_ruleset_data
from ..ruleset import FixtureCase, RuleSet

_V = TypeVar("_V")

__all__ = ["FixtureOutcome", "Mismatch", "run_fixture", "run_fixtures", "select_fixtures"]


@dataclass(frozen=True, slots=True)
class Mismatch:
    goal: str
    expected: str
    actual: str
    explanation: str
    kind: str = "verdict"  # or "explanation"
    result: Result | None = field(default=None, repr=False, compare=False)
    """The result judged (None: the fixture names a goal or entity with no result)."""


@dataclass(frozen=True, slots=True)
class FixtureOutcome:
    """One fixture's outcome: passed, or the mismatches (expected vs actual)."""

    file: str | None
    name: str
    line: int | None
    mismatches: tuple[Mismatch, ...] = ()
    results: tuple[Result, ...] = field(default=(), repr=False)
    error: str | None = None
    problem: Diagnostic | None = None
    """Why the fixture could not run (its rule file's data, say): an input error, not a
    failing test; ``error`` holds the same as text."""

    @property
    def passed(self) -> bool:
        return not self.mismatches and self.error is None


def run_fixture(
    ruleset: RuleSet, case: FixtureCase, cache: DataCache | None = None
) -> FixtureOutcome:
    try:
        data = load_ruleset_data(ruleset, cache=cache)
        if case.data is not None:
            data = data.merged(case.data)
    except GoalEngineError as error:
        return FixtureOutcome(
            ruleset.path, case.name, case.line, error=str(error), problem=error.diagnostic()
        )
    as_of = case.as_of or ruleset.as_of or parse_as_of("2100")
    wanted = {key.partition("@")[0] for key in (*case.expect, *case.expect_explanation)}
    results = tuple(
        result for goal in ruleset.goals if goal.id in wanted for result in judge(goal, data, as_of)
    )
    mismatches = []
    for key, expected in case.expect.items():
        for name, result in _matching(key, results):
            if result is None:
                mismatches.append(Mismatch(name, expected.value, "no result", ""))
            elif result.verdict is not Verdict(expected):
                mismatches.append(
                    Mismatch(
                        name,
                        expected.value,
                        result.verdict.value,
                        result.explanation,
                        result=result,
                    )
                )
    for key, fragment in case.expect_explanation.items():
        for name, result in _matching(key, results):
            text = result.explanation if result is not None else ""
            if fragment not in text:
                mismatches.append(Mismatch(name, fragment, text, text, "explanation"))
    return FixtureOutcome(ruleset.path, case.name, case.line, tuple(mismatches), results)


def _matching(key: str, results: tuple[Result, ...]) -> list[tuple[str, Result | None]]:
    """The results an ``expect`` key names: ``goal`` (for a per-entity goal: every entity)
    or ``goal@entity`` (that one)."""
    goal_id, _, entity = key.partition("@")
    found = [r for r in results if r.goal == goal_id and (not entity or r.entity == entity)]
    if not found:
        return [(key, None)]
    return [(f"{r.goal}@{r.entity}" if r.entity else r.goal, r) for r in found]


def run_fixtures(ruleset: RuleSet, cache: DataCache | None = None) -> list[FixtureOutcome]:
    """Every fixture of ``ruleset``, in file order."""
    cache = cache or DataCache()
    return [run_fixture(ruleset, case, cache) for case in ruleset.tests]


def select_fixtures(ruleset: RuleSet) -> RuleSet:
    """``ruleset`` with each fixture's expectations cut to the goals it still holds (after
    ``--select``/``--exclude``); a fixture left expecting nothing is dropped."""
    kept = {goal.id for goal in ruleset.goals}

    def ours(expected: dict[str, _V]) -> dict[str, _V]:
        return {k: v for k, v in expected.items() if k.partition("@")[0] in kept}

    cases = []
    for case in ruleset.tests:
        expect, explanation = ours(case.expect), ours(case.expect_explanation)
        if expect or explanation:
            cases.append(
                case.model_copy(update={"expect": expect, "expect_explanation": explanation})
            )
    return ruleset.model_copy(update={"tests": tuple(cases)})
