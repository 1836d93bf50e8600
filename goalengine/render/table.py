"""The report for a terminal: one table per rule file and a one-line summary.

Each goal is one row: the verdict (colour *and* symbol), then its id, latest value and
target on one line, the rule text on its own dim line and the explanation below, both
using the full width of the table. Columns line up across the rows of a file, and nothing
is cut: at 80 columns long ids fold and values wrap before the explanation is squeezed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from typing import TYPE_CHECKING, Protocol

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from ..models import Report, Result, RollUp, Verdict
from . import (
    STYLES,
    FileInfo,
    by_file,
    file_info,
    file_infos,
    latest_cell,
    summary_head,
    target_cell,
    verdict_label,
)
from .safe import printable

if TYPE_CHECKING:
    from ..i18n import Language

__all__ = [
    "ENTITY_ROWS",
    "Collapsed",
    "FileTable",
    "counts_text",
    "render_table",
    "stream_tables",
    "summary_text",
    "verdict_text",
]

#: A per-entity goal with more results than this is one row of the table, its roll-up
#: ("612 of 1000 entities on track, 200 at risk, 188 missed"); ``--verbose`` lists them all.
ENTITY_ROWS = 20

_GAP = 2  # spaces between the goal, latest and target columns
_MIN_GOAL = 10
_MIN_VALUE = 8


def verdict_text(verdict: Verdict | str, lang: Language | None = None) -> Text:
    """``↗ on track`` in the verdict's colour (``↗ på rette spor`` in Danish)."""
    value = Verdict(verdict)
    return Text(verdict_label(value, lang), style=STYLES[value.value])


def summary_text(report: Report, lang: Language | None = None) -> Text:
    """The summary line with each count in its verdict's colour."""
    return counts_text(summary_head(report, lang), report.summary, lang)


def counts_text(head: str, summary: Mapping[str, int], lang: Language | None = None) -> Text:
    """:func:`summary_text` from ``summary_head`` and the verdict counts."""
    text = Text(head, style="bold")
    parts = [(verdict, count) for verdict, count in summary.items() if count]
    for index, (verdict, count) in enumerate(parts):
        text.append(": " if index == 0 else ", ")
        words = lang.gettext(Verdict(verdict).label) if lang else verdict.replace("-", " ")
        text.append(f"{count} {words}", style=STYLES[verdict])
    return text


def _pair(value: str, suffix: str) -> Text:
    text = Text(printable(value))
    if suffix:
        text.append(" ")
        suffix = printable(suffix)
        text.append(f"({suffix})" if not suffix.startswith("by ") else suffix, style="dim")
    return text


@dataclass(frozen=True, slots=True)
class Collapsed:
    """A per-entity goal with more than :data:`ENTITY_ROWS` results, as one row."""

    rule: str
    rolled: RollUp

    @property
    def verdict(self) -> Verdict:
        return self.rolled.worst or Verdict.UNKNOWN

    def shows(self, show: Collection[Verdict] | None) -> bool:
        return show is None or any(v in show for v, _ in self.rolled.counts)


Row = Result | Collapsed


def _goal_name(row: Row) -> str:
    if isinstance(row, Collapsed):
        return printable(f"{row.rolled.goal} ({row.rolled.total} {row.rolled.noun})")
    name = f"{row.goal} ({row.entity})" if row.entity else row.goal
    return printable(name)


def _cells(row: Row, lang: Language | None) -> tuple[str, Text, Text]:
    if isinstance(row, Collapsed):
        return _goal_name(row), Text(""), Text("")
    return _goal_name(row), _pair(*latest_cell(row, lang)), _pair(*target_cell(row, lang))


