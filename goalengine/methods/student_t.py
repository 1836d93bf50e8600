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
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    FloatArray = NDArray[np.float64]

__all__ = ["cdf", "cdf_array", "ppf"]

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


# -- the same CDF for many values at once (the columnar engine) ---------------------------------
#
# The scalar functions above step by step, in numpy: the same IEEE operations in the same
# order, so ``cdf_array(t, df)[k] == cdf(t[k], df)`` to the bit (with ``exact``; numpy's
# log and exp may differ from libm's in the last bit). numpy is imported only here.


def _math(function: Any, values: FloatArray, exact: bool = True) -> FloatArray:
    """Apply a ``math`` function per element (the libm result the scalar path gets), or
    numpy's version of it (``exact=False``: faster, may differ in the last bit)."""
    import numpy as np

    if not exact:
        result: FloatArray = {math.log: np.log, math.exp: np.exp}[function](values)
        return result
    return np.array(list(map(function, values.tolist())), dtype=np.float64)


def _beta_fraction_array(a: float, b: float, x: FloatArray) -> FloatArray:
    """``_beta_fraction`` for every element of ``x``, each stopping on its own.

    In-place numpy operations in the scalar code's order (``1.0 + c * d`` is ``d *= c;
    d += 1.0``: both products and sums commute exactly), the tiny-value guards applied only
    where they bite.
    """
    import numpy as np

    tiny, eps = _TINY, _EPS
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    n = len(x)
    c = np.ones(n)
    d = 1.0 - qab * x / qap
    _guard(d, tiny)
    np.divide(1.0, d, out=d)
    h = d.copy()
    result = np.empty(n)
    alive = np.arange(n)
    delta = np.empty(n)
    for m in range(1, _MAX_TERMS + 1):
        m2 = 2 * m
        even = m * (b - m) * x / ((qam + m2) * (a + m2))
        odd = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        for coefficient in (even, odd):
            d *= coefficient
            d += 1.0
            _guard(d, tiny)
            np.divide(1.0, d, out=d)
            np.divide(coefficient, c, out=c)
            c += 1.0
            _guard(c, tiny)
            np.multiply(d, c, out=delta)
            h *= delta
        done = np.abs(delta - 1.0) < eps
        if done.any():
            result[alive[done]] = h[done]
            keep = ~done
            alive, x, c, d, h = alive[keep], x[keep], c[keep], d[keep], h[keep]
            delta = delta[keep]
            if not len(alive):
                return result
    result[alive] = h
    return result


def _guard(values: FloatArray, tiny: float) -> None:
    """``v if abs(v) > tiny else tiny``, in place."""
    import numpy as np

    small = np.abs(values) <= tiny
    if small.any():
        values[small] = tiny


def _beta_regularized_array(
    a: float, b: float, x: FloatArray, y: FloatArray, exact: bool = True
) -> FloatArray:
    """``_beta_regularized`` for every element of ``x`` (``y`` is ``1 - x``)."""
    import numpy as np

    out = np.empty(len(x))
    zero = x <= 0.0
    one = ~zero & (y <= 0.0)
    out[zero] = 0.0
    out[one] = 1.0
    rest = np.flatnonzero(~zero & ~one)
    if not len(rest):
        return out
    xr, yr = x[rest], y[rest]
    start = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
    log_front = start + a * _math(math.log, xr, exact) + b * _math(math.log, yr, exact)
    front = _math(math.exp, log_front, exact)
    low = xr < (a + 1.0) / (a + b + 2.0)
    values = np.empty(len(rest))
    if low.any():
        values[low] = front[low] * _beta_fraction_array(a, b, xr[low]) / a
    if (~low).any():
        values[~low] = 1.0 - front[~low] * _beta_fraction_array(b, a, yr[~low]) / b
    out[rest] = values
    return out


def cdf_array(t: FloatArray, df: int, exact: bool = True) -> FloatArray:
    """``cdf(t, df)`` for every element of ``t`` (``df`` > 0); with
    ``exact=False`` numpy's log and exp, a few ulps off at most."""
    import numpy as np

    out = np.empty(len(t))
    with np.errstate(all="ignore"):
        nan = np.isnan(t)
        infinite = np.isinf(t)
        out[nan] = math.nan
        out[infinite] = np.where(t[infinite] > 0, 1.0, 0.0)
        ok = np.flatnonzero(~nan & ~infinite)
        tt = t[ok]
        square = tt * tt
        x, y = df / (df + square), square / (df + square)
        tail = 0.5 * _beta_regularized_array(df / 2.0, 0.5, x, y, exact)
        out[ok] = np.where(tt < 0, tail, 1.0 - tail)
    return out
