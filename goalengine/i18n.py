"""Reports in Danish and English: words through gettext, numbers and dates through Babel.

English is the source language: its words are the message ids, its numbers those of
:mod:`goalengine.explain`, so an English report needs neither a catalog nor Babel. Danish
words come from ``goalengine/locale/da/LC_MESSAGES/goalengine.mo`` (compiled from the
``.po`` next to it; see ``scripts/compile_catalogs.py``), Danish numbers and dates from
Babel (``59,9 pct.``, ``31. marts 2009``), which the ``goalengine[report]`` extra installs.

:class:`Language` is also a :class:`~goalengine.explain.TextFormats`: the sentence builders
take it as their ``formats`` and write its numbers, units and words.
"""

from __future__ import annotations

import gettext
import locale
import os
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import GoalEngineError, UnknownNameError, did_you_mean
from .explain import Phrase, TextFormats, format_number, is_percent

if TYPE_CHECKING:
    from .models import Report, Result
    from .periods import Period

__all__ = [
    "LANGUAGES",
    "Language",
    "default_language",
    "explanation_in",
    "in_language",
    "language",
    "missing_extra",
    "rebuild_explanation",
    "result_in",
]

LANGUAGES = ("en", "da")
DOMAIN = "goalengine"
LOCALE_DIR = Path(__file__).parent / "locale"
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip


def missing_extra(what: str, module: str) -> UnknownNameError:
    """The error for a feature whose optional dependency is not installed."""
    return UnknownNameError(
        f"{what} needs the Python package '{module}', which is not installed",
        hint="pip install 'goalengine[report]'",
    )


class Language(TextFormats):
    """One report language: its words (:meth:`gettext`), numbers, units and dates."""

    def __init__(self, code: str, translations: gettext.NullTranslations) -> None:
        self.code = code
        self._translations = translations

    def __repr__(self) -> str:
        return f"Language({self.code!r})"

    def gettext(self, message: str) -> str:
        return self._translations.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self._translations.ngettext(singular, plural, count)

    def phrase(self, message: str, /, **values: object) -> str:  # type: ignore[override]
        """A sentence part, translated, then filled in."""
        return self.gettext(message).format(**values)

    def rewrite(self, text: object) -> str:
        """``text`` in this language: a :class:`~goalengine.explain.Phrase` written again
        from its recipe (its message translated, its numbers in this language's way);
        anything else (a period, a plain string) as it is."""
        recipe = getattr(text, "recipe", None)
        if not isinstance(text, Phrase) or recipe is None:
            return str(text)
        if recipe[0] == "phrase":
            _kind, message, values = recipe
            return self.phrase(message, **{k: self.rewrite(v) for k, v in values.items()})
        kind, arguments = recipe
        written: str = getattr(self, kind)(*arguments)
        return written

    # -- numbers (TextFormats) --

    def number(self, value: float, digits: int | None = None) -> str:
        text = format_number(value, digits)
        return text if self.code == "en" else _babel_number(text, self.code)

    def unit(self, unit: str | None) -> str | None:
        """``%`` is ``pct.`` in Danish; other units are the rule file's own words."""
        if self.code == "da" and unit is not None and is_percent(unit):
            return "pct."
        return unit

    def value(self, value: float, unit: str | None = None, digits: int | None = None) -> str:
        text = self.number(value, digits)
        shown = self.unit(unit)
        return f"{text} {shown}" if shown else text

    def change(self, delta: float, unit: str | None = None) -> str:
        text = self.number(delta)
        if not text.startswith("-"):
            text = "+" + text
        if unit is not None and is_percent(unit):
            return text + "pp" if self.code == "en" else f"{text} procentpoint"
        return f"{text} {unit}" if unit else text

    # -- dates --

    def date(self, day: date) -> str:
        """``31 March 2009``; ``31. marts 2009``."""
        if self.code == "en":
            return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
        try:
            from babel.dates import format_date
        except ImportError:
            raise missing_extra("a Danish report", "babel") from None
        return format_date(day, format="long", locale=self.code)


