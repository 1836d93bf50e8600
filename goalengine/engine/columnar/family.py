"""Judge one goal for all its entities at once, the way the scalar path judges each.

The scalar path (``evaluate.Judgement`` with a ``World`` per moment) decides a goal in a
few structural steps -- which observations are visible, which baseline, which branch of the
time clause, how many points the trend has -- and then computes numbers. Entities whose
subject was observed in the same periods take the same structural steps, so they form a
*group*; inside a group everything is numpy arithmetic over arrays of shape (entities,),
done by the same functions as the scalar path (``goalengine.engine.decide``).

The progress method is judged over columns when it accepts arrays (the built-in
``linear``); any other method -- a registered replacement of ``linear`` included -- is
called once per entity by this engine, with the ``MethodInput`` the scalar path builds.

Anything the scalar path would raise for an entity (a missing value, a division by zero,
a non-finite projection...) marks that entity *unclean*: it is judged by the scalar path
instead, so rare cases are exact by construction. Goals outside the vectorised subset
(windows over periods, ``round``, published dates, an unknown method) go scalar as a
whole. The output is a list of :class:`Case`: entities sharing one verdict and one shape
of explanation, with their numbers as arrays (or, for a method called per entity, its
outcome per entity).
"""

from __future__ import annotations

import itertools
import math
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from ...data.columnar import Frame
from ...data.dataset import Dataset
from ...errors import GoalEngineError
from ...explain import broken_in
from ...language import CheckedRule, nodes
from ...language.check import AGGREGATES, ENTITY_FUNCTIONS
from ...language.nodes import Expr, rename
from ...methods import get as get_method
from ...methods import student_t
from ...methods.base import MethodInput, MethodOutcome, accepts_arrays
from ...methods.linear import FLAT_REASON, INTERVAL, LinearMethod, chance_text
from ...models import Observation, Verdict
from ...periods import Period, year_fraction
from ...ruleset import Goal
from .. import decide
from ..world import FUNCTIONS as WORLD_FUNCTIONS
from ..world import Window

__all__ = [
    "Case",
    "Context",
    "GoalBlock",
    "LinearOutcome",
    "judge_family",
    "judge_goal",
    "shape_key",
    "supported",
]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.intp]
Trend = Callable[[date], FloatArray]

_FLAT_WHY = FLAT_REASON


class Unsupported(Exception):
    """This goal (or group) is judged by the scalar path."""


# -- what can be vectorised ----------------------------------------------------------------


def unsupported_form(rule: CheckedRule) -> str | None:
    """The form of ``rule`` this engine leaves to the scalar path, as the checker saw it."""
    if rule.windows:
        return "window over periods"
    if "round" in rule.calls:
        return "round()"
    return None


def over_columns(method_name: str) -> bool:
    """Whether the method called ``method_name`` is judged over columns (many entities in
    one pass); any other method is called entity by entity (see ``FamilyJudge``).

    The one column implementation today is the linear method's; a method registered under
    the name ``linear`` replaces it here as on every path.
    """
    try:
        method = get_method(method_name)
    except GoalEngineError:
        return False
    return accepts_arrays(method) and isinstance(method, LinearMethod)


def supported(goal: Goal, rule: CheckedRule, frame: Frame, method_name: str) -> str | None:
    """Why ``goal`` must go scalar, or None when the vectorised path covers it."""
    try:
        get_method(method_name)
    except GoalEngineError:
        return f"unknown method '{method_name}'"  # an error for every entity: scalar words it
    if rule.direction_only:
        return "direction-only goal"  # judged once, in goalengine.engine.scalar
    if rule.time is not None and rule.time.relative:
        return "event deadline"
    if rule.uses_baseline and goal.baseline is None:
        return "no baseline"  # an error for every entity: the scalar path words it
    if any(m not in frame for m in rule.metrics):
        return "unknown metric"
    if rule.metrics & frame.published_metrics:
        return "published dates"
    if rule.subject not in frame:
        return "no subject"
    return unsupported_form(rule)


# -- frame-wide caches -------------------------------------------------------------------------


class Context:
    """A frame on a report date, with caches shared by every goal judged against it."""

    def __init__(
        self,
        frame: Frame,
        as_of: date,
        dataset: Dataset | Callable[[frozenset[str]], Dataset] | None = None,
    ) -> None:
        self.frame = frame
        self.as_of = as_of
        self.ends = frame.ends
        self.j_as_of = bisect_right(self.ends, as_of)
        self._dataset = dataset
        self._datasets: dict[frozenset[str], Dataset] = {}
        self._last: dict[int, NDArray[np.int64]] = {}
        self._latest: dict[tuple[int, int], FloatArray] = {}
        self._peers: dict[tuple[str, int, frozenset[str]], FloatArray] = {}
        self._rows: dict[tuple[str, ...], IntArray] = {}
        self._cube: NDArray[np.int32] | None = None
        self._matrix: dict[int, FloatArray] = {}
        self._unscoped: dict[int, FloatArray] = {}

    def j(self, at: date) -> int:
        """How many columns a bare metric sees when judged on ``at``."""
        return bisect_right(self.ends, min(at, self.as_of))

    def last_index(self, m: int) -> NDArray[np.int64]:
        """(entities, periods): the column of the latest figure at or before each column."""
        found = self._last.get(m)
        if found is None:
            seen = ~np.isnan(self.frame.values[m])
            columns = np.where(seen, np.arange(seen.shape[1]), -1)
            found = self._last[m] = np.maximum.accumulate(columns, axis=1)
        return found

    def latest_all(self, m: int, j: int) -> FloatArray:
        """Every entity's latest figure of metric ``m`` within the first ``j`` columns."""
        key = (m, j)
        found = self._latest.get(key)
        if found is None:
            n = self.frame.values.shape[1]
            if j == 0:
                found = np.full(n, np.nan)
            else:
                column = self.last_index(m)[:, j - 1]
                found = np.where(
                    column >= 0, self.frame.values[m, np.arange(n), np.maximum(column, 0)], np.nan
                )
            self._latest[key] = found
        return found

    @property
    def present(self) -> BoolArray:
        """(metrics, entities): the entity has a series of the metric."""
        return self.frame.present

    def last_cube(self) -> NDArray[np.int32]:
        """(metrics, entities, periods): column of the latest figure at or before each."""
        if self._cube is None:
            seen = ~np.isnan(self.frame.values)
            columns = np.where(seen, np.arange(seen.shape[2], dtype=np.int32), np.int32(-1))
            self._cube = np.maximum.accumulate(columns, axis=2)
        return self._cube

    def latest_matrix(self, j: int) -> FloatArray:
        """(metrics, entities): every latest figure within the first ``j`` columns (NaN: none)."""
        found = self._matrix.get(j)
        if found is None:
            values = self.frame.values
            if j == 0:
                found = np.full(values.shape[:2], np.nan)
            else:
                column = self.last_cube()[:, :, j - 1]
                picked = np.take_along_axis(values, np.maximum(column, 0)[:, :, None], axis=2)
                found = np.where(column >= 0, picked[:, :, 0], np.nan)
            self._matrix[j] = found
        return found

    def unscoped_latest(self, j: int) -> FloatArray:
        """(metrics,): the entity-less series' latest figure within ``j`` columns (NaN: none)."""
        found = self._unscoped.get(j)
        if found is None:
            found = np.array([self.latest_unscoped(m, j) for m in range(len(self.frame.metrics))])
            self._unscoped[j] = found
        return found

    def latest_unscoped(self, m: int, j: int) -> float:
        row = self.frame.unscoped[m, :j]
        seen = np.flatnonzero(~np.isnan(row))
        return float(row[seen[-1]]) if len(seen) else math.nan

    def peers(self, metric: str, j: int, references: frozenset[str]) -> FloatArray:
        """``x[*]``: observed values of every entity with a series (``@`` ones excluded)."""
        key = (metric, j, references)
        found = self._peers.get(key)
        if found is None:
            m = self.frame.metric_index[metric]
            mask = self.frame.has_series(metric).copy()
            for name in references:
                row = self.frame.entity_index.get(name)
                if row is not None:
                    mask[row] = False
            values = self.latest_all(m, j)[mask]
            found = self._peers[key] = values[~np.isnan(values)]
        return found

    def rows(self, entities: list[str]) -> IntArray:
        """Frame rows of ``entities`` (goals over the same metrics share the list)."""
        key = tuple(entities)
        found = self._rows.get(key)
        if found is None:
            index = self.frame.entity_index
            found = self._rows[key] = np.array([index[e] for e in entities], dtype=np.intp)
        return found

    def dataset(self, metrics: frozenset[str]) -> Dataset:
        """The data as a Dataset, for entities the scalar path judges."""
        if isinstance(self._dataset, Dataset):
            return self._dataset
        found = self._datasets.get(metrics)
        if found is None:
            if self._dataset is not None:
                found = self._dataset(metrics)
            else:
                found = self.frame.to_dataset(metrics)
            self._datasets[metrics] = found
        return found


