"""``destatis``: the weather symbols of the German Sustainable Development Strategy.

Source: "Status der Indikatoren – Methodik" of the DNS indicator platform. The average change
per calendar year over the last six annual values (four or five allowed) is carried forward
to the target year; the shortfall is measured as a share of *today's* gap to the target, not
of the target value. Three procedures, chosen by the goal:

* standard -- a target value in a year after the latest: ``sun`` / ``slightly_cloudy`` /
  ``cloudy`` / ``thunderstorm`` by the projected shortfall;
* annual -- a target that must hold every year (no deadline), one already reached, or a
  target year equal to (or before) the latest year: combines "met now" with the direction
  of the average change;
* direction -- a goal with a direction but no target value: combines the direction of the
  average change with that of the last annual change (as the method page prescribes).

A series break is declared with the option ``break: <year>``: only values from that year on
count, the first of them being the first value of the new series.
"""

from __future__ import annotations

import math
from datetime import date

from ..errors import RuleFileError
from ..explain import format_change, format_number, format_value
from ..models import Observation, Step, Verdict
from ..periods import year_fraction
from ._growth import outcome, unavailable, words
from .base import MethodInput, MethodOutcome, Trend

__all__ = [
    "METHOD",
    "VERDICTS",
    "DestatisMethod",
    "annual_symbol",
    "direction_symbol",
    "standard_symbol",
]

#: Native label -> our verdict (the table in docs/methods.md). Only the sun says the target is
#: (within 5 % of today's gap) reached; a slight cloud already means a shortfall or a target
#: met now but slipping.
VERDICTS: dict[str, Verdict] = {
    "sun": Verdict.ON_TRACK,
    "slightly_cloudy": Verdict.AT_RISK,
    "cloudy": Verdict.AT_RISK,
    "thunderstorm": Verdict.AT_RISK,
    "not_available": Verdict.UNKNOWN,
}

_WINDOW = 6  # annual values used
_MINIMUM = 4  # fewer and the method page says no symbol is computed


def standard_symbol(shortfall: float, directed_change: float) -> str:
    """The symbol of the standard procedure from ``s`` and ``d × a``."""
    if shortfall < 0.05:
        return "sun"
    if shortfall <= 0.20:
        return "slightly_cloudy"
    return "cloudy" if directed_change > 0 else "thunderstorm"


def annual_symbol(met: bool, directed_change: float) -> str:
    """The symbol of the annual procedure: met now, and is the average change not worsening."""
    if met:
        return "sun" if directed_change >= 0 else "slightly_cloudy"
    return "cloudy" if directed_change > 0 else "thunderstorm"


def direction_symbol(directed_change: float, directed_last: float) -> str:
    """The symbol for a goal with a direction only: average change first, last change second."""
    if directed_change > 0:
        return "sun" if directed_last > 0 else "slightly_cloudy"
    return "cloudy" if directed_last > 0 else "thunderstorm"


