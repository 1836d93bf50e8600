"""The terminal table: golden output at 100 and 80 columns, every verdict, colour and
symbol, markup-looking user text printed as written."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from render_helpers import record
from rich.console import Console

from goalengine import Report, Verdict
from goalengine.render import FileInfo, summary_line
from goalengine.render.table import render_table, summary_text, verdict_text


def test_table_at_100_columns(
    report: Report, infos: list[FileInfo], golden: Callable[[str, str], None]
) -> None:
    golden("table-100.txt", record(render_table(report, infos), width=100))


def test_table_at_80_columns_folds_nothing_away(
    report: Report, infos: list[FileInfo], golden: Callable[[str, str], None]
) -> None:
    text = record(render_table(report, infos), width=80)
    golden("table-80.txt", text)
    assert max(len(line) for line in text.splitlines()) <= 80
    # Long rule text is wrapped, never cut: every word of it is there.
    assert "employment_rate >= baseline + 10pp by 2010" in text


def test_table_at_120_columns(
    report: Report, infos: list[FileInfo], golden: Callable[[str, str], None]
) -> None:
    golden("table-120.txt", record(render_table(report, infos), width=120))


def test_every_verdict_has_a_symbol_in_the_table(report: Report, infos: list[FileInfo]) -> None:
    text = record(render_table(report, infos))
    for label in ("✓ met", "↗ on track", "⚠ at risk", "✗ missed", "? unknown", "! error"):
        assert label in text
    assert {r.verdict for r in report.results} == set(Verdict)


def test_user_text_is_never_markup(report: Report, infos: list[FileInfo]) -> None:
    text = record(render_table(report, infos, verbose=True))
    assert "brackets-[bold]" in text
    assert "sum(apprentices[2007..2008])" in text
    assert "[red]not markup[/red]" in text
    assert "Every verdict [once]" in text


def test_verbose_shows_titles(
    report: Report, infos: list[FileInfo], golden: Callable[[str, str], None]
) -> None:
    text = record(render_table(report, infos, verbose=True))
    assert "Employment rate up 10 percentage points" in text
    golden("table-verbose.txt", text)


def test_quiet_shows_only_the_chosen_verdicts_but_counts_all(
    report: Report, infos: list[FileInfo]
) -> None:
    text = record(render_table(report, infos, show={Verdict.MISSED, Verdict.ERROR}))
    assert "waiting-short" in text and "typo" in text
    assert "employment-up" not in text and "second.yaml" not in text
    assert text.rstrip().endswith(summary_line(report))


def test_summary_line_counts_in_verdict_order(report: Report) -> None:
    assert summary_line(report) == (
        "8 goals: 2 met, 2 on track, 1 at risk, 1 missed, 1 unknown, 1 error"
    )
    assert summary_text(report).plain == summary_line(report)
    assert summary_line(Report(as_of=report.as_of)) == "0 goals"


def test_colours_on_a_terminal(report: Report, infos: list[FileInfo]) -> None:
    console = Console(record=True, width=100, force_terminal=True, color_system="truecolor")
    with console.capture() as captured:
        console.print(render_table(report, infos))
    ansi = captured.get()
    assert "\x1b[" in ansi
    assert "✗ missed" in ansi  # the symbol survives alongside the colour
    assert verdict_text("missed").style == "bold red"


def test_no_ansi_codes_without_colour(report: Report, infos: list[FileInfo]) -> None:
    assert "\x1b" not in record(render_table(report, infos))


@pytest.mark.parametrize("width", [50, 60, 80, 100])
def test_long_ids_and_units_fold_but_no_column_disappears(width: int) -> None:
    from goalengine import Result

    result = Result(
        file="long.yaml",
        goal="an-extremely-long-goal-identifier-that-goes-on-and-on-and-on-forever",
        rule="some_really_long_metric_name_for_testing_widths >= 123456789 by 2014",
        verdict=Verdict.AT_RISK,
        explanation="2 placements per thousand inhabitants in 2011 → at risk.",
        unit="placements per thousand inhabitants",
        latest=2,
        latest_period="2011",
        target=123456789,
        deadline="2014",
    )
    text = record(render_table(Report(as_of=date(2012, 12, 31), results=(result,))), width)
    assert max(len(line) for line in text.splitlines()) <= width
    row = next(line for line in text.splitlines() if line.startswith("⚠ at risk"))
    assert row.split()[3].startswith("an-extre")  # the id column is there, folded
    assert row.split()[4] == "2"  # and so is the latest value
    for fragment in ("(2011)", "123456789", "by 2014", "at risk."):
        assert fragment in text
