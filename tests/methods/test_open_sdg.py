"""open-sdg: the Open SDG progress measure (sdg-build ``sdg/ProgressMeasure.py``).

Published numbers come from the reference ``shared/references/progress-methods.md``
(section open-sdg); the others are computed by hand from sdg-build's formulas, with the
arithmetic in the comments.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from method_helpers import annual_series, goal, positive

from goalengine.methods.open_sdg import METHOD, VERDICTS, classify, score
from goalengine.models import Verdict


def test_statistics_canada_poverty_rate() -> None:
    """Reference, open-sdg worked example: Statistics Canada CIF 1.1.1, poverty rate.

    14.5 (2015) -> 10.2 (2023), target 7.25 by 2030, lower is better:
    ratio 0.9526, substantial_progress, score 2.519.
    """
    outcome = METHOD.assess(
        goal(
            [(2015, 14.5), (2023, 10.2)],
            direction=-1,
            target=7.25,
            deadline=2030,
            baseline=2015,
            unit="%",
        )
    )
    assert outcome.status == "substantial_progress"
    assert round(outcome.progress_ratio or 0, 4) == 0.9526
    assert round(outcome.score or 0, 3) == 2.519
    assert outcome.verdict is Verdict.ON_TRACK
    assert outcome.reason is not None
    assert "-4.3 %/year vs -4.5 %/year needed" in outcome.reason
    assert "substantial progress" in outcome.reason


def test_base_defaults_to_first_observation_and_ignores_points_in_between() -> None:
    """Hand example: only base and current count. 14.5 (2015) … 10.2 (2023) as above."""
    outcome = METHOD.assess(
        goal(
            [(2015, 14.5), (2017, 20.0), (2020, 3.0), (2023, 10.2)],
            direction=-1,
            target=7.25,
            deadline=2030,
        )
    )
    assert round(outcome.progress_ratio or 0, 4) == 0.9526


def test_zero_base_is_taken_as_0_001() -> None:
    """Hand example (sdg-build replaces a zero base by 0.001):
    0 (2015) -> 2 (2020), target 10 by 2030, higher is better.
    observed = (2 / 0.001) ** (1/5) - 1 = 2000 ** 0.2 - 1 = 3.573051
    required = (10 / 0.001) ** (1/15) - 1 = 10000 ** (1/15) - 1 = 0.847850
    ratio = 3.573051 / 0.847850 = 4.2142 -> substantial_progress, score capped at 5."""
    outcome = METHOD.assess(goal([(2015, 0.0), (2020, 2.0)], direction=1, target=10, deadline=2030))
    assert round(outcome.progress_ratio or 0, 4) == 4.2142
    assert outcome.status == "substantial_progress"
    assert outcome.score == 5.0
    assert any("0.001" in step.label for step in outcome.steps)


def test_zero_target_is_taken_as_0_001() -> None:
    """Hand example: 10 (2015) -> 5 (2020), target 0 by 2030, lower is better.
    observed = 0.5 ** 0.2 - 1 = -0.12945
    required = (0.001 / 10) ** (1/15) - 1 = 0.54117 - 1 = -0.45883
    ratio = -1 × -0.12945 / 0.45883 = 0.2821 -> limited_progress;
    score = 4.1667 × 0.2821 - 2.5 = -1.324."""
    outcome = METHOD.assess(
        goal([(2015, 10.0), (2020, 5.0)], direction=-1, target=0, deadline=2030)
    )
    assert round(outcome.progress_ratio or 0, 4) == 0.2821
    assert outcome.status == "limited_progress"
    assert round(outcome.score or 0, 3) == -1.324


def test_negative_base_flips_the_sign() -> None:
    """Hand example: -10 (2015) -> -8 (2020), target -2 by 2030, higher is better.
    observed = 0.8 ** 0.2 - 1 = -0.043648 (the magnitude shrinks, i.e. the value rises)
    required = 0.2 ** (1/15) - 1 = -0.101740
    ratio = sign(-1) × d(+1) × -0.043648 / 0.101740 = 0.4290 -> limited_progress."""
    outcome = METHOD.assess(
        goal([(2015, -10.0), (2020, -8.0)], direction=1, target=-2, deadline=2030)
    )
    assert round(outcome.progress_ratio or 0, 4) == 0.4290
    assert outcome.status == "limited_progress"


def test_without_target_the_directed_growth_is_banded() -> None:
    """Hand example (no target): -10 (2015) -> -5 (2020), higher is better.
    ratio = -1 × 1 × (0.5 ** 0.2 - 1) = 0.12945 >= 0.015 -> substantial_progress;
    score (sdg-build, no limit) = min(500 × 0.12945 - 5, 5) = 5."""
    outcome = METHOD.assess(goal([(2015, -10.0), (2020, -5.0)], direction=1))
    assert round(outcome.progress_ratio or 0, 5) == 0.12945
    assert outcome.status == "substantial_progress"
    assert outcome.score == 5.0


def test_without_target_moderate_band() -> None:
    """Hand example: 100 (2010) -> 110 (2020), higher is better, no target.
    ratio = 1.1 ** 0.1 - 1 = 0.009577: 0.005 <= r < 0.015 -> moderate_progress;
    score = 250 × 0.009577 - 1.25 = 1.144."""
    outcome = METHOD.assess(goal([(2010, 100.0), (2020, 110.0)], direction=1))
    assert round(outcome.progress_ratio or 0, 6) == 0.009577
    assert outcome.status == "moderate_progress"
    assert round(outcome.score or 0, 3) == 1.144
    assert outcome.verdict is Verdict.AT_RISK


def test_opposite_signs_are_not_available() -> None:
    """Reference: base and current of opposite signs -> not_available, ratio null."""
    outcome = METHOD.assess(
        goal([(2015, 5.0), (2020, -1.0)], direction=1, target=10, deadline=2030)
    )
    assert outcome.status == "not_available"
    assert outcome.verdict is Verdict.UNKNOWN
    assert outcome.progress_ratio is None
    assert outcome.score is None
    assert outcome.reason is not None and "opposite signs" in outcome.reason


@pytest.mark.parametrize(
    "points",
    [
        [(2020, 5.0)],  # one observation
        [(2020, 5.0), ("2020-06", 6.0)],  # same year: fewer than one year between
    ],
)
def test_fewer_than_one_year_is_not_available(points: list[tuple[str | int, float]]) -> None:
    """Reference: fewer than one year between base and current -> not_available."""
    outcome = METHOD.assess(goal(points, direction=1, target=10, deadline=2030))
    assert outcome.status == "not_available"
    assert outcome.progress_ratio is None


def test_base_after_current_is_not_available() -> None:
    """Reference: base after current -> not_available (a baseline given after the data)."""
    data = [(2015, 5.0), (2018, 6.0)]
    outcome = METHOD.assess(
        goal(
            data,
            direction=1,
            target=10,
            deadline=2030,
            baseline=goal([(2019, 5.5)], direction=1).observations[0],
        )
    )
    assert outcome.status == "not_available"


def test_target_achieved_is_checked_first_and_still_reports_the_ratio() -> None:
    """Reference: target_achieved when d × (v - T) >= 0, checked first; ratio still reported;
    score 5. Hand numbers: 20 (2015) -> 9 (2020), target 10 by 2030, lower is better:
    ratio = -(0.45 ** 0.2 - 1) / |0.5 ** (1/15) - 1| = 0.147602 / 0.045158 = 3.2685."""
    outcome = METHOD.assess(
        goal([(2015, 20.0), (2020, 9.0)], direction=-1, target=10, deadline=2030)
    )
    assert outcome.status == "target_achieved"
    assert outcome.score == 5.0
    assert round(outcome.progress_ratio or 0, 4) == 3.2685
    assert outcome.verdict is Verdict.ON_TRACK


def test_target_achieved_even_when_no_ratio_can_be_computed() -> None:
    """sdg-build's ``get_progress_status`` returns target_achieved before looking at the value."""
    outcome = METHOD.assess(goal([(2020, 12.0)], direction=1, target=10, deadline=2030))
    assert outcome.status == "target_achieved"
    assert outcome.progress_ratio is None
    assert outcome.score == 5.0


