"""Explanations for whole columns of entities, with the scalar path's own sentence code.

:func:`goalengine.engine.scalar.explanation_clauses` builds a result's sentence. Called with
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

from ...data.arrays import arrow_of, numpy_of
from ...explain import (
    TEXT_FORMATS,
    distinct_digits,
    exact_digits,
    format_number,
    is_percent,
)
from ...methods.linear import chance_text, linear_reason

__all__ = [
    "ColumnFormats",
    "Memo",
    "Template",
    "encode_column",
    "exact_digits_column",
    "fill",
    "fill_bytes",
    "format_numbers",
    "json_float_columns",
    "json_floats",
    "linear_reason",
    "reprs",
]

FloatArray = NDArray[np.float64]
_MARK = "\x00"


class Memo:
    """Texts of numbers already written in this report (figures repeat across entities)."""

    LIMIT = 1 << 20

    def __init__(self) -> None:
        self.texts: dict[float, str] = {}
        self.reprs: dict[float, str] = {}

    @staticmethod
    def worth(values: FloatArray) -> bool:
        """Figures with at most two decimals repeat a lot; computed ones hardly ever do."""
        if len(values) <= 8:
            return False
        with np.errstate(all="ignore"):
            scaled = values * 100
            return bool((np.abs(scaled - np.round(scaled)) < 1e-6).all())

    def lookup(
        self, table: dict[float, str], numbers: list[float], write: Callable[[float], str]
    ) -> list[str]:
        if len(table) > self.LIMIT:
            table.clear()
        out = list(map(table.get, numbers))
        if None in out:
            for i in [i for i, text in enumerate(out) if text is None]:
                v = numbers[i]
                out[i] = text = write(v)
                if v != 0:  # 0.0 and -0.0 are one key but two reprs
                    table[v] = text
        return out  # type: ignore[return-value]


def format_numbers(
    values: FloatArray, digits: Sequence[int | None] | None = None, memo: Memo | None = None
) -> list[str]:
    """``[explain.format_number(v, d) for v, d in zip(values, digits)]``, faster.

    ``%.1f`` (which is ``format(v, ".1f")``) with a trailing ``.0`` dropped is what
    ``format_number`` writes for every number from 1 to 1000 and every whole number below
    1e15; numpy finds the others (large fractions, huge, below 1, zero, inf, nan), which go
    through ``format_number`` itself.
    """
    if memo is not None and memo.worth(values) and np.isfinite(values).all():
        texts = memo.lookup(memo.texts, values.tolist(), format_number)
        if digits is None:
            return texts
        return [
            t if d is None else format_number(float(values[i]), d)
            for i, (t, d) in enumerate(zip(texts, digits, strict=True))
        ]
    if digits is not None and any(d is not None for d in digits):
        out = format_numbers(values)
        for i, d in enumerate(digits):
            if d is not None:
                out[i] = format_number(float(values[i]), d)
        return out
    with np.errstate(all="ignore"):
        finite = np.isfinite(values)
        magnitude = np.abs(values)
        integral = values == np.trunc(values)
    numbers = values.tolist()
    out = [t[:-2] if t[-1] == "0" else t for t in map("%.1f".__mod__, numbers)]
    small = np.flatnonzero(finite & (magnitude < 1) & ~integral).tolist()
    if small:  # '%.2g' (which drops trailing zeros itself)
        small_texts = map("%.2g".__mod__, [numbers[i] for i in small])
        for i, text in zip(small, small_texts, strict=True):
            out[i] = text
    odd = ~finite | (magnitude >= 1e15) | ((magnitude >= 1000) & ~integral)
    odd |= (values == 0) & np.signbit(values)
    for i in np.flatnonzero(odd).tolist():
        out[i] = format_number(numbers[i])
    return out


def json_floats(
    values: FloatArray | None, n: int, memo: Memo | None = None, nan: str = "null"
) -> list[str]:
    """JSON numbers as ``json.dumps`` writes them (NaN as ``nan``: by default ``null``, for
    a NaN that means None; ``"NaN"`` for a float that is one)."""
    return json_float_columns([values], n, memo, nan)[0]


def json_float_columns(
    columns: Sequence[FloatArray | None], n: int, memo: Memo | None = None, nan: str = "null"
) -> list[list[str]]:
    """:func:`json_floats` of each column, the computed numbers of all of them written in
    one :func:`reprs` (each trip through Arrow has a fixed cost of its own)."""
    out: list[list[str]] = []
    computed: list[tuple[int, FloatArray]] = []
    for values in columns:
        if values is None:
            out.append(["null"] * n)
        elif n > 1 and values[0] != 0 and (values == values[0]).all():  # (0.0 and -0.0 differ)
            out.append(json_floats(values[:1], 1, nan=nan) * n)
        elif memo is not None and memo.worth(values):
            out.append(
                _finite(memo.lookup(memo.reprs, values.tolist(), float.__repr__), values, nan)
            )
        else:
            out.append([])
            computed.append((len(out) - 1, values))
    if computed:
        texts = reprs(np.concatenate([values for _, values in computed]))
        start = 0
        for k, values in computed:
            out[k] = _finite(texts[start : start + len(values)], values, nan)
            start += len(values)
    return out


def _finite(out: list[str], values: FloatArray, nan: str) -> list[str]:
    """``out`` with JSON's words for the numbers of ``values`` that are not finite."""
    for i in np.flatnonzero(~np.isfinite(values)).tolist():
        v = float(values[i])
        out[i] = nan if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")
    return out


