"""The data a goal is tested over: periods around its baseline and deadline, values around
its baseline and target, and the fixtures that replay one case.

A :class:`GoalSpace` is computed once per goal from its checked rule and (when there is
one) the rule set's own data. Hypothesis strategies draw :class:`Case` objects from it: a
report date and a series per generated metric. Metrics the rule set's data already holds,
other than the subject, keep their real values, so consistency rules over many reference
series (``abs(total - (a + b)) <= 0.5``) stay reachable.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from hypothesis import strategies as st

from ..data.dataset import Dataset, Series
from ..engine.world import World
from ..errors import GoalEngineError
from ..language import CheckedRule, nodes
from ..language.check import AGGREGATES
from ..models import Observation, Verdict
from ..periods import Period, PeriodKind, shift
from ..ruleset import Goal

__all__ = ["Case", "GoalSpace", "fixture_yaml", "format_value", "nice_step", "shift", "space_for"]

#: Coarser kinds, for grids that would otherwise be too long.
_COARSER: dict[PeriodKind, PeriodKind] = {
    "day": "month",
    "month": "quarter",
    "quarter": "half",
    "half": "year",
    "year": "year",
}
_PER_YEAR = {"year": 1, "half": 2, "quarter": 4, "month": 12}
MAX_GRID = 28
"""The most periods a generated series spans (beyond it the grid gets coarser)."""


@dataclass(frozen=True, slots=True)
class Case:
    """One generated situation: a report date and the generated metrics' series."""

    as_of: date
    series: Mapping[str, Mapping[Period, float]]

    def dataset(self, base: Dataset) -> Dataset:
        """``base`` with the generated metrics replacing its own series wholesale."""
        generated = Dataset.of(
            Series.build(
                metric,
                (
                    Observation.model_construct(
                        period=p, value=v, entity=None, note=None, source=None
                    )
                    for p, v in values.items()
                ),
            )
            for metric, values in self.series.items()
        )
        return base.merged(generated)

    def with_series(self, metric: str, values: Mapping[Period, float]) -> Case:
        return Case(self.as_of, {**self.series, metric: dict(values)})

    def at(self, as_of: date) -> Case:
        return Case(as_of, self.series)


