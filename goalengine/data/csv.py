"""Read long-format CSV: ``metric,period,value[,entity,note,source,published]``.

Danish exports are first-class: ``;`` as separator with the decimal comma, a UTF-8 BOM,
blank lines and a trailing ``%`` are all read. The number convention is the file's (see
:mod:`goalengine.data.numbers`): a ``,``-separated file uses the decimal point, a
``;``-separated one the decimal comma, unless ``decimal=`` states otherwise. Anything that
cannot be read exactly -- a bad value, an unknown period, a duplicated column, the same
(metric, entity, period) with two different values -- is a
:class:`~goalengine.errors.DataError` naming the file, line and column. A file whose first
line is not a plausible header is never quoted: it may not be data at all.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import DataError, PeriodError, Span, did_you_mean
from ..limits import DEFAULT_LIMITS, MAX_EXCERPT_CHARS, Limits
from ..models import Observation
from ..periods import Period, parse_as_of
from ._text import escape, is_plain
from .dataset import Dataset, Series
from .files import read_data_bytes
from .numbers import Convention, NumberError, convention_hint, read_number

if TYPE_CHECKING:
    from .mapping import Table as MappedTable

__all__ = [
    "COLUMNS", "REQUIRED", "Table", "decode", "mapped_table", "read_csv", "read_csv_text",
]  # fmt: skip

REQUIRED = ("metric", "period", "value")
COLUMNS = (*REQUIRED, "entity", "note", "source", "published")
NOT_DATA = "not a goalengine data file: expected a header with metric, period, value"
_LINES = re.compile(r"\r\n|\r|\n")  # the csv module's line ends, not str.splitlines()'
_HEADER_CELL = re.compile(r"[a-z_][a-z0-9_ ]{0,31}")


def read_csv(
    path: str | Path,
    *,
    decimal: Convention | None = None,
    root: Path | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Dataset:
    """Read one CSV file; errors name ``path``."""
    name = str(path)
    return read_csv_text(
        decode(read_data_bytes(path, root=root, limits=limits), name), name, decimal=decimal
    )


def decode(raw: bytes, name: str) -> str:
    """A data file's text (UTF-8, with or without BOM)."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise DataError(
            "data file is not UTF-8", Span(file=name, line=line), hint="save it as UTF-8"
        ) from None


def read_csv_text(text: str, name: str = "<data>", *, decimal: Convention | None = None) -> Dataset:
    table = Table(text, name, decimal)
    rows: dict[tuple[str, str | None], dict[Period, tuple[Observation, int]]] = defaultdict(dict)
    for row in table.rows():
        metric, entity, observation = row.observation()
        seen = rows[(metric, entity)]
        period, value = observation.period, observation.value
        if period in seen and seen[period][0].value != value:
            who = f"{metric}" + (f" ({entity})" if entity else "")
            raise row.fail(
                f"{escape(who)} in {period} is {value:g} here but {seen[period][0].value:g} "
                f"on line {seen[period][1]}",
                "value",
                "remove one of the two rows",
            )
        seen.setdefault(period, (observation, row.line))
    return Dataset.of(
        Series.build(metric, (obs for obs, _ in periods.values()), entity=entity, source=name)
        for (metric, entity), periods in rows.items()
    )