def exact_digits_column(
    values: FloatArray, at_least: Sequence[int | None] | None = None
) -> list[int | None]:
    """``[explain.exact_digits(v, a) for v, a in zip(values, at_least)]``, faster.

    ``exact_digits`` asks whether ``f"{v:.{d}f}"`` reads back as ``v`` (within 1e-9 of it,
    relative) for a few ``d``. For 1 <= |v| < 1e4 numpy's ``round(v, d)`` lands within a
    few ulps of what the text reads back as, or (at a tie it breaks the other way) half a
    step of 1e-4 or more away -- far more than the tolerance of at most 1e-5. So a distance
    below half the tolerance or above twice it answers the question exactly; any other
    value (and every value outside that range) goes through ``exact_digits`` itself.
    """
    n = len(values)
    chosen: list[int | None] = [None] * n if at_least is None else list(at_least)
    given = np.array([-1 if d is None else d for d in chosen], dtype=np.int64)
    with np.errstate(all="ignore"):
        magnitude = np.abs(values)
        tolerance = 1e-9 * np.maximum(1.0, magnitude)
        distance = np.stack([np.abs(np.round(values, d) - values) for d in range(5)])
        reads_back = distance < 0.5 * tolerance
        decided = reads_back | (distance > 2 * tolerance)
        integral = values == np.trunc(values)
    fast = decided.all(axis=0) & (magnitude < 1e4) & (given <= 4)
    fast &= (magnitude >= 1) | integral | (given >= 0)  # below 1 the default is '%.2g'
    # format_number's own decimals: those asked for, else none for whole numbers and from
    # 1000 on, else one.
    default = np.where(given >= 0, given, np.where(integral | (magnitude >= 1000), 0, 1))
    columns = np.arange(n)
    keeps = reads_back[np.minimum(default, 4), columns] | ~reads_back[4]
    first = np.maximum(given, 1)
    search = reads_back & (np.arange(5)[:, None] >= first)
    found = np.argmax(search, axis=0)
    for i in np.flatnonzero(fast & ~keeps).tolist():
        chosen[i] = int(found[i])
    for i in np.flatnonzero(~fast).tolist():
        chosen[i] = exact_digits(float(values[i]), chosen[i])
    return chosen


#: Below this many numbers Python's own repr is as quick as a trip through Arrow.
_ARROW_REPRS = 64
_PAST_END = 1 << 30


