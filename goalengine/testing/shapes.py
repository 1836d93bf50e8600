"""Series shapes for authors' own properties: ``when: {employment_rate: rises_to_target}``.

A shape is a path of the metric from the goal's start (its baseline period, else the
earliest period the rule names) to the end of its time clause (the deadline, the last
period of a ``throughout`` window, or the report date of a standing goal), sampled at the
goal's periods and held at its final value afterwards. It is defined by the goal's own
numbers: ``b``, the baseline (the declared value, else the data's value in the baseline
period, else the data's first value, else a guess below the target) and ``T``, the target
(the rule's other side, computed with the named periods at ``b``). "Just past" the target
means 5 % of the gap ``|T - b|`` beyond it (5 % of ``|T|``, at least 0.05, when the gap is 0).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from ..errors import did_you_mean
from ..periods import Period, shift

if TYPE_CHECKING:  # the rule-file reader checks shape names without loading Hypothesis
    from ._space import GoalSpace

__all__ = ["ALIASES", "SHAPES", "ShapeError", "shape_series"]


@dataclass(frozen=True, slots=True)
class _Shape:
    description: str
    needs_target: bool
    path: Callable[[float, float, float, float, int], float]
    """(t in 0..1, b, T or b, margin, direction) -> value."""


def _towards(end: float, b: float, t: float) -> float:
    return b + t * (end - b)


def _past(target: float, margin: float, direction: int) -> float:
    return target + direction * margin


def _size(b: float, target: float, margin: float) -> float:
    return abs(target - b) or 20 * margin


_SHAPES: dict[str, _Shape] = {
    "flat": _Shape("stays at the baseline", False, lambda t, b, T, m, d: b),
    "rises_to_target": _Shape(
        "rises in a straight line from the baseline to just above the target at the deadline",
        True,
        lambda t, b, T, m, d: _towards(T + m, b, t),
    ),
    "falls_to_target": _Shape(
        "falls in a straight line from the baseline to just below the target at the deadline",
        True,
        lambda t, b, T, m, d: _towards(T - m, b, t),
    ),
    "reaches_target": _Shape(
        "moves in a straight line to just past the target (on its good side) at the deadline",
        True,
        lambda t, b, T, m, d: _towards(_past(T, m, d), b, t),
    ),
    "reaches_target_early": _Shape(
        "like reaches_target, but arrives halfway to the deadline and stays there",
        True,
        lambda t, b, T, m, d: _towards(_past(T, m, d), b, min(1.0, 2 * t)),
    ),
    "at_target": _Shape(
        "stays just past the target (on its good side) all along",
        True,
        lambda t, b, T, m, d: _past(T, m, d),
    ),
    "falls_short": _Shape(
        "moves towards the target but covers only half the way by the deadline",
        True,
        lambda t, b, T, m, d: _towards((b + T) / 2, b, t),
    ),
    "falls_away": _Shape(
        "moves away from the target, by the size of the gap, by the deadline",
        True,
        lambda t, b, T, m, d: b - t * ((1 if b < T else -1 if b > T else d or 1) * _size(b, T, m)),
    ),
    "peaks_early": _Shape(
        "reaches just past the target halfway to the deadline, then falls back to the baseline",
        True,
        lambda t, b, T, m, d: _towards(_past(T, m, d), b, 1 - abs(2 * t - 1)),
    ),
    "rises": _Shape(
        "rises by the gap |T - b| (by |T|, at least 1, when there is none) by the deadline",
        False,
        lambda t, b, T, m, d: b + t * _size(b, T, m),
    ),
    "falls": _Shape(
        "falls by the gap |T - b| (by |T|, at least 1, when there is none) by the deadline",
        False,
        lambda t, b, T, m, d: b - t * _size(b, T, m),
    ),
}

#: The documented vocabulary: shape name -> what the series does.
SHAPES: dict[str, str] = {name: shape.description for name, shape in _SHAPES.items()} | {
    "no_data": "has no observations at all",
}
#: Other spellings accepted for a shape.
ALIASES: dict[str, str] = {
    "moves_away": "falls_away",
    "halfway": "falls_short",
    "stays_at_target": "at_target",
    "stays_at_baseline": "flat",
    "constant": "flat",
    "none": "no_data",
}


class ShapeError(ValueError):
    """An unknown shape, or a shape that needs a target the goal does not have."""


def shape_series(
    space: GoalSpace, shape: str | float | Mapping[object, float], metric: str | None = None
) -> dict[Period, float]:
    """The series ``metric`` (default: the goal's subject) has under ``shape``.

    ``shape`` is a name from :data:`SHAPES` (or :data:`ALIASES`), a number (a constant
    series) or an explicit ``{period: value}`` mapping.
    """
    if isinstance(shape, bool):
        raise ShapeError(f"not a shape: {shape!r}")
    if isinstance(shape, int | float):
        return dict.fromkeys(_timeline(space)[0], float(shape))
    if isinstance(shape, Mapping):
        return {
            p if isinstance(p, Period) else Period.parse(str(p)): float(v) for p, v in shape.items()
        }
    name = ALIASES.get(str(shape), str(shape))
    if name == "no_data":
        return {}
    if name not in _SHAPES:
        hint = did_you_mean(name, [*SHAPES, *ALIASES])
        choices = ", ".join(SHAPES)
        raise ShapeError(f"unknown shape '{shape}'" + (f" ({hint})" if hint else f"; {choices}"))
    definition = _SHAPES[name]
    metric = metric or space.subject
    is_subject = metric == space.subject
    b = space.level if is_subject else space.level_of(metric)
    target = space.target if is_subject else None
    if definition.needs_target and target is None:
        why = (
            "it is not the goal's subject"
            if not is_subject
            else "the goal has no target value (its subject side is an expression)"
        )
        raise ShapeError(f"shape '{name}' needs a target, and for {metric} {why}")
    t_value = b if target is None else target
    gap = abs(t_value - b)
    margin = 0.05 * gap if gap else max(0.05 * abs(t_value), 0.05)
    direction = space.rule.direction if is_subject else 0
    periods, first, last = _timeline(space)
    span = (last - first).days or 1
    values = {}
    for period in periods:
        t = min(1.0, max(0.0, (period.end - first).days / span))
        values[period] = space.round(definition.path(t, b, t_value, margin, direction))
    return values


def _timeline(space: GoalSpace) -> tuple[list[Period], date, date]:
    first = space.start.end
    last = space.end.end if space.end is not None else space.reference
    if last <= first:
        last = shift(first, 3 * 365)
    periods = [p for p in space.grid if p.end >= first]
    return periods, first, last