@dataclass(frozen=True)
class GoalSpace:
    """Where a goal's interesting data lives."""

    goal: Goal
    rule: CheckedRule
    data: Dataset
    """The rule set's own data (possibly empty); generated metrics replace theirs."""
    generated: tuple[str, ...]
    """Metrics drawn by Hypothesis: the subject first, then those the data lacks."""
    grid: tuple[Period, ...]
    """The periods a generated series may have observations in, oldest first."""
    start: Period
    """Where the goal's story starts: its baseline period or the earliest period it names."""
    end: Period | None
    """The deadline (``by``) or the last period of a ``throughout`` window."""
    reference: date
    """The end of the time clause, else the rule set's report date."""
    level: float
    """The subject's starting level: the baseline value, else the data's, else a guess."""
    target: float | None
    """The target estimated with every named period at ``level`` (for bare subjects)."""
    low: float
    high: float
    step: float
    anchors: tuple[float, ...]
    required: Mapping[str, tuple[Period, ...]] = field(default_factory=dict)
    """Per metric, the periods the rule looks up (so that nothing it needs is missing)."""
    protected: frozenset[Period] = frozenset()
    """Subject periods the target depends on (the baseline, named periods)."""

    @property
    def subject(self) -> str:
        return self.rule.subject

    @property
    def digits(self) -> int:
        return max(0, -math.floor(math.log10(self.step)))

    def round(self, value: float) -> float:
        return round(value, self.digits + 2)

    def values(self, wild: bool = False) -> st.SearchStrategy[float]:
        """Readable values on a grid around ``level`` (shrinking towards it), or an anchor.

        ``wild`` adds zero, negative and large values (for the crash property).
        """
        centre = round(self.level / self.step)
        below = math.floor(self.low / self.step) - centre
        above = math.ceil(self.high / self.step) - centre
        digits = self.digits
        step = self.step
        grid = st.integers(min(below, 0), max(above, 0)).map(
            lambda k: round((centre + k) * step, digits)
        )
        options = [grid, st.sampled_from(self.anchors)]
        if wild:
            options.append(st.sampled_from((0.0, -1.0, -self.high, 1e9, 1e-9)))
        return st.one_of(options)

    def days(self) -> st.SearchStrategy[date]:
        """Report dates: the ends of grid periods and of the time clause, or any day around."""
        first = shift(self.grid[0].start, -366)
        last = shift(max(self.grid[-1].end, self.reference), 366)
        notable = sorted({p.end for p in self.grid} | {self.reference, self.start.start})
        return st.one_of(st.sampled_from(notable), st.dates(first, last))

    def days_after(self, day: date) -> st.SearchStrategy[date]:
        later = sorted({p.end for p in self.grid if p.end > day})
        options: list[st.SearchStrategy[date]] = [st.just(day)]
        if later:
            options.append(st.sampled_from(later))
        options.append(st.dates(day, shift(day, 3 * 366)))
        return st.one_of(options)

    def cases(
        self,
        days: st.SearchStrategy[date] | None = None,
        *,
        require: bool = False,
        wild: bool = False,
    ) -> st.SearchStrategy[Case]:
        """Cases: a report date and, per generated metric, a value or nothing per period.

        ``require`` makes every period the rule looks up present (so a verdict of
        ``unknown`` can only mean the data of the deadline period is missing).
        """
        days = days if days is not None else self.days()
        grid = self.grid
        values = self.values(wild)
        maybe = st.one_of(st.none(), values, values)  # 2 in 3 observed; shrinks to none
        columns = {
            metric: st.tuples(
                *(values if require and p in self.required.get(metric, ()) else maybe for p in grid)
            )
            for metric in self.generated
        }

        def build(drawn: tuple[date, dict[str, tuple[float | None, ...]]]) -> Case:
            day, by_metric = drawn
            series = {
                metric: {p: v for p, v in zip(grid, row, strict=True) if v is not None}
                for metric, row in by_metric.items()
            }
            return Case(day, series)

        return st.tuples(days, st.fixed_dictionaries(columns)).map(build)

    def flat(self, metric: str | None = None) -> dict[Period, float]:
        """Every grid period at ``level`` (the series a metric has when nothing happens)."""
        level = self.level if metric in (None, self.subject) else self.level_of(metric)
        return dict.fromkeys(self.grid, level)

    def level_of(self, metric: str) -> float:
        series = self.data.get(metric)
        if metric != self.subject and series is not None and series.observations:
            return series.observations[-1].value
        return self.level


