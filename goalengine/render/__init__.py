"""Renderers: a report in, text out. Only this package and the CLI know about rich.

Every renderer takes the same inputs -- a :class:`~goalengine.models.Report` and, per rule
file, a :class:`FileInfo` (title and the date its goals were judged at) -- so the table,
Markdown, JUnit and JSON views of one run always agree. User text (rule text, titles,
explanations) only ever reaches rich as :class:`rich.text.Text`, never as markup, so a rule
like ``apprentices[2010..2013]`` prints as written.

Output formats are registered by name (:func:`register_format`): a :class:`Renderer` takes
the report and a :class:`RenderContext` and returns text, or a rich renderable that the
command line prints styled on a terminal and as plain text elsewhere. ``goalengine check
--format NAME`` and the suffix of ``--output`` pick one (:func:`renderer_for`,
:func:`format_for_suffix`).
"""

from __future__ import annotations

import io
import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import groupby
from typing import IO, TYPE_CHECKING, Protocol

from ..errors import UnknownNameError, did_you_mean
from ..explain import TEXT_FORMATS, distinct_digits, exact_digits
from ..models import Report, Result, Verdict

if TYPE_CHECKING:
    from rich.console import RenderableType

    from ..i18n import Language

__all__ = [
    "STYLES",
    "SYMBOLS",
    "Counts",
    "FileInfo",
    "Format",
    "RenderContext",
    "Renderer",
    "Writer",
    "by_file",
    "count_head",
    "file_info",
    "file_infos",
    "format_for_suffix",
    "format_names",
    "latest_cell",
    "register_format",
    "renderer_for",
    "report_date",
    "summary_head",
    "summary_line",
    "summary_parts",
    "target_cell",
    "verdict_label",
    "writer_for",
]

#: One symbol per verdict, so verdicts survive without colour.
SYMBOLS = {
    "met": "✓",
    "on-track": "↗",
    "at-risk": "⚠",
    "missed": "✗",
    "unknown": "?",
    "error": "!",
}
STYLES = {
    "met": "bold green",
    "on-track": "green",
    "at-risk": "yellow",
    "missed": "bold red",
    "unknown": "dim",
    "error": "bold magenta",
}
_COMPARISON = {"≥", "≤", "=", ">", "<"}


@dataclass(frozen=True, slots=True)
class FileInfo:
    """What the renderers know about one rule file besides its results."""

    path: str
    title: str | None = None
    as_of: date | None = None
    source: str | None = None
    lang: str | None = None
    """The report language the file asks for (``lang:``), if any."""


def verdict_label(verdict: Verdict | str, lang: Language | None = None) -> str:
    """``↗ on track``: symbol and words, the same in every format (``↗ på rette spor``)."""
    value = Verdict(verdict)
    words = lang.gettext(value.label) if lang is not None else value.label
    return f"{SYMBOLS[value.value]} {words}"


def by_file(results: Iterable[Result]) -> Iterator[tuple[str, list[Result]]]:
    """Results grouped by rule file, in report order (goals without a file: ``goals``)."""
    for file, group in groupby(results, key=lambda r: r.file or "goals"):
        yield file, list(group)


@dataclass
class Counts:
    """What a report's summary line and date come from, counted as results go past (a
    streamed report holds none of them)."""

    summary: dict[str, int] = field(default_factory=lambda: {v.value: 0 for v in Verdict})
    goals: set[tuple[str | None, str]] = field(default_factory=set)
    dates: set[date | None] = field(default_factory=set)

    @classmethod
    def of(cls, results: Iterable[Result]) -> Counts:
        counts = cls()
        for result in results:
            counts.add(result)
        return counts

    def add(self, result: Result) -> None:
        self.summary[result.verdict.value] += 1
        self.goals.add((result.file, result.goal))
        self.dates.add(result.as_of)

    @property
    def results(self) -> int:
        return sum(self.summary.values())

    def day(self, as_of: date) -> date | None:
        """The one date every result was judged on (``as_of`` for a result without one,
        and for no results), or None if the files differ."""
        dates = {d or as_of for d in self.dates}
        return dates.pop() if len(dates) == 1 else (as_of if not dates else None)

    def line(self, lang: Language | None = None) -> str:
        """``34 goals: 12 met, 9 on track, 6 at risk, 5 missed, 2 unknown``."""
        parts = [
            f"{n} {lang.gettext(Verdict(v).label) if lang else v.replace('-', ' ')}"
            for v, n in self.summary.items()
            if n
        ]
        head = count_head(len(self.goals), self.results, lang)
        return f"{head}: " + ", ".join(parts) if parts else head


def summary_parts(report: Report) -> list[tuple[str, int]]:
    """``[("on-track", 9), ("missed", 5)]``: the verdicts that occur, best first."""
    return [(verdict, count) for verdict, count in report.summary.items() if count]


