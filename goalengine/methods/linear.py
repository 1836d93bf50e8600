"""The default method: a least-squares line through the observations since the baseline.

Dates are exact days, so a mid-year figure counts as mid-year. The line is projected to the
last day of the deadline period; the goal is on track if the rule holds for the projection.
The progress ratio compares the fitted change per year with the change per year needed
from the baseline value to the target (1 = exactly on pace, negative = moving away).

With three or more observations the scatter around the line also says how sure the
projection is: the residual standard error gives a Student t prediction interval for the
value at the deadline, hence the probability that it satisfies the target and an 80 %
interval. This assumes independent, equally noisy deviations from a straight line -- a
statement about the fit, not a forecast model -- so the text says "≈".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..engine import decide
from ..explain import TEXT_FORMATS, format_value
from ..models import Observation, Step, Verdict
from ..periods import Period, year_fraction
from . import student_t
from .base import MethodInput, MethodOutcome, Trend

__all__ = [
    "FLAT_REASON",
    "INTERVAL",
    "METHOD",
    "VERDICTS",
    "LinearMethod",
    "Prediction",
    "chance_text",
    "fit_line",
    "linear_reason",
    "predict",
    "probability_step",
    "trend_step",
    "trend_steps",
]

#: Native label -> our verdict (the table in docs/methods.md).
VERDICTS: dict[str, Verdict] = dict(decide.STATUS_VERDICTS)

#: Why a goal with one observation since its baseline gets no trend (flat: its latest value).
FLAT_REASON = TEXT_FORMATS.phrase("one observation since the baseline, too few for a trend")

#: Coverage of the reported prediction interval.
INTERVAL = 0.80


def fit_line(points: tuple[Observation, ...]) -> tuple[float, float, date]:
    """Least squares through ``points``: (value at origin, change per year, origin day)."""
    origin = points[0].date
    xs = [year_fraction(origin, p.date) for p in points]
    intercept, slope = decide.fit_line(xs, [p.value for p in points])
    return intercept, slope, origin


@dataclass(frozen=True, slots=True)
class Prediction:
    """How sure the fitted line is about the value on one day."""

    estimate: float
    standard_error: float
    """Of a new observation on that day (line uncertainty plus scatter)."""
    degrees_of_freedom: int

    def probability(self, target: float, direction: int) -> float:
        """P(value ``direction``-wise at or beyond ``target``), e.g. P(value >= target) for +1."""
        margin = direction * (self.estimate - target)
        if self.standard_error == 0:
            return 1.0 if margin >= 0 else 0.0
        return student_t.cdf(margin / self.standard_error, self.degrees_of_freedom)

    def interval(self, coverage: float = INTERVAL) -> tuple[float, float]:
        """The central prediction interval with the given coverage."""
        if self.standard_error == 0:
            return self.estimate, self.estimate
        quantile = student_t.ppf(0.5 + coverage / 2.0, self.degrees_of_freedom)
        half = quantile * self.standard_error
        return self.estimate - half, self.estimate + half


def predict(
    points: tuple[Observation, ...],
    day: date,
    fitted: tuple[float, float, date] | None = None,
) -> Prediction | None:
    """The prediction for ``day`` from the least-squares line (None below 3 points);
    ``fitted``: :func:`fit_line` of ``points``, when the caller has it already."""
    if len(points) < 3:
        return None
    intercept, slope, origin = fitted if fitted is not None else fit_line(points)
    xs = [year_fraction(origin, p.date) for p in points]
    x0 = year_fraction(origin, day)
    ys = [p.value for p in points]
    standard_error: float | None = decide.standard_error(xs, ys, intercept, slope, x0)
    if standard_error is None:
        return None
    estimate = intercept + slope * x0
    if not (math.isfinite(estimate) and math.isfinite(standard_error)):
        return None
    return Prediction(estimate, standard_error, len(points) - 2)


class LinearMethod:
    name = "linear"
    description = "least-squares line through the observations since the baseline"
    accepts_arrays = True
    """The columnar engine fits every entity's line at once (``goalengine.engine.decide``)."""

    def assess(self, goal: MethodInput) -> MethodOutcome:
        if not goal.observations:
            why = TEXT_FORMATS.phrase("no observations")
            return MethodOutcome("not_available", Verdict.UNKNOWN, reason=why)
        points = goal.since_baseline()
        latest = goal.observations[-1]
        unit = goal.unit
        if decide.flat_trend([p.date for p in points]):
            flat: Trend = lambda _day: latest.value  # noqa: E731
            holds = goal.holds(flat) if goal.holds else goal.target_reached(latest.value)
            step = Step(kind="trend", label="trend", value=None, detail=FLAT_REASON)
            status = decide.STATUSES[decide.linear_status(holds, flat=True)]
            return MethodOutcome(status, VERDICTS[status], (step,), reason=FLAT_REASON)
        if goal.deadline is None:
            why = TEXT_FORMATS.phrase("no deadline to project the trend to")
            return MethodOutcome("not_available", Verdict.UNKNOWN, reason=why)

        fitted = intercept, slope, origin = fit_line(points)
        if goal.direction_only and goal.direction != 0:
            return _direction_only(goal, points, slope)

        def trend(day: date) -> float:
            return intercept + slope * year_fraction(origin, day)

        deadline = goal.deadline.end
        projected = trend(deadline)
        if not math.isfinite(projected):
            why = TEXT_FORMATS.phrase("the values are too large for a least-squares trend")
            return MethodOutcome("not_available", Verdict.UNKNOWN, reason=why)
        holds = goal.holds(trend) if goal.holds else goal.target_reached(projected)
        ratio = goal.progress_ratio(slope, goal.baseline or points[0])
        steps = trend_steps(slope, projected, len(points), goal.deadline, unit, ratio)
        probability = interval = chance = None
        prediction = predict(points, deadline, fitted)
        if prediction is not None and goal.target is not None and goal.direction != 0:
            probability = prediction.probability(goal.target, goal.direction)
            interval = prediction.interval()
            steps.append(probability_step(prediction, probability, interval, goal.deadline, unit))
            chance = chance_text(probability)
        reason = linear_reason(
            TEXT_FORMATS, slope, projected, goal.deadline, unit, chance, goal.target
        )

        status = decide.STATUSES[decide.linear_status(holds, flat=False)]
        return MethodOutcome(
            status,
            VERDICTS[status],
            tuple(steps),
            progress_ratio=ratio,
            projected=projected,
            probability=probability,
            interval=interval,
            reason=reason,
            trend=trend,
        )


