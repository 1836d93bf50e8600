"""Compound annual growth rates, the common core of open-sdg, eurostat and un-sdg.

All three compare the growth observed since a start value with the growth needed from that
start to the target in the target year. Years are whole-year differences of the periods'
years, as the offices count them (2015 -> 2023 is 8 years whatever the months). Every helper
returns ``None`` or a reason instead of raising, so that odd data (a zero, a sign change,
overflowing values) ends as ``not_available`` rather than as an error.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from ..errors import RuleFileError
from ..explain import TEXT_FORMATS, format_value
from ..models import Observation, Step, Verdict
from ..periods import Period, year_fraction
from .base import Direction, MethodInput, MethodOutcome, Trend

__all__ = [
    "Bands",
    "Growth",
    "bands_option",
    "cagr",
    "compound_trend",
    "format_rate",
    "growth_progress",
    "growth_reason",
    "growth_steps",
    "outcome",
    "reached",
    "toward",
    "unavailable",
    "words",
]


def cagr(current: float, base: float, years: int) -> float | None:
    """``(current / base) ** (1 / years) - 1``; None where it is undefined or not finite."""
    if years <= 0 or base == 0:
        return None
    quotient = current / base
    if quotient < 0 or not math.isfinite(quotient):
        return None  # opposite signs: a fractional power of a negative number is complex
    try:
        rate = math.pow(quotient, 1.0 / years) - 1.0
    except (OverflowError, ValueError):
        return None
    return rate if math.isfinite(rate) else None


#: The lower bounds of a method's top three bands; below the last is the worst band.
Bands = tuple[float, float, float]


def bands_option(options: dict[str, str], default: Bands, method: str) -> Bands:
    """The ``bands`` option (``options: {bands: [0.95, 0.1, -0.1]}``), else ``default``.

    The rule file hands options over as text, so a YAML list arrives as ``"[0.95, 0.1, -0.1]"``.
    Anything but three finite, strictly decreasing numbers is a mistake in the rule file, not
    odd data: the goal is put in error rather than judged with guessed cut-offs.
    """
    text = options.get("bands")
    if text is None:
        return default
    parts = text.strip().removeprefix("[").removesuffix("]").split(",")
    try:
        values = [float(part) for part in parts]
    except ValueError:
        values = []
    if (
        len(values) == 3
        and all(math.isfinite(v) for v in values)
        and values[0] > values[1] > values[2]
    ):
        return values[0], values[1], values[2]
    example = ", ".join(format(v, "g") for v in default)
    raise RuleFileError(
        f"{method} bands must be three decreasing numbers, not '{text[:40]}'",
        hint=f"options: {{bands: [{example}]}} (the lower ends of the top three bands)",
    )


def toward(direction: Direction, base: float, target: float | None) -> Direction:
    """The direction that counts: the goal's, or for an exact (==) goal the way to the target."""
    if direction != 0 or target is None:
        return direction
    return (target > base) - (target < base)


@dataclass(frozen=True, slots=True)
class Growth:
    """Observed and required growth and the directed ratio of the two."""

    observed: float
    """CAGR from the start to the current value."""
    required: float | None
    """CAGR from the start to the target in the target year (None without a target)."""
    ratio: float
    """``sign × d × observed / |required|``, or ``sign × d × observed`` without a target.

    ``-inf``/``+inf`` when the start value already equals the target (no growth required);
    callers report such a ratio as missing but still label it.
    """


def growth_progress(
    start: Observation,
    current: Observation,
    direction: Direction,
    target: float | None = None,
    target_year: int | None = None,
) -> Growth | str:
    """Growth since ``start`` judged against the target, or why it cannot be computed.

    ``sign`` is -1 for a negative start value: the growth rate of a negative series measures
    its magnitude, so shrinking (-10 -> -5) is a rise. The ratio multiplies by the direction
    and divides by the *size* of the required rate (the Open SDG form); whenever the target
    lies ahead of the start in the desired direction this equals observed / required, the form
    Eurostat and the UN print, and it stays meaningful when the start had already met a target
    that the current value has lost again (the ratio is then negative).
    """
    years = current.period.year - start.period.year
    if years < 1:
        return TEXT_FORMATS.phrase(
            "fewer than one year between the start ({start}) and the latest value ({latest})",
            start=start.period,
            latest=current.period,
        )
    v0, v = start.value, current.value
    if v0 == 0:
        return TEXT_FORMATS.phrase(
            "the start value ({start}) is 0, so growth rates are undefined", start=start.period
        )
    if (v0 > 0 and v < 0) or (v0 < 0 and v > 0):
        return TEXT_FORMATS.phrase(
            "the start and latest values have opposite signs, so growth rates are undefined"
        )
    sign = -1 if v0 < 0 else 1
    d = toward(direction, v0, target)
    if target is None and d == 0:
        return TEXT_FORMATS.phrase("the goal has neither a target nor a direction")
    observed = cagr(v, v0, years)
    if observed is None:
        return TEXT_FORMATS.phrase("the growth rate is not finite for these values")
    if target is None or target_year is None:
        return Growth(observed, None, sign * d * observed)
    if target_year <= start.period.year:
        return TEXT_FORMATS.phrase(
            "the target year {year} is not after the start ({start})",
            year=target_year,
            start=start.period,
        )
    required = cagr(target, v0, target_year - start.period.year)
    if required is None:
        return TEXT_FORMATS.phrase(
            "the target and the start value have opposite signs, so no growth rate reaches it"
        )
    directed = sign * d * observed
    if required == 0:
        # The start sat on the target: any movement since is away from it (or none at all).
        ratio = 0.0 if directed == 0 else math.copysign(math.inf, directed)
        if d == 0:
            ratio = -math.inf if observed != 0 else 0.0
        return Growth(observed, required, ratio)
    return Growth(observed, required, directed / abs(required))


