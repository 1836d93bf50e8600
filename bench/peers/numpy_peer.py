"""The workload's verdicts as a hand-written numpy program (the data read with pyarrow).

What a competent programmer writes for exactly these rule shapes: the figures scattered
into one (metric, entity, year) array, latest values and baselines by slicing, every
least-squares projection as whole-array arithmetic, comparisons with goalengine's
tolerance. No parsing, no explanations: only verdicts.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from _common import EPOCH_YEAR, TOLERANCE, arguments, report

VERDICTS = np.array(["met", "on-track", "at-risk", "missed"])
MET, ON_TRACK, AT_RISK, MISSED = 0, 1, 2, 3


def read(path: str) -> pa.Table:
    if path.endswith(".parquet"):
        import pyarrow.parquet as pq

        return pq.read_table(path)
    import pyarrow.csv as csv

    return csv.read_csv(path)


def codes(column: pa.ChunkedArray) -> tuple[np.ndarray, list[str]]:
    """Dictionary codes and the distinct values of a column."""
    encoded = pc.dictionary_encode(column.cast(pa.string())).combine_chunks()
    return encoded.indices.to_numpy(), encoded.dictionary.to_pylist()


def ge(a: np.ndarray | float, b: np.ndarray | float) -> np.ndarray:
    scale = np.maximum(np.maximum(1.0, np.abs(a)), np.abs(b))
    return (a > b) | (np.abs(np.subtract(a, b)) <= TOLERANCE * scale)


def main() -> None:
    data, plan, out = arguments()
    table = read(str(data))
    metric, metrics = codes(table["metric"])
    entity, entities = codes(table["entity"])
    period, periods = codes(table["period"])
    years = np.array([int(p) for p in periods])
    order = np.argsort(years)
    years = years[order]
    column = np.empty(len(order), dtype=np.int64)
    column[order] = np.arange(len(order))
    cube = np.full((len(metrics), len(entities), len(years)), np.nan)
    cube[metric, entity, column[period]] = table["value"].to_numpy()
    x = np.array([(date(int(y), 12, 31) - date(EPOCH_YEAR, 1, 1)).days for y in years], float)
    at = {int(y): i for i, y in enumerate(years)}
    index = {name: i for i, name in enumerate(metrics)}

    def project(values: np.ndarray, since: int, deadline: int) -> np.ndarray:
        keep = years >= since
        xs, ys = x[keep], values[:, keep]
        dx = xs - xs.mean()
        slope = ((ys - ys.mean(axis=1)[:, None]) * dx).sum(axis=1) / (dx * dx).sum()
        day = (date(deadline, 12, 31) - date(EPOCH_YEAR, 1, 1)).days
        return ys.mean(axis=1) + slope * (day - xs.mean())

    results = []
    counts: dict[str, dict[str, int]] = {}
    for goal, shape, m, o in plan:
        v, w = cube[index[m]], cube[index[o]]
        latest, other = v[:, -1], w[:, -1]
        if shape == 0:
            holds = ge(project(v, 2015, 2026), v[:, at[2015]] + 5)
        elif shape == 1:
            holds = ge(0.9 * v[:, at[2015]], project(v, 2015, 2030))
        elif shape == 2:
            holds = ge(0.95 * v[:, at[2018]], project(v, 2018, 2028))
        elif shape == 3:
            holds = ge(latest, 40.0)
        elif shape == 4:
            holds = ge(project(v, 0, 2027) / other, 0.8)
        elif shape == 5:
            holds = ge(latest, 20.0) & ge(80.0, latest)
        elif shape == 6:
            holds = ge(latest, float(latest.mean()))
        elif shape == 7:
            holds = (latest > 30) & (other < 70)
        elif shape == 8:
            window = v[:, at[2018] : at[2024] + 1]
            holds = ge(v[:, at[2018]][:, None] + 15, window).all(axis=1)
        else:
            holds = ge(v[:, at[2020]], v[:, at[2010]] * 1.1)
        yes, no = (ON_TRACK, AT_RISK) if shape in (0, 1, 2, 4) else (MET, MISSED)
        verdict = np.where(holds, yes, no)
        tally = np.bincount(verdict, minlength=4)
        counts[goal] = {str(VERDICTS[k]): int(n) for k, n in enumerate(tally) if n}
        results.append((goal, verdict))
    goal_column = np.repeat([g for g, _ in results], len(entities))
    names = np.tile(np.array(entities, dtype=object), len(results))
    verdicts = VERDICTS[np.concatenate([v for _, v in results])]
    import pyarrow.csv as csv

    csv.write_csv(pa.table({"goal": goal_column, "entity": names, "verdict": verdicts}), str(out))
    report(counts)


if __name__ == "__main__":
    main()
