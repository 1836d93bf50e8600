"""linear: the least-squares projection and its probability of meeting the target."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from method_helpers import annual_series, goal, obs
from scipy import stats

from goalengine.methods.linear import METHOD, predict
from goalengine.models import Verdict
from goalengine.periods import Period, year_fraction

# Three values ten days apart and a deadline 40 days after the first: the fit is invariant
# to the unit of x, so by hand it is x = 0, 1, 2 and x0 = 4.
TEN_DAYS = [("2000-01-01", 1.0), ("2000-01-11", 2.0), ("2000-01-21", 4.0)]


def test_hand_example_probability_and_interval() -> None:
    """By hand: slope 1.5 per step, intercept 5/6, projection 6.8333 at x0 = 4;
    residuals 1/6, -1/3, 1/6 give s² = 1/6 with 1 degree of freedom; the prediction
    variance is s² (1 + 1/3 + (4 - 1)² / 2) = 0.97222, se = 0.98601.
    For >= 6: t = 0.8333 / 0.98601 = 0.84515 and, t with one degree of freedom being the
    Cauchy law, P = 1/2 + atan(0.84515)/π = 0.72335.
    80 % interval: 6.8333 ± tan(0.4π) × 0.98601 = 6.8333 ± 3.0347 = (3.7987, 9.8680)."""
    outcome = METHOD.assess(goal(TEN_DAYS, direction=1, target=6, deadline="2000-02-10"))
    assert round(outcome.projected or 0, 4) == 6.8333
    assert round(outcome.probability or 0, 5) == 0.72335
    assert outcome.interval is not None
    assert [round(v, 4) for v in outcome.interval] == [3.7987, 9.8680]
    assert outcome.status == "on_track"
    assert outcome.reason is not None and "≈ 72 % chance to reach 6 by 2000-02-10" in outcome.reason
    step = next(s for s in outcome.steps if s.kind == "probability")
    assert [c.kind for c in step.children] == ["interval_low", "interval_high"]


def test_lower_is_better_is_the_complement() -> None:
    """Same fit, <= 6: P = 1 - 0.72335 = 0.27665; the projection misses: off track."""
    outcome = METHOD.assess(goal(TEN_DAYS, direction=-1, target=6, deadline="2000-02-10"))
    assert round(outcome.probability or 0, 5) == 0.27665
    assert outcome.status == "off_track"
    assert outcome.verdict is Verdict.AT_RISK


def test_two_points_give_no_probability() -> None:
    outcome = METHOD.assess(goal(TEN_DAYS[:2], direction=1, target=6, deadline="2000-02-10"))
    assert outcome.probability is None
    assert outcome.interval is None
    assert outcome.status in ("on_track", "off_track")


def test_exact_goal_and_direction_only_goal_give_no_probability() -> None:
    assert METHOD.assess(goal(TEN_DAYS, direction=0, target=6, deadline=2000)).probability is None
    assert METHOD.assess(goal(TEN_DAYS, direction=1, deadline=2000)).probability is None


def test_perfect_fit_is_certain() -> None:
    data = [(2000, 1.0), (2001, 2.0), (2002, 3.0)]  # not exactly linear in days, nearly
    data = [("2000-01-01", 1.0), ("2000-01-11", 2.0), ("2000-01-21", 3.0)]
    outcome = METHOD.assess(goal(data, direction=1, target=4.5, deadline="2000-02-10"))
    assert outcome.probability == 1.0
    assert outcome.interval == pytest.approx((5.0, 5.0))


def test_no_observations_or_no_deadline_never_raise() -> None:
    assert METHOD.assess(goal([], direction=1, target=1, deadline=2010)).verdict is Verdict.UNKNOWN
    assert METHOD.assess(goal(TEN_DAYS, direction=1, target=1)).status == "not_available"


def _reference_probability(points: tuple, deadline: Period, target: float, direction: int) -> tuple:
    """The textbook prediction interval, with numpy's least squares and scipy's t."""
    origin = points[0].date
    x = np.array([year_fraction(origin, p.date) for p in points])
    y = np.array([p.value for p in points])
    design = np.column_stack([np.ones_like(x), x])
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    df = len(points) - 2
    s2 = float(np.sum((y - design @ coef) ** 2) / df)
    x0 = np.array([1.0, year_fraction(origin, deadline.end)])
    variance = s2 * (1.0 + x0 @ np.linalg.inv(design.T @ design) @ x0)
    estimate = float(x0 @ coef)
    se = math.sqrt(variance)
    probability = stats.t.cdf(direction * (estimate - target) / se, df)
    half = stats.t.ppf(0.9, df) * se
    return probability, (estimate - half, estimate + half)


moderate = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False)


@given(
    data=annual_series(values=moderate, min_size=3, max_size=10),
    target=moderate,
    deadline=st.integers(2026, 2040),
    direction=st.sampled_from([-1, 1]),
)
def test_matches_the_textbook_interval(
    data: tuple, target: float, deadline: int, direction: int
) -> None:
    prediction = predict(data, Period(deadline).end)
    assume(prediction is not None and prediction.standard_error > 1e-6)
    outcome = METHOD.assess(goal(data, direction=direction, target=target, deadline=deadline))
    probability, interval = _reference_probability(data, Period(deadline), target, direction)
    assert outcome.probability == pytest.approx(probability, abs=1e-7)
    assert outcome.interval == pytest.approx(interval, rel=1e-6, abs=1e-6)


@given(
    data=annual_series(values=moderate, min_size=3),
    target=moderate,
    easier_by=st.floats(min_value=0, max_value=1e3),
    deadline=st.integers(2026, 2060),
    direction=st.sampled_from([-1, 1]),
)
def test_probability_is_a_probability_and_grows_as_the_target_gets_easier(
    data: tuple, target: float, easier_by: float, deadline: int, direction: int
) -> None:
    hard = METHOD.assess(goal(data, direction=direction, target=target, deadline=deadline))
    easy_target = target - direction * easier_by
    easy = METHOD.assess(goal(data, direction=direction, target=easy_target, deadline=deadline))
    assert hard.probability is not None and easy.probability is not None
    assert 0.0 <= hard.probability <= 1.0
    assert easy.probability >= hard.probability - 1e-12
    assert hard.interval is not None and hard.projected is not None
    low, high = hard.interval
    assert low <= hard.projected <= high


@given(data=annual_series(values=moderate, min_size=3), deadline=st.integers(2026, 2060))
def test_projection_on_the_target_is_a_coin_toss(data: tuple, deadline: int) -> None:
    """A symmetric t: when the projection sits exactly on the target, P = 1/2."""
    prediction = predict(data, Period(deadline).end)
    assume(prediction is not None and prediction.standard_error > 0)
    outcome = METHOD.assess(goal(data, direction=1, target=prediction.estimate, deadline=deadline))
    assert outcome.probability == pytest.approx(0.5, abs=1e-12)


def test_holds_sees_the_fitted_line() -> None:
    days: list[float] = []

    def holds(trend: object) -> bool:
        days.append(trend(date(2000, 2, 10)))  # type: ignore[operator]
        return False

    outcome = METHOD.assess(
        goal(TEN_DAYS, direction=1, target=0, deadline="2000-02-10", holds=holds)
    )
    assert round(days[0], 4) == 6.8333
    assert outcome.status == "off_track"  # the rule's own test wins over the bare target


def test_uses_observations_since_the_baseline_only() -> None:
    data = [obs(1990, 100.0), *goal(TEN_DAYS, direction=1).observations]
    outcome = METHOD.assess(
        goal(data, direction=1, target=6, deadline="2000-02-10", baseline=data[1])
    )
    assert round(outcome.probability or 0, 5) == 0.72335
