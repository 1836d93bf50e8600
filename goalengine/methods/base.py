"""What a progress method sees and what it returns.

A method judges a goal whose deadline is still ahead (and labels every goal in its own
vocabulary). It gets the goal already resolved to numbers -- baseline, target, deadline,
direction and the subject's observations up to ``as_of`` -- and returns its native label,
its progress value, a verdict and the explanation steps that justify them. Methods never
see rule text, files or other goals, so adding one never touches the evaluator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol, runtime_checkable

from ..engine import decide
from ..models import Observation, Step, Verdict
from ..periods import Period, year_fraction

__all__ = [
    "Direction",
    "MethodInput",
    "MethodOutcome",
    "ProgressMethod",
    "Trend",
    "accepts_arrays",
]

Direction = int  # +1 higher is better, -1 lower is better, 0 exact (==)

#: A subject trend: the value the method expects on a given day.
Trend = Callable[[date], float]


@dataclass(frozen=True, slots=True)
class MethodInput:
    """A goal resolved to numbers, as a method sees it."""

    observations: tuple[Observation, ...]
    """The subject's observations at or before ``as_of``, oldest first."""
    as_of: date
    direction: Direction
    baseline: Observation | None = None
    target: float | None = None
    deadline: Period | None = None
    unit: str | None = None
    holds: Callable[[Trend], bool] | None = None
    """Whether the rule holds at the deadline if the subject follows a trend."""
    options: dict[str, str] = field(default_factory=dict)
    direction_only: bool = False
    """``x rises`` / ``x falls``: no target figure, only a direction to judge."""
    baseline_period: Period | None = None
    """The baseline period the goal declares, even where it has no value (the UN searches
    the years around it); None without one or for a baseline given as a value."""

    @property
    def target_year(self) -> int | None:
        """The deadline's calendar year (growth-rate methods count whole years)."""
        return self.deadline.year if self.deadline is not None else None

    def progress_ratio(self, per_year: float, base: Observation) -> float | None:
        """``per_year`` against the change per year needed from ``base`` to the target by
        the deadline (1 = exactly on pace, negative = moving away); None where undefined."""
        if self.target is None or self.deadline is None:
            return None
        years = year_fraction(base.date, self.deadline.end)
        ratio: float = decide.progress_ratio(per_year, self.target, base.value, years)
        return None if ratio != ratio else ratio  # NaN: undefined

    def since_baseline(self) -> tuple[Observation, ...]:
        """Observations from the baseline period on (all of them without a baseline)."""
        if self.baseline is None:
            return self.observations
        periods = [o.period for o in self.observations]
        lead, kept = decide.trend_points(periods, self.baseline.period)
        points = tuple(self.observations[k] for k in kept)
        return (self.baseline, *points) if lead else points

    def target_reached(self, value: float) -> bool:
        if self.target is None:
            return False
        if self.direction == 0:
            return bool(decide.equal(value, self.target))
        return self.direction * (value - self.target) >= 0


@dataclass(frozen=True, slots=True)
class MethodOutcome:
    """A method's judgement: native label and value, our verdict, and why."""

    status: str
    verdict: Verdict
    steps: tuple[Step, ...] = ()
    progress_ratio: float | None = None
    projected: float | None = None
    score: float | None = None
    probability: float | None = None
    interval: tuple[float, float] | None = None
    reason: str | None = None
    """A short clause for the explanation sentence ('at +4.7pp a year it reaches 70.9 %')."""
    trend: Trend | None = None
    """The subject's expected path, where the method has one (used to project windows)."""


@runtime_checkable
class ProgressMethod(Protocol):
    """A named progress method; register instances with :func:`goalengine.methods.register`.

    A method may also declare ``accepts_arrays = True``: it has a column implementation
    that judges many entities in one pass (today only the built-in ``linear`` does). Without
    it, the columnar engine calls :meth:`assess` once per entity -- never another method.
    """

    name: str
    description: str

    def assess(self, goal: MethodInput) -> MethodOutcome: ...


def accepts_arrays(method: ProgressMethod) -> bool:
    """Whether ``method`` declares that it accepts arrays (``accepts_arrays = True``);
    methods that say nothing are called one entity at a time."""
    return getattr(method, "accepts_arrays", False) is True
