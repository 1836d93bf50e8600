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

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from ..errors import DataError, Span
from ..limits import DEFAULT_LIMITS, Limits
from ._text import escape
from .columnar import Frame, _parquet_columns, frame_from_batches
from .files import check_data_file, confine

__all__ = ["EntityRange", "PartitionedDataset", "open_dataset", "read_dataset_frame"]

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

    def table(
        self,
        metrics: Collection[str] | None = None,
        part: EntityRange | None = None,
        columns: list[str] | None = None,
    ) -> Any:
        """The rows of ``metrics`` (None: all) and of the entities of ``part``."""
        import pyarrow as pa

        try:
            return self.dataset.to_table(
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

        return frame_from_batches(
            table.to_batches(), table.num_rows, self.columns, self.name, where
        )

    def entities(self, metrics: Collection[str] | None = None) -> list[str]:
        """Every entity with a row of ``metrics``, sorted as a frame sorts them."""
        import pyarrow.compute as pc

        if "entity" not in self.columns:
            return []
        column = self.table(metrics, columns=["entity"]).column("entity")
        found = pc.unique(column.combine_chunks().dictionary_decode()
                          if hasattr(column.type, "value_type") else column)  # fmt: skip
        return sorted(str(name) for name in found.to_pylist() if name)

    def metrics(self, named: Collection[str] | None = None) -> list[str]:
        """The metrics (of ``named``, if given) that have rows."""
        import pyarrow.compute as pc

        column = self.table(named, columns=["metric"]).column("metric")
        if hasattr(column.type, "value_type"):
            column = column.combine_chunks().dictionary_decode()
        return sorted(str(m) for m in pc.unique(column).to_pylist() if m)


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
