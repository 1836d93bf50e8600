"""Judge goals: one verdict per goal, with the explanation steps that justify it.

Pure: no printing, no global state (but the garbage collector, paused while goals are
judged: see :mod:`goalengine._collector`); safe to call from several threads. The rules:

- no time clause: the latest value decides ``met`` / ``missed``;
- ``by D`` with D passed (``as_of`` on or after D's last day): the latest observation
  inside D decides ``met`` / ``missed``; none there -> ``unknown``;
- ``by D`` ahead: the goal's progress method (default ``linear``) projects the subject
  to D -> ``on-track`` / ``at-risk``;
- ``throughout P1..P2``: any observed violation -> ``missed``; else ``met`` once the
  window has ended, ``on-track`` before;
- no observation of the subject by ``as_of`` -> ``unknown``; any evaluation failure ->
  ``error`` for that goal alone.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .. import methods
from .._collector import collection_paused
from ..data import Dataset
from ..errors import EvaluationError, GoalEngineError
from ..explain import TEXT_FORMATS, Phrase, TextFormats, broken_in, sentence
from ..language import AGGREGATES, CheckedRule, format_tree
from ..language.nodes import AllEntities, Call, Comparison, Direction, Expr, Lookup, Window
from ..limits import DEFAULT_LIMITS, Limits
from ..methods.base import MethodInput, MethodOutcome, Trend
from ..models import Observation, Report, ReportFile, Result, ResultError, Step, Verdict
from ..periods import Period, parse_as_of, year_fraction
from ..resolve import DataCache, load_ruleset_data, resolve_goal
from ..ruleset import Goal, RuleSet
from . import decide
from .world import MissingValue, World

__all__ = [
    "TEXT_FORMATS",
    "Judgement",
    "TextFormats",
    "comparison_symbol",
    "data_warnings",
    "evaluate",
    "evaluate_goal",
    "evaluate_many",
    "explanation_clauses",
    "failed_result",
    "judging_day",
    "not_finite",
    "report_files",
    "required_pace",
    "ruleset_warnings",
]

_SYMBOL = {1: "≥", -1: "≤", 0: "="}
_STRICT_SYMBOL = {1: ">", -1: "<", 0: "="}


def evaluate(
    ruleset: RuleSet | Goal | str,
    data: Dataset | Mapping[str, Any] | str | Path | Any | None = None,
    as_of: date | str | Period | None = None,
    *,
    method: str | None = None,
    data_root: str | Path | None = None,
    limits: Limits = DEFAULT_LIMITS,
    series: bool = False,
    allow_database: bool | frozenset[str] = False,
) -> Report:
    """Judge every goal of ``ruleset`` against ``data`` (default: the rule set's own data;
    also a pandas or polars DataFrame) on ``as_of`` (default: the rule set's ``as_of``,
    else today). ``allow_database``: the rule set may connect to database servers (True,
    or the URLs allowed).

    The rule set's own data files must lie inside ``data_root`` (default: see
    :func:`goalengine.resolve.data_root_of`); ``data`` given here is trusted. Data files
    larger than ``limits.data_file_bytes`` are refused. ``series``: each result carries
    the observations behind it (``Result.series``; charts in notebooks)."""
    if isinstance(ruleset, str):
        ruleset = RuleSet.of(ruleset)
    elif isinstance(ruleset, Goal):
        ruleset = RuleSet(goals=(ruleset,))
    day = judging_day(ruleset, as_of)
    cache = DataCache(limits=limits, allow_database=allow_database)
    dataset = load_ruleset_data(ruleset, data, cache, data_root=data_root, limits=limits)
    with collection_paused():
        results = [r for goal in ruleset.goals for r in judge(goal, dataset, day, method)]
    if series:
        from ..series import attach

        judged = {goal.id: goal for goal in ruleset.goals}
        results = [attach([r], judged[r.goal], dataset)[0] for r in results]
    warnings = [*ruleset_warnings(ruleset), *data_warnings(ruleset, dataset, day, cache)]
    return build_report(day, results, warnings, report_files([ruleset], as_of))


def data_warnings(ruleset: RuleSet, dataset: Dataset, day: date, cache: DataCache) -> list[str]:
    """What ``check`` also warns about the data: missing-value cells skipped while reading
    (``cache``), and entities of a ``for_each`` goal whose latest figure is older than their
    peers'."""
    from ..data.staleness import stale_warnings

    return [*cache.warnings, *stale_warnings(ruleset.goals, dataset, day)]


