"""The series behind each result: what a chart of the result draws.

Results do not carry their data (a run of 10,000 entities would hold every series twice);
a report that is drawn (HTML, notebooks) or exported with ``--include-series`` gets the
observations of each goal's subject, as seen on its judging day, attached here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .data import Dataset
from .errors import GoalEngineError
from .limits import DEFAULT_LIMITS, Limits
from .models import Observation, Report, Result
from .resolve import DataCache, load_ruleset_data
from .ruleset import Goal, RuleSet

__all__ = ["observations_of", "with_series"]


def observations_of(goal: Goal, data: Dataset, result: Result) -> tuple[Observation, ...]:
    """The subject's observations for ``result`` (its entity's, else the shared series)
    visible on its judging day; none when the goal does not compile or has no data."""
    try:
        subject = goal.compiled().subject
    except GoalEngineError:
        return ()
    series = data.get(subject, result.entity) or data.get(subject)
    if series is None:
        return ()
    return series.until(result.as_of) if result.as_of is not None else tuple(series)


def attach(results: Sequence[Result], goal: Goal, data: Dataset) -> list[Result]:
    """``results`` of ``goal`` with their series."""
    return [r.model_copy(update={"series": observations_of(goal, data, r)}) for r in results]


def with_series(
    report: Report,
    rulesets: Iterable[RuleSet],
    data: Dataset | Mapping[str, Any] | str | Path | None = None,
    *,
    data_root: str | Path | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Report:
    """``report`` with every result's series, from ``data`` or each rule set's own data
    (a rule set whose data cannot be loaded keeps results without series)."""
    cache = DataCache(limits=limits)
    root = Path(data_root) if data_root is not None else None
    goals: dict[tuple[str | None, str], tuple[Goal, Dataset]] = {}
    for ruleset in rulesets:
        try:
            loaded = load_ruleset_data(ruleset, data, cache, data_root=root, limits=limits)
        except GoalEngineError:
            continue
        for goal in ruleset.goals:
            goals[(goal.file, goal.id)] = (goal, loaded)
    results = []
    for result in report.results:
        found = goals.get((result.file, result.goal))
        if found is not None:
            goal, loaded = found
            result = result.model_copy(update={"series": observations_of(goal, loaded, result)})
        results.append(result)
    return report.model_copy(update={"results": tuple(results)})
