"""``un-sdg``: the "current trend" assessment of the UN SDG Progress Chart (UNSD, 2022).

The compound annual growth since the base year is compared with the growth needed from the
base to reach the target in the target year (the current-trend ratio CR). Without a target
the directed growth rate itself is banded. The rules, in the order the chart applies them,
are the ones verified against published labels (the reference, section "UN SDG Progress
Chart"): a target reached within a 0.9995 tolerance first; then a base that had already met
the target, where the plain ratio has the wrong sign; then the bands of CR. Unlike Open SDG,
a base value of 0 is not patched: the chart leaves such series unassessed, and so do we.
"""

from __future__ import annotations

from ..models import Observation, Verdict
from ._growth import (
    Bands,
    Growth,
    bands_option,
    growth_outcome,
    growth_progress,
    growth_reason,
    reached,
    toward,
    unavailable,
)
from ._growth import outcome as _outcome
from .base import MethodInput, MethodOutcome

__all__ = [
    "BANDS",
    "BASE_YEAR_OFFSETS",
    "METHOD",
    "TOLERANCE",
    "VERDICTS",
    "UnSdgMethod",
    "achieved",
    "base_observation",
    "classify",
    "lost_since_base",
]

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

#: Lower ends of substantial, fair and limited progress for CR; ``options: {bands: ...}``
#: replaces them (some series are published with [0.95, 0.1, -0.1]).
BANDS: Bands = (0.95, 0.5, -0.1)

#: A value within 0.05 % of the target counts as reaching it (``v / T > 0.9995``).
TOLERANCE = 0.9995

#: Where the base year has no value, the chart tries the years around it, later first.
BASE_YEAR_OFFSETS = (0, 1, -1, 2, -2, 3, -3)


def classify(ratio: float, with_target: bool, bands: Bands = BANDS) -> str:
    """The band of CR (with a target) or of the directed growth rate (without one)."""
    if with_target:
        substantial, fair, limited = bands
        if ratio >= substantial:
            return "substantial_progress"
        if ratio >= fair:
            return "fair_progress"
        if ratio >= limited:
            return "limited_progress"
        return "deterioration"
    # Without a target: > 1 %, (0.5 %, 1 %], (-1 %, 0.5 %], <= -1 % a year, the interval
    # ends as the published labels have them.
    if ratio > 0.01:
        return "substantial_progress"
    if ratio > 0.005:
        return "fair_progress"
    if ratio > -0.01:
        return "limited_progress"
    return "deterioration"


def achieved(goal: MethodInput, value: float) -> bool:
    """The chart's ``target_achieved``: reached, or within the 0.9995 tolerance of it.

    The tolerance is a ratio, so it only means something for a positive target (lower is
    better: a latest value of 0 reaches any target of at least 0).
    """
    target = goal.target
    if target is None:
        return False
    if goal.target_reached(value):
        return True
    if goal.direction > 0:
        return target > 0 and value / target > TOLERANCE
    if goal.direction < 0:
        return target > 0 and value > 0 and target / value > TOLERANCE
    return False


def base_observation(goal: MethodInput) -> Observation | str:
    """The base: the declared base year's value, else the nearest year within ±3 (later
    first); a baseline given as a value, or none declared, is taken as the evaluator has it."""
    declared = goal.baseline_period
    if declared is None or (goal.baseline is not None and goal.baseline.period == declared):
        return goal.baseline or goal.observations[0]
    observations = goal.observations
    exact = next((o for o in observations if o.period == declared), None)
    if exact is not None:
        return exact
    for offset in BASE_YEAR_OFFSETS:
        year = declared.year + offset
        found = next((o for o in observations if o.period.year == year), None)
        if found is not None:
            return found
    return f"no value within three years of the base year {declared}"


def lost_since_base(goal: MethodInput, base: Observation, current: Observation) -> bool | None:
    """For a base that had met (or equalled) the target: whether the latest value is worse
    than the base. None when the base had not met it (CR then decides)."""
    if goal.target is None or not goal.target_reached(base.value):
        return None
    d = toward(goal.direction, base.value, goal.target)
    if d == 0:
        return current.value != base.value
    return d * (current.value - base.value) < 0


class UnSdgMethod:
    name = "un-sdg"
    description = "UN SDG Progress Chart: growth since the baseline vs growth needed (CR)"

    def assess(self, goal: MethodInput) -> MethodOutcome:
        bands = bands_option(goal.options, BANDS, self.name)
        if not goal.observations:
            return unavailable(VERDICTS, "no observations")
        current = goal.observations[-1]
        if achieved(goal, current.value):
            assert goal.target is not None
            reason = reached(current, goal.target, goal.unit)
            base = base_observation(goal)
            growth = (
                base
                if isinstance(base, str)
                else growth_progress(base, current, goal.direction, goal.target, goal.target_year)
            )
            if isinstance(base, str) or isinstance(growth, str):
                return _outcome("target_achieved", VERDICTS, (), reason)
            return _result("target_achieved", goal, base, current, growth, reason)
        base = base_observation(goal)
        if isinstance(base, str):
            return unavailable(VERDICTS, base)
        growth = growth_progress(base, current, goal.direction, goal.target, goal.target_year)
        if isinstance(growth, str):
            return unavailable(VERDICTS, growth)
        lost = lost_since_base(goal, base, current)
        if lost is not None:
            status = "deterioration" if lost else "target_achieved"
            reason = _lost_reason(base, current, lost)
        else:
            status = classify(growth.ratio, growth.required is not None, bands)
            reason = growth_reason(base, current, growth, status)
        return _result(status, goal, base, current, growth, reason)


def _lost_reason(base: Observation, current: Observation, lost: bool) -> str:
    if lost:
        return (
            f"the base value ({base.period}) had already met the target and the latest "
            f"value ({current.period}) is worse → deterioration"
        )
    return f"the base value ({base.period}) had already met the target → target achieved"


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
