"""``un-sdg``: the "current trend" assessment of the UN SDG Progress Chart (UNSD, 2022).

The compound annual growth since the baseline is compared with the growth needed from the
baseline to reach the target in the target year (the current-trend ratio CR). Without a
target the directed growth rate itself is banded. Unlike Open SDG, a base value of 0 is not
patched: the chart leaves such series unassessed, and so do we.
"""

from __future__ import annotations

from ..models import Observation, Verdict
from ._growth import (
    Growth,
    growth_outcome,
    growth_progress,
    growth_reason,
    reached,
    unavailable,
)
from ._growth import outcome as _outcome
from .base import MethodInput, MethodOutcome

__all__ = ["METHOD", "VERDICTS", "UnSdgMethod", "classify"]

#: Native label -> our verdict (the table in docs/methods.md). The chart itself calls the
#: middle band "fair progress, but acceleration needed": on its trend the target is missed.
VERDICTS: dict[str, Verdict] = {
    "target_achieved": Verdict.ON_TRACK,
    "substantial_progress": Verdict.ON_TRACK,
    "fair_progress": Verdict.AT_RISK,
    "limited_progress": Verdict.AT_RISK,
    "deterioration": Verdict.AT_RISK,
    "not_available": Verdict.UNKNOWN,
}


def classify(ratio: float, with_target: bool) -> str:
    """The band of CR (with a target) or of the directed growth rate (without one)."""
    if with_target:
        if ratio >= 0.95:
            return "substantial_progress"
        if ratio >= 0.5:
            return "fair_progress"
        if ratio >= -0.1:
            return "limited_progress"
        return "deterioration"
    # Without a target the published bands are > 1 %, 0.5–1 %, -1 % to 0.5 %, < -1 %/year.
    if ratio > 0.01:
        return "substantial_progress"
    if ratio >= 0.005:
        return "fair_progress"
    if ratio >= -0.01:
        return "limited_progress"
    return "deterioration"


class UnSdgMethod:
    name = "un-sdg"
    description = "UN SDG Progress Chart: growth since the baseline vs growth needed (CR)"

    def assess(self, goal: MethodInput) -> MethodOutcome:
        if not goal.observations:
            return unavailable(VERDICTS, "no observations")
        current = goal.observations[-1]
        base = goal.baseline or goal.observations[0]
        growth = growth_progress(base, current, goal.direction, goal.target, goal.target_year)
        if goal.target_reached(current.value):
            assert goal.target is not None
            reason = reached(current, goal.target, goal.unit)
            if isinstance(growth, str):
                return _outcome("target_achieved", VERDICTS, (), reason)
            return _result("target_achieved", goal, base, current, growth, reason)
        if isinstance(growth, str):
            return unavailable(VERDICTS, growth)
        status = classify(growth.ratio, growth.required is not None)
        reason = growth_reason(base, current, growth, status)
        return _result(status, goal, base, current, growth, reason)


def _result(
    status: str,
    goal: MethodInput,
    base: Observation,
    current: Observation,
    growth: Growth,
    reason: str,
) -> MethodOutcome:
    ratio_label = (
        "current-trend ratio (CR)" if growth.required is not None else "directed growth rate"
    )
    return growth_outcome(
        status, VERDICTS, base, current, growth, goal, reason, ratio_label=ratio_label
    )


METHOD = UnSdgMethod()
