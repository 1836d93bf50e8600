"""last: the latest value held flat. Hand-computed examples and properties."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st
from method_helpers import annual_series, finite, goal

from goalengine.methods.last import METHOD
from goalengine.models import Verdict

DATA = [(2005, 50.0), (2006, 58.0), (2008, 56.0)]


def test_short_of_the_target_is_off_track() -> None:
    """Hand: latest 56 (2008) held flat misses >= 60 by 2010; from the 50 baseline it has
    covered (56 - 50) / (60 - 50) = 60 % of the way."""
    outcome = METHOD.assess(goal(DATA, direction=1, target=60, deadline=2010, baseline=2005))
    assert outcome.status == "off_track"
    assert outcome.verdict is Verdict.AT_RISK
    assert outcome.projected == 56.0
    assert outcome.progress_ratio == 0.6
    assert outcome.reason is not None and "60 % of the way" in outcome.reason


def test_already_there_is_on_track() -> None:
    """Hand: 56 held flat meets <= 57; lower is better from 50 to 57 is backwards (ratio 6/7)."""
    outcome = METHOD.assess(goal(DATA, direction=-1, target=57, deadline=2010))
    assert outcome.status == "on_track"
    assert outcome.progress_ratio == (56 - 50) / (57 - 50)


def test_uses_the_rules_own_test_and_a_flat_trend() -> None:
    """The evaluator's ``holds`` sees a flat trend: the same value on any day."""
    seen: list[float] = []

    def holds(trend: object) -> bool:
        seen.extend(trend(day) for day in (date(2009, 1, 1), date(2030, 1, 1)))  # type: ignore[operator]
        return True

    outcome = METHOD.assess(goal(DATA, direction=1, target=99, deadline=2010, holds=holds))
    assert seen == [56.0, 56.0]
    assert outcome.status == "on_track"


def test_no_observations_is_not_available() -> None:
    outcome = METHOD.assess(goal([], direction=1, target=1, deadline=2010))
    assert outcome.status == "not_available"
    assert outcome.verdict is Verdict.UNKNOWN


@given(data=annual_series(min_size=1), target=finite, direction=st.sampled_from([-1, 1]))
def test_on_track_exactly_when_the_latest_value_meets_the_target(
    data: tuple, target: float, direction: int
) -> None:
    outcome = METHOD.assess(goal(data, direction=direction, target=target, deadline=2040))
    met = direction * (data[-1].value - target) >= 0
    assert outcome.status == ("on_track" if met else "off_track")
