"""Columnar measurement data for vectorised evaluation (numpy, imported only when needed).

A :class:`Frame` holds, per metric, an (entities x periods) float64 matrix -- NaN where
there is no figure -- plus one row per metric for entity-less series. It is built straight
from Parquet or CSV columns without one Python object per observation, and converts to and
from a :class:`~goalengine.data.Dataset` (same series, same errors) when the scalar path
needs one. Columns are periods in :class:`~goalengine.periods.Period` order, which is the
order a :class:`~goalengine.data.Series` keeps its observations in.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from ..errors import DataError, PeriodError, Span
from ..limits import DEFAULT_LIMITS, Limits
from ..models import Observation
from ..periods import Period
from ._text import escape, is_plain
from .arrays import numpy_of
from .csv import COLUMNS, REQUIRED, Table, decode, read_csv_text
from .dataset import Dataset, Series
from .files import open_data_file, read_data_bytes
from .numbers import GROUPING, PATTERNS, Convention

__all__ = [
    "Frame",
    "read_csv_frame",
    "read_csv_text_frame",
    "read_frame",
    "read_parquet_frame",
]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.integer[Any]]


@dataclass(frozen=True, eq=False)
class Frame:
    """Per metric, an (entities x periods) matrix of figures; see the module docstring."""

    metrics: tuple[str, ...]
    entity_names: tuple[str, ...]
    """Row labels, sorted (entity-less series live in :attr:`unscoped`)."""
    periods: tuple[Period, ...]
    """Column labels, in Period order (by last day, longer periods first)."""
    values: FloatArray
    """Shape (metrics, entities, periods); NaN where there is no figure."""
    unscoped: FloatArray
    """Shape (metrics, periods): the entity-less series (NaN where there is none)."""
    published: dict[tuple[int, int, int], date] = field(default_factory=dict)
    """Publication dates by (metric, entity row or -1, column), where a file gives them."""
    source: str | None = None

    # -- indexes -------------------------------------------------------------------------

    @cached_property
    def metric_index(self) -> dict[str, int]:
        return {m: i for i, m in enumerate(self.metrics)}

    @cached_property
    def entity_index(self) -> dict[str, int]:
        return {e: i for i, e in enumerate(self.entity_names)}

    @cached_property
    def period_index(self) -> dict[Period, int]:
        return {p: i for i, p in enumerate(self.periods)}

    @cached_property
    def ends(self) -> tuple[date, ...]:
        return tuple(p.end for p in self.periods)

    @cached_property
    def _present(self) -> BoolArray:
        """(metrics, entities): the entity has a series of the metric."""
        present: BoolArray = np.logical_not(np.isnan(self.values).all(axis=2))
        return present

    @cached_property
    def _unscoped_present(self) -> BoolArray:
        present: BoolArray = np.logical_not(np.isnan(self.unscoped).all(axis=1))
        return present

    @property
    def present(self) -> BoolArray:
        """(metrics, entities): the entity has a series of the metric."""
        return self._present

    @cached_property
    def published_metrics(self) -> frozenset[str]:
        """Metrics with figures published ahead of their period (judged by the scalar path)."""
        return frozenset(self.metrics[m] for m, _, _ in self.published)

    def __contains__(self, metric: object) -> bool:
        return metric in self.metric_index

    def __len__(self) -> int:
        """The number of observations."""
        return int((~np.isnan(self.values)).sum() + (~np.isnan(self.unscoped)).sum())

    @property
    def nbytes(self) -> int:
        return int(self.values.nbytes + self.unscoped.nbytes)

    def has_series(self, metric: str) -> BoolArray:
        """Per entity row: whether it has a series of ``metric``."""
        row: BoolArray = self._present[self.metric_index[metric]]
        return row

    def has_unscoped(self, metric: str) -> bool:
        return bool(self._unscoped_present[self.metric_index[metric]])

    def entities_of(self, metrics: Iterable[str]) -> tuple[str, ...]:
        """Entities with a series of any of ``metrics``, sorted (cached)."""
        key = frozenset(metrics)
        found = self._entities_of.get(key)
        if found is None:
            mask = np.zeros(len(self.entity_names), dtype=bool)
            for metric in key:
                index = self.metric_index.get(metric)
                if index is not None:
                    mask |= self._present[index]
            found = self._entities_of[key] = tuple(
                self.entity_names[i] for i in np.flatnonzero(mask)
            )
        return found

    @cached_property
    def _entities_of(self) -> dict[frozenset[str], tuple[str, ...]]:
        return {}

    def entities(self, metric: str) -> list[str | None]:
        """Like :meth:`Dataset.entities`: who has a series of ``metric`` (None: entity-less)."""
        index = self.metric_index.get(metric)
        if index is None:
            return []
        found: list[str | None] = [
            self.entity_names[i] for i in np.flatnonzero(self._present[index])
        ]
        if self._unscoped_present[index]:
            found.append(None)
        return found

    # -- conversions -----------------------------------------------------------------------

    def to_dataset(self, metrics: Iterable[str] | None = None) -> Dataset:
        """The same figures as a :class:`Dataset` (of ``metrics`` only, if given)."""
        wanted = self.metrics if metrics is None else [m for m in metrics if m in self]
        series = []
        for metric in wanted:
            m = self.metric_index[metric]
            rows = [(int(e), self.values[m, e]) for e in np.flatnonzero(self._present[m])]
            if self._unscoped_present[m]:
                rows.append((-1, self.unscoped[m]))
            for e, row in rows:
                entity = None if e < 0 else self.entity_names[e]
                observations = [
                    Observation.model_construct(
                        period=self.periods[c],
                        value=float(row[c]),
                        entity=entity,
                        note=None,
                        source=None,
                        published=self.published.get((m, int(e), int(c))),
                    )
                    for c in np.flatnonzero(~np.isnan(row))
                ]
                series.append(
                    Series.model_construct(
                        metric=metric,
                        entity=entity,
                        observations=tuple(observations),
                        source=self.source,
                    )
                )
        return Dataset.of(series)

    @classmethod
    def from_dataset(cls, dataset: Dataset) -> Frame:
        """A frame of ``dataset``'s figures (notes and sources are left behind)."""
        codes = _Codes()
        for series in dataset.series:
            for observation in series.observations:
                codes.add(
                    series.metric,
                    series.entity,
                    observation.period,
                    observation.value,
                    observation.published,
                )
        return codes.frame(source=None, where=lambda row: f"observation {row + 1}")


