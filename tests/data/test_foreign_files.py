"""Files written by other tools read as they were meant, or are refused with a place."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from goalengine import DataError
from goalengine.data import load_dataset
from goalengine.data.columnar import read_frame

FIGURES = [58.678, 0.1, 1234.5, -3.25, 1e-07, 123456789.125]


def _values(path: Path, decimal: str | None = None) -> list[float]:
    series = load_dataset(path, decimal=decimal).get("x")  # type: ignore[arg-type]
    assert series is not None
    frame = read_frame(path, decimal=decimal)  # type: ignore[arg-type]
    values = [o.value for o in series]
    assert frame.unscoped[0][~np.isnan(frame.unscoped[0])].tolist() == values
    return values


def _rows() -> dict[str, list[object]]:
    return {
        "metric": ["x"] * len(FIGURES),
        "period": [str(2000 + i) for i in range(len(FIGURES))],
        "value": FIGURES,
    }


def test_pandas_with_three_decimals(tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    path = tmp_path / "d.csv"
    pd.DataFrame(_rows()).to_csv(path, index=False, float_format="%.3f")
    assert _values(path) == [float(f"{x:.3f}") for x in FIGURES]


def test_pandas_danish(tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    path = tmp_path / "d.csv"
    pd.DataFrame(_rows()).to_csv(path, index=False, sep=";", decimal=",")
    assert _values(path) == FIGURES


def test_polars(tmp_path: Path) -> None:
    pl = pytest.importorskip("polars")
    path = tmp_path / "d.csv"
    pl.DataFrame(_rows()).write_csv(path)
    assert _values(path) == FIGURES


def test_python_csv_module(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    rows = _rows()
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(rows)
        writer.writerows(zip(*rows.values(), strict=True))
    assert _values(path) == FIGURES


def test_python_csv_module_with_decimal_comma_in_a_comma_file(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["metric", "period", "value"])
        writer.writerows([["x", "2010", "54,4"], ["x", "2011", "1.234,5"]])
    with pytest.raises(DataError) as caught:
        load_dataset(path)
    assert (caught.value.span.line, caught.value.span.column) == (2, 8)
    assert _values(path, decimal="comma") == [54.4, 1234.5]


@pytest.mark.parametrize(("bad", "what"), [(math.nan, "not a number"), (math.inf, "not finite")])
def test_pyarrow_parquet_with_nan_or_inf(tmp_path: Path, bad: float, what: str) -> None:
    path = tmp_path / "d.parquet"
    pq.write_table(
        pa.table({"metric": ["x", "x"], "period": ["2010", "2011"], "value": [1, bad]}), path
    )
    with pytest.raises(DataError) as caught:
        load_dataset(path)
    assert caught.value.message.startswith("row 2: the value is not a")
    assert what.split()[-1] in caught.value.message


def test_pyarrow_parquet_reads_exactly(tmp_path: Path) -> None:
    path = tmp_path / "d.parquet"
    pq.write_table(pa.table(_rows()), path)
    assert _values(path) == FIGURES