# -- results as arrays ---------------------------------------------------------------------


@dataclass
class LinearOutcome:
    """The linear method's outcome for the entities of one case, as arrays."""

    status: str
    verdict: Verdict
    deadline: Period
    flat: bool
    direction: int = 0
    n_points: int = 0
    origin: date | None = None
    intercept: FloatArray | None = None
    slope: FloatArray | None = None
    projected: FloatArray | None = None
    ratio: FloatArray | None = None
    """NaN where the method gives no ratio."""
    target: FloatArray | None = None
    """The target the method saw (bare subjects only)."""
    latest: FloatArray | None = None
    """The flat trend's value."""
    se: FloatArray | None = None
    df: int = 0
    probability: FloatArray | None = None
    low: FloatArray | None = None
    high: FloatArray | None = None
    projected_side: FloatArray | None = None
    """The subject side at the deadline on the trend (rules whose subject is not bare)."""
    exact: bool = False
    """Whether :attr:`probability` is the scalar path's to the last bit (else within a few
    ulps: numpy's log and exp); :meth:`exact_probability` makes it so."""

    def exact_probability(self, index: IntArray | None = None) -> FloatArray:
        """The scalar path's probabilities (of entities ``index``; all by default)."""
        assert self.probability is not None
        if self.exact:
            return self.probability if index is None else self.probability[index]
        assert self.projected is not None and self.target is not None and self.se is not None
        where = slice(None) if index is None else index
        margin = self.direction * (self.projected[where] - self.target[where])
        se = self.se[where]
        found = np.where(margin >= 0, 1.0, 0.0)
        positive = se != 0
        if positive.any():
            found[positive] = student_t.cdf_array(margin[positive] / se[positive], self.df)
        if index is None:
            self.probability, self.exact = found, True
        return found

    def chance_texts(self) -> list[str]:
        """``chance_text(p)`` per entity: exact wherever the fast probability is near a step of
        ``chance_text`` (a rounding tie, 0.5 %, 99.5 %, 0 or 1), where a few ulps could matter."""
        assert self.probability is not None
        p = self.probability
        with np.errstate(all="ignore"):
            percent = p * 100
            tie = np.abs(percent - np.floor(percent) - 0.5) < 1e-6
            near = tie | (np.abs(p - 0.995) < 1e-9) | (np.abs(p - 0.005) < 1e-9)
            near |= (p < 1e-12) | (p > 1 - 1e-12)
        if not self.exact and near.any():
            p = p.copy()
            index = np.flatnonzero(near)
            p[index] = self.exact_probability(index)
        return [chance_text(v) for v in p.tolist()]

    def take(self, index: Any) -> LinearOutcome:
        def cut(values: FloatArray | None) -> FloatArray | None:
            return None if values is None else values[index]

        return LinearOutcome(
            self.status,
            self.verdict,
            self.deadline,
            self.flat,
            self.direction,
            self.n_points,
            self.origin,
            cut(self.intercept),
            cut(self.slope),
            cut(self.projected),
            cut(self.ratio),
            cut(self.target),
            cut(self.latest),
            cut(self.se),
            self.df,
            cut(self.probability),
            cut(self.low),
            cut(self.high),
            cut(self.projected_side),
            self.exact,
        )


@dataclass
class Lookup:
    """A ``metric[period]`` figure the explanation records (the scalar path's trace)."""

    metric: str
    period: Period
    implicit: bool
    values: FloatArray


@dataclass
class Case:
    """Entities of one goal with the same verdict and the same shape of explanation."""

    positions: IntArray
    """Indexes into :attr:`GoalBlock.entities`."""
    verdict: Verdict
    passed: bool
    reason: str | None
    latest_period: Period | None
    latest: FloatArray | None
    baseline_period: Period | None
    baseline: FloatArray | None
    trace: list[Lookup] = field(default_factory=list)
    violation: tuple[Period, FloatArray] | None = None
    checked: int | None = None
    """``throughout`` held: how many observed periods were checked (a step)."""
    sides: tuple[FloatArray, FloatArray] | None = None
    outcome: LinearOutcome | None = None
    outcomes: list[MethodOutcome | None] | None = None
    """Per entity, the outcome of a method called entity by entity (see ``over_columns``)."""
    projected_sides: list[float | None] | None = None
    """Per entity, with :attr:`outcomes`: the subject side at the deadline on its trend."""

    @property
    def size(self) -> int:
        return len(self.positions)


@dataclass
class GoalBlock:
    """One goal judged for its entities: cases from numpy, the rest from the scalar path."""

    goal: Goal
    rule: CheckedRule | None
    entities: list[str]
    method: str
    as_of: date
    cases: list[Case] = field(default_factory=list)
    scalar: dict[int, Any] = field(default_factory=dict)
    """Results (``goalengine.models.Result``) by entity position, from the scalar path."""
    skipped: set[int] = field(default_factory=set)
    failed: Any = None
    """A goal-level error Result (no entity), if the goal could not be judged at all."""
    override: str | None = None
    """The method the caller asked for (``Result.method`` follows it)."""
    scalar_only: bool = False
    """Outside the vectorised subset: every entity judged by the scalar path."""


# -- evaluation over arrays ------------------------------------------------------------------


