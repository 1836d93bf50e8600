"""The pure-Python Student t against scipy.stats.t and against closed forms."""

from __future__ import annotations

import math

import pytest
from scipy import stats

from goalengine.methods import student_t as _student_t

DEGREES = [1, 2, 3, 4, 5, 7, 10, 15, 20, 30, 50, 100, 300, 1000, 10_000, 100_000]
GRID = [i / 8 for i in range(-320, 321)] + [-1e3, -100.0, 100.0, 1e3, 1e6]


@pytest.mark.parametrize("df", DEGREES)
def test_cdf_matches_scipy_to_1e_9(df: int) -> None:
    worst = max(abs(_student_t.cdf(t, df) - stats.t.cdf(t, df)) for t in GRID)
    assert worst < 1e-9


@pytest.mark.parametrize("df", [0.5, 1.5, 2.5, 12.3])
def test_cdf_matches_scipy_for_fractional_degrees(df: float) -> None:
    assert max(abs(_student_t.cdf(t, df) - stats.t.cdf(t, df)) for t in GRID) < 1e-9


@pytest.mark.parametrize("df", DEGREES)
@pytest.mark.parametrize("p", [1e-6, 0.001, 0.01, 0.05, 0.1, 0.2, 0.5, 0.8, 0.9, 0.95, 0.99, 0.999])
def test_ppf_matches_scipy(df: int, p: float) -> None:
    expected = stats.t.ppf(p, df)
    assert _student_t.ppf(p, df) == pytest.approx(expected, rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("t", [-7.0, -1.0, -0.3, 0.0, 0.5, 2.0, 40.0])
def test_closed_forms(t: float) -> None:
    """df = 1 is the Cauchy law, 1/2 + atan(t)/π; df = 2 is 1/2 + t / (2 √(2 + t²))."""
    assert _student_t.cdf(t, 1) == pytest.approx(0.5 + math.atan(t) / math.pi, abs=1e-14)
    assert _student_t.cdf(t, 2) == pytest.approx(0.5 + t / (2 * math.sqrt(2 + t * t)), abs=1e-14)


def test_80_percent_quantile_for_one_degree_is_tan_0_4_pi() -> None:
    assert _student_t.ppf(0.9, 1) == pytest.approx(math.tan(0.4 * math.pi), rel=1e-12)


def test_symmetry_and_limits() -> None:
    assert _student_t.cdf(0.0, 5) == 0.5
    assert _student_t.cdf(math.inf, 5) == 1.0
    assert _student_t.cdf(-math.inf, 5) == 0.0
    assert _student_t.ppf(0.5, 3) == 0.0
    assert _student_t.ppf(0.1, 3) == -_student_t.ppf(0.9, 3)
    assert math.isnan(_student_t.cdf(math.nan, 3))
    assert math.isnan(_student_t.ppf(1.5, 3))
    assert math.isnan(_student_t.cdf(1.0, 0))
