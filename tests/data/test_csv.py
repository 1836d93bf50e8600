"""CSV datasets: Danish exports read, every bad cell named by line and column."""

import pytest

from goalengine import DataError
from goalengine.data import load_dataset, read_csv_text


def test_danish_export_with_bom_semicolons_decimal_comma_and_percent() -> None:
    data = read_csv_text(
        "\ufeffmetric;period;value;source\n\nemployment_rate;2007-H1;54,4 %;BIF\n"
        "employment_rate;2008-08;59,9;BIF\n",
        "d.csv",
    )
    series = data.get("employment_rate")
    assert series is not None
    assert [o.value for o in series] == [54.4, 59.9]
    assert [str(o.period) for o in series] == ["2007-H1", "2008-08"]
    assert series.observations[0].source == "BIF"


def test_rows_are_sorted_and_entities_kept_apart() -> None:
    data = read_csv_text(
        "metric,period,value,entity\nx,2011,2,north\nx,2010,1,north\nx,2010,5,south\n"
    )
    north = data.get("x", "north")
    assert north is not None
    assert [o.value for o in north] == [1, 2]
    assert data.entities("x") == ["north", "south"]


def test_same_duplicate_is_fine_a_conflicting_one_is_an_error() -> None:
    read_csv_text("metric,period,value\nx,2010,1\nx,2010,1.0\n")
    with pytest.raises(DataError) as caught:
        read_csv_text("metric,period,value\nx,2010,1\nx,2010,2\n", "d.csv")
    error = caught.value
    assert error.message == "x in 2010 is 2 here but 1 on line 2"
    assert (error.span.file, error.span.line, error.span.column) == ("d.csv", 3, 8)


@pytest.mark.parametrize(
    ("text", "message", "line", "column"),
    [
        ("metric,period,value\nx,2010,abc\n", "cannot read value 'abc' as a number", 2, 8),
        ("metric,period,value\nx,2010-X,1\n", "'2010-X' is not a period", 2, 3),
        ("metric,period,valeu\nx,2010,1\n", "unknown column 'valeu'", 1, 15),
        ("metric,value\nx,1\n", "missing column period", 1, 1),
        ("", "data file is empty", 1, None),
    ],
)
def test_bad_cells(text: str, message: str, line: int, column: int | None) -> None:
    with pytest.raises(DataError) as caught:
        read_csv_text(text, "d.csv")
    assert caught.value.message == message
    assert (caught.value.span.line, caught.value.span.column) == (line, column)


def test_thousands_separators_in_danish_numbers() -> None:
    data = read_csv_text("metric;period;value\nbudget;2009;1.234,5\n")
    series = data.get("budget")
    assert series is not None
    assert series.observations[0].value == 1234.5


def test_load_dataset_from_a_mapping_and_unknown_format(tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = load_dataset({"x": {2010: 1, "2011-H1": "2,5"}})
    series = data.get("x")
    assert series is not None
    assert [o.value for o in series] == [1, 2.5]
    with pytest.raises(DataError, match="unknown data format"):
        load_dataset(tmp_path / "data.xlsx")
