"""Measurement series and datasets: what rules are judged against.

A :class:`Series` is one metric (for one entity) over time, sorted by period end; a
:class:`Dataset` is a set of series. Both are frozen; "hiding the future" for a report date
is a binary search, not a copy of the data.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from functools import cached_property
from typing import Any

from pydantic import BaseModel, ConfigDict

from ..models import Observation
from ..periods import Period

__all__ = ["Dataset", "Series"]


class Series(BaseModel):
    """One metric (of one entity) over time, oldest first, one value per period."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", defer_build=True, ignored_types=(cached_property,)
    )

    metric: str
    entity: str | None = None
    observations: tuple[Observation, ...] = ()
    source: str | None = None
    """Where the series was read from (a file name), for messages."""

    @classmethod
    def build(
        cls,
        metric: str,
        observations: Iterable[Observation],
        entity: str | None = None,
        source: str | None = None,
    ) -> Series:
        """A series from already-validated observations (sorted here; no re-validation)."""
        ordered = tuple(sorted(observations, key=lambda o: o.period))
        return cls.model_construct(
            metric=metric, entity=entity, observations=ordered, source=source
        )

    @cached_property
    def _ends(self) -> list[date]:
        return [o.period.end for o in self.observations]

    @cached_property
    def _published(self) -> bool:
        return any(o.published is not None for o in self.observations)

    @cached_property
    def _by_period(self) -> dict[Period, Observation]:
        return {o.period: o for o in self.observations}

    def __len__(self) -> int:
        return len(self.observations)

    def __iter__(self) -> Iterator[Observation]:  # type: ignore[override]
        return iter(self.observations)

    def until(self, day: date) -> tuple[Observation, ...]:
        """Observations a report dated ``day`` can see (period ended or figure published)."""
        if self._published:
            return tuple(o for o in self.observations if o.visible_from <= day)
        return self.observations[: bisect_right(self._ends, day)]

    def latest(self, day: date, as_of: date | None = None) -> Observation | None:
        """The last observation whose period has ended by ``day``, as seen on ``as_of``."""
        if self._published:
            seen = as_of or day
            found = [o for o in self.observations if o.date <= day and o.visible_from <= seen]
            return found[-1] if found else None
        index = bisect_right(self._ends, min(day, as_of or day))
        return self.observations[index - 1] if index else None

    def at(self, period: Period) -> Observation | None:
        return self._by_period.get(period)

    def within(self, first: Period, last: Period) -> tuple[Observation, ...]:
        """Observations whose period lies inside ``first.start .. last.end``."""
        start, end = first.start, last.end
        # Sorted by end: a period that ends before ``start`` cannot start after it.
        low, high = bisect_left(self._ends, start), bisect_right(self._ends, end)
        return tuple(o for o in self.observations[low:high] if o.period.start >= start)

    def first_from(self, period: Period) -> Observation | None:
        """The observation at ``period``, else the first one after it."""
        found = self.at(period)
        if found is not None:
            return found
        index = bisect_right(self._ends, period.end)
        return self.observations[index] if index < len(self.observations) else None


class Dataset(BaseModel):
    """Series by (metric, entity). Later sources override earlier ones metric by metric."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", defer_build=True, ignored_types=(cached_property,)
    )

    series: tuple[Series, ...] = ()

    @classmethod
    def of(cls, series: Iterable[Series]) -> Dataset:
        return cls.model_construct(series=tuple(series))

    @cached_property
    def _index(self) -> dict[tuple[str, str | None], Series]:
        return {(s.metric, s.entity): s for s in self.series}

    @cached_property
    def _entities(self) -> dict[str, list[str | None]]:
        found: dict[str, list[str | None]] = {}
        for s in self.series:
            found.setdefault(s.metric, []).append(s.entity)
        return found

    def __len__(self) -> int:
        return sum(len(s) for s in self.series)

    @cached_property
    def metrics(self) -> frozenset[str]:
        return frozenset(self._entities)

    def entities(self, metric: str) -> list[str | None]:
        return list(self._entities.get(metric, ()))

    def get(self, metric: str, entity: str | None = None) -> Series | None:
        return self._index.get((metric, entity))

    def __contains__(self, metric: object) -> bool:
        return metric in self._entities

    def merged(self, other: Dataset) -> Dataset:
        """This dataset with ``other``'s metrics replacing ours wholesale."""
        replaced = other.metrics
        kept = [s for s in self.series if s.metric not in replaced]
        return Dataset.of([*kept, *other.series])

    @staticmethod
    def from_mapping(data: Mapping[str, Mapping[Any, float]], source: str | None = None) -> Dataset:
        """``{"metric": {"2010": 12, "2011": 14}}`` -> a dataset (no entity).

        Values are read as :func:`~goalengine.data.numbers.number_from_value` reads them
        (finite, unambiguous); a bad one raises :class:`~goalengine.errors.DataError`.
        """
        return Dataset.of(
            Series.build(
                metric,
                (
                    Observation(
                        period=Period.parse(str(p)) if not isinstance(p, Period) else p,
                        value=_figure(metric, p, v, source),
                    )
                    for p, v in values.items()
                ),
                source=source,
            )
            for metric, values in data.items()
        )


def _figure(metric: str, period: object, raw: object, source: str | None) -> float:
    from ..errors import DataError, Span
    from .numbers import NumberError, number_from_value

    try:
        return number_from_value(raw)
    except NumberError as error:
        raise DataError(f"{metric} in {period}: {error.reason}", Span(file=source)) from None
