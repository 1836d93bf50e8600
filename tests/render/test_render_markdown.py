"""Markdown: a table per file, ready to paste; user text never breaks the table."""

from __future__ import annotations

from collections.abc import Callable

from goalengine import Report, Verdict
from goalengine.render import FileInfo
from goalengine.render.markdown import code_span, escape, render_markdown


def test_markdown_golden(
    report: Report, infos: list[FileInfo], golden: Callable[[str, str], None]
) -> None:
    golden("report.md", render_markdown(report, infos))


def test_one_table_per_file_with_every_verdict(report: Report, infos: list[FileInfo]) -> None:
    text = render_markdown(report, infos)
    assert text.count("| Goal | Verdict | Latest | Target | Explanation |") == 2
    for label in ("✓ met", "↗ on track", "⚠ at risk", "✗ missed", "? unknown", "! error"):
        assert f"| {label} |" in text
    # Files judged on different dates: the date goes with each file.
    assert "# Goals\n" in text
    assert "As of 2009-03-31." in text and "As of 2012-06-30." in text


def test_every_table_row_has_five_cells(report: Report, infos: list[FileInfo]) -> None:
    rows = [line for line in render_markdown(report, infos).splitlines() if line.startswith("|")]
    for row in rows:
        # Unescaped pipes only: the cell borders.
        cells = row.replace("\\|", "").count("|")
        assert cells == 6, row


def test_escaping() -> None:
    assert escape("a | b") == "a \\| b"
    assert escape("*x* _y_ [z](u) <b>") == "\\*x\\* \\_y\\_ \\[z\\](u) \\<b\\>"
    assert escape("two\nlines") == "two<br>lines"
    assert code_span("x[2010] | y") == "`x[2010] \\| y`"
    assert code_span("a `b` c") == "``a `b` c``"
    assert code_span("`edge`") == "`` `edge` ``"


def test_user_text_is_escaped(report: Report, infos: list[FileInfo]) -> None:
    text = render_markdown(report, infos)
    assert "\\[red\\]not markup\\[/red\\] \\| pipes \\* stars \\_under\\_" in text
    assert "`sum(apprentices[2007..2008]) >= 200 by 2008`" in text


def test_single_date_in_the_heading(report: Report) -> None:
    one = report.model_copy(update={"results": report.results[:2]})
    text = render_markdown(one)
    assert text.startswith("# Goals as of 2009-03-31\n")
    assert "As of" not in text


def test_show_limits_rows_not_the_summary(report: Report, infos: list[FileInfo]) -> None:
    text = render_markdown(report, infos, show={Verdict.MISSED})
    assert "waiting-short" in text and "employment-up" not in text
    assert "8 goals:" in text
