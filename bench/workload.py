"""The synthetic workload of bench/run.py: per-entity goals over a CSV and a Parquet file.

``metrics`` metrics x ``entities`` entities x 20 yearly periods (2005-2024) of figures with a
trend and noise, rounded to one decimal like published statistics; ``goals`` goals with
``for_each: entity`` cycling through ten rule shapes that cover the language's common
forms (deadlines ahead and passed, a baseline, a period lookup, a bare year, a ratio of two
metrics, a chained comparison, ``mean(x[*])``, ``and``, ``throughout``). Report date
2024-12-31. Everything is seeded: the same arguments give the same files.

The data is written twice, as Parquet and as a plain CSV (``metric,entity,period,value``,
unquoted, as a spreadsheet exports it), with one rule file naming each: what a user runs
``goalengine check`` on. :func:`goal_plan` is the same goals as data, for the peers of
bench/peers/ (a hand-written query knows its goals; it does not parse rules).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

FIRST_YEAR, YEARS = 2005, 20
AS_OF = "2024-12-31"

#: (rule, baseline, unit) templates; {m} is the goal's metric, {o} another one.
SHAPES: list[tuple[str, str | None, str | None]] = [
    ("{m} >= baseline + 5pp by 2026", "2015", "%"),
    ("{m} <= 0.9 * {m}[2015] by 2030", None, None),
    ("{m} <= 0.95 * 2018 by 2028", None, "%"),
    ("{m} >= 40", None, None),
    ("{m} / {o} >= 0.8 by 2027", None, None),
    ("20 <= {m} <= 80", None, "%"),
    ("{m} >= mean({m}[*])", None, None),
    ("{m} > 30 and {o} < 70", None, None),
    ("{m} <= baseline + 15 throughout 2018..2024", "2018", None),
    ("{m} >= baseline + 10% by 2020", "2010", None),
]


@dataclass(frozen=True)
class Workload:
    directory: Path
    rules: Path
    data: Path
    csv_rules: Path
    csv: Path
    entities: int
    metrics: int
    goals: int

    @property
    def observations(self) -> int:
        return self.entities * self.metrics * YEARS

    @property
    def raw_bytes(self) -> int:
        """The figures as float64, the yardstick for peak memory."""
        return self.observations * 8


def goal_plan(goals: int, metrics: int) -> list[tuple[str, int, str, str]]:
    """(id, shape, metric, other metric) for each goal: the shape indexes :data:`SHAPES`."""
    plan = []
    for i in range(goals):
        m = f"m{(i // len(SHAPES) + i) % metrics}"
        o = f"m{(i * 7 + 3) % metrics}"
        if o == m:
            o = f"m{(i * 7 + 4) % metrics}"
        plan.append((f"g{i:05d}", i % len(SHAPES), m, o))
    return plan


def goal_specs(goals: int, metrics: int) -> list[tuple[str, str, str | None, str | None]]:
    """(id, rule, baseline, unit) for each goal."""
    specs = []
    for goal_id, shape, m, o in goal_plan(goals, metrics):
        rule, baseline, unit = SHAPES[shape]
        specs.append((goal_id, rule.format(m=m, o=o), baseline, unit))
    return specs


def generate(directory: Path, entities: int, metrics: int, goals: int, seed: int = 7) -> Workload:
    """Write the data (Parquet, CSV) and a rule file for each into ``directory``.

    Files already there are reused: the same arguments always give the same content.
    """
    import pyarrow as pa
    import pyarrow.csv as pc
    import pyarrow.parquet as pq

    directory.mkdir(parents=True, exist_ok=True)
    tag = f"{entities}x{metrics}x{goals}-{seed}"
    data = directory / f"data-{entities}x{metrics}-{seed}.parquet"
    rules = directory / f"goals-{tag}.yaml"
    csv = data.with_suffix(".csv")
    csv_rules = rules.with_name(f"goals-{tag}-csv.yaml")
    if not data.exists():
        rng = np.random.default_rng(seed)
        n = entities * metrics * YEARS
        start = rng.uniform(25, 75, size=(metrics, entities, 1))
        slope = rng.normal(0.0, 1.2, size=(metrics, entities, 1))
        noise = rng.normal(0.0, 2.0, size=(metrics, entities, YEARS))
        years = np.arange(YEARS).reshape(1, 1, YEARS)
        values = np.round(np.clip(start + slope * years + noise, 0.5, 99.5), 1).reshape(n)
        metric_codes = np.repeat(np.arange(metrics, dtype=np.int32), entities * YEARS)
        entity_codes = np.tile(np.repeat(np.arange(entities, dtype=np.int32), YEARS), metrics)
        period_codes = np.tile(np.arange(YEARS, dtype=np.int32), metrics * entities)
        width = len(str(entities - 1))
        table = pa.table(
            {
                "metric": pa.DictionaryArray.from_arrays(
                    metric_codes, pa.array([f"m{i}" for i in range(metrics)])
                ),
                "entity": pa.DictionaryArray.from_arrays(
                    entity_codes, pa.array([f"district-{i:0{width}d}" for i in range(entities)])
                ),
                "period": pa.DictionaryArray.from_arrays(
                    period_codes, pa.array([str(FIRST_YEAR + y) for y in range(YEARS)])
                ),
                "value": pa.array(values, type=pa.float64()),
            }
        )
        pq.write_table(table, data)
    if not csv.exists():
        table = pq.read_table(data)
        plain = pa.table({name: table[name].cast(pa.string()) for name in table.column_names[:3]})
        plain = plain.append_column("value", table["value"])
        with open(csv, "wb") as out:
            out.write(b"metric,entity,period,value\n")
            pc.write_csv(plain, out, pc.WriteOptions(include_header=False, quoting_style="none"))
    for path, source in ((rules, data), (csv_rules, csv)):
        if not path.exists():
            _write_rules(path, source, goals, metrics)
    return Workload(directory, rules, data, csv_rules, csv, entities, metrics, goals)


def _write_rules(path: Path, data: Path, goals: int, metrics: int) -> None:
    lines = [
        "title: Synthetic per-entity goals (bench/run.py)",
        f"as_of: {AS_OF}",
        f"data: {data.name}",
        "defaults:",
        "  owner: bench",
        "goals:",
    ]
    for goal_id, rule, baseline, unit in goal_specs(goals, metrics):
        lines.append(f"  - id: {goal_id}")
        lines.append(f'    rule: "{rule}"')
        lines.append("    for_each: entity")
        if baseline:
            lines.append(f'    baseline: "{baseline}"')
        if unit:
            lines.append(f'    unit: "{unit}"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
