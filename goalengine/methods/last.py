"""``last``: the latest value held flat until the deadline.

The naive forecast: if nothing changes from now on, is the goal met? It is the benchmark the
trend methods should beat, and the honest answer for a series too noisy to extrapolate.
The progress ratio is the share of the way from the baseline to the target covered so far.
"""

from __future__ import annotations

from datetime import date

from ..explain import TEXT_FORMATS
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
            return outcome("not_available", VERDICTS, (), TEXT_FORMATS.phrase("no observations"))
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
        by = TEXT_FORMATS.phrase(" by {deadline}", deadline=goal.deadline) if goal.deadline else ""
        reason = TEXT_FORMATS.phrase(
            "held at its latest value {value} ({period}) it {verb} the goal{by}",
            value=TEXT_FORMATS.value(latest.value, goal.unit),
            period=latest.period,
            verb=TEXT_FORMATS.phrase("meets") if holds else TEXT_FORMATS.phrase("misses"),
            by=by,
        )
        if ratio is not None:
            reason = TEXT_FORMATS.phrase(
                "{reason}, {share} % of the way from the baseline",
                reason=reason,
                share=TEXT_FORMATS.number(ratio * 100),
            )
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