class _Scope:
    """Evaluates rule nodes for a set of entities (rows of the frame) on given moments."""

    def __init__(
        self,
        ctx: Context,
        rule: CheckedRule,
        rows: IntArray,
        metrics: dict[str, IntArray],
        baseline: FloatArray | None,
    ) -> None:
        self.ctx = ctx
        self.rule = rule
        self.rows = rows
        """Each row's entity (a row of the frame)."""
        self.metrics = metrics
        """Each of the rule's metric names -> each row's metric (goals of one shape share
        the rule's structure but not its metrics; see FamilyJudge)."""
        self.n = len(rows)
        self.baseline = baseline

    def subset(self, index: IntArray) -> _Scope:
        baseline = None if self.baseline is None else self.baseline[index]
        metrics = {name: m[index] for name, m in self.metrics.items()}
        return _Scope(self.ctx, self.rule, self.rows[index], metrics, baseline)

    # A value is (numbers, failed): failed marks entities for which the scalar path would
    # have raised while evaluating this node (only where the node was evaluated at all).

    def evaluate(
        self,
        node: Expr,
        at: date,
        trend: Trend | None = None,
        trace: list[tuple[Lookup, BoolArray]] | None = None,
        active: BoolArray | None = None,
    ) -> tuple[NDArray[Any], BoolArray]:
        if active is None:
            active = np.ones(self.n, dtype=bool)
        return self._eval(node, _Moment(at, trend, trace), active)

    def _eval(
        self, node: Expr, moment: _Moment, active: BoolArray
    ) -> tuple[NDArray[Any], BoolArray]:
        if isinstance(node, nodes.Number):
            return np.full(self.n, float(node.value)), np.zeros(self.n, dtype=bool)
        if isinstance(node, nodes.Metric | nodes.Baseline):
            name = node.name if isinstance(node, nodes.Metric) else "baseline"
            values, found = self._name(name, moment)
            return values, active & ~found
        if isinstance(node, nodes.Lookup):
            return self._lookup(node, moment, active)
        if isinstance(node, nodes.Reference):
            values = self.reference(node.metric, node.entity, moment.at)
            return values, active & np.isnan(values)
        if isinstance(node, nodes.Arithmetic):
            return self._arithmetic(node, moment, active)
        if isinstance(node, nodes.RelativeChange):
            values, failed = self._eval(node.left, moment, active)
            return values * node.factor, failed
        if isinstance(node, nodes.Negate):
            values, failed = self._eval(node.operand, moment, active)
            return (-values if node.op == "-" else +values), failed
        if isinstance(node, nodes.Not):
            values, failed = self._eval(node.operand, moment, active)
            return ~values.astype(bool), failed
        if isinstance(node, nodes.Comparison):
            return self._compare(node, moment, active)
        if isinstance(node, nodes.Logic):
            return self._logic(node, moment, active)
        if isinstance(node, nodes.Call):
            return self._call(node, moment, active)
        raise Unsupported(type(node).__name__)  # a window or x[*] outside an aggregate

    def _name(self, name: str, moment: _Moment) -> tuple[FloatArray, BoolArray]:
        if name == "baseline":
            if self.baseline is None:
                return np.full(self.n, np.nan), np.zeros(self.n, dtype=bool)
            return self.baseline, np.ones(self.n, dtype=bool)
        ctx = self.ctx
        if moment.trend is not None and name == self.rule.subject and moment.at > ctx.as_of:
            return moment.trend(moment.at), np.ones(self.n, dtype=bool)
        values = self.latest(name, ctx.j(moment.at))
        return values, ~np.isnan(values)

    def latest(self, metric: str, j: int) -> FloatArray:
        """Own series' latest figure, else the entity-less series' (NaN: none)."""
        ctx = self.ctx
        m = self.metrics[metric]
        values: FloatArray = ctx.latest_matrix(j)[m, self.rows]
        own = ctx.present[m, self.rows]
        if not own.all():
            values = np.where(own, values, ctx.unscoped_latest(j)[m])
        return values

    def at_period(self, metric: str, period: Period) -> FloatArray:
        """The figure of ``period`` visible on the report date (NaN: none)."""
        ctx = self.ctx
        column = ctx.frame.period_index.get(period)
        if column is None or ctx.ends[column] > ctx.as_of:
            return np.full(self.n, np.nan)
        m = self.metrics[metric]
        values: FloatArray = ctx.frame.values[m, self.rows, column]
        own = ctx.present[m, self.rows]
        if not own.all():
            values = np.where(own, values, ctx.frame.unscoped[m, column])
        return values

    def _lookup(
        self, node: nodes.Lookup, moment: _Moment, active: BoolArray
    ) -> tuple[FloatArray, BoolArray]:
        metric, period = node.metric, node.period
        values = self.at_period(metric, period)
        found = ~np.isnan(values)
        if moment.trace is not None:
            moment.trace.append((Lookup(metric, period, node.implicit, values), active & found))
        if moment.trend is not None and metric == self.rule.subject and period.end > self.ctx.as_of:
            projected = moment.trend(period.end)
            return np.where(found, values, projected), np.zeros(self.n, dtype=bool)
        return values, active & ~found

    def _arithmetic(
        self, node: nodes.Arithmetic, moment: _Moment, active: BoolArray
    ) -> tuple[FloatArray, BoolArray]:
        left, left_failed = self._eval(node.left, moment, active)
        right, right_failed = self._eval(node.right, moment, active)
        failed = left_failed | right_failed
        if node.op == "+":
            return left + right, failed
        if node.op == "-":
            return left - right, failed
        if node.op == "*":
            return left * right, failed
        return left / right, failed | (active & (right == 0))

    def reference(self, metric: str, entity: str, at: date) -> FloatArray:
        """``x@entity``: NaN where the scalar path finds no value."""
        row = self.ctx.frame.entity_index.get(entity)
        if row is None:
            return np.full(self.n, np.nan)
        m = self.metrics[metric]
        values: FloatArray = self.ctx.latest_matrix(self.ctx.j(at))[m, row]
        return np.where(self.ctx.present[m, row], values, np.nan)

    def _by_metric(self, m: IntArray) -> list[tuple[str, Any]]:
        """The rows of each distinct metric in ``m`` (one slice when there is just one)."""
        names = self.ctx.frame.metrics
        if not len(m) or (m == m[0]).all():
            return [(names[int(m[0])] if len(m) else names[0], slice(None))]
        return [(names[int(m[part[0]])], part) for part in _groups(m)]

    def _compare(
        self, node: nodes.Comparison, moment: _Moment, active: BoolArray
    ) -> tuple[BoolArray, BoolArray]:
        # simpleeval: left to right, stopping at the first comparison that is False.
        left, failed = self._eval(node.operands[0], moment, active)
        alive = active & ~failed
        result = np.ones(self.n, dtype=bool)
        for op, comparator in zip(node.ops, node.operands[1:], strict=True):
            right, right_failed = self._eval(comparator, moment, alive)
            failed = failed | (alive & right_failed)
            holds = _COMPARE[op](left, right)
            result = np.where(alive, holds, result)
            alive = alive & holds & ~right_failed
            left = right
        return result & ~failed, failed

    def _logic(
        self, node: nodes.Logic, moment: _Moment, active: BoolArray
    ) -> tuple[BoolArray, BoolArray]:
        conjunction = node.op == "and"
        failed = np.zeros(self.n, dtype=bool)
        result = np.zeros(self.n, dtype=bool)
        alive = active.copy()
        for value in node.values:
            truth, value_failed = self._eval(value, moment, alive)
            truth = truth.astype(bool)
            failed = failed | (alive & value_failed)
            result = np.where(alive, truth, result)
            going_on = truth if conjunction else ~truth
            alive = alive & going_on & ~value_failed
        return result, failed

    def _call(
        self, node: nodes.Call, moment: _Moment, active: BoolArray
    ) -> tuple[FloatArray, BoolArray]:
        name = node.name
        none = np.zeros(self.n, dtype=bool)
        if name in ENTITY_FUNCTIONS:  # rank(x)
            assert isinstance(node.args[0], nodes.Metric)
            j = self.ctx.j(moment.at)
            m = self.metrics[node.args[0].name]
            own = self.ctx.latest_matrix(j)[m, self.rows]
            has = self.ctx.present[m, self.rows] & ~np.isnan(own)
            rank = np.empty(self.n)
            for metric, where in self._by_metric(m):
                peers = np.sort(self.ctx.peers(metric, j, self.rule.references))
                rank[where] = 1 + len(peers) - np.searchsorted(peers, own[where], side="right")
            return rank, active & ~has
        if (
            name in AGGREGATES
            and len(node.args) == 1
            and isinstance(node.args[0], nodes.AllEntities)
        ):
            j = self.ctx.j(moment.at)
            values = np.empty(self.n)
            for metric, where in self._by_metric(self.metrics[node.args[0].metric]):
                peers = self.ctx.peers(metric, j, self.rule.references)
                if not len(peers) and name != "count":
                    values[where] = np.nan  # MissingValue: no observations
                    continue
                window = Window(peers.tolist())
                window.label = f"{metric}[*]"
                values[where] = float(WORLD_FUNCTIONS[name](window))
            return values, active & np.isnan(values)
        args = [self._eval(a, moment, active) for a in node.args]
        failed = none
        for _, arg_failed in args:
            failed = failed | arg_failed
        if name == "abs":
            return np.abs(args[0][0]), failed
        if name in ("min", "max"):
            result = args[0][0]
            for other, _ in args[1:]:
                better = other < result if name == "min" else other > result
                result = np.where(better, other, result)
            return result.astype(np.float64), failed
        raise Unsupported(f"{name}()")


