"""Invariants of the mapped reader: one table, three shapes, one dataset."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from goalengine.data import read_csv_text
from goalengine.data.csv import mapped_table
from goalengine.data.dataset import Dataset
from goalengine.data.mapping import TableSpec, read_table

_periods = st.sampled_from(["2020", "2021K1", "2021-Q2", "2021M07", "2022-W05", "2022-S1"])
_values = st.one_of(
    st.integers(-(10**6), 10**6).map(float),
    st.floats(-1e6, 1e6, allow_nan=False).map(lambda v: float(repr(v))),
)
_tables = st.dictionaries(
    st.tuples(st.sampled_from(["jobs", "waste"]), st.sampled_from(["101", "147", "Aarhus"])),
    st.dictionaries(_periods, _values, min_size=1, max_size=4),
    min_size=1,
    max_size=5,
)


def _canonical(data: Dataset) -> dict[tuple[str, str | None], dict[str, float]]:
    return {(s.metric, s.entity): {str(o.period): o.value for o in s} for s in data.series}


def _long(table: dict[tuple[str, str], dict[str, float]]) -> str:
    rows = [f"{m},{p},{e},{v!r}" for (m, e), values in table.items() for p, v in values.items()]
    return "metric,period,entity,value\n" + "\n".join(rows) + "\n"


def _wide(table: dict[tuple[str, str], dict[str, float]]) -> str:
    periods = sorted({p for values in table.values() for p in values})
    lines = ["metric,entity," + ",".join(periods)]
    for (metric, entity), values in table.items():
        cells = [repr(values[p]) if p in values else ".." for p in periods]
        lines.append(f"{metric},{entity}," + ",".join(cells))
    return "\n".join(lines) + "\n"


@given(_tables)
def test_long_mapped_and_wide_read_the_same(table: dict[tuple[str, str], dict[str, float]]) -> None:
    plain = _canonical(read_csv_text(_long(table), "long.csv"))
    mapped = _canonical(read_table(mapped_table(_long(table), "long.csv")[0], TableSpec()).dataset)
    wide_table, _ = mapped_table(_wide(table), "wide.csv")
    wide = read_table(wide_table, TableSpec(layout="wide"))
    assert mapped == plain == _canonical(wide.dataset)
    filled = sum(len(values) for values in table.values())
    assert wide.skipped == len(table) * len({p for v in table.values() for p in v}) - filled
