"""Periods: ``2010``, ``2010-H1``, ``2010-Q2``, ``2010-08``, ``2010-W05``, ``2010-08-15``.

The codes of the statistics offices read too: Statistics Denmark's ``2023M01``, ``2023K1``
(kvartal), ``2023H1``; SDMX/Eurostat's ``2023-Q1``, ``2023-S1`` (semester), ``2023-M01``,
``2023-W05`` (ISO week). A code that could mean two things (``202301``: a month or a
six-digit number?) is an error naming both readings, never a guess.

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

__all__ = ["PERIOD_TEXT", "Period", "PeriodKind", "parse_as_of", "shift", "year_fraction"]

PeriodKind = Literal["year", "half", "quarter", "month", "week", "day"]

# One pattern for every code: ISO (2023-03, 2023-03-15), SDMX (2023-Q1, 2023-S1, 2023-M01,
# 2023-W05) and Statistics Denmark (2023M01, 2023K1, 2023H1), letters in either case.
_PATTERN = re.compile(
    r"^(?P<year>\d{4})(?:"
    r"-(?P<month>\d{2})(?:-(?P<day>\d{2}))?"
    r"|-?(?:[HS](?P<half>\d)|[QK](?P<quarter>\d)|M(?P<month_code>\d{2})|W(?P<week>\d{2}))"
    r")?$",
    re.IGNORECASE,
)
PERIOD_TEXT = r"\d{4}(?:-\d{2}(?:-\d{2})?|-?(?:[HhSsQqKk]\d|[Mm]\d{2}|[Ww]\d{2}))?(?![\w-])"
"""What a period looks like inside other text (a rule's ``by 2023K1``, ``x[2023-W05]``),
no groups, no anchors; :meth:`Period.parse` then says whether it is a real one."""
_LOOSE = re.compile(r"^(?P<year>\d{4})-?(?P<letter>[HSQKMW])?(?P<number>\d+)$", re.IGNORECASE)
_MONTHS_PER: dict[str, int] = {"year": 12, "half": 6, "quarter": 3, "month": 1}
_COUNT = {"half": 2, "quarter": 4, "month": 12}
_LETTER_KIND: dict[str, PeriodKind] = {
    "H": "half", "S": "half", "Q": "quarter", "K": "quarter", "M": "month", "W": "week",
}  # fmt: skip
_GROUPS: tuple[tuple[str, PeriodKind], ...] = (
    ("half", "half"), ("quarter", "quarter"), ("month", "month"), ("month_code", "month"),
    ("week", "week"),
)  # fmt: skip
_RANGES = {"half": "halves are 1 to 2", "quarter": "quarters are 1 to 4",
           "month": "months are 01 to 12"}  # fmt: skip
_FORMS = "write 2010, 2010-H1, 2010-Q2, 2010-08 or 2010-08-15"
_DAYS_PER_YEAR = 365.2425
_YEARS = "years run from 0001 to 9999"


@total_ordering
@dataclass(frozen=True, slots=True)
class Period:
    """A calendar period, ordered by its last day, then longer first (2010 before 2010-Q4)."""

    year: int
    kind: PeriodKind = "year"
    index: int = 1  # half, quarter, month or ISO week number; days keep month*100 + day
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
        if self.kind == "week":
            return self.end - timedelta(days=6)
        first_month = (self.index - 1) * _MONTHS_PER[self.kind] + 1
        return date(self.year, first_month, 1)

    @property
    def months(self) -> int:
        """Length in months (0 for a week or a day)."""
        return _MONTHS_PER.get(self.kind, 0)

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
        if self.kind == "week":
            return f"{year}-W{self.index:02d}"
        return f"{year}-{self.index // 100:02d}-{self.index % 100:02d}"

    def __repr__(self) -> str:
        return f"Period({str(self)!r})"

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        # A week ends on the Sunday it shares with a day period: the longer one first.
        mine = (self.end, -self.months, self.kind == "day")
        return mine < (other.end, -other.months, other.kind == "day")


def _end(year: int, kind: PeriodKind, index: int) -> date:
    if kind == "day":
        return date(year, index // 100, index % 100)
    if kind == "week":  # ISO: weeks start on Monday, week 1 holds the year's first Thursday
        return date.fromisocalendar(year, index, 7)
    last_month = index * _MONTHS_PER[kind]
    return date(year, last_month, calendar.monthrange(year, last_month)[1])


@lru_cache(maxsize=4096)
def _parse(text: str) -> Period:
    match = _PATTERN.match(text)
    if not match:
        raise PeriodError(f"'{text}' is not a period", hint=_ambiguity(text) or _FORMS)
    year = int(match["year"])
    if year < 1:
        raise PeriodError(f"'{text}': there is no year 0000", hint=_YEARS)
    if match["day"]:
        month, day = int(match["month"]), int(match["day"])
        if not 1 <= month <= 12:
            raise PeriodError(f"'{text}' has no month {month}", hint="months are 01 to 12")
        if not 1 <= day <= calendar.monthrange(year, month)[1]:
            raise PeriodError(f"'{text}' is not a day of the calendar")
        return Period(year, "day", month * 100 + day)
    for group, kind in _GROUPS:
        if match[group]:
            return _numbered(text, year, kind, int(match[group]))
    return Period(year)


def _numbered(text: str, year: int, kind: PeriodKind, index: int) -> Period:
    """The ``index``-th half, quarter, month or ISO week of ``year``, or an error saying why not."""
    if kind == "week":
        weeks = date(year, 12, 28).isocalendar()[1]  # 28 December is always in the last week
        if not 1 <= index <= weeks:
            raise PeriodError(f"'{text}': {year} has no ISO week {index}",
                              hint=f"{year} has weeks 01 to {weeks}")  # fmt: skip
        return Period(year, "week", index)
    if not 1 <= index <= _COUNT[kind]:
        raise PeriodError(
            f"'{text}' has no {kind} {index}",
            hint=_RANGES[kind],
        )
    return Period(year, kind, index)


def _ambiguity(text: str) -> str | None:
    """Why a near-miss is refused: the readings it has, so the user writes the one meant."""
    loose = _LOOSE.match(text)
    if loose is None:
        return None
    year, letter, number = loose["year"], (loose["letter"] or "").upper(), loose["number"]
    if not letter:
        if len(number) == 2:  # 202301: January 2023, or a six-digit count?
            month = f"{year}-{number} or {year}M{number}"
            return f"'{text}' could be month {number} of {year}: write {month}"
        if len(number) == 4:  # 20230102: a day, in which order?
            return f"write the day as {year}-{number[:2]}-{number[2:]} (year-month-day)"
        return None
    kind = _LETTER_KIND[letter]
    if kind in ("month", "week") and len(number) == 1:  # 2023M1: unpadded, but unambiguous
        return f"write two digits: {year}{'-' if '-' in text else ''}{letter}0{number}"
    return None


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