@dataclass(frozen=True)
class _Moment:
    at: date
    trend: Trend | None
    trace: list[tuple[Lookup, BoolArray]] | None


_COMPARE: dict[str, Callable[[Any, Any], BoolArray]] = {
    ">": lambda a, b: a > b,
    ">=": lambda a, b: (a > b) | decide.equal(a, b),
    "<": lambda a, b: a < b,
    "<=": lambda a, b: (a < b) | decide.equal(a, b),
    "==": decide.equal,
}


# -- one goal ---------------------------------------------------------------------------------


@dataclass
class _Base:
    """The goal's baseline for a group: a period and one value per entity."""

    period: Period
    values: FloatArray
    column: int | None
    """The data column it came from (None: a declared value)."""


@dataclass
class _Held:
    """One recorded evaluation of the rule (``holds_now``): truth, failures, trace, sides."""

    holds: BoolArray
    failed: BoolArray
    trace: list[tuple[Lookup, BoolArray]]
    sides: tuple[FloatArray, FloatArray] | None


def shape_key(goal: Goal, rule: CheckedRule, method: str) -> tuple[Any, ...]:
    """Goals with equal keys are judged together: the same rule up to its metric names (the
    typed tree with the metrics numbered in order of appearance), the same baseline and
    method."""
    assert rule.nodes is not None
    numbered = {name: f"\x00{i}" for i, name in enumerate(rule.metric_order)}
    shape = (rename(rule.nodes.condition, numbered), rule.nodes.time)
    baseline = None if goal.baseline is None else (goal.baseline.period, goal.baseline.value)
    if not over_columns(method):  # called per entity: it sees the goal's unit and options
        return (shape, baseline, method, goal.unit, tuple(sorted(goal.options.items())))
    return (shape, baseline, method)