def reprs(values: FloatArray) -> list[str]:
    """``[repr(v) for v in values]`` for finite values, faster on long arrays (about twice
    as fast for a million numbers; for a thousand, hardly).

    Arrow writes a float as Python does -- the shortest digits that read back as it, the
    nearest such where several are as short -- except that it leaves out a whole number's
    ``.0`` (put back here) and switches to an exponent on its own terms: those, and every
    number Python itself writes with an exponent (below 1e-4, from 1e16), are written by
    ``repr``. (Non-finite values come out as Arrow writes them; callers replace them.)
    """
    if len(values) < _ARROW_REPRS:
        return list(map(float.__repr__, values.tolist()))
    import pyarrow as pa
    import pyarrow.compute as pc

    texts = pc.cast(arrow_of(np.asarray(values, dtype=np.float64)), pa.string())
    whole = pc.invert(pc.match_substring(texts, "."))
    # '.0' appended: a replacement of the empty slice past every text's end.
    dotted = pc.utf8_replace_slice(texts, start=_PAST_END, stop=_PAST_END, replacement=".0")
    texts = pc.if_else(whole, dotted, texts)
    out: list[str] = texts.to_pylist()
    with np.errstate(all="ignore"):
        magnitude = np.abs(values)
        python = ((magnitude < 1e-4) & (values != 0)) | (magnitude >= 1e16)
    python |= numpy_of(pc.match_substring(texts, "e"))
    for i in np.flatnonzero(python & np.isfinite(values)).tolist():
        out[i] = repr(float(values[i]))
    return out


class ColumnFormats:
    """``TextFormats`` for :func:`explanation_clauses` over columns: placeholders."""

    def __init__(self, size: int, memo: Memo | None = None) -> None:
        self.size = size
        self.memo = memo
        self.columns: list[list[str]] = []
        self._texts: dict[int, tuple[FloatArray, list[str]]] = {}

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

    def _texts_of(self, values: Any) -> list[str]:
        """Formatted numbers, once per array (the digits check and the value share them)."""
        found = self._texts.get(id(values))
        if found is None or found[0] is not values:
            found = (values, format_numbers(self._array(values), memo=self.memo))
            self._texts[id(values)] = found
        return found[1]

    def value(self, values: Any, unit: str | None = None, digits: Any = None) -> str:
        texts = self._texts_of(values)
        if digits is not None:
            array = self._array(values)
            texts = [
                t if d is None else format_number(float(array[i]), d)
                for i, (t, d) in enumerate(zip(texts, digits, strict=True))
            ]
        token = self._token(texts)
        return f"{token} {unit}" if unit else token

    def change(self, delta: Any, unit: str | None = None) -> str:
        texts = format_numbers(self._array(delta), memo=self.memo)
        token = self._token([t if t.startswith("-") else "+" + t for t in texts])
        if is_percent(unit):
            return token + "pp"
        return f"{token} {unit}" if unit else token

    def number(self, values: Any) -> str:
        return self._token(self._texts_of(values))

    @staticmethod
    def phrase(message: str, /, **values: object) -> str:
        """``TextFormats.phrase``: the English words around the column tokens."""
        return message.format(**values)

    def distinct_digits(self, a: Any, b: Any) -> list[int | None] | None:
        """``explain.distinct_digits`` per entity (None: no entity needs extra digits)."""
        x, y = self._array(a), self._array(b)
        with np.errstate(all="ignore"):
            # Equal texts need close numbers: within 10 % (2 significant digits) or 1.
            close = np.abs(x - y) <= 0.1 * np.maximum(np.abs(x), np.abs(y)) + 1.0
            candidates = np.flatnonzero((x != y) & np.isfinite(x) & np.isfinite(y) & close)
        if not len(candidates):
            return None
        fa, fb = self._texts_of(a), self._texts_of(b)
        found: list[int | None] = [None] * self.size
        any_found = False
        for i in candidates.tolist():
            if fa[i] == fb[i]:
                found[i] = distinct_digits(float(x[i]), float(y[i]))
                any_found = any_found or found[i] is not None
        return found if any_found else None

    def exact_digits(self, values: Any, at_least: Any = None) -> list[int | None] | None:
        """``explain.exact_digits`` per entity (None: no entity needs extra digits)."""
        array = self._array(values)
        if at_least is None and len(array) and bool(np.all(array == array[0])):
            # A target shared by every entity (the common case): one answer for all.
            digits = exact_digits(float(array[0]))
            return None if digits is None else [digits] * self.size
        found = exact_digits_column(array, at_least)
        return found if any(d is not None for d in found) else None


