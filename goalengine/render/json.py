"""The report as JSON: exactly :meth:`goalengine.Report.to_json`, documented by the JSON
Schema in ``docs/report.schema.json`` (see :mod:`goalengine.render.schema`).

Strict JSON only: a number that is not finite has no JSON form (``Infinity`` is not JSON,
and strict parsers reject the whole document), so such a report is an error that names
the goal, never invalid output. Control, bidi and separator characters in strings are
written as ``\\u`` escapes -- the same string for a parser, nothing raw for a terminal.
"""

from __future__ import annotations

import json
import re

from ..errors import EvaluationError, Span
from ..models import Report
from .safe import UNPRINTABLE_IN_LINES

__all__ = ["escape_unprintable", "render_json", "strict_json"]


def _unicode_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


# A bare non-finite number as json.dumps (allow_nan) and pydantic spell it: a value of its
# own line, after a key or in an array -- never inside a string, which is quoted.
_BARE_NON_FINITE = re.compile(r'^[ ]*(?:"(?:[^"\\\n]|\\.)*": )?-?(?:Infinity|NaN),?$', re.MULTILINE)


def strict_json(text: str, goal: str | None = None, file: str | None = None) -> str:
    """Pretty-printed JSON ``text`` made safe to print: unprintable characters in strings
    as ``\\u`` escapes; a bare ``Infinity``/``NaN`` (not JSON) an error naming ``goal``.

    The one check every JSON writer of reports ends with (:func:`render_json` and the
    streamed report of :mod:`goalengine.engine.run`).
    """
    if ("Infinity" in text or "NaN" in text) and _BARE_NON_FINITE.search(text):
        raise _not_finite(goal, file)
    return escape_unprintable(text)


def escape_unprintable(text: str) -> str:
    """``text`` (JSON) with unprintable characters as ``\\u`` escapes, newlines kept.

    Character by character: the escaped pieces of a text, joined, are the escaped text (the
    streamed report checks a template's pieces once instead of every result's text).
    """
    if text.isascii() and "\x7f" not in text:
        return text  # JSON encoders escape C0 controls; nothing else unprintable is ASCII
    if UNPRINTABLE_IN_LINES.search(text):
        text = UNPRINTABLE_IN_LINES.sub(_unicode_escape, text)
    return text


def _not_finite(goal: str | None, file: str | None) -> EvaluationError:
    what = f"goal '{goal}' has" if goal is not None else "the report has"
    return EvaluationError(
        f"{what} a number that is not finite; JSON cannot hold it",
        Span(file=file),
        "a value beyond ±1.8e308 overflows a float: rescale the data (e.g. thousands)",
    )


def render_json(report: Report, *, include_series: bool = False) -> str:
    """``report.to_json()`` with two-space indents and a final newline; ``include_series``:
    each result with its ``series`` (the observations its chart draws).

    Raises :class:`~goalengine.errors.EvaluationError` at the first goal holding a number
    that is not finite (JSON cannot write it).
    """
    try:
        text = report.to_json(indent=2, include_series=include_series)
    except ValueError as error:  # allow_nan=False: a non-finite number
        raise _non_finite(report) from error
    return strict_json(text) + "\n"


def _non_finite(report: Report) -> EvaluationError:
    for result in report.results:
        try:
            json.dumps(result.model_dump(mode="json"), allow_nan=False)
        except ValueError:
            return _not_finite(result.goal, result.file)
    return _not_finite(None, None)
