"""Write a run's results as a Parquet dataset: ``goalengine check --format parquet -o DIR``.

At millions of results a JSON report is gigabytes nobody opens; a folder of Parquet files
(one row per result, the columns of the JSON report's compact result) is what a
statistics office loads into its warehouse. The results are written as they are judged,
a file per :data:`ROWS_PER_FILE` rows, into a temporary folder next to ``DIR`` that
replaces ``DIR`` only when every file is written: a failed run leaves the old results.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from ..errors import GoalEngineError, Span
from ..models import Result
from .run import Run, Totals

__all__ = ["COLUMNS", "ROWS_PER_FILE", "write_parquet"]

ROWS_PER_FILE = 1 << 18
#: (column, pyarrow type name) of each result row, in order.
COLUMNS = (
    ("file", "string"),
    ("goal", "string"),
    ("entity", "string"),
    ("verdict", "string"),
    ("explanation", "string"),
    ("latest", "float64"),
    ("latest_period", "string"),
    ("target", "float64"),
    ("projected", "float64"),
    ("progress_ratio", "float64"),
    ("error", "string"),
)


def _row(result: Result) -> tuple[Any, ...]:
    return (
        result.file,
        result.goal,
        result.entity,
        result.verdict.value,
        result.explanation,
        result.latest,
        None if result.latest_period is None else str(result.latest_period),
        result.target,
        result.projected,
        result.progress_ratio,
        None if result.error is None else result.error.message,
    )


def write_parquet(run: Run, folder: Path) -> Totals:
    """Write ``run``'s results into ``folder`` (replaced as a whole), as they come."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([(name, getattr(pa, kind)()) for name, kind in COLUMNS])
    folder = Path(folder)
    if folder.exists() and not _is_result_dataset(folder):
        raise GoalEngineError(
            f"{folder} exists and is not a result dataset (only part-*.parquet files)",
            Span(),
            "name a new folder; an old result dataset there is replaced",
        )
    temporary = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        rows: list[tuple[Any, ...]] = []
        count = 0

        def flush() -> None:
            nonlocal count
            columns: list[Any] = [[row[i] for row in rows] for i in range(len(COLUMNS))]
            arrays = [pa.array(c, type=f.type) for c, f in zip(columns, schema, strict=True)]
            table = pa.table(arrays, schema=schema)
            pq.write_table(table, temporary / f"part-{count:05d}.parquet")
            count += 1
            rows.clear()

        for chunk in run.results():
            rows.extend(_row(result) for result in chunk)
            if len(rows) >= ROWS_PER_FILE:
                flush()
        if rows or not count:
            flush()
        _replace(temporary, folder)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    return run.totals


def _is_result_dataset(folder: Path) -> bool:
    if folder.is_symlink() or not folder.is_dir():
        return False
    return all(
        entry.is_file() and entry.name.startswith("part-") and entry.suffix == ".parquet"
        for entry in folder.iterdir()
    )


def _replace(new: Path, folder: Path) -> None:
    """Put ``new`` where ``folder`` is: renames only, so a reader sees old or new."""
    if not folder.exists():
        os.rename(new, folder)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{folder.name}.old.", dir=folder.parent))
    os.rename(folder, old / folder.name)
    os.rename(new, folder)
    shutil.rmtree(old, ignore_errors=True)