class FileTable:
    """One rule file's results as a table (a rich renderable that adapts to the width)."""

    def __init__(
        self,
        info: FileInfo,
        results: Iterable[Row],
        *,
        verbose: bool = False,
        lang: Language | None = None,
    ) -> None:
        self.info = info
        self.results = list(results)
        self.verbose = verbose
        self.lang = lang

    def title(self) -> Text:
        text = Text()
        text.append(printable(self.info.path), style="bold")
        if self.info.as_of is not None:
            as_of = self.lang.gettext("as of") if self.lang else "as of"
            text.append(f" · {as_of} {self.info.as_of.isoformat()}", style="dim")
        if self.info.title:
            text.append(" · ", style="dim")
            text.append(printable(self.info.title))
        return text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        lang = self.lang
        labels = [verdict_text(r.verdict, lang) for r in self.results]
        # The same for every file, so the tables of a report line up.
        verdict_width = max(cell_len(verdict_label(v, lang)) for v in Verdict)
        body_width = max(width - verdict_width - 3, 20)
        cells = [_cells(r, lang) for r in self.results]
        widths = _widths(cells, body_width - 2 * _GAP)

        table = Table(
            box=box.SIMPLE_HEAD,
            show_edge=False,
            pad_edge=False,
            padding=(0, 1),
            leading=1,
            header_style="bold",
            expand=False,
        )
        verdict_head = lang.gettext("Verdict") if lang is not None else "verdict"
        table.add_column(verdict_head, no_wrap=True, width=verdict_width)
        header = _grid(widths)
        heads = ("goal", "latest", "target")
        if lang is not None:
            heads = (lang.gettext("Goal"), lang.gettext("Latest"), lang.gettext("Target"))
        header.add_row(*(Text(h, style="bold") for h in heads))
        table.add_column(header, width=body_width)
        for result, label, (name, latest, target) in zip(self.results, labels, cells, strict=True):
            table.add_row(label, self.body(result, widths, name, latest, target))
        yield self.title()
        yield table

    def body(
        self, result: Row, widths: tuple[int, int, int], name: str, latest: Text, target: Text
    ) -> RenderableType:
        grid = _grid(widths)
        grid.add_row(Text(name, style="bold", overflow="fold"), latest, target)
        parts: list[RenderableType] = [grid]
        if isinstance(result, Collapsed):
            parts.append(Text(printable(result.rule, newlines=True), style="dim", overflow="fold"))
            parts.append(Text(printable(result.rolled.text), overflow="fold"))
            return Group(*parts)
        if self.verbose and result.title:
            parts.append(Text(printable(result.title), style="italic", overflow="fold"))
        parts.append(Text(printable(result.rule, newlines=True), style="dim", overflow="fold"))
        style = STYLES["error"] if result.verdict is Verdict.ERROR else ""
        parts.append(Text(printable(result.explanation), style=style, overflow="fold"))
        return Group(*parts)


def _grid(widths: tuple[int, int, int]) -> Table:
    grid = Table.grid(padding=(0, _GAP, 0, 0), pad_edge=False)
    for width in widths:
        grid.add_column(width=width, overflow="fold")
    return grid


