"""Diagnostics: one format (path:line:col: severity: message (hint), caret excerpt)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from goalengine import Report
from goalengine.errors import Diagnostic, Span
from goalengine.render.diagnostics import (
    diagnostic_text,
    excerpt,
    format_diagnostic,
    result_diagnostic,
    unique,
)

LINE = "    rule: employment_rte >= baseline + 10pp by 2010"


def test_format_with_caret_under_the_span() -> None:
    span = Span("rules/x.yaml", 12, 11, 25, LINE)
    diagnostic = Diagnostic("error", "unknown metric 'employment_rte'", span, "did you mean 'x'?")
    assert format_diagnostic(diagnostic) == (
        "rules/x.yaml:12:11: error: unknown metric 'employment_rte' (did you mean 'x'?)\n"
        "    rule: employment_rte >= baseline + 10pp by 2010\n"
        "          ^^^^^^^^^^^^^^"
    )
    assert diagnostic_text(diagnostic).plain == format_diagnostic(diagnostic)


def test_head_is_the_cores_format() -> None:
    diagnostic = Diagnostic("warning", "use pp", Span("a.yaml", 3, 4), "write 10pp")
    assert (
        format_diagnostic(diagnostic)
        == diagnostic.format()
        == ("a.yaml:3:4: warning: use pp (write 10pp)")
    )


def test_command_line_problems_are_located_at_the_program() -> None:
    diagnostic = Diagnostic("error", "--as-of: 'x' is not a period", Span(), "write 2010")
    assert format_diagnostic(diagnostic) == (
        "goalengine: error: --as-of: 'x' is not a period (write 2010)"
    )


@pytest.mark.parametrize(
    ("line", "column", "end", "shown"),
    [
        ("as_of: nope", 8, 12, "    as_of: nope\n           ^^^^"),
        ("\t\tx: [a, b]", 7, 8, "    x: [a, b]\n        ^"),
        ("  a\tb: c", 5, None, "    a\tb: c\n     \t^"),
        ("short", 3, 99, "    short\n      ^^^"),
    ],
)
def test_excerpt_dedents_and_keeps_the_caret_in_place(
    line: str, column: int, end: int | None, shown: str
) -> None:
    assert excerpt(Span("f", 1, column, end, line)) == shown


def test_no_excerpt_without_source() -> None:
    assert excerpt(Span("f", 1, 2)) == ""
    assert excerpt(Span("f", 1, None, None, "x")) == ""


def test_warnings_styled_yellow_errors_red() -> None:
    error = diagnostic_text(Diagnostic("error", "m", Span("f", 1, 1, 2, "x")))
    warning = diagnostic_text(Diagnostic("warning", "m", Span("f")))
    assert any("red" in str(span.style) for span in error.spans)
    assert any("yellow" in str(span.style) for span in warning.spans)


def test_unique_drops_repeats_only() -> None:
    a = Diagnostic("error", "m", Span("f", 1, 1))
    b = Diagnostic("error", "m", Span("f", 2, 1))
    assert unique([a, b, a]) == [a, b]


def test_result_diagnostic_underlines_the_quoted_name(report: Report) -> None:
    typo = next(r for r in report.results if r.goal == "typo")
    diagnostic = result_diagnostic(typo)
    assert diagnostic is not None
    assert format_diagnostic(diagnostic) == (
        "tests/fixtures/cli/report/verdicts.yaml:39:11: error: unknown metric 'employment_rte' "
        "(did you mean 'employment_rate'?)\n"
        "    rule: employment_rte >= 50\n"
        "          ^^^^^^^^^^^^^^"
    )
    assert result_diagnostic(report.results[0]) is None


def _error_result(report: Report, file: str, line: int) -> Report:
    from goalengine.models import ResultError

    result = report.results[0].model_copy(
        update={"error": ResultError(message="bad 'x'", file=file, line=line, column=1)}
    )
    return Report(as_of=report.as_of, results=(result,))


def test_result_excerpt_follows_the_file_not_its_name(
    report: Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same relative name in another folder, or a file changed in place, is re-read."""
    for folder, text in (("a", "x: first\n"), ("b", "x: second\n"), ("b", "x: third, longer\n")):
        (tmp_path / folder).mkdir(exist_ok=True)
        (tmp_path / folder / "rules.yaml").write_text(text, encoding="utf-8")
        monkeypatch.chdir(tmp_path / folder)
        diagnostic = result_diagnostic(_error_result(report, "rules.yaml", 1).results[0])
        assert diagnostic is not None
        assert diagnostic.span.source_line == text.rstrip("\n")


def test_result_excerpt_never_reads_a_fifo(report: Report, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)  # opening it for reading would block forever
    diagnostic = result_diagnostic(_error_result(report, str(fifo), 1).results[0])
    assert diagnostic is not None
    assert diagnostic.span.source_line is None