class FamilyJudge:
    """Judges goals of one shape (see :func:`shape_key`) for one list of entities at once.

    Rows are (goal, entity) pairs; each of the rule's metric names maps to every row's own
    metric, so one pass of numpy judges every goal of the family.
    """

    def __init__(
        self, ctx: Context, goals: Sequence[Goal], rules: Sequence[CheckedRule], method: str
    ) -> None:
        self.ctx = ctx
        self.goal = goals[0]
        self.rule = rules[0]
        self.method = method
        index = ctx.frame.metric_index
        template = self.rule.metric_order
        per_goal = [rule.metric_order for rule in rules]
        self.names = [dict(zip(template, names, strict=True)) for names in per_goal]
        """Per goal: the template's metric name -> the goal's."""
        self.metric_codes = {
            name: np.array([index[names[i]] for names in per_goal], dtype=np.intp)
            for i, name in enumerate(template)
        }
        self.periods = ctx.frame.periods
        self.ends = ctx.ends
        self.per_entity = not over_columns(method)
        """The method is called entity by entity (it does not accept arrays)."""

    def run(self, entities: list[str]) -> list[tuple[list[Case], IntArray, IntArray]]:
        """Per goal: cases, positions without subject data, positions to judge scalar."""
        with np.errstate(all="ignore"):  # NaN and inf are expected; failures are masks
            return self._run(entities)

    def _run(self, entities: list[str]) -> list[tuple[list[Case], IntArray, IntArray]]:
        ctx = self.ctx
        n = len(entities)
        count = len(self.names)
        rows = np.tile(ctx.rows(entities), count)
        goal_of = np.repeat(np.arange(count), n)
        metrics = {name: codes[goal_of] for name, codes in self.metric_codes.items()}
        # Every row's subject series: (rows, periods). Whole blocks when the entities are
        # the frame's rows in order (the usual case), a gather otherwise.
        codes = self.metric_codes[self.rule.subject]
        entity_rows = ctx.rows(entities)
        values = ctx.frame.values
        if len(entity_rows) == values.shape[1] and (entity_rows == np.arange(n)).all():
            series = np.take(values, codes, axis=0).reshape(count * n, values.shape[2])
        else:
            series = values[metrics[self.rule.subject], rows]
        visible = ~np.isnan(series[:, : ctx.j_as_of])
        has = visible.any(axis=1)
        cases: list[Case] = []
        scalar: list[IntArray] = []
        judged = np.flatnonzero(has)
        if len(judged):
            seen = visible[judged]
            same = bool((seen == seen[0]).all())  # the usual case: one group
            for group in [np.arange(len(judged))] if same else _groups(_row_codes(seen)):
                members = judged[group]
                obs = [int(c) for c in np.flatnonzero(seen[group[0]])]
                scope = _Scope(
                    ctx, self.rule, rows[members], {k: v[members] for k, v in metrics.items()}, None
                )
                try:
                    group_cases, unclean = self.judge_group(scope, obs, series[members])
                except Unsupported:
                    scalar.append(members)
                    continue
                for case in group_cases:
                    case.positions = members[case.positions]
                    cases.append(case)
                if unclean.any():
                    scalar.append(members[unclean])
        fallback = np.concatenate(scalar) if scalar else np.array([], dtype=np.intp)
        missing = np.flatnonzero(~has)
        # Back to goals: row r is entity r % n of goal r // n.
        out: list[tuple[list[Case], IntArray, IntArray]] = [
            (
                [],
                missing[(missing >= g * n) & (missing < (g + 1) * n)] - g * n,
                np.sort(fallback[(fallback >= g * n) & (fallback < (g + 1) * n)]) - g * n,
            )
            for g in range(count)
        ]
        for case in cases:
            owners = case.positions // n
            if count == 1:
                parts: list[Any] = [slice(None)]
            elif (np.diff(case.positions) > 0).all():  # sorted: one slice per goal
                cuts = np.searchsorted(owners, np.arange(count + 1)).tolist()
                parts = [slice(a, b) for a, b in itertools.pairwise(cuts) if b > a]
            else:
                parts = _groups(owners)
            for part in parts:
                g = int(owners[part][0])
                piece = (
                    case if isinstance(part, slice) and part == slice(None) else _take(case, part)
                )
                piece.positions = piece.positions - g * n
                if count > 1:
                    names = self.names[g]
                    piece.trace = [
                        Lookup(names[t.metric], t.period, t.implicit, t.values) for t in piece.trace
                    ]
                out[g][0].append(piece)
        return out

    # -- a group: entities whose subject was observed in the same periods ----------------

    def judge_group(
        self, scope: _Scope, obs: list[int], subject_rows: FloatArray
    ) -> tuple[list[Case], BoolArray]:
        n = scope.n
        base = self.find_baseline(subject_rows, obs)
        scope.baseline = None if base is None else base.values
        unclean = np.zeros(n, dtype=bool)
        time = self.rule.time
        builder = _Cases(self, scope, base, subject_rows)
        # The data decides these; a method chosen on purpose still gives its own label.
        labelled = None
        data_decides = time is None or time.kind == "throughout"
        if data_decides and decide.method_labels_data_verdicts(self.method):
            labelled, failed = self.call_method(scope, obs, base, subject_rows, None, True)
            unclean |= failed
        if time is None:
            held = self.holds_now(scope, self.ctx.as_of)
            unclean |= held.failed
            verdict = decide.passed_verdict_code(held.holds)
            builder.add(
                np.arange(n), verdict, decide.PASSED_VERDICTS, held,
                latest=obs[-1], passed=True, each=labelled,
            )  # fmt: skip
        elif time.kind == "throughout":
            unclean |= self.throughout(scope, obs, builder, labelled)
        else:
            unclean |= self.by_deadline(scope, obs, base, builder, subject_rows)
        return builder.finish(unclean), unclean

    def find_baseline(self, rows: FloatArray, obs: list[int]) -> _Base | None:
        """``Judgement.find_baseline`` for a group (same visible periods)."""
        declared = self.goal.baseline
        choice = decide.choose_baseline(
            [self.periods[c] for c in obs],
            None if declared is None else declared.period,
            None if declared is None else declared.value,
            self.rule.uses_baseline,
            self.rule.subject_periods(),
        )
        if choice.missing is not None:
            raise Unsupported("baseline period without data")  # unknown: scalar words it
        if choice.value is not None:
            assert choice.period is not None
            return _Base(choice.period, np.full(len(rows), float(choice.value)), None)
        if choice.index is None:
            return None
        column = obs[choice.index]
        return _Base(self.periods[column], rows[:, column], column)

    def holds_now(self, scope: _Scope, at: date) -> _Held:
        """Evaluate the rule on ``at`` recording lookups, then its two sides."""
        trace: list[tuple[Lookup, BoolArray]] = []
        rule, tree = self.rule, _condition(self.rule)
        if (
            isinstance(tree, nodes.Comparison)
            and len(tree.ops) == 1
            and rule.subject_node is not None
            and rule.target_node is not None
        ):
            # One comparison: its two operands are the sides (compare_sides would evaluate
            # the same nodes again, on the same day, to the same numbers).
            left, left_failed = scope.evaluate(tree.left, at, trace=trace)
            right, right_failed = scope.evaluate(tree.right, at, trace=trace, active=~left_failed)
            failed = left_failed | right_failed
            holds = _COMPARE[tree.ops[0]](left, right) & ~failed
            left, right = left.astype(np.float64), right.astype(np.float64)
            pair = (left, right) if rule.subject_node is tree.left else (right, left)
            return _Held(holds, failed, trace, pair)
        holds, failed = scope.evaluate(_condition(self.rule), at, trace=trace)
        sides = None
        if self.rule.subject_node is not None and self.rule.target_node is not None:
            ok = ~failed
            side, side_failed = scope.evaluate(self.rule.subject_node, at, active=ok)
            target, target_failed = scope.evaluate(self.rule.target_node, at, active=ok)
            failed = failed | side_failed | target_failed
            sides = (side.astype(np.float64), target.astype(np.float64))
        return _Held(holds.astype(bool), failed, trace, sides)

    def sides_now(self, scope: _Scope) -> tuple[tuple[FloatArray, FloatArray] | None, BoolArray]:
        """``compare_sides`` on the report date when no recorded evaluation set them."""
        if self.rule.subject_node is None or self.rule.target_node is None:
            return None, np.zeros(scope.n, dtype=bool)
        side, side_failed = scope.evaluate(self.rule.subject_node, self.ctx.as_of)
        target, target_failed = scope.evaluate(self.rule.target_node, self.ctx.as_of)
        return (side, target), side_failed | target_failed

    def throughout(
        self, scope: _Scope, obs: list[int], builder: _Cases, labelled: _EachOutcome | None
    ) -> BoolArray:
        time = self.rule.time
        assert time is not None and time.start is not None
        n = scope.n
        inside = [obs[k] for k in decide.inside([self.ends[c] for c in obs], time.start, time.end)]
        unclean = np.zeros(n, dtype=bool)
        if not inside:
            sides, failed = self.sides_now(scope)
            builder.add_plain(
                np.arange(n), Verdict.UNKNOWN, sides,
                reason=decide.no_window_data(time.start, time.end),
            )  # fmt: skip
            return failed
        alive = np.ones(n, dtype=bool)
        broken: IntArray = np.full(n, -1, dtype=np.intp)
        for k, column in enumerate(inside):
            holds, failed = scope.evaluate(_condition(self.rule), self.ends[column], active=alive)
            unclean |= failed
            broken[alive & ~holds.astype(bool) & ~failed] = k
            alive &= holds.astype(bool) & ~failed
        later = self.broken_later(scope, inside, broken)
        for k, column in enumerate(inside):
            rows = np.flatnonzero(broken == k)
            if not len(rows):
                continue
            # The same reason for rows broken in the same later periods too.
            patterns, group = np.unique(later[rows], axis=0, return_inverse=True)
            for g, pattern in enumerate(patterns):
                index = rows[group.reshape(-1) == g]
                sub = scope.subset(index)
                held = self.holds_now(sub, self.ends[column])
                unclean[index] |= held.failed
                period = self.periods[column]
                also = [self.periods[inside[j]] for j in np.flatnonzero(pattern)]
                missed = decide.throughout_verdict(self.ctx.as_of, time.end, violated=True)
                builder.add(
                    index, np.zeros(len(index), dtype=int), [missed], held,
                    latest=column, passed=True, reason=broken_in([period, *also]),
                    violation=(period, builder.subject_rows[index, column]), each=labelled,
                )  # fmt: skip
        index = np.flatnonzero(alive)
        if len(index):
            sub = scope.subset(index)
            held = self.holds_now(sub, self.ends[inside[-1]])
            unclean[index] |= held.failed
            verdict = decide.throughout_verdict(self.ctx.as_of, time.end, violated=False)
            reason = decide.held_in(len(inside), self.periods[inside[0]])
            builder.add(
                index, np.zeros(len(index), dtype=int), [verdict], held, latest=inside[-1],
                passed=True, reason=reason, checked=len(inside), each=labelled,
            )  # fmt: skip
        return unclean

    def broken_later(self, scope: _Scope, inside: list[int], broken: IntArray) -> BoolArray:
        """Per row, the periods after its first break where the rule fails too (the scalar
        ``broken_later``: a row the rule cannot be evaluated for there leaves it out)."""
        later = np.zeros((scope.n, len(inside)), dtype=bool)
        for k, column in enumerate(inside):
            active = (broken >= 0) & (broken < k)
            if not active.any():
                continue
            holds, failed = scope.evaluate(_condition(self.rule), self.ends[column], active=active)
            later[:, k] = active & ~holds.astype(bool) & ~failed
        return later

    def by_deadline(
        self,
        scope: _Scope,
        obs: list[int],
        base: _Base | None,
        builder: _Cases,
        subject_rows: FloatArray,
    ) -> BoolArray:
        time = self.rule.time
        assert time is not None
        deadline = time.end
        n = scope.n
        passed = decide.deadline_passed(self.ctx.as_of, deadline)
        if self.per_entity:
            return self.by_deadline_per_entity(scope, obs, base, builder, subject_rows, passed)
        outcome, unclean = self.assess(scope, obs, base, deadline, subject_rows, passed)
        status_code = status_codes(outcome)
        if passed:
            labels = {"outcome": outcome, "split": status_code}
            return unclean | self.judge_passed(scope, obs, deadline, builder, **labels)
        held = self.holds_now(scope, self.ctx.as_of)
        unclean |= held.failed
        order = [decide.STATUS_VERDICTS[status] for status in decide.STATUSES]
        builder.add(
            np.arange(n), status_code, order, held, latest=obs[-1], passed=False,
            outcome=outcome,
        )  # fmt: skip
        return unclean

    def judge_passed(
        self, scope: _Scope, obs: list[int], deadline: Period, builder: _Cases, **labels: Any
    ) -> BoolArray:
        """A passed deadline: the latest observation inside the deadline period decides
        ``met``/``missed``, none there is ``unknown``; ``labels`` carry how the method
        labels the group (its outcome, or its per-entity outcomes). Returns the unclean."""
        n = scope.n
        ends = [self.ends[c] for c in obs]
        inside = [obs[k] for k in decide.inside(ends, deadline, deadline)]
        if not inside:
            sides, failed = self.sides_now(scope)
            builder.add_plain(
                np.arange(n), Verdict.UNKNOWN, sides, latest=obs[-1],
                reason=decide.no_deadline_data(deadline), **labels,
            )  # fmt: skip
            return failed
        held = self.holds_now(scope, deadline.end)
        builder.add(
            np.arange(n), decide.passed_verdict_code(held.holds), decide.PASSED_VERDICTS,
            held, latest=inside[-1], passed=True, **labels,
        )  # fmt: skip
        return held.failed

    def by_deadline_per_entity(
        self,
        scope: _Scope,
        obs: list[int],
        base: _Base | None,
        builder: _Cases,
        subject_rows: FloatArray,
        passed: bool,
    ) -> BoolArray:
        """:meth:`by_deadline` for a method called entity by entity: the method decides
        each entity's verdict while the deadline is ahead, the data once it has passed."""
        time = self.rule.time
        assert time is not None
        deadline, n = time.end, scope.n
        each, unclean = self.call_method(scope, obs, base, subject_rows, deadline, passed)
        if passed:
            return unclean | self.judge_passed(scope, obs, deadline, builder, each=each)
        held = self.holds_now(scope, self.ctx.as_of)
        verdicts = sorted({o.verdict for o in each.outcomes if o is not None}, key=str)
        codes = np.array(
            [0 if o is None else verdicts.index(o.verdict) for o in each.outcomes], dtype=int
        )
        builder.add(
            np.arange(n), codes, verdicts or [Verdict.UNKNOWN], held, latest=obs[-1],
            passed=False, each=each,
        )  # fmt: skip
        return unclean | held.failed

    def target_column(self, scope: _Scope) -> tuple[FloatArray | None, BoolArray]:
        """The target side per entity (``Judgement.target_value``: evaluated even when the
        method does not use it) and where it could not be evaluated."""
        unclean = np.zeros(scope.n, dtype=bool)
        if self.rule.target_node is None:
            return None, unclean
        values, failed = scope.evaluate(self.rule.target_node, self.ctx.as_of)
        return values.astype(np.float64), unclean | failed

    def call_method(
        self,
        scope: _Scope,
        obs: list[int],
        base: _Base | None,
        subject_rows: FloatArray,
        deadline: Period | None,
        passed: bool,
    ) -> tuple[_EachOutcome, BoolArray]:
        """``Judgement.assess`` entity by entity, for a method that does not accept arrays.

        An entity whose method call fails (a value the rule needs is missing on the trend,
        the method raises) is unclean: the scalar path words its ``unknown`` or ``error``.
        """
        rule, ctx, n = self.rule, self.ctx, scope.n
        target, unclean = self.target_column(scope)
        method = get_method(self.method)
        periods = [self.periods[c] for c in obs]
        each = _EachOutcome([], [])
        for i in range(n):
            outcome, side = None, None
            if not unclean[i]:
                one = scope.subset(np.array([i]))
                observed = subject_rows[i, obs].tolist()
                goal_input = MethodInput(
                    observations=tuple(
                        Observation(period=p, value=v)
                        for p, v in zip(periods, observed, strict=True)
                    ),
                    as_of=ctx.as_of,
                    direction=rule.direction,
                    baseline=None
                    if base is None
                    else Observation(period=base.period, value=float(base.values[i])),
                    target=float(target[i])
                    if target is not None and rule.subject_is_bare
                    else None,
                    deadline=deadline,
                    unit=self.goal.unit,
                    holds=None
                    if deadline is None
                    else _holds_on(one, _condition(rule), deadline.end),
                    options=self.goal.options,
                )
                try:
                    outcome = method.assess(goal_input)
                except Exception:
                    unclean[i] = True
                if outcome is not None and not passed and deadline is not None:
                    side = self.projected_side(one, outcome, deadline)
            each.outcomes.append(outcome)
            each.projected_sides.append(side)
        return each, unclean

    def projected_side(self, one: _Scope, outcome: MethodOutcome, deadline: Period) -> float | None:
        """``Judgement.project_subject_side`` for one entity (a computed left side)."""
        rule = self.rule
        if outcome.trend is None or rule.subject_node is None or rule.subject_is_bare:
            return None
        value, failed = one.evaluate(rule.subject_node, deadline.end, trend=_columns(outcome.trend))
        return None if failed[0] else float(value[0])

    # -- the linear method -------------------------------------------------------------

    def assess(
        self,
        scope: _Scope,
        obs: list[int],
        base: _Base | None,
        deadline: Period,
        subject_rows: FloatArray,
        passed: bool,
    ) -> tuple[_Assessed, BoolArray]:
        """``LinearMethod.assess`` as ``Judgement.assess`` calls it, for a group."""
        rule = self.rule
        target, unclean = self.target_column(scope)
        method_target = target if rule.subject_is_bare else None
        # MethodInput.since_baseline(): points as (day, values)
        lead, kept = decide.trend_points(
            [self.periods[c] for c in obs], None if base is None else base.period
        )
        points = [(self.ends[obs[k]], subject_rows[:, obs[k]]) for k in kept]
        if lead:
            assert base is not None
            points.insert(0, (base.period.end, base.values))
        latest = subject_rows[:, obs[-1]]
        end = deadline.end
        if decide.flat_trend([day for day, _ in points]):
            held, failed = scope.evaluate(_condition(rule), end, trend=lambda _day: latest)
            unclean |= failed
            return _Assessed(deadline, True, held.astype(bool), latest=latest), unclean
        origin = points[0][0]
        xs = [year_fraction(origin, day) for day, _ in points]
        ys = [values for _, values in points]
        count = len(points)
        with np.errstate(all="ignore"):
            intercept, slope = decide.fit_line(xs, ys)
            at_deadline = year_fraction(origin, end)
            projected = intercept + slope * at_deadline
        unclean |= ~np.isfinite(projected)

        def trend(day: date) -> FloatArray:
            result: FloatArray = intercept + slope * year_fraction(origin, day)
            return result

        held, failed = scope.evaluate(_condition(rule), end, trend=trend)
        unclean |= failed
        projected_side = None
        if not passed and rule.subject_node is not None and not rule.subject_is_bare:
            side, failed = scope.evaluate(rule.subject_node, end, trend=trend)
            unclean |= failed  # the scalar path would say "None": let it
            projected_side = side.astype(np.float64)
        ratio = None
        if method_target is not None:
            if base is not None:
                base_day, base_values = base.period.end, base.values
            else:
                base_day, base_values = points[0]
            years = year_fraction(base_day, end)
            with np.errstate(all="ignore"):
                ratio = decide.progress_ratio(slope, method_target, base_values, years)
        assessed = _Assessed(
            deadline, False, held.astype(bool), n_points=count, origin=origin,
            intercept=intercept, slope=slope, projected=projected, ratio=ratio,
            target=method_target, projected_side=projected_side,
        )  # fmt: skip
        if passed:
            return assessed, unclean
        with np.errstate(all="ignore"):
            se = decide.standard_error(xs, ys, intercept, slope, at_deadline)
            if se is None:
                return assessed, unclean
            estimate = intercept + slope * at_deadline
        unclean |= ~(np.isfinite(estimate) & np.isfinite(se))
        assessed.se = se
        assessed.df = count - 2
        if method_target is not None and rule.direction != 0:
            assessed.with_probability = True
        return assessed, unclean


