"""Turn explanation steps into words: numbers with units, changes, one sentence per goal.

Explanations are data first (:class:`~goalengine.models.Step` trees built by the evaluator
and the progress methods); this module only renders them, so every number in the text is
a step's value, rounded the same way everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

__all__ = [
    "TEXT_FORMATS",
    "Phrase",
    "TextFormats",
    "broken_in",
    "distinct_digits",
    "exact_digits",
    "format_change",
    "format_number",
    "format_value",
    "is_percent",
    "sentence",
]

#: Units that mean "percent": a change of them is in percentage points.
PERCENT_UNITS = frozenset({"%", "pct.", "pct", "procent", "percent"})


def is_percent(unit: str | None) -> bool:
    """``%``, ``pct.``, ``procent``: a percentage (changes in points, ``pp``)."""
    return unit is not None and unit.strip().lower() in PERCENT_UNITS


def broken_in(periods: Iterable[object]) -> str:
    """``broken in 2009 and 2010``: every period a ``throughout`` rule fails in, not only the
    first (a table check must say which years are off)."""
    names = [str(p) for p in periods]
    listed = names[0]
    if len(names) > 1:
        listed = TEXT_FORMATS.phrase(
            "{first} and {last}", first=", ".join(names[:-1]), last=names[-1]
        )
    return TEXT_FORMATS.phrase("broken in {periods}", periods=listed)


def format_number(value: float, digits: int | None = None) -> str:
    """Round for people: whole numbers from 1000, 1 decimal from 1, 2 significant digits below.

    ``digits`` forces that many decimals (see :func:`distinct_digits`).
    """
    if digits is not None and math.isfinite(value):
        text = f"{value:.{digits}f}"
        return "0" if text.lstrip("-").strip("0.") == "" else text
    if math.isnan(value):
        return "n/a"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    magnitude = abs(value)
    if magnitude >= 1000 or value == int(value):
        text = f"{value:.0f}" if magnitude < 1e15 else f"{value:.3g}"
    elif magnitude >= 1:
        text = f"{value:.1f}"
    else:
        text = f"{value:.2g}"
    if "." in text and "e" not in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def distinct_digits(a: float, b: float) -> int | None:
    """Decimals needed so two different numbers do not print the same (1.20 vs 1.16)."""
    if a == b or not (math.isfinite(a) and math.isfinite(b)):
        return None
    if format_number(a) != format_number(b):
        return None
    for digits in range(1, 10):
        if f"{a:.{digits}f}" != f"{b:.{digits}f}":
            return digits
    return None


def exact_digits(value: float, at_least: int | None = None) -> int | None:
    """Decimals (up to 4) that print ``value`` exactly where the default rounding would not
    (a baseline of 9.54 is "9.54", not "9.5"); ``at_least`` keeps a count already needed.

    A number with more than 4 decimals is a computed one: it keeps the default rounding.
    """
    if not math.isfinite(value) or _reads_back(format_number(value, at_least), value):
        return at_least
    if not _reads_back(f"{value:.4f}", value):
        return at_least  # fewer decimals read back even less: a computed number
    for digits in range(max(at_least or 0, 1), 5):
        if _reads_back(f"{value:.{digits}f}", value):
            return digits
    return at_least


def _reads_back(text: str, value: float) -> bool:
    try:
        return abs(float(text) - value) <= 1e-9 * max(1.0, abs(value))
    except ValueError:  # "n/a", "∞", "1.2e+20"
        return True


def format_value(value: float, unit: str | None = None, digits: int | None = None) -> str:
    """``59.9 %``, ``554 placements``, ``12``."""
    text = format_number(value, digits)
    return f"{text} {unit}" if unit else text


def format_change(delta: float, unit: str | None = None) -> str:
    """A signed change: ``+5.5pp`` for percent metrics, ``-2 districts`` otherwise."""
    text = format_number(delta)
    if not text.startswith("-"):
        text = "+" + text
    if is_percent(unit):
        return text + "pp"
    return f"{text} {unit}" if unit else text


def sentence(*clauses: str | None, verdict: str) -> str:
    """Join the non-empty clauses with '; ' and end with the verdict: 'a; b → on track.'"""
    body = "; ".join(c for c in clauses if c)
    return f"{body} → {verdict}." if body else f"{verdict}."


class Phrase(str):
    """English text that remembers how it was written, so another language can write it
    again (:meth:`goalengine.i18n.Language.rewrite`): ``recipe`` is ``("phrase", message,
    values)`` for :meth:`TextFormats.phrase`, or a number's ``(method, arguments)``.

    A progress method's reason is built once, in English, before anyone asks for a
    language; this is what lets ``Result.explanation_in("da")`` translate it afterwards.
    Joining phrases with ``+`` gives a plain ``str`` (English only): join through a
    phrase (``"{reason}; {more}"``) instead.
    """

    recipe: tuple[Any, ...]

    def __new__(cls, text: str, recipe: tuple[Any, ...]) -> Phrase:
        made = str.__new__(cls, text)
        made.recipe = recipe
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        return (Phrase, (str(self), self.recipe))


class TextFormats:
    """How explanations write numbers: this module's functions, under one roof.

    Sentence builders take a ``formats`` argument (default :data:`TEXT_FORMATS`);
    ``goalengine.engine.columnar`` passes a stand-in that returns placeholders for whole columns
    of numbers, so every entity's sentence comes from the same code. Keep such builders
    free of branches on the numbers themselves (ask ``formats`` instead).
    """

    distinct_digits = staticmethod(distinct_digits)
    exact_digits = staticmethod(exact_digits)

    def value(self, value: float, unit: str | None = None, digits: int | None = None) -> str:
        """:func:`format_value`, remembered (a :class:`Phrase`)."""
        return Phrase(format_value(value, unit, digits), ("value", (value, unit, digits)))

    def change(self, delta: float, unit: str | None = None) -> str:
        """:func:`format_change`, remembered (a :class:`Phrase`)."""
        return Phrase(format_change(delta, unit), ("change", (delta, unit)))

    def number(self, value: float, digits: int | None = None) -> str:
        """:func:`format_number`, remembered (a :class:`Phrase`)."""
        return Phrase(format_number(value, digits), ("number", (value, digits)))

    @staticmethod
    def phrase(message: str, /, **values: object) -> str:
        """A sentence part: ``message`` (English, a gettext message id) filled in; a
        :class:`goalengine.i18n.Language` translates it first. The result remembers both
        (a :class:`Phrase`), so it can be translated later too."""
        return Phrase(message.format_map(values), ("phrase", message, values))


TEXT_FORMATS = TextFormats()
