"""Evaluate a checked rule at one moment: "what would this rule say on day D?".

A :class:`World` answers the rule's names from the data as it stood on a day: a bare
metric is its latest value by then, ``x["2010"]`` the value in 2010, a window the values
inside it. Given a *trend*, the subject's future values (after ``as_of``) come from the
trend instead -- that is how a projection to the deadline is judged with the same rule.

Evaluation runs on simpleeval with only the language's node types, operators and
functions; numbers are floats (overflow gives infinity, never a huge integer).
"""

from __future__ import annotations

import ast
import math
import operator
import threading
from collections.abc import Callable
from datetime import date
from typing import Any

from simpleeval import SimpleEval

from ..data.dataset import Dataset, Series
from ..errors import EvaluationError
from ..explain import TEXT_FORMATS
from ..language.check import ENTITY_FUNCTIONS, key_text
from ..limits import MAX_WINDOW_VALUES_PER_GOAL
from ..methods.base import Trend
from ..models import Observation, Step
from ..periods import Period
from .decide import equal

__all__ = ["MissingValue", "Window", "World", "series_kind"]


class MissingValue(EvaluationError):
    """A value the rule needs is not in the data (judged ``unknown``, not ``error``)."""


class Window(tuple[float, ...]):
    """The values of a metric inside a window of periods (for sum/mean/min/max/count)."""

    label: str = ""


def _divide(a: float, b: float) -> float:
    if b == 0:
        raise EvaluationError("division by zero")
    return a / b


def _aggregate(name: str, reducer: Callable[[Window], float]) -> Callable[..., float]:
    def apply(*args: Any) -> float:
        if len(args) == 1 and isinstance(args[0], Window):
            window = args[0]
            if not window and name != "count":
                raise MissingValue(f"no observations in {window.label}")
            return reducer(window)
        if name in ("min", "max") and args and not any(isinstance(a, Window) for a in args):
            return float(min(args) if name == "min" else max(args))
        raise EvaluationError(f"{name}() needs a window of observations")

    return apply


def _round(value: float, digits: float = 0) -> float:
    places = int(digits)
    if not 0 <= places <= 12:
        raise EvaluationError("round() takes 0 to 12 digits")
    return float(round(value, places))


