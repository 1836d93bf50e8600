"""Gaps closed in ``test`` and ``explain``: bad data behind fixtures is an input error
(exit 2, positioned), duplicate goal ids and file-level errors are reported with their
place, and the excerpt under an error is a bounded window around the caret."""

from __future__ import annotations

from pathlib import Path

import pytest

from goalengine.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, main
from goalengine.errors import Diagnostic, Span
from goalengine.limits import MAX_EXCERPT_CHARS
from goalengine.render.diagnostics import format_diagnostic
from goalengine.render.safe import UNPRINTABLE

EXCERPT_WINDOW = 2 * MAX_EXCERPT_CHARS  # what the brief allows around the caret

OUTSIDE_RULES = """\
as_of: 2009-03-31
data: ../outside.csv
goals:
  - id: g
    rule: x >= 4
tests:
  - name: first
    expect:
      g: met
  - name: second
    expect:
      g: missed
"""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# -- test: bad data is an input error, not a failing fixture -------------------------------


def test_fixture_data_outside_the_root_is_a_positioned_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "outside.csv", "metric,period,value\nx,2008,5\n")
    write(tmp_path / "sub" / "r.yaml", OUTSIDE_RULES)
    monkeypatch.chdir(tmp_path / "sub")  # the data root is sub/: ../outside.csv is outside
    code, out, err = run(capsys, "test", "r.yaml")
    assert code == EXIT_USAGE
    assert "r.yaml:2:7: error: data path '../outside.csv' lies outside the data root" in err
    assert err.count("lies outside") == 1  # once for the file, not once per fixture
    assert "FAIL" not in out and "failed" not in out


def test_fixture_data_that_cannot_be_read_is_a_positioned_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "bad.csv", "metric,period,value\nx,2008,five\n")
    write(tmp_path / "r.yaml", OUTSIDE_RULES.replace("../outside.csv", "bad.csv"))
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "test", "r.yaml")
    assert code == EXIT_USAGE
    assert "bad.csv:2:" in err
    assert "FAIL" not in out


def test_a_fixture_that_ran_and_differs_still_fails_with_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "outside.csv", "metric,period,value\nx,2008,5\n")
    write(tmp_path / "sub" / "r.yaml", OUTSIDE_RULES)
    monkeypatch.chdir(tmp_path)  # now the root holds outside.csv
    code, out, _ = run(capsys, "test", "sub/r.yaml")
    assert code == EXIT_FAILED
    assert "1 failed" in out


# -- explain: duplicate ids and file-level errors ------------------------------------------

ONE = """\
data: {x: {2008: 5}}
goals:
  - id: g
    rule: x >= 4
"""


def test_a_goal_in_two_files_is_placed_at_the_second_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "one.yaml", ONE)
    write(
        tmp_path / "two.yaml", ONE.replace("- id: g", "- id: h") + '  - rule: x >= 4\n    id: "g"\n'
    )
    code, out, err = run(capsys, "explain", str(tmp_path), "g")
    assert code == EXIT_USAGE
    second = tmp_path / "two.yaml"
    assert f"{second}:6:9: error: goal 'g' is in several files: " in err
    assert "name one rule file" in err
    assert out == ""


def test_a_goal_id_twice_in_one_file_is_not_several_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "dup.yaml", ONE + "  - id: g\n    rule: x >= 5\n")
    code, out, err = run(capsys, "explain", str(path), "g")
    assert code == EXIT_USAGE
    assert "several files" not in err
    assert f"{path}:5:9: error: duplicate goal id 'g' (first on line 3)" in err
    assert out == ""


@pytest.mark.parametrize("as_of", ['"2011-02-30"', '"0000-01-01"', "2011-13", "soon"])
def test_explain_reports_a_bad_as_of_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], as_of: str
) -> None:
    path = write(tmp_path / "r.yaml", f"as_of: {as_of}\n" + ONE)
    code, _, err = run(capsys, "explain", str(path), "g")
    assert code == EXIT_USAGE
    assert f"{path}:1:8: error: " in err


def test_explain_of_a_good_goal_ignores_another_goals_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "r.yaml", ONE + "  - id: broken\n    rule: y >=\n")
    code, out, err = run(capsys, "explain", str(path), "g")
    assert (code, err) == (EXIT_OK, "")
    assert "met" in out


