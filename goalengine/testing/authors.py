"""What a ``properties:`` entry of a rule file may say, checked without running anything.

The rule-file reader uses this to report a malformed entry at its line and column (an
error of the file, exit 2), and :mod:`~goalengine.testing.properties` to refuse an entry
built in Python; both ask the same questions here. No Hypothesis is imported.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..errors import GoalEngineError, did_you_mean
from ..models import Verdict
from ..periods import Period, parse_as_of
from .shapes import ALIASES, SHAPES

__all__ = ["PROPERTY_KEYS", "EntryProblem", "entry_problems"]

PROPERTY_KEYS = ("name", "goal", "goals", "when", "expect", "as_of")


@dataclass(frozen=True, slots=True)
class EntryProblem:
    """One problem of an entry; ``where`` is the path of keys from the entry to the value."""

    message: str
    where: tuple[Any, ...] = ()
    at_key: bool = False
    """Point at the last key of ``where`` itself (an unknown key), not at its value."""
    hint: str | None = None

    def text(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


def entry_problems(entry: Mapping[Any, Any], goal_ids: Collection[str]) -> list[EntryProblem]:
    """Every problem of one ``properties:`` entry, in the order they stand."""
    problems: list[EntryProblem] = []
    for key in entry:
        if key not in PROPERTY_KEYS:
            keys = did_you_mean(str(key), PROPERTY_KEYS) or f"keys are {', '.join(PROPERTY_KEYS)}"
            problems.append(EntryProblem(f"unknown key '{key}'", (key,), True, keys))
    when = entry.get("when")
    if isinstance(when, Mapping) and when:
        for metric, shape in when.items():
            problems.extend(_shape_problems(shape, ("when", metric)))
    else:
        where: tuple[Any, ...] = ("when",) if "when" in entry else ()
        problems.append(
            EntryProblem(
                "'when' must map metrics to shapes", where, hint="e.g. {employment_rate: flat}"
            )
        )
    for key in ("goal", "goals"):
        if entry.get(key) is None:
            continue
        listed = entry[key] if isinstance(entry[key], list) else [entry[key]]
        for index, goal_id in enumerate(listed):
            where = (key, index) if isinstance(entry[key], list) else (key,)
            if isinstance(goal_id, list | dict):
                problems.append(EntryProblem(f"'{key}' must name goals by their id", where))
            elif str(goal_id) not in goal_ids:
                hint = did_you_mean(str(goal_id), goal_ids)
                problems.append(EntryProblem(f"unknown goal '{goal_id}'", where, hint=hint))
    expect = entry.get("expect")
    listed = expect if isinstance(expect, list) else [expect]
    choices = [v.value for v in Verdict]
    for index, verdict in enumerate(listed):
        where = ("expect", index) if isinstance(expect, list) else ("expect",)
        if "expect" not in entry:
            where = ()
        if not isinstance(verdict, str) or verdict not in choices:
            hint = did_you_mean(str(verdict), choices) or f"one of {', '.join(choices)}"
            problems.append(EntryProblem(f"unknown verdict '{verdict}'", where, hint=hint))
    if entry.get("as_of") is not None:
        try:
            raw = entry["as_of"]
            parse_as_of(raw if isinstance(raw, date) else str(raw))
        except GoalEngineError as error:
            problems.append(EntryProblem(error.message, ("as_of",), hint=error.hint))
    return problems


def _shape_problems(shape: Any, where: tuple[Any, ...]) -> list[EntryProblem]:
    """A shape is a name, a number or a ``{period: number}`` mapping."""
    if isinstance(shape, bool | list):
        return [EntryProblem(f"not a shape: {shape!r}", where, hint=_SHAPE_HINT)]
    if isinstance(shape, int | float):
        return [] if _finite(shape) else [EntryProblem("the number is too large", where)]
    if isinstance(shape, Mapping):
        problems = []
        for period, value in shape.items():
            try:
                if not isinstance(period, date):
                    Period.parse(str(period))
            except GoalEngineError as error:
                problems.append(EntryProblem(error.message, (*where, period), True, error.hint))
            if isinstance(value, bool) or not isinstance(value, int | float) or not _finite(value):
                problems.append(EntryProblem(f"not a number: {value!r}", (*where, period)))
        return problems
    name = str(shape)
    if name in SHAPES or name in ALIASES:
        return []
    hint = did_you_mean(name, [*SHAPES, *ALIASES]) or f"shapes are {', '.join(SHAPES)}"
    return [EntryProblem(f"unknown shape '{shape}'", where, hint=hint)]


_SHAPE_HINT = "a shape name (flat, rises_to_target…), a number or {period: value}"


def _finite(value: float) -> bool:
    try:
        return abs(float(value)) < float("inf")
    except OverflowError:
        return False