@dataclass
class _Codes:
    """Observations as integer codes (labels numbered as first seen), for :func:`_build`."""

    metrics: dict[str, int] = field(default_factory=dict)
    entities: dict[str, int] = field(default_factory=dict)
    periods: dict[Period, int] = field(default_factory=dict)
    m: list[int] = field(default_factory=list)
    e: list[int] = field(default_factory=list)
    p: list[int] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    published: dict[tuple[int, int, int], date] = field(default_factory=dict)

    def add(
        self, metric: str, entity: str | None, period: Period, value: float, day: date | None
    ) -> None:
        m = self.metrics.setdefault(metric, len(self.metrics))
        e = -1 if entity is None else self.entities.setdefault(entity, len(self.entities))
        p = self.periods.setdefault(period, len(self.periods))
        if day is not None:
            self.published[(m, e, p)] = day
        self.m.append(m)
        self.e.append(e)
        self.p.append(p)
        self.values.append(value)

    def frame(self, source: str | None, where: Callable[[int], str]) -> Frame:
        return _build(
            list(self.metrics),
            list(self.entities),
            list(self.periods),
            np.array(self.m, dtype=np.intp),
            np.array(self.e, dtype=np.intp),
            np.array(self.p, dtype=np.intp),
            np.array(self.values, dtype=np.float64),
            published=self.published,
            source=source,
            where=where,
        )