def evaluate_many(
    rulesets: Iterable[RuleSet],
    data: Dataset | Mapping[str, Any] | str | Path | None = None,
    as_of: date | str | Period | None = None,
    *,
    method: str | None = None,
    data_root: str | Path | None = None,
    limits: Limits = DEFAULT_LIMITS,
    series: bool = False,
) -> Report:
    """Judge several rule sets into one report; data files shared between them load once.

    A rule set whose data cannot be loaded (or lies outside its data root: ``data_root``
    or :func:`goalengine.resolve.data_root_of`) gets ``error`` results for all its goals.
    ``series``: as in :func:`evaluate`.
    """
    from .run import judge_stream

    rulesets = list(rulesets)
    run = judge_stream(rulesets, data, as_of, method=method, data_root=data_root, limits=limits)
    if not series:
        return run.report()
    from ..series import with_series

    return with_series(run.report(), rulesets, data, data_root=data_root, limits=limits)


def build_report(
    day: date,
    results: Iterable[Result],
    warnings: Iterable[str],
    files: Iterable[ReportFile] = (),
) -> Report:
    """A report of ``results``, with the roll-ups of its per-entity goals counted."""
    from ..entities import rollup

    found = tuple(results)
    return Report(
        as_of=day,
        results=found,
        warnings=tuple(warnings),
        files=tuple(files),
        rolled_up=tuple(rollup(found)),
    )


def report_files(
    rulesets: Iterable[RuleSet], as_of: date | str | Period | None
) -> tuple[ReportFile, ...]:
    """What a report says about each rule file: title, source, language, judging day."""
    return tuple(
        ReportFile(
            path=r.path or "goals",
            title=r.title,
            source=r.source,
            as_of=judging_day(r, as_of),
            lang=r.lang,
        )
        for r in rulesets
    )


def judge(goal: Goal, data: Dataset, as_of: date, method: str | None = None) -> list[Result]:
    """One result, or one per entity for a goal with ``for_each`` (goalengine.entities)."""
    if goal.for_each is not None:
        from ..entities import evaluate_for_each

        return evaluate_for_each(goal, data, as_of, method=method)
    return [evaluate_goal(goal, data, as_of, method=method)]


def judging_day(ruleset: RuleSet, as_of: date | str | Period | None) -> date:
    """The day ``ruleset`` is judged on: ``as_of`` if given, else the file's, else today."""
    if as_of is not None:
        return parse_as_of(as_of)
    return ruleset.as_of or date.today()


def ruleset_warnings(ruleset: RuleSet) -> tuple[str, ...]:
    """The warnings found reading ``ruleset``, as the report lists them."""
    return tuple(d.format(excerpt=False) for d in ruleset.diagnostics if d.severity == "warning")


def undeclared_baseline(goal: Goal, rule: CheckedRule) -> GoalEngineError | None:
    """The error of a rule that uses ``baseline`` when its goal declares none (``goalengine
    validate`` reports it too: it does not depend on the data)."""
    if not rule.uses_baseline or goal.baseline is not None or rule.direction_only:
        return None  # a direction-only goal starts at its first observation
    return GoalEngineError(
        "the rule uses 'baseline' but the goal declares none",
        goal.span,
        hint="add 'baseline: 2007-H1' (a period) or {value: 54.4} to the goal",
    )


def evaluate_goal(
    goal: Goal,
    data: Dataset,
    as_of: date,
    *,
    method: str | None = None,
    entity: str | None = None,
) -> Result:
    """Judge one goal; never raises on bad rules or data (the result says ``error``)."""
    try:
        resolved = resolve_goal(goal, data)
        result = Judgement(goal, resolved.rule, data, as_of, method, entity).run()
    except GoalEngineError as error:
        result = failed_result(goal, error, entity, as_of)
    except (ArithmeticError, RecursionError, MemoryError, ValueError, TypeError) as error:
        message = f"evaluation failed: {plain_reason(error)}"
        result = failed_result(goal, GoalEngineError(message, goal.span), entity, as_of)
    if (overflowed := not_finite(result)) is not None:
        # Finite figures can still overflow (1e308 * 2): such a result is not a verdict.
        message = f"evaluation failed: the {overflowed} is too large to compute with"
        result = failed_result(goal, EvaluationError(message, goal.span), entity, as_of)
    return result