def _widths(cells: list[tuple[str, Text, Text]], available: int) -> tuple[int, int, int]:
    """Widths of the goal, latest and target columns that fit ``available``: whole values
    where they fit, else values wrap before their period and long ids fold."""
    goal = max([cell_len("goal"), *(cell_len(c[0]) for c in cells)])
    latest = max([cell_len("latest"), *(cell_len(c[1].plain) for c in cells)])
    target = max([cell_len("target"), *(cell_len(c[2].plain) for c in cells)])
    short_latest = max([cell_len("latest"), *(_longest_part(c[1]) for c in cells)])
    short_target = max([cell_len("target"), *(_longest_part(c[2]) for c in cells)])
    # Wrap the target's deadline first, then the latest value's period, then fold ids.
    for latest_width, target_width in (
        (latest, target),
        (latest, short_target),
        (short_latest, short_target),
    ):
        if goal + latest_width + target_width <= available:
            return goal, latest_width, target_width
    if available - short_latest - short_target >= _MIN_GOAL:
        return available - short_latest - short_target, short_latest, short_target
    # Still too wide (long units, narrow terminal): fold the id into at most 40 % of the
    # space and wrap the values, word by word, in the rest.
    goal = min(goal, max(_MIN_GOAL, available * 2 // 5))
    rest = max(available - goal, 2 * _MIN_VALUE)
    latest = max(
        _MIN_VALUE, min(short_latest, rest * short_latest // (short_latest + short_target))
    )
    target = max(_MIN_VALUE, rest - latest)
    return goal, latest, target


def _longest_part(text: Text) -> int:
    """The width a value cell needs when its period goes on a line of its own."""
    plain = text.plain
    for marker in (" (", " by "):
        if marker in plain:
            head, _, tail = plain.partition(marker)
            return max(cell_len(head), cell_len(marker.strip() + tail))
    return cell_len(plain)


def render_table(
    report: Report,
    files: Iterable[FileInfo] | Mapping[str, FileInfo] | None = None,
    *,
    show: Collection[Verdict] | None = None,
    verbose: bool = False,
    lang: Language | None = None,
) -> RenderableType:
    """Rich renderables for ``report``: a table per file, then the summary line.

    ``show`` limits the rows to those verdicts (``--quiet``); the summary still counts all.
    ``lang``: verdicts, values and the summary in that language (the explanations are the
    report's own: see :func:`goalengine.i18n.in_language`).
    """
    return Group(*_parts(report, file_infos(files), show, verbose, lang))


def _parts(
    report: Report,
    infos: Mapping[str, FileInfo],
    show: Collection[Verdict] | None,
    verbose: bool,
    lang: Language | None = None,
) -> Iterator[RenderableType]:
    rollups = {(r.file or "goals", r.goal): r for r in report.rollups()}
    for file, results in by_file(report.results):
        rows: list[Row] = []
        for goal, group in groupby(results, key=lambda r: r.goal):
            found = rollups.get((file, goal))
            if found is not None and _collapses(found.total, verbose):
                rows.append(Collapsed(next(group).rule, found))
            else:
                rows.extend(group)
        rolled = [r for (f, _), r in rollups.items() if f == file and not _collapsed(rows, r)]
        yield from _file_parts(file_info(infos, file, results), rows, rolled, show, verbose, lang)
    yield summary_text(report, lang)


def _collapsed(rows: Sequence[Row], rolled: RollUp) -> bool:
    return any(isinstance(r, Collapsed) and r.rolled is rolled for r in rows)


def _shows(row: Row, show: Collection[Verdict] | None) -> bool:
    if isinstance(row, Collapsed):
        return row.shows(show)
    return show is None or row.verdict in show


def _collapses(results: int, verbose: bool) -> bool:
    """Whether a per-entity goal with this many results is one row (its roll-up)."""
    return results > ENTITY_ROWS and not verbose


def _file_parts(
    info: FileInfo,
    rows: list[Row],
    rolled: list[RollUp],
    show: Collection[Verdict] | None,
    verbose: bool,
    lang: Language | None,
) -> Iterator[RenderableType]:
    """One file's table, the roll-ups of its per-entity goals under it, a blank line."""
    shown = [r for r in rows if _shows(r, show)]
    if not shown:
        return
    yield FileTable(info, shown, verbose=verbose, lang=lang)
    for rollup in rolled:
        yield Text.assemble((f"{printable(rollup.goal)}: ", "bold"), printable(rollup.text))
    yield Text("")


class Tallied(Protocol):
    """A chunk of one goal's per-entity results counted without building them (see
    :class:`goalengine.engine.run.Rendered`)."""

    @property
    def key(self) -> tuple[str | None, str]: ...

    @property
    def rule(self) -> str: ...

    def tally(self) -> dict[Verdict, int]: ...

    def results(self) -> list[Result]: ...


@dataclass
class _Goal:
    """The results of one goal seen so far: kept while few, else only counted."""

    file: str
    goal: str
    rule: str
    kept: list[Result] = field(default_factory=list)
    tally: Counter[Verdict] = field(default_factory=Counter)
    per_entity: bool = False


def stream_tables(
    chunks: Iterable[list[Result] | Tallied],
    files: Iterable[FileInfo] | Mapping[str, FileInfo] | None = None,
    *,
    show: Collection[Verdict] | None = None,
    verbose: bool = False,
    lang: Language | None = None,
) -> Iterator[RenderableType]:
    """:func:`render_table`'s tables, file by file, from results as they are judged (the
    summary line, from the run's counts, is the caller's): a per-entity goal with more
    than :data:`ENTITY_ROWS` results is counted, never built (a :class:`Tallied` chunk
    is asked for its results only while its goal has few)."""
    from ..entities import rollup_counts

    infos = file_infos(files)
    rows: list[Row] = []
    rolled: list[RollUp] = []
    first: list[Result] = []
    current: _Goal | None = None
    file: str | None = None

    def close() -> None:
        if current is None:
            return
        if not current.per_entity:
            rows.extend(current.kept)
            return
        rollup = rollup_counts(None if current.file == "goals" else current.file, current.goal,
                               current.tally)  # fmt: skip
        if _collapses(rollup.total, verbose):
            rows.append(Collapsed(current.rule, rollup))
        else:
            rows.extend(current.kept)
            rolled.append(rollup)

    def parts() -> Iterator[RenderableType]:
        assert file is not None
        yield from _file_parts(file_info(infos, file, first), rows, rolled, show, verbose, lang)

    for chunk in chunks:
        pieces: list[tuple[tuple[str, str], str, bool, Tallied | list[Result]]] = []
        if isinstance(chunk, list):
            for (name, goal), group in groupby(chunk, key=lambda r: (r.file or "goals", r.goal)):
                kept = list(group)
                pieces.append(((name, goal), kept[0].rule, kept[0].entity is not None, kept))
        else:
            name, goal = chunk.key
            pieces.append(((name or "goals", goal), chunk.rule, True, chunk))
        for (name, goal), rule, per_entity, piece in pieces:
            if current is None or (current.file, current.goal) != (name, goal):
                close()
                if name != file:
                    if file is not None:
                        yield from parts()
                    file, rows, rolled, first = name, [], [], []
                current = _Goal(name, goal, rule, per_entity=per_entity)
            tally = (
                piece.tally() if not isinstance(piece, list) else Counter(r.verdict for r in piece)
            )
            seen = current.tally.total()
            current.tally.update(tally)
            if not per_entity or not _collapses(seen + sum(tally.values()), verbose):
                kept = piece if isinstance(piece, list) else piece.results()
                if lang is not None:  # the explanations in the table's language
                    from ..i18n import result_in

                    kept = [result_in(result, lang.code) for result in kept]
                current.kept.extend(kept)
                if not first and kept:
                    first = kept[:1]
            else:
                current.kept.clear()
    close()
    if file is not None:
        yield from parts()