def _build(
    metric_names: Sequence[str],
    entity_names: Sequence[str],
    period_list: Sequence[Period],
    m: NDArray[np.integer[Any]],
    e: NDArray[np.integer[Any]],
    p: NDArray[np.integer[Any]],
    v: FloatArray,
    *,
    published: dict[tuple[int, int, int], date] | None = None,
    source: str | None,
    where: Callable[[int], str],
) -> Frame:
    """A frame from coded columns (``e`` is -1 for entity-less rows); checks duplicates.

    Memory: the finished frame plus about two int64 columns of temporaries.
    """
    name = source or "<data>"
    if np.isnan(v).any():
        bad = int(np.flatnonzero(np.isnan(v))[0])
        raise DataError(f"{where(bad)}: the value is not a number", Span(file=name))
    # Rows sorted by entity name, columns in Period order.
    entity_order = sorted(range(len(entity_names)), key=lambda i: entity_names[i])
    entity_rank = np.empty(len(entity_names) + 1, dtype=np.int32)
    entity_rank[np.array(entity_order, dtype=np.intp)] = np.arange(len(entity_order))
    entity_rank[-1] = -1  # code -1 (entity-less) stays -1
    period_order = sorted(range(len(period_list)), key=lambda i: period_list[i])
    period_rank = np.empty(len(period_list), dtype=np.int32)
    period_rank[np.array(period_order, dtype=np.intp)] = np.arange(len(period_order))
    n_m, n_e, n_c = len(metric_names), len(entity_names), len(period_list)
    values = np.full((n_m, n_e, n_c), np.nan)
    unscoped = np.full((n_m, n_c), np.nan)
    rows = entity_rank[e]
    cols = period_rank[p]
    scoped = None if not len(e) or e.min() >= 0 else rows >= 0
    if scoped is None:
        values.reshape(-1)[_flat(m, rows, cols, n_e, n_c)] = v
    else:
        values.reshape(-1)[_flat(m[scoped], rows[scoped], cols[scoped], n_e, n_c)] = v[scoped]
        unscoped[m[~scoped], cols[~scoped]] = v[~scoped]
    filled = int(np.count_nonzero(~np.isnan(values))) + int(np.count_nonzero(~np.isnan(unscoped)))
    if filled < len(v):  # some (metric, entity, period) came twice
        _check_duplicates(
            m, rows, cols, v, metric_names, entity_names, period_list, name, where, entity_order
        )
    remapped: dict[tuple[int, int, int], date] = {}
    for (mm, ee, pp), day in (published or {}).items():
        remapped[(mm, int(entity_rank[ee]) if ee >= 0 else -1, int(period_rank[pp]))] = day
    return Frame(
        metrics=tuple(metric_names),
        entity_names=tuple(entity_names[i] for i in entity_order),
        periods=tuple(period_list[i] for i in period_order),
        values=values,
        unscoped=unscoped,
        published=remapped,
        source=source,
    )


def _flat(
    m: NDArray[np.integer[Any]],
    rows: NDArray[np.integer[Any]],
    cols: NDArray[np.integer[Any]],
    n_e: int,
    n_c: int,
) -> NDArray[np.int64]:
    """Flat indexes into the (metrics, entities, periods) cube, with one temporary."""
    flat = m.astype(np.int64)
    flat *= n_e
    flat += rows
    flat *= n_c
    flat += cols
    return flat


def _check_duplicates(
    m: NDArray[np.integer[Any]],
    rows: NDArray[np.integer[Any]],
    cols: NDArray[np.integer[Any]],
    v: FloatArray,
    metric_names: Sequence[str],
    entity_names: Sequence[str],
    period_list: Sequence[Period],
    name: str,
    where: Callable[[int], str],
    entity_order: list[int],
) -> None:
    """The same (metric, entity, period) twice is fine with one value, an error with two."""
    flat = (m.astype(np.int64) * (len(entity_names) + 1) + rows + 1) * len(period_list) + cols
    order = np.argsort(flat, kind="stable")
    ordered = flat[order]
    same = np.flatnonzero(ordered[1:] == ordered[:-1])
    differs = same[v[order[same]] != v[order[same + 1]]]
    if not len(differs):
        return
    first, second = int(order[differs[0]]), int(order[differs[0] + 1])
    metric = metric_names[int(m[first])]
    row = int(rows[first])
    who = metric + (f" ({entity_names[entity_order[row]]})" if row >= 0 else "")
    period = sorted(period_list)[int(cols[first])]
    raise DataError(
        f"{where(second)}: {who} in {period} is {v[second]:g} here but {v[first]:g} "
        f"in {where(first)}",
        Span(file=name),
        "remove one of the two rows",
    )


