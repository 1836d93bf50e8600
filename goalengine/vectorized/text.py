"""Explanations for whole columns of entities, with the scalar path's own sentence code.

:func:`goalengine.evaluate.explanation_clauses` builds a result's sentence. Called with
arrays and :class:`ColumnFormats`, every number it formats becomes a placeholder bound to a
column of strings; the sentence is then a template, filled once per entity. The strings
come from :func:`format_numbers`, which writes exactly what ``explain.format_number`` writes
(the tests check it value by value), only without a Python call per number.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..explain import distinct_digits, format_change, format_number, format_value
from ..methods.linear import _chance
from ..periods import Period

__all__ = [
    "ColumnFormats",
    "Template",
    "format_numbers",
    "json_floats",
    "linear_reason",
]

FloatArray = NDArray[np.float64]
_MARK = "\x00"


def _strip(text: str) -> str:
    if "." in text and "e" not in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_numbers(values: FloatArray, digits: Sequence[int | None] | None = None) -> list[str]:
    """``[explain.format_number(v, d) for v, d in zip(values, digits)]``, faster."""
    n = len(values)
    out: list[str] = [""] * n
    numbers = values.tolist()
    if digits is not None and any(d is not None for d in digits):
        plain = []
        for i, (value, d) in enumerate(zip(numbers, digits, strict=True)):
            if d is None:
                plain.append(i)
            else:
                out[i] = format_number(value, d)
        index = np.array(plain, dtype=np.intp)
    else:
        index = np.arange(n)
    if not len(index):
        return out
    sub = values[index]
    with np.errstate(all="ignore"):
        finite = np.isfinite(sub)
        magnitude = np.abs(sub)
        whole = finite & ((magnitude >= 1000) | (sub == np.trunc(sub)))
        huge = whole & (magnitude >= 1e15)
        one = finite & ~whole & (magnitude >= 1)
        small = finite & ~whole & ~one
    for mask, spec in (
        (whole & ~huge, ".0f"),
        (huge, ".3g"),
        (one, ".1f"),
        (small, ".2g"),
    ):
        where = index[mask]
        if len(where):
            for i, value in zip(where.tolist(), values[where].tolist(), strict=True):
                out[i] = _strip(format(value, spec))
    for i in index[~finite].tolist():
        out[i] = format_number(numbers[i])
    return out


def json_floats(values: FloatArray | None, n: int) -> list[str]:
    """JSON numbers as ``json.dumps`` writes them (``null`` for NaN, meaning None)."""
    if values is None:
        return ["null"] * n
    out = list(map(float.__repr__, values.tolist()))
    bad = np.flatnonzero(~np.isfinite(values))
    for i in bad.tolist():
        v = float(values[i])
        out[i] = "null" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")
    return out


class ColumnFormats:
    """``TextFormats`` for :func:`explanation_clauses` over columns: placeholders."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.columns: list[list[str]] = []

    def _token(self, column: list[str]) -> str:
        self.columns.append(column)
        return f"{_MARK}{len(self.columns) - 1}{_MARK}"

    def _array(self, values: Any) -> FloatArray:
        array = np.asarray(values, dtype=np.float64)
        if array.ndim == 0:
            array = np.full(self.size, float(array))
        return array

    def text(self, column: list[str]) -> str:
        """A column of ready-made strings (e.g. '≈ 83 %')."""
        return self._token(column)

    def value(self, values: Any, unit: str | None = None, digits: Any = None) -> str:
        token = self._token(format_numbers(self._array(values), digits))
        return f"{token} {unit}" if unit else token

    def change(self, delta: Any, unit: str | None = None) -> str:
        texts = format_numbers(self._array(delta))
        token = self._token([t if t.startswith("-") else "+" + t for t in texts])
        if unit == "%":
            return token + "pp"
        return f"{token} {unit}" if unit else token

    def number(self, values: Any) -> str:
        return self._token(format_numbers(self._array(values)))

    def distinct_digits(self, a: Any, b: Any) -> list[int | None] | None:
        a, b = self._array(a), self._array(b)
        with np.errstate(all="ignore"):
            candidates = np.flatnonzero((a != b) & np.isfinite(a) & np.isfinite(b))
        if not len(candidates):
            return None
        fa = format_numbers(a[candidates])
        fb = format_numbers(b[candidates])
        found: list[int | None] = [None] * self.size
        any_found = False
        for k, i in enumerate(candidates.tolist()):
            if fa[k] == fb[k]:
                found[i] = distinct_digits(float(a[i]), float(b[i]))
                any_found = any_found or found[i] is not None
        return found if any_found else None


class Template:
    """A sentence with placeholders, filled per entity by ``%`` formatting."""

    def __init__(self, text: str, columns: list[list[str]], escape: Callable[[str], str]) -> None:
        parts = text.split(_MARK)
        pieces: list[str] = []
        self.columns: list[list[str]] = []
        for k, part in enumerate(parts):
            if k % 2:
                pieces.append("%s")
                self.columns.append(columns[int(part)])
            else:
                pieces.append(escape(part).replace("%", "%%"))
        self.pattern = "".join(pieces)

    def fill(self, *extra: list[str]) -> list[str]:
        """One string per entity; ``extra`` columns fill trailing ``%s`` slots."""
        columns = [*self.columns, *extra]
        if not columns:
            return []
        pattern = self.pattern
        return [pattern % row for row in zip(*columns, strict=True)]


def json_text(text: str) -> str:
    """A string's JSON form without the quotes (as ``json.dumps(..., ensure_ascii=False)``)."""
    return json.dumps(text, ensure_ascii=False)[1:-1]


def linear_reason(
    formats: Any,
    slope: Any,
    projected: Any,
    deadline: Period,
    unit: str | None,
    chance: str | None,
    target: Any,
) -> str:
    """The linear method's clause -- the f-strings of ``LinearMethod.assess``, verbatim."""
    reason = (
        f"at {formats.change(slope, unit)} a year it reaches "
        f"{formats.value(projected, unit)} by {deadline}"
    )
    if chance is not None:
        reason += f"; {chance} chance to reach {formats.value(target, unit)} by {deadline}"
    return reason


class ScalarFormats:
    """``explain``'s functions under the :class:`ColumnFormats` names (one entity)."""

    value = staticmethod(format_value)
    change = staticmethod(format_change)

    @staticmethod
    def chance(probability: float) -> str:
        return _chance(probability)