OPERATORS: dict[type[ast.AST], Callable[..., Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: _divide,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
    ast.Not: operator.not_,
    ast.Gt: operator.gt,
    ast.GtE: lambda a, b: a > b or equal(a, b),
    ast.Lt: operator.lt,
    ast.LtE: lambda a, b: a < b or equal(a, b),
    ast.Eq: equal,
}
FUNCTIONS: dict[str, Callable[..., Any]] = {
    "sum": _aggregate("sum", lambda w: float(math.fsum(w))),
    "mean": _aggregate("mean", lambda w: math.fsum(w) / len(w)),
    "count": _aggregate("count", lambda w: float(len(w))),
    "min": _aggregate("min", lambda w: min(w)),
    "max": _aggregate("max", lambda w: max(w)),
    "abs": lambda x: abs(float(x)),
    "round": _round,
}


def series_kind(series: Series | None, fallback: Period, as_of: date | None = None) -> Period:
    """A period of the kind the series is observed in (yearly, quarterly...) by ``as_of``."""
    seen = series.observations if series is not None else ()
    if as_of is not None and series is not None:
        seen = series.until(as_of)
    return seen[-1].period if seen else fallback


class World:
    """The data as it stood on ``at`` (observations after ``as_of`` are never seen)."""

    def __init__(
        self,
        data: Dataset,
        subject: str,
        at: date,
        as_of: date,
        baseline: float | None = None,
        trend: Trend | None = None,
        entity: str | None = None,
        trace: list[Step] | None = None,
        references: frozenset[str] = frozenset(),
        reads: list[int] | None = None,
        phrases: dict[str, str] | None = None,
    ) -> None:
        self.data = data
        self.subject = subject
        self.at = at
        self.as_of = as_of
        self.baseline = baseline
        self.trend = trend
        self.entity = entity
        self.trace = trace
        self.references = references
        """Entities the rule names with ``@``: never peers in ``x[*]`` and ``rank(x)``."""
        self.reads = reads if reads is not None else [0]
        """Values read by windows so far, shared by the worlds of one judgement."""
        self.phrases = phrases
        """The traced steps' details as :class:`~goalengine.explain.Phrase` (by
        ``window:<label>``), for explanations in another language."""

    def evaluate(self, node: ast.expr) -> Any:
        evaluator = _evaluator()
        outer = evaluator.world
        evaluator.world = self
        try:
            return evaluator.eval("", previously_parsed=node)
        finally:
            evaluator.world = outer

    def series(self, metric: str) -> Series:
        found = self.data.get(metric, self.entity)
        if found is None:
            found = self.data.get(metric)  # an entity-less reference series
        if found is None:
            raise MissingValue(
                f"no data for {metric}" + (f" ({self.entity})" if self.entity else "")
            )
        return found

    def projects(self, metric: str, day: date) -> bool:
        return self.trend is not None and metric == self.subject and day > self.as_of

    def latest(self, metric: str) -> float:
        if metric == "baseline":
            if self.baseline is None:
                raise MissingValue("the goal has no baseline value")
            return self.baseline
        if self.projects(metric, self.at):
            assert self.trend is not None
            return self.trend(self.at)
        found = self.observed(self.series(metric))
        if found is None:
            raise MissingValue(f"no value of {metric} by {self.at.isoformat()}")
        return found.value

    # -- other entities (docs/entities.md): observed values, never projected ----------------

    @property
    def horizon(self) -> date:
        """The last period end that counts. Judged at a past moment (a passed deadline),
        later figures do not; judged now or later, every figure the report can see does,
        including figures published ahead of their period (next year's budget)."""
        return date.max if self.at >= self.as_of else self.at

    def observed(self, series: Series) -> Observation | None:
        """The series' latest figure on the evaluation day, as a bare metric would see it."""
        return series.latest(self.horizon, self.as_of)

    def peers(self, metric: str) -> list[tuple[str, float]]:
        """Every entity's observed value of ``metric`` (entity-less and ``@`` ones excluded)."""
        found = []
        for entity in self.data.entities(metric):
            if entity is None or entity in self.references:
                continue
            series = self.data.get(metric, entity)
            observation = self.observed(series) if series is not None else None
            if observation is not None:
                found.append((entity, observation.value))
        return found

    def all_entities(self, metric: str) -> Window:
        """``x[*]``: the values of ``metric`` over all entities at the same moment."""
        window = Window(value for _, value in self.peers(metric))
        window.label = f"{metric}[*]"
        return window

    def reference(self, metric: str, entity: str) -> float:
        """``x@entity``: the observed value of ``metric`` for a named entity."""
        series = self.data.get(metric, entity)
        if series is None:
            raise MissingValue(f"no data for {metric}@{entity}")
        found = self.observed(series)
        if found is None:
            raise MissingValue(f"no value of {metric}@{entity} by {self.at.isoformat()}")
        return found.value

    def rank(self, metric: str) -> float:
        """``rank(x)``: 1 + the number of entities with a higher observed value of ``metric``."""
        if self.entity is None:
            raise EvaluationError("rank() needs a goal with for_each")
        values = dict(self.peers(metric))
        if self.entity not in values:
            raise MissingValue(f"no value of {metric} ({self.entity}) by {self.at.isoformat()}")
        own = values[self.entity]
        return float(1 + sum(1 for value in values.values() if value > own))

    def at_period(self, metric: str, period: Period, implicit: bool) -> float:
        found = self.series(metric).at(period)
        if found is not None and found.visible_from <= self.as_of:
            self._record(metric, found, implicit)
            return found.value
        if self.projects(metric, period.end):
            assert self.trend is not None
            return self.trend(period.end)
        raise MissingValue(f"no value of {metric} in {period}")

    def window(self, metric: str, first: Period, last: Period) -> Window:
        series = self.series(metric)
        horizon = self.horizon
        inside = series.within(first, last)
        # A throughout clause reads each window again at every observed period: bounded,
        # so that long daily series cannot make one goal run for minutes.
        self.reads[0] += len(inside)
        if self.reads[0] > MAX_WINDOW_VALUES_PER_GOAL:
            raise EvaluationError(
                f"the windows of this rule read more than {MAX_WINDOW_VALUES_PER_GOAL:,} "
                "values (a throughout clause reads them again at every observed period)",
                hint="shorten the windows or the throughout clause",
            )
        seen = [o for o in inside if o.visible_from <= self.as_of and o.date <= horizon]
        values = [o.value for o in seen]
        if self.trace is not None:
            self._note_gaps(metric, series, seen, first, last)
        if self.trend is not None and metric == self.subject and last.end > self.as_of:
            # Periods of the window not yet observed are filled from the trend.
            observed = {o.period for o in seen}
            for period in _periods_between(first, last, series_kind(series, last, self.as_of)):
                if period not in observed and period.end > self.as_of:
                    values.append(self.trend(period.end))
        window = Window(values)
        window.label = f"{metric}[{first}..{last}]"
        return window

    def _note_gaps(
        self, metric: str, series: Series, seen: list[Observation], first: Period, last: Period
    ) -> None:
        """Record window periods that are past but have no data (so no one assumes zero)."""
        assert self.trace is not None
        observed = {o.period for o in seen}
        gaps = [
            str(p)
            for p in _periods_between(first, last, series_kind(series, last, self.as_of))
            if p not in observed and p.end <= self.as_of
        ]
        if gaps:
            detail = TEXT_FORMATS.phrase(
                "no data for {metric} in {periods}", metric=metric, periods=", ".join(gaps)
            )
            step = Step(
                kind="window",
                label=f"{metric}[{first}..{last}]",
                value=float(len(seen)),
                detail=detail,
            )
            if self.phrases is not None:
                self.phrases[f"window:{step.label}"] = detail
            if step not in self.trace:
                self.trace.append(step)

    def _record(self, metric: str, found: Observation, implicit: bool) -> None:
        if self.trace is None:
            return
        detail = f"bare {found.period.year} = {metric} in {found.period}" if implicit else None
        step = Step(
            kind="lookup",
            label=f"{metric}[{found.period}]",
            value=found.value,
            period=found.period,
            detail=detail,
        )
        if step not in self.trace:
            self.trace.append(step)


def _periods_between(first: Period, last: Period, like: Period) -> list[Period]:
    """Periods of ``like``'s kind inside ``first.start .. last.end``."""
    if like.months == 0:  # days and ISO weeks: no fixed count per year to fill in
        return []
    per_year = 12 // like.months
    found = []
    for year in range(first.start.year, last.end.year + 1):
        for index in range(1, per_year + 1):
            period = Period(year, like.kind, index)
            if period.start >= first.start and period.end <= last.end:
                found.append(period)
    return found


_local = threading.local()


def _evaluator() -> _Evaluator:
    """One evaluator per thread: building a SimpleEval costs more than judging a goal."""
    evaluator: _Evaluator | None = getattr(_local, "evaluator", None)
    if evaluator is None:
        evaluator = _local.evaluator = _Evaluator()
    return evaluator


class _Evaluator(SimpleEval):  # type: ignore[misc]
    """simpleeval restricted to the goal language, answering names from a World."""

    def __init__(self) -> None:
        super().__init__(operators=OPERATORS, functions=FUNCTIONS, names={})
        self.world: World | None = None
        allowed = (
            ast.Name, ast.Constant, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare,
            ast.Call, ast.Subscript,
        )  # fmt: skip
        self.nodes: dict[type[ast.AST], Callable[..., Any]] = {
            kind: handler for kind, handler in self.nodes.items() if kind in allowed
        }

    def _eval_name(self, node: ast.Name) -> float:
        assert self.world is not None
        return self.world.latest(node.id)

    def _eval_constant(self, node: ast.Constant) -> float:
        assert isinstance(node.value, int | float)
        return float(node.value)

    def _eval_subscript(self, node: ast.Subscript) -> Any:
        assert self.world is not None
        assert isinstance(node.value, ast.Name)
        metric = node.value.id
        key = node.slice
        if isinstance(key, ast.Slice):
            first, last = Period.parse(key_text(key.lower)), Period.parse(key_text(key.upper))
            return self.world.window(metric, first, last)
        if key_text(key) == "*":
            return self.world.all_entities(metric)
        implicit = getattr(node, "implicit_year", None) is not None
        return self.world.at_period(metric, Period.parse(key_text(key)), implicit)

    def _eval_binop(self, node: ast.BinOp) -> Any:
        if isinstance(node.op, ast.MatMult):  # x@entity (checked: a metric and a name)
            assert self.world is not None
            assert isinstance(node.left, ast.Name) and isinstance(node.right, ast.Name)
            return self.world.reference(node.left.id, node.right.id)
        return super()._eval_binop(node)

    def _eval_call(self, node: ast.Call) -> Any:
        if isinstance(node.func, ast.Name) and node.func.id in ENTITY_FUNCTIONS:
            assert self.world is not None
            assert isinstance(node.args[0], ast.Name)
            return self.world.rank(node.args[0].id)
        return super()._eval_call(node)
