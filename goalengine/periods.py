"""Periods: ``2010``, ``2010-H1``, ``2010-Q2``, ``2010-08``, ``2010-08-15``.

A period stands for its last day (2007-H1 -> 2007-06-30): a deadline ``by 2010`` is met by
anything observed up to 2010-12-31, and a report dated ``as_of`` sees only observations
whose period has ended by then.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache, total_ordering
from typing import Any, Literal

from .errors import PeriodError

__all__ = ["Period", "PeriodKind", "parse_as_of", "shift", "year_fraction"]

PeriodKind = Literal["year", "half", "quarter", "month", "day"]

_PATTERN = re.compile(
    r"^(?P<year>\d{4})"
    r"(?:-(?:H(?P<half>[12])|Q(?P<quarter>[1-4])|(?P<month>\d{2})(?:-(?P<day>\d{2}))?))?$"
)
_MONTHS_PER = {"year": 12, "half": 6, "quarter": 3, "month": 1}
_DAYS_PER_YEAR = 365.2425
_YEARS = "years run from 0001 to 9999"


@total_ordering
@dataclass(frozen=True, slots=True)
class Period:
    """A calendar period, ordered by its last day, then longer first (2010 before 2010-Q4)."""

    year: int
    kind: PeriodKind = "year"
    index: int = 1  # half, quarter or month number; day periods keep month*100 + day
    # The last day, computed once: evaluation asks for it for every observation it touches.
    end: date = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        try:
            end = _end(self.year, self.kind, self.index)
        except (ValueError, OverflowError, KeyError):
            # The calendar has no year 0 and none past 9999; a period computed beyond them
            # (a window or a projection from hostile input) is an input error, not a crash.
            if 1 <= self.year <= 9999:
                raise PeriodError(f"there is no {self.kind} {self.index} in {self.year}") from None
            raise PeriodError(f"year {self.year} is outside the calendar", hint=_YEARS) from None
        object.__setattr__(self, "end", end)

    @staticmethod
    def parse(text: str | int) -> Period:
        return _parse(str(text).strip())

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        def validate(value: Any) -> Period:
            if isinstance(value, Period):
                return value
            if isinstance(value, date):
                return Period(value.year, "day", value.month * 100 + value.day)
            if isinstance(value, str | int) and not isinstance(value, bool):
                return Period.parse(value)
            raise ValueError(f"not a period: {value!r}")

        return core_schema.no_info_plain_validator_function(
            validate,
            serialization=core_schema.plain_serializer_function_ser_schema(str),
            json_schema_input_schema=core_schema.str_schema(),
        )

    @property
    def start(self) -> date:
        if self.kind == "day":
            return self.end
        first_month = (self.index - 1) * _MONTHS_PER[self.kind] + 1
        return date(self.year, first_month, 1)

    @property
    def months(self) -> int:
        """Length in months (0 for a day)."""
        return 0 if self.kind == "day" else _MONTHS_PER[self.kind]

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def __str__(self) -> str:
        year = f"{self.year:04d}"  # year 0047 reads back as a period; '47' would not
        if self.kind == "year":
            return year
        if self.kind == "half":
            return f"{year}-H{self.index}"
        if self.kind == "quarter":
            return f"{year}-Q{self.index}"
        if self.kind == "month":
            return f"{year}-{self.index:02d}"
        return f"{year}-{self.index // 100:02d}-{self.index % 100:02d}"

    def __repr__(self) -> str:
        return f"Period({str(self)!r})"

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return (self.end, -self.months) < (other.end, -other.months)


def _end(year: int, kind: PeriodKind, index: int) -> date:
    if kind == "day":
        return date(year, index // 100, index % 100)
    last_month = index * _MONTHS_PER[kind]
    return date(year, last_month, calendar.monthrange(year, last_month)[1])


@lru_cache(maxsize=4096)
def _parse(text: str) -> Period:
    match = _PATTERN.match(text)
    if not match:
        raise PeriodError(
            f"'{text}' is not a period",
            hint="write 2010, 2010-H1, 2010-Q2, 2010-08 or 2010-08-15",
        )
    year = int(match["year"])
    if year < 1:
        raise PeriodError(f"'{text}': there is no year 0000", hint=_YEARS)
    if match["half"]:
        return Period(year, "half", int(match["half"]))
    if match["quarter"]:
        return Period(year, "quarter", int(match["quarter"]))
    if match["month"]:
        month = int(match["month"])
        if not 1 <= month <= 12:
            raise PeriodError(f"'{text}' has no month {month}", hint="months are 01 to 12")
        if match["day"]:
            day = int(match["day"])
            if not 1 <= day <= calendar.monthrange(year, month)[1]:
                raise PeriodError(f"'{text}' is not a day of the calendar")
            return Period(year, "day", month * 100 + day)
        return Period(year, "month", month)
    return Period(year)


def parse_as_of(value: str | date | Period) -> date:
    """A report date from a date or a period (a period means its last day)."""
    if isinstance(value, Period):
        return value.end
    if isinstance(value, datetime):  # YAML reads 2038-01-19T03:14:08Z as a moment
        raise PeriodError(
            f"'{value.isoformat()}' is a moment; a report date is a day",
            hint=f"write {value.date().isoformat()}",
        )
    if isinstance(value, date):
        return value
    return Period.parse(value).end


def shift(day: date, days: int) -> date:
    """``day`` moved by ``days``, kept inside the calendar (a deadline may be in 9999)."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


def year_fraction(start: date, end: date) -> float:
    """Exact years between two days (positive when ``end`` is later)."""
    return (end - start).days / _DAYS_PER_YEAR