def not_finite(result: Result) -> str | None:
    """The name of the first computed number of ``result`` that is not finite, if any."""
    fields = ("latest", "baseline", "target", "projected", "progress_ratio", "score")
    for name in fields:
        value = getattr(result, name)
        if value is not None and not math.isfinite(value):
            return name.replace("_", " ")
    if result.interval is not None and not all(math.isfinite(v) for v in result.interval):
        return "interval"
    steps = list(result.steps)
    while steps:
        step = steps.pop()
        if isinstance(step.value, float) and not math.isfinite(step.value):
            return f"{step.label} ({step.kind})"
        steps.extend(step.children)
    return None


def plain_reason(error: BaseException) -> str:
    """Why a computation failed, in words: no Python exception name reaches a report."""
    if isinstance(error, ZeroDivisionError):
        return "division by zero"
    if isinstance(error, OverflowError):
        return "a number is too large to compute with"
    if isinstance(error, RecursionError):
        return "the rule is nested too deeply"
    if isinstance(error, MemoryError):
        return "out of memory"
    text = " ".join(str(error).split())  # one line: no newlines or tabs from the message
    return "".join(ch if ch.isprintable() else "?" for ch in text)[:200] or "cannot compute"


def goal_fields(goal: Goal, entity: str | None = None) -> dict[str, Any]:
    """The fields every result of ``goal`` shares, whatever its verdict."""
    return {
        "file": goal.file,
        "goal": goal.id,
        "title": goal.title,
        "title_da": goal.title_da,
        "title_en": goal.title_en,
        "rule": goal.rule,
        "entity": entity,
        "unit": goal.unit,
        "tags": goal.tags,
        "owner": goal.owner,
        "source": goal.source,
        "notes": goal.notes,
    }


def failed_result(
    goal: Goal, error: GoalEngineError, entity: str | None = None, as_of: date | None = None
) -> Result:
    """The ``error`` result of ``goal`` (for ``entity``), placed where ``error`` says."""
    span = error.span if error.span.file or error.span.line else goal.span
    return Result(
        **goal_fields(goal, entity),
        as_of=as_of,
        verdict=Verdict.ERROR,
        explanation=f"error: {error.message}" + (f" ({error.hint})" if error.hint else ""),
        error=ResultError(
            message=error.message,
            hint=error.hint,
            file=span.file,
            line=span.line,
            column=span.column,
        ),
    )


@dataclass(frozen=True, slots=True)
class _Finding:
    """What a verdict rests on, for its explanation."""

    latest: Observation | None
    target: float | None
    deadline: Period | None
    ahead: MethodOutcome | None
    """The method's outcome when it decided (deadline ahead); None when the data decided."""
    reason: str | None
    sides: tuple[float, float] | None
    projected_side: float | None = None
    """A computed left side (``sum(x[2010..2013])``) at the deadline, following the trend."""