@dataclass
class _Assessed:
    """The linear method's arrays for a group, before they are cut into cases."""

    deadline: Period
    flat: bool
    holds: BoolArray
    latest: FloatArray | None = None
    n_points: int = 0
    origin: date | None = None
    intercept: FloatArray | None = None
    slope: FloatArray | None = None
    projected: FloatArray | None = None
    ratio: FloatArray | None = None
    target: FloatArray | None = None
    se: FloatArray | None = None
    df: int = 0
    with_probability: bool = False
    projected_side: FloatArray | None = None


def status_codes(assessed: _Assessed) -> IntArray:
    """Per entity, an index into ``decide.STATUSES``: on_track / off_track / not_available."""
    codes: IntArray = decide.linear_status(assessed.holds, assessed.flat).astype(np.intp)
    return codes


def _outcome_for(
    assessed: _Assessed, index: IntArray, status: str, direction: int
) -> LinearOutcome:
    """The case's :class:`LinearOutcome` (probabilities are filled in later, in a batch)."""

    def cut(values: FloatArray | None) -> FloatArray | None:
        return None if values is None else values[index]

    verdict = decide.STATUS_VERDICTS[status]
    outcome = LinearOutcome(
        status, verdict, assessed.deadline, assessed.flat, direction, assessed.n_points,
        assessed.origin, cut(assessed.intercept), cut(assessed.slope), cut(assessed.projected),
        cut(assessed.ratio), cut(assessed.target), cut(assessed.latest),
        projected_side=cut(assessed.projected_side),
    )  # fmt: skip
    if assessed.se is not None:
        outcome.se = assessed.se[index]
        outcome.df = assessed.df
        if assessed.with_probability:
            outcome.probability = np.full(len(index), np.nan)  # see fill_probabilities
    return outcome


