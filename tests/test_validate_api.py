"""``goalengine.validate()``: what ``goalengine validate`` reports, as data, printing nothing."""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import goalengine
from goalengine import DataError, Diagnostic, Span, Validation, validate
from goalengine.validation import sort_diagnostics

ROOT = Path(__file__).resolve().parent.parent
TYPO = "tests/fixtures/docs/typo.yaml"
SECOND = "tests/fixtures/cli/report/second.yaml"
INVALID = "tests/fixtures/cli/invalid"
VERDICTS = "tests/fixtures/cli/report/verdicts.yaml"


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def test_a_typo_is_one_positioned_error(capsys: pytest.CaptureFixture[str]) -> None:
    found = validate(TYPO)
    assert (found.ok, found.files, found.goals) == (False, 1, 1)
    [error] = found.errors
    assert error.message == "unknown metric 'employment_rte'"
    assert (error.span.file, error.span.line, error.span.column) == (TYPO, 4, 11)
    assert error.hint == "did you mean 'employment_rate'?"
    assert capsys.readouterr() == ("", "")


def test_every_problem_at_once_as_the_command_prints_them() -> None:
    found = validate([INVALID, VERDICTS])
    assert (len(found.errors), len(found.warnings)) == (6, 1)
    golden = (ROOT / "tests" / "golden" / "cli-validate.txt").read_text(encoding="utf-8")
    assert "".join(d.format() + "\n" for d in found.diagnostics) == golden


def test_clean_files_and_a_path_object() -> None:
    found = validate(Path(SECOND))
    assert found == Validation(diagnostics=(), files=1, goals=1)
    assert found.ok


def test_missing_paths_are_diagnostics_with_the_rest() -> None:
    found = validate(["nope", TYPO])
    assert found.diagnostics[0] == Diagnostic("error", "no such file or directory", Span("nope"))
    assert found.diagnostics[1].message == "unknown metric 'employment_rte'"


def test_given_data_replaces_the_files_own() -> None:
    found = validate(SECOND, data={"visitors": {"2011": 1}})
    assert [d.message for d in found.errors] == ["unknown metric 'visits'"]
    assert validate(SECOND, data={"visits": {"2011": 1}}).ok


def test_unreadable_given_data_raises(tmp_path: Path) -> None:
    bad = tmp_path / "d.csv"
    bad.write_text("metric,period,value\nm,2012,lots\n", encoding="utf-8")
    with pytest.raises(DataError, match="cannot read value 'lots'"):
        validate(SECOND, data=bad)


def test_a_data_root_must_be_a_directory(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="not a directory"):
        validate(SECOND, data_root=tmp_path / "absent")


def test_data_outside_the_root_is_an_error(tmp_path: Path) -> None:
    rules = tmp_path / "rules" / "r.yaml"
    rules.parent.mkdir()
    (tmp_path / "d.csv").write_text("metric,period,value\nm,2011,1\n", encoding="utf-8")
    rules.write_text("data: ../d.csv\ngoals:\n  - id: a\n    rule: m >= 1\n", encoding="utf-8")
    assert not validate(rules, data_root=rules.parent).ok
    assert validate(rules, data_root=tmp_path).ok


def test_the_result_is_frozen() -> None:
    found = validate(SECOND)
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.files = 2  # type: ignore[misc]
    assert goalengine.validate is validate


_spans = st.builds(
    Span,
    file=st.sampled_from(["a.yaml", "b.yaml", None]),
    line=st.none() | st.integers(1, 5),
    column=st.none() | st.integers(1, 5),
)
_diagnostics = st.builds(Diagnostic, st.sampled_from(["error", "warning"]), st.text(), _spans)


@given(st.lists(_diagnostics))
def test_sorted_by_file_in_order_first_seen_then_position(problems: list[Diagnostic]) -> None:
    ordered = sort_diagnostics(problems)
    assert sorted(map(repr, ordered)) == sorted(map(repr, problems))
    files = list(dict.fromkeys(p.span.file for p in problems))
    assert list(dict.fromkeys(p.span.file for p in ordered)) == files
    changes = sum(a.span.file != b.span.file for a, b in itertools.pairwise(ordered))
    assert changes == max(len(files) - 1, 0)  # each file's problems together
    for before, after in itertools.pairwise(ordered):
        if before.span.file == after.span.file:
            assert (before.span.line or 0, before.span.column or 0) <= (
                after.span.line or 0,
                after.span.column or 0,
            )