@dataclass
class Judgement:
    """The evaluation of one goal (for one entity); collects steps while it decides.

    :func:`evaluate_goal` runs it; the columnar engine builds one with what it decided
    already known and calls :meth:`result`, so both word a verdict the same way."""

    goal: Goal
    rule: CheckedRule
    data: Dataset
    as_of: date
    method_override: str | None
    entity: str | None
    steps: list[Step] = field(default_factory=list)
    trace: list[Step] = field(default_factory=list)
    phrases: dict[str, str] = field(default_factory=dict)
    """The trace's details as phrases (see ``World.phrases``)."""
    baseline: Observation | None = None
    sides: tuple[float, float] | None = None
    """The rule's subject side and target side, as last evaluated."""
    reads: list[int] = field(default_factory=lambda: [0])
    """Values its windows have read (bounded by MAX_WINDOW_VALUES_PER_GOAL)."""

    def world(self, at: date, trend: Trend | None = None, record: bool = False) -> World:
        return World(
            self.data,
            self.rule.subject,
            at,
            self.as_of,
            baseline=self.baseline.value if self.baseline else None,
            trend=trend,
            entity=self.entity,
            trace=self.trace if record else None,
            references=self.rule.references,
            reads=self.reads,
            phrases=self.phrases if record else None,
        )

    @property
    def unit(self) -> str | None:
        return self.goal.unit

    @property
    def method_name(self) -> str:
        return self.method_override or self.goal.method or "linear"

    def run(self) -> Result:
        series = self.data.get(self.rule.subject, self.entity) or self.data.get(self.rule.subject)
        visible = series.until(self.as_of) if series is not None else ()
        try:
            self.baseline = self.find_baseline(visible)
            if not visible:
                raise MissingValue(
                    TEXT_FORMATS.phrase(
                        "no observation of {metric} by {day}",
                        metric=self.rule.subject,
                        day=self.as_of.isoformat(),
                    )
                )
            return self.decide(visible)
        except MissingValue as missing:
            return self.result(Verdict.UNKNOWN, reason=missing.message)

    def find_baseline(self, visible: tuple[Observation, ...]) -> Observation | None:
        declared = self.goal.baseline
        if (undeclared := undeclared_baseline(self.goal, self.rule)) is not None:
            raise undeclared
        choice = decide.choose_baseline(
            [o.period for o in visible],
            None if declared is None else declared.period,
            None if declared is None else declared.value,
            self.rule.uses_baseline,
            self.rule.subject_periods(),
        )
        if choice.missing is not None:
            raise MissingValue(
                TEXT_FORMATS.phrase(
                    "no value of {metric} in the baseline period {period}",
                    metric=self.rule.subject,
                    period=choice.missing,
                )
            )
        if choice.value is not None:
            assert choice.period is not None
            return Observation(period=choice.period, value=choice.value)
        if choice.index is not None:
            return visible[choice.index]
        return _direction_start(visible) if self.rule.direction_only else None

    # -- deciding -------------------------------------------------------------------

    def decide(self, visible: tuple[Observation, ...]) -> Result:
        time = self.rule.time
        latest = visible[-1]
        if time is None or time.kind == "throughout":
            # The data decides; a method chosen on purpose still gives its own label
            # (Destatis' annual procedure is made for goals that must hold every year).
            labelled = decide.method_labels_data_verdicts(self.method_name)
            outcome = self.assess(visible, None) if labelled else None
            if time is not None:
                return self.decide_throughout(visible, outcome)
            verdict = decide.PASSED_VERDICTS[decide.passed_verdict_code(self.holds_now(self.as_of))]
            return self.result(verdict, latest=latest, outcome=outcome, passed=True)
        deadline = time.end
        outcome = self.assess(visible, deadline)
        if decide.deadline_passed(self.as_of, deadline):
            ends = [o.date for o in visible]
            inside = [visible[k] for k in decide.inside(ends, deadline, deadline)]
            if not inside:
                return self.result(
                    Verdict.UNKNOWN,
                    latest=latest,
                    reason=decide.no_deadline_data(deadline),
                    outcome=outcome,
                    passed=True,
                )
            holds = self.holds_now(deadline.end)
            verdict = decide.PASSED_VERDICTS[decide.passed_verdict_code(holds)]
            return self.result(verdict, latest=inside[-1], outcome=outcome, passed=True)
        assert outcome is not None
        self.holds_now(self.as_of)  # for the explanation: the rule's sides today
        return self.result(outcome.verdict, latest=latest, outcome=outcome)

    def decide_throughout(
        self, visible: tuple[Observation, ...], outcome: MethodOutcome | None
    ) -> Result:
        time = self.rule.time
        assert time is not None and time.start is not None
        ends = [o.date for o in visible]
        inside = [visible[k] for k in decide.inside(ends, time.start, time.end)]
        if not inside:
            return self.result(Verdict.UNKNOWN, reason=decide.no_window_data(time.start, time.end))
        for index, observation in enumerate(inside):
            if not self.world(observation.date).evaluate(self.rule.tree):
                later = self.broken_later(inside[index + 1 :])
                self.holds_now(observation.date)
                self.steps.append(
                    Step(
                        kind="violation",
                        label=f"rule broken in {observation.period}",
                        value=observation.value,
                        unit=self.unit,
                        period=observation.period,
                    )
                )
                return self.result(
                    decide.throughout_verdict(self.as_of, time.end, violated=True),
                    latest=observation,
                    reason=broken_in([observation.period, *later]),
                    outcome=outcome,
                    passed=True,
                )
        self.holds_now(inside[-1].date)
        self.steps.append(
            Step(kind="checked", label="observed periods checked", value=float(len(inside)))
        )
        checked = decide.held_in(len(inside), inside[0].period)
        verdict = decide.throughout_verdict(self.as_of, time.end, violated=False)
        return self.result(verdict, latest=inside[-1], reason=checked, outcome=outcome, passed=True)

    def broken_later(self, observations: Iterable[Observation]) -> list[Period]:
        """The later periods a ``throughout`` rule also fails in (one it cannot evaluate
        there is left out: the first break already decides the verdict)."""
        broken = []
        for observation in observations:
            try:
                holds = self.world(observation.date).evaluate(self.rule.tree)
            except (GoalEngineError, ArithmeticError):
                continue
            if not holds:
                broken.append(observation.period)
        return broken

    def holds_now(self, at: date) -> bool:
        """Evaluate the rule on ``at``, recording both sides of it as steps."""
        world = self.world(at, record=True)
        holds = bool(world.evaluate(self.rule.tree))
        self.sides = self.compare_sides(world)
        return holds

    def compare_sides(self, world: World) -> tuple[float, float] | None:
        if self.rule.subject_side is None or self.rule.target_side is None:
            return None
        return (
            float(world.evaluate(self.rule.subject_side)),
            float(world.evaluate(self.rule.target_side)),
        )

    def assess(
        self, visible: tuple[Observation, ...], deadline: Period | None
    ) -> MethodOutcome | None:
        method = methods.get(self.method_name)
        target = self.target_value()
        goal_input = MethodInput(
            observations=visible,
            as_of=self.as_of,
            direction=self.rule.direction,
            baseline=self.baseline,
            target=target if self.rule.subject_is_bare and not self.rule.direction_only else None,
            direction_only=self.rule.direction_only,
            deadline=deadline,
            unit=self.unit,
            holds=None if deadline is None else self.holds_by(deadline),
            options=self.goal.options,
            baseline_period=_declared_period(self.goal),
        )
        try:
            return method.assess(goal_input)
        except GoalEngineError:
            raise
        except Exception as error:  # a third-party method must not sink the report
            raise GoalEngineError(f"method '{method.name}' failed: {plain_reason(error)}") from None

    def holds_by(self, deadline: Period) -> Callable[[Trend], bool]:
        """Whether the rule holds at the deadline if the subject follows a trend."""

        def holds(trend: Trend) -> bool:
            return bool(self.world(deadline.end, trend=trend).evaluate(self.rule.tree))

        return holds

    def target_value(self) -> float | None:
        if self.rule.target_side is None:
            return None
        try:
            return float(self.world(self.as_of).evaluate(self.rule.target_side))
        except MissingValue:
            return None

    # -- the result -------------------------------------------------------------------

    def result(
        self,
        verdict: Verdict,
        *,
        latest: Observation | None = None,
        reason: str | None = None,
        outcome: MethodOutcome | None = None,
        passed: bool = False,
    ) -> Result:
        if self.goal.bound is not None and latest is not None:
            verdict, reason = bounded(
                self.goal.bound, self.rule.direction, verdict, latest, self.unit, reason
            )
        if self.sides is None:
            try:
                self.sides = self.compare_sides(self.world(self.as_of))
            except GoalEngineError:
                self.sides = None
        sides = self.sides
        target = sides[1] if sides else None
        deadline = self.rule.time.end if self.rule.time and self.rule.time.kind == "by" else None
        ahead = outcome if not passed else None
        projected = ahead.projected if ahead is not None else None
        projected_side = None
        if ahead is not None and not self.rule.subject_is_bare:
            projected = projected_side = self.project_subject_side(ahead, deadline)
        found = _Finding(latest, target, deadline, ahead, reason, sides, projected_side)
        steps = self.explanation_steps(found)
        steps.append(Step(kind="verdict", label="verdict", value=verdict.value))
        clauses = self.clauses(found)
        result = Result(
            **goal_fields(self.goal, self.entity),
            as_of=self.as_of,
            verdict=verdict,
            explanation=sentence(*clauses, verdict=verdict.label),
            steps=tuple(steps),
            latest=latest.value if latest else None,
            latest_period=latest.period if latest else None,
            baseline=self.baseline.value if self.baseline else None,
            baseline_period=self.baseline.period if self.baseline else None,
            target=target,
            deadline=deadline,
            projected=projected,
            progress_ratio=outcome.progress_ratio if outcome else None,
            method=self.method_name,
            method_status=outcome.status if outcome else None,
            score=outcome.score if outcome else None,
            probability=outcome.probability if outcome and not passed else None,
            interval=outcome.interval if outcome and not passed else None,
        )
        _keep_phrases(
            result, method=outcome.reason if outcome else None, reason=reason, **self.phrases
        )
        return result

    def project_subject_side(self, outcome: MethodOutcome, deadline: Period | None) -> float | None:
        if outcome.trend is None or deadline is None or self.rule.subject_side is None:
            return None
        world = self.world(deadline.end, trend=outcome.trend)
        try:
            return float(world.evaluate(self.rule.subject_side))
        except GoalEngineError:
            return None

    def explanation_steps(self, found: _Finding) -> list[Step]:
        latest, target, deadline, outcome = found.latest, found.target, found.deadline, found.ahead
        unit = self.unit
        steps: list[Step] = []
        if latest is not None:
            steps.append(
                Step(
                    kind="latest",
                    label=self.rule.subject,
                    value=latest.value,
                    unit=unit,
                    period=latest.period,
                )
            )
        base = self.baseline
        if base is not None:
            steps.append(
                Step(
                    kind="baseline",
                    label="baseline",
                    value=base.value,
                    unit=unit,
                    period=base.period,
                )
            )
            if latest is not None and latest.period != base.period:
                steps.append(
                    Step(
                        kind="change",
                        label=f"change since {base.period}",
                        value=latest.value - base.value,
                        unit=unit,
                        period=latest.period,
                    )
                )
        side = self.rule.subject_side
        if found.sides is not None and side is not None and not self.rule.subject_is_bare:
            steps.append(Step(kind="side", label=_short(format_tree(side)), value=found.sides[0]))
        steps.extend(self.trace)
        if target is not None and self.rule.target_side is not None:
            steps.append(
                Step(
                    kind="target",
                    label=format_tree(self.rule.target_side),
                    value=target,
                    unit=unit,
                    period=deadline,
                    detail=comparison_symbol(self.rule),
                )
            )
        if found.projected_side is not None and side is not None:
            steps.append(
                Step(
                    kind="projected_side",
                    label=_short(format_tree(side)),
                    value=found.projected_side,
                    period=deadline,
                )
            )
        steps.extend(self.pace_steps(found))
        if outcome is not None:
            steps.append(
                Step(
                    kind="method",
                    label=self.method_name,
                    value=outcome.status,
                    detail=outcome.reason,
                    children=outcome.steps,
                )
            )
        steps.extend(self.steps)
        if found.reason:
            steps.append(Step(kind="reason", label="reason", detail=found.reason))
        return steps

    def pace_steps(self, found: _Finding) -> list[Step]:
        """'change per year needed from now' and 'managed since the baseline' (ahead only)."""
        latest, base = found.latest, self.baseline
        rule = self.rule
        if found.ahead is None or latest is None or rule.direction_only:
            return []
        if not rule.subject_is_bare:
            return []
        pace = required_pace(
            latest.value,
            latest.period,
            base.value if base is not None else None,
            base.period if base is not None else None,
            found.target,
            found.deadline,
        )
        if pace is None:
            return []
        needed, managed = pace
        if not math.isfinite(needed):
            return []  # values near the largest float: the other steps already say so
        steps = [
            Step(
                kind="needed_pace",
                label="needed a year",
                value=needed,
                unit=self.unit,
                period=found.deadline,
                detail=f"from {latest.period} to the target by {found.deadline}",
            )
        ]
        if managed is not None and math.isfinite(managed) and base is not None:
            steps.append(
                Step(
                    kind="managed_pace",
                    label="managed a year",
                    value=managed,
                    unit=self.unit,
                    detail=f"{base.period} to {latest.period}",
                )
            )
        return steps

    def clauses(self, found: _Finding) -> list[str | None]:
        outcome = found.ahead
        projected = found.projected_side if outcome is not None and outcome.reason else None
        latest, base = found.latest, self.baseline
        return explanation_clauses(
            self.rule,
            self.unit,
            latest_value=latest.value if latest is not None else None,
            latest_period=latest.period if latest is not None else None,
            baseline_value=base.value if base is not None else None,
            baseline_period=base.period if base is not None else None,
            side_value=found.sides[0] if found.sides is not None else None,
            target=found.target,
            deadline=found.deadline,
            implicit=[
                (s.period, float(s.value or 0))
                for s in self.trace
                if s.detail and s.detail.startswith("bare ")
            ],
            windows=[s.detail for s in self.trace if s.kind == "window"],
            method_reason=outcome.reason if outcome is not None else None,
            projected_side=projected,
            reason=found.reason,
        )


