"""Bind a rule set to its data: load the data it names, check every metric exists.

Resolution turns "a metric that appears nowhere in the data" into a positioned error on
that goal alone (with a did-you-mean over the data's metrics), before anything runs.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ._collector import collection_paused
from .data import Dataset, load_dataset
from .data.files import check_data_file, confine, default_data_root
from .errors import DataError, GoalEngineError, Span, UnknownNameError, did_you_mean
from .language import CheckedRule
from .language.parse import span_of
from .limits import DEFAULT_LIMITS, Limits
from .ruleset import DataSource, Goal, RuleSet

if TYPE_CHECKING:
    from .data.columnar import Frame

_T = TypeVar("_T")

__all__ = [
    "DataCache",
    "ResolvedGoal",
    "data_root_of",
    "load_ruleset_data",
    "named_metrics",
    "resolve_goal",
]


_RELATIVE = "paths in 'data:' are relative to the rule file"


class DataCache:
    """Loaded datasets by file, so rule files sharing a CSV read it once.

    ``data_root`` and ``limits`` apply to loads that do not name their own. The root is
    checked on every load, before the cache is asked: a file loaded for one rule set is
    not handed to another whose root it lies outside.
    """

    def __init__(
        self,
        *,
        data_root: Path | None = None,
        limits: Limits = DEFAULT_LIMITS,
        allow_database: bool | frozenset[str] = False,
    ) -> None:
        self.data_root = data_root
        self.limits = limits
        self.allow_database = allow_database
        """True, or the database URLs a rule file may connect to (named by the run)."""
        self.warnings: list[str] = []
        """Per source read: missing-value cells skipped (``..``, ``:``, empty)."""
        self._loaded: dict[tuple[Path, str | None], Dataset] = {}
        self._frames: dict[tuple[Path, str | None], Frame] = {}
        self._mapped: dict[tuple[str, str | None, str], Dataset] = {}

    def load(
        self,
        source: DataSource | str | Path,
        root: Path | None = None,
        limits: Limits | None = None,
    ) -> Dataset:
        """The source as a dataset (read once)."""
        if isinstance(source, DataSource) and source.spec is not None:
            return self._read_mapped(source, root, limits)
        return self._get(self._loaded, load_dataset, source, root, limits)

    def _read_mapped(self, source: DataSource, root: Path | None, limits: Limits | None) -> Dataset:
        """A source read as its entry's options say (columns, format, sheet, SQL)."""
        from .data.sources import database_file, read_source

        assert source.spec is not None
        root = root if root is not None else self.data_root
        limits = limits or self.limits
        spec = source.spec
        database_url = spec.database is not None and database_file(spec.database) is None
        with _at_entry(source):
            if database_url:  # a server: no file to confine; read_source asks the run's leave
                where = str(source.path)
            else:
                checked = check_data_file(
                    source.path, root=root, limits=limits, span=source.span, name=source.name,
                    missing_hint=None if source.written is None else _RELATIVE,
                )  # fmt: skip
                where = str(checked)
            key = (where, source.decimal, repr(source.spec))
            if key not in self._mapped:
                reading = read_source(
                    source.path, source.spec, decimal=source.decimal, root=root, limits=limits,
                    name=source.name, allow_database=self.allow_database, span=source.span,
                )  # fmt: skip
                self._mapped[key] = reading.dataset
                if (warning := reading.warning()) is not None:
                    self.warnings.append(warning)
        return self._mapped[key]

    def frame(
        self,
        source: DataSource | str | Path,
        root: Path | None = None,
        limits: Limits | None = None,
        metrics: frozenset[str] | None = None,
    ) -> Frame:
        """The source as a columnar frame (read once; needs numpy). Of a dataset, only
        the rows of ``metrics`` (None: all) are read."""
        from .data.columnar import read_frame

        if isinstance(source, DataSource) and source.dataset:
            return self._dataset(source, root, limits, metrics)
        return self._get(self._frames, read_frame, source, root, limits)

    def _dataset(
        self,
        source: DataSource,
        root: Path | None,
        limits: Limits | None,
        metrics: frozenset[str] | None,
    ) -> Frame:
        """A partitioned dataset's rows of ``metrics``, as a frame (read once per metrics)."""
        from .data.partitioned import read_dataset_frame

        root = root if root is not None else self.data_root
        limits = limits or self.limits
        with _at_entry(source):
            # Confined before the cache is asked, as files are (the root may differ).
            hint = None if source.written is None else _RELATIVE
            folder = confine(source.path, root, source.span, name=source.name, missing_hint=hint)
            key = (folder, None if metrics is None else ",".join(sorted(metrics)))
            if key not in self._frames:
                self._frames[key] = read_dataset_frame(
                    source.path, metrics=metrics, root=root, limits=limits, name=source.name
                )
        return self._frames[key]

    def _get(
        self,
        loaded: dict[tuple[Path, str | None], _T],
        read: Callable[..., _T],
        source: DataSource | str | Path,
        root: Path | None,
        limits: Limits | None,
    ) -> _T:
        if not isinstance(source, DataSource):
            source = DataSource(path=Path(source))
        root = root if root is not None else self.data_root
        limits = limits or self.limits
        with _at_entry(source):
            # The file-level checks (root, kind, size) before the cache, placed at the entry.
            checked = check_data_file(
                source.path, root=root, limits=limits, span=source.span, name=source.name,
                missing_hint=None if source.written is None else _RELATIVE,
            )  # fmt: skip
            key = (checked, source.decimal)
            if key not in loaded:
                with collection_paused():  # an object per row, none in a cycle
                    loaded[key] = read(
                        source.path, decimal=source.decimal, root=root, limits=limits
                    )
        return loaded[key]


