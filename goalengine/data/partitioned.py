"""Read a partitioned Parquet dataset (a folder of files, hive partitions) as a frame.

``data: [{dataset: figures/, format: parquet}]`` names a folder that pyarrow reads as one
dataset: every ``.parquet`` file below it, with hive-style folders (``entity_bucket=07/``)
as extra columns that are ignored. The files hold the long-format columns of a single
Parquet file (``metric``, ``entity``, ``period``, ``value``, optionally ``published``).

Only what a run needs is read: the rows of the metrics its rules name (the filter is
pushed down, so row groups whose statistics rule them out are skipped) and, for one part
of a distributed run, the entities of that part; only the long-format columns are read.
The folder and every file in it are confined to the data root and size-checked like any
data file before pyarrow opens them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from ..errors import DataError, Span
from ..limits import DEFAULT_LIMITS, Limits
from ..periods import Period
from ._text import escape
from .arrays import arrow_of, numpy_of
from .columnar import Frame, _parquet_columns, frame_from_batches
from .files import check_data_file, confine

__all__ = [
    "EntityRange",
    "PartitionedDataset",
    "conform",
    "open_dataset",
    "read_dataset_frame",
]

_STRINGS = ["metric", "entity", "period"]


@dataclass(frozen=True, slots=True)
class EntityRange:
    """Entities ``low`` <= name < ``high`` (None: unbounded), plus some named ones.

    Entity-less rows always belong to every range: they are the same for all entities.
    """

    low: str | None = None
    high: str | None = None
    also: frozenset[str] = frozenset()


class PartitionedDataset:
    """A checked dataset folder: its files lie in the root, are regular and size-bounded."""

    def __init__(self, dataset: Any, columns: list[str], name: str) -> None:
        self.dataset = dataset
        self.columns = columns
        """The long-format columns to read (partition columns left out)."""
        self.name = name
        self._row_groups: list[tuple[Any, list[dict[str, tuple[str, str]]]]] | None = None

    def _filter(self, metrics: Collection[str] | None, part: EntityRange | None) -> Any:
        import pyarrow.dataset as ds

        where = None
        if metrics is not None:
            where = ds.field("metric").isin(sorted(metrics))
        if part is not None and "entity" in self.columns:
            entity = ds.field("entity")
            inside = None
            if part.low is not None:
                inside = entity >= part.low
            if part.high is not None:
                below = entity < part.high
                inside = below if inside is None else inside & below
            if inside is not None:
                keep = inside | entity.is_null() | (entity == "")
                if part.also:
                    keep = keep | entity.isin(sorted(part.also))
                where = keep if where is None else where & keep
        return where

    def _files(self, metrics: Collection[str] | None, part: EntityRange | None) -> Any:
        """The dataset narrowed to the row groups that can hold rows of ``metrics`` and of
        ``part``'s entities, by the footers' statistics (pyarrow does not prune on
        dictionary-typed columns itself): a task reads its own row groups only."""
        import pyarrow.dataset as ds

        if metrics is None and (part is None or part == EntityRange()):
            return self.dataset
        fragments = []
        for fragment, groups in self._statistics():
            kept = [
                g
                for g, bounds in enumerate(groups)
                if _may_hold(bounds.get("metric"), metrics, None)
                and _may_hold(bounds.get("entity"), None, part)
            ]
            if len(kept) == len(groups):
                fragments.append(fragment)
            elif kept:
                fragments.append(fragment.subset(row_group_ids=kept))
        return ds.FileSystemDataset(
            fragments, self.dataset.schema, self.dataset.format, self.dataset.filesystem
        )

    def _statistics(self) -> list[tuple[Any, list[dict[str, tuple[str, str]]]]]:
        """Each file's fragment, with per row group the (least, greatest) metric and
        entity where its footer tells them without nulls (read once)."""
        if self._row_groups is None:
            found = []
            for fragment in self.dataset.get_fragments():
                meta = fragment.metadata
                names = meta.schema.to_arrow_schema().names
                groups: list[dict[str, tuple[str, str]]] = []
                for g in range(meta.num_row_groups):
                    known = {}
                    for column in ("metric", "entity"):
                        st = None
                        if column in names:
                            st = meta.row_group(g).column(names.index(column)).statistics
                        # Nulls (entity-less rows) are wanted by every part: no bounds.
                        if st is not None and st.has_min_max and st.null_count == 0:
                            known[column] = (str(st.min), str(st.max))
                    groups.append(known)
                found.append((fragment, groups))
            self._row_groups = found
        return self._row_groups

    def table(
        self,
        metrics: Collection[str] | None = None,
        part: EntityRange | None = None,
        columns: list[str] | None = None,
    ) -> Any:
        """The rows of ``metrics`` (None: all) and of the entities of ``part``."""
        import pyarrow as pa

        try:
            return self._files(metrics, part).to_table(
                columns=columns or self.columns,
                filter=self._filter(metrics, part),
                use_threads=False,
            )
        except (OSError, ValueError, NotImplementedError, pa.ArrowException) as error:
            raise DataError(
                f"cannot read Parquet dataset: {escape(str(error), 160)}", Span(file=self.name)
            ) from None

    def frame(
        self,
        metrics: Collection[str] | None = None,
        part: EntityRange | None = None,
        limits: Limits = DEFAULT_LIMITS,
    ) -> Frame:
        """The rows :meth:`table` reads, as a :class:`Frame`."""
        table = self.table(metrics, part)
        cells = table.num_rows * len(self.columns)
        if cells > limits.parquet_cells:
            raise DataError(
                f"Parquet dataset gives {table.num_rows:,} rows x {len(self.columns)} columns "
                f"to read; the limit is {limits.parquet_cells:,} cells",
                Span(file=self.name),
                "name fewer metrics, or raise the limit (Limits.parquet_cells)",
            )

        def where(row: int) -> str:
            return f"row {row + 1} of those read"

        frame = frame_from_batches(
            table.to_batches(), table.num_rows, self.columns, self.name, where
        )
        return conform(frame, _held(frame), frame.periods)  # a dictionary names unread metrics

    def labels(self, metrics: Collection[str] | None = None) -> dict[str, list[Any]]:
        """The distinct metrics, entities and periods of the rows of ``metrics``, in one
        scan (entity-less rows add no entity)."""
        import numpy as np
        import pyarrow as pa

        wanted = [c for c in _STRINGS if c in self.columns]
        table = self.table(metrics, columns=wanted)
        found: dict[str, list[Any]] = {"entity": []}
        for name in wanted:
            seen: set[Any] = set()
            for chunk in table.column(name).chunks:
                if pa.types.is_dictionary(chunk.type):
                    used = np.unique(numpy_of(chunk.indices.drop_null()))
                    seen.update(chunk.dictionary.take(arrow_of(used)).to_pylist())
                else:
                    seen.update(chunk.unique().to_pylist())
            found[name] = sorted(x for x in seen if x not in (None, ""))
        return found


def _may_hold(
    bounds: tuple[str, str] | None, metrics: Collection[str] | None, part: EntityRange | None
) -> bool:
    """Whether a row group whose column lies within ``bounds`` can hold a wanted row."""
    if bounds is None:
        return True  # no statistics (or nulls: entity-less rows): read it
    low, high = bounds
    if metrics is not None:
        return any(low <= m <= high for m in metrics)
    if part is None or low == "":
        return True
    if any(low <= name <= high for name in part.also):
        return True
    return (part.high is None or low < part.high) and (part.low is None or high >= part.low)


def open_dataset(
    path: str | Path,
    *,
    root: Path | None = None,
    limits: Limits = DEFAULT_LIMITS,
    span: Span | None = None,
    name: str | None = None,
) -> PartitionedDataset:
    """The dataset in folder ``path``, after checking it and each of its files."""
    name = name or str(path)
    where = span or Span(file=name)
    folder = confine(path, root, where, name=name)
    if not folder.is_dir():
        raise DataError(
            f"dataset '{name}' is not a folder",
            where,
            "a dataset is a folder of Parquet files; name a single file with 'path:'",
        )
    try:
        import pyarrow as pa
        import pyarrow.dataset as ds
    except ImportError:  # pragma: no cover - pyarrow is a core dependency
        raise DataError("reading Parquet needs pyarrow", where, "pip install pyarrow") from None
    options = ds.ParquetFileFormat(read_options={"dictionary_columns": _STRINGS})
    try:
        dataset = ds.dataset(str(folder), format=options, partitioning="hive")
    except (OSError, ValueError, pa.ArrowException) as error:
        raise DataError(f"cannot read Parquet dataset: {escape(str(error), 160)}", where) from None
    files = list(dataset.files)
    if not files:
        raise DataError(f"dataset '{name}' holds no Parquet file", where)
    for file in files:  # the folder may hold links: each file is confined, not just the folder
        shown = f"{name.rstrip('/')}/{Path(file).relative_to(folder)}"
        check_data_file(file, root=root, limits=limits, span=where, name=shown)
    partitions = set() if dataset.partitioning is None else set(dataset.partitioning.schema.names)
    schema = _without(dataset.schema, partitions)
    size = SimpleNamespace(num_rows=0, num_columns=len(schema.names))  # rows: checked on read
    columns = _parquet_columns(schema, size, name, limits)
    return PartitionedDataset(dataset, columns, name)


def conform(frame: Frame, metrics: Sequence[str], periods: Sequence[Period]) -> Frame:
    """``frame`` laid on ``metrics`` x ``periods`` (those of the whole dataset): NaN where
    it has no figure, so column ``j`` means the same period in every part. Metrics it
    names without a figure (a dictionary's unused labels) are left out."""
    import numpy as np

    metric_at = {m: i for i, m in enumerate(metrics)}
    period_at = {p: i for i, p in enumerate(periods)}
    held = _held(frame)
    if any(p not in period_at for p in frame.periods) or any(m not in metric_at for m in held):
        raise DataError("the dataset changed while it was read", Span(file=frame.source))
    kept = [i for i, m in enumerate(frame.metrics) if m in metric_at]
    rows = np.array([metric_at[frame.metrics[i]] for i in kept], dtype=np.intp)
    columns = np.array([period_at[p] for p in frame.periods], dtype=np.intp)
    values = np.full((len(metrics), len(frame.entity_names), len(periods)), np.nan)
    unscoped = np.full((len(metrics), len(periods)), np.nan)
    if len(rows) and len(columns):
        values[rows[:, None], :, columns[None, :]] = np.moveaxis(frame.values[kept], 2, 1)
        unscoped[rows[:, None], columns[None, :]] = frame.unscoped[kept]
    at = dict(zip(kept, rows.tolist(), strict=True))
    published = {(at[m], e, int(columns[c])): day for (m, e, c), day in frame.published.items()}
    return Frame(
        metrics=tuple(metrics),
        entity_names=frame.entity_names,
        periods=tuple(periods),
        values=values,
        unscoped=unscoped,
        published=published,
        source=frame.source,
    )


def _held(frame: Frame) -> list[str]:
    """The metrics ``frame`` has a figure of."""
    import numpy as np

    seen = ~np.isnan(frame.values).reshape(len(frame.metrics), -1)
    scoped: list[bool] = np.asarray(seen.any(axis=1), dtype=bool).tolist()
    return [m for i, m in enumerate(frame.metrics) if bool(scoped[i]) or frame.has_unscoped(m)]


def _without(schema: Any, names: Iterable[str]) -> Any:
    for field in names:
        index = schema.get_field_index(field)
        if index >= 0:
            schema = schema.remove(index)
    return schema


def read_dataset_frame(
    path: str | Path,
    *,
    metrics: Collection[str] | None = None,
    part: EntityRange | None = None,
    root: Path | None = None,
    limits: Limits = DEFAULT_LIMITS,
    name: str | None = None,
) -> Frame:
    """The dataset in ``path`` as a frame: the rows of ``metrics`` and ``part`` only."""
    dataset = open_dataset(path, root=root, limits=limits, name=name)
    return dataset.frame(metrics, part, limits)
