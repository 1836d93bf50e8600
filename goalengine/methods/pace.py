"""``pace``: the straight line from the baseline to the latest value, carried to the deadline.

What a reader does by eye: "since the baseline it rose 3 points in 6 years; at that pace it
gets to ...". Unlike ``linear`` it ignores every observation in between, so one unusual
latest value moves it fully. Dates are exact days, as in ``linear``. The progress ratio is
the pace per year divided by the pace per year needed from the baseline to the target.
"""

from __future__ import annotations

import math
from datetime import date

from ..explain import TEXT_FORMATS
from ..periods import year_fraction
from ._growth import outcome
from .base import MethodInput, MethodOutcome
from .linear import VERDICTS, trend_steps  # the same labels as linear: on_track / off_track

__all__ = ["METHOD", "VERDICTS", "PaceMethod"]


class PaceMethod:
    name = "pace"
    description = "straight line from the baseline to the latest value"

    def assess(self, goal: MethodInput) -> MethodOutcome:
        if not goal.observations:
            return outcome("not_available", VERDICTS, (), "no observations")
        latest = goal.observations[-1]
        base = goal.baseline or goal.observations[0]
        years = year_fraction(base.date, latest.date)
        if years <= 0:
            why = TEXT_FORMATS.phrase(
                "no time between the baseline and the latest value, so no pace"
            )
            return outcome("not_available", VERDICTS, (), why)
        if goal.deadline is None:
            return outcome(
                "not_available",
                VERDICTS,
                (),
                TEXT_FORMATS.phrase("no deadline to carry the pace to"),
            )
        pace = (latest.value - base.value) / years
        if not math.isfinite(pace):
            return outcome(
                "not_available",
                VERDICTS,
                (),
                TEXT_FORMATS.phrase("the pace is not finite for these values"),
            )

        def trend(day: date) -> float:
            return latest.value + pace * year_fraction(latest.date, day)

        projected = trend(goal.deadline.end)
        if not math.isfinite(projected):
            return outcome(
                "not_available", VERDICTS, (), TEXT_FORMATS.phrase("the projection is not finite")
            )
        holds = goal.holds(trend) if goal.holds else goal.target_reached(projected)
        status = "on_track" if holds else "off_track"
        ratio = goal.progress_ratio(pace, base)
        detail = f"from {base.period} to {latest.period}"
        steps = trend_steps(pace, projected, 2, goal.deadline, goal.unit, ratio, detail)
        reason = TEXT_FORMATS.phrase(
            "at the pace since {period} ({change} a year) it reaches {value} by {deadline}",
            period=base.period,
            change=TEXT_FORMATS.change(pace, goal.unit),
            value=TEXT_FORMATS.value(projected, goal.unit),
            deadline=goal.deadline,
        )
        return outcome(
            status, VERDICTS, tuple(steps), reason, ratio=ratio, projected=projected, trend=trend
        )


METHOD = PaceMethod()
