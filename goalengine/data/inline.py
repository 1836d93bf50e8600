"""Data written inside a rule file or passed from Python: ``{metric: {period: value}}``.

Mappings read from a rule file (``yamlpos``) keep their line and column, so a bad value in a rule
file's ``data:`` is reported where it stands.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import DataError, PeriodError, Span
from ..models import Observation
from ..periods import Period
from ._text import escape
from .dataset import Dataset, Series
from .numbers import NumberError, number_from_value

__all__ = ["read_mapping"]


def position(mapping: Any, key: Any, file: str | None, value: bool = False) -> Span:
    """Where ``key`` (or its value) stands in a positioned mapping; a file-only span otherwise."""
    lc = getattr(mapping, "lc", None)
    if lc is None:
        return Span(file=file)
    try:
        if isinstance(mapping, list):
            line, column = lc.item(key)
        else:
            line, column = lc.value(key) if value else lc.key(key)
    except (KeyError, TypeError, AttributeError, IndexError):
        return Span(file=file)
    return Span(file=file, line=line + 1, column=column + 1)


def read_mapping(data: Mapping[Any, Any], file: str | None = None) -> Dataset:
    """Read ``{metric: {period: value}}``; raise :class:`DataError` at the bad entry."""
    series = []
    for metric, values in data.items():
        if not isinstance(metric, str) or not metric.isidentifier():
            raise DataError(
                f"'{escape(str(metric))}' is not a metric name",
                position(data, metric, file),
                "metric names are identifiers like employment_rate",
            )
        if not isinstance(values, Mapping):
            raise DataError(
                f"data for '{metric}' must map periods to values",
                position(data, metric, file, value=True),
                hint=f"e.g. {metric}: {{2010: 12, 2011: 14}}",
            )
        observations = []
        for key, raw in values.items():
            try:
                period = key if isinstance(key, Period) else Period.parse(str(key))
            except PeriodError as error:
                raise DataError(error.message, position(values, key, file), error.hint) from None
            except ValueError:  # a date that does not exist (year 0)
                raise DataError(
                    f"'{escape(str(key), 16)}' is not a period", position(values, key, file)
                ) from None
            try:
                value = number_from_value(raw)
            except NumberError as error:
                raise DataError(
                    f"{metric} in {period}: {error.reason}",
                    position(values, key, file, value=True),
                    "write a finite number with ASCII digits, e.g. 54.4",
                ) from None
            observations.append(
                Observation.model_construct(
                    period=period, value=value, entity=None, note=None, source=None
                )
            )
        series.append(Series.build(metric, observations, source=file))
    return Dataset.of(series)