def _direction_start(visible: tuple[Observation, ...]) -> Observation | None:
    """Where a direction-only goal without a baseline starts: its first observation."""
    return visible[0] if visible else None


def comparison_symbol(rule: CheckedRule) -> str:
    """How the subject must compare with the target, as the rule says it: ``<`` stays
    strict (never "≤ 27 % … reaches 27 % → at risk")."""
    condition = rule.nodes.condition if rule.nodes is not None else None
    strict = isinstance(condition, Direction) or (
        isinstance(condition, Comparison) and condition.ops in ((">",), ("<",))
    )
    return (_STRICT_SYMBOL if strict else _SYMBOL)[rule.direction]


def _declared_period(goal: Goal) -> Period | None:
    """The baseline period a goal names without a value (for the UN's base-year search)."""
    declared = goal.baseline
    return declared.period if declared is not None and declared.value is None else None


def bounded(
    bound: str,
    direction: int,
    verdict: Verdict,
    latest: Observation,
    unit: str | None,
    reason: str | None,
) -> tuple[Verdict, str | None]:
    """The verdict a goal gets when its figures are only bounds (``bound: lower``), and the
    reason clause that says so.

    A lower bound (the truth is at least the figure) shows a ``>=`` goal met or on track,
    never missed or at risk, and a ``<=`` goal missed or at risk, never met; an upper
    bound the other way round. A verdict the bound cannot show becomes ``unknown``."""
    sign = 1 if bound == "lower" else -1
    good = verdict in (Verdict.MET, Verdict.ON_TRACK)
    bad = verdict in (Verdict.MISSED, Verdict.AT_RISK)
    value = TEXT_FORMATS.value(latest.value, unit)
    if sign == 1:
        said = TEXT_FORMATS.phrase(
            "{value} in {period} is a lower bound: the true value can be higher",
            value=value, period=latest.period,
        )  # fmt: skip
    else:
        said = TEXT_FORMATS.phrase(
            "{value} in {period} is an upper bound: the true value can be lower",
            value=value, period=latest.period,
        )  # fmt: skip
    if (good and sign != direction) or (bad and sign == direction):
        said = TEXT_FORMATS.phrase(
            "{bound}, so it cannot show the goal {verdict}",
            bound=said, verdict=TEXT_FORMATS.phrase(verdict.label),
        )  # fmt: skip
        verdict = Verdict.UNKNOWN
    if reason:
        said = TEXT_FORMATS.phrase("{first}; {second}", first=reason, second=said)
    return verdict, said


