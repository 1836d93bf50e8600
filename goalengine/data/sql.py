"""SQL sources: SQLite and DuckDB files, and any database SQLAlchemy has a driver for.

A rule file arrives in a pull request, so a query from it is untrusted:

- a database *file* (``figures.db``, ``sqlite:///figures.db``, ``figures.duckdb``) lies
  inside the data root like every data file and is opened read-only -- SQLite with an
  authorizer that refuses ``ATTACH`` (no other file is reached), DuckDB with external
  access off (no ``read_csv('/etc/...')``, no extensions) unless the run allows databases;
- a database *URL* (``postgresql://...``) connects only when the run allows it
  (``--allow-database``, or the URL named on the command line);
- parameters are bound (``:area`` in the query, ``params: {area: '101'}``), never
  formatted into the SQL; the connection is read-only where the driver can say so, and the
  transaction is rolled back, never committed;
- the result's columns are checked like a CSV header, and at most
  :data:`~goalengine.limits.MAX_QUERY_ROWS` rows are read.
"""

from __future__ import annotations

import decimal
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import DataError, Span
from ..limits import DEFAULT_LIMITS, MAX_QUERY_ROWS, Limits
from ._text import escape
from .files import check_data_file
from .mapping import Cell, Reading, Table, read_table
from .sources import database_file

if TYPE_CHECKING:
    from .sources import SourceSpec

__all__ = ["DUCKDB_SUFFIXES", "read_sql"]

DUCKDB_SUFFIXES = (".duckdb", ".ddb")
_ALLOW_HINT = (
    "a rule file may name a database server only when the run allows it: "
    "goalengine check --allow-database (or --allow-database URL)"
)


def allowed(database: str, allow: bool | frozenset[str]) -> bool:
    return allow is True or (isinstance(allow, frozenset) and database in allow)


def read_sql(
    spec: SourceSpec,
    path: Path,
    *,
    root: Path | None = None,
    limits: Limits = DEFAULT_LIMITS,
    allow: bool | frozenset[str] = False,
    span: Span | None = None,
) -> Reading:
    """The rows ``spec.sql`` returns from ``spec.database`` (``path``: the database file,
    joined to the rule file's folder), read as ``spec`` maps them."""
    from .sources import preset

    database, sql = spec.database, spec.sql
    if database is None or sql is None:
        raise DataError("a database entry needs 'sql' and 'database'", span or Span())
    where = span or Span(file=database)
    params = dict(spec.params)
    file = database_file(database)
    if file is None:
        if not allowed(database, allow):
            raise DataError(f"connecting to '{escape(_redacted(database))}'", where, _ALLOW_HINT)
        header, rows = _server(database, sql, params, where)
    else:
        resolved = check_data_file(path, root=root, limits=limits, span=where, name=file)
        duck = resolved.suffix.lower() in DUCKDB_SUFFIXES or database.startswith("duckdb:")
        if duck:
            header, rows = _duckdb(resolved, sql, params, where, external=allow is True)
        else:
            header, rows = _sqlite(resolved, sql, params, where)
    label = f"{file or _redacted(database)} (query)"

    def place(row: int, index: int | None) -> Span:
        return Span(file=label, line=row, column=None if index is None else index + 1)

    def cell_name(row: int, index: int) -> str:
        return f"row {row}, column '{escape(header[index])}'" if index < len(header) else ""

    table = Table(label, header, _numbered(rows, where), 0, place, cell_name)
    return read_table(table, preset("sql", spec, path))


def _numbered(rows: Iterator[Sequence[Any]], where: Span) -> Iterator[tuple[int, list[Cell]]]:
    for number, row in enumerate(rows, start=1):
        if number > MAX_QUERY_ROWS:
            raise DataError(f"the query returned more than {MAX_QUERY_ROWS:,} rows", where,
                            "aggregate or filter in the query")  # fmt: skip
        yield number, [_cell(value) for value in row]


def _cell(value: Any) -> Cell:
    if isinstance(value, decimal.Decimal):  # NUMERIC columns: exact in the database
        return float(value)
    if value is None or isinstance(value, str | int | float) or hasattr(value, "year"):
        return value  # type: ignore[no-any-return]
    return str(value)


def _failed(error: Exception, where: Span) -> DataError:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return DataError(f"the query failed: {escape(text, 200)}", where)


def _sqlite(
    path: Path, sql: str, params: dict[str, Any], where: Span
) -> tuple[list[str], Iterator[Sequence[Any]]]:
    """Through SQLAlchemy on a read-only connection that cannot attach other files."""
    from sqlalchemy import create_engine, text

    def connect() -> sqlite3.Connection:
        connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        connection.set_authorizer(_no_attach)
        return connection

    engine = create_engine("sqlite://", creator=connect)
    try:
        with engine.connect() as connection:
            result = connection.execute(text(sql), params)
            header = list(result.keys())
            rows = list(_bounded(result))
    except DataError:
        raise
    except Exception as error:  # the driver's and SQLAlchemy's errors, all worded alike
        raise _failed(error, where) from None
    finally:
        engine.dispose()
    return header, iter(rows)


def _no_attach(action: int, *_: Any) -> int:
    return sqlite3.SQLITE_DENY if action in (sqlite3.SQLITE_ATTACH,) else sqlite3.SQLITE_OK


def _duckdb(
    path: Path, sql: str, params: dict[str, Any], where: Span, *, external: bool
) -> tuple[list[str], Iterator[Sequence[Any]]]:
    try:
        import duckdb
    except ImportError:
        raise DataError("cannot read a DuckDB file", where,
                        "install it: pip install 'goalengine[sql]'") from None  # fmt: skip
    config: dict[str, str | bool | int | float | list[str]] = {
        "enable_external_access": external,
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
    }
    try:
        with duckdb.connect(str(path), read_only=True, config=config) as connection:
            cursor = connection.execute(sql, params)
            header = [column[0] for column in cursor.description or ()]
            rows = list(_bounded(cursor))
    except DataError:
        raise
    except Exception as error:
        raise _failed(error, where) from None
    return header, iter(rows)


def _server(
    url: str, sql: str, params: dict[str, Any], where: Span
) -> tuple[list[str], Iterator[Sequence[Any]]]:
    from sqlalchemy import create_engine, text

    try:
        engine = create_engine(url)
    except Exception as error:
        raise _failed(error, where) from None
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "postgresql":
                connection = connection.execution_options(postgresql_readonly=True)
            result = connection.execute(text(sql), params)
            header = list(result.keys())
            rows = list(_bounded(result))
            connection.rollback()  # nothing a query did is ever committed
    except DataError:
        raise
    except Exception as error:
        raise _failed(error, where) from None
    finally:
        engine.dispose()
    return header, iter(rows)


def _bounded(result: Any) -> Iterator[Sequence[Any]]:
    while chunk := result.fetchmany(10_000):
        yield from chunk


def _redacted(url: str) -> str:
    """A URL without its password, for messages."""
    scheme, found, rest = url.partition("://")
    if not found or "@" not in rest:
        return url
    credentials, _, host = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}"
