"""un-sdg: the UN SDG Progress Chart "current trend" assessment.

Published numbers come from the reference ``shared/references/progress-methods.md``
(section UN SDG Progress Chart); the others are computed by hand from the CR definition,
with the arithmetic in the docstrings.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from method_helpers import annual_series, goal, positive

from goalengine.methods.un_sdg import METHOD, classify
from goalengine.models import Verdict


def test_reference_example_fair_progress() -> None:
    """Reference, UN SDG worked example: 40 (2015) -> 46 (2022), target 60 by 2030, higher
    is better: actual 2.017 %/year, required 2.740 %/year, CR = 0.736 -> fair_progress."""
    outcome = METHOD.assess(
        goal([(2015, 40.0), (2022, 46.0)], direction=1, target=60, deadline=2030, baseline=2015)
    )
    steps = {step.kind: step.value for step in outcome.steps}
    assert round(float(steps["growth_rate"] or 0), 3) == 2.017
    assert round(float(steps["required_growth_rate"] or 0), 3) == 2.740
    assert round(outcome.progress_ratio or 0, 3) == 0.736
    assert outcome.status == "fair_progress"
    assert outcome.verdict is Verdict.AT_RISK
    assert outcome.reason is not None and "fair progress" in outcome.reason


def test_deterioration_below_minus_0_1() -> None:
    """Hand example: 40 (2015) -> 38 (2022), target 60 by 2030, higher is better:
    CR = (0.95 ** (1/7) - 1) / (1.5 ** (1/15) - 1) = -0.0073012 / 0.0273997 = -0.2665
    -> deterioration (CR < -0.1)."""
    outcome = METHOD.assess(
        goal([(2015, 40.0), (2022, 38.0)], direction=1, target=60, deadline=2030)
    )
    assert round(outcome.progress_ratio or 0, 4) == -0.2665
    assert outcome.status == "deterioration"


def test_lower_is_better_substantial() -> None:
    """Hand example: 20 (2015) -> 12 (2020), target 10 by 2030, lower is better:
    CR = (0.6 ** 0.2 - 1) / (0.5 ** (1/15) - 1) = -0.097120 / -0.045158 = 2.1506
    -> substantial_progress."""
    outcome = METHOD.assess(
        goal([(2015, 20.0), (2020, 12.0)], direction=-1, target=10, deadline=2030)
    )
    assert round(outcome.progress_ratio or 0, 4) == 2.1506
    assert outcome.status == "substantial_progress"
    assert outcome.verdict is Verdict.ON_TRACK


def test_zero_base_is_not_available() -> None:
    """Reference: a base value of 0 -> not_available (unlike open-sdg, no 0.001)."""
    outcome = METHOD.assess(goal([(2015, 0.0), (2022, 5.0)], direction=1, target=10, deadline=2030))
    assert outcome.status == "not_available"
    assert outcome.verdict is Verdict.UNKNOWN
    assert outcome.progress_ratio is None


def test_baseline_year_equal_to_latest_is_not_available() -> None:
    """Reference: baseline year equal to the latest year -> not_available."""
    outcome = METHOD.assess(
        goal([(2015, 4.0), (2022, 5.0)], direction=1, target=10, deadline=2030, baseline=2022)
    )
    assert outcome.status == "not_available"


def test_fewer_than_two_observations_is_not_available() -> None:
    outcome = METHOD.assess(goal([(2022, 5.0)], direction=1, target=10, deadline=2030))
    assert outcome.status == "not_available"


def test_without_target_directed_rate_bands() -> None:
    """Hand example: 100 (2010) -> 110 (2020), higher is better, no target:
    rate = 1.1 ** 0.1 - 1 = 0.9577 %/year: 0.5–1 % -> fair_progress; lower is better it is
    -0.9577 %: -1 % to 0.5 % -> limited_progress."""
    data = [(2010, 100.0), (2020, 110.0)]
    up = METHOD.assess(goal(data, direction=1))
    down = METHOD.assess(goal(data, direction=-1))
    assert round((up.progress_ratio or 0) * 100, 4) == 0.9577
    assert up.status == "fair_progress"
    assert down.status == "limited_progress"


@pytest.mark.parametrize(
    ("ratio", "with_target", "band"),
    [
        (0.95, True, "substantial_progress"),
        (0.9499, True, "fair_progress"),
        (0.5, True, "fair_progress"),
        (0.4999, True, "limited_progress"),
        (-0.1, True, "limited_progress"),
        (-0.1001, True, "deterioration"),
        (0.0101, False, "substantial_progress"),
        (0.01, False, "fair_progress"),  # "> 1 %/year" is strict
        (0.005, False, "fair_progress"),
        (0.0049, False, "limited_progress"),
        (-0.01, False, "limited_progress"),
        (-0.0101, False, "deterioration"),
    ],
)
def test_bands(ratio: float, with_target: bool, band: str) -> None:
    """Reference: with a target 0.95 / 0.5 / -0.1; without one > 1 %, 0.5–1 %, -1 %–0.5 %."""
    assert classify(ratio, with_target) == band


@given(
    data=annual_series(),
    target=positive,
    deadline=st.integers(2026, 2060),
    factor=st.floats(min_value=1e-3, max_value=1e3),
    direction=st.sampled_from([-1, 1]),
)
def test_scaling_values_and_target_leaves_cr_unchanged(
    data: tuple, target: float, deadline: int, factor: float, direction: int
) -> None:
    first = METHOD.assess(goal(data, direction=direction, target=target, deadline=deadline))
    scaled = [(str(o.period), o.value * factor) for o in data]
    second = METHOD.assess(
        goal(scaled, direction=direction, target=target * factor, deadline=deadline)
    )
    if first.progress_ratio is None:
        assert second.progress_ratio is None
    else:
        assert second.progress_ratio == pytest.approx(first.progress_ratio, rel=1e-9, abs=1e-12)


@given(
    data=annual_series(min_size=1),
    deadline=st.integers(2026, 2060),
    direction=st.sampled_from([-1, 1]),
)
def test_reaching_the_target_gives_target_achieved(
    data: tuple, deadline: int, direction: int
) -> None:
    latest = data[-1].value
    for target in (latest, latest - direction * abs(latest) * 0.25):
        outcome = METHOD.assess(goal(data, direction=direction, target=target, deadline=deadline))
        assert outcome.status == "target_achieved"
        assert outcome.verdict is Verdict.ON_TRACK