@contextmanager
def _at_entry(source: DataSource) -> Iterator[None]:
    """A whole-file or whole-dataset problem (no line of its own) is placed at the
    ``data:`` entry that named the source."""
    try:
        yield
    except DataError as error:
        if error.span.line is None and source.span is not None:
            raise error.at(source.span) from None
        raise


def data_root_of(ruleset: RuleSet, data_root: str | Path | None = None) -> Path | None:
    """The folder a rule set's data files must lie in.

    ``data_root`` if given, else the rule set's own (the command line sets it from its
    PATH), else :func:`~goalengine.data.files.default_data_root` of the rule file -- the
    current directory if the file lies in it, else the file's folder. A rule set built in
    Python without a file has no root: its author wrote the paths.
    """
    if data_root is not None:
        return Path(data_root)
    if ruleset.data_root is not None:
        return ruleset.data_root
    if ruleset.path is None:
        return None
    return default_data_root(ruleset.path)


def load_ruleset_data(
    ruleset: RuleSet,
    data: Dataset | Mapping[str, Any] | str | Path | Any | None = None,
    cache: DataCache | None = None,
    *,
    data_root: str | Path | None = None,
    limits: Limits | None = None,
    allow_database: bool | frozenset[str] = False,
) -> Dataset:
    """The data a rule set is judged against: ``data`` if given, else its own files and
    inline data (inline data replaces file data metric by metric).

    ``data`` comes from the caller and is trusted (no root; the size limit holds); the
    rule set's files must lie inside :func:`data_root_of`.
    """
    cache = cache or DataCache(limits=limits or DEFAULT_LIMITS, allow_database=allow_database)
    limits = limits or cache.limits
    if data is not None:
        if not isinstance(data, Dataset | Mapping | str | Path):
            from .data.frames import from_frame

            return from_frame(data)  # a DataFrame, or a DataError naming what it is
        return load_dataset(data, limits=limits)
    root = data_root_of(ruleset, data_root if data_root is not None else cache.data_root)
    combined = Dataset()
    for source in ruleset.data_sources:
        if source.dataset:
            frame = cache.frame(source, root, limits, named_metrics(ruleset))
            combined = combined.merged(frame.to_dataset())
            continue
        combined = combined.merged(cache.load(source, root, limits))
    if ruleset.inline_data is not None:
        combined = combined.merged(ruleset.inline_data)
    return combined


def named_metrics(ruleset: RuleSet) -> frozenset[str]:
    """Every metric a rule of ``ruleset`` names (the rows a dataset needs to give)."""
    found: set[str] = set()
    for goal in ruleset.goals:
        try:
            found |= goal.compiled().metrics
        except GoalEngineError:
            continue  # the goal reports its own problem when judged
    return frozenset(found)


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
