"""destatis: the weather symbols of the German Sustainable Development Strategy (DNS).

The five worked examples are the table in ``shared/references/progress-methods.md``
(section Destatis). The reference prints each window's first and last values; the method
uses only those two (the average change is not a regression), so the values in between
here are fillers, marked as such, and a test checks that they do not matter.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from method_helpers import annual_series, goal, positive

from goalengine.errors import RuleFileError
from goalengine.methods.destatis import METHOD, annual_symbol, standard_symbol
from goalengine.models import Verdict

# 13.1.a greenhouse gases, index 1990 = 100: 2019 63.722 and 2024 51.821 are published;
# 2018 lies outside the six-year window; 2020–2023 are fillers.
GREENHOUSE = [
    (2018, 70.0),
    (2019, 63.722),
    (2020, 60.0),
    (2021, 61.0),
    (2022, 58.0),
    (2023, 54.0),
    (2024, 51.821),
]


def _steps(outcome: object) -> dict[str, object]:
    return {step.kind: step.value for step in outcome.steps}  # type: ignore[attr-defined]


def test_greenhouse_gases_2030_slightly_cloudy() -> None:
    """Reference, 13.1.a, target 35 by 2030 (lower is better):
    a = -2.3802, P = 37.540, s = 15.10 % -> slightly_cloudy."""
    outcome = METHOD.assess(goal(GREENHOUSE, direction=-1, target=35, deadline=2030))
    assert round(float(_steps(outcome)["trend"]), 4) == -2.3802  # type: ignore[arg-type]
    assert round(outcome.projected or 0, 3) == 37.540
    assert round((outcome.progress_ratio or 0) * 100, 2) == 15.10
    assert outcome.status == "slightly_cloudy"
    assert outcome.verdict is Verdict.AT_RISK


def test_greenhouse_gases_2040_sun() -> None:
    """Reference, 13.1.a second target, 12 by 2040: P = 13.738, s = 4.36 % -> sun."""
    outcome = METHOD.assess(goal(GREENHOUSE, direction=-1, target=12, deadline=2040))
    assert round(outcome.projected or 0, 3) == 13.738
    assert round((outcome.progress_ratio or 0) * 100, 2) == 4.36
    assert outcome.status == "sun"
    assert outcome.verdict is Verdict.ON_TRACK


def test_avoidable_mortality_cloudy_measured_against_todays_gap() -> None:
    """Reference, 3.1.a avoidable mortality, 253.78 (2013) -> 241.00 (2018), 200 by 2030,
    lower is better: a = -2.556, P = 210.328, s = 25.19 % -> cloudy. Measured against the
    target value it would be 5.2 % (slightly cloudy): wrong, and not what we do."""
    data = [
        (2013, 253.78),
        (2014, 250.0),
        (2015, 249.0),
        (2016, 246.0),
        (2017, 244.0),
        (2018, 241.0),
    ]
    outcome = METHOD.assess(goal(data, direction=-1, target=200, deadline=2030))
    assert round(float(_steps(outcome)["trend"]), 3) == -2.556  # type: ignore[arg-type]
    assert round(outcome.projected or 0, 3) == 210.328
    assert round((outcome.progress_ratio or 0) * 100, 2) == 25.19
    assert outcome.status == "cloudy"
    assert round((210.328 - 200) / 200 * 100, 1) == 5.2  # the wrong measure, for contrast


def test_housing_cost_overburden_break_then_annual_procedure() -> None:
    """Reference, 11.3.a housing-cost overburden, lower is better, series break in 2020:
    2020 9.0 -> 2024 12.0 (5 points), target 13 by 2030 already met -> annual procedure,
    a = +0.75 (worsening) -> slightly_cloudy. 2017–2019 (before the break) and 2021–2023
    are fillers; the pre-break values would give a different a and must be ignored."""
    data = [
        (2017, 16.0),
        (2018, 15.0),
        (2019, 14.0),
        (2020, 9.0),
        (2021, 10.0),
        (2022, 11.0),
        (2023, 11.5),
        (2024, 12.0),
    ]
    outcome = METHOD.assess(
        goal(data, direction=-1, target=13, deadline=2030, options={"break": "2020"})
    )
    assert _steps(outcome)["trend"] == pytest.approx(0.75)
    assert _steps(outcome)["window"] == 5
    assert outcome.status == "slightly_cloudy"
    assert outcome.progress_ratio is None  # no shortfall in the annual procedure
    without_break = METHOD.assess(goal(data, direction=-1, target=13, deadline=2030))
    assert without_break.status == "sun"  # 2019 14.0 -> 12.0 improves: the break matters


def test_public_debt_every_year_thunderstorm() -> None:
    """Reference, 8.2.c public debt <= 60 % every year (no deadline):
    58.7 (2019) -> 62.5 (2024), not met, a = +0.76 -> thunderstorm."""
    data = [(2019, 58.7), (2020, 68.0), (2021, 69.0), (2022, 66.0), (2023, 63.0), (2024, 62.5)]
    outcome = METHOD.assess(goal(data, direction=-1, target=60))
    assert _steps(outcome)["trend"] == pytest.approx(0.76)
    assert outcome.status == "thunderstorm"


def test_only_first_and_last_of_the_window_count() -> None:
    """The average change is (v - v_first) / (t - year_first), not a regression."""
    other = [(year, value + (7.0 if 2019 < year < 2024 else 0.0)) for year, value in GREENHOUSE]
    a = METHOD.assess(goal(GREENHOUSE, direction=-1, target=35, deadline=2030))
    b = METHOD.assess(goal(other, direction=-1, target=35, deadline=2030))
    assert (a.status, a.progress_ratio) == (b.status, b.progress_ratio)


def test_fewer_than_four_annual_values_is_not_available() -> None:
    """Reference: fewer than 4 observations in the window -> not_available; 4 are enough."""
    three = [(2022, 10.0), (2023, 9.0), (2024, 8.0)]
    outcome = METHOD.assess(goal(three, direction=-1, target=5, deadline=2030))
    assert outcome.status == "not_available"
    assert outcome.verdict is Verdict.UNKNOWN
    four = [(2021, 11.0), *three]
    # Hand: a = (8 - 11) / 3 = -1, P = 8 - 6 = 2 <= 5: s = (5 - 2) / (5 - 8) = -1 -> sun.
    outcome = METHOD.assess(goal(four, direction=-1, target=5, deadline=2030))
    assert outcome.progress_ratio == pytest.approx(-1.0)
    assert outcome.status == "sun"
    assert outcome.reason is not None and "beyond 5 by 100 % of today's gap" in outcome.reason


def test_a_break_can_leave_too_few_values() -> None:
    data = [(2018, 1.0), (2019, 2.0), (2020, 3.0), (2021, 4.0), (2022, 5.0), (2023, 6.0)]
    outcome = METHOD.assess(
        goal(data, direction=1, target=10, deadline=2030, options={"break": "2021"})
    )
    assert outcome.status == "not_available"
    assert outcome.reason is not None and "since the break in 2021" in outcome.reason


def test_target_year_equal_to_latest_uses_the_annual_procedure() -> None:
    """Reference: the annual procedure also applies when Y == t. Hand: 20 -> 15 over
    2019–2024 (a = -1), target 10 by 2024 not met, improving (lower is better) -> cloudy."""
    data = [(2019, 20.0), (2020, 19.0), (2021, 18.0), (2022, 17.0), (2023, 16.0), (2024, 15.0)]
    outcome = METHOD.assess(goal(data, direction=-1, target=10, deadline=2024))
    assert outcome.status == "cloudy"
    assert outcome.progress_ratio is None


def test_direction_only_goal_follows_the_method_page() -> None:
    """Source (DNS method page, targets given only as a direction): average change first,
    last annual change second. Hand: 10, 11, 12, 13, 14, 13.5 (higher is better):
    average +0.7 right, last -0.5 wrong -> slightly_cloudy; lower is better: average wrong,
    last right -> cloudy."""
    data = [(2019, 10.0), (2020, 11.0), (2021, 12.0), (2022, 13.0), (2023, 14.0), (2024, 13.5)]
    assert METHOD.assess(goal(data, direction=1)).status == "slightly_cloudy"
    assert METHOD.assess(goal(data, direction=-1)).status == "cloudy"


def test_bad_break_option_is_an_error_with_a_hint() -> None:
    """A rule-file mistake, raised for the evaluator to report as the goal's error."""
    bad = goal(GREENHOUSE, direction=-1, target=35, deadline=2030, options={"break": "twenty"})
    with pytest.raises(RuleFileError, match="twenty") as raised:
        METHOD.assess(bad)
    assert raised.value.hint is not None