def fill_probabilities(outcomes: Sequence[LinearOutcome]) -> None:
    """``Prediction.probability`` and ``.interval`` for many cases at once (per df)."""
    by_df: dict[int, list[LinearOutcome]] = {}
    for outcome in outcomes:
        if outcome.probability is not None and outcome.se is not None:
            by_df.setdefault(outcome.df, []).append(outcome)
    for df, group in by_df.items():
        margins, ses = [], []
        for outcome in group:
            assert outcome.projected is not None and outcome.target is not None
            assert outcome.se is not None
            margins.append(outcome.direction * (outcome.projected - outcome.target))
            ses.append(outcome.se)
        margin = np.concatenate(margins)
        se = np.concatenate(ses)
        with np.errstate(all="ignore"):
            t = margin / se
        probability = np.where(margin >= 0, 1.0, 0.0)
        positive = se != 0
        if positive.any():  # numpy's log/exp: see LinearOutcome.exact_probability
            probability[positive] = student_t.cdf_array(t[positive], df, exact=False)
        quantile = student_t.ppf(0.5 + INTERVAL / 2.0, df)
        start = 0
        for outcome in group:
            assert outcome.se is not None and outcome.projected is not None
            size = len(outcome.se)
            outcome.probability = probability[start : start + size]
            half = quantile * outcome.se
            zero = outcome.se == 0
            outcome.low = np.where(zero, outcome.projected, outcome.projected - half)
            outcome.high = np.where(zero, outcome.projected, outcome.projected + half)
            start += size