def compound_trend(current: Observation, rate: float) -> Trend:
    """The latest value compounding at ``rate`` a year (exact days), for projections."""

    def trend(day: date) -> float:
        years = year_fraction(current.date, day)
        try:
            return current.value * math.pow(1.0 + rate, years)
        except (OverflowError, ValueError):  # 0 to a negative power, or too large
            return math.copysign(math.inf, current.value) if years > 0 else current.value

    return trend


def format_rate(rate: float) -> str:
    """A growth rate for people: ``-4.3 %/year``."""
    return TEXT_FORMATS.phrase("{rate} %/year", rate=TEXT_FORMATS.change(rate * 100.0))


def words(status: str) -> str:
    """A native label read aloud: ``substantial_progress`` -> ``substantial progress``."""
    return status.replace("_", " ")


def growth_steps(
    start: Observation,
    current: Observation,
    growth: Growth,
    *,
    unit: str | None,
    target: float | None,
    deadline: Period | None,
    ratio_label: str,
) -> tuple[Step, ...]:
    """The steps every growth method shows: start, observed and required rates, the ratio."""
    steps = [
        Step(kind="base", label="start value", value=start.value, unit=unit, period=start.period),
        Step(
            kind="growth_rate",
            label="observed growth (CAGR)",
            value=growth.observed * 100.0,
            unit="%/year",
            detail=f"{start.period} to {current.period}",
        ),
    ]
    if growth.required is not None and target is not None and deadline is not None:
        steps.append(
            Step(
                kind="required_growth_rate",
                label="growth needed (CAGR)",
                value=growth.required * 100.0,
                unit="%/year",
                period=deadline,
                detail=f"{start.period} to {format_value(target, unit)} in {deadline.year}",
            )
        )
    if math.isfinite(growth.ratio):
        steps.append(Step(kind="progress_ratio", label=ratio_label, value=growth.ratio))
    return tuple(steps)


def growth_outcome(
    status: str,
    verdicts: dict[str, Verdict],
    start: Observation,
    current: Observation,
    growth: Growth,
    goal: MethodInput,
    reason: str,
    *,
    ratio_label: str,
    target: float | None = None,
    lead: tuple[Step, ...] = (),
    tail: tuple[Step, ...] = (),
    score: float | None = None,
) -> MethodOutcome:
    """The outcome of a computed growth comparison: the shared steps (between ``lead`` and
    ``tail``), the ratio, and the compounding trend at the observed rate.

    ``target`` defaults to the goal's (Open SDG passes its substituted one).
    """
    steps = growth_steps(
        start,
        current,
        growth,
        unit=goal.unit,
        target=goal.target if target is None else target,
        deadline=goal.deadline,
        ratio_label=ratio_label,
    )
    return outcome(
        status,
        verdicts,
        (*lead, *steps, *tail),
        reason,
        ratio=growth.ratio,
        score=score,
        trend=compound_trend(current, growth.observed),
    )


def growth_reason(start: Observation, current: Observation, growth: Growth, status: str) -> str:
    """'CAGR 2015–2023 -4.3 %/year vs -4.5 %/year needed → ratio 0.95, substantial progress'."""
    span = TEXT_FORMATS.phrase(
        "CAGR {first}–{last} {rate}",
        first=start.period,
        last=current.period,
        rate=format_rate(growth.observed),
    )
    if growth.required is None:
        # Without a target the ratio is the rate itself, turned to the desired direction.
        return TEXT_FORMATS.phrase(
            "{span}, {rate} in the desired direction → {label}",
            span=span,
            rate=format_rate(growth.ratio),
            label=words(status),
        )
    if math.isfinite(growth.ratio):
        ratio = TEXT_FORMATS.phrase("ratio {ratio}", ratio=TEXT_FORMATS.number(growth.ratio))
    else:
        ratio = TEXT_FORMATS.phrase("the start value already equalled the target")
    return TEXT_FORMATS.phrase(
        "{span} vs {rate} needed → {ratio}, {label}",
        span=span,
        rate=format_rate(growth.required),
        ratio=ratio,
        label=words(status),
    )


def reached(current: Observation, target: float, unit: str | None) -> str:
    """The reason clause of ``target_achieved``."""
    return TEXT_FORMATS.phrase(
        "the latest value {value} ({period}) already reaches the target {target}",
        value=TEXT_FORMATS.value(current.value, unit),
        period=current.period,
        target=TEXT_FORMATS.value(target, unit),
    )


def unavailable(
    verdicts: dict[str, Verdict], why: str, steps: tuple[Step, ...] = ()
) -> MethodOutcome:
    """``not_available``, with why in words (the verdict, unknown, follows in the sentence)."""
    return outcome("not_available", verdicts, steps, why)


def outcome(
    status: str,
    verdicts: dict[str, Verdict],
    steps: tuple[Step, ...],
    reason: str,
    *,
    ratio: float | None = None,
    score: float | None = None,
    projected: float | None = None,
    trend: Trend | None = None,
) -> MethodOutcome:
    """A :class:`MethodOutcome` whose verdict comes from the module's label table.

    An infinite ratio (the start sat on the target) is labelled but reported as missing:
    JSON has no infinity.
    """
    finite = ratio if ratio is not None and math.isfinite(ratio) else None
    return MethodOutcome(
        status,
        verdicts[status],
        steps,
        progress_ratio=finite,
        projected=projected,
        score=score,
        reason=reason,
        trend=trend,
    )
