"""Validate rule files without judging them: :func:`validate`, what ``goalengine validate`` runs.

Every problem of every file is collected at once -- paths without rule files, YAML and rule
errors, data files outside their root, metrics the data does not have -- and returned
sorted by file, then position. Nothing here prints; the command line only shows the result.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import DataError, Diagnostic, GoalEngineError, Span
from .limits import DEFAULT_LIMITS, Limits
from .rulefile import find_rule_files, read_rules

if TYPE_CHECKING:
    from .data import Dataset
    from .language import CheckedRule
    from .ruleset import DataSource, Goal, RuleSet

__all__ = [
    "Validation",
    "collect_rule_files",
    "goal_problems",
    "read_rule_files",
    "sort_diagnostics",
    "validate",
]


@dataclass(frozen=True, slots=True)
class Validation:
    """What :func:`validate` found: every diagnostic, and how much it read."""

    diagnostics: tuple[Diagnostic, ...]
    files: int
    """Rule files read (a file that does not parse is not counted)."""
    goals: int

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "error")

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity != "error")

    @property
    def ok(self) -> bool:
        """No errors (warnings allowed)."""
        return not self.errors


def validate(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    data: Dataset | Mapping[str, Any] | str | os.PathLike[str] | None = None,
    data_root: str | os.PathLike[str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    allow_database: bool | frozenset[str] = False,
) -> Validation:
    """Parse the rule files under ``paths`` and resolve their metrics against their data.

    ``data`` (a dataset, or a file named by the caller and read from anywhere) replaces
    the data the rule files name. Without it, a rule file's own data is loaded when it is
    there; when a named file is missing the metrics go unchecked, with a warning. Data
    files must lie under ``data_root`` (default: as for ``goalengine check``).

    Raises :class:`~goalengine.errors.DataError` only if ``data`` itself cannot be read;
    every problem of the rule files is a diagnostic of the result.

    >>> result = validate("tests/fixtures/docs/typo.yaml")
    >>> result.ok, result.files, result.goals
    (False, 1, 1)
    >>> print(result.errors[0].message)
    unknown metric 'employment_rte'
    """
    from .data import load_dataset
    from .render.diagnostics import unique
    from .resolve import DataCache, load_ruleset_data, resolve_goal

    given = None if data is None else load_dataset(_path(data), limits=limits)
    root = None if data_root is None else Path(data_root)
    if root is not None and not root.is_dir():
        raise DataError(f"data root is not a directory: {root}", Span(file=str(root)))
    files, problems = collect_rule_files(_paths(paths), root)
    rulesets, read_problems = read_rule_files(files, limits)
    problems.extend(read_problems)
    cache = DataCache(limits=limits, allow_database=allow_database)
    for ruleset in rulesets:
        if given is None and not ruleset.data_sources and ruleset.inline_data is None:
            problems.extend(_without_data(ruleset))  # no data named: only the rules
            continue
        if given is None:
            outside, missing = _data_problems(ruleset)
            problems.extend(outside)
            if outside:
                problems.extend(_without_data(ruleset))
                continue
            if missing:  # data not here (yet): check the rules without it
                problems.append(
                    Diagnostic(
                        "warning",
                        f"metric names not checked: data file not found: '{missing[0].name}'",
                        missing[0].span or Span(file=ruleset.path),
                        "paths in 'data:' are relative to the rule file",
                    )
                )
                problems.extend(_without_data(ruleset))
                continue
        try:
            dataset = load_ruleset_data(ruleset, given, cache)
        except GoalEngineError as error:  # data that is there but wrong is an error
            problems.append(error.diagnostic())
            problems.extend(_without_data(ruleset))
            continue
        for goal in ruleset.goals:
            if goal.problem is not None:
                continue
            try:
                resolved = resolve_goal(goal, dataset)
            except GoalEngineError as error:
                problems.append(error.diagnostic())
                continue
            problems.extend(goal_problems(goal, resolved.rule, dataset))
    return Validation(
        diagnostics=tuple(sort_diagnostics(unique(problems))),
        files=len(rulesets),
        goals=sum(len(r.goals) for r in rulesets),
    )


def goal_problems(goal: Goal, rule: CheckedRule, data: Dataset | None) -> list[Diagnostic]:
    """What judging ``goal`` would fail on whatever the data's values: a ``baseline`` the
    goal does not declare, an unknown progress method, ``for_each`` over data without
    entities (checked when ``data`` is given). Each is the check the judging itself makes,
    called here before a run."""
    from . import methods
    from .engine.scalar import undeclared_baseline
    from .entities import entity_list

    found: list[GoalEngineError] = []
    if (undeclared := undeclared_baseline(goal, rule)) is not None:
        found.append(undeclared)
    if goal.method is not None:
        try:
            methods.get(goal.method)
        except GoalEngineError as error:
            # Placed at the rule, as the judged goal's error is.
            found.append(type(error)(error.message, goal.span, error.hint))
    if goal.for_each is not None and data is not None:
        try:
            entity_list(goal, rule, data)
        except GoalEngineError as error:
            found.append(error)
    return [error.diagnostic() for error in found]


def _without_data(ruleset: RuleSet) -> list[Diagnostic]:
    """:func:`goal_problems` of the goals of a rule set whose data is not at hand."""
    found: list[Diagnostic] = []
    for goal in ruleset.goals:
        if goal.problem is not None:
            continue
        try:
            rule = goal.compiled()
        except GoalEngineError:
            continue  # reported when the file was read
        found.extend(goal_problems(goal, rule, None))
    return found


def collect_rule_files(
    paths: Sequence[str | os.PathLike[str]], data_root: Path | None = None
) -> tuple[dict[Path, Path], list[Diagnostic]]:
    """Rule files under ``paths`` (each once) with the data root of each, and a diagnostic
    per path that has none. A file's data root is ``data_root`` if given, else that of the
    PATH it was found under (:func:`~goalengine.data.files.default_data_root`)."""
    from .data.files import default_data_root

    files: dict[Path, Path] = {}
    seen: set[Path] = set()
    problems: list[Diagnostic] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            problems.append(
                Diagnostic("error", "no such file or directory", Span(file=os.fspath(raw)))
            )
            continue
        found = find_rule_files(path)
        if not found:
            problems.append(
                Diagnostic(
                    "error",
                    "no rule files found",
                    Span(file=os.fspath(raw)),
                    "rule files end in .yaml or .yml",
                )
            )
        root = data_root if data_root is not None else default_data_root(path)
        for file in found:
            key = file.resolve()
            if key not in seen:
                seen.add(key)
                files[file] = root
    return files, problems


def read_rule_files(
    files: Mapping[Path, Path], limits: Limits = DEFAULT_LIMITS
) -> tuple[list[RuleSet], list[Diagnostic]]:
    """Read each rule file (with its data root); a file that does not read is a diagnostic."""
    rulesets: list[RuleSet] = []
    problems: list[Diagnostic] = []
    for path, root in files.items():
        try:
            ruleset = read_rules(path, limits=limits)
        except GoalEngineError as error:
            problems.append(error.diagnostic())
            continue
        problems.extend(ruleset.diagnostics)
        rulesets.append(ruleset.model_copy(update={"data_root": root}))
    return rulesets, problems


def sort_diagnostics(problems: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Problems grouped by file (files in the order first seen), then by position."""
    listed = list(problems)
    order: dict[str | None, int] = {}
    for problem in listed:
        order.setdefault(problem.span.file, len(order))
    return sorted(
        listed,
        key=lambda p: (order[p.span.file], p.span.line or 0, p.span.column or 0),
    )


def _paths(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
) -> list[str | os.PathLike[str]]:
    if isinstance(paths, str | os.PathLike):
        return [paths]
    return list(paths)


def _path(data: Any) -> Any:
    """A path-like ``data`` as :func:`~goalengine.data.load_dataset` takes it."""
    return Path(data) if isinstance(data, os.PathLike) else data


def _data_problems(ruleset: RuleSet) -> tuple[list[Diagnostic], list[DataSource]]:
    """The rule set's data entries outside its data root (errors), and the missing ones."""
    from .data.files import inside_root
    from .resolve import data_root_of

    root = data_root_of(ruleset)
    outside: list[Diagnostic] = []
    missing: list[DataSource] = []
    for source in ruleset.data_sources:
        try:
            resolved = inside_root(source.path, root, source.span, name=source.name)
        except DataError as error:
            outside.append(error.diagnostic())
            continue
        if not os.path.lexists(resolved):
            missing.append(source)
    return outside, missing