# -- readers ---------------------------------------------------------------------------------


def read_frame(
    path: str | Path,
    *,
    decimal: Literal["point", "comma"] | None = None,
    root: Path | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Frame:
    """A frame from a ``.parquet`` or ``.csv`` file (keywords as :func:`load_dataset`)."""
    suffix = Path(path).suffix.lower()
    if suffix in (".parquet", ".pq"):
        return read_parquet_frame(path, decimal=decimal, root=root, limits=limits)
    if suffix in (".csv", ".txt"):
        return read_csv_frame(path, decimal=decimal, root=root, limits=limits)
    raise DataError(f"unknown data format '{suffix or path}'", Span(file=str(path)))


def _remap(
    dictionary: Any,
    known: dict[Any, int],
    remaps: dict[str, tuple[Any, NDArray[np.int32]]],
    column: str,
) -> NDArray[np.int32]:
    """Codes of a batch's dictionary in ``known`` (new labels added), -1 last for a null.

    The batches of a row group share one dictionary, as large as the column's distinct
    values (a million entities): it is mapped once, not once per batch.
    """
    previous = remaps.get(column)
    if previous is not None and (previous[0] is dictionary or previous[0].equals(dictionary)):
        return previous[1]
    remap = np.array(
        [known.setdefault(label, len(known)) for label in dictionary.to_pylist()] + [-1],
        dtype=np.int32,
    )
    remaps[column] = (dictionary, remap)
    return remap


def read_parquet_frame(
    path: str | Path,
    batch_size: int = 1 << 16,
    *,
    decimal: Literal["point", "comma"] | None = None,
    root: Path | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Frame:
    """Read long-format Parquet (the CSV's columns), batch by batch, with pyarrow.

    Strings (metric, entity, period) are read as dictionaries and turned into small integer
    codes batch by batch, so memory stays near the finished frame's size.
    """
    name = str(path)
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise DataError(
            "reading Parquet needs pyarrow", Span(file=name), "pip install pyarrow"
        ) from None

    def where(row: int) -> str:
        return f"row {row + 1}"

    with open_data_file(path, root=root, limits=limits) as stream:
        try:
            first = pq.ParquetFile(stream, pre_buffer=False)
            columns = _parquet_columns(first.schema_arrow, first.metadata, name, limits)
            strings = [c for c in ("metric", "entity", "period") if c in columns]
            parquet = pq.ParquetFile(
                stream, metadata=first.metadata, read_dictionary=strings, pre_buffer=False
            )
            batches = parquet.iter_batches(
                batch_size=batch_size, columns=columns, use_threads=False
            )
            return frame_from_batches(batches, parquet.metadata.num_rows, columns, name, where)
        except (OSError, ValueError, NotImplementedError, pa.ArrowException) as error:
            raise DataError(
                f"cannot read Parquet file: {escape(str(error), 160)}", Span(file=name)
            ) from None
        finally:
            pa.default_memory_pool().release_unused()  # decoding buffers, back to the system


def frame_from_batches(
    batches: Iterable[Any],
    total: int,
    columns: Sequence[str],
    name: str,
    where: Callable[[int], str],
) -> Frame:
    """A frame from record batches of long-format columns (``columns``, as checked by
    :func:`_parquet_columns`), ``total`` rows in all: a Parquet file's, or a dataset's."""
    import pyarrow as pa
    import pyarrow.compute as pc

    strings = [c for c in ("metric", "entity", "period") if c in columns]
    codes: dict[str, IntArray] = {c: np.empty(total, dtype=np.int32) for c in strings}
    labels: dict[str, dict[Any, int]] = {c: {} for c in strings}
    remaps: dict[str, tuple[Any, NDArray[np.int32]]] = {}
    v = np.empty(total, dtype=np.float64)
    published_cells: list[Any] = []
    start = 0
    pool = pa.default_memory_pool()
    for batch in batches:
        size = batch.num_rows
        for column in strings:
            array = batch.column(column)
            if not pa.types.is_dictionary(array.type):
                if not pa.types.is_string(array.type):
                    array = array.cast(pa.string())
                array = pc.dictionary_encode(array)
            remap = _remap(array.dictionary, labels[column], remaps, column)
            codes[column][start : start + size] = remap[numpy_of(array.indices, fill=-1)]
        value = batch.column("value")
        if value.null_count:
            row = start + int(np.argmax(numpy_of(value.is_null())))
            raise DataError(f"{where(row)}: missing value", Span(file=name))
        figures = numpy_of(value.cast(pa.float64()))
        _check_finite(figures, start, name, where)
        v[start : start + size] = figures
        if "published" in columns:
            published_cells.extend(batch.column("published").to_pylist())
        start += size
        del batch
        pool.release_unused()  # keep decoding buffers from piling up
    m = codes["metric"]
    metric_labels = list(labels["metric"])
    if (m < 0).any():
        raise DataError(f"{where(int(np.argmax(m < 0)))}: missing metric name", Span(file=name))
    for label in metric_labels:
        if not isinstance(label, str) or not label:
            raise DataError(f"'{escape(str(label))}' is not a metric name", Span(file=name))
    p = codes["period"]
    if (p < 0).any():
        raise DataError(f"{where(int(np.argmax(p < 0)))}: missing period", Span(file=name))
    period_list = []
    for label in labels["period"]:
        try:
            period_list.append(Period.parse(str(label)))
        except (PeriodError, ValueError) as error:
            row = int(np.argmax(p == len(period_list)))
            text = str(label)
            if isinstance(error, PeriodError) and len(text) <= 16 and is_plain(text):
                raise DataError(
                    f"{where(row)}: {error.message}", Span(file=name), error.hint
                ) from None
            raise DataError(
                f"{where(row)}: '{escape(text, 16)}' is not a period",
                Span(file=name),
                "write 2010, 2010-H1, 2010-Q2, 2010-08 or 2010-08-15",
            ) from None
    period_list, p = _merge_equal(period_list, p)
    if "entity" in codes:
        e = codes["entity"]
        entity_labels = list(labels["entity"])
        blank = [i for i, label in enumerate(entity_labels) if not label]  # entity-less rows
        if blank:
            e[np.isin(e, blank)] = -1
        entity_list, e = _compact([str(label) for label in entity_labels], e)
    else:
        e, entity_list = np.full(total, -1, dtype=np.int32), []
    published: dict[tuple[int, int, int], date] = {}
    if any(cell not in (None, "") for cell in published_cells):
        published = _published(published_cells, m, e, p, name, where)
    return _build(
        [str(label) for label in metric_labels],
        entity_list,
        period_list,
        m,
        e,
        p,
        v,
        published=published,
        source=name,
        where=where,
    )


_PARQUET_KINDS: dict[str, str] = {
    "metric": "text",
    "entity": "text",
    "period": "text, an integer year or a date",
    "value": "numbers",
    "note": "text",
    "source": "text",
    "published": "dates or text",
}


def _parquet_columns(schema: Any, metadata: Any, name: str, limits: Limits) -> list[str]:
    """The columns to read, after checking names, types and size from the metadata alone."""
    import pyarrow as pa

    names: list[str] = list(schema.names)
    for index, column in enumerate(names):
        if column in names[:index]:
            raise DataError(
                f"column '{escape(column)}' appears twice", Span(file=name), "keep one of them"
            )
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise DataError(f"missing column(s) {', '.join(missing)}", Span(file=name))
    unknown = [c for c in names if c not in COLUMNS]
    if unknown:
        raise DataError(
            f"unknown column '{escape(unknown[0])}'",
            Span(file=name),
            f"columns are {', '.join(COLUMNS)}",
        )
    for column in names:
        kind = schema.field(column).type
        if pa.types.is_dictionary(kind):
            kind = kind.value_type
        numeric = pa.types.is_integer(kind) or pa.types.is_floating(kind)
        fits = {
            "value": numeric or pa.types.is_decimal(kind) or pa.types.is_null(kind),
            "period": pa.types.is_string(kind)
            or pa.types.is_large_string(kind)
            or pa.types.is_integer(kind)
            or pa.types.is_date(kind),
        }.get(column, not pa.types.is_nested(kind))
        if not fits:
            raise DataError(
                f"column '{column}' holds {escape(str(kind), 40)}; it must hold "
                f"{_PARQUET_KINDS[column]}",
                Span(file=name),
                "write one figure per row: metric, period, value",
            )
    cells = int(metadata.num_rows) * max(int(metadata.num_columns), 1)
    if cells > limits.parquet_cells:
        raise DataError(
            f"Parquet file holds {metadata.num_rows:,} rows x {metadata.num_columns} columns; "
            f"the limit is {limits.parquet_cells:,} cells",
            Span(file=name),
            "split the file, or raise the limit (Limits.parquet_cells)",
        )
    return [c for c in names if c in ("metric", "entity", "period", "value", "published")]


def _check_finite(figures: FloatArray, start: int, name: str, where: Callable[[int], str]) -> None:
    bad = ~np.isfinite(figures)
    if bad.any():
        first = int(np.argmax(bad))
        what = "not a number" if np.isnan(figures[first]) else "not a finite number"
        raise DataError(
            f"{where(start + first)}: the value is {what}",
            Span(file=name),
            "goalengine reads finite figures only",
        )


def _merge_equal(
    periods: list[Period], codes: NDArray[np.integer[Any]]
) -> tuple[list[Period], NDArray[np.integer[Any]]]:
    """'2010' and 2010 (or '2010-Q1 ') are one period: give them one code."""
    unique: dict[Period, int] = {}
    remap = np.array([unique.setdefault(p, len(unique)) for p in periods], dtype=np.int32)
    if len(unique) == len(periods):
        return periods, codes
    return list(unique), remap[codes] if len(codes) else codes


def _compact(
    labels: list[str], codes: NDArray[np.integer[Any]]
) -> tuple[list[str], NDArray[np.integer[Any]]]:
    """Drop labels no row uses and merge equal ones (codes -1 stay -1)."""
    unique: dict[str, int] = {}
    remap = np.array(
        [unique.setdefault(label, len(unique)) for label in labels] + [-1], dtype=np.int32
    )
    if not len(codes):
        return list(unique), codes
    merged = remap[codes]
    used = np.zeros(len(unique) + 1, dtype=bool)
    used[merged] = True
    names = list(unique)
    if used[:-1].all():
        return names, merged
    keep = np.flatnonzero(used[:-1])
    renumber = np.full(len(unique) + 1, -1, dtype=np.int32)
    renumber[keep] = np.arange(len(keep))
    return [names[i] for i in keep], renumber[merged]


def _published(
    cells: list[Any],
    m: IntArray,
    e: IntArray,
    p: IntArray,
    name: str,
    where: Callable[[int], str],
) -> dict[tuple[int, int, int], date]:
    from ..periods import parse_as_of

    found: dict[tuple[int, int, int], date] = {}
    for row, cell in enumerate(cells):
        if cell is None or cell == "":
            continue
        try:
            day = cell if isinstance(cell, date) else parse_as_of(str(cell))
        except PeriodError as error:
            raise DataError(f"{where(row)}: {error.message}", Span(file=name)) from None
        found[(int(m[row]), int(e[row]), int(p[row]))] = day
    return found


def read_csv_frame(
    path: str | Path,
    *,
    decimal: Literal["point", "comma"] | None = None,
    root: Path | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Frame:
    """Read a long-format CSV into a frame: the rows :func:`read_csv` reads, as columns.

    Cells are read by the same :class:`~goalengine.data.csv.Table` (same number convention,
    same positioned errors), without an observation object per row.
    """
    name = str(path)
    text = decode(read_data_bytes(path, root=root, limits=limits), name)
    return read_csv_text_frame(text, name, decimal=decimal)


def read_csv_text_frame(text: str, name: str, *, decimal: Convention | None = None) -> Frame:
    table = Table(text, name, decimal)
    fast = _columns_of(table)
    return fast if fast is not None else _rows_of(table, text, decimal)


def _rows_of(table: Table, text: str, decimal: Convention | None) -> Frame:
    """The exact reader: row by row, every cell read and placed by :class:`Table`."""
    name = table.name
    dated = "published" in table.columns
    codes = _Codes()
    lines_of: list[int] = []
    for row in table.rows():
        metric, period, value = row.metric(), row.period(), row.value()
        day = row.published() if dated else None
        codes.add(metric, row.cell("entity") or None, period, value, day)
        lines_of.append(row.line)
    try:
        return codes.frame(source=name, where=lambda row: f"line {lines_of[row]}")
    except DataError:  # a conflicting duplicate: the row reader places it by line and column
        read_csv_text(text, name, decimal=decimal)
        raise


def _columns_of(table: Table) -> Frame | None:
    """The same frame as :func:`_rows_of`, read column-wise with pyarrow; None if unsure.

    pyarrow splits the cells (all kept as text); the values are then checked with the
    convention's own pattern (:data:`~goalengine.data.numbers.PATTERNS`) and converted in
    one pass. Anything this path cannot vouch for -- a cell pyarrow and the csv module might
    split differently, a value the pattern refuses, a bad period, a duplicate -- returns
    None, and the exact reader reads the file (and places the error).
    """
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.csv as pacsv
    except ImportError:
        return None
    if "published" in table.columns:
        return None
    width = max(table.columns.values()) + 1
    labelled = {table.columns[c] for c in ("metric", "entity", "period") if c in table.columns}
    body = table.body().encode("utf-8")
    try:
        data = pacsv.read_csv(
            pa.py_buffer(body),
            read_options=pacsv.ReadOptions(
                column_names=[f"c{i}" for i in range(width)], use_threads=False
            ),
            parse_options=pacsv.ParseOptions(delimiter=table.delimiter, newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(
                column_types={
                    f"c{i}": pa.dictionary(pa.int32(), pa.string())
                    if i in labelled
                    else pa.string()
                    for i in range(width)
                },
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        del body
        if data.num_columns != width or any(
            _longest(chunk) > csv.field_size_limit()
            for column in data.columns
            for chunk in column.chunks
        ):
            return None
        raw = data.column(f"c{table.columns['value']}")
        pattern = PATTERNS[table.decimal]
        if not pc.all(pc.match_substring_regex(raw, pattern)).as_py() and len(raw):
            return None
        number = pc.struct_field(pc.extract_regex(raw, pattern), [0])
        if table.decimal == "comma":
            number = pc.replace_substring_regex(number, f"[{GROUPING}]", "")
            number = pc.replace_substring(number, ",", ".")
        v = numpy_of(pc.cast(number, pa.float64()))
        if not np.isfinite(v).all():
            return None
        metric_labels, m = _labels(data.column(f"c{table.columns['metric']}"))
        if "" in metric_labels:
            return None
        period_labels, p = _labels(data.column(f"c{table.columns['period']}"))
        period_list = [table.period(label) for label in period_labels]
        if "entity" in table.columns:
            entity_labels, e = _labels(data.column(f"c{table.columns['entity']}"), blank=-1)
        else:
            entity_labels, e = [], np.full(len(v), -1, dtype=np.int32)
    except (pa.ArrowException, ValueError, PeriodError):
        return None
    del data
    period_list, p = _merge_equal(period_list, p)
    try:
        return _build(
            metric_labels, entity_labels, period_list, m, e, p, v,
            source=table.name, where=lambda row: f"row {row + 1}",
        )  # fmt: skip
    except DataError:
        return None


def _longest(chunk: Any) -> int:
    """Bytes of the longest cell (the csv module refuses cells beyond its field limit)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    cells = chunk.dictionary if pa.types.is_dictionary(chunk.type) else chunk
    return int(pc.max(pc.binary_length(cells)).as_py() or 0)


def _labels(column: Any, blank: int | None = None) -> tuple[list[str], IntArray]:
    """Distinct stripped labels of a text column and each row's code (``blank`` for '')."""
    import pyarrow as pa
    import pyarrow.compute as pc

    encoded = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    if not pa.types.is_dictionary(encoded.type):
        encoded = pc.dictionary_encode(encoded)
    stripped = [label.strip() for label in encoded.dictionary.to_pylist()]
    unique: dict[str, int] = {}
    remap = np.array(
        [
            blank if (blank is not None and not label) else unique.setdefault(label, len(unique))
            for label in stripped
        ],
        dtype=np.int32,
    )
    codes = remap[numpy_of(encoded.indices)] if len(stripped) else remap
    return list(unique), codes
