"""Bind a rule set to its data: load the data it names, check every metric exists.

Resolution turns "a metric that appears nowhere in the data" into a positioned error on
that goal alone (with a did-you-mean over the data's metrics), before anything runs.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .data import Dataset, load_dataset
from .errors import DataError, GoalEngineError, Span, UnknownNameError, did_you_mean
from .language import CheckedRule
from .language.parse import span_of
from .ruleset import Goal, RuleSet

__all__ = ["DataCache", "ResolvedGoal", "load_ruleset_data", "resolve_goal"]


class DataCache:
    """Loaded datasets by path, so rule files sharing a CSV read it once."""

    def __init__(self) -> None:
        self._loaded: dict[Path, Dataset] = {}

    def load(self, path: Path) -> Dataset:
        key = path.resolve()
        if key not in self._loaded:
            self._loaded[key] = load_dataset(path)
        return self._loaded[key]


def load_ruleset_data(
    ruleset: RuleSet,
    data: Dataset | Mapping[str, Any] | str | Path | None = None,
    cache: DataCache | None = None,
) -> Dataset:
    """The data a rule set is judged against: ``data`` if given, else its own files and
    inline data (inline data replaces file data metric by metric)."""
    if data is not None:
        return load_dataset(data)
    cache = cache or DataCache()
    combined = Dataset()
    for path in ruleset.data_files:
        if not path.exists():
            raise DataError(
                f"data file not found: {path}",
                Span(file=ruleset.path),
                hint="paths in 'data:' are relative to the rule file",
            )
        combined = combined.merged(cache.load(path))
    if ruleset.inline_data is not None:
        combined = combined.merged(ruleset.inline_data)
    return combined


@dataclass(frozen=True, slots=True)
class ResolvedGoal:
    goal: Goal
    rule: CheckedRule


def resolve_goal(goal: Goal, data: Dataset) -> ResolvedGoal:
    """Compile ``goal`` and check that each of its metrics is in ``data``."""
    rule = goal.compiled()
    for metric in sorted(rule.metrics):
        if metric not in data:
            node = _first_name(rule.tree, metric)
            span = span_of(rule.text, node.col_offset, node.end_col_offset) if node else Span()
            hint = did_you_mean(metric, data.metrics)
            if hint is None:
                hint = "no data for this metric" if data.metrics else "the goal has no data"
            raise UnknownNameError(f"unknown metric '{metric}'", goal.place(span), hint)
    return ResolvedGoal(goal, rule)


def _first_name(tree: ast.AST, name: str) -> ast.Name | None:
    found = [n for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == name]
    return min(found, key=lambda n: n.col_offset) if found else None


def safe_resolve(goal: Goal, data: Dataset) -> ResolvedGoal | GoalEngineError:
    try:
        return resolve_goal(goal, data)
    except GoalEngineError as error:
        return error
