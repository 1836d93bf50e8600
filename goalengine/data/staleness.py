"""Stale data: an entity whose latest figure is older than most of its peers' latest.

For a ``for_each`` goal, a municipality that has not reported 2023 yet is judged on 2022
while the others are judged on 2023; its verdict is not wrong, but it is not comparable,
so the report says so ("latest 2022, peers 2023") instead of leaving it to be noticed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

from ..errors import GoalEngineError
from ..periods import Period
from ..ruleset import Goal
from .dataset import Dataset

__all__ = ["MAX_STALE_NAMED", "stale_warnings"]

MAX_STALE_NAMED = 10
"""Entities named one by one per goal; the rest are counted."""


def stale_warnings(goals: Iterable[Goal], data: Dataset, day: date) -> list[str]:
    """One warning per stale entity of each ``for_each`` goal, as seen on ``day``.

    The peers' period is the most common latest period, when at least half of the
    entities share it and no other period is as common: else there are no "most peers" to
    be behind.
    """
    found: list[str] = []
    for goal in goals:
        if goal.for_each is None:
            continue
        try:
            metric = goal.compiled().subject
        except GoalEngineError:
            continue  # the goal's own result reports it
        latest = _latest(data, metric, day)
        if len(latest) < 3:
            continue
        ranked = Counter(latest.values()).most_common(2)
        peers, count = ranked[0]
        if count * 2 < len(latest) or (len(ranked) > 1 and ranked[1][1] == count):
            continue
        behind = [(e, p) for e, p in sorted(latest.items()) if p.end < peers.end]
        for entity, period in behind[:MAX_STALE_NAMED]:
            found.append(f"{goal.id}: {entity}: latest {period}, peers {peers}")
        if len(behind) > MAX_STALE_NAMED:
            more = len(behind) - MAX_STALE_NAMED
            found.append(f"{goal.id}: {more} more entities with data older than {peers}")
    return found


def _latest(data: Dataset, metric: str, day: date) -> dict[str, Period]:
    latest: dict[str, Period] = {}
    for entity in data.entities(metric):
        series = data.get(metric, entity)
        if entity is None or series is None:
            continue
        seen = series.until(day)
        if seen:
            latest[entity] = seen[-1].period
    return latest