class Template:
    """A sentence with placeholders: literal pieces and columns of strings, in order."""

    def __init__(self, text: str, columns: list[list[str]], escape: Callable[[str], str]) -> None:
        self.parts: list[str | list[str]] = []
        for k, part in enumerate(text.split(_MARK)):
            if k % 2:
                self.parts.append(columns[int(part)])
            elif part:
                self.parts.append(escape(part))


def fill(parts: Sequence[str | list[str]], size: int) -> list[str]:
    """One string per entity from literal pieces and columns; a column whose entries are all
    the same is folded into the pattern, so the per-entity ``%`` has less to do."""
    pieces: list[str] = []
    columns: list[list[str]] = []
    for part in parts:
        if isinstance(part, str):
            pieces.append(part.replace("%", "%%"))
        elif part.count(part[0]) == len(part):
            pieces.append(part[0].replace("%", "%%"))
        else:
            pieces.append("%s")
            columns.append(part)
    pattern = "".join(pieces)
    if not columns:
        return [pattern % ()] * size
    return [pattern % row for row in zip(*columns, strict=True)]


def fill_bytes(parts: Sequence[str | list[str] | list[bytes]], size: int) -> list[bytes]:
    """:func:`fill`, UTF-8 encoded: the report's lines are mostly ASCII numbers around a
    few non-ASCII signs (≈, →), and ``bytes %`` of encoded columns costs less than ``str
    %`` followed by encoding text that Python holds two bytes a character."""
    pieces: list[bytes] = []
    columns: list[list[bytes]] = []
    for part in parts:
        if isinstance(part, str):
            pieces.append(part.encode().replace(b"%", b"%%"))
            continue
        column = encode_column(part)
        if column.count(column[0]) == len(column):
            pieces.append(column[0].replace(b"%", b"%%"))
        else:
            pieces.append(b"%s")
            columns.append(column)
    pattern = b"".join(pieces)
    if not columns:
        return [pattern % ()] * size
    return [pattern % row for row in zip(*columns, strict=True)]


def encode_column(texts: list[str] | list[bytes]) -> list[bytes]:
    """Each text UTF-8 encoded (encoded as one text, then split where no text has a
    newline: JSON texts never hold a raw one)."""
    if not texts or isinstance(texts[0], bytes):
        return texts  # type: ignore[return-value]
    strings: list[str] = texts
    encoded = "\n".join(strings).encode().split(b"\n")
    if len(encoded) != len(strings):
        encoded = [text.encode() for text in strings]
    return encoded


def json_text(text: str) -> str:
    """A string's JSON form without the quotes (as ``json.dumps(..., ensure_ascii=False)``)."""
    return json.dumps(text, ensure_ascii=False)[1:-1]


class ScalarFormats:
    """``explain``'s functions under the :class:`ColumnFormats` names (one entity)."""

    # TEXT_FORMATS' own: the same text, remembered, so the reason can be translated.
    value = staticmethod(TEXT_FORMATS.value)
    change = staticmethod(TEXT_FORMATS.change)
    phrase = staticmethod(TEXT_FORMATS.phrase)
    distinct_digits = staticmethod(distinct_digits)
    exact_digits = staticmethod(exact_digits)

    @staticmethod
    def chance(probability: float) -> str:
        return chance_text(probability)
