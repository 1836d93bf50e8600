"""Goals judged per entity: ``for_each: entity`` (docs/entities.md).

A goal with ``for_each: entity`` is judged once for every entity that has data for one of
its metrics -- districts, housing areas, schools, municipalities -- except the reference
entities the rule names with ``@`` (``youth_share@big4_average``). Each result carries its
``entity``. An entity with no observation of the rule's subject by the report date follows
the goal's ``missing`` policy:

- ``unknown`` (the default): an ``unknown`` result that says the data is missing;
- ``skip``: no result for that entity;
- ``error``: an ``error`` result (the CLI then exits 2).

so a district that reports nothing is never silently counted as meeting the goal.

:func:`rollup` summarises per-entity results per goal ("7 of 10 entities on track, 2 at
risk, 1 missed") as data. Large goals are judged by :mod:`goalengine.engine.columnar` (numpy,
imported only here and only when there are enough entities). Both engines take every
decision through :mod:`goalengine.engine.decide`, so their results are identical, which the
test suite checks property by property and against a slow reference.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Literal, Protocol

from .engine.scalar import evaluate_goal, failed_result, goal_fields
from .errors import GoalEngineError, did_you_mean
from .explain import sentence
from .language import CheckedRule
from .models import Result, RollUp, Step, Verdict
from .resolve import resolve_goal
from .ruleset import FOR_EACH, MISSING_POLICIES, Goal

__all__ = [
    "FOR_EACH",
    "MISSING_POLICIES",
    "VECTOR_MIN_ENTITIES",
    "Engine",
    "EntityIndex",
    "RollUp",
    "evaluate_for_each",
    "goal_problem",
    "judged_entities",
    "missing_result",
    "rollup",
]

#: From this many entities on, ``engine="auto"`` judges a goal with numpy when it can.
VECTOR_MIN_ENTITIES = 64

Engine = Literal["auto", "scalar", "vector"]


class EntityIndex(Protocol):
    """What entity expansion needs from data (a Dataset or a columnar Frame)."""

    def entities(self, metric: str) -> list[str | None]: ...


def judged_entities(rule: CheckedRule, data: EntityIndex) -> list[str]:
    """Entities with data for any of the rule's metrics, minus its ``@`` references, sorted."""
    return [e for e in _all_entities(rule, data) if e not in rule.references]


def _all_entities(rule: CheckedRule, data: EntityIndex) -> list[str]:
    """Entities with data for any of the rule's metrics, sorted."""
    many = getattr(data, "entities_of", None)  # a columnar Frame answers this at once
    if many is not None:
        return list(many(rule.metrics))
    found: set[str] = set()
    for metric in rule.metrics:
        found.update(e for e in data.entities(metric) if e is not None)
    return sorted(found)


def evaluate_for_each(
    goal: Goal,
    data: object,
    as_of: date,
    *,
    method: str | None = None,
    engine: Engine = "auto",
) -> list[Result]:
    """Judge ``goal`` once per entity (see the module docstring); never raises.

    ``data`` is a :class:`~goalengine.data.Dataset` (or, for ``engine="vector"``, a
    :class:`~goalengine.data.columnar.Frame`). ``engine`` picks the scalar path (one
    simpleeval run per entity), the vectorised one, or (``auto``) numpy for goals with at
    least :data:`VECTOR_MIN_ENTITIES` entities when numpy is installed.
    """
    from .data import Dataset

    problem = goal_problem(goal)
    if problem is not None:
        return [failed_result(goal, problem, as_of=as_of)]
    if engine == "vector" or (
        engine == "auto" and isinstance(data, Dataset) and _vector_worthwhile(goal, data)
    ):
        from .data.columnar import Frame
        from .engine.columnar import evaluate_entities

        assert isinstance(data, Dataset | Frame)
        return evaluate_entities(goal, data, as_of, method=method)
    assert isinstance(data, Dataset)
    try:
        rule = resolve_goal(goal, data).rule
        entities = entity_list(goal, rule, data)
    except GoalEngineError as error:
        return [failed_result(goal, error, as_of=as_of)]
    results: list[Result] = []
    for entity in entities:
        series = data.get(rule.subject, entity)
        if series is None or not series.until(as_of):
            missing = missing_result(goal, rule, entity, as_of, method)
            if missing is not None:
                results.append(missing)
            continue
        results.append(evaluate_goal(goal, data, as_of, method=method, entity=entity))
    return results


