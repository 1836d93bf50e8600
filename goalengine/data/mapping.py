"""Any table to observations: which column is which, fixed values, filters, wide layouts.

Every tabular reader (mapped CSV, Excel, SDMX-CSV, open-sdg, SQL, data frames) hands a
:class:`Table` -- a header and rows of cells, each cell placed (file, sheet, row, column)
-- to :func:`read_table` with a :class:`TableSpec`, so all of them share one set of rules:

- ``columns`` names the column of each role (``metric``, ``period``, ``value``, ``entity``,
  ``note``, ``source``); a role not named is the column of that name (any case), if any;
- ``constants`` gives a role one value for every row (``metric: employment_rate``);
- ``where`` keeps the rows whose cells hold the given text (``""``: the cell is empty);
- ``layout: wide`` reads the period from every other column's header (``2019, 2020``);
- the statistics offices' missing-value markers (``..``, ``:``, empty) are skipped and
  counted, never read as numbers.
"""

from __future__ import annotations

import math
import numbers
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from ..errors import DataError, PeriodError, Span, did_you_mean
from ..models import Observation
from ..periods import Period
from ._text import escape
from .dataset import Dataset, Series
from .numbers import Convention, NumberError, convention_hint, finite, read_number

__all__ = [
    "MISSING_MARKERS",
    "ROLES",
    "Cell",
    "Reading",
    "Table",
    "TableSpec",
    "cell_text",
    "excel_column",
    "read_table",
]

Cell = str | int | float | date | None
ROLES = ("metric", "period", "value", "entity", "note", "source")
MISSING_MARKERS = ("", "..", ":", "-", "NA", "n/a")
"""Cells that mean "no figure": Statistics Denmark ``..``, Eurostat ``:``, empty cells."""
Layout = Literal["long", "wide"]


@dataclass(frozen=True, slots=True)
class TableSpec:
    """How to read a table: see the module docstring."""

    columns: Mapping[str, str] = field(default_factory=dict)
    constants: Mapping[str, str] = field(default_factory=dict)
    where: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    layout: Layout = "long"
    missing: tuple[str, ...] = MISSING_MARKERS
    decimal: Convention = "point"
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Columns a role falls back to when no column has its name (SDMX: ``INDICATOR``)."""
    headline_except: frozenset[str] | None = None
    """When set, every column not mapped, filtered or named here must be empty: the
    headline series of an open-sdg file (its disaggregation columns empty)."""


@dataclass(slots=True)
class Table:
    """A source's header and rows; ``span(row, index)`` places a cell for messages."""

    name: str
    header: Sequence[str]
    rows: Iterable[tuple[int, Sequence[Cell]]]
    header_row: int = 1
    span: Callable[[int, int | None], Span] | None = None
    label: Callable[[int, int], str] | None = None
    """A cell's name in messages (``cell C5``, ``row 3, column 'value'``), if it has one."""

    def place(self, row: int, index: int | None) -> Span:
        if self.span is not None:
            return self.span(row, index)
        return Span(file=self.name, line=row, column=None if index is None else index + 1)

    def where(self, row: int, index: int) -> str:
        return f" ({self.label(row, index)})" if self.label is not None else ""


@dataclass(frozen=True, slots=True)
class Reading:
    """What a source gave: its data and how many cells were missing-value markers."""

    dataset: Dataset
    skipped: int = 0
    name: str = ""

    def warning(self) -> str | None:
        if not self.skipped:
            return None
        cells = "cell" if self.skipped == 1 else "cells"
        return f"{self.name}: {self.skipped:,} {cells} with no figure (.., :, empty) skipped"


