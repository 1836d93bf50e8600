"""Data files are untrusted: every problem is positioned, nothing of a stranger file is echoed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from goalengine import DataError
from goalengine.data import load_dataset, read_csv_text
from goalengine.data.columnar import read_csv_text_frame, read_frame
from goalengine.data.csv import NOT_DATA
from goalengine.limits import Limits

ROOT = Path(__file__).resolve().parents[2]


def _error(text: str) -> DataError:
    caught = []
    for read in (read_csv_text, read_csv_text_frame):
        with pytest.raises(DataError) as error:
            read(text, "d.csv")
        caught.append(error.value)
    assert caught[0].message == caught[1].message and caught[0].span == caught[1].span
    return caught[0]


def test_a_duplicated_column_is_an_error_where_it_repeats() -> None:
    error = _error("metric,period,value,value\nx,2010,1,2\n")
    assert error.message == "column 'value' appears twice in the header"
    assert (error.span.line, error.span.column) == (1, 21)


def test_a_cell_over_the_csv_field_limit_is_positioned() -> None:
    error = _error("metric,period,value,note\nx,2010,1,ok\nx,2011,2," + "a" * 200_000 + "\n")
    assert error.span.line == 3 and error.span.column == 1
    assert "longer than" in error.message


def test_a_file_that_is_not_data_is_never_quoted() -> None:
    for text in (
        "API_KEY=hunter2\nTOKEN=abc\n",
        "PATH=/bin\0HOME=/root\0",
        "user,password\nme,hunter2\n",
    ):
        error = _error(text)
        assert error.message == NOT_DATA
        assert "hunter2" not in str(error) and "/root" not in str(error)


def test_excerpts_are_short_and_escaped() -> None:
    error = _error("metric,period,value\nx,2010,\x1b]0;pwned\x07\u202e" + "9" * 500 + "\n")
    shown = str(error)
    assert "\x1b" not in shown and "\u202e" not in shown and "\x07" not in shown
    assert "\\x1b" in shown
    assert len(error.message) < 120
    assert "9" * 100 not in shown


def test_an_implausible_period_is_quoted_short_and_escaped() -> None:
    error = _error("metric,period,value\nx,\x1b[31m" + "2" * 300 + ",1\n")
    assert "\x1b" not in str(error) and "2" * 50 not in str(error)
    assert (error.span.line, error.span.column) == (2, 3)


def _parquet(path: Path, table: pa.Table) -> Path:
    pq.write_table(table, path)
    return path


def test_parquet_list_columns_are_refused_by_type(tmp_path: Path) -> None:
    table = pa.table({"metric": ["x"], "period": ["2010"], "value": [[1.0, 2.0]]})
    with pytest.raises(DataError) as caught:
        load_dataset(_parquet(tmp_path / "d.parquet", table))
    assert caught.value.message.startswith("column 'value' holds list")


def test_parquet_struct_note_is_refused(tmp_path: Path) -> None:
    table = pa.table({"metric": ["x"], "period": ["2010"], "value": [1.0], "note": [{"a": 1}]})
    with pytest.raises(DataError, match="column 'note' holds struct"):
        load_dataset(_parquet(tmp_path / "d.parquet", table))


def test_parquet_duplicated_columns(tmp_path: Path) -> None:
    arrays = [pa.array(["x"]), pa.array(["2010"]), pa.array([1.0]), pa.array([2.0])]
    table = pa.Table.from_arrays(arrays, names=["metric", "period", "value", "value"])
    with pytest.raises(DataError, match="column 'value' appears twice"):
        load_dataset(_parquet(tmp_path / "d.parquet", table))


def test_parquet_cells_are_checked_before_reading(tmp_path: Path) -> None:
    table = pa.table({"metric": ["x"] * 10, "period": ["2010"] * 10, "value": [1.0] * 10})
    path = _parquet(tmp_path / "d.parquet", table)
    with pytest.raises(DataError, match="10 rows x 3 columns; the limit is 20 cells"):
        load_dataset(path, limits=Limits(parquet_cells=20))
    assert len(load_dataset(path, limits=Limits(parquet_cells=30))) == 1


@pytest.mark.parametrize("period", ["0000", "0000-02-29", "\x1b" + "9" * 40])
def test_parquet_bad_periods_name_the_row(tmp_path: Path, period: str) -> None:
    table = pa.table({"metric": ["x", "x"], "period": ["2010", period], "value": [1.0, 2.0]})
    with pytest.raises(DataError) as caught:
        read_frame(_parquet(tmp_path / "d.parquet", table))
    assert caught.value.message.startswith("row 2: ")
    assert "\x1b" not in str(caught.value)


# -- through the command line ---------------------------------------------------------------

RULES = "data: d.csv\ngoals:\n  - id: g\n    rule: x <= 60\n"


def _check(tmp_path: Path, csv_text: str, rules: str = RULES) -> subprocess.CompletedProcess[str]:
    (tmp_path / "d.csv").write_text(csv_text, encoding="utf-8")
    (tmp_path / "rules.yaml").write_text(rules, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    argv = ["check", "rules.yaml", "--format", "json", "--as-of", "2012"]
    return subprocess.run(
        [sys.executable, "-m", "goalengine", *argv],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def test_cli_reads_three_decimals_as_decimals(tmp_path: Path) -> None:
    done = _check(tmp_path, "metric,period,value\nx,2010,58.678\n")
    assert done.returncode == 0, done.stderr
    assert '"verdict": "met"' in done.stdout
    assert '"latest": 58.678' in done.stdout


@pytest.mark.parametrize(
    ("csv_text", "where"),
    [
        *[(f'metric,period,value\nx,2010,"{v}"\n', "d.csv:2:8") for v in
          ("1e309", "inf", "-inf", "nan", "Infinity", "١٢٣", "0x10", "1_0", "54,4")],
        ("metric,period,value,value\nx,2010,1,1\n", "d.csv:1:21"),
        ("metric;period;value\nx;2010;54.4\n", "d.csv:2:8"),
    ],
)  # fmt: skip
def test_cli_refuses_with_a_place_and_exit_2(tmp_path: Path, csv_text: str, where: str) -> None:
    done = _check(tmp_path, csv_text)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert where in done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
