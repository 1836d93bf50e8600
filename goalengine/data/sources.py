"""A ``data:`` entry that says how to read its source, and the reader it picks.

``{path: aku.csv, metric: employment_rate, columns: {period: TID, value: INDHOLD}}``,
``{path: book.xlsx, sheet: Data, layout: wide}``, ``{path: x.csv, format: sdmx-csv}``,
``{sql: "select ...", database: figures.db}``. This module only checks the entry's shape
(so ``goalengine check`` stays light); the readers are imported when a source is read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import DataError, Span, did_you_mean
from ..limits import DEFAULT_LIMITS, Limits
from .mapping import MISSING_MARKERS, ROLES, Layout, Reading, TableSpec
from .numbers import Convention

__all__ = [
    "EXCEL_SUFFIXES",
    "FORMATS",
    "SPEC_KEYS",
    "SourceSpec",
    "SpecProblem",
    "database_file",
    "parse_spec",
    "read_source",
]

FORMATS = ("csv", "sdmx-csv", "open-sdg", "excel", "parquet")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
CONSTANTS = ("metric", "entity", "period")
SPEC_KEYS = (
    "format", "columns", "where", "layout", "missing", "sheet", "range", "header",
    *CONSTANTS, "sql", "database", "params",
)  # fmt: skip
LAYOUTS = ("long", "wide")
_FILE_SCHEMES = ("sqlite:///", "duckdb:///")
# open-sdg columns that are no disaggregation (the headline keeps any value in them).
OPEN_SDG_KEEP = frozenset(
    c.casefold()
    for c in ("Year", "Value", "Units", "Series", "GeoCode", "OBS_STATUS", "COMMENT_OBS",
              "UNIT_MULT", "UNIT_MEASURE", "Observation status", "Unit multiplier")
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """How a ``data:`` entry says to read its source (all optional)."""

    format: str | None = None
    columns: tuple[tuple[str, str], ...] = ()
    constants: tuple[tuple[str, str], ...] = ()
    where: tuple[tuple[str, tuple[str, ...]], ...] = ()
    layout: Layout = "long"
    missing: tuple[str, ...] | None = None
    sheet: str | int | None = None
    range: str | None = None
    header: int | None = None
    sql: str | None = None
    database: str | None = None
    params: tuple[tuple[str, Any], ...] = field(default=())

    @property
    def is_database(self) -> bool:
        return self.sql is not None

    def table_spec(self, decimal: str = "point") -> TableSpec:
        return TableSpec(
            columns=dict(self.columns),
            constants=dict(self.constants),
            where=dict(self.where),
            layout=self.layout,
            missing=self.missing if self.missing is not None else MISSING_MARKERS,
            decimal="comma" if decimal == "comma" else "point",
        )


@dataclass(frozen=True, slots=True)
class SpecProblem:
    key: str
    message: str
    hint: str | None = None


def parse_spec(entry: Mapping[str, Any]) -> tuple[SourceSpec, list[SpecProblem]]:
    """The spec an entry's keys (other than ``path`` and ``decimal``) state, and its problems."""
    problems: list[SpecProblem] = []

    def text_map(key: str, allowed: tuple[str, ...] | None) -> tuple[tuple[str, str], ...]:
        value = entry.get(key)
        if value is None:
            return ()
        if not isinstance(value, dict):
            problems.append(SpecProblem(key, f"'{key}' must be a mapping", _EXAMPLES[key]))
            return ()
        pairs = []
        for name, column in value.items():
            if allowed is not None and name not in allowed:
                hint = did_you_mean(str(name), allowed) or f"use {', '.join(allowed)}"
                problems.append(SpecProblem(key, f"unknown role '{name}' in '{key}'", hint))
            elif not isinstance(column, str | int) or isinstance(column, bool):
                problems.append(SpecProblem(key, f"'{key}: {name}' must name a column"))
            else:
                pairs.append((str(name), str(column)))
        return tuple(pairs)

    columns = text_map("columns", ROLES)
    where: list[tuple[str, tuple[str, ...]]] = []
    filters = entry.get("where")
    if isinstance(filters, dict):
        for column, wanted in filters.items():
            values = wanted if isinstance(wanted, list) else [wanted]
            where.append((str(column), tuple("" if v is None else str(v) for v in values)))
    elif filters is not None:
        problems.append(SpecProblem("where", "'where' must be a mapping", _EXAMPLES["where"]))
    constants = []
    for key in CONSTANTS:
        value = entry.get(key)
        if value is not None:
            if isinstance(value, dict | list):
                problems.append(SpecProblem(key, f"'{key}' is one value for every row"))
            else:
                constants.append((key, str(value)))
    fmt = entry.get("format")
    if fmt is not None and fmt not in FORMATS:
        hint = did_you_mean(str(fmt), FORMATS) or f"formats are {', '.join(FORMATS)}"
        problems.append(SpecProblem("format", f"unknown format '{fmt}'", hint))
        fmt = None
    layout = entry.get("layout", "long")
    if layout not in LAYOUTS:
        problems.append(SpecProblem("layout", f"unknown layout '{layout}'", "long or wide"))
        layout = "long"
    missing = entry.get("missing")
    if missing is not None and not isinstance(missing, list):
        problems.append(SpecProblem("missing", "'missing' is a list of markers", "[.., ':']"))
        missing = None
    header = entry.get("header")
    if header is not None and (not isinstance(header, int) or isinstance(header, bool)
                               or header < 1):  # fmt: skip
        problems.append(SpecProblem("header", "'header' is the header's row number (1, 2, ...)"))
        header = None
    sheet = entry.get("sheet")
    if sheet is not None and not isinstance(sheet, str | int):
        problems.append(SpecProblem("sheet", "'sheet' is a sheet's name or number"))
        sheet = None
    params = entry.get("params") or {}
    if not isinstance(params, dict) or any(isinstance(v, dict | list) for v in params.values()):
        problems.append(SpecProblem("params", "'params' maps names to values", _EXAMPLES["params"]))
        params = {}
    sql, database = entry.get("sql"), entry.get("database")
    if (sql is None) != (database is None):
        key = "database" if sql is not None else "sql"
        problems.append(SpecProblem(key, "a database entry needs both 'sql' and 'database'",
                                    _EXAMPLES["sql"]))  # fmt: skip
    for key, value in (("sql", sql), ("database", database), ("range", entry.get("range"))):
        if value is not None and not isinstance(value, str):
            problems.append(SpecProblem(key, f"'{key}' must be text"))
    spec = SourceSpec(
        format=fmt,
        columns=columns,
        constants=tuple(constants),
        where=tuple(where),
        layout=layout,
        missing=tuple("" if m is None else str(m) for m in missing) if missing else None,
        sheet=sheet,
        range=entry.get("range") if isinstance(entry.get("range"), str) else None,
        header=header,
        sql=sql if isinstance(sql, str) else None,
        database=database if isinstance(database, str) else None,
        params=tuple((str(k), v) for k, v in params.items()),
    )
    return spec, problems


