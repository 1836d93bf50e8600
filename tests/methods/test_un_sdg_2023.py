"""un-sdg-2023: the projection-based revision of the UN SDG Progress Chart.

Numbers computed by hand from the reference's definition (section UN SDG Progress Chart,
last paragraph), the arithmetic in the docstrings.
"""

from __future__ import annotations

import pytest
from method_helpers import goal

from goalengine.errors import GoalEngineError
from goalengine.methods.un_sdg_2023 import METHOD, classify
from goalengine.models import Verdict


def test_projection_fair_progress() -> None:
    """40 (2015) -> 46 (2022), target 60 by 2030: g = 1.15 ** (1/7) - 1 = 2.01666 %/year,
    v̂ = 46 · 1.0201666 ** 8 = 53.9668, share (53.9668 - 40) / 20 = 0.69834 -> fair."""
    outcome = METHOD.assess(
        goal([(2015, 40.0), (2022, 46.0)], direction=1, target=60, deadline=2030, baseline=2015)
    )
    assert round(outcome.projected or 0, 4) == 53.9668
    assert round(outcome.progress_ratio or 0, 4) == 0.6983
    assert outcome.status == "fair_progress"
    assert outcome.verdict is Verdict.AT_RISK
    assert (
        outcome.reason
        == "at +2 %/year it reaches 54 in 2030, 0.7 of the way from 40 → fair progress"
    )


def test_projection_on_track_lower_is_better() -> None:
    """20 (2015) -> 12 (2020), target 10 by 2030, lower is better: g = 0.6 ** 0.2 - 1 =
    -9.712 %/year, v̂ = 12 · 0.90288 ** 10 = 4.3217, share (4.3217 - 20) / (10 - 20) = 1.568."""
    outcome = METHOD.assess(
        goal([(2015, 20.0), (2020, 12.0)], direction=-1, target=10, deadline=2030)
    )
    assert round(outcome.progress_ratio or 0, 3) == 1.568
    assert outcome.status == "on_track"
    assert outcome.verdict is Verdict.ON_TRACK


def test_moving_away_is_stagnation_or_regression() -> None:
    outcome = METHOD.assess(
        goal([(2015, 40.0), (2022, 38.0)], direction=1, target=60, deadline=2030)
    )
    assert (outcome.progress_ratio or 0) < 0
    assert outcome.status == "stagnation_or_regression"


def test_tolerance_and_base_rules_are_the_2022_charts() -> None:
    near = METHOD.assess(goal([(2015, 55.0), (2023, 49.99)], direction=1, target=50, deadline=2030))
    lost = METHOD.assess(
        goal([(2015, 55.0), (2023, 48.0)], direction=1, target=50, deadline=2030, baseline=2015)
    )
    assert near.status == "target_achieved"
    assert lost.status == "stagnation_or_regression"


@pytest.mark.parametrize(
    ("value", "with_target", "band"),
    [
        (0.95, True, "on_track"),
        (0.9499, True, "fair_progress"),
        (0.10, True, "fair_progress"),
        (0.0999, True, "stagnation_or_regression"),
        (0.02, False, "on_track"),
        (0.0199, False, "fair_progress"),
        (0.005, False, "fair_progress"),
        (0.0049, False, "stagnation_or_regression"),
    ],
)
def test_bands(value: float, with_target: bool, band: str) -> None:
    assert classify(value, with_target) == band


def test_without_target_directed_rate() -> None:
    """100 (2010) -> 110 (2020): 0.9577 %/year -> fair progress (0.5–2 %)."""
    outcome = METHOD.assess(goal([(2010, 100.0), (2020, 110.0)], direction=1))
    assert round((outcome.progress_ratio or 0) * 100, 4) == 0.9577
    assert outcome.status == "fair_progress"


def test_bands_option_and_bad_bands() -> None:
    points = [(2015, 40.0), (2022, 46.0)]
    strict = METHOD.assess(
        goal(points, direction=1, target=60, deadline=2030, options={"bands": "[0.95, 0.7, 0]"})
    )
    assert strict.status == "stagnation_or_regression"  # 0.698 < 0.7
    with pytest.raises(GoalEngineError):
        METHOD.assess(goal(points, direction=1, options={"bands": "[1, 2, 3]"}))
