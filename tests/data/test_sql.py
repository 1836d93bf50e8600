"""SQL sources on real databases: SQLite and DuckDB files, and a PostgreSQL server."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from goalengine import DataError, Verdict, evaluate, read_rules
from goalengine.data.sources import parse_spec, read_source
from goalengine.engine.run import judge_stream

Write = Callable[[str, str], Path]
ROWS = [("employment_rate", "2022K4", "101", 75.1), ("employment_rate", "2023K1", "101", 75.6),
        ("employment_rate", "2023K1", "147", None)]  # fmt: skip
QUERY = "select indikator as metric, tid as period, kommune as entity, indhold as value from aku"


def _sqlite(path: Path) -> Path:
    with sqlite3.connect(path) as db:
        db.execute("create table aku (indikator text, tid text, kommune text, indhold real)")
        db.executemany("insert into aku values (?, ?, ?, ?)", ROWS)
    return path


def _read(
    path: Path, allow: bool | frozenset[str] = False, **entry: object
) -> dict[object, object]:
    spec, problems = parse_spec(entry)
    assert not problems
    reading = read_source(path, spec, allow_database=allow)
    found: dict[object, object] = {
        (s.metric, s.entity): {str(o.period): o.value for o in s} for s in reading.dataset.series
    }
    found["skipped"] = reading.skipped
    return found


EXPECTED = {("employment_rate", "101"): {"2022-Q4": 75.1, "2023-Q1": 75.6}, "skipped": 1}


def test_a_sqlite_file_through_sqlalchemy(tmp_path: Path) -> None:
    path = _sqlite(tmp_path / "figures.db")
    assert _read(path, sql=QUERY, database="sqlite:///figures.db") == EXPECTED
    assert _read(path, sql=QUERY, database="figures.db") == EXPECTED


def test_parameters_are_bound_never_formatted(tmp_path: Path) -> None:
    path = _sqlite(tmp_path / "figures.db")
    query = QUERY + " where kommune = :area"
    only = {**EXPECTED, "skipped": 0}  # the row with no figure is another area's
    assert _read(path, sql=query, database="figures.db", params={"area": "101"}) == only
    hostile = {"area": "101' or '1'='1"}
    assert _read(path, sql=query, database="figures.db", params=hostile) == {"skipped": 0}


def test_a_sqlite_query_cannot_write_or_attach(tmp_path: Path) -> None:
    path = _sqlite(tmp_path / "figures.db")
    for sql in ("delete from aku", f"attach database '{tmp_path / 'other.db'}' as other"):
        spec, _ = parse_spec({"sql": sql, "database": "figures.db"})
        with pytest.raises(DataError) as caught:
            read_source(path, spec)
        assert caught.value.message.startswith("the query failed")
    assert not (tmp_path / "other.db").exists()
    with sqlite3.connect(path) as db:
        assert db.execute("select count(*) from aku").fetchone() == (3,)


def test_the_query_columns_are_checked_like_a_csv_header(tmp_path: Path) -> None:
    path = _sqlite(tmp_path / "figures.db")
    spec, _ = parse_spec({"sql": "select indikator as metric, tid as period from aku",
                          "database": "figures.db"})  # fmt: skip
    with pytest.raises(DataError) as caught:
        read_source(path, spec)
    assert caught.value.message == "figures.db (query) has no value column"


def test_a_bad_value_names_its_row_and_column(tmp_path: Path) -> None:
    path = _sqlite(tmp_path / "figures.db")
    spec, _ = parse_spec({"sql": "select 'x' as metric, '2023' as period, 'n/a!' as value",
                          "database": "figures.db"})  # fmt: skip
    with pytest.raises(DataError) as caught:
        read_source(path, spec)
    assert caught.value.message == "cannot read value 'n/a!' as a number (row 1, column 'value')"


def test_a_duckdb_file_read_only_without_reaching_other_files(tmp_path: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    path = tmp_path / "figures.duckdb"
    with duckdb.connect(str(path)) as db:
        db.execute("create table aku (indikator text, tid text, kommune text, indhold double)")
        db.executemany("insert into aku values (?, ?, ?, ?)", ROWS)
    assert _read(path, sql=QUERY, database="figures.duckdb") == EXPECTED
    (tmp_path / "secret.csv").write_text("metric,period,value\nx,2020,1\n")
    spec, _ = parse_spec({"sql": f"select * from read_csv('{tmp_path / 'secret.csv'}')",
                          "database": "figures.duckdb"})  # fmt: skip
    with pytest.raises(DataError) as caught:
        read_source(path, spec)
    assert caught.value.message.startswith("the query failed")
    # A run that allows databases may query files in place (DuckDB's strength).
    assert _read(path, allow=True, sql=spec.sql, database="figures.duckdb")["skipped"] == 0


def test_a_rule_file_database_lies_beside_it_and_inside_the_root(
    write: Write, tmp_path: Path
) -> None:
    _sqlite(tmp_path / "figures.db")
    rules = write(
        "goals.yaml",
        f"""
        as_of: 2023-06-30
        data: [{{sql: "{QUERY}", database: figures.db}}]
        goals:
          - {{id: jobs, rule: employment_rate >= 75 by 2023-Q1, for_each: entity}}
        """,
    )
    report = evaluate(read_rules(rules), data_root=tmp_path)
    assert [r.verdict for r in report.results] == [Verdict.MET]
    outside = write("sub/goals.yaml", rules.read_text().replace("figures.db", "../figures.db"))
    with pytest.raises(DataError) as caught:
        evaluate(read_rules(outside), data_root=tmp_path / "sub")
    assert "lies outside the data root" in caught.value.message
    assert caught.value.span.line == 2


def test_a_database_server_in_a_rule_file_needs_the_runs_leave(write: Write) -> None:
    url = "postgresql+psycopg://me:secret@db.example:5432/stats"
    rules = write(
        "goals.yaml",
        f"""
        data: [{{sql: "select 1", database: "{url}"}}]
        goals:
          - {{id: g, rule: x >= 1 by 2030}}
        """,
    )
    report = judge_stream([read_rules(rules)]).report()
    error = report.results[0].error
    assert error is not None
    assert error.message == "connecting to 'postgresql+psycopg://me:***@db.example:5432/stats'"
    assert "--allow-database" in str(error.hint)
    assert error.line == 1


@pytest.mark.slow  # starting the server takes a few seconds
def test_a_postgresql_server(postgres_url: str, tmp_path: Path) -> None:
    sqlalchemy = pytest.importorskip("sqlalchemy")
    engine = sqlalchemy.create_engine(postgres_url)
    with engine.begin() as db:
        db.execute(sqlalchemy.text("drop table if exists aku"))
        table = "create table aku (indikator text, tid text, kommune text, indhold numeric(5, 1))"
        db.execute(sqlalchemy.text(table))
        for row in ROWS:
            db.execute(sqlalchemy.text("insert into aku values (:m, :p, :e, :v)"),
                       dict(zip("mpev", row, strict=True)))  # fmt: skip
    engine.dispose()
    path = tmp_path / "unused"
    with pytest.raises(DataError, match="connecting to"):
        _read(path, sql=QUERY, database=postgres_url)
    assert _read(path, allow=True, sql=QUERY, database=postgres_url) == EXPECTED
    allowed = frozenset({postgres_url})
    assert _read(path, allow=allowed, sql=QUERY, database=postgres_url) == EXPECTED
    # Read-only: a query that writes fails, and the table is as it was.
    spec, _ = parse_spec({"sql": "delete from aku returning indikator as metric",
                          "database": postgres_url})  # fmt: skip
    with pytest.raises(DataError, match="read-only"):
        read_source(path, spec, allow_database=True)
    assert _read(path, allow=True, sql=QUERY, database=postgres_url) == EXPECTED


@pytest.mark.slow
def test_the_command_line_allows_a_named_server(
    postgres_url: str, write: Write, capsys: pytest.CaptureFixture[str]
) -> None:
    from goalengine.cli import main

    sqlalchemy = pytest.importorskip("sqlalchemy")
    engine = sqlalchemy.create_engine(postgres_url)
    with engine.begin() as db:
        db.execute(sqlalchemy.text("create table if not exists jobs (p text, v float)"))
        db.execute(sqlalchemy.text("delete from jobs"))
        db.execute(sqlalchemy.text("insert into jobs values ('2023K1', 76)"))
    engine.dispose()
    rules = write(
        "goals.yaml",
        f"""
        as_of: 2023-06-30
        data: [{{sql: "select p as period, v as value from jobs", database: "{postgres_url}",
                 metric: employment_rate}}]
        goals:
          - {{id: jobs, rule: employment_rate >= 75 by 2023-Q1}}
        """,
    )
    assert main(["check", str(rules), "--format", "json"]) == 2
    assert "--allow-database" in capsys.readouterr().err
    assert main(["check", str(rules), "--format", "json", "--allow-database", "x://other"]) == 2
    capsys.readouterr()
    assert main(["check", str(rules), "--format", "json", "--allow-database", postgres_url]) == 0
    assert '"verdict": "met"' in capsys.readouterr().out