def space_for(goal: Goal, data: Dataset | None = None, as_of: date | None = None) -> GoalSpace:
    """The space of ``goal`` (compiled; raises its problem), around ``data`` if given."""
    rule = goal.compiled()
    data = data if data is not None else Dataset()
    time = rule.time
    end = time.end if time is not None else None
    singles, windows = _lookups(rule)
    subject_series = data.get(rule.subject)
    real = subject_series.observations if subject_series is not None else ()

    declared = goal.baseline
    baseline_period = declared.period if declared is not None else None
    named = sorted({p for periods in singles.values() for p in periods})
    candidates = [p for p in (baseline_period, *named) if p is not None]
    candidates += [first for _, first, _ in windows]
    if time is not None and time.start is not None:
        candidates.append(time.start)
    if as_of is not None:
        fallback = as_of
    elif real:
        fallback = real[-1].period.end
    else:
        fallback = max((p.end for p in candidates), default=date(2020, 12, 31))
    reference = end.end if end is not None else fallback
    if baseline_period is not None:
        start = baseline_period
    elif candidates:
        start = min(candidates)
    else:
        start = Period(max(reference.year - 3, date.min.year))

    kind = _grid_kind(baseline_period, end, real)
    extra = {p for p in (*candidates, end) if p is not None}
    first_year = max(min(start.year, reference.year - 3), date.min.year)
    last_year = min(max(reference.year, as_of.year if as_of else reference.year) + 1, date.max.year)
    grid = _grid(kind, first_year, last_year, extra)

    level = _level(goal, rule, data, real, baseline_period)
    flat_data = _flat_dataset(rule, data, grid, level)
    target = _target(rule, flat_data, reference, level if rule.uses_baseline else None)
    if level is None:
        if target is not None:
            direction = rule.direction or 1
            level = target - direction * max(abs(target) * 0.2, 1.0)
        else:
            level = _constants(rule)[0] if _constants(rule) else 0.0
        flat_data = _flat_dataset(rule, data, grid, level)
        target = _target(rule, flat_data, reference, level if rule.uses_baseline else None)
    anchors = {level, *(o.value for o in real)}
    if target is not None and _bare_or_aggregate(rule):
        anchors.add(target)
        side = rule.subject_node
        window = side.args[0] if isinstance(side, nodes.Call) and side.name == "sum" else None
        if isinstance(window, nodes.Window):
            # A sum's target is shared by its window's periods.
            first, last = window.first, window.last
            inside = [p for p in grid if p.start >= first.start and p.end <= last.end]
            anchors.add(target / max(1, len(inside)))
    elif not real:
        anchors.update(_constants(rule))
    finite = sorted(_bounded(a) for a in anchors if math.isfinite(a))
    level = _bounded(level)
    low, high = finite[0], finite[-1]
    scale = max(abs(low), abs(high)) or 1.0
    pad = max(0.5 * (high - low), 0.2 * scale)
    low = max(low - pad, 0.0) if low >= 0 else low - pad
    high = high + pad
    step = nice_step((high - low) / 200)

    generated = [rule.subject, *sorted(m for m in rule.metrics - {rule.subject} if m not in data)]
    required: dict[str, set[Period]] = {m: set() for m in generated}
    for metric, periods in singles.items():
        if metric in required:
            required[metric].update(periods)
    for metric, first, _ in windows:
        if metric in required:
            required[metric].add(first)
    if baseline_period is not None and rule.uses_baseline:
        required[rule.subject].add(baseline_period)
    for metric in generated[1:]:
        required[metric].add(_last_before(grid, reference))
    protected = set(singles.get(rule.subject, ()))
    if rule.uses_baseline and baseline_period is not None:
        protected.add(baseline_period)
    return GoalSpace(
        goal=goal,
        rule=rule,
        data=data,
        generated=tuple(generated),
        grid=tuple(grid),
        start=start,
        end=end,
        reference=reference,
        level=level,
        target=target,
        low=low,
        high=high,
        step=step,
        anchors=tuple(sorted({round(a, 9) for a in finite})),
        required={m: tuple(sorted(ps)) for m, ps in required.items()},
        protected=frozenset(protected),
    )


# Room to add margins to a level and take differences without overflowing to infinity.
_LARGEST = sys.float_info.max / 8


def _bounded(value: float) -> float:
    """A level or anchor held within ±_LARGEST (data near ±1e308 stays explorable)."""
    if not math.isfinite(value):
        return 0.0
    return max(-_LARGEST, min(value, _LARGEST))


def nice_step(raw: float) -> float:
    """The 1-2-5 number at or below ``raw`` (and never zero)."""
    if not math.isfinite(raw) or raw <= 0:
        return 0.01
    exponent = math.floor(math.log10(raw))
    for factor in (5, 2, 1):
        if factor * 10.0**exponent <= raw:
            return float(factor * 10.0**exponent)
    return float(10.0**exponent)


def _grid_kind(
    baseline: Period | None, end: Period | None, real: tuple[Observation, ...]
) -> PeriodKind:
    kinds: list[PeriodKind] = []
    if baseline is not None:
        kinds.append(baseline.kind)
    if end is not None:
        kinds.append(end.kind)
    kinds.extend(o.period.kind for o in real)
    order: list[PeriodKind] = ["year", "half", "quarter", "month", "day"]
    kind = max(kinds, key=order.index) if kinds else "year"
    return "month" if kind == "day" else kind


def _grid(
    kind: PeriodKind, first_year: int, last_year: int, extra: Iterable[Period]
) -> list[Period]:
    while kind != "year" and (last_year - first_year + 1) * _PER_YEAR[kind] > MAX_GRID:
        kind = _COARSER[kind]
    if (last_year - first_year + 1) > MAX_GRID:
        first_year = last_year - MAX_GRID + 1
    per_year = _PER_YEAR[kind]
    periods = {
        Period(year, kind, index)
        for year in range(first_year, last_year + 1)
        for index in range(1, per_year + 1)
    }
    periods.update(extra)
    return sorted(periods)


def _last_before(grid: Iterable[Period], day: date) -> Period:
    ordered = sorted(grid)
    before = [p for p in ordered if p.end <= day]
    return before[-1] if before else ordered[0]


