"""One exception hierarchy, each error carrying where in the user's input it happened.

Every problem goalengine reports -- a typo in a rule, a bad CSV cell, an unknown key in a
rule file -- is a :class:`GoalEngineError` with a :class:`Span`, so the CLI can print
``path:line:col: error: message`` with a caret excerpt and a hint, and library users get
the same facts as data.
"""

from __future__ import annotations

import bisect
import difflib
import itertools
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal

from .limits import MAX_EXCERPT_CHARS, MAX_SUGGESTION_WORK, MAX_SUGGESTION_WORK_PER_RUN

__all__ = [
    "DataError",
    "Diagnostic",
    "EvaluationError",
    "GoalEngineError",
    "PeriodError",
    "RuleFileError",
    "RuleSyntaxError",
    "Severity",
    "Span",
    "UnknownNameError",
    "did_you_mean",
    "excerpt_window",
    "suggestion_budget",
]

Severity = Literal["error", "warning"]

EXCERPT_WINDOW = 2 * MAX_EXCERPT_CHARS
"""Characters of a source line shown under an error: a window around the caret (a rule
line may be megabytes long)."""
CUT = "…"


def excerpt_window(text: str, start: int, width: int) -> tuple[str, int, int]:
    """``text`` cut to at most :data:`EXCERPT_WINDOW` characters around ``text[start:start +
    width]``, with :data:`CUT` where it was cut; returns the text and the span's new start
    and width (the width is cut too if the span alone is wider than the window)."""
    if len(text) <= EXCERPT_WINDOW:
        return text, start, width
    width = min(width, EXCERPT_WINDOW // 2)
    left = min(max(start - (EXCERPT_WINDOW - width) // 2, 0), len(text) - EXCERPT_WINDOW)
    right = left + EXCERPT_WINDOW
    head = CUT if left > 0 else ""
    tail = CUT if right < len(text) else ""
    return head + text[left:right] + tail, start - left + len(head), width


@dataclass(frozen=True, slots=True)
class Span:
    """A place in the user's input: 1-based line and column, ``end_column`` exclusive."""

    file: str | None = None
    line: int | None = None
    column: int | None = None
    end_column: int | None = None
    source_line: str | None = None

    def shifted(self, line: int, column: int, source_line: str | None = None) -> Span:
        """Place a span measured inside a rule string at the rule's position in its file."""
        col = None if self.column is None else column + self.column - 1
        end = None if self.end_column is None else column + self.end_column - 1
        return replace(self, line=line, column=col, end_column=end, source_line=source_line)

    def with_file(self, file: str | None) -> Span:
        return replace(self, file=file)

    def location(self) -> str:
        parts = [self.file or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def excerpt(self) -> str:
        """The source line with a caret under the span, or '' where there is none."""
        if self.source_line is None or self.column is None:
            return ""
        line = self.source_line.rstrip("\n")
        # Show the line without its own (YAML) indentation, and move the caret with it.
        text = line.lstrip()
        start = max(self.column - 1 - (len(line) - len(text)), 0)
        width = max((self.end_column or self.column + 1) - self.column, 1)
        width = min(width, max(len(text) - start, 1))
        text, start, width = excerpt_window(text, start, width)
        # Keep tabs before the caret so it lands under the right character.
        pad = "".join(ch if ch == "\t" else " " for ch in text[:start])
        return f"    {text}\n    {pad}{'^' * width}"


class GoalEngineError(Exception):
    """Base of every error goalengine raises on bad input."""

    severity: Severity = "error"

    def __init__(self, message: str, span: Span | None = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.span = span if span is not None else Span()
        self.hint = hint

    def at(self, span: Span) -> GoalEngineError:
        """Return the same error placed at ``span`` (keeps the class)."""
        self.span = span
        return self

    def diagnostic(self) -> Diagnostic:
        return Diagnostic(self.severity, self.message, self.span, self.hint)

    def __str__(self) -> str:
        return self.diagnostic().format()


class RuleSyntaxError(GoalEngineError):
    """A rule expression that does not parse or uses something the language forbids."""


class UnknownNameError(GoalEngineError):
    """A metric, function or key that does not exist (with a did-you-mean hint)."""


class RuleFileError(GoalEngineError):
    """A rule file that is not valid YAML or does not match the rule-file format."""


class DataError(GoalEngineError):
    """A dataset that cannot be read: bad value, duplicate, unknown column."""


class PeriodError(GoalEngineError):
    """A period or date that cannot be read."""


class EvaluationError(GoalEngineError):
    """A rule that parsed but failed on the data (division by zero, missing value...)."""


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One message for the user; errors and warnings share this shape."""

    severity: Severity
    message: str
    span: Span
    hint: str | None = None

    def format(self, excerpt: bool = True) -> str:
        head = f"{self.span.location()}: {self.severity}: {self.message}"
        if self.hint:
            head += f" ({self.hint})"
        if excerpt and (text := self.span.excerpt()):
            head += "\n" + text
        return head


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A ``did you mean 'x'?`` hint for the closest of ``choices``, or None.

    The work is bounded: a hint that would compare more than :data:`MAX_SUGGESTION_WORK`
    characters (or more than is left of a :func:`suggestion_budget`) is left out, so a
    typo against 100,000 metric names costs nothing rather than seconds.
    """
    pool = choices if isinstance(choices, frozenset) else frozenset(choices)
    size = len(word)
    # difflib's ratio is 2*M/(a+b) with M at most the shorter length: it stays below the
    # 0.6 cutoff when the shorter is under 3/7 of the longer, so those need no comparison.
    lengths, names, before = _by_length(pool)
    first = bisect.bisect_left(lengths, -(-3 * size // 7))
    stop = bisect.bisect_right(lengths, 7 * size // 3)
    work = before[stop] - before[first] + size * (stop - first)
    left = _run_budget.get()
    if work > MAX_SUGGESTION_WORK or (left is not None and work > left[0]):
        return None
    if left is not None:
        left[0] -= work
    close = difflib.get_close_matches(word, sorted(names[first:stop]), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


@lru_cache(maxsize=8)
def _by_length(pool: frozenset[str]) -> tuple[list[int], list[str], list[int]]:
    """The names by length, their lengths, and the characters before each (a run asks
    about many unknown names against the same metrics: sorted once, not scanned each time)."""
    names = sorted(pool, key=len)
    lengths = [len(name) for name in names]
    return lengths, names, [0, *itertools.accumulate(lengths)]


_run_budget: ContextVar[list[int] | None] = ContextVar("suggestion_budget", default=None)


@contextmanager
def suggestion_budget(total: int = MAX_SUGGESTION_WORK_PER_RUN) -> Iterator[None]:
    """Share ``total`` characters of did-you-mean work among every hint given inside."""
    token = _run_budget.set([total])
    try:
        yield
    finally:
        _run_budget.reset(token)
