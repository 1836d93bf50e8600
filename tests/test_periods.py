from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goalengine.errors import PeriodError
from goalengine.periods import Period, parse_as_of, year_fraction


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2010", date(2010, 1, 1), date(2010, 12, 31)),
        ("2007-H1", date(2007, 1, 1), date(2007, 6, 30)),
        ("2007-H2", date(2007, 7, 1), date(2007, 12, 31)),
        ("2010-Q2", date(2010, 4, 1), date(2010, 6, 30)),
        ("2012-02", date(2012, 2, 1), date(2012, 2, 29)),
        ("2010-08-15", date(2010, 8, 15), date(2010, 8, 15)),
    ],
)
def test_a_period_stands_for_its_last_day(text: str, start: date, end: date) -> None:
    period = Period.parse(text)
    assert (period.start, period.end) == (start, end)
    assert str(period) == text


@pytest.mark.parametrize("text", ["2010-H3", "2010-Q5", "2010-13", "2011-02-29", "20x0", ""])
def test_bad_periods_raise_with_a_hint(text: str) -> None:
    with pytest.raises(PeriodError) as caught:
        Period.parse(text)
    assert text in caught.value.message or "month" in caught.value.message


def test_as_of_accepts_a_date_or_a_period() -> None:
    assert parse_as_of("2009-03-31") == date(2009, 3, 31)
    assert parse_as_of("2009") == date(2009, 12, 31)
    assert parse_as_of(date(2001, 1, 2)) == date(2001, 1, 2)


def test_order_is_by_last_day() -> None:
    order = sorted(Period.parse(t) for t in ["2010", "2010-H1", "2009-Q4", "2010-03"])
    assert [str(p) for p in order] == ["2009-Q4", "2010-03", "2010-H1", "2010"]


_periods = st.one_of(
    st.integers(1900, 2100).map(str),
    st.tuples(st.integers(1900, 2100), st.integers(1, 2)).map(lambda t: f"{t[0]}-H{t[1]}"),
    st.tuples(st.integers(1900, 2100), st.integers(1, 4)).map(lambda t: f"{t[0]}-Q{t[1]}"),
    st.tuples(st.integers(1900, 2100), st.integers(1, 12)).map(lambda t: f"{t[0]}-{t[1]:02d}"),
    st.dates(date(1900, 1, 1), date(2100, 12, 31)).map(date.isoformat),
)


@given(_periods)
def test_text_round_trips_and_start_is_not_after_end(text: str) -> None:
    period = Period.parse(text)
    assert str(period) == text
    assert period.start <= period.end
    assert period.contains(period.end)


def test_year_fraction_uses_exact_days() -> None:
    assert year_fraction(date(2007, 6, 30), date(2008, 8, 31)) == pytest.approx(428 / 365.2425)
