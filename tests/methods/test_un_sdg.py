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

from goalengine.errors import GoalEngineError
from goalengine.methods.un_sdg import METHOD, classify
from goalengine.models import Observation, Verdict
from goalengine.periods import Period


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
        (0.0051, False, "fair_progress"),
        (0.005, False, "limited_progress"),  # (0.5 %, 1 %]: 0.5 % itself is limited
        (-0.0099, False, "limited_progress"),
        (-0.01, False, "deterioration"),  # "<= -1 %/year"
    ],
)
def test_bands(ratio: float, with_target: bool, band: str) -> None:
    """Reference: with a target 0.95 / 0.5 / -0.1; without one > 1 %, (0.5 %, 1 %],
    (-1 %, 0.5 %], <= -1 % (the interval ends verified against the published labels)."""
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


# -- the published rules: tolerance, a base that had met the target, base-year search, bands


@pytest.mark.parametrize(
    ("latest", "status"),
    [
        (52.0, "target_achieved"),  # 52 >= 50
        (48.0, "deterioration"),  # 48 / 50 = 0.96 is not achieved; worse than the base 55
        (49.99, "target_achieved"),  # 49.99 / 50 = 0.9998 > 0.9995
    ],
)
def test_reference_examples_base_above_target(latest: float, status: str) -> None:
    """Reference, UN SDG worked examples: base 55 in 2015, already above a target of 50
    (higher is better), latest in 2023."""
    outcome = METHOD.assess(
        goal([(2015, 55.0), (2023, latest)], direction=1, target=50, deadline=2030, baseline=2015)
    )
    assert outcome.status == status
    assert outcome.verdict is (Verdict.ON_TRACK if status == "target_achieved" else Verdict.AT_RISK)


def test_reference_example_base_equal_to_target() -> None:
    """Reference: base 50 in 2015 = target 50, 48 in 2023 -> deterioration (the required
    rate is 0, so the plain ratio is undefined)."""
    outcome = METHOD.assess(
        goal([(2015, 50.0), (2023, 48.0)], direction=1, target=50, deadline=2030, baseline=2015)
    )
    assert outcome.status == "deterioration"
    assert outcome.reason is not None and "already met the target" in outcome.reason


def test_tolerance_lower_is_better_and_zero() -> None:
    """Lower is better: T / v > 0.9995 or v = 0 reaches the target."""
    near = METHOD.assess(
        goal([(2015, 20.0), (2023, 10.004)], direction=-1, target=10, deadline=2030)
    )
    short = METHOD.assess(
        goal([(2015, 20.0), (2023, 10.006)], direction=-1, target=10, deadline=2030)
    )
    zero = METHOD.assess(goal([(2015, 20.0), (2023, 0.0)], direction=-1, target=0, deadline=2030))
    assert near.status == "target_achieved"  # 10 / 10.004 = 0.99960
    assert short.status != "target_achieved"  # 10 / 10.006 = 0.99940
    assert zero.status == "target_achieved"


def test_tolerance_higher_is_better_edge() -> None:
    """v / T must exceed 0.9995: 59.97 / 60 = 0.9995 exactly is not enough."""
    at = METHOD.assess(goal([(2015, 40.0), (2023, 59.97)], direction=1, target=60, deadline=2030))
    above = METHOD.assess(
        goal([(2015, 40.0), (2023, 59.971)], direction=1, target=60, deadline=2030)
    )
    assert at.status != "target_achieved"
    assert above.status == "target_achieved"


def _declared(
    points: list[tuple[int, float]], base_year: int, **fields: float | int
) -> Observation | str:
    """The base the method picks for a goal that declares ``baseline: <base_year>``."""
    data = goal(points, direction=1, target=100, deadline=2030)
    from dataclasses import replace

    from goalengine.methods.un_sdg import base_observation

    return base_observation(replace(data, baseline_period=Period.parse(base_year), **fields))