def _keep_phrases(result: Result, **reasons: str | None) -> None:
    """Keep the reasons' recipes on ``result`` so it can be explained in another language."""
    result._phrases.update((k, v) for k, v in reasons.items() if isinstance(v, Phrase))


def explanation_clauses(
    rule: CheckedRule,
    unit: str | None,
    *,
    latest_value: Any,
    latest_period: Period | None,
    baseline_value: Any,
    baseline_period: Period | None,
    side_value: Any,
    target: Any,
    deadline: Period | None,
    implicit: list[tuple[Period | None, Any]],
    windows: list[str | None],
    method_reason: str | None,
    projected_side: Any,
    reason: str | None,
    formats: Any = TEXT_FORMATS,
) -> list[str | None]:
    """The clauses of a result's one-sentence explanation (``sentence`` joins them).

    Numbers are floats -- or, from ``goalengine.engine.columnar``, columns that ``formats``
    understands; ``None`` leaves its clause out.
    """
    clauses: list[str | None] = []
    digits = None
    side = rule.subject_side
    # A computed left side (a table total minus its lines) is what the rule judges; the
    # subject's own latest value would only distract, so the side leads the sentence.
    computed = (
        side is not None
        and not rule.subject_is_bare
        and not _over_subject(rule.subject_node, rule.subject)
    )
    target_digits = None
    if latest_value is not None and target is not None and not computed:
        digits = formats.distinct_digits(latest_value, target)
    if target is not None:
        target_digits = formats.exact_digits(target, digits)
    if computed and side is not None and side_value is not None:
        clauses.append(
            formats.phrase(
                "{side} = {value} in {period}",
                side=_short(format_tree(side)),
                value=formats.number(side_value),
                period=latest_period,
            )
        )  # fmt: skip
    elif latest_value is not None:
        # Printed exactly where it is short (a latest 9.54 next to a target 9.54 must not
        # read "9.5"), with the digits that tell it from the target.
        latest_digits = formats.exact_digits(latest_value, digits)
        now = formats.phrase(
            "{value} in {period}",
            value=formats.value(latest_value, unit, latest_digits), period=latest_period,
        )  # fmt: skip
        if baseline_value is not None and baseline_period != latest_period:
            change = formats.change(latest_value - baseline_value, unit)
            now += formats.phrase(
                ", {change} since {period}", change=change, period=baseline_period
            )
        clauses.append(now)
    if side_value is not None and side is not None and not rule.subject_is_bare and not computed:
        clauses.append(f"{_short(format_tree(side))} = {formats.number(side_value)}")
    if rule.direction_only:
        # No target figure: the start the direction is judged from stands in its place.
        if rule.direction > 0:
            clause = formats.phrase("no target figure, only to rise")
        else:
            clause = formats.phrase("no target figure, only to fall")
        if target is not None:
            start = formats.value(target, unit, target_digits)
            clause += formats.phrase(" from {value}", value=start)
        if deadline is not None:
            clause += formats.phrase(" by {deadline}", deadline=deadline)
        clauses.append(clause)
    elif target is not None:
        clause = formats.phrase(
            "target {symbol} {value}",
            symbol=comparison_symbol(rule), value=formats.value(target, unit, target_digits),
        )  # fmt: skip
        if deadline is not None:
            clause += formats.phrase(" by {deadline}", deadline=deadline)
        if implicit:
            looked_up = (f"{period} → {formats.value(value, unit)}" for period, value in implicit)
            clause += " (" + ", ".join(looked_up) + ")"
        clauses.append(clause)
    elif rule.time is not None and latest_value is not None:
        clauses.append(formats.phrase("rule {rule}", rule=rule.text))
    if method_reason and rule.subject_is_bare and not rule.direction_only:
        # Deadline ahead: what it takes, next to what was done (never a branch on the
        # numbers: the vectorised path fills this clause for many entities at once).
        pace = required_pace(
            latest_value, latest_period, baseline_value, baseline_period, target, deadline
        )
        if pace is not None:
            needed, managed = pace
            clause = formats.phrase(
                "needs {change} a year from now", change=formats.change(needed, unit)
            )
            if managed is not None:
                clause += formats.phrase(
                    "; has managed {change}", change=formats.change(managed, unit)
                )
            clauses.append(clause)
    clauses.extend(windows)
    if method_reason:
        clauses.append(method_reason)
        if projected_side is not None and side is not None and not rule.subject_is_bare:
            clauses.append(
                formats.phrase(
                    "so {side} reaches {value}",
                    side=_short(format_tree(side)), value=formats.number(projected_side),
                )
            )  # fmt: skip
    if reason:
        clauses.append(reason)
    return clauses


