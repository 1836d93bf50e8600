"""The report for a terminal: one table per rule file and a one-line summary.

Each goal is one row: the verdict (colour *and* symbol), then its id, latest value and
target on one line, the rule text on its own dim line and the explanation below, both
using the full width of the table. Columns line up across the rows of a file, and nothing
is cut: at 80 columns long ids fold and values wrap before the explanation is squeezed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from ..models import Report, Result, Verdict
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

__all__ = ["FileTable", "render_table", "summary_text", "verdict_text"]

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


def _goal_name(result: Result) -> str:
    name = f"{result.goal} ({result.entity})" if result.entity else result.goal
    return printable(name)


class FileTable:
    """One rule file's results as a table (a rich renderable that adapts to the width)."""

    def __init__(
        self,
        info: FileInfo,
        results: Iterable[Result],
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
        cells = [
            (_goal_name(r), _pair(*latest_cell(r, lang)), _pair(*target_cell(r, lang)))
            for r in self.results
        ]
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
        self, result: Result, widths: tuple[int, int, int], name: str, latest: Text, target: Text
    ) -> RenderableType:
        grid = _grid(widths)
        grid.add_row(Text(name, style="bold", overflow="fold"), latest, target)
        parts: list[RenderableType] = [grid]
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
    for file, results in by_file(report.results):
        shown = [r for r in results if show is None or r.verdict in show]
        if not shown:
            continue
        yield FileTable(file_info(infos, file, results), shown, verbose=verbose, lang=lang)
        for rolled in report.rollups():
            if (rolled.file or "goals") == file:
                yield Text.assemble((f"{printable(rolled.goal)}: ", "bold"), printable(rolled.text))
        yield Text("")
    yield summary_text(report, lang)