@pytest.mark.parametrize(
    ("shortfall", "directed_change", "symbol"),
    [
        (0.0499, 1.0, "sun"),
        (0.05, 1.0, "slightly_cloudy"),
        (0.20, 1.0, "slightly_cloudy"),
        (0.2001, 1.0, "cloudy"),
        (1.0, 0.0, "thunderstorm"),
        (1.5, -1.0, "thunderstorm"),
    ],
)
def test_standard_thresholds(shortfall: float, directed_change: float, symbol: str) -> None:
    """Reference: sun < 5 %, slightly cloudy 5–20 % inclusive, cloudy > 20 % moving right."""
    assert standard_symbol(shortfall, directed_change) == symbol


def test_annual_table() -> None:
    """Reference: met & d·a >= 0 sun; met & d·a < 0 slightly cloudy; not met & d·a > 0
    cloudy; otherwise thunderstorm."""
    assert annual_symbol(True, 0.0) == "sun"
    assert annual_symbol(True, -0.1) == "slightly_cloudy"
    assert annual_symbol(False, 0.1) == "cloudy"
    assert annual_symbol(False, 0.0) == "thunderstorm"


@given(
    data=annual_series(min_size=4),
    direction=st.sampled_from([-1, 1]),
    deadline=st.none() | st.integers(2026, 2060),
)
def test_a_reached_target_that_is_not_worsening_gets_the_sun(
    data: tuple, direction: int, deadline: int | None
) -> None:
    """Annual procedure: reached and d·a >= 0 is always sun, reached and worsening is
    slightly_cloudy (never worse)."""
    latest = data[-1].value
    outcome = METHOD.assess(goal(data, direction=direction, target=latest, deadline=deadline))
    window = data[-6:]
    improving = direction * (window[-1].value - window[0].value) >= 0
    assert outcome.status == ("sun" if improving else "slightly_cloudy")


@given(
    data=annual_series(min_size=4),
    target=positive,
    deadline=st.integers(2026, 2060),
    factor=st.floats(min_value=1e-3, max_value=1e3),
    direction=st.sampled_from([-1, 1]),
)
def test_scaling_values_and_target_leaves_the_symbol_and_shortfall(
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
