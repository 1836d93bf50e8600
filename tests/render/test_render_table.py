"""The terminal table: golden output at 100 and 80 columns, every verdict, colour and
symbol, markup-looking user text printed as written."""

from __future__ import annotations

from collections.abc import Callable

from conftest import record
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
