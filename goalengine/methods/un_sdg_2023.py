"""``un-sdg-2023``: the projection-based revision of the UN SDG Progress Chart (2023).

Instead of comparing growth rates, the latest value is carried forward at the growth rate
observed since the base year to the target year, ``v̂ = v·(1 + g)^(Y − t)``, and the share of
the way from the base value to the target that this projection covers is banded:
``(v̂ − v0) / (T − v0)`` ≥ 0.95 on track, 0.10–0.95 fair progress, below 0.10 stagnation or
regression. Without a target the directed growth rate is banded at 2 % and 0.5 % a year.
The base year, the tolerance on reaching the target and the rule for a base that had already
met it are the 2022 chart's (``goalengine.methods.un_sdg``): the revision changed how
progress is measured, not what counts as reached.
"""

from __future__ import annotations

import math

from ..explain import format_number, format_value
from ..models import Observation, Step, Verdict
from ._growth import (
    Bands,
    Growth,
    bands_option,
    compound_trend,
    format_rate,
    growth_progress,
    growth_steps,
    reached,
    unavailable,
    words,
)
from ._growth import outcome as _outcome
from .base import MethodInput, MethodOutcome
from .un_sdg import achieved, base_observation, lost_since_base

__all__ = ["BANDS", "METHOD", "VERDICTS", "UnSdg2023Method", "classify"]

VERDICTS: dict[str, Verdict] = {
    "target_achieved": Verdict.ON_TRACK,
    "on_track": Verdict.ON_TRACK,
    "fair_progress": Verdict.AT_RISK,
    "stagnation_or_regression": Verdict.AT_RISK,
    "not_available": Verdict.UNKNOWN,
}

#: Lower ends of on track and fair progress for the projected share of the way (the third
#: is unused: everything below fair progress is stagnation or regression).
BANDS: Bands = (0.95, 0.10, -math.inf)
#: The same two cut-offs for the directed growth rate of a goal without a target.
NO_TARGET = (0.02, 0.005)


def classify(value: float, with_target: bool, bands: Bands = BANDS) -> str:
    """The band of the projected share (with a target) or of the directed rate (without)."""
    high, low = bands[:2] if with_target else NO_TARGET
    if value >= high:
        return "on_track"
    if value >= low:
        return "fair_progress"
    return "stagnation_or_regression"


class UnSdg2023Method:
    name = "un-sdg-2023"
    description = "UN SDG Progress Chart 2023: trend projected to the target year vs the target"

    def assess(self, goal: MethodInput) -> MethodOutcome:
        bands = bands_option(goal.options, BANDS, self.name)
        if not goal.observations:
            return unavailable(VERDICTS, "no observations")
        current = goal.observations[-1]
        if achieved(goal, current.value):
            assert goal.target is not None
            return _outcome(
                "target_achieved", VERDICTS, (), reached(current, goal.target, goal.unit)
            )
        base = base_observation(goal)
        if isinstance(base, str):
            return unavailable(VERDICTS, base)
        growth = growth_progress(base, current, goal.direction, goal.target, goal.target_year)
        if isinstance(growth, str):
            return unavailable(VERDICTS, growth)
        # The growth-rate steps without the 2022 ratio (a NaN ratio is not shown): with a
        # target the projected share below is this method's progress number.
        steps = growth_steps(
            base,
            current,
            Growth(growth.observed, None, growth.ratio if goal.target is None else math.nan),
            unit=goal.unit,
            target=None,
            deadline=None,
            ratio_label="directed growth rate",
        )
        trend = compound_trend(current, growth.observed)
        lost = lost_since_base(goal, base, current)
        if lost is not None:
            status = "stagnation_or_regression" if lost else "target_achieved"
            why = "is worse" if lost else "is not worse"
            reason = (
                f"the base value ({base.period}) had already met the target and the latest "
                f"value {why} → {words(status)}"
            )
            return _outcome(status, VERDICTS, steps, reason, trend=trend)
        if goal.target is None or goal.target_year is None:
            status = classify(growth.ratio, with_target=False)
            reason = f"{format_rate(growth.ratio)} in the desired direction → {words(status)}"
            return _outcome(status, VERDICTS, steps, reason, ratio=growth.ratio, trend=trend)
        return _projected(goal, base, current, growth, steps, bands)


def _projected(
    goal: MethodInput,
    base: Observation,
    current: Observation,
    growth: Growth,
    steps: tuple[Step, ...],
    bands: Bands,
) -> MethodOutcome:
    assert goal.target is not None and goal.target_year is not None
    years = max(goal.target_year - current.period.year, 0)
    try:
        projected = current.value * math.pow(1.0 + growth.observed, years)
    except OverflowError:
        projected = math.inf
    trend = compound_trend(current, growth.observed)
    if not math.isfinite(projected):
        return unavailable(VERDICTS, "the projected value is too large to compute with")
    share = (projected - base.value) / (goal.target - base.value)
    status = classify(share, with_target=True, bands=bands)
    unit = goal.unit
    more = (
        Step(
            kind="projected",
            label=f"projected to {goal.target_year}",
            value=projected,
            unit=unit,
            detail=f"{format_value(current.value, unit)} at {format_rate(growth.observed)}",
        ),
        Step(kind="progress_ratio", label="projected share of the way", value=share),
    )
    reason = (
        f"at {format_rate(growth.observed)} it reaches {format_value(projected, unit)} "
        f"in {goal.target_year}, {format_number(share)} of the way from "
        f"{format_value(base.value, unit)} → {words(status)}"
    )
    return _outcome(
        status,
        VERDICTS,
        (*steps, *more),
        reason,
        ratio=share,
        projected=projected,
        trend=trend,
    )


METHOD = UnSdg2023Method()