def entity_list(goal: Goal, rule: CheckedRule, data: EntityIndex) -> list[str]:
    """The entities to judge; raises when there are none or an ``@`` name is unknown."""
    everyone = _all_entities(rule, data)
    every = set(everyone) if rule.references else set()
    for name in sorted(rule.references):
        if name not in every:
            raise GoalEngineError(
                f"unknown entity '{name}' after '@'",
                goal.span,
                did_you_mean(name, sorted(every))
                or f"no data of {', '.join(sorted(rule.metrics))} has an entity '{name}'",
            )
    entities = [e for e in everyone if e not in rule.references] if rule.references else everyone
    if not entities:
        raise GoalEngineError(
            "for_each: entity, but no data of "
            f"{', '.join(sorted(rule.metrics))} has an entity column",
            goal.span,
            hint="give the data an 'entity' column (e.g. one row per district and period)",
        )
    return entities


def missing_result(
    goal: Goal, rule: CheckedRule, entity: str, as_of: date, method: str | None = None
) -> Result | None:
    """The result for an entity without the subject's data, by the goal's ``missing``."""
    message = f"no data for {rule.subject} ({entity}) by {as_of.isoformat()}"
    if goal.missing == "skip":
        return None
    if goal.missing == "error":
        error = GoalEngineError(message, goal.span, hint="the goal says missing: error")
        return failed_result(goal, error, entity, as_of)
    return Result(
        **goal_fields(goal, entity),
        as_of=as_of,
        verdict=Verdict.UNKNOWN,
        explanation=sentence(message, verdict=Verdict.UNKNOWN.label),
        steps=(
            Step(kind="reason", label="reason", detail=message),
            Step(kind="verdict", label="verdict", value=Verdict.UNKNOWN.value),
        ),
        method=method or goal.method or "linear",
    )


def goal_problem(goal: Goal) -> GoalEngineError | None:
    """Why ``goal`` cannot be judged per entity at all (a bad ``for_each`` or ``missing``,
    or a problem found reading it), or None."""
    if goal.problem is not None:
        return goal.problem
    if goal.for_each not in FOR_EACH:
        return GoalEngineError(
            f"for_each: '{goal.for_each}' is not supported",
            goal.span,
            hint="write for_each: entity (one result per value of the data's entity column)",
        )
    if goal.missing not in MISSING_POLICIES:
        return GoalEngineError(
            f"missing: '{goal.missing}' is not a policy",
            goal.span,
            hint=did_you_mean(goal.missing, MISSING_POLICIES)
            or f"choose one of {', '.join(MISSING_POLICIES)}",
        )
    return None


def _vector_worthwhile(goal: Goal, data: EntityIndex) -> bool:
    try:
        rule = goal.compiled()
    except GoalEngineError:
        return False
    if len(judged_entities(rule, data)) < VECTOR_MIN_ENTITIES:
        return False
    from importlib.util import find_spec

    return find_spec("numpy") is not None


# -- roll-up ----------------------------------------------------------------------------


def rollup(results: Iterable[Result], noun: str = "entities") -> list[RollUp]:
    """Count per-entity verdicts per (file, goal), in order of first appearance.

    Results without an entity (goals without ``for_each``) are left out.
    """
    tallies: dict[tuple[str | None, str], dict[Verdict, int]] = {}
    for result in results:
        if result.entity is None:
            continue
        tally = tallies.setdefault((result.file, result.goal), {})
        tally[result.verdict] = tally.get(result.verdict, 0) + 1
    return [rollup_counts(file, goal, tally, noun) for (file, goal), tally in tallies.items()]


def rollup_counts(
    file: str | None, goal: str, tally: dict[Verdict, int], noun: str = "entities"
) -> RollUp:
    """A :class:`RollUp` from verdict counts (zero counts are dropped)."""
    ordered = tuple((v, tally[v]) for v in Verdict if tally.get(v))
    return RollUp(file=file, goal=goal, counts=ordered, noun=noun)