@pytest.mark.parametrize(
    ("ratio", "band", "expected_score"),
    [
        # Boundaries of the reference's bands and of sdg-build's score lines.
        (0.95, "substantial_progress", 7.1429 * 0.95 - 4.2857),
        (0.9499, "moderate_progress", 7.1429 * 0.9499 - 4.2857),
        (0.6, "moderate_progress", 7.1429 * 0.6 - 4.2857),
        (0.5999, "limited_progress", 4.1667 * 0.5999 - 2.5),
        (0.0, "limited_progress", -2.5),
        (-0.0001, "deterioration", 4.1667 * -0.0001 - 2.5),
        (5.0, "substantial_progress", 5.0),  # capped
        (-5.0, "deterioration", -5.0),  # floored
    ],
)
def test_bands_and_score_with_target(ratio: float, band: str, expected_score: float) -> None:
    assert classify(ratio, with_target=True) == band
    assert score(ratio, with_target=True) == pytest.approx(expected_score)


def test_start_on_the_target_then_moving_away_is_deterioration() -> None:
    """Hand example: 10 (2015) = target 10, then 12 (2020), lower is better. No growth is
    required, so the ratio is -inf in sdg-build's arithmetic: deterioration, score -5,
    reported ratio null (JSON has no infinity)."""
    outcome = METHOD.assess(
        goal([(2015, 10.0), (2020, 12.0)], direction=-1, target=10, deadline=2030)
    )
    assert outcome.status == "deterioration"
    assert outcome.progress_ratio is None
    assert outcome.score == -5.0


