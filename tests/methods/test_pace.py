"""pace: the straight line from the baseline to the latest value. Hand-computed examples."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from method_helpers import annual_series, goal

from goalengine.methods.pace import METHOD
from goalengine.models import Verdict

DATA = [(2000, 50.0), (2003, 60.0), (2006, 53.0)]


def test_pace_from_baseline_to_latest_ignores_the_middle() -> None:
    """Hand: 50 (2000-12-31) -> 53 (2006-12-31) is 3 in 2191 days; 1461 more days to the end
    of 2010 give 53 + 3 × 1461 / 2191 = 55.0005 (exact days, as in linear). 2003 is ignored.
    Needed for >= 56: 6 in 3652 days, so ratio = (3 / 2191) / (6 / 3652) = 0.8334."""
    outcome = METHOD.assess(goal(DATA, direction=1, target=56, deadline=2010, baseline=2000))
    assert round(outcome.projected or 0, 4) == 55.0005
    assert round(outcome.progress_ratio or 0, 4) == 0.8334
    assert outcome.status == "off_track"
    assert outcome.verdict is Verdict.AT_RISK
    assert outcome.reason is not None and "pace since 2000" in outcome.reason


def test_on_pace_is_on_track() -> None:
    """Hand: the same pace reaches 55.0005 >= 55 by 2010."""
    outcome = METHOD.assess(goal(DATA, direction=1, target=55, deadline=2010))
    assert outcome.status == "on_track"
    assert outcome.trend is not None


@pytest.mark.parametrize(
    "points",
    [[(2006, 53.0)], [("2006-12", 53.0), (2006, 54.0)]],  # one point; identical dates
)
def test_no_time_between_baseline_and_latest_is_not_available(points: list) -> None:
    outcome = METHOD.assess(goal(points, direction=1, target=55, deadline=2010))
    assert outcome.status == "not_available"


def test_no_deadline_is_not_available() -> None:
    assert METHOD.assess(goal(DATA, direction=1, target=55)).status == "not_available"


@given(data=annual_series(min_size=2), deadline=st.integers(2026, 2060))
def test_projection_passes_through_the_latest_value(data: tuple, deadline: int) -> None:
    outcome = METHOD.assess(goal(data, direction=1, target=1.0, deadline=deadline))
    assert outcome.trend is not None
    assert outcome.trend(data[-1].date) == pytest.approx(data[-1].value)
    assert outcome.trend(data[0].date) == pytest.approx(data[0].value, rel=1e-9, abs=1e-9)
