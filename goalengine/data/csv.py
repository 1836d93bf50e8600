"""Read long-format CSV: ``metric,period,value[,entity,note,source]``.

Danish exports are first-class: ``;`` as separator, decimal comma, a UTF-8 BOM, blank
lines and a trailing ``%`` are all read. Anything that cannot be read exactly -- a bad
value, an unknown period, the same (metric, entity, period) with two different values --
is a :class:`~goalengine.errors.DataError` naming the file, line and column.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from pathlib import Path
from typing import Literal

from ..errors import DataError, PeriodError, Span, did_you_mean
from ..limits import DEFAULT_LIMITS, Limits
from ..models import Observation
from ..periods import Period, parse_as_of
from .dataset import Dataset, Series
from .files import read_data_bytes

__all__ = ["COLUMNS", "REQUIRED", "parse_number", "read_csv", "read_csv_text"]

REQUIRED = ("metric", "period", "value")
COLUMNS = (*REQUIRED, "entity", "note", "source", "published")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}([ .\u00a0\u202f]\d{3})+(,\d+)?$")


def read_csv(
    path: str | Path,
    *,
    decimal: Literal["point", "comma"] | None = None,
    root: Path | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Dataset:
    """Read one CSV file; errors name ``path``."""
    name = str(path)
    raw = read_data_bytes(path, root=root, limits=limits)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise DataError(
            "data file is not UTF-8", Span(file=name, line=line), hint="save it as UTF-8"
        ) from None
    return read_csv_text(text, name)


def parse_number(text: str, decimal_comma: bool) -> float:
    """``54,4`` / ``54.4`` / ``54,4 %`` / ``1.234,5`` -> float; ValueError otherwise."""
    cleaned = text.strip().rstrip("%").strip()
    if decimal_comma or _GROUPED.match(cleaned):
        if _GROUPED.match(cleaned):
            cleaned = re.sub(r"[ .\u00a0\u202f]", "", cleaned)
        cleaned = cleaned.replace(",", ".")
    if not _NUMBER.match(cleaned):
        raise ValueError(text)
    return float(cleaned)


def read_csv_text(text: str, name: str = "<data>") -> Dataset:
    text = text.lstrip("\ufeff")
    lines = text.splitlines()
    header_index = next((i for i, line in enumerate(lines) if line.strip()), None)
    if header_index is None:
        raise DataError("data file is empty", Span(file=name, line=1))
    header_line = lines[header_index]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header: list[str] | None = None
    columns: dict[str, int] = {}
    rows: dict[tuple[str, str | None], dict[Period, tuple[Observation, int]]] = defaultdict(dict)
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = [cell.strip().lower() for cell in row]
            columns = _columns(header, name, line, header_line)
            continue
        source_line = lines[line - 1] if line - 1 < len(lines) else None
        where = _Row(name, line, source_line, delimiter, columns, row)
        metric, entity, observation = where.observation()
        seen = rows[(metric, entity)]
        period, value = observation.period, observation.value
        if period in seen and seen[period][0].value != value:
            who = f"{metric}" + (f" ({entity})" if entity else "")
            raise where.fail(
                f"{who} in {period} is {value:g} here but {seen[period][0].value:g} on line "
                f"{seen[period][1]}",
                "value",
                "remove one of the two rows",
            )
        seen.setdefault(period, (observation, line))
    if header is None:
        raise DataError("data file is empty", Span(file=name, line=1))
    return Dataset.of(
        Series.build(metric, (obs for obs, _ in periods.values()), entity=entity, source=name)
        for (metric, entity), periods in rows.items()
    )


class _Row:
    """One data row and where it stands, for reading cells and placing errors."""

    def __init__(
        self,
        name: str,
        line: int,
        source_line: str | None,
        delimiter: str,
        columns: dict[str, int],
        cells: list[str],
    ) -> None:
        self.name, self.line, self.source_line = name, line, source_line
        self.delimiter, self.columns, self.cells = delimiter, columns, cells

    def cell(self, column: str) -> str:
        index = self.columns.get(column)
        return self.cells[index].strip() if index is not None and index < len(self.cells) else ""

    def fail(self, message: str, column: str, hint: str | None = None) -> DataError:
        span = _cell_span(
            self.name, self.line, self.source_line, self.delimiter, self.columns[column]
        )
        return DataError(message, span, hint)

    def observation(self) -> tuple[str, str | None, Observation]:
        metric = self.cell("metric")
        if not metric:
            raise self.fail("empty metric name", "metric")
        try:
            period = Period.parse(self.cell("period"))
        except PeriodError as error:
            raise self.fail(error.message, "period", error.hint) from None
        raw_value = self.cell("value")
        try:
            value = parse_number(raw_value, decimal_comma=self.delimiter == ";")
        except ValueError:
            raise self.fail(
                f"cannot read value '{raw_value}' as a number",
                "value",
                "write e.g. 54.4 (or 54,4 in a ';'-separated file)",
            ) from None
        entity = self.cell("entity") or None
        published = None
        if self.cell("published"):
            try:
                published = parse_as_of(self.cell("published"))
            except PeriodError as error:
                raise self.fail(error.message, "published", error.hint) from None
        observation = Observation.model_construct(
            period=period,
            value=value,
            entity=entity,
            note=self.cell("note") or None,
            source=self.cell("source") or None,
            published=published,
        )
        return metric, entity, observation


def _columns(header: list[str], name: str, line: int, source_line: str) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, column in enumerate(header):
        if column not in COLUMNS:
            raise DataError(
                f"unknown column '{column}'",
                Span(file=name, line=line, column=1, source_line=source_line),
                did_you_mean(column, COLUMNS) or f"columns are {', '.join(COLUMNS)}",
            )
        columns[column] = index
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise DataError(
            f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}",
            Span(file=name, line=line, column=1, source_line=source_line),
            "the header must name metric, period and value",
        )
    return columns


def _cell_span(name: str, line: int, source_line: str | None, delimiter: str, index: int) -> Span:
    """Column of the ``index``-th field, for a caret under the bad cell."""
    if source_line is None:
        return Span(file=name, line=line)
    start = 0
    for _ in range(index):
        found = source_line.find(delimiter, start)
        if found < 0:
            break
        start = found + 1
    end = source_line.find(delimiter, start)
    end = len(source_line) if end < 0 else end
    return Span(file=name, line=line, column=start + 1, end_column=end + 1, source_line=source_line)
