"""How a figure is read: exactly as written, under its file's number convention.

The convention belongs to the file, never to a cell, because a cell alone is ambiguous:
``58.678`` is 58.678 with a decimal point and 58678 with ``.`` grouping thousands. So:

- ``point`` (a ``,``-separated file): ``58.678``, ``-1.5e3``, ``.5``; no digit grouping;
- ``comma`` (a ``;``-separated file): ``54,4``, ``1.234,5``, ``1 234,5`` -- ``.`` or a space
  (also NBSP and narrow NBSP) groups digits in threes, the same separator throughout.

A trailing ``%`` is allowed in both. Only ASCII digits are read (``float()`` also takes
``١٢٣``, ``1_0`` and ``inf``), and a number must be finite after reading (``1e309``).
Every reader -- CSV rows, CSV columns, inline data, rule-file baselines -- reads numbers
here. :data:`PATTERNS` is written in the common subset of Python's ``re`` and RE2, so the
columnar reader validates a whole column with the very same pattern.
"""

from __future__ import annotations

import math
import numbers
import re
from typing import Literal

from ._text import escape

__all__ = [
    "CONVENTIONS",
    "PATTERNS",
    "Convention",
    "NumberError",
    "convention_hint",
    "number_from_value",
    "read_number",
]

Convention = Literal["point", "comma"]
CONVENTIONS: tuple[Convention, ...] = ("point", "comma")

_SPACE = "[ \t\u00a0\u202f]*"
_EXPONENT = "(?:[eE][+-]?[0-9]+)?"
_POINT = "[+-]?(?:[0-9]+(?:[.][0-9]*)?|[.][0-9]+)" + _EXPONENT
_GROUPED = "|".join(
    "[0-9]{1,3}(?:" + separator + "[0-9]{3})+" for separator in ("[.]", " ", "\u00a0", "\u202f")
)
_COMMA = "[+-]?(?:(?:[0-9]+|" + _GROUPED + ")(?:,[0-9]*)?|,[0-9]+)" + _EXPONENT


def _whole(number: str) -> str:
    return "^" + _SPACE + "(?P<number>" + number + ")" + _SPACE + "(?:%" + _SPACE + ")?$"


PATTERNS: dict[Convention, str] = {"point": _whole(_POINT), "comma": _whole(_COMMA)}
"""A whole cell under each convention; group ``number`` is the figure without ``%``."""

GROUPING = ". \u00a0\u202f"
"""Characters that group digits under the comma convention (removed before reading)."""

_COMPILED = {name: re.compile(pattern) for name, pattern in PATTERNS.items()}
_TO_POINT = str.maketrans({**dict.fromkeys(GROUPING, None), ",": "."})
_NON_FINITE = frozenset({"inf", "infinity", "nan"})


class NumberError(ValueError):
    """A value that is not a finite number under its convention (``reason`` says why)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def read_number(text: str, convention: Convention) -> float:
    """The finite float ``text`` writes under ``convention``; :class:`NumberError` otherwise."""
    match = _COMPILED[convention].fullmatch(text)
    if match is None:
        if text.strip().lstrip("+-").lower() in _NON_FINITE:
            raise NumberError(f"'{escape(text.strip())}' is not a finite number")
        raise NumberError(f"cannot read value '{escape(text.strip())}' as a number")
    number = match["number"]
    value = float(number.translate(_TO_POINT) if convention == "comma" else number)
    return finite(value, number)


def finite(value: float, written: object) -> float:
    """``value`` if it is finite; a :class:`NumberError` quoting ``written`` otherwise."""
    if not math.isfinite(value):
        raise NumberError(f"'{escape(str(written))}' is not a finite number")
    return value


def number_from_value(raw: object) -> float:
    """A figure given as a value (YAML, a Python mapping): a real number or unambiguous text.

    Text carries no file convention, so it must read the same under both (``"2,5"``,
    ``"54.4"``, ``"1.234,5"``); ``"1.234"`` is 1.234 or 1234 and is refused, not guessed.
    """
    if isinstance(raw, bool) or raw is None:
        raise NumberError(f"{raw!r} is not a number")
    if isinstance(raw, numbers.Integral):
        try:
            return finite(float(raw), raw)
        except OverflowError:  # a 400-digit integer
            raise NumberError(f"'{escape(str(raw))}' is not a finite number") from None
    if isinstance(raw, numbers.Real):
        return finite(float(raw), raw)
    if not isinstance(raw, str):
        raise NumberError(f"{escape(type(raw).__name__)} is not a number")
    readings: dict[Convention, float] = {}
    errors: list[NumberError] = []
    for convention in CONVENTIONS:
        try:
            readings[convention] = read_number(raw, convention)
        except NumberError as error:
            errors.append(error)
    if not readings:
        raise errors[0]
    if len(set(readings.values())) > 1:
        raise NumberError(
            f"'{escape(raw.strip())}' is {readings['point']:g} with a decimal point but "
            f"{readings['comma']:g} with '.' grouping thousands; write it as a plain number"
        )
    return next(iter(readings.values()))


def convention_hint(convention: Convention, separator: str | None = None) -> str:
    """What ``convention`` reads, and how a data entry states the other one."""
    other = "comma" if convention == "point" else "point"
    whose = "this file" if separator is None else f"a '{separator}'-separated file"
    if convention == "point":
        reads = f"{whose} writes numbers with a decimal point and no grouping (58.678, -1.5e3)"
    else:
        reads = f"{whose} writes numbers with a decimal comma and '.' or ' ' grouping (1.234,5)"
    return (
        f"{reads}; if it uses a decimal {other}, state it: data: [{{path: ..., decimal: {other}}}]"
    )
