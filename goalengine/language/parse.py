"""Parse a rule's text into a Python expression tree and its time clause.

The goal language is Python's expression syntax plus four notations Python lacks:
``10pp`` and ``50%`` units, periods in brackets (``x[2010-H1]``, ``x[2010..2013]``,
``x[*]``) and a trailing time clause (``by 2010``, ``throughout 2008..2010``). A small
lexer rewrites those into plain Python (``_pp(10)``, ``x["2010-H1"]``, ``x["2010":"2013"]``)
while keeping a map back to the user's columns; :func:`ast.parse` in eval mode does the
rest, and every node's ``col_offset`` is moved back onto the original text, so errors
point at what the user wrote. What may appear in the tree is decided by ``check.py``.
"""

from __future__ import annotations

import ast
import re
import unicodedata
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

from ..errors import PeriodError, RuleSyntaxError, Span
from ..limits import MAX_WINDOW_PERIODS, MAX_WINDOW_PERIODS_PER_RULE
from ..periods import PERIOD_TEXT, Period
from .events import POINT, resolve_point

__all__ = ["MAX_DEPTH", "MAX_RULE_LENGTH", "ParsedText", "TimeClause", "parse_text"]

MAX_RULE_LENGTH = 2000
MAX_DEPTH = 24

_PERIOD = PERIOD_TEXT  # every period code goalengine reads (goalengine.periods)
_TOKEN = re.compile(
    rf"""
    (?P<space>\s+)
  | (?P<number>(?:\d+(?:\.(?!\.)\d*)?|\.\d+)(?:[eE][+-]?\d+)?)(?P<unit>pp(?!\w)|\s*%)?
  | (?P<name>[^\W\d]\w*)
  | (?P<range>\.\.)
  | (?P<op>\*\*|//|>=|<=|==|!=|[-+*/<>(),@.=])
  | (?P<open>\[)(?P<inside>\s*(?:{_PERIOD}(?:\s*\.\.\s*{_PERIOD})?|\*)\s*)(?P<close>\])
  | (?P<bracket>[\[\]])
  | (?P<string>["'])
    """,
    re.VERBOSE,
)
_TIME = re.compile(
    rf"""\s*(?:
        (?P<by>by)\s+(?P<deadline>{POINT})
      | (?P<throughout>throughout)\s+(?P<first>{POINT})\s*\.\.\s*(?P<last>{POINT})
    )\s*$""",
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class TimeClause:
    """``by 2010`` (a deadline) or ``throughout 2008..2010`` (must hold in every period)."""

    kind: Literal["by", "throughout"]
    end: Period
    start: Period | None = None
    column: int = 0
    relative: bool = False
    """Written with an event or an offset (``by etool_launch + 6 months``)."""

    def __str__(self) -> str:
        if self.kind == "by":
            return f"by {self.end}"
        return f"throughout {self.start}..{self.end}"


@dataclass(frozen=True, slots=True)
class ParsedText:
    """The expression tree (columns are 0-based offsets into ``text``) and the time clause."""

    text: str
    tree: ast.expr
    time: TimeClause | None
    trend: int = 0
    """+1 for ``x rises``, -1 for ``x falls``: a direction-only goal; 0 otherwise."""


_SINCE = re.compile(rf"\s+since\s+(?P<period>{_PERIOD})(?![\w-])")
_TREND_WORDS = {"rises": 1, "falls": -1}


def span_of(text: str, start: int, end: int | None = None) -> Span:
    """A span inside a one-line rule, from 0-based offsets."""
    stop = start + 1 if end is None or end <= start else end
    return Span(line=1, column=start + 1, end_column=stop + 1, source_line=text)


class _Rewriter:
    """Builds the Python text piece by piece, remembering where each piece came from."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.out: list[str] = []
        self.origin: list[int] = []  # for every output character, its column in ``text``
        self.window_months = 0  # months spanned by the rule's windows so far

    def emit(self, piece: str, column: int) -> None:
        self.out.append(piece)
        self.origin.extend([column] * len(piece))

    def copy(self, start: int, end: int) -> None:
        self.out.append(self.text[start:end])
        self.origin.extend(range(start, end))

    def result(self) -> str:
        return "".join(self.out)


def parse_text(text: str, events: Mapping[str, date] | None = None) -> ParsedText:
    """Parse one rule. Raises :class:`RuleSyntaxError` pointing at the offending column.

    ``events`` are the named days its time clause may use (the rule file's ``events:``)."""
    if "\n" in text.strip():
        raise RuleSyntaxError("a rule is one line", span_of(text, text.index("\n")))
    if len(text) > MAX_RULE_LENGTH:
        raise RuleSyntaxError(
            f"rule is {len(text)} characters long; the limit is {MAX_RULE_LENGTH}",
            span_of(text, MAX_RULE_LENGTH),
            hint="split it into several goals",
        )
    rewriter = _Rewriter(text)
    time: TimeClause | None = None
    trend = 0
    depth = 0
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise _percent_after_name(text, position) or RuleSyntaxError(
                f"unexpected character {text[position]!r}", span_of(text, position)
            )
        if (mistake := _common_mistake(text, match, depth)) is not None:
            raise mistake
        kind = match.lastgroup if match.lastgroup != "unit" else "number"
        start, end = match.span()
        if match["number"] is not None:
            kind = "number"
        if kind == "space":
            rewriter.copy(start, end)
        elif kind == "number":
            _number(rewriter, match)
        elif kind == "name" and depth == 0 and match["name"] in ("by", "throughout"):
            time = _time_clause(text, start, events or {})
            break
        elif kind == "name" and depth == 0 and match["name"] in _TREND_WORDS and not trend:
            trend = _TREND_WORDS[match["name"]]
            position = _direction_only(rewriter, match)
            continue
        elif kind == "name":
            name = match["name"]
            if unicodedata.normalize("NFKC", name) != name:
                # Python would silently read 'ℌ' as 'H': a different metric than written.
                raise RuleSyntaxError(
                    f"'{name}' is not a plain name",
                    span_of(text, start, end),
                    hint=f"write '{unicodedata.normalize('NFKC', name)}'",
                )
            rewriter.copy(start, end)
        elif kind == "op":
            depth += {"(": 1, ")": -1}.get(match["op"], 0)
            if depth > MAX_DEPTH:
                raise RuleSyntaxError(
                    f"brackets nested more than {MAX_DEPTH} deep", span_of(text, start)
                )
            rewriter.copy(start, end)
        elif kind == "close":
            _period_subscript(rewriter, match)
        elif kind == "bracket":
            raise RuleSyntaxError(
                "expected a period in brackets",
                span_of(text, start, end),
                hint="write x[2010], x[2010-H1], x[2010..2013] or x[*]",
            )
        elif kind == "range":
            raise RuleSyntaxError(
                "'..' is only allowed inside brackets or after 'throughout'",
                span_of(text, start, end),
                hint="write sum(x[2010..2013])",
            )
        else:
            raise RuleSyntaxError(
                "text in quotes is not part of the goal language", span_of(text, start)
            )
        position = end
    source = rewriter.result()
    if not source.strip():
        raise RuleSyntaxError(
            "the rule has no expression", span_of(text, 0), hint="e.g. x >= 10 by 2012"
        )
    tree = _python_parse(text, source, rewriter.origin)
    return ParsedText(text=text, tree=tree, time=time, trend=trend)


def _direction_only(rewriter: _Rewriter, match: re.Match[str]) -> int:
    """``x rises [since P]`` is written as ``x > baseline`` (``x > x[P]``): the comparison
    with the start that decides a passed deadline. Returns where parsing goes on."""
    text, start, end = rewriter.text, match.start(), match.end()
    subject = rewriter.result().strip()
    if not subject.isidentifier():
        raise RuleSyntaxError(
            f"'{match['name']}' follows the name of a metric",
            span_of(text, start, end),
            hint=f"write e.g. employment_rate {match['name']} since 2007 by 2010",
        )
    rewriter.emit(" > " if match["name"] == "rises" else " < ", start)
    since = _SINCE.match(text, end)
    if since is None and re.match(r"\s+since(?!\w)", text[end:]):
        column = text.index("since", end)
        word = re.match(r"\s+since\s+(\S+)", text[end:])
        if word is not None and word[1][0].isdigit():
            at = text.index(word[1], column + 5)
            try:
                Period.parse(word[1])
            except PeriodError as error:
                where = span_of(text, at, at + len(word[1]))
                raise RuleSyntaxError(error.message, where, error.hint) from None
        raise RuleSyntaxError(
            "expected a period after 'since'",
            span_of(text, column, column + 5),
            hint=f"write {subject} {match['name']} since 2007",
        )
    if since is None:
        rewriter.emit("baseline", start)
        return end
    column = since.start("period")
    try:
        Period.parse(since["period"])
    except PeriodError as error:
        raise RuleSyntaxError(
            error.message, span_of(text, column, since.end("period")), error.hint
        ) from None
    rewriter.emit(f'{subject}["{since["period"]}"]', column)
    return since.end()


# -- hints for mistakes people make (only on the error path) --------------------------

_TIME_WORDS = ("in", "until", "before")
"""Words people write for a deadline where the language says ``by``."""
_AFTER_WORD = re.compile(rf"\s+({_PERIOD})(?!\w)")


def _common_mistake(text: str, match: re.Match[str], depth: int) -> RuleSyntaxError | None:
    """A decimal comma (``x <= 5,0``) or ``in 2030`` for ``by 2030``, as an error with the fix;
    None for anything else (the rest of the parser judges it)."""
    start, end = match.span()
    if match["op"] == "," and depth == 0:
        before = re.search(r"(\d+)$", text[:start])
        after = re.match(r"\d+", text[end:])
        if before and after:
            number = f"{before[1]},{after[0]}"
            return RuleSyntaxError(
                f"'{number}' has a decimal comma",
                span_of(text, before.start(1), end + after.end()),
                hint=f"write {before[1]}.{after[0]}",
            )
    if match["name"] in _TIME_WORDS and depth == 0:
        period = _AFTER_WORD.match(text, end)
        if period is not None:
            return RuleSyntaxError(
                f"'{match['name']} {period[1]}' is not a deadline",
                span_of(text, start, period.end()),
                hint=f"did you mean 'by {period[1]}'?",
            )
    return None


def _percent_after_name(text: str, position: int) -> RuleSyntaxError | None:
    """``x% >= 5``: a percent sign belongs to a number, not to a metric."""
    if text[position] != "%":
        return None
    name = re.search(r"([^\W\d]\w*)\s*$", text[:position])
    if name is None:
        return None
    return RuleSyntaxError(
        f"'%' after the metric '{name[1]}'",
        span_of(text, position),
        hint=f"the unit goes on the number, e.g. {name[1]} >= 5%",
    )


def _number(rewriter: _Rewriter, match: re.Match[str]) -> None:
    number_start, number_end = match.span("number")
    unit = (match["unit"] or "").strip()
    if not unit:
        rewriter.copy(number_start, number_end)
        return
    # _pp(10) / _pct(50) are markers resolved by check.py, never functions a user can call.
    rewriter.emit("_pp(" if unit == "pp" else "_pct(", number_start)
    rewriter.copy(number_start, number_end)
    rewriter.emit(")", match.end() - 1)


def _period_subscript(rewriter: _Rewriter, match: re.Match[str]) -> None:
    inside = match["inside"]
    start = match.start("inside")
    rewriter.emit("[", match.start())
    text = inside.strip()
    offset = start + inside.index(text[0]) if text else start
    if text == "*":
        rewriter.emit('"*"', offset)
    else:
        parts = [p.strip() for p in text.split("..")]
        periods = []
        for i, part in enumerate(parts):
            column = rewriter.text.index(part, offset)
            try:
                periods.append(Period.parse(part))
            except PeriodError as error:
                raise RuleSyntaxError(
                    error.message, span_of(rewriter.text, column, column + len(part)), error.hint
                ) from None
            if i:
                rewriter.emit(":", column)
            rewriter.emit(f'"{part}"', column)
            offset = column + len(part)
        if len(periods) == 2:
            where = span_of(rewriter.text, match.start(), match.end())
            rewriter.window_months += _window_months(periods[0], periods[1], where)
            if rewriter.window_months > MAX_WINDOW_PERIODS_PER_RULE:
                raise RuleSyntaxError(
                    f"the windows of this rule span more than "
                    f"{MAX_WINDOW_PERIODS_PER_RULE:,} months together",
                    where,
                    hint="use fewer or shorter windows",
                )
    rewriter.emit("]", match.end() - 1)


def _time_clause(text: str, start: int, events: Mapping[str, date]) -> TimeClause:
    match = _TIME.match(text, start)
    if match is None:
        return _bad_time_clause(text, start)

    def point(group: str) -> tuple[Period, bool]:
        return resolve_point(match[group], events, (text, match.start(group)))

    if match["by"]:
        deadline, relative = point("deadline")
        return TimeClause("by", deadline, column=start, relative=relative)
    (first, early), (last, late) = point("first"), point("last")
    _window_months(first, last, span_of(text, match.start("first"), match.end("last")))
    return TimeClause("throughout", last, first, column=start, relative=early or late)


def _window_months(first: Period, last: Period, where: Span) -> int:
    """The months a window spans; an error at ``where`` if it is reversed or too long.

    Evaluation walks a window period by period (to fill it from a trend, to name its gaps),
    so its length is the work it costs: bounded here, before anything runs.
    """
    if last < first:
        raise RuleSyntaxError(f"the window {first}..{last} ends before it starts", where)
    months = (last.end.year - first.start.year) * 12 + last.end.month - first.start.month + 1
    if months > MAX_WINDOW_PERIODS:
        raise RuleSyntaxError(
            f"the window {first}..{last} spans {months:,} months; the limit is "
            f"{MAX_WINDOW_PERIODS:,}",
            where,
            hint="shorten the window",
        )
    return months


def _bad_time_clause(text: str, start: int) -> TimeClause:
    keyword = "by" if text.startswith("by", start) else "throughout"
    after = start + len(keyword)
    rest = text[after:].strip()
    column = after + (len(text[after:]) - len(text[after:].lstrip()))
    example = "by 2010 or by 2010-H1" if keyword == "by" else "throughout 2008..2010"
    if not rest:
        message = f"'{keyword}' needs a period"
    else:
        word = rest.split()[0]
        message = f"expected a period after '{keyword}', found '{word}'"
        if keyword == "by" and re.fullmatch(_PERIOD, word):
            message = f"unexpected text after 'by {word}'"
            column += len(word)
            column += len(text[column:]) - len(text[column:].lstrip())
    raise RuleSyntaxError(message, span_of(text, column), hint=f"write {example}")


def _python_parse(text: str, source: str, origin: list[int]) -> ast.expr:
    try:
        with warnings.catch_warnings():
            # Python warns about '1and'; for a rule that is an error, and nothing may print.
            warnings.simplefilter("error")
            module = ast.parse(source, mode="eval")
    except SyntaxError as error:
        offset = (error.offset or 0) - 1
        at_end = offset < 0 or offset >= len(source.rstrip())
        column = len(text.rstrip()) if at_end else origin[offset]
        message = (error.msg or "invalid syntax").replace("invalid syntax. ", "")
        hint = None
        if message == "invalid syntax":
            message = "the rule ends too early" if at_end else "unexpected text"
        if not at_end and source[offset] == "=":
            hint = "compare with '==', '>=' or '<='"
        raise RuleSyntaxError(message, span_of(text, column), hint) from None
    except (RecursionError, MemoryError, ValueError):
        raise RuleSyntaxError(
            "rule is too complex", span_of(text, 0), hint="split it into several goals"
        ) from None
    encoded = source.encode()
    for node in ast.walk(module.body):
        if isinstance(node, ast.expr):
            start = _char_offset(source, node.col_offset, encoded=encoded)
            end = _char_offset(source, node.end_col_offset or node.col_offset, encoded=encoded)
            node.col_offset = origin[min(start, len(origin) - 1)]
            node.end_col_offset = origin[end - 1] + 1 if end > 0 else node.col_offset + 1
    return module.body


def _char_offset(
    source: str, offset: int, *, from_bytes: bool = True, encoded: bytes | None = None
) -> int:
    """ast reports UTF-8 byte offsets; our column map is in characters."""
    if not from_bytes or source.isascii():
        return offset
    data = encoded if encoded is not None else source.encode()
    return len(data[:offset].decode(errors="ignore"))
