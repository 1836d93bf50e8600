"""``eurostat``: Eurostat's assessment in its annual EU SDG monitoring report.

Growth is measured over a fixed window ending at the latest observation: the last 5 years
(short term, the default) or, with the option ``variant: long``, the last 15 years. With a
target, the observed rate is compared with the rate needed *from the window start* to reach
the target in the target year (RR); without one, the directed rate is banded at ±1 %/year.
"""

from __future__ import annotations

from ..errors import UnknownNameError, did_you_mean
from ..models import Step, Verdict
from ._growth import (
    Bands,
    bands_option,
    growth_outcome,
    growth_progress,
    growth_reason,
    reached,
    unavailable,
)
from ._growth import outcome as _outcome
from .base import MethodInput, MethodOutcome

__all__ = ["BANDS", "METHOD", "VARIANTS", "VERDICTS", "EurostatMethod", "classify"]

#: Window length in years for each ``variant`` option.
VARIANTS = {"short": 5, "long": 15}

#: Native label -> our verdict (the table in docs/methods.md). Only "significant progress"
#: (RR >= 0.95) keeps to the pace the target needs; the other bands fall short of it.
VERDICTS: dict[str, Verdict] = {
    "target_achieved": Verdict.ON_TRACK,
    "significant_progress": Verdict.ON_TRACK,
    "moderate_progress": Verdict.AT_RISK,
    "insufficient_progress": Verdict.AT_RISK,
    "movement_away": Verdict.AT_RISK,
    "moderate_movement_away": Verdict.AT_RISK,
    "significant_movement_away": Verdict.AT_RISK,
    "not_available": Verdict.UNKNOWN,
}


#: Lower ends of significant, moderate and insufficient progress for RR (the methodological
#: annex, closed at the lower end); ``options: {bands: ...}`` replaces them.
BANDS: Bands = (0.95, 0.6, 0.0)


def classify(ratio: float, with_target: bool, bands: Bands = BANDS) -> str:
    """The band of RR (with a target) or of the directed growth rate (without one)."""
    if with_target:
        significant, moderate, insufficient = bands
        if ratio >= significant:
            return "significant_progress"
        if ratio >= moderate:
            return "moderate_progress"
        if ratio >= insufficient:
            return "insufficient_progress"
        return "movement_away"
    if ratio >= 0.01:
        return "significant_progress"
    if ratio >= 0:
        return "moderate_progress"
    if ratio >= -0.01:
        return "moderate_movement_away"
    return "significant_movement_away"


class EurostatMethod:
    name = "eurostat"
    description = "Eurostat EU SDG monitoring: growth over the last 5 (or 15) years vs needed"

    def assess(self, goal: MethodInput) -> MethodOutcome:
        variant = goal.options.get("variant", "short")
        if variant not in VARIANTS:
            # A typo in the rule file, not odd data: the goal is in error, with a hint.
            raise UnknownNameError(
                f"unknown eurostat variant '{variant}'",
                hint=did_you_mean(variant, list(VARIANTS)) or "write variant: short or long",
            )
        bands = bands_option(goal.options, BANDS, self.name)
        if not goal.observations:
            return unavailable(VERDICTS, "no observations")

        current = goal.observations[-1]
        first_year = current.period.year - VARIANTS[variant]
        window = [o for o in goal.observations if o.period.year >= first_year]
        start = window[0] if window else current
        window_step = Step(
            kind="window",
            label=f"{variant}-term window",
            value=len(window),
            period=start.period,
            detail=f"{len(window)} observations {start.period}–{current.period}",
        )
        growth = growth_progress(start, current, goal.direction, goal.target, goal.target_year)

        if goal.target_reached(current.value):
            assert goal.target is not None
            reason = reached(current, goal.target, goal.unit)
            if isinstance(growth, str):
                return _outcome("target_achieved", VERDICTS, (window_step,), reason)
            status = "target_achieved"
        elif len(window) < 2:
            why = f"fewer than two observations in the {variant}-term window"
            return unavailable(VERDICTS, why, (window_step,))
        elif isinstance(growth, str):
            return unavailable(VERDICTS, growth, (window_step,))
        else:
            status = classify(growth.ratio, growth.required is not None, bands)
            reason = growth_reason(start, current, growth, status)

        return growth_outcome(
            status,
            VERDICTS,
            start,
            current,
            growth,
            goal,
            reason,
            ratio_label="ratio of observed to required growth (RR)"
            if growth.required is not None
            else "directed growth rate",
            lead=(window_step,),
        )


METHOD = EurostatMethod()
