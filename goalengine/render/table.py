"""The report as rich tables, one per rule file, with a one-line summary."""

from __future__ import annotations

from itertools import groupby

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from ..explain import format_value
from ..models import Report, Result
from . import STYLES, SYMBOLS

__all__ = ["render_table", "summary_line", "verdict_text"]


def verdict_text(verdict: str) -> Text:
    return Text(f"{SYMBOLS[verdict]} {verdict.replace('-', ' ')}", style=STYLES[verdict])


def summary_line(report: Report) -> str:
    """'34 goals: 12 met, 9 on track, ...' (only verdicts that occur)."""
    counts = report.summary
    total = len(report.results)
    parts = [f"{n} {v.replace('-', ' ')}" for v, n in counts.items() if n]
    noun = "goal" if total == 1 else "goals"
    return f"{total} {noun}: " + ", ".join(parts) if parts else f"{total} {noun}"


def _number(result: Result, value: float | None, period: object = None) -> Text:
    if value is None:
        return Text("")
    text = format_value(value, result.unit)
    return Text(f"{text} ({period})" if period else text)


def render_table(report: Report) -> RenderableType:
    """Rich renderables for ``report``; print them with any console."""
    parts: list[RenderableType] = []
    for file, results in groupby(report.results, key=lambda r: r.file):
        table = Table(
            title=Text(file or "goals", style="bold"),
            title_justify="left",
            show_lines=False,
            expand=False,
        )
        table.add_column("goal", overflow="fold", no_wrap=False, min_width=8)
        table.add_column("verdict", no_wrap=True)
        table.add_column("latest", justify="right", no_wrap=True)
        table.add_column("target", justify="right", no_wrap=True)
        table.add_column("explanation", overflow="fold", ratio=1)
        for result in results:
            goal = Text(result.goal, style="bold")
            goal.append("\n")
            goal.append(Text(result.rule, style="dim"))
            table.add_row(
                goal,
                verdict_text(result.verdict.value),
                _number(result, result.latest, result.latest_period),
                _number(result, result.target),
                Text(result.explanation),
            )
        parts.append(table)
    parts.append(Text(summary_line(report), style="bold"))
    return Group(*parts)


def print_table(report: Report, console: Console) -> None:
    console.print(render_table(report))
