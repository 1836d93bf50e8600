"""The workload's verdicts as polars: one row per (metric, entity), one column per year.

After a pivot, each least-squares projection is a weighted sum across the year columns
(the weights depend only on the years), the goals are a frame joined to those rows, and a
``when`` chain per rule shape gives the verdict.
"""

from __future__ import annotations

from datetime import date

import polars as pl
from _common import EPOCH_YEAR, TOLERANCE, arguments, report

ON_TRACK, AT_RISK, MET, MISSED = "on-track", "at-risk", "met", "missed"


def day(year: int) -> int:
    return (date(year, 12, 31) - date(EPOCH_YEAR, 1, 1)).days


def fit(years: list[int], since: int, deadline: int) -> pl.Expr:
    """The projection to ``deadline`` of the line through the figures from ``since`` on."""
    kept = [y for y in years if y >= since]
    xs = [float(day(y)) for y in kept]
    mean_x = sum(xs) / len(xs)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    mean_y = pl.mean_horizontal([pl.col(str(y)) for y in kept])
    slope = pl.sum_horizontal(
        [pl.col(str(y)) * ((x - mean_x) / sxx) for y, x in zip(kept, xs, strict=True)]
    )
    return mean_y + slope * (day(deadline) - mean_x)


def ge(a: pl.Expr | float, b: pl.Expr | float) -> pl.Expr:
    a, b = pl.lit(a) if isinstance(a, float) else a, pl.lit(b) if isinstance(b, float) else b
    scale = pl.max_horizontal(pl.lit(1.0), a.abs(), b.abs())
    return (a > b) | ((a - b).abs() <= TOLERANCE * scale)


def verdict(shape: int, holds: pl.Expr) -> pl.Expr:
    yes, no = (ON_TRACK, AT_RISK) if shape in (0, 1, 2, 4) else (MET, MISSED)
    return pl.when(holds).then(pl.lit(yes)).otherwise(pl.lit(no))


def main() -> None:
    data, plan, out = arguments()
    frame = pl.read_parquet(data) if data.suffix == ".parquet" else pl.read_csv(data)
    frame = frame.select(
        pl.col("metric").cast(pl.Utf8),
        pl.col("entity").cast(pl.Utf8),
        pl.col("period").cast(pl.Utf8),
        pl.col("value").cast(pl.Float64),
    )
    wide = frame.pivot(on="period", index=["metric", "entity"], values="value")
    years = sorted(int(c) for c in wide.columns[2:])
    latest = str(years[-1])
    stats = wide.select(
        "metric",
        "entity",
        pl.col(latest).alias("latest"),
        pl.col("2010").alias("v2010"),
        pl.col("2015").alias("v2015"),
        pl.col("2018").alias("v2018"),
        pl.col("2020").alias("v2020"),
        pl.max_horizontal([str(y) for y in years if 2018 <= y <= 2024]).alias("window_max"),
        fit(years, 2015, 2026).alias("p15_26"),
        fit(years, 2015, 2030).alias("p15_30"),
        fit(years, 2018, 2028).alias("p18_28"),
        fit(years, 0, 2027).alias("p00_27"),
    ).with_columns(pl.col("latest").mean().over("metric").alias("mean_latest"))
    other = stats.select(pl.col("metric").alias("o"), "entity", pl.col("latest").alias("o_latest"))
    goals = pl.DataFrame(plan, schema=["goal", "shape", "m", "o"], orient="row")
    s = pl.col
    rules = {
        0: ge(s("p15_26"), s("v2015") + 5),
        1: ge(0.9 * s("v2015"), s("p15_30")),
        2: ge(0.95 * s("v2018"), s("p18_28")),
        3: ge(s("latest"), 40.0),
        4: ge(s("p00_27") / s("o_latest"), 0.8),
        5: ge(s("latest"), 20.0) & ge(80.0, s("latest")),
        6: ge(s("latest"), s("mean_latest")),
        7: (s("latest") > 30) & (s("o_latest") < 70),
        8: ge(s("v2018") + 15, s("window_max")),
        9: ge(s("v2020"), s("v2010") * 1.1),
    }
    chain = pl.when(s("shape") == 0).then(verdict(0, rules[0]))
    for shape in range(1, 10):
        chain = chain.when(s("shape") == shape).then(verdict(shape, rules[shape]))
    verdicts = (
        goals.join(stats, left_on="m", right_on="metric")
        .join(other, on=["o", "entity"])
        .select("goal", "entity", chain.alias("verdict"))
    )
    verdicts.write_csv(out)
    counts: dict[str, dict[str, int]] = {}
    for goal, name, n in verdicts.group_by("goal", "verdict").len().iter_rows():
        counts.setdefault(goal, {})[name] = n
    report(counts)


if __name__ == "__main__":
    main()
