"""The default method: a least-squares line through the observations since the baseline.

Dates are exact days, so a mid-year figure counts as mid-year. The line is projected to the
last day of the deadline period; the goal is on track if the rule holds for the projection.
The progress ratio compares the fitted change per year with the change per year needed
from the baseline value to the target (1 = exactly on pace, negative = moving away).
"""

from __future__ import annotations

from datetime import date

from ..explain import format_change, format_value
from ..models import Observation, Step, Verdict
from ..periods import year_fraction
from .base import MethodInput, MethodOutcome, Trend

__all__ = ["METHOD", "LinearMethod", "fit_line"]


def fit_line(points: tuple[Observation, ...]) -> tuple[float, float, date]:
    """Least squares through ``points``: (value at origin, change per year, origin day)."""
    origin = points[0].date
    xs = [year_fraction(origin, p.date) for p in points]
    ys = [p.value for p in points]
    n = len(points)
    mean_x = sum(xs) / n
    mean_y = sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    if sxx == 0:
        return mean_y, 0.0, origin
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sxx
    return mean_y - slope * mean_x, slope, origin


class LinearMethod:
    name = "linear"
    description = "least-squares line through the observations since the baseline"

    def assess(self, goal: MethodInput) -> MethodOutcome:
        points = goal.since_baseline()
        latest = goal.observations[-1]
        unit = goal.unit
        if len(points) < 2 or points[0].date == points[-1].date:
            flat: Trend = lambda _day: latest.value  # noqa: E731
            holds = goal.holds(flat) if goal.holds else goal.target_reached(latest.value)
            why = "one observation since the baseline, too few for a trend"
            step = Step(kind="trend", label="trend", value=None, detail=why)
            if holds:
                return MethodOutcome("on_track", Verdict.ON_TRACK, (step,), reason=why)
            return MethodOutcome("not_available", Verdict.UNKNOWN, (step,), reason=why)

        intercept, slope, origin = fit_line(points)

        def trend(day: date) -> float:
            return intercept + slope * year_fraction(origin, day)

        assert goal.deadline is not None
        deadline = goal.deadline.end
        projected = trend(deadline)
        holds = goal.holds(trend) if goal.holds else goal.target_reached(projected)
        ratio = None
        base = goal.baseline or points[0]
        if goal.target is not None:
            years = year_fraction(base.date, deadline)
            needed = (goal.target - base.value) / years if years > 0 else 0.0
            if needed != 0:
                ratio = slope / needed
        steps = (
            Step(
                kind="trend",
                label="change per year",
                value=slope,
                unit=unit,
                detail=f"least squares through {len(points)} observations",
            ),
            Step(
                kind="projection",
                label="projected value",
                value=projected,
                unit=unit,
                period=goal.deadline,
            ),
            *(
                (Step(kind="progress_ratio", label="progress ratio", value=ratio),)
                if ratio is not None
                else ()
            ),
        )
        reason = (
            f"at {format_change(slope, unit)} a year it reaches "
            f"{format_value(projected, unit)} by {goal.deadline}"
        )
        verdict = Verdict.ON_TRACK if holds else Verdict.AT_RISK
        status = "on_track" if holds else "off_track"
        return MethodOutcome(
            status,
            verdict,
            steps,
            progress_ratio=ratio,
            projected=projected,
            reason=reason,
            trend=trend,
        )


METHOD = LinearMethod()
