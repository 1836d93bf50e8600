"""Hostile text never reaches a terminal raw: every renderer shows control, bidi and
separator characters as visible escapes, JUnit stays well-formed, JSON stays strict."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from render_helpers import record

from goalengine import Report, Verdict
from goalengine.cli import main
from goalengine.errors import Diagnostic, Span
from goalengine.models import Result, ResultError
from goalengine.render import FileInfo
from goalengine.render.diagnostics import diagnostic_text, format_diagnostic
from goalengine.render.fixtures import fixture_text, property_text
from goalengine.render.json import render_json
from goalengine.render.junit import render_junit
from goalengine.render.markdown import render_markdown
from goalengine.render.safe import UNPRINTABLE, printable
from goalengine.render.table import render_table
from goalengine.testing.fixtures import FixtureOutcome, Mismatch

# ESC, CSI, OSC title and hyperlink, bell, NUL, CR, newline, DEL, C1 CSI and NEL, bidi
# overrides and isolates, line separator.
HOSTILE = (
    "a\x1b[31mred\x1b[0m\x1b]0;pwned\x07\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\"
    "\x00nul\rcr\nnl\x7fdel\x9bc1\x85nel\u202eevil\u202a\u2066iso\u2069\u2028sep\x08bs"
)
# Raw characters a renderer must not emit, whatever its own line breaks.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
# rich's own styling on a terminal: SGR sequences only.
SGR = re.compile("\x1b\\[[0-9;]*m")


def hostile_report() -> tuple[Report, list[FileInfo]]:
    result = Result(
        file=f"rules/{HOSTILE}.yaml",
        goal=f"goal-{HOSTILE}",
        title=f"title {HOSTILE}",
        rule=f"metric_{HOSTILE} >= 1 by 2014",
        entity=f"entity {HOSTILE}",
        verdict=Verdict.ERROR,
        explanation=f"unknown metric '{HOSTILE}'",
        unit=HOSTILE,
        latest=2.0,
        target=1.0,
        tags=(HOSTILE,),
        error=ResultError(
            message=f"unknown metric '{HOSTILE}'",
            hint=HOSTILE,
            file=f"rules/{HOSTILE}.yaml",
            line=3,
            column=2,
        ),
    )
    missed = result.model_copy(update={"verdict": Verdict.MISSED, "error": None})
    infos = [FileInfo(f"rules/{HOSTILE}.yaml", f"file title {HOSTILE}", date(2012, 6, 30))]
    return Report(as_of=date(2012, 6, 30), results=(result, missed)), infos


def assert_clean(text: str, newlines: bool = True) -> None:
    found = RAW.findall(text) if newlines else RAW.findall(text.replace("\n", ""))
    assert not found, f"raw control characters in the output: {sorted(set(found))!r}"


@pytest.mark.parametrize("text", [HOSTILE, "\x1b", "\u202e", "a\r\nb", "\ud800", "\ufffe"])
def test_printable_leaves_nothing_raw(text: str) -> None:
    shown = printable(text)
    assert not UNPRINTABLE.search(shown)
    assert "\n" not in shown
    assert "\\x1b" in printable("\x1b") and "\\u202e" in printable("\u202e")


def test_printable_keeps_ordinary_text_and_newlines_on_request() -> None:
    text = "Tryghed — 50 %, ≥ 64.4\tøæå 日本 ✓"
    assert printable(text) is text
    assert printable("a\nb") == "a\\nb"
    assert printable("a\nb\r", newlines=True) == "a\nb\\r"


@given(st.text())
def test_printable_never_leaves_a_control_character(text: str) -> None:
    assert not UNPRINTABLE.search(printable(text))
    assert "\n" not in printable(text)
    assert not RAW.search(printable(text, newlines=True))


def test_table_escapes_hostile_text() -> None:
    report, infos = hostile_report()
    text = record(render_table(report, infos, verbose=True), width=200)
    assert_clean(text)
    assert "\\x1b[31mred" in text and "\\u202eevil" in text


def test_markdown_escapes_hostile_text() -> None:
    report, infos = hostile_report()
    text = render_markdown(report, infos)
    assert_clean(text)
    # Every table row is one line: a newline in a title does not break the table.
    rows = [line for line in text.splitlines() if line.startswith("| **goal-")]
    assert len(rows) == 2


def test_junit_escapes_hostile_text_and_stays_well_formed() -> None:
    report, infos = hostile_report()
    text = render_junit(report, infos)
    ET.fromstring(text.split("\n", 1)[1])  # XML 1.0: well-formed
    assert_clean(text)
    assert "\\x00nul" in text


def test_json_is_strict_and_escapes_what_a_terminal_would_interpret() -> None:
    report, _ = hostile_report()
    text = render_json(report)
    assert_clean(text)

    def refuse(constant: str) -> None:
        raise AssertionError(f"non-standard JSON constant {constant}")

    data = json.loads(text, parse_constant=refuse)
    assert data["results"][0]["goal"] == f"goal-{HOSTILE}"  # the same strings, escaped


def test_json_refuses_a_non_finite_number_with_a_clear_error() -> None:
    from goalengine.errors import GoalEngineError

    report, _ = hostile_report()
    broken = report.results[1].model_copy(update={"latest": float("inf")})
    with pytest.raises(GoalEngineError, match="not finite"):
        render_json(Report(as_of=report.as_of, results=(report.results[0], broken)))


def test_diagnostics_escape_message_hint_file_and_excerpt() -> None:
    source = f"    rule: {HOSTILE} >= 1"
    column = source.index("\x1b[31m") + 1
    diagnostic = Diagnostic(
        "error",
        f"unknown metric '{HOSTILE}'",
        Span(f"rules/{HOSTILE}.yaml", 3, column, column + 5, source),
        HOSTILE,
    )
    plain = format_diagnostic(diagnostic)
    assert plain == diagnostic_text(diagnostic).plain
    assert_clean(plain)
    head, line, caret = plain.split("\n")
    assert head.startswith("rules/a\\x1b[31m")
    # The caret stands under the escaped ESC[31m, however wide the escapes before it.
    start = caret.index("^")
    assert line[start:].startswith("\\x1b[31m")
    assert caret[start:] == "^" * len("\\x1b[31m")


def test_fixture_and_property_lines_escape_hostile_text() -> None:
    outcome = FixtureOutcome(
        file=f"rules/{HOSTILE}.yaml",
        name=HOSTILE,
        line=4,
        mismatches=(
            Mismatch(HOSTILE, "met", HOSTILE, HOSTILE),
            Mismatch(HOSTILE, HOSTILE, HOSTILE, "", kind="explanation"),
        ),
        error=HOSTILE,
    )
    assert_clean(record(fixture_text(outcome), width=300))

    class Checked:
        goal = HOSTILE
        name = HOSTILE
        passed = False
        message = HOSTILE
        fixture = f"- name: {HOSTILE}\n  expect: {{}}"
        skipped = False

    assert_clean(record(property_text(HOSTILE, Checked()), width=300))


HOSTILE_RULES = r"""title: "T\e]0;pwned\a\e[2J\u202eevil\r\nX\x9b"
as_of: 2012-06-30
data: {m: {2010: 1, 2011: 2}}
goals:
  - id: "g\e[31mred\u202e\x85"
    title: "tt\e]8;;http://x\e\\link\e]8;;\e\\\x00nul\x7f"
    rule: m >= 1 by 2014
    unit: "u\e[5m"
    tags: ["t\e[1m"]
    notes: "n\e[1m"
  - id: bad
    rule: "zz\e[31m >= 1 by 2014"
"""


@pytest.mark.parametrize("fmt", ["table", "json", "markdown", "junit"])
@pytest.mark.parametrize("terminal", [False, True], ids=["piped", "terminal"])
def test_cli_output_has_no_raw_control_characters(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fmt: str,
    terminal: bool,
) -> None:
    rules = tmp_path / "hostile.yaml"
    rules.write_text(HOSTILE_RULES, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("COLUMNS", "120")
    if terminal:
        monkeypatch.setenv("FORCE_COLOR", "1")
    else:
        monkeypatch.delenv("FORCE_COLOR", raising=False)
    out_file = tmp_path / f"report.{fmt}"
    code = main(["check", str(rules), "-f", fmt])
    captured = capsys.readouterr()
    assert code == 2  # the goal 'bad' is in error
    assert main(["check", str(rules), "-f", fmt, "-o", str(out_file)]) == 2
    written = out_file.read_text(encoding="utf-8")
    captured_again = capsys.readouterr()
    for text in (captured.out, captured.err, captured_again.err, written):
        # On a terminal, rich's own styling is allowed; nothing else.
        assert_clean(SGR.sub("", text) if terminal else text)
    assert "unexpected character" in captured.err
