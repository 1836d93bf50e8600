"""Parquet and the columnar Frame: the same data as the CSV reader, the same errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from goalengine import DataError, Goal, evaluate
from goalengine.data import load_dataset, read_csv_text
from goalengine.data.columnar import Frame, read_csv_frame, read_frame, read_parquet_frame

CSV = """metric,period,value,entity
employment_rate,2007-H1,54.4,
employment_rate,2008-08,59.9,
youth,2010,4.1,Bispebjerg
youth,2011,3.8,Bispebjerg
youth,2010,2.2,Østerbro
youth,2011,2.6,Østerbro
youth,2011,3.1,big4_average
"""


def _write(path: Path, columns: dict[str, object], **options: object) -> Path:
    pq.write_table(pa.table(columns), path, **options)  # type: ignore[arg-type]
    return path


def _table_of_csv() -> dict[str, object]:
    lines = [line.split(",") for line in CSV.strip().splitlines()[1:]]
    return {
        "metric": [row[0] for row in lines],
        "period": [row[1] for row in lines],
        "value": [float(row[2]) for row in lines],
        "entity": [row[3] or None for row in lines],
    }


def _series(dataset: object) -> list[tuple[str, str | None, list[tuple[str, float]]]]:
    found = [
        (s.metric, s.entity, [(str(o.period), o.value) for o in s.observations])
        for s in dataset.series  # type: ignore[attr-defined]
    ]
    return sorted(found, key=lambda item: (item[0], item[1] or ""))


def test_parquet_reads_what_the_csv_reader_reads(tmp_path: Path) -> None:
    path = _write(tmp_path / "d.parquet", _table_of_csv())
    assert _series(load_dataset(path)) == _series(read_csv_text(CSV))


def test_dictionary_columns_integer_years_and_small_batches(tmp_path: Path) -> None:
    years = list(range(2000, 2020)) * 50
    table = {
        "metric": pa.array(["x"] * 1000).dictionary_encode(),
        "entity": pa.array([f"e{i // 20:02d}" for i in range(1000)]).dictionary_encode(),
        "period": pa.array(years, type=pa.int64()),
        "value": pa.array(np.arange(1000, dtype=np.float64)),
    }
    path = _write(tmp_path / "d.parquet", table, row_group_size=300)
    frame = read_parquet_frame(path, batch_size=128)
    assert frame.metrics == ("x",)
    assert len(frame.entity_names) == 50 and len(frame.periods) == 20
    assert frame.values[0, 3, 5] == 3 * 20 + 5
    assert len(frame) == 1000


def test_entityless_rows_from_null_or_empty(tmp_path: Path) -> None:
    columns = {
        "metric": ["x", "x", "x"],
        "period": ["2010", "2011", "2010"],
        "value": [1.0, 2.0, 3.0],
        "entity": [None, "", "north"],
    }
    frame = read_parquet_frame(_write(tmp_path / "d.parquet", columns))
    assert frame.entity_names == ("north",)
    assert frame.entities("x") == ["north", None]
    assert frame.unscoped[0].tolist() == [1.0, 2.0]


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ({"metric": ["x"], "value": [1.0]}, "missing column(s) period"),
        (
            {"metric": ["x"], "period": ["2010"], "value": [1.0], "colour": ["red"]},
            "unknown column 'colour'",
        ),
        (
            {"metric": ["x", "x"], "period": ["2010", "2011"], "value": [1.0, None]},
            "row 2: missing value",
        ),
        (
            {"metric": ["x"], "period": ["2010"], "value": [float("nan")]},
            "row 1: the value is not a number",
        ),
        (
            {"metric": ["x", "x"], "period": ["2010", "20x1"], "value": [1.0, 2.0]},
            "row 2: '20x1' is not a period",
        ),
        (
            {"metric": ["x", None], "period": ["2010", "2011"], "value": [1.0, 2.0]},
            "row 2: missing metric name",
        ),
        (
            {
                "metric": ["x", "y", "x"],
                "period": ["2010", "2010", "2010"],
                "value": [1.0, 5.0, 2.0],
            },
            "row 3: x in 2010 is 2 here but 1 in row 1",
        ),
    ],
)
def test_errors_name_the_row(tmp_path: Path, columns: dict[str, object], message: str) -> None:
    path = _write(tmp_path / "bad.parquet", columns)
    for read in (read_parquet_frame, load_dataset):
        with pytest.raises(DataError) as caught:
            read(path)
        assert caught.value.message == message
        assert caught.value.span.file == str(path)


def test_the_same_duplicate_twice_is_fine(tmp_path: Path) -> None:
    columns = {"metric": ["x", "x"], "period": ["2010", "2010"], "value": [1.0, 1.0]}
    frame = read_parquet_frame(_write(tmp_path / "d.parquet", columns))
    assert len(frame) == 1


def test_unreadable_file_is_a_data_error(tmp_path: Path) -> None:
    path = tmp_path / "not.parquet"
    path.write_text("metric,period,value\n")
    with pytest.raises(DataError) as caught:
        load_dataset(path)
    assert caught.value.message.startswith("cannot read Parquet file")


def test_published_dates_are_kept(tmp_path: Path) -> None:
    columns = {
        "metric": ["budget", "budget"],
        "period": ["2009", "2010"],
        "value": [10.0, 12.0],
        "published": [None, "2009-03-01"],
    }
    path = _write(tmp_path / "d.parquet", columns)
    frame = read_parquet_frame(path)
    assert frame.published_metrics == frozenset({"budget"})
    series = load_dataset(path).get("budget")
    assert series is not None
    assert [o.published for o in series] == [None, date(2009, 3, 1)]


def test_frame_and_dataset_round_trip() -> None:
    dataset = read_csv_text(CSV)
    frame = Frame.from_dataset(dataset)
    assert frame.periods == tuple(sorted(frame.periods))
    assert frame.entity_names == ("Bispebjerg", "big4_average", "Østerbro")
    assert _series(frame.to_dataset()) == _series(dataset)
    assert _series(frame.to_dataset(["youth"])) == [s for s in _series(dataset) if s[0] == "youth"]
    assert frame.entities_of(["youth"]) == ("Bispebjerg", "big4_average", "Østerbro")
    assert frame.nbytes == frame.values.nbytes + frame.unscoped.nbytes


@pytest.mark.parametrize(
    "text",
    [
        CSV,
        "metric;period;value;entity\nx;2010;1,5 %;north\nx;2011;2,25;north\nx;2010;3;\n",
        "\ufeffmetric,period,value\n\nx,2010,1.5\nx,2011,2\n",
    ],
)
def test_csv_frame_is_the_csv_reader(tmp_path: Path, text: str) -> None:
    path = tmp_path / "d.csv"
    path.write_text(text, encoding="utf-8")
    frame = read_csv_frame(path)
    assert _series(frame.to_dataset()) == _series(read_csv_text(text))
    assert read_frame(path).source == str(path)


def test_csv_frame_errors_are_the_csv_readers(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("metric,period,value\nx,2010,1\nx,2010,abc\n", encoding="utf-8")
    with pytest.raises(DataError) as frame_error:
        read_csv_frame(path)
    with pytest.raises(DataError) as csv_error:
        load_dataset(path)
    assert frame_error.value.message == csv_error.value.message
    assert frame_error.value.span == csv_error.value.span


def test_goals_judged_from_parquet(tmp_path: Path) -> None:
    path = _write(tmp_path / "d.parquet", _table_of_csv())
    goal = Goal.parse("youth <= youth@big4_average", id="g", for_each="entity")
    report = evaluate(goal, path, as_of="2011-12-31")
    assert [(r.entity, r.verdict.value) for r in report.results] == [
        ("Bispebjerg", "missed"),
        ("Østerbro", "met"),
    ]
