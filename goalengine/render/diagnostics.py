"""Diagnostics for people: ``path:line:col: severity: message (hint)`` and a caret excerpt.

The head line is :meth:`goalengine.errors.Diagnostic.format`'s (problems of the command
line itself, which have no file, are located at ``goalengine``). The excerpt shows the
source line without its own indentation, indented by four spaces, with carets under the
span::

    rules/integration.yaml:12:19: error: unknown metric 'employment_rte' (did you mean ...)
        rule: employment_rte >= baseline + 10pp by 2010
              ^^^^^^^^^^^^^^

On a terminal the same characters are styled.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import Diagnostic, Span
from ..models import Result

if TYPE_CHECKING:
    from rich.text import Text

__all__ = ["diagnostic_text", "excerpt", "format_diagnostic", "result_diagnostic", "unique"]

_PROGRAM = "goalengine"
_QUOTED = re.compile(r"'([^']+)'")


def _location(diagnostic: Diagnostic) -> str:
    span = diagnostic.span
    return span.location() if span.file is not None else _PROGRAM


def excerpt(span: Span) -> str:
    """The source line (dedented, indented by four) with carets under ``span``, or ''."""
    if span.source_line is None or span.column is None:
        return ""
    text = span.source_line.rstrip("\r\n")
    start = max(span.column - 1, 0)
    cut = min(len(text) - len(text.lstrip()), start)
    body, start = text[cut:], start - cut
    width = max((span.end_column or span.column + 1) - span.column, 1)
    width = min(width, max(len(body) - start, 1))
    # Keep tabs before the span so the caret lands under the right character.
    pad = "".join(ch if ch == "\t" else " " for ch in body[:start])
    return f"    {body}\n    {pad}{'^' * width}"


def _head(diagnostic: Diagnostic) -> str:
    text = f"{_location(diagnostic)}: {diagnostic.severity}: {diagnostic.message}"
    return text + (f" ({diagnostic.hint})" if diagnostic.hint else "")


def format_diagnostic(diagnostic: Diagnostic) -> str:
    """The plain text of ``diagnostic``: location, severity, message, hint, excerpt."""
    shown = excerpt(diagnostic.span)
    return _head(diagnostic) + (f"\n{shown}" if shown else "")


def diagnostic_text(diagnostic: Diagnostic) -> Text:
    """``diagnostic`` as styled text; ``.plain`` equals :func:`format_diagnostic`."""
    from rich.text import Text

    severity_style = "bold red" if diagnostic.severity == "error" else "bold yellow"
    text = Text()
    text.append(_location(diagnostic), style="bold")
    text.append(": ")
    text.append(diagnostic.severity, style=severity_style)
    text.append(": ")
    text.append(diagnostic.message, style="bold")
    if diagnostic.hint:
        text.append(" (")
        text.append(diagnostic.hint, style="cyan")
        text.append(")")
    shown = excerpt(diagnostic.span)
    if shown:
        source, caret = shown.split("\n", 1)
        text.append("\n" + source + "\n")
        text.append(caret, style=severity_style)
    return text


def unique(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """``diagnostics`` without repeats (one broken data file fails every goal of a file)."""
    seen: set[tuple[object, ...]] = set()
    kept = []
    for diagnostic in diagnostics:
        span = diagnostic.span
        key = (span.file, span.line, span.column, diagnostic.severity, diagnostic.message)
        if key not in seen:
            seen.add(key)
            kept.append(diagnostic)
    return kept


def result_diagnostic(result: Result) -> Diagnostic | None:
    """The error of a result in ``error`` as a diagnostic, with the source line re-read so
    the caret excerpt shows (under the quoted name of the message where it stands there)."""
    error = result.error
    if error is None:
        return None
    line = _source_line(error.file, error.line) if error.file and error.line else None
    end = None
    if line is not None and error.column is not None:
        start = error.column - 1
        for word in _QUOTED.findall(error.message):
            if line[start : start + len(word)] == word:
                end = error.column + len(word)
                break
    span = Span(error.file or result.file, error.line, error.column, end, line)
    return Diagnostic("error", error.message, span, error.hint)


def _source_line(file: str, line: int) -> str | None:
    lines = _read_lines(file)
    return lines[line - 1] if 0 < line <= len(lines) else None


@lru_cache(maxsize=64)
def _read_lines(file: str) -> tuple[str, ...]:
    try:
        return tuple(Path(file).read_text(encoding="utf-8-sig").splitlines())
    except (OSError, UnicodeDecodeError):
        return ()