def _lookups(
    rule: CheckedRule,
) -> tuple[dict[str, list[Period]], list[tuple[str, Period, Period]]]:
    """Single-period lookups per metric (a bare year and ``since P`` among them), and
    windows (metric, first, last)."""
    singles: dict[str, list[Period]] = {}
    windows: list[tuple[str, Period, Period]] = []
    for node in _nodes(rule):
        if isinstance(node, nodes.Window):
            windows.append((node.metric, node.first, node.last))
        elif isinstance(node, nodes.Lookup):
            singles.setdefault(node.metric, []).append(node.period)
        elif isinstance(node, nodes.Direction) and node.since is not None:
            singles.setdefault(node.metric, []).append(node.since)
    return singles, windows


def _nodes(rule: CheckedRule) -> list[nodes.Expr]:
    assert rule.nodes is not None  # set by check
    return nodes.walk(rule.nodes.condition)


def _constants(rule: CheckedRule) -> list[float]:
    """The numbers the rule is written with (``baseline + 10%`` holds the factor 1.1)."""
    found = []
    for node in _nodes(rule):
        if isinstance(node, nodes.Number):
            found.append(float(node.value))
        elif isinstance(node, nodes.RelativeChange):
            found.append(node.factor)
    return sorted(v for v in found if math.isfinite(v))


def _bare_or_aggregate(rule: CheckedRule) -> bool:
    side = rule.subject_node
    if isinstance(side, nodes.Metric):
        return True
    return isinstance(side, nodes.Call) and side.name in AGGREGATES - {"count"}


def _level(
    goal: Goal,
    rule: CheckedRule,
    data: Dataset,
    real: tuple[Observation, ...],
    baseline_period: Period | None,
) -> float | None:
    declared = goal.baseline
    if declared is not None and declared.value is not None:
        return declared.value
    if baseline_period is not None:
        for observation in real:
            if observation.period == baseline_period:
                return observation.value
    if real:
        return real[0].value
    return None


def _flat_dataset(
    rule: CheckedRule, data: Dataset, grid: list[Period], level: float | None
) -> Dataset:
    value = 0.0 if level is None else level
    flat = {}
    for metric in rule.metrics:
        if metric != rule.subject and metric in data:
            continue
        flat[metric] = dict.fromkeys(grid, value)
    return data.merged(Dataset.from_mapping(flat))


def _target(rule: CheckedRule, data: Dataset, day: date, baseline: float | None) -> float | None:
    if rule.target_side is None:
        return None
    world = World(data, rule.subject, day, day, baseline=baseline)
    try:
        value = float(world.evaluate(rule.target_side))
    except (GoalEngineError, ArithmeticError, ValueError, TypeError):
        return None
    return value if math.isfinite(value) else None


# -- fixtures ------------------------------------------------------------------------


def format_value(value: float) -> str:
    """A number as YAML writes it back exactly enough: ``12``, ``54.4``, ``-0.25``."""
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    text = f"{value:.12g}"
    if "e" in text and "." not in text.split("e")[0]:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}.0e{exponent}"
    return text


def fixture_yaml(
    name: str,
    case: Case,
    expect: Mapping[str, Verdict | str],
    comment: str | None = None,
) -> str:
    """One ``tests:`` entry, indented to paste under ``tests:`` in a rule file."""
    lines = [f"  # {line}" for line in (comment or "").splitlines() if line]
    lines.append(f"  - name: {_quote(name)}")
    lines.append(f"    as_of: {case.as_of.isoformat()}")
    if case.series:
        lines.append("    data:")
        for metric, values in case.series.items():
            inner = ", ".join(f"{p}: {format_value(v)}" for p, v in sorted(values.items()))
            lines.append(f"      {metric}: {{{inner}}}")
    verdicts = ", ".join(f"{goal}: {Verdict(v).value}" for goal, v in expect.items())
    lines.append(f"    expect: {{{verdicts}}}")
    return "\n".join(lines) + "\n"


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def describe(value: Any) -> str:
    """A short human description of a case value, for messages."""
    if isinstance(value, Case):
        parts = [f"as_of {value.as_of.isoformat()}"]
        for metric, values in value.series.items():
            inner = ", ".join(f"{p}: {format_value(v)}" for p, v in sorted(values.items()))
            parts.append(f"{metric} {{{inner}}}")
        return "; ".join(parts)
    return repr(value)
