"""One goal in full, for ``goalengine explain``: every explanation step with its value and
period, the series as a small chart (with the target and the projection on the same
scale), the projection and the verdict with its sentence."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from ..errors import Diagnostic
from ..explain import format_change, format_number, format_value
from ..models import Observation, Result, Step, Verdict
from . import STYLES, FileInfo
from .chart import bar, scale, sparkline
from .diagnostics import diagnostic_text
from .safe import printable
from .table import verdict_text

__all__ = ["SeriesView", "format_step_value", "render_explanation", "step_rows"]

_MAX_BARS = 12
_COMPARISONS = ("≥", "≤", "=", ">", "<")
_LABEL_WIDTH = 11


@dataclass(frozen=True, slots=True)
class SeriesView:
    """The subject's series as the goal saw it."""

    metric: str
    observations: Sequence[Observation]
    """The observations visible on the report date, oldest first."""
    hidden: int = 0
    """Later observations hidden by the report date."""
    unit: str | None = None
    comparable: bool = True
    """The target and the projection are on the series' scale (the subject stands alone)."""


def format_step_value(step: Step) -> str:
    value = step.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        if step.kind in ("change", "trend", "needed_pace", "managed_pace"):
            return format_change(float(value), step.unit)
        return format_value(float(value), step.unit)
    return str(value)


def step_rows(steps: Sequence[Step]) -> Iterator[tuple[str, Step]]:
    """``(tree prefix, step)`` for every step, children indented under their parent."""
    for step in steps:
        yield "", step
        yield from _children(step.children, "")


def _children(steps: Sequence[Step], prefix: str) -> Iterator[tuple[str, Step]]:
    for index, step in enumerate(steps):
        last = index == len(steps) - 1
        yield prefix + ("└ " if last else "├ "), step
        yield from _children(step.children, prefix + ("  " if last else "│ "))


def _steps_table(steps: Sequence[Step]) -> Table:
    """One row per step: kind (indented under its parent), label with the detail below it
    (dim), value with unit, period."""
    table = Table(
        box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold", expand=False
    )
    table.add_column("step", no_wrap=True)
    table.add_column("label · detail", overflow="fold")
    table.add_column("value", justify="right", no_wrap=True)
    table.add_column("period", no_wrap=True)
    for prefix, step in step_rows(steps):
        kind = Text(prefix, style="dim")
        kind.append(step.kind, style="bold" if not prefix else "")
        value = Text(format_step_value(step))
        if step.kind == "verdict" and isinstance(step.value, str):
            with contextlib.suppress(ValueError):
                value = verdict_text(step.value)
        label = Text(step.label)
        if step.kind == "target" and step.detail in _COMPARISONS:
            value = Text(f"{step.detail} {value.plain}")
        elif step.detail:
            label.append("\n")
            label.append(step.detail, style="dim")
        period = Text(str(step.period) if step.period is not None else "", style="dim")
        table.add_row(kind, label, value, period)
    return table


class SeriesChart:
    """A sparkline of the whole visible series and bars for its last values, the target
    and the projection, all on one scale."""

    def __init__(self, series: SeriesView, result: Result) -> None:
        self.series = series
        self.result = result

    def rows(self) -> list[tuple[Text, str, float]]:
        unit = self.series.unit
        rows = [
            (Text(str(o.period)), format_value(o.value, unit), o.value)
            for o in self.series.observations[-_MAX_BARS:]
        ]
        if not self.series.comparable:
            return rows
        result = self.result
        if result.target is not None:
            target = result.explained.find("target")
            symbol = f"{target.detail} " if target is not None and target.detail else ""
            when = f" {result.deadline}" if result.deadline is not None else ""
            rows.append(
                (
                    Text(f"target{when}", style="bold"),
                    symbol + format_value(result.target, unit),
                    result.target,
                )
            )
        projection = result.explained.find("projection")
        if isinstance(projection, Step) and isinstance(projection.value, int | float):
            when = f" {projection.period}" if projection.period is not None else ""
            rows.append(
                (
                    Text(f"projected{when}", style="italic"),
                    format_value(float(projection.value), unit),
                    float(projection.value),
                )
            )
        return rows

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        rows = self.rows()
        observations = self.series.observations
        head = Text(self.series.metric, style="bold")
        if self.series.unit:
            head.append(f" ({self.series.unit})")
        head.append("  ")
        head.append(sparkline([o.value for o in observations]), style="cyan")
        count = len(observations)
        head.append(f"  {count} observation{'s' if count != 1 else ''}", style="dim")
        if self.result.as_of is not None:
            head.append(f" by {self.result.as_of.isoformat()}", style="dim")
        if self.series.hidden:
            head.append(f"; {self.series.hidden} later hidden by the report date", style="dim")
        yield head
        if not rows:
            return
        if count > _MAX_BARS:
            yield Text(f"  … {count - _MAX_BARS} earlier observations", style="dim")
        low, high = scale([value for _, _, value in rows])
        label_width = max(cell_len(label.plain) for label, _, _ in rows)
        value_width = max(cell_len(text) for _, text, _ in rows)
        width = max(min(options.max_width - label_width - value_width - 6, 48), 8)
        grid = Table.grid(padding=(0, 1, 0, 0))
        grid.add_column(width=1)
        grid.add_column(no_wrap=True)
        grid.add_column(justify="right", no_wrap=True)
        grid.add_column(no_wrap=True)
        target = self.result.target if self.series.comparable else None
        for label, text, value in rows:
            style = "cyan"
            if label.plain.startswith("target"):
                style = "bold"
            elif label.plain.startswith("projected"):
                style = STYLES[self.result.verdict.value]
            elif target is not None and _meets(value, target, self.result):
                style = "green"
            grid.add_row("", label, text, Text(bar(value, low, high, width), style=style))
        yield grid


