"""Statistics offices' period codes: each reads as the ISO form, and only unambiguous ones."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goalengine.errors import PeriodError
from goalengine.periods import Period


@pytest.mark.parametrize(
    ("code", "iso"),
    [
        ("2023M01", "2023-01"),  # Statistics Denmark
        ("2023K1", "2023-Q1"),
        ("2023H2", "2023-H2"),
        ("2023-Q1", "2023-Q1"),  # SDMX / Eurostat
        ("2023-S1", "2023-H1"),
        ("2023-M12", "2023-12"),
        ("2023-W05", "2023-W05"),
        ("2023q4", "2023-Q4"),
    ],
)
def test_office_codes_read_as_their_iso_form(code: str, iso: str) -> None:
    assert Period.parse(code) == Period.parse(iso)
    assert str(Period.parse(code)) == iso


def test_an_iso_week_stands_for_its_sunday() -> None:
    week = Period.parse("2023-W05")
    assert (week.start, week.end) == (date(2023, 1, 30), date(2023, 2, 5))
    # ISO years: week 53 of 2020 ends in 2021, week 1 of 2021 starts in January 2021.
    assert Period.parse("2020-W53").end == date(2021, 1, 3)
    assert Period.parse("2021-W01").start == date(2021, 1, 4)


def test_a_week_sorts_before_the_day_it_ends_on() -> None:
    periods = [Period.parse(t) for t in ("2023-02", "2023-02-05", "2023-W05")]
    assert [str(p) for p in sorted(periods)] == ["2023-W05", "2023-02-05", "2023-02"]


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("202301", "could be month 01 of 2023"),  # a month, or a number?
        ("20230102", "2023-01-02"),
        ("2023M1", "2023M01"),
        ("2023-W5", "2023-W05"),
        ("2021-W53", "2021 has weeks 01 to 52"),
        ("2023K5", "quarters are 1 to 4"),
        ("2023M13", "months are 01 to 12"),
        ("2023-S3", "halves are 1 to 2"),
    ],
)
def test_ambiguous_or_impossible_codes_are_errors_with_a_hint(code: str, says: str) -> None:
    with pytest.raises(PeriodError) as caught:
        Period.parse(code)
    assert code in caught.value.message
    assert says in f"{caught.value.message} {caught.value.hint}"


def _written(period: Period) -> st.SearchStrategy[str]:
    """Every code an office may write ``period`` as."""
    y, i = f"{period.year:04d}", period.index
    forms = {
        "year": [y],
        "half": [f"{y}-H{i}", f"{y}H{i}", f"{y}-S{i}"],
        "quarter": [f"{y}-Q{i}", f"{y}K{i}", f"{y}Q{i}"],
        "month": [f"{y}-{i:02d}", f"{y}M{i:02d}", f"{y}-M{i:02d}"],
        "week": [f"{y}-W{i:02d}", f"{y}W{i:02d}"],
    }[period.kind]
    return st.sampled_from(forms)


_kinds = st.sampled_from([("year", 1), ("half", 2), ("quarter", 4), ("month", 12), ("week", 52)])


@st.composite
def _periods(draw: st.DrawFn) -> Period:
    kind, count = draw(_kinds)
    return Period(draw(st.integers(1, 9999)), kind, draw(st.integers(1, count)))


@given(_periods().flatmap(lambda p: st.tuples(st.just(p), _written(p))))
def test_every_code_round_trips(case: tuple[Period, str]) -> None:
    period, code = case
    assert Period.parse(code) == period
    assert Period.parse(str(period)) == period
    assert period.start <= period.end


def test_rules_read_the_same_codes() -> None:
    from goalengine import Goal

    goals = {
        "x >= 3 by 2024K1": "2024-Q1",
        "x >= 3 by 2024-S1": "2024-H1",
        "x >= 3 by 2024-W05": "2024-W05",
        "x[2023M01] >= 1": None,
        "sum(x[2023K1..2023K4]) >= 1": None,
    }
    for rule, deadline in goals.items():
        compiled = Goal(id="g", rule=rule).compiled()
        found = compiled.time.end if compiled.time is not None else None
        assert (str(found) if found else None) == deadline, rule


def test_an_impossible_code_in_a_rule_is_a_placed_error() -> None:
    from goalengine import Goal, GoalEngineError

    with pytest.raises(GoalEngineError) as caught:
        Goal(id="g", rule="x >= 3 by 2024K5").compiled()
    assert caught.value.message == "'2024K5' has no quarter 5"
    assert caught.value.span.column == 11  # the code itself, after "by "