def required_pace(
    latest_value: Any,
    latest_period: Period | None,
    baseline_value: Any,
    baseline_period: Period | None,
    target: Any,
    deadline: Period | None,
) -> tuple[Any, Any] | None:
    """The change per year needed from the latest value to the target by the end of the
    deadline, and the change per year managed since the baseline (None without one).

    Exact days, as ``linear`` counts. Works on floats and, for ``goalengine.engine.columnar``, on
    columns: only the periods (shared by every entity of a case) decide what is computed.
    """
    if latest_value is None or latest_period is None or target is None or deadline is None:
        return None
    ahead = year_fraction(latest_period.end, deadline.end)
    if ahead <= 0:
        return None
    needed = (target - latest_value) / ahead
    managed = None
    if baseline_value is not None and baseline_period is not None:
        behind = year_fraction(baseline_period.end, latest_period.end)
        if behind > 0:
            managed = (latest_value - baseline_value) / behind
    return needed, managed


def _over_subject(side: Expr | None, subject: str) -> bool:
    """An aggregate over a window of the subject (``sum(x[2010..2013])``)."""
    if not isinstance(side, Call) or side.name not in AGGREGATES or len(side.args) != 1:
        return False
    window = side.args[0]
    return isinstance(window, Window | AllEntities | Lookup) and window.metric == subject


def _short(text: str, limit: int = 60) -> str:
    """An expression's text, cut in the middle when too long to read in a sentence.

    Callers pass ``format_tree`` of the checked side: units resolved (``baseline + 10``
    for ``baseline + 10pp``), as explanations have always shown it. ``str`` of the typed
    node would show the side as written; switching is a visible change (goldens), left
    for a deliberate decision.
    """
    if len(text) <= limit:
        return text
    return f"{text[: limit - 20].rstrip()} … {text[-15:].lstrip()}"
