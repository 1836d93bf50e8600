"""The workload's verdicts as DuckDB SQL: one pass of aggregates per (metric, entity).

``regr_slope``/``regr_intercept`` per group give each least-squares projection; the goals
are a table joined to those aggregates, and one CASE per rule shape gives the verdict.
"""

from __future__ import annotations

import duckdb
from _common import EPOCH_YEAR, TOLERANCE, arguments, report


def fit(since: int, deadline: int) -> str:
    """The projection to ``deadline`` of the line through the figures from ``since`` on."""
    keep = f"FILTER (WHERE y >= {since})"
    return f"regr_intercept(value, x) {keep} + regr_slope(value, x) {keep} * xday({deadline})"


SQL = f"""
CREATE TEMP TABLE verdicts AS
WITH obs AS (
    SELECT CAST(metric AS VARCHAR) AS metric, CAST(entity AS VARCHAR) AS entity,
           CAST(period AS INTEGER) AS y, value, xday(CAST(period AS INTEGER)) AS x
    FROM {{source}}
), stats AS (
    SELECT metric, entity,
        arg_max(value, y) AS latest,
        any_value(value) FILTER (WHERE y = 2010) AS v2010,
        any_value(value) FILTER (WHERE y = 2015) AS v2015,
        any_value(value) FILTER (WHERE y = 2018) AS v2018,
        any_value(value) FILTER (WHERE y = 2020) AS v2020,
        max(value) FILTER (WHERE y BETWEEN 2018 AND 2024) AS window_max,
        {fit(2015, 2026)} AS p15_26,
        {fit(2015, 2030)} AS p15_30,
        {fit(2018, 2028)} AS p18_28,
        {fit(0, 2027)} AS p00_27
    FROM obs GROUP BY metric, entity
), stats2 AS (
    SELECT *, avg(latest) OVER (PARTITION BY metric) AS mean_latest FROM stats
)
SELECT p.goal, s.entity, CASE p.shape
    WHEN 0 THEN CASE WHEN ge(s.p15_26, s.v2015 + 5) THEN 'on-track' ELSE 'at-risk' END
    WHEN 1 THEN CASE WHEN ge(0.9 * s.v2015, s.p15_30) THEN 'on-track' ELSE 'at-risk' END
    WHEN 2 THEN CASE WHEN ge(0.95 * s.v2018, s.p18_28) THEN 'on-track' ELSE 'at-risk' END
    WHEN 3 THEN CASE WHEN ge(s.latest, 40) THEN 'met' ELSE 'missed' END
    WHEN 4 THEN CASE WHEN ge(s.p00_27 / o.latest, 0.8) THEN 'on-track' ELSE 'at-risk' END
    WHEN 5 THEN CASE WHEN ge(s.latest, 20) AND ge(80, s.latest) THEN 'met' ELSE 'missed' END
    WHEN 6 THEN CASE WHEN ge(s.latest, s.mean_latest) THEN 'met' ELSE 'missed' END
    WHEN 7 THEN CASE WHEN s.latest > 30 AND o.latest < 70 THEN 'met' ELSE 'missed' END
    WHEN 8 THEN CASE WHEN ge(s.v2018 + 15, s.window_max) THEN 'met' ELSE 'missed' END
    WHEN 9 THEN CASE WHEN ge(s.v2020, s.v2010 * 1.1) THEN 'met' ELSE 'missed' END
END AS verdict
FROM plan p
JOIN stats2 s ON s.metric = p.m
JOIN stats2 o ON o.metric = p.o AND o.entity = s.entity
"""


def main() -> None:
    data, plan, out = arguments()
    con = duckdb.connect()
    scale = "greatest(1.0, abs(a), abs(b))"
    con.execute(f"CREATE MACRO ge(a, b) AS a > b OR abs(a - b) <= {TOLERANCE} * {scale}")
    epoch = f"DATE '{EPOCH_YEAR}-01-01'"
    con.execute(f"CREATE MACRO xday(y) AS date_diff('day', {epoch}, make_date(y, 12, 31))")
    con.execute("CREATE TEMP TABLE plan (goal VARCHAR, shape INTEGER, m VARCHAR, o VARCHAR)")
    con.executemany("INSERT INTO plan VALUES (?, ?, ?, ?)", plan)
    reader = "read_parquet" if data.suffix == ".parquet" else "read_csv"
    con.execute(SQL.replace("{source}", f"{reader}('{data}')"))
    con.execute(f"COPY (SELECT * FROM verdicts) TO '{out}' (FORMAT csv, HEADER)")
    counts: dict[str, dict[str, int]] = {}
    for goal, verdict, n in con.execute(
        "SELECT goal, verdict, count(*) FROM verdicts GROUP BY goal, verdict"
    ).fetchall():
        counts.setdefault(goal, {})[verdict] = n
    report(counts)


if __name__ == "__main__":
    main()