class Table:
    """A CSV text's layout -- separator, number convention, header -- and its data rows."""

    def __init__(
        self, text: str, name: str, decimal: Convention | None = None, *, mapped: bool = False
    ) -> None:
        text = self.text = text.lstrip("\ufeff")
        self.name = name
        header_at, first = next(
            ((i, line) for i, line in enumerate(_iter_lines(text)) if line.strip()), (None, "")
        )
        if header_at is None:
            raise DataError("data file is empty", Span(file=name, line=1))
        self.delimiter = ";" if first.count(";") > first.count(",") else ","
        self.decimal: Convention = decimal or ("comma" if self.delimiter == ";" else "point")
        self.stated = decimal is not None
        self._periods: dict[str, Period] = {}
        # The header is one line (a header cell with a line break is no plausible name).
        try:
            header = [
                cell.strip().lower() for cell in next(csv.reader([first], delimiter=self.delimiter))
            ]
        except csv.Error:
            header = []
        self.header_line = header_at + 1
        if mapped:  # the data entry's columns: say which column is which
            self.header = next(csv.reader([first], delimiter=self.delimiter), [])
            self.columns = {}
            return
        if not _plausible(header):
            raise DataError(NOT_DATA, Span(file=name, line=header_at + 1))
        self.columns = self._columns(header)

    @cached_property
    def lines(self) -> list[str]:
        """The text's lines, split only when an error needs one."""
        return _LINES.split(self.text)

    def body(self) -> str:
        """The text after the header line."""
        start = 0
        for _ in range(self.header_line):
            found = _LINES.search(self.text, start)
            if found is None:
                return ""
            start = found.end()
        return self.text[start:]

    def _columns(self, header: list[str]) -> dict[str, int]:
        columns: dict[str, int] = {}
        for index, column in enumerate(header):
            if column not in COLUMNS:
                raise DataError(
                    f"unknown column '{escape(column)}'",
                    self.span(self.header_line, index),
                    did_you_mean(column, COLUMNS) or f"columns are {', '.join(COLUMNS)}",
                )
            if column in columns:
                raise DataError(
                    f"column '{column}' appears twice in the header",
                    self.span(self.header_line, index),
                    f"it is also column {columns[column] + 1}; keep one of them",
                )
            columns[column] = index
        missing = [c for c in REQUIRED if c not in columns]
        if missing:
            raise DataError(
                f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}",
                self.span(self.header_line, None),
                "the header must name metric, period and value",
            )
        return columns

    def rows(self) -> Iterator[Row]:
        """The data rows, blank lines skipped; a line the csv module refuses is an error."""
        reader = csv.reader(io.StringIO(self.body()), delimiter=self.delimiter)
        before = self.header_line
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise DataError(
                    f"cannot read this line as CSV: {_csv_problem(error)}",
                    Span(file=self.name, line=before + reader.line_num, column=1),
                    "quote cells that hold the separator, quotes or line breaks",
                ) from None
            if any(cell.strip() for cell in cells):
                yield Row(self, before + reader.line_num, cells)

    def span(self, line: int, index: int | None) -> Span:
        """Where the ``index``-th cell of ``line`` stands, quoting the line only if it is safe."""
        source = self.lines[line - 1] if 0 < line <= len(self.lines) else None
        if source is None:
            return Span(file=self.name, line=line)
        start = 0
        for _ in range(index or 0):
            found = source.find(self.delimiter, start)
            if found < 0:
                break
            start = found + 1
        end = source.find(self.delimiter, start)
        end = len(source) if end < 0 else end
        # The caret is placed by character index, so quote the line only where escaping
        # and cutting leave everything up to the cell as it is.
        shown = end <= MAX_EXCERPT_CHARS - 1 and is_plain(source[:end])
        return Span(
            file=self.name,
            line=line,
            column=start + 1,
            end_column=end + 1 if index is not None else None,
            source_line=escape(source) if shown else None,
        )

    def period(self, text: str) -> Period:
        """``text`` as a period (cached: a file repeats few periods many times)."""
        found = self._periods.get(text)
        if found is None:
            try:
                found = self._periods[text] = Period.parse(text)
            except PeriodError as error:
                if len(text) <= 16 and is_plain(text):
                    raise
                # The message quotes the cell: quote it short and escaped instead.
                raise PeriodError(
                    f"'{escape(text, 16)}' is not a period", hint=error.hint
                ) from None
            except ValueError:  # a date that does not exist (year 0)
                raise PeriodError(f"'{escape(text, 16)}' is not a period") from None
        return found

    def number_hint(self) -> str:
        return convention_hint(self.decimal, None if self.stated else self.delimiter)


def mapped_table(
    text: str, name: str, decimal: Convention | None = None
) -> tuple[MappedTable, Convention]:
    """A CSV text as a :class:`~goalengine.data.mapping.Table` for a mapped read, and its
    number convention (stated, else from the separator)."""
    from .mapping import Table as Mapped

    table = Table(text, name, decimal, mapped=True)
    rows = ((row.line, row.cells) for row in table.rows())
    return Mapped(name, table.header, rows, table.header_line, table.span), table.decimal


class Row:
    """One data row and where it stands, for reading cells and placing errors."""

    __slots__ = ("cells", "line", "table")

    def __init__(self, table: Table, line: int, cells: list[str]) -> None:
        self.table, self.line, self.cells = table, line, cells

    def cell(self, column: str) -> str:
        index = self.table.columns.get(column)
        return self.cells[index].strip() if index is not None and index < len(self.cells) else ""

    def fail(self, message: str, column: str, hint: str | None = None) -> DataError:
        return DataError(message, self.table.span(self.line, self.table.columns[column]), hint)

    def metric(self) -> str:
        metric = self.cell("metric")
        if not metric:
            raise self.fail("empty metric name", "metric")
        return metric

    def period(self) -> Period:
        try:
            return self.table.period(self.cell("period"))
        except PeriodError as error:
            raise self.fail(error.message, "period", error.hint) from None

    def value(self) -> float:
        index = self.table.columns["value"]
        raw = self.cells[index] if index < len(self.cells) else ""
        try:
            return read_number(raw, self.table.decimal)
        except NumberError as error:
            raise self.fail(error.reason, "value", self.table.number_hint()) from None

    def published(self) -> date | None:
        text = self.cell("published")
        if not text:
            return None
        try:
            return parse_as_of(text)
        except PeriodError as error:
            raise self.fail(error.message, "published", error.hint) from None
        except ValueError:
            raise self.fail(f"'{escape(text)}' is not a date", "published") from None

    def observation(self) -> tuple[str, str | None, Observation]:
        metric = self.metric()
        period = self.period()
        value = self.value()
        entity = self.cell("entity") or None
        observation = Observation.model_construct(
            period=period,
            value=value,
            entity=entity,
            note=self.cell("note") or None,
            source=self.cell("source") or None,
            published=self.published(),
        )
        return metric, entity, observation


def _iter_lines(text: str) -> Iterator[str]:
    start = 0
    for end in _LINES.finditer(text):
        yield text[start : end.start()]
        start = end.end()
    yield text[start:]


def _plausible(header: list[str]) -> bool:
    """A header goalengine could have meant: short column names, one of them required."""
    named = [cell for cell in header if cell]
    return all(_HEADER_CELL.fullmatch(cell) for cell in named) and any(
        cell in REQUIRED for cell in named
    )


def _csv_problem(error: csv.Error) -> str:
    text = str(error)
    if "field larger than field limit" in text:
        return f"a cell is longer than {csv.field_size_limit():,} characters"
    if "new-line" in text or "newline" in text:
        return "a line break inside an unquoted cell"
    if "NUL" in text:
        return "a NUL character"
    return "malformed quoting"
