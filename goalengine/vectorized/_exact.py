"""Elementwise replays of the scalar path's floating-point arithmetic, bit for bit.

The vectorised evaluator promises the *same* numbers as the scalar one, not merely close
ones: a least-squares slope that differs in the last bit can flip a strict comparison or a
rounded figure in an explanation. IEEE operations (+ - * / sqrt, comparisons) are the same
in numpy and in Python, so it is enough to do them in the same order:

- :func:`py_sum` adds like CPython's built-in ``sum`` over floats (left to right; from
  Python 3.12 with Neumaier's compensation), checked against ``sum`` at import;
- :func:`t_cdf` is ``goalengine.methods._student_t.cdf`` step by step, with ``math.log``
  and ``math.exp`` per element (numpy's SIMD versions may differ in the last bit).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..methods import _student_t

__all__ = ["EXACT", "py_sum", "t_cdf"]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

_NEUMAIER = sum([1.0, 1e100, 1.0, -1e100]) == 2.0


def py_sum(terms: Iterable[FloatArray]) -> FloatArray:
    """``sum(column_k for k ...)`` elementwise, exactly as CPython's ``sum`` computes it.

    ``terms`` may be a generator that reuses one buffer: each term is used up before the
    next is asked for.
    """
    items = iter(terms)
    total: FloatArray = np.add(0.0, np.asarray(next(items), dtype=np.float64))
    if not _NEUMAIER:
        for term in items:
            np.add(total, term, out=total)  # total = total + term
        return total
    compensation = np.zeros_like(total)
    with np.errstate(all="ignore"):
        for term in items:
            step = total + term
            compensation = compensation + np.where(
                np.abs(total) >= np.abs(term), (total - step) + term, (term - step) + total
            )
            total = step
        fix = (compensation != 0) & np.isfinite(compensation)
        result: FloatArray = np.where(fix, total + compensation, total)
    return result


def products(
    xs: Sequence[float], ys: Sequence[FloatArray], y_shift: FloatArray
) -> Iterator[FloatArray]:
    """``(x - mean_x) * (y - mean_y)`` for each pair, in one reused buffer (``xs`` shifted
    already: the scalar ``x - mean_x`` times the array ``y - mean_y`` -- products commute)."""
    buffer = np.empty(len(y_shift))
    for x, y in zip(xs, ys, strict=True):
        np.subtract(y, y_shift, out=buffer)
        buffer *= x
        yield buffer


def squared_residuals(
    xs: Sequence[float], ys: Sequence[FloatArray], intercept: FloatArray, slope: FloatArray
) -> Iterator[FloatArray]:
    """``r * r`` with ``r = y - (intercept + slope * x)``, in one reused buffer."""
    buffer = np.empty(len(intercept))
    for x, y in zip(xs, ys, strict=True):
        np.multiply(slope, x, out=buffer)
        buffer += intercept  # intercept + slope * x (sums commute)
        np.subtract(y, buffer, out=buffer)
        buffer *= buffer
        yield buffer


def _math(function: Any, values: FloatArray, exact: bool = True) -> FloatArray:
    """Apply a ``math`` function per element (the libm result the scalar path gets), or
    numpy's version of it (``exact=False``: faster, may differ in the last bit)."""
    if not exact:
        result: FloatArray = {math.log: np.log, math.exp: np.exp}[function](values)
        return result
    return np.array(list(map(function, values.tolist())), dtype=np.float64)


def _beta_fraction(a: float, b: float, x: FloatArray) -> FloatArray:
    """``_student_t._beta_fraction`` for every element of ``x``, each stopping on its own.

    In-place numpy operations in the scalar code's order (``1.0 + c * d`` is ``d *= c;
    d += 1.0``: both products and sums commute exactly), the tiny-value guards applied only
    where they bite.
    """
    tiny, eps = _student_t._TINY, _student_t._EPS
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
    for m in range(1, _student_t._MAX_TERMS + 1):
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
    small = np.abs(values) <= tiny
    if small.any():
        values[small] = tiny


def _beta_regularized(
    a: float, b: float, x: FloatArray, y: FloatArray, exact: bool = True
) -> FloatArray:
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
        values[low] = front[low] * _beta_fraction(a, b, xr[low]) / a
    if (~low).any():
        values[~low] = 1.0 - front[~low] * _beta_fraction(b, a, yr[~low]) / b
    out[rest] = values
    return out


def t_cdf(t: FloatArray, df: int, exact: bool = True) -> FloatArray:
    """``_student_t.cdf(t, df)`` for every element of ``t`` (``df`` > 0); with
    ``exact=False`` numpy's log and exp, a few ulps off at most."""
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
        tail = 0.5 * _beta_regularized(df / 2.0, 0.5, x, y, exact)
        out[ok] = np.where(tt < 0, tail, 1.0 - tail)
    return out


def _self_check() -> bool:
    """Does :func:`py_sum` match this interpreter's ``sum``? (Else projections go scalar.)"""
    generator = random.Random(7)
    columns = []
    for _ in range(12):
        column = [
            generator.choice([1e16, -1e16, 1.0, 0.1, -0.0, 3.3e-5, 7.0e12]) * generator.random()
            for _ in range(64)
        ]
        columns.append(column)
    arrays = [np.array(c) for c in columns]
    got = py_sum(arrays)
    for i in range(64):
        want = sum(c[i] for c in columns)
        if not (got[i] == want and math.copysign(1, got[i]) == math.copysign(1, want)):
            return False
    return True


#: Whether this interpreter's float ``sum`` is replayed exactly (checked once at import).
EXACT = _self_check()