# -- properties ---------------------------------------------------------------------------


@given(
    data=annual_series(),
    target=positive,
    deadline=st.integers(2026, 2060),
    factor=st.floats(min_value=1e-3, max_value=1e3),
    direction=st.sampled_from([-1, 1]),
)
def test_scaling_values_and_target_leaves_the_ratio_unchanged(
    data: tuple, target: float, deadline: int, factor: float, direction: int
) -> None:
    first = METHOD.assess(goal(data, direction=direction, target=target, deadline=deadline))
    scaled_data = [(str(o.period), o.value * factor) for o in data]
    second = METHOD.assess(
        goal(scaled_data, direction=direction, target=target * factor, deadline=deadline)
    )
    assert second.status == first.status or _near_boundary(first.progress_ratio)
    if first.progress_ratio is None:
        assert second.progress_ratio is None
    else:
        assert second.progress_ratio == pytest.approx(first.progress_ratio, rel=1e-9, abs=1e-12)


def _near_boundary(ratio: float | None) -> bool:
    return ratio is not None and any(abs(ratio - b) < 1e-9 for b in (0.95, 0.6, 0.0))


@given(data=annual_series(), deadline=st.integers(2026, 2060), direction=st.sampled_from([-1, 1]))
def test_reaching_the_target_gives_target_achieved(
    data: tuple, deadline: int, direction: int
) -> None:
    latest = data[-1].value
    target = latest - direction * abs(latest) * 0.1  # the latest value is beyond it
    outcome = METHOD.assess(goal(data, direction=direction, target=target, deadline=deadline))
    assert outcome.status == "target_achieved"
    assert outcome.score == 5.0
    # exactly on the target counts as reached too
    exact = METHOD.assess(goal(data, direction=direction, target=latest, deadline=deadline))
    assert exact.status == "target_achieved"


@given(data=annual_series())
def test_without_target_reversing_the_direction_negates_the_ratio(data: tuple) -> None:
    up = METHOD.assess(goal(data, direction=1))
    down = METHOD.assess(goal(data, direction=-1))
    if up.progress_ratio is None:
        assert down.progress_ratio is None
    else:
        assert down.progress_ratio == pytest.approx(-up.progress_ratio)
        assert math.isfinite(up.progress_ratio)


def test_labels_map_through_the_one_table() -> None:
    assert set(VERDICTS) == {
        "target_achieved",
        "substantial_progress",
        "moderate_progress",
        "limited_progress",
        "deterioration",
        "not_available",
    }