class DestatisMethod:
    name = "destatis"
    description = "German Sustainable Development Strategy weather symbols (DNS)"

    def assess(self, goal: MethodInput) -> MethodOutcome:
        first_year = _break_year(goal.options.get("break"))
        window = _annual(goal.observations, first_year)[-_WINDOW:]
        if len(window) < _MINIMUM:
            after = f" since the break in {first_year}" if first_year is not None else ""
            why = f"{len(window)} annual values{after}, fewer than the {_MINIMUM} required"
            return _unavailable(why)

        first, latest = window[0], window[-1]
        t = latest.period.year
        change = (latest.value - first.value) / (t - first.period.year)
        if not math.isfinite(change):
            return _unavailable("the average change is not finite for these values")
        unit = goal.unit
        steps: list[Step] = [
            Step(
                kind="window",
                label="window",
                value=len(window),
                period=first.period,
                detail=f"{len(window)} annual values {first.period}–{latest.period}",
            ),
            Step(
                kind="trend",
                label="average change per year",
                value=change,
                unit=unit,
                detail=f"({format_number(latest.value)} - {format_number(first.value)}) "
                f"/ {t - first.period.year} years",
            ),
        ]
        span = f"average change {format_change(change, unit)} a year {first.period}–{t}"
        trend = _trend(latest, change)
        target = goal.target

        if target is None:
            if goal.direction == 0:
                return _unavailable("the goal has neither a target value nor a direction")
            last_change = latest.value - window[-2].value
            status = direction_symbol(goal.direction * change, goal.direction * last_change)
            steps.append(
                Step(kind="last_change", label="last change", value=last_change, unit=unit)
            )
            reason = f"{span}, last change {format_change(last_change, unit)}"
            return outcome(
                status, VERDICTS, tuple(steps), f"{reason} → {words(status)}", trend=trend
            )

        met = goal.target_reached(latest.value)
        d = goal.direction or ((target > latest.value) - (target < latest.value))
        deadline = goal.deadline
        if deadline is None or met or deadline.year <= t:
            status = annual_symbol(met, d * change)
            why = (
                "a target to hold every year"
                if deadline is None
                else "target already reached"
                if met
                else f"target year {deadline.year} not after {t}"
            )
            steps.append(Step(kind="procedure", label="annual procedure", value=why))
            now = "meets" if met else "misses"
            reason = f"{now} {format_value(target, unit)} in {t}, {span} ({why})"
            return outcome(
                status, VERDICTS, tuple(steps), f"{reason} → {words(status)}", trend=trend
            )

        projected = latest.value + change * (deadline.year - t)
        shortfall = (target - projected) / (target - latest.value)
        if not math.isfinite(shortfall):
            return _unavailable("the projected shortfall is not finite for these values")
        status = standard_symbol(shortfall, d * change)
        steps += [
            Step(
                kind="projection",
                label="projected value",
                value=projected,
                unit=unit,
                period=deadline,
            ),
            Step(
                kind="shortfall",
                label="shortfall as a share of today's gap",
                value=shortfall,
                detail=f"({format_number(target)} - {format_number(projected)}) "
                f"/ ({format_number(target)} - {format_number(latest.value)})",
            ),
        ]
        gap = (
            f"{_percent(shortfall)} of today's gap short of {format_value(target, unit)}"
            if shortfall > 0
            else f"beyond {format_value(target, unit)} by {_percent(-shortfall)} of today's gap"
        )
        reason = f"{span} reaches {format_value(projected, unit)} by {deadline.year}, {gap}"
        return outcome(
            status,
            VERDICTS,
            tuple(steps),
            f"{reason} → {words(status)}",
            ratio=shortfall,
            projected=projected,
            trend=trend,
        )


def _annual(observations: tuple[Observation, ...], first_year: int | None) -> list[Observation]:
    """One value per calendar year (the year's latest), from the break year on."""
    by_year: dict[int, Observation] = {}
    for observation in observations:
        if first_year is None or observation.period.year >= first_year:
            by_year[observation.period.year] = observation  # oldest first: the last one wins
    return [by_year[year] for year in sorted(by_year)]


def _break_year(option: str | None) -> int | None:
    """The ``break`` option as a year (the latest of several breaks counts)."""
    if option is None:
        return None
    try:
        return max(int(part) for part in str(option).split(","))
    except ValueError:
        # A mistake in the rule file, not odd data: the goal is in error, with a hint.
        raise RuleFileError(
            f"the destatis option break: '{option}' is not a year",
            hint="write the first year of the new series, e.g. break: 2020",
        ) from None


def _trend(latest: Observation, change: float) -> Trend:
    def trend(day: date) -> float:
        return latest.value + change * year_fraction(latest.date, day)

    return trend


def _percent(share: float) -> str:
    return f"{format_number(share * 100.0)} %"


def _unavailable(why: str) -> MethodOutcome:
    return unavailable(VERDICTS, why)


METHOD = DestatisMethod()