# -- excerpts: a window around the caret ---------------------------------------------------


def _long_rule_file(tmp_path: Path) -> tuple[Path, int]:
    items = [f"{{id: g{i}, rule: x >= 4}}" for i in range(4000)]
    items.insert(2000, "{id: bad, rule: x >= 4, bogus: 1}")
    line = "goals: [" + ", ".join(items) + "]"
    assert len(line) > 100_000
    return write(tmp_path / "long.yaml", "data: {x: {2008: 5}}\n" + line + "\n"), len(line)


def _caret_under(excerpt: str, word: str) -> None:
    source, caret = excerpt.split("\n")
    start = caret.index("^")
    assert source[start : start + len(word)] == word
    assert caret.count("^") == len(word)


def test_a_rule_file_error_on_a_huge_line_shows_a_window(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = _long_rule_file(tmp_path)
    code, _, err = run(capsys, "validate", str(path))
    assert code == EXIT_USAGE
    head, source, caret = err.rstrip("\n").split("\n")
    assert "unknown key 'bogus' in goal" in head
    assert len(source) <= 4 + EXCERPT_WINDOW + 2
    assert source.startswith("    …") and source.endswith("…")
    _caret_under(f"{source}\n{caret}", "bogus")


@pytest.mark.parametrize("column", [1, 3, 50_000, 99_990, 100_000])
def test_both_excerpts_keep_the_caret_under_the_span(column: int) -> None:
    line = "".join(chr(ord("a") + i % 26) for i in range(100_000))
    span = Span("f.yaml", 1, column, column + 5, line)
    word = line[column - 1 : column + 4]
    for shown in (
        span.excerpt(),
        format_diagnostic(Diagnostic("error", "m", span)).split("\n", 1)[1],
    ):
        source = shown.split("\n")[0]
        assert len(source) <= 4 + EXCERPT_WINDOW + 2
        assert ("…" in source[:6]) == (column > EXCERPT_WINDOW // 2)
        _caret_under(shown, word)


def test_a_short_line_is_shown_whole() -> None:
    span = Span("f.yaml", 1, 7, 10, "rule: abc >= 1")
    assert span.excerpt() == "    rule: abc >= 1\n          ^^^"


def test_the_window_cuts_escapes_without_raw_controls() -> None:
    line = "x" * 50_000 + "\x1b[2J" + "y" * 50_000
    span = Span("f.yaml", 1, 50_001, 50_002, line)
    shown = format_diagnostic(Diagnostic("error", "m", span))
    assert not UNPRINTABLE.search(shown.replace("\n", ""))
    assert "\\x1b[2J" in shown


def test_a_goal_in_error_that_a_fixture_did_not_expect_is_a_placed_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found by fuzzing: a bad ``for_each`` failed the fixture (exit 1) with nothing on
    stderr; like ``check``, a goal in error exits 2 and says where."""
    rules = ONE.replace("x >= 4", "y >= 4") + "tests:\n  - name: t\n    as_of: 2009-01-01\n"
    path = write(tmp_path / "r.yaml", rules + "    expect:\n      g: met\n")
    code, out, err = run(capsys, "test", str(path))
    assert code == EXIT_USAGE
    assert f"{path}:4:11: error: unknown metric 'y'" in err
    assert "1 failed" in out


def test_a_bad_for_each_is_an_error_where_it_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "r.yaml", ONE + "    for_each: 1e400\n    missing: skp\n")
    code, _out, err = run(capsys, "validate", str(path))
    assert code == EXIT_USAGE
    assert f"{path}:5:15: error: for_each: '1e400' is not supported (write one of: entity)" in err
    assert f"{path}:6:14: error: missing: 'skp' is not supported (did you mean 'skip'?)" in err


def test_a_fixture_that_expects_error_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The goal names a metric the data lacks: judged error, which the fixture expects.
    rules = ONE.replace("x >= 4", "y >= 4") + "tests:\n  - name: t\n    as_of: 2009-01-01\n"
    path = write(tmp_path / "r.yaml", rules + "    expect:\n      g: error\n")
    code, out, err = run(capsys, "test", str(path))
    assert (code, err) == (EXIT_OK, "")
    assert "1 passed" in out
