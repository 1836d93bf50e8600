"""``last``: the latest value held flat until the deadline.

The naive forecast: if nothing changes from now on, is the goal met? It is the benchmark the
trend methods should beat, and the honest answer for a series too noisy to extrapolate.
The progress ratio is the share of the way from the baseline to the target covered so far.
"""

from __future__ import annotations

from datetime import date

from ..explain import format_number, format_value
from ..models import Step
from ._growth import outcome
from .base import MethodInput, MethodOutcome, Trend
from .linear import VERDICTS  # the same labels as linear: on_track / off_track

__all__ = ["METHOD", "VERDICTS", "LastMethod"]


class LastMethod:
    name = "last"
    description = "the latest value held flat until the deadline"

    def assess(self, goal: MethodInput) -> MethodOutcome:
        if not goal.observations:
            return outcome("not_available", VERDICTS, (), "no observations")
        latest = goal.observations[-1]

        def flat(_day: date) -> float:
            return latest.value

        trend: Trend = flat
        holds = goal.holds(trend) if goal.holds else goal.target_reached(latest.value)
        status = "on_track" if holds else "off_track"
        base = goal.baseline or goal.observations[0]
        ratio = None
        if goal.target is not None and goal.target != base.value:
            ratio = (latest.value - base.value) / (goal.target - base.value)
        steps = [
            Step(
                kind="projection",
                label="value held flat",
                value=latest.value,
                unit=goal.unit,
                period=goal.deadline or latest.period,
                detail=f"the latest value, from {latest.period}",
            )
        ]
        if ratio is not None:
            steps.append(
                Step(
                    kind="progress_ratio",
                    label="share of the way from the baseline to the target",
                    value=ratio,
                    detail=f"since {base.period}",
                )
            )
        by = f" by {goal.deadline}" if goal.deadline is not None else ""
        reason = (
            f"held at its latest value {format_value(latest.value, goal.unit)} "
            f"({latest.period}) it {'meets' if holds else 'misses'} the goal{by}"
        )
        if ratio is not None:
            reason += f", {format_number(ratio * 100)} % of the way from the baseline"
        return outcome(
            status,
            VERDICTS,
            tuple(steps),
            reason,
            ratio=ratio,
            projected=latest.value,
            trend=trend,
        )


METHOD = LastMethod()
