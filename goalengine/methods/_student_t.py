"""Student's t distribution in pure Python: the CDF and its inverse.

The linear method needs a prediction interval, and goalengine keeps scipy out of its runtime
dependencies, so the two functions it needs live here. The CDF goes through the regularized
incomplete beta function, evaluated by its continued fraction (modified Lentz), which is
accurate to a few ulps over the range a trend fit produces; the quantile inverts the CDF by
bisection, which is slow-ish but cannot fail to converge. The tests compare both with scipy.
"""

from __future__ import annotations

import math
from functools import lru_cache

__all__ = ["cdf", "ppf"]

_EPS = 1e-16
_TINY = 1e-300
_MAX_TERMS = 20_000


def _beta_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of I_x(a, b), by the modified Lentz method."""
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = 1.0
    d = 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    h = d
    for m in range(1, _MAX_TERMS + 1):
        m2 = 2 * m
        # Even step, then odd step of the fraction.
        for coefficient in (
            m * (b - m) * x / ((qam + m2) * (a + m2)),
            -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)),
        ):
            d = 1.0 + coefficient * d
            d = 1.0 / (d if abs(d) > _TINY else _TINY)
            c = 1.0 + coefficient / c
            c = c if abs(c) > _TINY else _TINY
            delta = d * c
            h *= delta
        if abs(delta - 1.0) < _EPS:
            break
    return h


def _beta_regularized(a: float, b: float, x: float, y: float) -> float:
    """I_x(a, b) with ``y = 1 - x`` passed separately so that it keeps its precision."""
    if x <= 0.0:
        return 0.0
    if y <= 0.0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log(y)
    )
    front = math.exp(log_front)
    # The fraction converges fast only on one side of the mean; use the symmetry otherwise.
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _beta_fraction(a, b, x) / a
    return 1.0 - front * _beta_fraction(b, a, y) / b


def cdf(t: float, df: float) -> float:
    """P(T <= t) for Student's t with ``df`` > 0 degrees of freedom."""
    if math.isnan(t) or df <= 0:
        return math.nan
    if math.isinf(t):
        return 1.0 if t > 0 else 0.0
    square = t * t
    # The tail P(T > |t|) = I_x(df/2, 1/2) / 2 with x = df / (df + t²).
    tail = 0.5 * _beta_regularized(df / 2.0, 0.5, df / (df + square), square / (df + square))
    return tail if t < 0 else 1.0 - tail


@lru_cache(maxsize=1024)
def ppf(p: float, df: float) -> float:
    """The t with ``cdf(t, df) == p``, by bisection (symmetric: ``ppf(1 - p) == -ppf(p)``).

    Cached: a report asks for the same few quantiles (80 % at n - 2 degrees of freedom)
    once per goal, and bisection costs about fifty CDF evaluations.
    """
    if math.isnan(p) or not 0.0 <= p <= 1.0 or df <= 0:
        return math.nan
    if p == 0.5:
        return 0.0
    if p < 0.5:
        return -ppf(1.0 - p, df)
    if p == 1.0:
        return math.inf
    low, high = 0.0, 1.0
    while cdf(high, df) < p:
        low, high = high, high * 2.0
        if math.isinf(high):
            return math.inf
    for _ in range(200):
        middle = (low + high) / 2.0
        if middle in (low, high):
            break
        if cdf(middle, df) < p:
            low = middle
        else:
            high = middle
    return (low + high) / 2.0
