"""Read long-format Parquet (``pip install goalengine[parquet]``): the CSV's columns."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from ..errors import DataError, PeriodError, Span
from ..models import Observation
from ..periods import Period
from .csv import REQUIRED
from .dataset import Dataset, Series

__all__ = ["read_parquet"]


def read_parquet(path: str | Path) -> Dataset:
    name = str(path)
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise DataError(
            "reading Parquet needs pyarrow", Span(file=name), "pip install goalengine[parquet]"
        ) from None
    try:
        table = pq.read_table(path)
    except (OSError, ValueError) as error:
        raise DataError(f"cannot read Parquet file: {error}", Span(file=name)) from None
    missing = [c for c in REQUIRED if c not in table.column_names]
    if missing:
        raise DataError(f"missing column(s) {', '.join(missing)}", Span(file=name))
    metrics = table.column("metric").to_pylist()
    periods = [str(p) for p in table.column("period").to_pylist()]
    values = table.column("value").cast("float64").to_pylist()
    entities = (
        table.column("entity").to_pylist()
        if "entity" in table.column_names
        else [None] * len(metrics)
    )
    parsed: dict[str, Period] = {}
    grouped: dict[tuple[str, str | None], list[Observation]] = defaultdict(list)
    for row, (metric, text, value, entity) in enumerate(
        zip(metrics, periods, values, entities, strict=True)
    ):
        period = parsed.get(text)
        if period is None:
            try:
                period = parsed[text] = Period.parse(text)
            except PeriodError as error:
                raise DataError(f"row {row + 1}: {error.message}", Span(file=name)) from None
        if value is None:
            raise DataError(f"row {row + 1}: missing value", Span(file=name))
        grouped[(metric, entity or None)].append(
            Observation.model_construct(
                period=period,
                value=value,
                entity=entity or None,
                note=None,
                source=None,
                published=None,
            )
        )
    return Dataset.of(
        Series.build(metric, observations, entity=entity, source=name)
        for (metric, entity), observations in grouped.items()
    )
