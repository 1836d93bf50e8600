"""``--data -`` reads CSV from standard input; the API takes pandas and polars frames."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from goalengine import DataError, Goal, RuleSet, Verdict, evaluate
from goalengine.data.frames import from_frame

ROOT = Path(__file__).resolve().parents[2]
Write = Callable[[str, str], Path]
RULES = RuleSet(goals=(Goal(id="jobs", rule="employment_rate >= 75 by 2023-Q1"),))


def _goalengine(*argv: str, stdin: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "goalengine", *argv], input=stdin, capture_output=True,
        text=True, cwd=ROOT, timeout=120, env={"PYTHONPATH": str(ROOT), "NO_COLOR": "1"},
    )  # fmt: skip


def test_data_from_standard_input(write: Write) -> None:
    rules = write("r.yaml", "as_of: 2023-06-30\ngoals:\n  - {id: g, rule: x >= 2 by 2023-Q1}\n")
    done = _goalengine("check", str(rules), "--data", "-", "--format", "json",
                       stdin="metric,period,value\nx,2022,1\nx,2023K1,2\n")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert '"verdict": "met"' in done.stdout


def test_a_bad_line_on_standard_input_is_placed(write: Write) -> None:
    rules = write("r.yaml", "goals:\n  - {id: g, rule: x >= 2 by 2023}\n")
    done = _goalengine("check", str(rules), "--data", "-", stdin="metric,period,value\nx,20x,1\n")
    assert done.returncode == 2
    assert "<stdin>:2:3: error: '20x' is not a period" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_long_pandas_frame() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"metric": ["employment_rate"] * 2, "period": ["2022K4", "2023K1"],
                          "value": [74.0, 75.5]})  # fmt: skip
    assert [r.verdict for r in evaluate(RULES, data=frame).results] == [Verdict.MET]


def test_a_mapped_polars_frame_with_a_missing_figure() -> None:
    pl = pytest.importorskip("polars")
    frame = pl.DataFrame({"Kommune": [101, 101, 147], "Tid": ["2022K4", "2023K1", "2023K1"],
                          "Indhold": [74.0, 75.5, None]})  # fmt: skip
    columns = {"entity": "Kommune", "period": "Tid", "value": "Indhold"}
    data = from_frame(frame, metric="employment_rate", columns=columns)
    assert data.entities("employment_rate") == ["101"]
    series = data.get("employment_rate", "101")
    assert series is not None and [o.value for o in series] == [74.0, 75.5]


def test_a_wrong_frame_is_a_data_error_naming_row_and_column() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"metric": ["x"], "period": ["2023"], "value": ["lots"]})
    with pytest.raises(DataError) as caught:
        evaluate(RULES, data=frame)
    assert caught.value.message == "cannot read value 'lots' as a number (row 1, column 'value')"
    with pytest.raises(DataError) as caught:
        evaluate(RULES, data=pd.DataFrame({"a": [1]}))
    assert caught.value.message == "<DataFrame> has no metric or period or value column"


def test_data_of_no_known_kind_is_a_data_error_not_a_type_error() -> None:
    with pytest.raises(DataError) as caught:
        evaluate(RULES, data=[("employment_rate", "2023", 75)])  # type: ignore[arg-type]
    assert caught.value.message == "data must be a pandas or polars DataFrame, not list"


def test_validate_reads_standard_input(write: Write) -> None:
    rules = write("r.yaml", "goals:\n  - {id: g, rule: x >= 1 by 2030}\n")
    good = _goalengine(
        "validate", str(rules), "--data", "-", stdin="metric,period,value\nx,2022,1\n"
    )
    assert good.returncode == 0, good.stderr
    wrong = _goalengine(
        "validate", str(rules), "--data", "-", stdin="metric,period,value\ny,2022,1\n"
    )
    assert wrong.returncode == 2
    assert "r.yaml:2:19: error: unknown metric 'x'" in wrong.stderr
