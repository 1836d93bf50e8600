"""Goals and rule sets as data: what a rule file (or Python code) declares.

A :class:`Goal` keeps its rule text and where it was written; the checked rule is
compiled once and cached. A goal whose rule does not compile is still a goal: it carries
its ``problem`` and is judged ``error``, so one broken goal never hides the others.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, PrivateAttr, field_validator

from .data.dataset import Dataset
from .data.sources import SourceSpec
from .errors import Diagnostic, GoalEngineError, RuleFileError, Span
from .language import CheckedRule, compile_rule
from .models import Verdict
from .periods import Period

__all__ = [
    "FOR_EACH",
    "MISSING_POLICIES",
    "Baseline",
    "DataSource",
    "FixtureCase",
    "Goal",
    "RuleSet",
]

#: The values ``for_each`` may take.
FOR_EACH = ("entity",)
#: The values ``missing`` may take.
MISSING_POLICIES = ("unknown", "skip", "error")
#: The values ``bound`` may take: the subject's figures are lower (upper) bounds of the truth.
BOUNDS = ("lower", "upper")


def bound_problem(
    bound: str | None, for_each: str | None, direction: int
) -> tuple[str, str] | None:
    """Why a goal's ``bound`` cannot apply (message, hint), or None: an unknown value, a
    ``for_each`` goal (the columnar engine judges those, and knows no bounds), or ``==``."""
    if bound is None:
        return None
    if bound not in BOUNDS:
        return f"bound: '{bound}' is not supported", f"write one of: {', '.join(BOUNDS)}"
    if for_each is not None:
        return (
            "bound: is not supported with for_each",
            "give the bounded figures a goal of their own",
        )
    if direction == 0:
        return "bound: a rule with '==' cannot be judged on bounds", "bound: fits >=, >, <= or <"
    return None


class _Frozen(BaseModel):
    model_config = ConfigDict(
        frozen=True, extra="forbid", defer_build=True, arbitrary_types_allowed=True
    )


class Baseline(_Frozen):
    """The reference point of a goal: a period (looked up in the data) and/or a value."""

    period: Period | None = None
    value: float | None = None

    @field_validator("value")
    @classmethod
    def _finite(cls, value: float | None) -> float | None:
        # inf would make every goal against it met or missed without a word
        if value is not None and not math.isfinite(value):
            raise ValueError("a baseline value must be a finite number")
        return value


class Goal(_Frozen):
    """One goal: an id, a rule and what the report says about it."""

    id: str
    rule: str
    title: str | None = None
    title_da: str | None = None
    title_en: str | None = None
    baseline: Baseline | None = None
    unit: str | None = None
    source: str | None = None
    owner: str | None = None
    notes: str | None = None
    tags: tuple[str, ...] = ()
    method: str | None = None
    options: dict[str, str] = {}
    for_each: str | None = None
    missing: str = "unknown"
    bound: str | None = None
    """``lower``/``upper``: the subject's figures are only bounds of the true value (a share
    of a larger population, say); a verdict a bound cannot show becomes ``unknown``."""
    file: str | None = None
    line: int | None = None
    column: int | None = None
    """Where the rule text starts in its file (1-based), for error positions."""
    source_line: str | None = None
    problem: GoalEngineError | None = None
    """Set when the goal could not be read or compiled; the goal is then judged ``error``."""
    events: dict[str, date] = {}
    """Named days its time clause may use (the rule file's ``events:``)."""

    _compiled: CheckedRule | None = PrivateAttr(default=None)

    @classmethod
    def parse(
        cls,
        text: str,
        baseline: str | int | float | Period | Baseline | dict[str, Any] | None = None,
        *,
        id: str = "goal",
        **fields: Any,
    ) -> Goal:
        """A goal from rule text; raises :class:`GoalEngineError` if the rule is invalid.

        ``baseline`` is a period (``"2007-H1"``), a value (``54.4``) or both.
        """
        goal = cls(id=id, rule=text, baseline=_baseline(baseline), **fields)
        goal.compiled()
        return goal

    def compiled(self) -> CheckedRule:
        """The checked rule (compiled once); raises the goal's problem if it has one."""
        if self.problem is not None:
            raise self.problem
        if self._compiled is None:
            try:
                compiled = compile_rule(self.rule, events=self.events)
            except GoalEngineError as error:
                raise error.at(self.place(error.span)) from None
            if (
                problem := bound_problem(self.bound, self.for_each, compiled.direction)
            ) is not None:
                raise RuleFileError(problem[0], self.place(Span()), problem[1])
            object.__setattr__(self, "_compiled", compiled)
            assert self._compiled is not None
        return self._compiled

    def place(self, span: Span) -> Span:
        """Move a span measured inside the rule text to the rule's place in its file."""
        if self.line is None or self.column is None:
            return span.with_file(self.file)
        placed = span.shifted(self.line, self.column, self.source_line)
        return placed.with_file(self.file)

    @property
    def span(self) -> Span:
        return Span(
            file=self.file,
            line=self.line,
            column=self.column,
            end_column=None if self.column is None else self.column + len(self.rule),
            source_line=self.source_line,
        )


def _baseline(value: Any) -> Baseline | None:
    if value is None or isinstance(value, Baseline):
        return value
    if isinstance(value, dict):
        return Baseline(**value)
    if isinstance(value, float):
        return Baseline(value=value)
    return Baseline(period=Period.parse(value) if not isinstance(value, Period) else value)


class FixtureCase(_Frozen):
    """An embedded test: data and a date, and the verdicts the goals must get."""

    name: str
    as_of: date | None = None
    data: Dataset | None = None
    expect: dict[str, Verdict] = {}
    expect_explanation: dict[str, str] = {}
    line: int | None = None


class DataSource(_Frozen):
    """A data file a rule file names, and where it names it (errors about it point there)."""

    path: Path
    """Joined to the rule file's folder; confined to the data root when it is read."""
    decimal: Literal["point", "comma"] | None = None
    """The file's number convention, when the entry states it (else the separator's)."""
    span: Span | None = None
    """The ``data:`` entry in the rule file."""
    written: str | None = None
    """The path as the rule file writes it, for messages."""
    spec: SourceSpec | None = None
    """How the entry says to read the source (columns, format, sheet, SQL), if it does.
    For a database server, ``path`` is its URL; for a database file, the file."""
    dataset: bool = False
    """``path`` is a partitioned Parquet dataset (a folder), not one file."""

    @property
    def name(self) -> str:
        return self.written if self.written is not None else str(self.path)


class RuleSet(_Frozen):
    """One rule file's goals, their data sources and embedded tests."""

    path: str | None = None
    title: str | None = None
    source: str | None = None
    as_of: date | None = None
    lang: str | None = None
    """The language of the file's report (``da``/``en``; ``--lang`` overrides it)."""
    data_sources: tuple[DataSource, ...] = ()
    """The data files of ``data:``, in order (later files replace earlier ones' figures)."""
    data_root: Path | None = None
    """The folder data files must lie in; None: the default of
    :func:`goalengine.resolve.data_root_of` (set by the command line from its PATH)."""
    inline_data: Dataset | None = None
    defaults: dict[str, Any] = {}
    goals: tuple[Goal, ...] = ()
    tests: tuple[FixtureCase, ...] = ()
    properties: tuple[dict[str, Any], ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    """Problems found while reading (errors also sit on their goals), and warnings."""

    @field_validator("data_sources", mode="before")
    @classmethod
    def _sources(cls, value: Any) -> Any:
        """Plain paths are accepted for code that builds rule sets by hand."""
        if isinstance(value, list | tuple):
            return tuple(
                DataSource(path=Path(v)) if isinstance(v, str | Path) else v for v in value
            )
        return value

    @property
    def data_files(self) -> tuple[Path, ...]:
        """The paths of :attr:`data_sources`."""
        return tuple(source.path for source in self.data_sources)

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "error")

    def goal(self, goal_id: str) -> Goal:
        for goal in self.goals:
            if goal.id == goal_id:
                return goal
        raise KeyError(goal_id)

    @classmethod
    def of(cls, *goals: Goal | str, title: str | None = None, **fields: Any) -> RuleSet:
        """A rule set from goals or rule texts (ids ``goal-1``, ``goal-2``... for texts)."""
        built = tuple(
            g if isinstance(g, Goal) else Goal.parse(g, id=f"goal-{i}")
            for i, g in enumerate(goals, 1)
        )
        return cls(title=title, goals=built, **fields)
