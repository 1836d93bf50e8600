"""``open-sdg``: the Open SDG platform's progress measure (sdg-build ``ProgressMeasure.py``).

Used by Statistics Canada, the UK ONS and other national SDG platforms. The compound annual
growth since the base year is compared with the growth needed from the base to the target in
the target year; without a target (or a target year) the directed growth itself is banded.
The sdg-build quirks are kept on purpose so that results match the published ones: a base
value or target of 0 is taken as 0.001, and a target already reached is reported first.
"""

from __future__ import annotations

from ..models import Observation, Step, Verdict
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

__all__ = ["METHOD", "VERDICTS", "OpenSdgMethod", "classify", "score"]

#: Native label -> our verdict (the table in docs/methods.md). Only the band Open SDG itself
#: treats as on course is on track: "moderate progress" means the trend falls short.
VERDICTS: dict[str, Verdict] = {
    "target_achieved": Verdict.ON_TRACK,
    "substantial_progress": Verdict.ON_TRACK,
    "moderate_progress": Verdict.AT_RISK,
    "limited_progress": Verdict.AT_RISK,
    "deterioration": Verdict.AT_RISK,
    "not_available": Verdict.UNKNOWN,
}

# (substantial, moderate, limited) lower bounds of the bands.
_WITH_TARGET = (0.95, 0.6, 0.0)
_WITHOUT_TARGET = (0.015, 0.005, 0.0)
# sdg-build replaces zeros (which make growth rates undefined) by this small number.
_ZERO = 0.001


def classify(ratio: float, with_target: bool) -> str:
    """The band of a progress value (not considering an achieved target)."""
    high, medium, low = _WITH_TARGET if with_target else _WITHOUT_TARGET
    if ratio >= high:
        return "substantial_progress"
    if ratio >= medium:
        return "moderate_progress"
    if ratio >= low:
        return "limited_progress"
    return "deterioration"


def score(ratio: float, with_target: bool) -> float:
    """The -5..5 score of sdg-build's ``get_score`` (bands at 2.5 / 0 / -2.5).

    The reference gives the form with a target; the form without one (no limit configured,
    so the threshold coefficient is 1) is sdg-build's own.
    """
    if with_target:
        if ratio >= _WITH_TARGET[1]:
            return min(7.1429 * ratio - 4.2857, 5.0)
        return max(4.1667 * ratio - 2.5, -5.0)
    high, medium, low = _WITHOUT_TARGET
    if ratio < low:
        return max(125.0 * ratio - 2.5, -5.0)
    if ratio >= high:
        return min(500.0 * ratio - 5.0, 5.0)
    if ratio >= medium:
        return 250.0 * ratio - 1.25
    return 500.0 * ratio - 2.5


class OpenSdgMethod:
    name = "open-sdg"
    description = "Open SDG progress measure: CAGR since the base year vs CAGR needed"

    def assess(self, goal: MethodInput) -> MethodOutcome:
        if not goal.observations:
            return unavailable(VERDICTS, "no observations")
        current = goal.observations[-1]
        base = goal.baseline or goal.observations[0]
        target = goal.target
        substituted: list[str] = []
        if target == 0:
            target = _ZERO
            substituted.append("a target of 0 is taken as 0.001")
        if base.value == 0:
            base = Observation(period=base.period, value=_ZERO)
            substituted.append("a base value of 0 is taken as 0.001")

        achieved = _achieved(goal, current.value, target)
        growth = growth_progress(base, current, goal.direction, target, goal.target_year)
        notes = tuple(Step(kind="note", label=note) for note in substituted)

        if isinstance(growth, str):
            if not achieved:
                return unavailable(VERDICTS, growth, notes)
            assert target is not None
            reason = reached(current, target, goal.unit)
            return _outcome("target_achieved", VERDICTS, notes, reason, score=5.0)

        with_target = growth.required is not None
        status = "target_achieved" if achieved else classify(growth.ratio, with_target)
        value = 5.0 if achieved else score(growth.ratio, with_target)
        return growth_outcome(
            status,
            VERDICTS,
            base,
            current,
            growth,
            goal,
            _reason(base, current, growth, status, target, goal.unit),
            ratio_label="progress ratio",
            target=target,
            lead=notes,
            tail=(Step(kind="score", label="Open SDG score (-5..5)", value=value),),
            score=value,
        )


def _achieved(goal: MethodInput, value: float, target: float | None) -> bool:
    """sdg-build's ``is_target_achieved``, on the (possibly substituted) target."""
    if target is None:
        return False
    if goal.direction == 0:
        return goal.target_reached(value)
    return goal.direction * (value - target) >= 0


def _reason(
    base: Observation,
    current: Observation,
    growth: Growth,
    status: str,
    target: float | None,
    unit: str | None,
) -> str:
    if status == "target_achieved" and target is not None:
        return reached(current, target, unit)
    return growth_reason(base, current, growth, status)


METHOD = OpenSdgMethod()