@pytest.mark.parametrize(
    ("years", "picked"),
    [
        ([2010, 2015, 2016, 2020], 2015),
        ([2010, 2014, 2016, 2020], 2016),  # later first
        ([2010, 2014, 2017, 2020], 2014),
        ([2010, 2013, 2017, 2020], 2017),
        ([2010, 2013, 2019, 2020], 2013),
        ([2010, 2018, 2020], 2018),
        ([2010, 2012, 2020], 2012),
    ],
)
def test_base_year_search_order(years: list[int], picked: int) -> None:
    """Reference: 2015, then 2016, 2014, 2017, 2013, 2018, 2012."""
    base = _declared([(y, float(y - 2000)) for y in years], 2015)
    assert isinstance(base, Observation)
    assert base.period.year == picked


def test_no_base_year_within_three_years_is_not_available() -> None:
    data = goal([(2010, 5.0), (2011, 6.0), (2020, 9.0)], direction=1, target=20, deadline=2030)
    from dataclasses import replace

    outcome = METHOD.assess(replace(data, baseline_period=Period.parse(2015)))
    assert outcome.status == "not_available"
    assert outcome.reason is not None and "three years of the base year 2015" in outcome.reason


def test_base_year_search_through_the_evaluator() -> None:
    """End to end: ``baseline: 2015`` with no 2015 value; the evaluator itself starts the
    trend at the first later value (2017); the UN method tries 2016 (none), then 2014."""
    from goalengine import evaluate
    from goalengine.rulefile import read_rules

    report = evaluate(
        read_rules(
            "t.yaml",
            "as_of: 2023-12-31\n"
            "data: {x: {2010: 30, 2014: 40, 2017: 41, 2022: 46}}\n"
            "goals:\n"
            "  - id: g\n"
            "    rule: x >= 60 by 2030\n"
            "    baseline: 2015\n"
            "    method: un-sdg\n",
        )
    )
    (result,) = report.results
    start = next(s for s in result.steps if s.kind == "method").children[0]
    assert start.kind == "base" and str(start.period) == "2014"


def test_bands_option() -> None:
    """Series-specific cut-offs: CR 0.2 is limited with [0.95, 0.5, -0.1], fair with
    [0.95, 0.1, -0.1]. 100 (2015) -> 102 (2020), target 150 by 2030:
    CR = (1.02 ** 0.2 - 1) / (1.5 ** (1/15) - 1) = 0.0039683 / 0.0273997 = 0.14483."""
    points = [(2015, 100.0), (2020, 102.0)]
    plain = METHOD.assess(goal(points, direction=1, target=150, deadline=2030))
    custom = METHOD.assess(
        goal(points, direction=1, target=150, deadline=2030, options={"bands": "[0.95, 0.1, -0.1]"})
    )
    assert round(plain.progress_ratio or 0, 4) == 0.1448
    assert plain.status == "limited_progress"
    assert custom.status == "fair_progress"


@pytest.mark.parametrize("text", ["[0.95, 0.1]", "[0.1, 0.95, -0.1]", "[a, b, c]", "[nan, 0, -1]"])
def test_bad_bands_are_an_error_with_a_hint(text: str) -> None:
    with pytest.raises(GoalEngineError) as raised:
        METHOD.assess(goal([(2015, 1.0), (2020, 2.0)], direction=1, options={"bands": text}))
    assert raised.value.hint is not None and "bands: [0.95, 0.5, -0.1]" in raised.value.hint


def test_bad_bands_in_a_rule_file_put_the_goal_in_error_at_its_line() -> None:
    from goalengine import evaluate
    from goalengine.rulefile import read_rules

    report = evaluate(
        read_rules(
            "t.yaml",
            "as_of: 2023-12-31\n"
            "data: {x: {2015: 40, 2022: 46}}\n"
            "goals:\n"
            "  - id: ok\n"
            "    rule: x >= 60 by 2030\n"
            "    method: un-sdg\n"
            "  - id: bad\n"
            "    rule: x >= 60 by 2030\n"
            "    method: un-sdg\n"
            "    options: {bands: [0.95, 0.5]}\n",
        )
    )
    ok, bad = report.results
    assert ok.verdict is Verdict.AT_RISK
    assert bad.verdict is Verdict.ERROR
    assert bad.error is not None and bad.error.line == 8  # the goal's rule
    assert "three decreasing numbers" in bad.error.message