def _meets(value: float, target: float, result: Result) -> bool:
    step = result.explained.find("target")
    symbol = step.detail if step is not None else None
    if symbol == "≥":
        return value >= target
    if symbol == "≤":
        return value <= target
    return False


def _section(label: str, body: RenderableType) -> Table:
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(width=_LABEL_WIDTH, no_wrap=True, style="bold")
    grid.add_column(overflow="fold")
    grid.add_row(label, body)
    return grid


def _projection(result: Result) -> Text | None:
    parts: list[str] = []
    if result.projected is not None:
        when = f" by {result.deadline}" if result.deadline is not None else ""
        parts.append(f"{format_value(result.projected, result.unit)}{when}")
    if result.progress_ratio is not None:
        parts.append(f"progress ratio {format_number(result.progress_ratio)}")
    if result.probability is not None:
        parts.append(f"probability {format_number(result.probability * 100)} %")
    if result.interval is not None:
        low, high = result.interval
        parts.append(f"interval {format_number(low)} … {format_number(high)}")
    if result.score is not None:
        parts.append(f"score {format_number(result.score)}")
    if not parts:
        return None
    status = f" ({result.method_status})" if result.method_status else ""
    parts.append(f"method {result.method}{status}")
    return Text(" · ".join(parts))


def _printable_step(step: Step) -> Step:
    value = printable(step.value) if isinstance(step.value, str) else step.value
    return step.model_copy(
        update={
            "label": printable(step.label),
            "value": value,
            "unit": None if step.unit is None else printable(step.unit),
            "detail": None if step.detail is None else printable(step.detail),
            "children": tuple(_printable_step(child) for child in step.children),
        }
    )


def _printable_result(result: Result) -> Result:
    """``result`` with every text it carries escaped (:func:`.safe.printable`), once,
    before any of it reaches a table cell, a chart label or a sentence."""
    texts = ("goal", "title", "entity", "unit", "explanation", "file", "method_status")
    update: dict[str, object] = {
        name: printable(value) for name in texts if (value := getattr(result, name)) is not None
    }
    update["rule"] = printable(result.rule, newlines=True)
    update["method"] = printable(result.method)
    update["steps"] = tuple(_printable_step(step) for step in result.steps)
    return result.model_copy(update=update)


def render_explanation(
    result: Result,
    *,
    info: FileInfo | None = None,
    line: int | None = None,
    series: SeriesView | None = None,
    diagnostic: Diagnostic | None = None,
) -> RenderableType:
    """Everything known about one result, top to bottom."""
    result = _printable_result(result)
    if series is not None:
        series = replace(
            series,
            metric=printable(series.metric),
            unit=None if series.unit is None else printable(series.unit),
        )
    parts: list[RenderableType] = []
    head = Text(result.goal, style="bold")
    if result.entity:
        head.append(f" ({result.entity})", style="bold")
    head.append("  ")
    head.append_text(verdict_text(result.verdict))
    parts.append(head)
    if result.title:
        parts.append(Text(result.title, style="italic"))
    where = Text(style="dim")
    where.append(f"{result.file or (info.path if info else 'goal')}")
    if line is not None:
        where.append(f":{line}")
    as_of = result.as_of or (info.as_of if info else None)
    if as_of is not None:
        where.append(f" · as of {as_of.isoformat()}")
    if result.verdict is not Verdict.ERROR:
        where.append(f" · method {result.method}")
    parts.append(where)
    parts.append(Text(""))
    parts.append(_section("rule", Text(result.rule)))
    if diagnostic is not None:
        parts += [Text(""), diagnostic_text(diagnostic)]
    if series is not None:
        parts += [Text(""), _section("series", SeriesChart(series, result))]
    if result.steps:
        parts += [Text(""), Text("steps", style="bold"), _steps_table(result.steps)]
    projection = _projection(result)
    if projection is not None:
        parts += [Text(""), _section("projection", projection)]
    parts.append(Text(""))
    verdict = verdict_text(result.verdict)
    parts.append(_section("verdict", Group(verdict, Text(result.explanation))))
    return Group(*parts)