_EXAMPLES = {
    "columns": "columns: {metric: Indikator, period: Tid, value: INDHOLD}",
    "where": "where: {Units: Percent, Sex: ''}",
    "params": "params: {area: '101'}, used as :area in the query",
    "sql": "{sql: 'select metric, period, value from figures', database: figures.db}",
}


def database_file(database: str) -> str | None:
    """The file a ``database:`` names (relative to the rule file), or None for a server URL."""
    for scheme in _FILE_SCHEMES:
        if database.startswith(scheme):
            return database[len(scheme) :]
    return None if "://" in database or database.startswith("sqlite:") else database


def source_format(path: Path, spec: SourceSpec) -> str:
    if spec.format is not None:
        return spec.format
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return "excel"
    if suffix in (".parquet", ".pq"):
        return "parquet"
    return "csv"


def read_source(
    path: Path,
    spec: SourceSpec,
    *,
    decimal: str | None = None,
    root: Path | None = None,
    limits: Limits = DEFAULT_LIMITS,
    name: str | None = None,
    allow_database: bool | frozenset[str] = False,
    span: Span | None = None,
) -> Reading:
    """Read the source an entry describes (readers imported only now)."""
    name = name or str(path)
    if spec.is_database:
        from .sql import read_sql

        return read_sql(spec, path, root=root, limits=limits, allow=allow_database, span=span)
    fmt = source_format(path, spec)
    if fmt == "excel":
        from .excel import read_excel

        return read_excel(path, spec, root=root, limits=limits, name=name)
    if fmt == "parquet":
        raise DataError(
            "columns:, where: and layout: apply to CSV, Excel and SQL sources",
            span or Span(file=name),
            "write a Parquet file with metric, period, value columns",
        )
    from .csv import decode, mapped_table
    from .files import read_data_bytes
    from .mapping import read_table

    text = decode(read_data_bytes(path, root=root, limits=limits), name)
    stated: Convention | None = "comma" if decimal == "comma" else "point" if decimal else None
    table, convention = mapped_table(text, name, stated)
    return read_table(table, preset(fmt, spec, path, convention))


def preset(fmt: str, spec: SourceSpec, path: Path, decimal: str = "point") -> TableSpec:
    """The table spec of a format: SDMX-CSV and open-sdg name their columns by default."""
    table = spec.table_spec(decimal)
    columns = dict(table.columns)
    constants = dict(table.constants)
    if fmt == "sdmx-csv":
        columns.setdefault("period", "TIME_PERIOD")
        columns.setdefault("value", "OBS_VALUE")
        aliases = {"metric": ("INDICATOR", "SERIES")}
        return TableSpec(columns, constants, table.where, table.layout, table.missing,
                         table.decimal, aliases=aliases)  # fmt: skip
    elif fmt == "open-sdg":
        columns.setdefault("period", "Year")
        columns.setdefault("value", "Value")
        if "metric" not in columns:
            # indicator_8-5-2.csv -> indicator_8_5_2: a name a rule can use.
            constants.setdefault("metric", path.stem.replace("-", "_").replace(".", "_"))
        exempt = OPEN_SDG_KEEP | {c.casefold() for c, _ in spec.where}
        return TableSpec(columns, constants, table.where, table.layout, table.missing,
                         table.decimal, headline_except=exempt)  # fmt: skip
    else:
        return table
    return TableSpec(columns, constants, table.where, table.layout, table.missing, table.decimal)
