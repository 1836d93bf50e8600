"""The output-format registry: one place that knows the formats, their renderers and suffixes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from goalengine import render
from goalengine.cli import main
from goalengine.errors import UnknownNameError
from goalengine.models import Report, Verdict
from goalengine.render import (
    FileInfo,
    RenderContext,
    format_for_suffix,
    format_names,
    register_format,
    renderer_for,
)
from goalengine.render.json import render_json
from goalengine.render.junit import render_junit
from goalengine.render.markdown import render_markdown

ROOT = Path(__file__).resolve().parents[2]
SECOND = "tests/fixtures/cli/report/second.yaml"
BUILT_IN = ("table", "json", "markdown", "junit")


@pytest.fixture(autouse=True)
def _own_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts from the built-in formats (a docs example may have added one) and
    registers into a copy: nothing leaks into other tests."""
    built_in = {n: f for n, f in render._formats.items() if n in BUILT_IN}
    monkeypatch.setattr(render, "_formats", built_in)


def _verdicts(report: Report, context: RenderContext) -> str:
    return "".join(f"{r.goal}\t{r.verdict.value}\n" for r in report.results)


def test_the_built_in_formats_and_their_suffixes() -> None:
    assert format_names() == BUILT_IN
    assert [format_for_suffix(s) for s in (".json", ".md", ".MARKDOWN", ".xml")] == [
        "json",
        "markdown",
        "markdown",
        "junit",
    ]
    assert format_for_suffix(".txt") is None


def test_built_in_renderers_render_as_their_modules_do(
    report: Report, infos: list[FileInfo]
) -> None:
    files = {info.path: info for info in infos}
    failing = frozenset({Verdict.MISSED, Verdict.AT_RISK})
    context = RenderContext(files, show={Verdict.MISSED}, failing=failing)
    assert renderer_for("json")(report, context) == render_json(report)
    assert renderer_for("markdown")(report, context) == render_markdown(
        report, files, show={Verdict.MISSED}
    )
    assert renderer_for("junit")(report, context) == render_junit(report, files, failing=failing)
    assert not isinstance(renderer_for("table")(report, context), str)  # rich: styled on a tty


def test_an_unknown_format_is_named_with_a_hint() -> None:
    with pytest.raises(UnknownNameError, match="unknown format 'jsn'") as caught:
        renderer_for("jsn")
    assert caught.value.hint == "did you mean 'json'?"


def test_a_name_or_suffix_is_taken_once() -> None:
    with pytest.raises(ValueError, match="already registered"):
        register_format("json", _verdicts)
    with pytest.raises(ValueError, match="already belongs to format 'markdown'"):
        register_format("tsv", _verdicts, suffixes=(".MD",))
    assert "tsv" not in format_names()


@pytest.mark.parametrize(
    ("name", "suffixes"), [("TSV", ()), ("", ()), ("a b", ()), ("tsv", ("tsv",)), ("tsv", (".",))]
)
def test_bad_names_and_suffixes_are_refused(name: str, suffixes: tuple[str, ...]) -> None:
    with pytest.raises(ValueError, match=r"^(format name|suffix)"):
        register_format(name, _verdicts, suffixes=suffixes)


def test_a_renderer_must_be_callable() -> None:
    with pytest.raises(TypeError):
        register_format("tsv", "not a function")  # type: ignore[arg-type]


def test_replacing_takes_over_name_and_suffix() -> None:
    register_format("notes", _verdicts, suffixes=(".md",), replace=True)
    assert format_for_suffix(".md") == "notes"
    assert format_for_suffix(".markdown") == "markdown"
    register_format("json", _verdicts, replace=True)
    assert renderer_for("json") is _verdicts
    assert format_for_suffix(".json") is None  # the new json claimed no suffix


def test_a_registered_format_is_a_choice_of_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    register_format("tsv", _verdicts, suffixes=(".tsv",))
    assert main(["check", SECOND, "--format", "tsv"]) == 0
    assert capsys.readouterr().out == "visits-up\ton-track\n"
    out = tmp_path / "report.TSV"
    assert main(["check", SECOND, "-o", str(out), "-q"]) == 0
    assert out.read_text(encoding="utf-8") == "visits-up\ton-track\n"


def test_an_unknown_suffix_still_writes_the_plain_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    out = tmp_path / "report.txt"
    assert main(["check", SECOND, "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "visits-up" in text
    assert "\x1b" not in text
    assert main(["check", SECOND, "--format", "nope"]) == 2  # argparse: not a choice


def test_a_format_with_a_writer_is_streamed_by_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``check`` hands a writer the results as they are judged (never ``Run.report()``),
    and the format's renderer is what the writer writes."""
    from goalengine.engine import run as run_module

    seen: list[str] = []

    def lines(results, as_of, context, stream):  # type: ignore[no-untyped-def]
        for result in results:
            seen.append(result.goal)
            stream.write(f"{as_of} {result.goal}\t{result.verdict.value}\n")

    def no_report(self: object) -> Report:
        raise AssertionError("a streamed format built the whole report")

    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(run_module.Run, "report", no_report)
    register_format("lines", suffixes=(".lines",), writer=lines)
    assert render.writer_for("lines") is lines
    assert render.writer_for("json") is None
    out = tmp_path / "report.lines"
    assert main(["check", SECOND, "-o", str(out), "-q"]) == 0
    assert out.read_text(encoding="utf-8") == "2012-06-30 visits-up\ton-track\n"
    assert seen == ["visits-up"]
    report = Report(as_of=date(2020, 1, 1), results=())
    assert renderer_for("lines")(report, RenderContext()) == ""
    with pytest.raises(TypeError):
        register_format("tsv2", _verdicts, writer="not a function")  # type: ignore[arg-type]
