"""Points in time that a time clause may name: periods, events, and offsets from them.

``by etool_launch + 6 months``, ``throughout 2008..etool_launch``, ``by 2010-H2 + 1 year``:
an event is a day the rule file names (``events: {etool_launch: 2009-05-15}``); an offset
in days, months, quarters or years moves a point and keeps its granularity (2010-H2 + 1 year
is 2011-H2; a day + 6 months is a day). Everything resolves to a plain :class:`Period` when
the rule is read, so nothing downstream knows events exist.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from datetime import date, timedelta

from ..errors import PeriodError, RuleSyntaxError, UnknownNameError, did_you_mean
from ..periods import PERIOD_TEXT, Period

__all__ = ["POINT", "UNITS", "resolve_point"]

_PERIOD = PERIOD_TEXT  # every period code goalengine reads (goalengine.periods)
#: Months per unit (days are counted apart).
UNITS = {"month": 1, "quarter": 3, "year": 12}
_UNIT = r"(?:days?|months?|quarters?|years?)"
#: A point as written: a period or an event name, optionally ``+``/``-`` a whole number of units.
POINT = rf"(?:{_PERIOD}|[^\W\d]\w*)(?:\s*[+-]\s*\d{{1,4}}\s*{_UNIT})?(?!\w)"
_PARTS = re.compile(
    rf"(?P<base>{_PERIOD}|[^\W\d]\w*)(?:\s*(?P<sign>[+-])\s*(?P<count>\d+)\s*(?P<unit>{_UNIT}))?"
)


def resolve_point(
    written: str, events: Mapping[str, date], where: tuple[str, int]
) -> tuple[Period, bool]:
    """The period ``written`` stands for, and whether it named an event or an offset.

    ``where`` is the rule text and the column of ``written`` in it, for errors.
    """
    from .parse import span_of  # parse imports this module

    text, column = where
    match = _PARTS.fullmatch(written.strip())
    assert match is not None  # POINT matched it already
    base = match["base"]
    at = span_of(text, column, column + len(base))
    if base[0].isdigit():
        try:
            period = Period.parse(base)
        except PeriodError as error:
            raise RuleSyntaxError(error.message, at, error.hint) from None
    elif base in events:
        day = events[base]
        period = Period(day.year, "day", day.month * 100 + day.day)
    else:
        hint = did_you_mean(base, events) or (
            f"declare it in the rule file: events: {{{base}: 2009-05-15}}"
        )
        raise UnknownNameError(f"unknown event '{base}'", at, hint)
    if match["count"] is None:
        return period, not base[0].isdigit()
    count = int(match["count"]) * (-1 if match["sign"] == "-" else 1)
    unit = match["unit"].rstrip("s")
    try:
        return _moved(period, count, unit), True
    except (PeriodError, OverflowError, ValueError):
        whole = span_of(text, column, column + len(written.strip()))
        raise RuleSyntaxError(f"'{written.strip()}' is outside the calendar", whole) from None


def _moved(period: Period, count: int, unit: str) -> Period:
    if unit == "day":
        day = period.end + timedelta(days=count)
        return Period(day.year, "day", day.month * 100 + day.day)
    months = count * UNITS[unit]
    if period.kind == "day":
        month0 = period.year * 12 + period.index // 100 - 1 + months
        year, month = divmod(month0, 12)
        last = calendar.monthrange(year, month + 1)[1]
        mday = min(period.index % 100, last)  # 31 January + 1 month is 28/29 February
        return Period(year, "day", (month + 1) * 100 + mday)
    size = {"year": 12, "half": 6, "quarter": 3, "month": 1}[period.kind]
    # A shift that is not whole periods (2010-H2 + 1 quarter) lands on the month it means.
    kind = period.kind if months % size == 0 else "month"
    size = size if kind == period.kind else 1
    first = period.year * 12 + (period.index - 1) * {"year": 12, "half": 6, "quarter": 3,
                                                       "month": 1}[period.kind]  # fmt: skip
    if kind == "month":
        first += {"year": 12, "half": 6, "quarter": 3, "month": 1}[period.kind] - 1
    start = first + months
    year, offset = divmod(start, 12)
    return Period(year, kind, offset // size + 1)