def trend_step(slope: float, n_points: int, unit: str | None, detail: str | None = None) -> Step:
    """The change per year; ``detail`` says how it was found (default: the least-squares
    fit)."""
    return Step(
        kind="trend",
        label="change per year",
        value=slope,
        unit=unit,
        detail=detail or f"least squares through {n_points} observations",
    )


def trend_steps(
    slope: float,
    projected: float,
    n_points: int,
    deadline: Period,
    unit: str | None,
    ratio: float | None,
    detail: str | None = None,
) -> list[Step]:
    """The steps of a straight-line projection: change per year, projection, ratio.

    ``detail`` says how the change was found (default: the least-squares fit).
    """
    steps = [
        trend_step(slope, n_points, unit, detail),
        Step(
            kind="projection", label="projected value", value=projected, unit=unit, period=deadline
        ),
    ]
    if ratio is not None:
        steps.append(Step(kind="progress_ratio", label="progress ratio", value=ratio))
    return steps


def linear_reason(
    formats: Any,
    slope: Any,
    projected: Any,
    deadline: Period,
    unit: str | None,
    chance: str | None,
    target: Any,
) -> str:
    """The method's clause for the explanation sentence.

    ``formats`` is :data:`~goalengine.explain.TEXT_FORMATS`, or the vectorised evaluator's
    column formats, which turn this into a template for many entities at once.
    """
    # Enough digits that the projection never prints as the target it falls short of.
    digits = None
    if target is not None:
        digits = formats.exact_digits(projected, formats.distinct_digits(projected, target))
    reason: str = formats.phrase(
        "at {change} a year it reaches {value} by {deadline}",
        change=formats.change(slope, unit),
        value=formats.value(projected, unit, digits),
        deadline=deadline,
    )
    if chance is not None:
        reason = formats.phrase(
            "{reason}; {chance} chance to reach {target} by {deadline}",
            reason=reason,
            chance=chance,
            target=formats.value(target, unit, formats.exact_digits(target)),
            deadline=deadline,
        )
    return reason


def probability_step(
    prediction: Prediction,
    probability: float,
    interval: tuple[float, float],
    deadline: Period,
    unit: str | None,
) -> Step:
    low, high = interval
    return Step(
        kind="probability",
        label="chance to reach the target",
        value=probability,
        period=deadline,
        detail=(
            f"Student t prediction, {prediction.degrees_of_freedom} degrees of freedom, "
            f"standard error {format_value(prediction.standard_error, unit)}"
        ),
        children=(
            Step(kind="interval_low", label="80 % interval, low", value=low, unit=unit),
            Step(kind="interval_high", label="80 % interval, high", value=high, unit=unit),
        ),
    )


def slope_probability(
    points: tuple[Observation, ...], slope: float, direction: int
) -> float | None:
    """P(the true slope points ``direction``'s way): Student t on the fitted slope,
    ``t = d·slope / (s / √Sxx)`` with ``n − 2`` degrees of freedom; None below 3 points."""
    origin = points[0].date
    xs = [year_fraction(origin, p.date) for p in points]
    ys = [p.value for p in points]
    intercept = decide.total(ys) / len(ys) - slope * sum(xs) / len(xs)
    error = decide.slope_error(xs, ys, intercept, slope)
    if error is None:
        return None
    margin = direction * slope
    if error == 0 or not math.isfinite(error):
        return 1.0 if margin > 0 else 0.0
    return student_t.cdf(margin / error, len(points) - 2)


def _direction_only(
    goal: MethodInput, points: tuple[Observation, ...], slope: float
) -> MethodOutcome:
    """``x rises`` ahead of its deadline: on track while the fitted slope points the right
    way; the probability is that the true slope does."""
    unit = goal.unit
    status = "on_track" if goal.direction * slope > 0 else "off_track"
    steps = [trend_step(slope, len(points), unit)]
    probability = slope_probability(points, slope, goal.direction)
    way = "rise" if goal.direction > 0 else "fall"
    reason = f"the trend is {TEXT_FORMATS.change(slope, unit)} a year"
    if probability is not None:
        steps.append(
            Step(
                kind="probability",
                label=f"chance that the true trend is a {way}",
                value=probability,
                detail=f"Student t on the slope, {len(points) - 2} degrees of freedom",
            )
        )
        reason += f"; {chance_text(probability)} chance that the true trend is a {way}"
    return MethodOutcome(
        status, VERDICTS[status], tuple(steps), probability=probability, reason=reason
    )


def chance_text(probability: float) -> str:
    """'≈ 83 %', but never '≈ 100 %' or '≈ 0 %' for a probability that is not certain."""
    if probability >= 0.995:
        return "> 99 %" if probability < 1.0 else "100 %"
    if probability < 0.005:
        return "< 1 %" if probability > 0.0 else "0 %"
    return f"≈ {round(probability * 100)} %"


METHOD = LinearMethod()