def excel_column(index: int) -> str:
    """``0`` -> ``A``, ``26`` -> ``AA``: a spreadsheet's column letters."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_table(table: Table, spec: TableSpec) -> Reading:
    """The observations of ``table`` read as ``spec`` says; a :class:`DataError` at the cell."""
    return _Reader(table, spec).read()


class _Reader:
    def __init__(self, table: Table, spec: TableSpec) -> None:
        self.table, self.spec = table, spec
        self.header = [str(cell).strip() for cell in table.header]
        self.roles = self._roles()
        self.filters = {self._find(c, f"where: {c}"): set(v) for c, v in spec.where.items()}
        if spec.headline_except is not None:
            taken = set(self.filters) | set(self.roles.values())
            for index, column in enumerate(self.header):
                if index not in taken and column.casefold() not in spec.headline_except:
                    self.filters[index] = {""}
        self.periods: dict[int, Period] = self._wide() if spec.layout == "wide" else {}
        self.skipped = 0
        self._parsed: dict[str, Period] = {}

    def _lookup(self, column: str) -> int | None:
        """The column named ``column`` (exactly, else in any case if only one matches)."""
        if column in self.header:
            return self.header.index(column)
        folded = [h.casefold() for h in self.header]
        if folded.count(column.casefold()) == 1:
            return folded.index(column.casefold())
        return None

    def _find(self, column: str, what: str) -> int:
        found = self._lookup(column)
        if found is not None:
            return found
        raise DataError(
            f"{what}: no column '{escape(column)}' in {self.table.name}",
            self.table.place(self.table.header_row, None),
            did_you_mean(column, self.header)
            or f"its columns are {escape(', '.join(self.header), 200)}",
        )

    def _roles(self) -> dict[str, int]:
        spec, found = self.spec, dict[str, int]()
        for role in spec.columns:
            if role not in ROLES:
                hint = did_you_mean(role, ROLES) or f"roles are {', '.join(ROLES)}"
                raise DataError(f"unknown role '{escape(role)}' in columns", Span(), hint)
        for role in ROLES:
            if role in spec.constants:
                continue
            if role in spec.columns:
                found[role] = self._find(spec.columns[role], f"columns: {role}")
            else:
                for name in (role, *spec.aliases.get(role, ())):
                    if (index := self._lookup(name)) is not None:
                        found[role] = index
                        break
        wide = spec.layout == "wide"
        needed = ("metric",) if wide else ("metric", "period", "value")
        missing = [r for r in needed if r not in found and r not in spec.constants]
        if missing:
            raise DataError(
                f"{self.table.name} has no {' or '.join(missing)} column",
                self.table.place(self.table.header_row, None),
                f"name it: columns: {{{missing[0]}: <column>}}, or give one value: "
                f"{missing[0]}: <value>; its columns are {escape(', '.join(self.header), 200)}",
            )
        return found

    def _wide(self) -> dict[int, Period]:
        """Period columns of a wide table: every column that is no role and no filter."""
        taken = set(self.roles.values()) | set(self.filters)
        periods: dict[int, Period] = {}
        for index, text in enumerate(self.header):
            if index in taken or not text:
                continue
            try:
                periods[index] = Period.parse(text)
            except PeriodError as error:
                raise DataError(
                    f"column '{escape(text)}' of a wide table is not a period: {error.message}",
                    self.table.place(self.table.header_row, index),
                    "in layout: wide, every column not named in columns: or where: is a period",
                ) from None
        if not periods:
            raise DataError(
                f"{self.table.name}: a wide table needs period columns (2019, 2020, ...)",
                self.table.place(self.table.header_row, None),
            )
        return periods

    def fail(self, row: int, index: int, message: str, hint: str | None = None) -> DataError:
        return DataError(message + self.table.where(row, index), self.table.place(row, index), hint)

    def read(self) -> Reading:
        seen: dict[tuple[str, str | None], dict[Period, tuple[Observation, int]]]
        seen = defaultdict(dict)
        for row, cells in self.table.rows:
            if not self._kept(cells):
                continue
            for metric, entity, observation, index in self._observations(row, cells):
                series = seen[(metric, entity)]
                before = series.get(observation.period)
                if before is not None and before[0].value != observation.value:
                    who = metric + (f" ({entity})" if entity else "")
                    raise self.fail(
                        row,
                        index,
                        f"{escape(who)} in {observation.period} is {observation.value:g} here "
                        f"but {before[0].value:g} in row {before[1]}",
                        "two rows give one figure: map the column that tells them apart "
                        "(columns: {entity: ...}) or filter with where:",
                    )
                series.setdefault(observation.period, (observation, row))
        dataset = Dataset.of(
            Series.build(metric, (o for o, _ in by.values()), entity=entity, source=self.table.name)
            for (metric, entity), by in seen.items()
        )
        return Reading(dataset, self.skipped, self.table.name)

    def _kept(self, cells: Sequence[Cell]) -> bool:
        return all(cell_text(_at(cells, i)) in wanted for i, wanted in self.filters.items())

    def _observations(
        self, row: int, cells: Sequence[Cell]
    ) -> Iterable[tuple[str, str | None, Observation, int]]:
        metric = self._label(row, cells, "metric")
        if not metric:
            raise self.fail(row, self.roles["metric"], "empty metric name")
        entity = self._label(row, cells, "entity") or None
        note = self._label(row, cells, "note") or None
        source = self._label(row, cells, "source") or None
        if self.spec.layout == "wide":
            places = list(self.periods.items())
        else:
            places = [(self.roles.get("value", -1), self._period(row, cells))]
        for index, period in places:
            value = self._value(row, index, _at(cells, index))
            if value is None:
                continue
            observation = Observation.model_construct(
                period=period, value=value, entity=entity, note=note, source=source, published=None
            )
            yield metric, entity, observation, index

    def _label(self, row: int, cells: Sequence[Cell], role: str) -> str:
        if role in self.spec.constants:
            return self.spec.constants[role]
        index = self.roles.get(role)
        return "" if index is None else cell_text(_at(cells, index))

    def _period(self, row: int, cells: Sequence[Cell]) -> Period:
        if "period" in self.spec.constants:
            return self._parse(self.spec.constants["period"])
        index = self.roles["period"]
        cell = _at(cells, index)
        if isinstance(cell, datetime | date):
            return Period(cell.year, "day", cell.month * 100 + cell.day)
        text = cell_text(cell)
        if not text:
            raise self.fail(row, index, "missing period")
        try:
            return self._parse(text)
        except PeriodError as error:
            raise self.fail(row, index, error.message, error.hint) from None

    def _parse(self, text: str) -> Period:
        found = self._parsed.get(text)
        if found is None:
            try:
                found = self._parsed[text] = Period.parse(text)
            except PeriodError as error:
                raise PeriodError(
                    f"'{escape(text, 16)}' is not a period", hint=error.hint
                ) from None
        return found

    def _value(self, row: int, index: int, cell: Cell) -> float | None:
        """The figure in ``cell``; None (counted) for a missing-value marker."""
        if cell is None or (isinstance(cell, float) and math.isnan(cell)):
            self.skipped += 1
            return None
        if isinstance(cell, bool | date):
            raise self.fail(row, index, f"'{escape(str(cell))}' is not a number")
        if isinstance(cell, numbers.Real):
            try:
                return finite(float(cell), cell)
            except NumberError as error:
                raise self.fail(row, index, error.reason) from None
        text = str(cell).strip()
        if text in self.spec.missing:
            self.skipped += 1
            return None
        try:
            return read_number(text, self.spec.decimal)
        except NumberError as error:
            hint = convention_hint(self.spec.decimal)
            raise self.fail(row, index, error.reason, hint) from None


def _at(cells: Sequence[Cell], index: int) -> Cell:
    return cells[index] if 0 <= index < len(cells) else None


def cell_text(cell: Cell) -> str:
    """A label cell as text: a whole float (Excel's 101.0) as the integer it is."""
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell).strip()
