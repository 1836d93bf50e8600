"""Measurement data: the dataset model and its readers (CSV, inline mappings, Parquet)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from ..errors import DataError, Span
from ..limits import DEFAULT_LIMITS, Limits
from .csv import read_csv, read_csv_text
from .dataset import Dataset, Series

__all__ = ["Dataset", "Series", "load_dataset", "read_csv", "read_csv_text"]


def load_dataset(
    source: str | Path | Mapping[str, Any] | Dataset,
    *,
    decimal: Literal["point", "comma"] | None = None,
    root: Path | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Dataset:
    """A dataset from a CSV or Parquet path, a ``{metric: {period: value}}`` mapping, or as is.

    A path must be a regular file of at most ``limits.data_file_bytes``, inside ``root``
    when one is given (see :mod:`goalengine.data.files`).
    ``decimal`` states a CSV file's number convention (None: from its separator; Parquet
    ignores it).
    """
    if isinstance(source, Dataset):
        return source
    if isinstance(source, Mapping):
        from .inline import read_mapping

        return read_mapping(source)
    path = Path(source)
    suffix = path.suffix.lower()
    if suffix == ".csv" or suffix == ".txt":
        return read_csv(path, decimal=decimal, root=root, limits=limits)
    if suffix in (".parquet", ".pq"):
        from .parquet import read_parquet

        return read_parquet(path, decimal=decimal, root=root, limits=limits)
    raise DataError(
        f"unknown data format '{suffix or path.name}'",
        Span(file=str(path)),
        hint="use a .csv file or .parquet",
    )
