"""Read long-format Parquet (pyarrow): the CSV's columns.

``metric``, ``period`` and ``value`` are required; ``entity``, ``note``, ``source`` and
``published`` are optional (notes and sources are not kept). Periods may be strings or
integer years. The file is read column by column into a
:class:`~goalengine.data.columnar.Frame` -- no Python object per row -- and turned into a
:class:`~goalengine.data.Dataset`; the vectorised evaluator uses the frame directly
(:func:`goalengine.data.columnar.read_parquet_frame`). A missing or unreadable value, an
unknown period, an unknown column, or the same (metric, entity, period) twice with two
different values is a :class:`~goalengine.errors.DataError` naming the file and the row.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from ..errors import DataError, Span
from ..limits import DEFAULT_LIMITS, Limits
from .dataset import Dataset

__all__ = ["read_parquet"]


def read_parquet(
    path: str | Path,
    *,
    decimal: Literal["point", "comma"] | None = None,
    root: Path | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Dataset:
    """Read a Parquet file (``decimal`` is accepted for symmetry and ignored)."""
    try:
        from .columnar import read_parquet_frame
    except ImportError:  # numpy is missing
        raise DataError(
            "reading Parquet needs pyarrow and numpy",
            Span(file=str(path)),
            "pip install pyarrow",
        ) from None
    return read_parquet_frame(path, root=root, limits=limits).to_dataset()