def summary_line(report: Report, lang: Language | None = None) -> str:
    """``34 goals: 12 met, 9 on track, 6 at risk, 5 missed, 2 unknown``.

    With per-entity goals the verdicts count results: ``49 goals, 53 results: ...``.
    """
    return Counts.of(report.results).line(lang)


def summary_head(report: Report, lang: Language | None = None) -> str:
    """``34 goals``, or ``49 goals, 53 results`` when goals are judged per entity."""
    counts = Counts.of(report.results)
    return count_head(len(counts.goals), counts.results, lang)


def count_head(goals: int, total: int, lang: Language | None = None) -> str:
    """:func:`summary_head` from counts (a streamed report holds no results)."""
    if lang is not None:
        head = lang.ngettext("%(n)d goal", "%(n)d goals", goals) % {"n": goals}
        if goals == total:
            return head
        return head + ", " + lang.ngettext("%(n)d result", "%(n)d results", total) % {"n": total}
    noun = "goal" if goals == 1 else "goals"
    return f"{goals} {noun}" if goals == total else f"{goals} {noun}, {total} results"


def _digits(result: Result) -> int | None:
    """Enough decimals that a latest value and a target that differ also print differently."""
    if result.latest is None or result.target is None:
        return None
    return distinct_digits(result.latest, result.target)


def latest_cell(result: Result, lang: Language | None = None) -> tuple[str, str]:
    """The latest value and its period, e.g. ``("59.9 %", "2008-08")`` (empty if none)."""
    if result.latest is None:
        return "", ""
    period = str(result.latest_period) if result.latest_period is not None else ""
    formats = lang or TEXT_FORMATS
    digits = exact_digits(result.latest, _digits(result))
    return formats.value(result.latest, result.unit, digits), period


def target_cell(result: Result, lang: Language | None = None) -> tuple[str, str]:
    """The target with its direction and deadline, e.g. ``("≥ 64.4 %", "by 2010")``."""
    if result.target is None:
        return "", ""
    step = result.explained.find("target")
    symbol = step.detail if step is not None and step.detail in _COMPARISON else None
    formats = lang or TEXT_FORMATS
    value = formats.value(result.target, result.unit, exact_digits(result.target, _digits(result)))
    deadline = ""
    if result.deadline is not None:
        deadline = formats.phrase("by {deadline}", deadline=result.deadline)
    return (f"{symbol} {value}" if symbol else value), deadline


def file_infos(infos: Iterable[FileInfo] | Mapping[str, FileInfo] | None) -> Mapping[str, FileInfo]:
    if isinstance(infos, Mapping):
        return infos
    return {info.path: info for info in infos or ()}


def file_info(infos: Mapping[str, FileInfo], file: str, results: Sequence[Result]) -> FileInfo:
    """What is known about ``file``; its date from the results where not given."""
    info = infos.get(file) or FileInfo(file)
    if info.as_of is None and results and results[0].as_of is not None:
        info = replace(info, as_of=results[0].as_of)
    return info


def report_date(report: Report) -> date | None:
    """The one date every result was judged on, or None if the files differ."""
    return Counts.of(report.results).day(report.as_of)


# -- output formats -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RenderContext:
    """What a renderer knows besides the report."""

    files: Mapping[str, FileInfo] = field(default_factory=dict)
    """Title and report date per rule file (see :func:`file_info`)."""
    show: Collection[Verdict] | None = None
    """Only results with these verdicts (``--quiet``); None: all."""
    failing: Collection[Verdict] = frozenset({Verdict.MISSED})
    """The verdicts that fail the run (``--fail-on``)."""
    verbose: bool = False
    lang: str | None = None
    """The report language (``da``/``en``) for formats that translate; None: the files'
    ``lang:``, then the locale."""
    include_series: bool = False
    """JSON: each result with the observations behind it (``--include-series``)."""


class Renderer(Protocol):
    """A report and its context in; text (or a rich renderable) out. Prints nothing."""

    def __call__(self, report: Report, context: RenderContext, /) -> str | RenderableType: ...


class Writer(Protocol):
    """Results as they are judged in (``as_of``: the report's date), text out to ``stream``,
    holding none of them: how ``goalengine check`` writes a format whose size grows with
    the results (a million entities), where a :class:`Renderer` needs the whole report."""

    def __call__(
        self, results: Iterable[Result], as_of: date, context: RenderContext, stream: IO[str], /
    ) -> None: ...


@dataclass(frozen=True, slots=True)
class Format:
    """A registered output format: its name, its renderer, the file suffixes it owns, and
    the writer that streams it (None: rendered from the whole report)."""

    name: str
    renderer: Renderer
    suffixes: tuple[str, ...] = ()
    writer: Writer | None = None


_NAME = re.compile(r"[a-z][a-z0-9-]*\Z")
_SUFFIX = re.compile(r"\.[a-z0-9][a-z0-9.-]*\Z")
_formats: dict[str, Format] = {}