def _babel_number(text: str, code: str) -> str:
    """The English digits ``text`` (already rounded) written the ``code`` way."""
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text  # n/a, ∞
    if not number.is_finite():
        return text
    try:
        from babel.numbers import format_decimal
    except ImportError:
        raise missing_extra("a Danish report", "babel") from None
    return format_decimal(number, locale=code, decimal_quantization=False, group_separator=True)


@cache
def language(code: str | None = None) -> Language:
    """The language ``code`` (``en``, ``da``; None: :func:`default_language`)."""
    wanted = code or default_language()
    if wanted not in LANGUAGES:
        raise UnknownNameError(
            f"unknown language '{wanted}'",
            hint=did_you_mean(wanted, LANGUAGES) or f"choose one of {', '.join(LANGUAGES)}",
        )
    if wanted == "en":
        return Language("en", gettext.NullTranslations())
    catalog = gettext.translation(DOMAIN, LOCALE_DIR, languages=[wanted])
    return Language(wanted, catalog)


def default_language(*declared: str | None) -> str:
    """The first language a rule file declares (``lang:``), else the locale's, else English."""
    for code in declared:
        if code in LANGUAGES:
            return code
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "da" if value.lower().startswith("da") else "en"
    found = locale.getlocale()[0] or ""
    return "da" if found.lower().startswith("da") else "en"


def explanation_in(result: Result, code: str) -> str:
    """``result``'s explanation sentence in language ``code``.

    The sentence is built again from the result's steps by the evaluator's own clause
    builder (:func:`goalengine.engine.scalar.explanation_clauses`), with this language as its
    formats; in English that gives back ``result.explanation`` exactly. The reasons a
    progress method gives are written again from their recipes (``Phrase``); error
    messages, and the reasons of a result read back from JSON, stay as written (English)."""
    words = language(code)
    if words.code == "en" or not result.steps:
        return result.explanation
    return rebuild_explanation(result, words)


def result_in(result: Result, code: str) -> Result:
    """``result`` with its explanation in language ``code`` (all else as it is)."""
    return result.model_copy(update={"explanation": explanation_in(result, code)})


def in_language(report: Report, code: str) -> Report:
    """``report`` with every explanation in language ``code`` and ``lang`` set (its JSON
    then names the language and its verdict labels); ids, rules, enum values and steps stay
    as they are, so the JSON schema holds in every language."""
    words = language(code)
    results = tuple(result_in(r, words.code) for r in report.results)
    return report.model_copy(update={"results": results, "lang": words.code})


def rebuild_explanation(result: Result, words: Language) -> str:
    """:func:`explanation_in` without the English short cut (tests compare the two)."""
    from .engine.scalar import explanation_clauses
    from .explain import sentence
    from .language import compile_rule

    try:
        rule = compile_rule(result.rule)
    except GoalEngineError:
        return result.explanation
    top = {step.kind: step for step in reversed(result.steps)}

    def value(kind: str) -> Any:
        step = top.get(kind)
        return step.value if step is not None else None

    def period(kind: str) -> Period | None:
        step = top.get(kind)
        return step.period if step is not None else None

    method = top.get("method")
    reason = top.get("reason")
    method_reason = method.detail if method is not None else None
    if method_reason and "method" in result._phrases:
        method_reason = words.rewrite(result._phrases["method"])
    reason_text = reason.detail if reason is not None else None
    if reason_text and "reason" in result._phrases:
        reason_text = words.rewrite(result._phrases["reason"])
    clauses = explanation_clauses(
        rule,
        result.unit,
        latest_value=value("latest"),
        latest_period=period("latest"),
        baseline_value=value("baseline"),
        baseline_period=period("baseline"),
        side_value=value("side"),
        target=value("target"),
        deadline=result.deadline,
        implicit=[
            (s.period, float(s.value or 0))
            for s in result.steps
            if s.detail and s.detail.startswith("bare ")
        ],
        windows=[
            words.rewrite(result._phrases.get(f"window:{s.label}", s.detail)) if s.detail else None
            for s in result.steps
            if s.kind == "window"
        ],
        method_reason=method_reason,
        projected_side=value("projected_side") if method_reason else None,
        reason=reason_text,
        formats=words,
    )
    return sentence(*clauses, verdict=words.gettext(result.verdict.label))
