"""pandas and polars data frames as data: long (``metric, period, value``) or mapped.

``goalengine.evaluate(rules, data=df)`` reads a long frame; :func:`from_frame` takes the
same options as a ``data:`` entry (``columns``, ``metric``, ``where``, ``layout``) for any
other shape. A frame is read through :mod:`goalengine.data.mapping`, so a bad cell is a
:class:`~goalengine.errors.DataError` naming its row and column, never a TypeError.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from ..errors import DataError, Span
from .dataset import Dataset
from .mapping import Cell, Table, read_table

__all__ = ["FRAME", "from_frame", "is_frame"]

FRAME = "<DataFrame>"


def is_frame(data: object) -> bool:
    """A pandas or polars DataFrame (told by its type's module: neither is imported here)."""
    module = type(data).__module__.split(".", 1)[0]
    return module in ("pandas", "polars") and type(data).__name__ == "DataFrame"


def from_frame(frame: Any, **options: Any) -> Dataset:
    """The observations of a pandas or polars DataFrame, read as a ``data:`` entry's
    options say (``columns={"period": "TID"}``, ``metric="x"``, ``layout="wide"``, ...)."""
    from .sources import parse_spec, preset

    if not is_frame(frame):
        raise DataError(
            f"data must be a pandas or polars DataFrame, not {type(frame).__name__}",
            Span(file=FRAME),
        )
    spec, problems = parse_spec(options)
    if problems:
        problem = problems[0]
        raise DataError(f"{problem.key}: {problem.message}", Span(file=FRAME), problem.hint)
    header, rows = _cells(frame)

    def place(row: int, index: int | None) -> Span:
        return Span(file=FRAME, line=row, column=None if index is None else index + 1)

    def label(row: int, index: int) -> str:
        name = header[index] if index < len(header) else index + 1
        return f"row {row}, column '{name}'"

    table = Table(FRAME, header, rows, 0, place, label)
    return read_table(table, preset(spec.format or "frame", spec, _NO_PATH)).dataset


def _cells(frame: Any) -> tuple[list[str], Iterator[tuple[int, Sequence[Cell]]]]:
    header = [str(column) for column in frame.columns]
    if type(frame).__module__.startswith("polars"):
        rows: Iterator[Sequence[Any]] = iter(frame.rows())
    else:  # pandas: NA, NaT and NaN all become None (a missing cell)
        rows = frame.astype(object).where(frame.notna(), None).itertuples(index=False, name=None)
    return header, ((number, list(row)) for number, row in enumerate(rows, start=1))


class _Path:
    """A frame has no file: the open-sdg default metric (the file's stem) does not apply."""

    stem = "data"


_NO_PATH: Any = _Path()
