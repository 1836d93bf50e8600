"""Spreadsheets written by openpyxl (the library that owns .xlsx), read by goalengine."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from goalengine import DataError
from goalengine.data.sources import parse_spec, read_source

openpyxl = pytest.importorskip("openpyxl")
pytest.importorskip("python_calamine")


def _book(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def _read(path: Path, **entry: object) -> dict[tuple[str, str | None], dict[str, float]]:
    spec, problems = parse_spec(entry)
    assert not problems
    reading = read_source(path, spec, name=path.name)
    return {
        (s.metric, s.entity): {str(o.period): o.value for o in s} for s in reading.dataset.series
    }


def test_a_named_sheet_with_a_title_above_the_header(tmp_path: Path) -> None:
    path = _book(
        tmp_path / "aku.xlsx",
        {
            "Notes": [["read me"]],
            "Data": [
                ["Employment rate, 16-64 years"],
                [],
                ["Kommune", "Tid", "Indhold"],
                [101, "2022K4", 75.1],
                [101, "2023K1", ".."],
                [147, "2023K1", 72.5],
            ],
        },
    )
    found = _read(path, sheet="Data", header=3, metric="employment_rate",
                  columns={"entity": "Kommune", "period": "Tid", "value": "Indhold"})  # fmt: skip
    assert found == {
        ("employment_rate", "101"): {"2022-Q4": 75.1},
        ("employment_rate", "147"): {"2023-Q1": 72.5},
    }


def test_a_range_of_a_wide_sheet_with_numeric_years(tmp_path: Path) -> None:
    path = _book(
        tmp_path / "wide.xlsx",
        {
            "Sheet1": [
                ["", "", "", ""],
                ["", "metric", 2021, 2022, "total"],
                ["", "waste_tonnes", 10.5, 9.75, 20.25],
                ["", "recycling_share", 0.4, 0.45, None],
            ]
        },
    )
    found = _read(path, range="B2:D4", layout="wide")
    assert found == {
        ("waste_tonnes", None): {"2021": 10.5, "2022": 9.75},
        ("recycling_share", None): {"2021": 0.4, "2022": 0.45},
    }


def test_a_date_cell_is_a_day(tmp_path: Path) -> None:
    path = _book(tmp_path / "d.xlsx", {"S": [["period", "value"], [dt.date(2023, 3, 31), 4]]})
    assert _read(path, metric="x") == {("x", None): {"2023-03-31": 4.0}}


def test_a_bad_cell_is_named_by_sheet_row_and_column(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["metric", "period", "value"],
        ["x", "2021", 1],
        ["x", "2022", "n/d"],
    ]
    path = _book(tmp_path / "b.xlsx", {"Data": rows})
    spec, _ = parse_spec({})
    with pytest.raises(DataError) as caught:
        read_source(path, spec, name="b.xlsx")
    error = caught.value
    assert error.message == "cannot read value 'n/d' as a number (cell C3)"
    assert error.span.location() == "b.xlsx[Data]:3:3"


def test_an_unknown_sheet_gets_a_did_you_mean(tmp_path: Path) -> None:
    path = _book(tmp_path / "s.xlsx", {"Data": [["metric", "period", "value"]]})
    spec, _ = parse_spec({"sheet": "data2"})
    with pytest.raises(DataError) as caught:
        read_source(path, spec, name="s.xlsx")
    assert caught.value.message == "s.xlsx has no sheet 'data2'"
    assert caught.value.hint == "did you mean 'Data'?"


def test_a_file_that_is_no_workbook_is_an_error_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"metric,period,value\n")
    spec, _ = parse_spec({})
    with pytest.raises(DataError) as caught:
        read_source(path, spec, name="fake.xlsx")
    assert caught.value.message.startswith("cannot read fake.xlsx as a spreadsheet")


def test_a_workbook_outside_the_data_root_is_refused(tmp_path: Path) -> None:
    inside, outside = tmp_path / "in", tmp_path / "out"
    inside.mkdir()
    outside.mkdir()
    path = _book(outside / "o.xlsx", {"S": [["metric", "period", "value"]]})
    spec, _ = parse_spec({})
    with pytest.raises(DataError) as caught:
        read_source(path, spec, root=inside)
    assert "lies outside the data root" in caught.value.message


def test_a_workbook_that_unpacks_too_far_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from goalengine.data import excel

    path = _book(tmp_path / "z.xlsx", {"S": [["metric", "period", "value"], ["x", "2020", 1]]})
    monkeypatch.setattr(excel, "MAX_SPREADSHEET_UNZIPPED_BYTES", 1000)
    spec, _ = parse_spec({})
    with pytest.raises(DataError) as caught:
        read_source(path, spec, name="z.xlsx")
    assert caught.value.message.startswith("z.xlsx unpacks to ")
    monkeypatch.setattr(excel, "MAX_SPREADSHEET_UNZIPPED_BYTES", 10**9)
    monkeypatch.setattr(excel, "MAX_SHEET_CELLS", 5)
    with pytest.raises(DataError) as caught:
        read_source(path, spec, name="z.xlsx")
    assert caught.value.message == "sheet 'S' has 6 cells; the limit is 5"


def test_an_ods_written_by_pandas_and_odfpy(tmp_path: Path) -> None:
    """A real OpenDocument spreadsheet (pandas writes it through odfpy), read by the same
    reader as .xlsx: header, Statistics Denmark quarters, the '..' marker skipped."""
    pd = pytest.importorskip("pandas")
    pytest.importorskip("odf")
    path = tmp_path / "aku.ods"
    frame = pd.DataFrame(
        {"Kommune": ["101", "101", "147"], "Tid": ["2022K4", "2023K1", "2023K1"],
         "Indhold": [75.1, "..", 72.5]}
    )  # fmt: skip
    with pd.ExcelWriter(path, engine="odf") as writer:
        frame.to_excel(writer, sheet_name="Data", index=False)
    assert path.read_bytes()[:2] == b"PK"  # a zip, as OpenDocument is
    found = _read(path, sheet="Data", metric="employment_rate",
                  columns={"entity": "Kommune", "period": "Tid", "value": "Indhold"})  # fmt: skip
    assert found == {
        ("employment_rate", "101"): {"2022-Q4": 75.1},
        ("employment_rate", "147"): {"2023-Q1": 72.5},
    }
