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

import os
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from ..data.files import read_data_bytes
from ..errors import Diagnostic, GoalEngineError, Span, excerpt_window
from ..limits import MAX_RULE_FILE_BYTES, Limits
from ..models import Result
from .safe import printable

if TYPE_CHECKING:
    from rich.text import Text

__all__ = [
    "diagnostic_text",
    "excerpt",
    "format_diagnostic",
    "result_diagnostic",
    "source_line",
    "unique",
]

_PROGRAM = "goalengine"
_QUOTED = re.compile(r"'([^']+)'")
_EXCERPT_SOURCE = Limits(data_file_bytes=MAX_RULE_FILE_BYTES)


def _location(diagnostic: Diagnostic) -> str:
    span = diagnostic.span
    return printable(span.location()) if span.file is not None else _PROGRAM


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
    body, start, width = excerpt_window(body, start, width)
    # Escapes (a data line may hold anything) widen the text, so measure the escaped parts.
    before, under = printable(body[:start]), printable(body[start : start + width])
    # Keep tabs before the span so the caret lands under the right character.
    pad = "".join(ch if ch == "\t" else " " for ch in before)
    return f"    {printable(body)}\n    {pad}{'^' * max(len(under), 1)}"


def _head(diagnostic: Diagnostic) -> str:
    text = f"{_location(diagnostic)}: {diagnostic.severity}: {printable(diagnostic.message)}"
    return text + (f" ({printable(diagnostic.hint)})" if diagnostic.hint else "")


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
    text.append(printable(diagnostic.message), style="bold")
    if diagnostic.hint:
        text.append(" (")
        text.append(printable(diagnostic.hint), style="cyan")
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
    line = source_line(error.file, error.line) if error.file and error.line else None
    end = None
    if line is not None and error.column is not None:
        start = error.column - 1
        for word in _QUOTED.findall(error.message):
            if line[start : start + len(word)] == word:
                end = error.column + len(word)
                break
    span = Span(error.file or result.file, error.line, error.column, end, line)
    return Diagnostic("error", error.message, span, error.hint)


def source_line(file: str, line: int) -> str | None:
    """Line ``line`` of rule file ``file`` as it is now (None: unreadable, or no such line)."""
    try:
        info = os.stat(file)
    except OSError:
        return None
    # Keyed by what the file is now: a relative name means another file after a chdir, and
    # a file may change between two runs in one process (the API, pytest).
    lines = _read_lines(os.path.realpath(file), info.st_mtime_ns, info.st_size)
    return lines[line - 1] if 0 < line <= len(lines) else None


@lru_cache(maxsize=64)
def _read_lines(path: str, mtime_ns: int, size: int) -> tuple[str, ...]:
    """The lines of ``path`` if it is a regular file of at most a rule file's size limit
    (an excerpt is not worth reading gigabytes, and a FIFO would never answer)."""
    try:
        raw = read_data_bytes(path, limits=_EXCERPT_SOURCE)
        return tuple(raw.decode("utf-8-sig").splitlines())
    except (GoalEngineError, UnicodeDecodeError):
        return ()
