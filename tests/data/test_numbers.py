"""Numbers are read exactly as written, under the file's convention, or refused with a place."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from goalengine import DataError
from goalengine.data import load_dataset, read_csv_text
from goalengine.data.columnar import read_csv_text_frame
from goalengine.data.numbers import NumberError, number_from_value, read_number


def _grouped(x: float, separator: str) -> str:
    """``x`` as a Danish export writes it: digits grouped in threes, decimal comma."""
    text = repr(x)
    sign = "-" if text.startswith("-") else ""
    mantissa, e, exponent = text.lstrip("-").partition("e")
    whole, _, fraction = mantissa.partition(".")
    grouped = f"{int(whole):,}".replace(",", separator)
    return sign + grouped + ("," + fraction if fraction else "") + e + exponent


WRITERS = {
    "repr, ','-separated": (",", repr),
    "decimal comma, ';'-separated": (";", lambda x: repr(x).replace(".", ",")),
    "'.' grouping": (";", lambda x: _grouped(x, ".")),
    "space grouping": (";", lambda x: _grouped(x, " ")),
    "NBSP grouping and a percent sign": (";", lambda x: _grouped(x, "\u00a0") + " %"),
}


def _same(a: float, b: float) -> bool:
    return a == b and math.copysign(1, a) == math.copysign(1, b)


@pytest.mark.parametrize("writer", WRITERS, ids=str)
@given(x=st.floats(allow_nan=False, allow_infinity=False))
def test_every_finite_float_reads_back_exactly(writer: str, x: float) -> None:
    separator, write = WRITERS[writer]
    text = f"metric{separator}period{separator}value\nx{separator}2010{separator}{write(x)}\n"
    series = read_csv_text(text, "d.csv").get("x")
    assert series is not None
    assert _same(series.observations[0].value, x)
    frame = read_csv_text_frame(text, "d.csv")
    assert _same(float(frame.unscoped[0, 0]), x)


def test_three_decimals_in_a_comma_separated_file_are_decimals() -> None:
    series = read_csv_text("metric,period,value\nx,2010,58.678\n").get("x")
    assert series is not None and series.observations[0].value == 58.678


def test_the_same_text_in_a_semicolon_file_is_grouped_thousands() -> None:
    series = read_csv_text("metric;period;value\nx;2010;58.678\n").get("x")
    assert series is not None and series.observations[0].value == 58678


@pytest.mark.parametrize(
    ("text", "decimal", "expected"),
    [
        ('metric,period,value\nx,2010,"54,4"\n', "comma", 54.4),
        ('metric,period,value\nx,2010,"1.234,5"\n', "comma", 1234.5),
        ("metric;period;value\nx;2010;54.4\n", "point", 54.4),
    ],
)
def test_decimal_overrides_the_separator(text: str, decimal: str, expected: float) -> None:
    for read in (read_csv_text, read_csv_text_frame):
        with pytest.raises(DataError):
            read(text, "d.csv")  # under the separator's convention it is not a number
    series = read_csv_text(text, "d.csv", decimal=decimal).get("x")  # type: ignore[arg-type]
    assert series is not None and series.observations[0].value == expected
    frame = read_csv_text_frame(text, "d.csv", decimal=decimal)  # type: ignore[arg-type]
    assert frame.unscoped[0, 0] == expected


REFUSED = ["1e309", "-1e400", "inf", "-inf", "nan", "NaN", "Infinity", "١٢٣", "0x10", "1_0",
           "1,5", "1.234.5", "12.34.567", "1e", "--1", "5 5", "+", "%"]  # fmt: skip


@pytest.mark.parametrize("value", REFUSED)
def test_values_that_are_not_finite_ascii_numbers_are_refused_with_a_place(value: str) -> None:
    text = f'metric,period,value\nx,2010,1\nx,2011,"{value}"\n'
    for read in (read_csv_text, read_csv_text_frame):
        with pytest.raises(DataError) as caught:
            read(text, "d.csv")
        span = caught.value.span
        assert (span.file, span.line, span.column) == ("d.csv", 3, 8)
        assert "decimal" in (caught.value.hint or "")


@pytest.mark.parametrize("value", ["54.4", "1.23,4"])
def test_a_semicolon_file_refuses_decimal_points_and_names_its_convention(value: str) -> None:
    with pytest.raises(DataError) as caught:
        read_csv_text(f"metric;period;value\nx;2010;{value}\n", "d.csv")
    assert (caught.value.span.line, caught.value.span.column) == (2, 8)
    assert "decimal comma" in (caught.value.hint or "")
    assert "decimal: point" in (caught.value.hint or "")


def test_a_comma_file_hint_names_the_override() -> None:
    with pytest.raises(DataError) as caught:
        read_csv_text('metric,period,value\nx,2010,"54,4"\n', "d.csv")
    assert "decimal point" in (caught.value.hint or "")
    assert "decimal: comma" in (caught.value.hint or "")


def test_read_number_is_the_one_definition() -> None:
    assert read_number(" 54,4 % ", "comma") == 54.4
    assert read_number("1\u202f234,5", "comma") == 1234.5
    assert read_number(".5", "point") == 0.5
    for text, convention in [("1.234 567,8", "comma"), ("1.23", "comma"), ("1,234", "point")]:
        with pytest.raises(NumberError):
            read_number(text, convention)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(3, 3.0), (2.5, 2.5), ("2,5", 2.5), ("54.4", 54.4), ("1.234,5", 1234.5), ("7", 7.0)],
)
def test_inline_values(raw: object, expected: float) -> None:
    assert number_from_value(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [float("inf"), float("nan"), 10**400, -(10**400), "1.234", "١٢٣", "0x10", "1_0", True, None,
     "1e400", [1]],
)  # fmt: skip
def test_inline_values_refused(raw: object) -> None:
    with pytest.raises(NumberError):
        number_from_value(raw)
    with pytest.raises(DataError) as caught:
        load_dataset({"x": {2010: raw}})
    assert "x in 2010" in caught.value.message


FAST_CASES = [
    "metric,period,value,entity\nx,2010,58.678,a\nx,2011, 1e-3 %, a \n\ny,2010-H1,-.5,\n",
    "\ufeffmetric;period;value;note\nx;2010;1.234,5;n\nx;2011;1\u00a0234\u00a0567,25 %;\n",
    "metric,period,value\r\nx,2010,1\r\nx,2010,1.0\r\n",
]


@pytest.mark.parametrize("text", FAST_CASES)
def test_the_columnar_path_reads_what_the_row_path_reads(text: str) -> None:
    from goalengine.data.columnar import _columns_of, _rows_of
    from goalengine.data.csv import Table

    fast = _columns_of(Table(text, "d.csv"))
    assert fast is not None, "the columnar path vouches for plain files"
    exact = _rows_of(Table(text, "d.csv"), text, None)
    assert fast.metrics == exact.metrics and fast.entity_names == exact.entity_names
    assert fast.periods == exact.periods
    assert np.array_equal(fast.values, exact.values, equal_nan=True)
    assert np.array_equal(fast.unscoped, exact.unscoped, equal_nan=True)