class _Cases:
    """Cuts a group's arrays into :class:`Case` objects (one verdict, one trace shape)."""

    def __init__(
        self, judge: FamilyJudge, scope: _Scope, base: _Base | None, subject_rows: FloatArray
    ) -> None:
        self.judge = judge
        self.scope = scope
        self.base = base
        self.subject_rows = subject_rows
        self.direction = judge.rule.direction
        self.cases: list[Case] = []

    def add(
        self,
        index: IntArray,
        codes: NDArray[Any],
        verdicts: Sequence[Verdict],
        held: _Held,
        *,
        latest: int,
        passed: bool,
        reason: str | None = None,
        violation: tuple[Period, FloatArray] | None = None,
        outcome: _Assessed | None = None,
        split: NDArray[Any] | None = None,
        checked: int | None = None,
        each: _EachOutcome | None = None,
    ) -> None:
        """Entities ``index`` of the group; ``codes`` index ``verdicts``, ``held`` is theirs."""
        # The trace shape: which recorded lookups each entity really made.
        bits = np.zeros(len(index), dtype=np.int64)
        for k, (_, mask) in enumerate(held.trace[:62]):
            bits |= mask.astype(np.int64) << k
        if len(held.trace) > 62:
            raise Unsupported("too many lookups")
        keys = codes.astype(np.int64) * 4
        if split is not None:
            keys = keys + split[index]
        for part in _groups(keys, bits):
            key, shape = int(keys[part[0]]), int(bits[part[0]])
            verdict = verdicts[int(key) // 4]
            trace = _trace(held.trace, part, int(shape))
            case = self._case(
                index[part], verdict, passed, reason, latest, trace,
                None if held.sides is None else (held.sides[0][part], held.sides[1][part]),
                violation=None if violation is None else (violation[0], violation[1][part]),
            )  # fmt: skip
            case.checked = checked
            if outcome is not None:
                status = decide.STATUSES[int(status_codes(outcome)[index[part[0]]])]
                case.outcome = _outcome_for(outcome, index[part], status, self.direction)
            if each is not None:
                each.attach(case, index[part])
            self.cases.append(case)

    def add_plain(
        self,
        index: IntArray,
        verdict: Verdict,
        sides: tuple[FloatArray, FloatArray] | None,
        *,
        reason: str,
        latest: int | None = None,
        outcome: _Assessed | None = None,
        passed: bool = True,
        split: NDArray[Any] | None = None,
        each: _EachOutcome | None = None,
    ) -> None:
        """An ``unknown`` without a recorded evaluation (sides from the report date)."""
        codes = np.zeros(len(index), dtype=int) if split is None else split[index]
        for code in np.unique(codes).tolist():
            part = index[codes == code]
            case = self._case(
                part, verdict, passed, reason, latest, [],
                None if sides is None else (sides[0][part], sides[1][part]),
            )  # fmt: skip
            if outcome is not None:
                status = decide.STATUSES[int(status_codes(outcome)[part[0]])]
                case.outcome = _outcome_for(outcome, part, status, self.direction)
            if each is not None:
                each.attach(case, part)
            self.cases.append(case)

    def _case(
        self,
        index: IntArray,
        verdict: Verdict,
        passed: bool,
        reason: str | None,
        latest: int | None,
        trace: list[Lookup],
        sides: tuple[FloatArray, FloatArray] | None,
        violation: tuple[Period, FloatArray] | None = None,
    ) -> Case:
        base = self.base
        return Case(
            positions=index,
            verdict=verdict,
            passed=passed,
            reason=reason,
            latest_period=None if latest is None else self.judge.periods[latest],
            latest=None if latest is None else self.subject_rows[index, latest],
            baseline_period=None if base is None else base.period,
            baseline=None if base is None else base.values[index],
            trace=trace,
            violation=violation,
            sides=sides,
        )

    def finish(self, unclean: BoolArray) -> list[Case]:
        """Drop unclean entities (the scalar path judges them); cases index the group."""
        kept: list[Case] = []
        for case in self.cases:
            keep = ~unclean[case.positions]
            if not keep.any():
                continue
            if not keep.all():
                case = _take(case, np.flatnonzero(keep))
            kept.append(case)
        return kept


def _row_codes(rows: BoolArray) -> NDArray[np.int64]:
    """One integer per row of a boolean matrix, equal for equal rows."""
    if rows.shape[1] <= 62:
        weights = np.left_shift(np.int64(1), np.arange(rows.shape[1], dtype=np.int64))
        codes: NDArray[np.int64] = rows.astype(np.int64) @ weights
        return codes
    found: dict[bytes, int] = {}
    return np.fromiter(
        (found.setdefault(row.tobytes(), len(found)) for row in np.packbits(rows, axis=1)),
        dtype=np.int64,
        count=len(rows),
    )


def _groups(*columns: NDArray[Any]) -> list[IntArray]:
    """Rows with equal values in every column, as index arrays (one per group)."""
    n = len(columns[0])
    code: NDArray[Any] | None = None
    for column in columns:
        if not len(column) or (column == column[0]).all():
            continue
        if column.min() >= 0 and column.max() < 64:
            values = column.astype(np.int64)
        else:
            values = np.unique(column, return_inverse=True)[1].reshape(-1).astype(np.int64)
        code = values if code is None else code * (int(values.max()) + 1) + values
    if code is None:
        return [np.arange(n)]
    if code.max() >= 1 << 16:
        code = np.unique(code, return_inverse=True)[1].reshape(-1)
    counts = np.bincount(code)
    order = np.argsort(code, kind="stable")
    ends = np.cumsum(counts)
    return [order[e - c : e] for c, e in zip(counts.tolist(), ends.tolist(), strict=True) if c]


def _trace(recorded: list[tuple[Lookup, BoolArray]], part: IntArray, shape: int) -> list[Lookup]:
    """The lookups of one trace shape, deduplicated like ``World._record``."""
    found: list[Lookup] = []
    seen: set[tuple[str, Period, bool]] = set()
    for k, (lookup, _) in enumerate(recorded):
        if not shape >> k & 1:
            continue
        key = (lookup.metric, lookup.period, lookup.implicit)
        if key in seen:
            continue
        seen.add(key)
        found.append(Lookup(lookup.metric, lookup.period, lookup.implicit, lookup.values[part]))
    return found


def _take(case: Case, keep: Any) -> Case:
    """The case for some of its entities (an index array, or a slice: views, no copies)."""

    def cut(values: FloatArray | None) -> FloatArray | None:
        return None if values is None else values[keep]

    return Case(
        positions=case.positions[keep],
        verdict=case.verdict,
        passed=case.passed,
        reason=case.reason,
        latest_period=case.latest_period,
        latest=cut(case.latest),
        baseline_period=case.baseline_period,
        baseline=cut(case.baseline),
        trace=[Lookup(t.metric, t.period, t.implicit, t.values[keep]) for t in case.trace],
        violation=None if case.violation is None else (case.violation[0], case.violation[1][keep]),
        checked=case.checked,
        sides=None if case.sides is None else (case.sides[0][keep], case.sides[1][keep]),
        outcome=None if case.outcome is None else case.outcome.take(keep),
        outcomes=_cut(case.outcomes, keep),
        projected_sides=_cut(case.projected_sides, keep),
    )


T = TypeVar("T")


def _cut(values: list[T] | None, keep: Any) -> list[T] | None:
    """The items of ``values`` that ``keep`` (an index array or a slice) selects."""
    if values is None:
        return None
    return [values[i] for i in np.arange(len(values))[keep].tolist()]


@dataclass
class _EachOutcome:
    """A method's outcome per entity of a group, from calling it entity by entity."""

    outcomes: list[MethodOutcome | None]
    projected_sides: list[float | None]

    def attach(self, case: Case, index: IntArray) -> None:
        """Give ``case`` (the group's entities ``index``) their outcomes."""
        case.outcomes = [self.outcomes[i] for i in index.tolist()]
        case.projected_sides = [self.projected_sides[i] for i in index.tolist()]


def _columns(trend: Callable[[date], float]) -> Trend:
    """A method's trend for one entity, as the column evaluator calls trends."""
    return lambda day: np.array([trend(day)], dtype=np.float64)


def _condition(rule: CheckedRule) -> Expr:
    assert rule.nodes is not None  # check() sets it
    return rule.nodes.condition


def _holds_on(one: _Scope, tree: Expr, end: date) -> Callable[[Callable[[date], float]], bool]:
    """``MethodInput.holds`` for one entity: the rule on ``end`` if the subject follows a
    trend. A value missing on the way raises (the entity is then judged by the scalar path)."""

    def holds(trend: Callable[[date], float]) -> bool:
        held, failed = one.evaluate(tree, end, trend=_columns(trend))
        if failed[0]:
            raise Unsupported("the rule cannot be evaluated on the trend")
        return bool(held[0])

    return holds


def judge_goal(
    ctx: Context, goal: Goal, rule: CheckedRule, method: str, entities: list[str]
) -> tuple[list[Case], IntArray, IntArray]:
    """Cases for ``entities`` plus (positions lacking subject data, positions to go scalar)."""
    return FamilyJudge(ctx, [goal], [rule], method).run(entities)[0]


def judge_family(
    ctx: Context,
    goals: Sequence[Goal],
    rules: Sequence[CheckedRule],
    method: str,
    entities: list[str],
) -> list[tuple[list[Case], IntArray, IntArray]]:
    """:func:`judge_goal` for goals of one :func:`shape_key`, all at once."""
    return FamilyJudge(ctx, goals, rules, method).run(entities)
