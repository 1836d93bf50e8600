"""The decisions of the README's "Verdicts" section, each written once.

Both engines call these functions: the scalar one (``goalengine.engine.scalar``, one goal for one
entity, Python floats) and the columnar one (``goalengine.engine.columnar``, one goal for many
entities, numpy arrays of shape ``(entities,)``). Every function is *array-generic*: given
floats it answers with floats or bools, given arrays it answers elementwise with arrays,
through the same expression -- so the two engines cannot drift apart.

Importing this module does not import numpy (the plain ``goalengine check`` path never
needs it); numpy is reached only through the arrays a caller passes in.

Structural decisions (which observation is the baseline, which observations the trend
goes through) depend only on the periods observed, which the columnar engine shares
within a group of entities: they take sequences of periods and answer with indexes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final, TypeVar

from ..explain import TEXT_FORMATS
from ..models import Verdict
from ..periods import Period

__all__ = [
    "EQ_TOLERANCE",
    "PASSED_VERDICTS",
    "STATUSES",
    "STATUS_VERDICTS",
    "BaselineChoice",
    "choose_baseline",
    "deadline_passed",
    "equal",
    "fit_line",
    "flat_trend",
    "held_in",
    "inside",
    "linear_status",
    "method_labels_data_verdicts",
    "no_deadline_data",
    "no_window_data",
    "passed_verdict_code",
    "progress_ratio",
    "standard_error",
    "throughout_verdict",
    "total",
    "trend_points",
]

V = TypeVar("V")
"""A number: a float (the scalar engine) or a float64 array (the columnar one)."""

#: Relative tolerance of ``==``, ``>=`` and ``<=`` (figures are published rounded: a
#: difference in the fifteenth digit is the arithmetic's, not the world's).
EQ_TOLERANCE: Final = 1e-9

#: A rule judged on data alone (no time clause, or a deadline passed): holds -> ``met``.
PASSED_VERDICTS: Final = (Verdict.MET, Verdict.MISSED)

#: The linear method's native labels, in the order of :func:`linear_status`'s codes.
STATUSES: Final = ("on_track", "off_track", "not_available")

#: Native label -> our verdict (the table in docs/methods.md).
STATUS_VERDICTS: Final = {
    "on_track": Verdict.ON_TRACK,
    "off_track": Verdict.AT_RISK,
    "not_available": Verdict.UNKNOWN,
}


def _is_array(value: Any) -> bool:
    return hasattr(value, "shape") and getattr(value, "ndim", 0) > 0


def _where(condition: Any, yes: Any, no: Any) -> Any:
    """``yes if condition else no``, elementwise when ``condition`` is an array."""
    if _is_array(condition):
        import numpy as np

        return np.where(condition, yes, no)
    return yes if condition else no


def _maximum(a: Any, b: Any) -> Any:
    if _is_array(a) or _is_array(b):
        import numpy as np

        return np.maximum(a, b)
    return max(a, b)


def _isinf(value: Any) -> Any:
    if _is_array(value):
        import numpy as np

        return np.isinf(value)
    return math.isinf(value)


def _isfinite(value: Any) -> Any:
    if _is_array(value):
        import numpy as np

        return np.isfinite(value)
    return math.isfinite(value)


# -- comparing ---------------------------------------------------------------------------------


def equal(a: Any, b: Any) -> Any:
    """``a == b`` up to :data:`EQ_TOLERANCE` relative to the larger of 1, ``|a|``, ``|b|``;
    infinity equals only itself (the tolerance would call it equal to everything)."""
    scale = _maximum(_maximum(1.0, abs(a)), abs(b))
    close = abs(a - b) <= EQ_TOLERANCE * scale
    return _where(_isinf(a) | _isinf(b), a == b, close)


# -- the time clause ---------------------------------------------------------------------------


def deadline_passed(as_of: date, deadline: Period) -> bool:
    """A deadline has passed once the report date reaches its last day: the data decides."""
    return as_of >= deadline.end


def inside(ends: Sequence[date], first: Period, last: Period) -> list[int]:
    """Indexes of the observations (by period end) that fall in ``first .. last``."""
    start, stop = first.start, last.end
    return [k for k, end in enumerate(ends) if start <= end <= stop]


def passed_verdict_code(holds: Any) -> Any:
    """Index into :data:`PASSED_VERDICTS`: 0 (``met``) where the rule holds, else 1."""
    return _where(holds, 0, 1)


def throughout_verdict(as_of: date, last: Period, violated: bool) -> Verdict:
    """``throughout``: any observed violation -> ``missed``; else ``met`` once the window
    has ended, ``on-track`` before."""
    if violated:
        return Verdict.MISSED
    return Verdict.MET if as_of >= last.end else Verdict.ON_TRACK


def linear_status(holds: Any, flat: bool) -> Any:
    """Index into :data:`STATUSES`: the rule holds on the projection -> ``on_track``; else
    ``off_track``, or ``not_available`` when the trend is flat (too few observations)."""
    return _where(holds, 0, 2 if flat else 1)


def method_labels_data_verdicts(method_name: str) -> bool:
    """Whether a goal the data decides (no time clause, ``throughout``) still gets its
    method's label: a method chosen on purpose gives it (Destatis' annual procedure is made
    for goals that must hold every year); the default ``linear`` has nothing to add."""
    return method_name != "linear"


def no_deadline_data(deadline: Period) -> str:
    """Why a passed deadline is ``unknown``: nothing observed inside it."""
    return TEXT_FORMATS.phrase(
        "no observation in the deadline period {deadline}", deadline=deadline
    )


def no_window_data(first: Period, last: Period) -> str:
    """Why a ``throughout`` goal is ``unknown``: nothing observed inside its window yet."""
    return TEXT_FORMATS.phrase("no observation in {first}..{last} yet", first=first, last=last)


def held_in(count: int, first: Period) -> str:
    """Why a ``throughout`` goal is ``met`` or ``on-track``: every observed period held."""
    if count > 1:
        return TEXT_FORMATS.phrase("held in all {count} observed periods", count=count)
    return TEXT_FORMATS.phrase("held in the one observed period {first}", first=first)


# -- the baseline and the trend ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BaselineChoice:
    """Which baseline a goal has: a declared value, an observation, or none."""

    index: int | None = None
    """The observation (an index into the visible ones) that is the baseline."""
    value: float | None = None
    """A declared value (with :attr:`period`, declared or the first observed)."""
    period: Period | None = None
    missing: Period | None = None
    """The declared baseline period has no value though the rule needs one: ``unknown``."""

    @property
    def found(self) -> bool:
        return self.index is not None or self.value is not None


def choose_baseline(
    periods: Sequence[Period],
    declared_period: Period | None,
    declared_value: float | None,
    uses_baseline: bool,
    named: Iterable[Period],
) -> BaselineChoice:
    """The baseline among the visible observations' ``periods`` (oldest first).

    A declared value is the baseline (in its declared period, else the first observed); a
    declared period picks its observation -- when it has none and the rule does not use
    ``baseline``, the trend starts at the first observation after it; without a declared
    baseline, the earliest period the rule ``named`` for its subject anchors the trend.
    (A rule using ``baseline`` on a goal declaring none is an error found before this.)
    """
    if declared_value is not None:
        period = declared_period or (periods[0] if periods else Period(1900))
        return BaselineChoice(value=declared_value, period=period)
    if declared_period is not None:
        found = next((k for k, p in enumerate(periods) if p == declared_period), None)
        if found is None and uses_baseline:
            return BaselineChoice(missing=declared_period)
        if found is None:
            start = declared_period.end
            found = next((k for k, p in enumerate(periods) if p.end >= start), None)
        return BaselineChoice(index=found)
    for period in named:
        found = next((k for k, p in enumerate(periods) if p == period), None)
        if found is not None:
            return BaselineChoice(index=found)
    return BaselineChoice()


def trend_points(periods: Sequence[Period], base: Period | None) -> tuple[bool, list[int]]:
    """The observations the trend goes through: (whether the baseline comes first as a
    point of its own, indexes of the observations from the baseline period on).

    A baseline given by value (not in the data) still anchors the trend; with nothing
    observed since it, the baseline alone is the trend's one point.
    """
    if base is None:
        return False, list(range(len(periods)))
    start = base.end
    kept = [k for k, p in enumerate(periods) if p.end >= start]
    if kept and periods[kept[0]] != base:
        return True, kept
    return (not kept), kept


def flat_trend(days: Sequence[date]) -> bool:
    """Too few observations for a trend: fewer than two days, or all on one day."""
    return len(days) < 2 or days[0] == days[-1]


def total(terms: Iterable[Any]) -> Any:
    """``sum(terms)`` as CPython adds floats (left to right, compensated from 3.12 on),
    elementwise for arrays, so both engines get the same bits."""
    items = list(terms)
    if not items or not _is_array(items[0]):
        return sum(items)
    return _array_sum(items)


#: Whether this interpreter's ``sum`` of floats compensates (Neumaier, Python 3.12+).
_NEUMAIER: Final = sum([1.0, 1e100, 1.0, -1e100]) == 2.0


def _array_sum(items: list[Any]) -> Any:
    """CPython's float ``sum`` replayed elementwise: the same IEEE operations in the same
    order (numpy and Python round + - * / alike), so the bits are the same."""
    import numpy as np

    total_ = np.add(0.0, np.asarray(items[0], dtype=np.float64))
    if not _NEUMAIER:
        for term in items[1:]:
            total_ = total_ + term
        return total_
    compensation = np.zeros_like(total_)
    with np.errstate(all="ignore"):
        for term in items[1:]:
            step = total_ + term
            compensation = compensation + np.where(
                np.abs(total_) >= np.abs(term), (total_ - step) + term, (term - step) + total_
            )
            total_ = step
        fix = (compensation != 0) & np.isfinite(compensation)
        return np.where(fix, total_ + compensation, total_)


def fit_line(xs: Sequence[float], ys: Sequence[V]) -> tuple[V, V]:
    """Least squares through (``xs``, ``ys``): (value at x = 0, change per unit of x)."""
    count = len(xs)
    mean_x = sum(xs) / count
    mean_y = total(ys) / count
    sxx = sum((x - mean_x) ** 2 for x in xs)
    if sxx == 0:
        return mean_y, _zeros_like(mean_y)
    slope = total([(x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)]) / sxx
    return mean_y - slope * mean_x, slope


def _scatter(
    xs: Sequence[float], ys: Sequence[V], intercept: V, slope: V
) -> tuple[Any, float, float] | None:
    """(residual variance, mean of ``xs``, Sxx) around the fitted line; None below 3 points
    or when all ``xs`` are equal (no scatter to speak of)."""
    count = len(xs)
    if count < 3:
        return None
    mean_x = sum(xs) / count
    sxx = sum((x - mean_x) * (x - mean_x) for x in xs)
    if sxx == 0:
        return None
    squares = []
    for x, y in zip(xs, ys, strict=True):
        residual = y - (intercept + slope * x)  # type: ignore[operator]
        squares.append(residual * residual)
    return total(squares) / (count - 2), mean_x, sxx


def _sqrt(value: Any) -> Any:
    if _is_array(value):
        import numpy as np

        return np.sqrt(value)
    return math.sqrt(value)


def standard_error(xs: Sequence[float], ys: Sequence[V], intercept: V, slope: V, x0: float) -> Any:
    """Of a new observation at ``x0`` around the fitted line (line uncertainty plus scatter);
    None below 3 points or when all ``xs`` are equal (no scatter to speak of)."""
    found = _scatter(xs, ys, intercept, slope)
    if found is None:
        return None
    scatter, mean_x, sxx = found
    leverage = 1.0 + 1.0 / len(xs) + (x0 - mean_x) * (x0 - mean_x) / sxx
    return _sqrt(scatter * leverage)


def slope_error(xs: Sequence[float], ys: Sequence[V], intercept: V, slope: V) -> Any:
    """Of the fitted slope, ``s / √Sxx`` (``n − 2`` degrees of freedom); None as
    :func:`standard_error`."""
    found = _scatter(xs, ys, intercept, slope)
    if found is None:
        return None
    scatter, _, sxx = found
    return _sqrt(scatter / sxx)


def progress_ratio(per_year: Any, target: Any, base_value: Any, years: float) -> Any:
    """``per_year`` against the change per year needed from the baseline to the target by
    the deadline, ``years`` away (1 = exactly on pace, negative = moving away).

    NaN where undefined: no change is needed, or the quotient is not finite."""
    needed = (target - base_value) / years if years > 0 else _zeros_like(target)
    quotient = _divide(per_year, needed)
    return _where((needed != 0) & _isfinite(quotient), quotient, math.nan)


def _zeros_like(value: Any) -> Any:
    if _is_array(value):
        import numpy as np

        return np.zeros_like(value)
    return 0.0


def _divide(a: Any, b: Any) -> Any:
    """``a / b``; NaN where ``b`` is 0 (the caller's guard decides what that means)."""
    if _is_array(a) or _is_array(b):
        import numpy as np

        with np.errstate(all="ignore"):
            return np.divide(a, b)
    return a / b if b != 0 else math.nan
