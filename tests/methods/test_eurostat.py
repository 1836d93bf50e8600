"""eurostat: Eurostat's EU SDG monitoring assessment (short- and long-term windows).

Published numbers come from the reference ``shared/references/progress-methods.md``
(section Eurostat), which quotes Eurostat's 2018 monitoring report; the others are computed
by hand, with the arithmetic in the docstrings.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from method_helpers import annual_series, goal, positive

from goalengine.errors import UnknownNameError
from goalengine.methods.eurostat import METHOD, classify
from goalengine.models import Verdict

# Early leavers from education and training, EU, as quoted in the reference (2002 and 2017
# are the two values it prints; the window uses no other).
EARLY_LEAVERS = [(2002, 17.0), (2017, 10.6)]


def test_early_leavers_long_term_significant_progress() -> None:
    """Reference, Eurostat worked example (2018 edition): 17.0 % (2002) -> 10.6 % (2017),
    benchmark below 10 % by 2020, lower is better, long-term window 2002–2017:
    observed -3.10 %/year, required -2.905 %/year, RR = 1.067 -> significant_progress."""
    outcome = METHOD.assess(
        goal(
            EARLY_LEAVERS,
            direction=-1,
            target=10,
            deadline=2020,
            unit="%",
            options={"variant": "long"},
        )
    )
    steps = {step.kind: step.value for step in outcome.steps}
    assert round(float(steps["growth_rate"] or 0), 2) == -3.10
    assert round(float(steps["required_growth_rate"] or 0), 3) == -2.905
    assert round(outcome.progress_ratio or 0, 3) == 1.067
    assert outcome.status == "significant_progress"
    assert outcome.verdict is Verdict.ON_TRACK


def test_same_data_short_term_window_has_one_point() -> None:
    """The default short-term window 2012–2017 holds only the 2017 value: not_available."""
    outcome = METHOD.assess(goal(EARLY_LEAVERS, direction=-1, target=10, deadline=2020))
    assert outcome.status == "not_available"
    assert outcome.reason is not None and "fewer than two observations" in outcome.reason


def test_real_gdp_per_capita_direction_only_moderate_progress() -> None:
    """Reference: real GDP per capita +0.6 %/year 2005–2020 -> moderate_progress (0–1 %).

    The reference prints the rate, not the values; these are chosen to give +0.6 %/year
    (100 × 1.006 ** 15 = 109.38).
    """
    data = [(2005, 100.0), (2010, 104.0), (2020, 100.0 * 1.006**15)]
    outcome = METHOD.assess(goal(data, direction=1, options={"variant": "long"}))
    assert round((outcome.progress_ratio or 0) * 100, 1) == 0.6
    assert outcome.status == "moderate_progress"


def test_short_window_starts_five_years_before_the_latest() -> None:
    """Hand example: values 50 (2010) … 40 (2015), 44 (2020); the short window is 2015–2020,
    so observed = 1.1 ** 0.2 - 1 = 1.9245 %/year and, with target 60 by 2030 (higher is
    better), required = 1.5 ** (1/15) - 1 = 2.7400 %/year: RR = 0.7024 -> moderate_progress.
    (From 2010 the series fell: the window is what makes this progress.)"""
    data = [(2010, 50.0), (2012, 47.0), (2015, 40.0), (2018, 42.0), (2020, 44.0)]
    outcome = METHOD.assess(goal(data, direction=1, target=60, deadline=2030))
    assert round(outcome.progress_ratio or 0, 4) == 0.7024
    assert outcome.status == "moderate_progress"
    assert outcome.verdict is Verdict.AT_RISK
    window = next(step for step in outcome.steps if step.kind == "window")
    assert str(window.period) == "2015"
    long = METHOD.assess(
        goal(data, direction=1, target=60, deadline=2030, options={"variant": "long"})
    )
    assert long.status == "movement_away"


def test_opposite_signs_are_not_available() -> None:
    """Reference: values of opposite sign -> not_available."""
    outcome = METHOD.assess(goal([(2015, -2.0), (2020, 3.0)], direction=1, target=5, deadline=2030))
    assert outcome.status == "not_available"
    assert outcome.verdict is Verdict.UNKNOWN


def test_target_achieved_first() -> None:
    """goalengine convention in the reference: d·(v - T) >= 0 is target_achieved."""
    outcome = METHOD.assess(
        goal([(2015, 12.0), (2020, 9.5)], direction=-1, target=10, deadline=2030)
    )
    assert outcome.status == "target_achieved"


def test_unknown_variant_is_an_error_with_a_hint() -> None:
    """A rule-file typo: raised as a GoalEngineError, which the evaluator reports as the
    goal's error (with the hint), never guessed."""
    typo = goal(EARLY_LEAVERS, direction=-1, target=10, deadline=2020, options={"variant": "lng"})
    with pytest.raises(UnknownNameError, match="lng") as raised:
        METHOD.assess(typo)
    assert raised.value.hint == "did you mean 'long'?"


@pytest.mark.parametrize(
    ("ratio", "with_target", "band"),
    [
        (0.95, True, "significant_progress"),
        (0.6, True, "moderate_progress"),
        (0.5999, True, "insufficient_progress"),
        (0.0, True, "insufficient_progress"),
        (-0.0001, True, "movement_away"),
        (0.01, False, "significant_progress"),
        (0.0, False, "moderate_progress"),
        (-0.0001, False, "moderate_movement_away"),
        (-0.01, False, "moderate_movement_away"),
        (-0.0101, False, "significant_movement_away"),
    ],
)
def test_bands(ratio: float, with_target: bool, band: str) -> None:
    """Reference: RR 0.95 / 0.6 / 0; without a target ±1 %/year around 0."""
    assert classify(ratio, with_target) == band


@given(
    data=annual_series(max_size=20),
    target=positive,
    deadline=st.integers(2026, 2060),
    factor=st.floats(min_value=1e-3, max_value=1e3),
    direction=st.sampled_from([-1, 1]),
    variant=st.sampled_from(["short", "long"]),
)
def test_scaling_values_and_target_leaves_rr_unchanged(
    data: tuple, target: float, deadline: int, factor: float, direction: int, variant: str
) -> None:
    options = {"variant": variant}
    first = METHOD.assess(
        goal(data, direction=direction, target=target, deadline=deadline, options=options)
    )
    scaled = [(str(o.period), o.value * factor) for o in data]
    second = METHOD.assess(
        goal(
            scaled, direction=direction, target=target * factor, deadline=deadline, options=options
        )
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
    outcome = METHOD.assess(goal(data, direction=direction, target=latest, deadline=deadline))
    assert outcome.status == "target_achieved"


def test_bands_option_moves_the_cut_offs() -> None:
    """``options: {bands: ...}`` as for un-sdg: RR 1.067 of the reference example is
    significant with the default 0.95 and moderate with a top band starting at 1.1."""
    from method_helpers import goal as _goal

    from goalengine.errors import GoalEngineError
    from goalengine.methods.eurostat import METHOD as EUROSTAT

    points = [(2002, 17.0), (2017, 10.6)]
    options = {"variant": "long", "bands": "[1.1, 0.6, 0]"}
    plain = EUROSTAT.assess(
        _goal(points, direction=-1, target=10, deadline=2020, options={"variant": "long"})
    )
    moved = EUROSTAT.assess(_goal(points, direction=-1, target=10, deadline=2020, options=options))
    assert plain.status == "significant_progress"
    assert moved.status == "moderate_progress"
    with pytest.raises(GoalEngineError):
        EUROSTAT.assess(_goal(points, direction=-1, options={"bands": "0.95"}))