def register_format(
    name: str,
    renderer: Renderer | None = None,
    *,
    suffixes: Iterable[str] = (),
    replace: bool = False,
    writer: Writer | None = None,
) -> Format:
    """Make ``renderer`` the output format ``name``, chosen for ``--output`` files ending in
    one of ``suffixes`` (``.html``). A name or suffix already taken is refused unless
    ``replace``: two formats never answer to one name or suffix. A format given a
    ``writer`` is streamed by ``goalengine check``; its renderer, if not given, is that
    writer's text."""
    if renderer is None and writer is not None:
        renderer = _text_of(writer)
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(f"format name {name!r}: lower-case letters, digits and '-'")
    if renderer is None or not callable(renderer):
        raise TypeError(f"renderer of format {name!r} is not callable: {renderer!r}")
    if writer is not None and not callable(writer):
        raise TypeError(f"writer of format {name!r} is not callable: {writer!r}")
    wanted = tuple(dict.fromkeys(s.lower() for s in suffixes))
    for suffix in wanted:
        if not _SUFFIX.match(suffix):
            raise ValueError(f"suffix {suffix!r} of format {name!r}: write it like '.html'")
    if not replace:
        if name in _formats:
            raise ValueError(f"format {name!r} is already registered")
        for suffix in wanted:
            if (owner := format_for_suffix(suffix)) is not None:
                raise ValueError(f"suffix {suffix!r} already belongs to format {owner!r}")
    for other in list(_formats.values()):  # replacing: the new format takes its suffixes
        kept = tuple(s for s in other.suffixes if s not in wanted)
        if other.name != name and kept != other.suffixes:
            _formats[other.name] = Format(other.name, other.renderer, kept, other.writer)
    entry = Format(name, renderer, wanted, writer)
    _formats[name] = entry
    return entry


def format_names() -> tuple[str, ...]:
    """The registered format names, in registration order (built-in ones first)."""
    return tuple(_formats)


def renderer_for(name: str) -> Renderer:
    """The renderer of format ``name``; :class:`~goalengine.errors.UnknownNameError` else."""
    entry = _formats.get(name)
    if entry is None:
        raise UnknownNameError(
            f"unknown format '{name}'",
            hint=did_you_mean(name, _formats) or f"choose one of {', '.join(_formats)}",
        )
    return entry.renderer


def writer_for(name: str) -> Writer | None:
    """The writer of format ``name`` (None: it renders the whole report); see
    :func:`renderer_for` for an unknown name."""
    renderer_for(name)
    return _formats[name].writer


def _text_of(writer: Writer) -> Renderer:
    """A renderer that returns what ``writer`` writes: one way to write the format."""

    def render(report: Report, context: RenderContext) -> str:
        out = io.StringIO()
        writer(report.results, report.as_of, context, out)
        return out.getvalue()

    return render


def format_for_suffix(suffix: str) -> str | None:
    """The format that owns a file suffix (``".md"`` -> ``"markdown"``; any case), or None."""
    wanted = suffix.lower()
    return next((f.name for f in _formats.values() if wanted in f.suffixes), None)


# The built-in formats import their modules (and rich) only when they render.


def _in_language(report: Report, context: RenderContext) -> tuple[Report, Language | None]:
    """The report in ``--lang`` for the formats that stay English without it (table, JSON,
    JUnit): its explanations rewritten, and the language for its labels."""
    if context.lang is None:
        return report, None
    from ..i18n import in_language, language

    return in_language(report, context.lang), language(context.lang)


def _table(report: Report, context: RenderContext) -> RenderableType:
    from .table import render_table

    report, words = _in_language(report, context)
    return render_table(
        report, context.files, show=context.show, verbose=context.verbose, lang=words
    )


def _json(report: Report, context: RenderContext) -> str:
    from .json import render_json

    report, _words = _in_language(report, context)
    return render_json(report, include_series=context.include_series)


def _markdown(
    results: Iterable[Result], as_of: date, context: RenderContext, stream: IO[str]
) -> None:
    from .markdown import write_markdown

    write_markdown(results, as_of, stream, context.files, show=context.show, lang=context.lang)


def _junit(results: Iterable[Result], as_of: date, context: RenderContext, stream: IO[str]) -> None:
    from .junit import write_junit

    words = None
    if context.lang is not None:  # explanations rewritten in --lang, one result at a time
        from ..i18n import language, result_in

        words = language(context.lang)
        code = words.code
        results = (result_in(r, code) for r in results)
    write_junit(results, as_of, stream, context.files, failing=context.failing, lang=words)


def _html(report: Report, context: RenderContext) -> str:
    from .html import render_html

    return render_html(report, context.files, lang=context.lang)


register_format("table", _table)
register_format("json", _json, suffixes=(".json",))
register_format("markdown", suffixes=(".md", ".markdown"), writer=_markdown)
register_format("junit", suffixes=(".xml",), writer=_junit)
register_format("html", _html, suffixes=(".html", ".htm"))
