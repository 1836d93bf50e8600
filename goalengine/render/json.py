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

__all__ = ["render_json"]


def _unicode_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def render_json(report: Report) -> str:
    """``report.to_json()`` with two-space indents and a final newline.

    Raises :class:`~goalengine.errors.EvaluationError` at the first goal holding a number
    that is not finite (JSON cannot write it).
    """
    try:
        text = report.to_json(indent=2)
    except ValueError as error:  # allow_nan=False: a non-finite number
        raise _non_finite(report) from error
    # json.dumps escapes C0 but newline itself (its newlines are indentation); whatever
    # else matches can only stand inside strings.
    return UNPRINTABLE_IN_LINES.sub(_unicode_escape, text) + "\n"


def _non_finite(report: Report) -> EvaluationError:
    for result in report.results:
        try:
            json.dumps(result.model_dump(mode="json"), allow_nan=False)
        except ValueError:
            return EvaluationError(
                f"goal '{result.goal}' has a number that is not finite; JSON cannot hold it",
                Span(file=result.file),
                "a value beyond ±1.8e308 overflows a float: rescale the data (e.g. thousands)",
            )
    return EvaluationError(
        "the report has a number that is not finite; JSON cannot hold it", Span()
    )
