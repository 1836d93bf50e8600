"""Per-entity goals judged with numpy: every entity of a goal at once.

``goalengine.entities`` calls :func:`evaluate_entities` for goals with ``for_each`` and many
entities; :func:`evaluate_frame` judges a whole list of goals against a columnar
:class:`~goalengine.data.columnar.Frame` (read from Parquet or CSV without one Python object
per observation) and returns a :class:`FrameReport`, which streams a JSON report or
materialises ordinary :class:`~goalengine.models.Result` objects.

The results are those of the scalar path -- same verdicts, same numbers to the last bit,
same explanation sentences -- because the numbers are computed in the scalar path's order
(``goalengine.engine.decide``), the sentences come from the same function
(:func:`goalengine.engine.scalar.explanation_clauses`), and whatever the vectorised subset does
not cover is handed to the scalar path entity by entity (``engine``). Importing this module
imports numpy; nothing on the plain ``goalengine check`` path does.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import tempfile
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any, cast

import numpy as np

from ..._collector import collection_paused
from ...data.columnar import Frame
from ...data.dataset import Dataset
from ...entities import RollUp, entity_list, goal_problem, missing_result, rollup_counts
from ...errors import GoalEngineError
from ...explain import sentence
from ...methods.base import MethodOutcome
from ...methods.linear import Prediction, chance_text, probability_step, trend_steps
from ...models import Observation, Result, Step, Verdict
from ...resolve import resolve_goal
from ...ruleset import Goal
from ..scalar import (
    Judgement,
    evaluate_goal,
    explanation_clauses,
    failed_result,
    not_finite,
)
from .family import (
    _FLAT_WHY,
    Case,
    Context,
    GoalBlock,
    LinearOutcome,
    fill_probabilities,
    judge_family,
    shape_key,
    supported,
)
from .layout import case_texts, take
from .text import (
    ColumnFormats,
    Memo,
    ScalarFormats,
    Template,
    fill,
    json_floats,
    json_text,
    linear_reason,
)

__all__ = [
    "FrameChunk",
    "FrameReport",
    "ReportTotals",
    "compact_result",
    "evaluate_entities",
    "evaluate_frame",
    "stream_results",
    "write_report",
]


def evaluate_entities(
    goal: Goal, data: Dataset | Frame, as_of: date, *, method: str | None = None
) -> list[Result]:
    """Judge one ``for_each`` goal per entity; the same results as the scalar path."""
    if isinstance(data, Dataset):
        report = evaluate_frame([goal], _frame_of(data), as_of, method=method, dataset=data)
    else:
        report = evaluate_frame([goal], data, as_of, method=method)
    return report.results()


_FRAMES: list[tuple[Dataset, Frame]] = []
_FRAMES_LOCK = threading.Lock()


def _frame_of(dataset: Dataset) -> Frame:
    """The dataset as a frame; the last few are kept, since a rule file's goals share one."""
    with _FRAMES_LOCK:
        for known, frame in _FRAMES:
            if known is dataset:
                return frame
    frame = Frame.from_dataset(dataset)
    with _FRAMES_LOCK:
        _FRAMES.insert(0, (dataset, frame))
        del _FRAMES[4:]
    return frame


def evaluate_frame(
    goals: Sequence[Goal],
    frame: Frame,
    as_of: date,
    *,
    method: str | None = None,
    dataset: Dataset | None = None,
) -> FrameReport:
    """Judge ``goals`` (each per entity) against ``frame`` on ``as_of``.

    ``dataset`` is the same data as a :class:`Dataset`, if there is one at hand: entities the
    scalar path judges use it (otherwise the frame converts the metrics they need).
    """
    ctx = Context(frame, as_of, dataset)
    return FrameReport(as_of=as_of, blocks=_judge_all(ctx, goals, as_of, method))


def stream_results(
    goals: Sequence[Goal],
    frame: Frame,
    as_of: date,
    *,
    method: str | None = None,
    rows: int,
    context: Context | None = None,
) -> Iterator[list[Result] | FrameChunk]:
    """:meth:`FrameReport.results` in chunks of at most ``rows`` results, judging only
    about ``rows`` (goal, entity) pairs at a time; the frame's caches are shared by all.

    A goal that could not be judged comes as a list of its one error Result; the others
    come as :class:`FrameChunk`, which builds Results or writes their JSON, as asked.
    ``context``: the frame's Context, if the caller has one (a distributed part's answers
    peers from the whole data).
    """
    ctx = context if context is not None else Context(frame, as_of)
    per = max(1, rows // max(1, len(frame.entity_names)))
    names: dict[str, str] = {}
    memo = Memo()
    for start in range(0, len(goals), per):
        for block in _judge_all(ctx, goals[start : start + per], as_of, method):
            if block.failed is not None:
                yield [block.failed]
                continue
            for first in range(0, len(block.entities), max(1, rows)):
                chunk = FrameChunk(block, first, first + max(1, rows), names, memo)
                if chunk.size:
                    yield chunk


#: Entity names kept as JSON text between chunks (they repeat from goal to goal).
NAMES_KEPT = 1 << 17


@dataclass
class FrameChunk:
    """The results of one goal's entities at positions ``first`` <= p < ``stop``: as
    :class:`Result` objects, or straight as their JSON text (no Result per entity)."""

    block: GoalBlock
    first: int
    stop: int
    names: dict[str, str]
    """Entity name -> its JSON string (shared by the chunks of a run)."""
    memo: Memo

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.block.goal.file, self.block.goal.id)

    @property
    def rule(self) -> str:
        return self.block.goal.rule

    @property
    def size(self) -> int:
        return sum(count for count in self.tally().values())

    def _in(self, positions: Any) -> Any:
        return np.flatnonzero((positions >= self.first) & (positions < self.stop))

    def tally(self) -> dict[Verdict, int]:
        tally: dict[Verdict, int] = {}
        for case in self.block.cases:
            count = len(self._in(case.positions))
            if count:
                tally[case.verdict] = tally.get(case.verdict, 0) + count
        for position, result in self.block.scalar.items():
            if self.first <= position < self.stop:
                tally[result.verdict] = tally.get(result.verdict, 0) + 1
        return tally

    def errors(self) -> list[Result]:
        """The results in ``error`` (from the scalar path, entity by entity)."""
        return [
            r
            for p, r in sorted(self.block.scalar.items())
            if self.first <= p < self.stop and r.verdict is Verdict.ERROR
        ]

    def results(self) -> list[Result]:
        with collection_paused():  # a chunk's Results: containers, hardly any cycle
            return _block_results(self.block, self.first, self.stop)

    def texts(self, indent: str) -> list[str]:
        """Each result's ``result_json`` text, its lines after the first indented by
        ``indent``, entities in order: filled from the cases' columns (see ``layout``)."""
        return [t if isinstance(t, str) else t.decode() for t in self._texts(indent)]

    def encoded(self, indent: str) -> bytes:
        """``(",\\n" + indent).join(self.texts(indent))``, UTF-8 encoded (most texts are
        filled as bytes: encoding them afterwards would cost as much as filling them)."""
        texts = self._texts(indent)
        return (
            (",\n" + indent).encode().join(t if isinstance(t, bytes) else t.encode() for t in texts)
        )

    def _texts(self, indent: str) -> list[str | bytes]:
        from ..run import result_json

        def render(result: Result) -> str:
            return result_json(result).replace("\n", "\n" + indent)

        block, names = self.block, self.names
        if len(names) > NAMES_KEPT:
            names.clear()  # a million entities: memory for a chunk's names, not for all
        found: dict[int, str | bytes] = {
            p: render(r) for p, r in block.scalar.items() if self.first <= p < self.stop
        }
        for case in block.cases:
            ks = self._in(case.positions)
            for group in _shapes(case, ks):
                part = take(case, group)
                for p in part.positions.tolist():
                    name = block.entities[p]
                    if name not in names:
                        names[name] = _dumps(name)

                def result(k: int, part: Case = part) -> Result:
                    return _case_result(block, part, k, block.override)

                sentences = case_sentences(block, part, self.memo)
                lines = case_texts(block, part, names, self.memo, sentences, result, render, indent)
                if lines is None:
                    found.update(
                        (int(part.positions[k]), render(result(k))) for k in range(part.size)
                    )
                else:
                    found.update(zip(part.positions.tolist(), lines, strict=True))
        return [found[p] for p in sorted(found)]


def _shapes(case: Case, ks: Any) -> list[Any]:
    """``ks`` split where the results differ in layout: with a progress ratio or without."""
    if not len(ks):
        return []
    ratio = None if case.outcome is None else case.outcome.ratio
    if ratio is None:
        return [ks]
    missing = np.isnan(ratio[ks])
    return [group for group in (ks[~missing], ks[missing]) if len(group)]


#: Goals of one shape are judged together up to this many (goal, entity) rows at a time.
FAMILY_ROWS = 1 << 17


def _judge_all(
    ctx: Context, goals: Sequence[Goal], as_of: date, method: str | None
) -> list[GoalBlock]:
    """One block per goal; goals of the same shape and entities share one numpy pass."""
    blocks = [_prepare(ctx, goal, as_of, method) for goal in goals]
    families: dict[tuple[Any, ...], list[GoalBlock]] = {}
    for block in blocks:
        if block.rule is not None and block.failed is None and not block.scalar_only:
            key = (shape_key(block.goal, block.rule, block.method), tuple(block.entities))
            families.setdefault(key, []).append(block)
    for members in families.values():
        size = max(1, FAMILY_ROWS // max(1, len(members[0].entities)))
        for start in range(0, len(members), size):
            part = members[start : start + size]
            rules = [b.rule for b in part if b.rule is not None]
            judged = judge_family(
                ctx, [b.goal for b in part], rules, part[0].method, part[0].entities
            )
            for block, (cases, missing, fallback) in zip(part, judged, strict=True):
                _finish(ctx, block, cases, missing, fallback)
    fill_probabilities(
        [case.outcome for block in blocks for case in block.cases if case.outcome is not None]
    )
    return blocks


def _prepare(ctx: Context, goal: Goal, as_of: date, method: str | None) -> GoalBlock:
    """Resolve a goal and its entities; goals the vectorised path leaves go scalar here."""
    method_name = method or goal.method or "linear"
    block = GoalBlock(goal=goal, rule=None, entities=[], method=method_name, as_of=as_of)
    block.override = method
    problem = goal_problem(goal)
    try:
        if problem is not None:
            raise problem
        rule = resolve_goal(goal, cast(Dataset, ctx.frame)).rule
        block.rule = rule
        block.entities = entity_list(goal, rule, ctx.frame)
    except GoalEngineError as error:
        block.failed = failed_result(goal, error, as_of=as_of)
        return block
    if supported(goal, rule, ctx.frame, method_name) is not None:
        data = ctx.dataset(rule.metrics)
        for position, entity in enumerate(block.entities):
            _scalar(block, position, entity, data, method)
        block.scalar_only = True
    return block


def _finish(ctx: Context, block: GoalBlock, cases: list[Case], missing: Any, fallback: Any) -> None:
    goal, rule, method = block.goal, block.rule, block.override
    assert rule is not None
    block.cases = [case for case in cases if case.outcomes is None]
    for case in cases:  # a method called per entity: a Result each, as the scalar path's
        if case.outcomes is None:
            continue
        for k in range(case.size):
            position = int(case.positions[k])
            built = _entity_result(block, case, k, method)
            if not_finite(built) is None:
                block.scalar[position] = built
            else:  # the scalar path words the overflow
                fallback = np.append(fallback, position)
    for position in missing.tolist():
        result = missing_result(goal, rule, block.entities[position], block.as_of, method)
        if result is None:
            block.skipped.add(position)
        else:
            block.scalar[position] = result
    if len(fallback):
        data = ctx.dataset(rule.metrics)
        for position in fallback.tolist():
            _scalar(block, position, block.entities[position], data, method)


def _scalar(
    block: GoalBlock, position: int, entity: str, data: Dataset, method: str | None
) -> None:
    rule = block.rule
    assert rule is not None
    series = data.get(rule.subject, entity)
    if series is None or not series.until(block.as_of):
        result = missing_result(block.goal, rule, entity, block.as_of, method)
        if result is None:
            block.skipped.add(position)
            return
    else:
        result = evaluate_goal(block.goal, data, block.as_of, method=method, entity=entity)
    block.scalar[position] = result


# -- results ---------------------------------------------------------------------------------


def _block_results(block: GoalBlock, first: int = 0, stop: int | None = None) -> list[Result]:
    """A goal's Results of the entities at positions ``first`` <= p < ``stop``, in order."""
    if block.failed is not None:
        return [block.failed]
    end = len(block.entities) if stop is None else stop
    found: dict[int, Result] = {p: r for p, r in block.scalar.items() if first <= p < end}
    for case in block.cases:
        found.update(_case_results(block, case, block.override, first, end))
    return [found[p] for p in sorted(found)]


@dataclass
class _Replay(Judgement):
    """``Judgement`` with what it decided already known: builds the very same Result."""

    replay_projected: float | None = None

    def project_subject_side(self, outcome: MethodOutcome, deadline: Any) -> float | None:
        return self.replay_projected

    def compare_sides(self, world: Any) -> tuple[float, float] | None:
        return None  # sides are set whenever the scalar path would have had them


_EMPTY = Dataset()


def _case_results(
    block: GoalBlock, case: Case, method: str | None, first: int = 0, stop: int | None = None
) -> Iterator[tuple[int, Result]]:
    """The case's results, of the entities at positions ``first`` <= p < ``stop`` only."""
    positions = case.positions
    wanted = (positions >= first) & (positions < (len(block.entities) if stop is None else stop))
    for k in np.flatnonzero(wanted).tolist():
        yield int(positions[k]), _case_result(block, case, k, method)


def _case_result(block: GoalBlock, case: Case, k: int, method: str | None) -> Result:
    """The Result of entity ``k`` of a case, as the scalar path builds it."""
    return _entity_result(block, case, k, method)


def _entity_result(block: GoalBlock, case: Case, k: int, method: str | None) -> Result:
    """:func:`_case_result` (entities of cases with per-entity method outcomes call it
    directly: they are built one by one, like the scalar path's results)."""
    goal, rule = block.goal, block.rule
    assert rule is not None
    unit = goal.unit
    position = int(case.positions[k])
    judgement = _Replay(goal, rule, _EMPTY, block.as_of, method, block.entities[position])
    if case.baseline_period is not None and case.baseline is not None:
        judgement.baseline = Observation(period=case.baseline_period, value=float(case.baseline[k]))
    for lookup in case.trace:
        value = float(lookup.values[k])
        period = lookup.period
        detail = f"bare {period.year} = {lookup.metric} in {period}" if lookup.implicit else None
        judgement.trace.append(
            Step(
                kind="lookup",
                label=f"{lookup.metric}[{period}]",
                value=value,
                period=period,
                detail=detail,
            )
        )
    if case.violation is not None:
        period, values = case.violation
        judgement.steps.append(
            Step(
                kind="violation",
                label=f"rule broken in {period}",
                value=float(values[k]),
                unit=unit,
                period=period,
            )
        )
    if case.checked is not None:
        judgement.steps.append(
            Step(kind="checked", label="observed periods checked", value=float(case.checked))
        )
    if case.sides is not None:
        judgement.sides = (float(case.sides[0][k]), float(case.sides[1][k]))
    outcome = None
    if case.outcomes is not None and case.projected_sides is not None:
        outcome = case.outcomes[k]
        judgement.replay_projected = case.projected_sides[k]
    elif case.outcome is not None:
        outcome = _method_outcome(case.outcome, k, unit)
        if case.outcome.projected_side is not None:
            judgement.replay_projected = float(case.outcome.projected_side[k])
    latest = None
    if case.latest_period is not None and case.latest is not None:
        latest = Observation(period=case.latest_period, value=float(case.latest[k]))
    return judgement.result(
        case.verdict, latest=latest, reason=case.reason, outcome=outcome, passed=case.passed
    )


def _method_outcome(outcome: LinearOutcome, k: int, unit: str | None) -> MethodOutcome:
    """``LinearMethod.assess``'s MethodOutcome for entity ``k`` of a case."""
    if outcome.flat:
        step = Step(kind="trend", label="trend", value=None, detail=_FLAT_WHY)
        return MethodOutcome(outcome.status, outcome.verdict, (step,), reason=_FLAT_WHY)
    assert outcome.slope is not None and outcome.projected is not None
    slope, projected = float(outcome.slope[k]), float(outcome.projected[k])
    ratio = None
    if outcome.ratio is not None and not np.isnan(outcome.ratio[k]):
        ratio = float(outcome.ratio[k])
    steps = trend_steps(slope, projected, outcome.n_points, outcome.deadline, unit, ratio)
    probability = interval = chance = None
    # The target sets the projection's digits even without a chance (as in LinearMethod).
    target = float(outcome.target[k]) if outcome.target is not None else None
    if outcome.probability is not None:
        assert outcome.se is not None and outcome.low is not None and outcome.high is not None
        probability = float(outcome.exact_probability()[k])
        interval = (float(outcome.low[k]), float(outcome.high[k]))
        prediction = Prediction(projected, float(outcome.se[k]), outcome.df)
        steps.append(probability_step(prediction, probability, interval, outcome.deadline, unit))
        chance = chance_text(probability)
    reason = linear_reason(ScalarFormats, slope, projected, outcome.deadline, unit, chance, target)
    return MethodOutcome(
        outcome.status,
        outcome.verdict,
        tuple(steps),
        progress_ratio=ratio,
        projected=projected,
        probability=probability,
        interval=interval,
        reason=reason,
    )


def compact_result(result: Result) -> dict[str, Any]:
    """A result as one line of the JSON report (the fields of the CLI's JSON, no steps)."""
    return {
        "file": result.file,
        "goal": result.goal,
        "entity": result.entity,
        "verdict": result.verdict.value,
        "explanation": result.explanation,
        "latest": result.latest,
        "latest_period": None if result.latest_period is None else str(result.latest_period),
        "target": result.target,
        "projected": result.projected,
        "progress_ratio": result.progress_ratio,
        "error": None if result.error is None else result.error.message,
    }


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _case_lines(
    block: GoalBlock, case: Case, names: dict[str, str], memo: Memo | None = None
) -> list[str]:
    """The JSON lines of a case, from templates (no Result objects)."""
    goal, rule = block.goal, block.rule
    assert rule is not None
    size = case.size
    explanation, _ = case_sentences(block, case, memo)
    outcome = case.outcome
    ahead = outcome if outcome is not None and not case.passed else None
    projected = None
    if ahead is not None and ahead.projected is not None:
        projected = ahead.projected if rule.subject_is_bare else ahead.projected_side
    period = None if case.latest_period is None else str(case.latest_period)
    entities = [names[block.entities[p]] for p in case.positions.tolist()]
    parts: list[str | list[str]] = [
        f'{{"file": {_dumps(goal.file)}, "goal": {_dumps(goal.id)}, "entity": ',
        entities,
        f', "verdict": "{case.verdict.value}", "explanation": "',
        *explanation,
        '", "latest": ',
        json_floats(case.latest, size, memo) if case.latest is not None else ["null"] * size,
        f', "latest_period": {_dumps(period)}, "target": ',
        json_floats(None if case.sides is None else case.sides[1], size, memo),
        ', "projected": ',
        json_floats(projected, size),
        ', "progress_ratio": ',
        json_floats(None if outcome is None else outcome.ratio, size),
        ', "error": null}',
    ]
    return fill(parts, size)


def case_sentences(
    block: GoalBlock, case: Case, memo: Memo | None = None
) -> tuple[list[str | list[str]], list[str | list[str]] | None]:
    """A case's explanation sentence and its method's reason (None: none per entity), as
    template parts, JSON-escaped, from the scalar path's own sentence code."""
    goal, rule = block.goal, block.rule
    assert rule is not None
    unit = goal.unit
    formats = ColumnFormats(case.size, memo)
    outcome = case.outcome
    ahead = outcome if outcome is not None and not case.passed else None
    method_reason = None
    projected_side = None
    per_entity_reason = False
    if ahead is not None:
        if ahead.flat:
            method_reason = _FLAT_WHY
        else:
            chance = None
            if ahead.probability is not None:
                chance = formats.text(ahead.chance_texts())
            target = ahead.target
            if (
                target is not None
                and case.sides is not None
                and np.array_equal(target, case.sides[1])
            ):
                target = case.sides[1]  # the same numbers: format them once
            method_reason = linear_reason(
                formats, ahead.slope, ahead.projected, ahead.deadline, unit, chance, target
            )
            per_entity_reason = True
            projected_side = ahead.projected_side
    time = rule.time
    deadline = time.end if time is not None and time.kind == "by" else None
    implicit = [
        (t.period, np.where(t.values == 0, 0.0, t.values)) for t in case.trace if t.implicit
    ]
    clauses = explanation_clauses(
        rule,
        unit,
        latest_value=case.latest,
        latest_period=case.latest_period,
        baseline_value=case.baseline,
        baseline_period=case.baseline_period,
        side_value=None if case.sides is None else case.sides[0],
        target=None if case.sides is None else case.sides[1],
        deadline=deadline,
        implicit=cast(list[tuple[Any, Any]], implicit),
        windows=[],
        method_reason=method_reason,
        projected_side=projected_side,
        reason=case.reason,
        formats=formats,
    )
    text = sentence(*clauses, verdict=case.verdict.label)
    explanation = Template(text, formats.columns, json_text).parts
    reason = None
    if per_entity_reason and method_reason is not None:
        reason = Template(method_reason, formats.columns, json_text).parts
    return explanation, reason


def _block_lines(block: GoalBlock, names: dict[str, str], memo: Memo | None = None) -> list[str]:
    """A goal's JSON result lines, entities in order."""
    if block.failed is not None:
        return [_dumps(compact_result(block.failed))]
    for name in block.entities:
        if name not in names:
            names[name] = _dumps(name)
    slots: list[str | None] = [None] * len(block.entities)
    for case in block.cases:
        lines = _case_lines(block, case, names, memo)
        for position, line in zip(case.positions.tolist(), lines, strict=True):
            slots[position] = line
    for position, result in block.scalar.items():
        slots[position] = _dumps(compact_result(result))
    return [line for line in slots if line is not None]


def _tally(block: GoalBlock) -> dict[Verdict, int]:
    tally: dict[Verdict, int] = {}
    if block.failed is not None:
        tally[Verdict.ERROR] = 1
        return tally
    for case in block.cases:
        tally[case.verdict] = tally.get(case.verdict, 0) + case.size
    for result in block.scalar.values():
        tally[result.verdict] = tally.get(result.verdict, 0) + 1
    return tally


@dataclass
class ReportTotals:
    """What a streamed report adds up to: verdict counts and one roll-up per goal."""

    summary: dict[str, int] = field(default_factory=lambda: {v.value: 0 for v in Verdict})
    rollups: list[RollUp] = field(default_factory=list)

    def add(self, block: GoalBlock, noun: str = "entities") -> None:
        tally = _tally(block)
        for verdict, count in tally.items():
            self.summary[verdict.value] += count
        if block.failed is None:
            self.rollups.append(rollup_counts(block.goal.file, block.goal.id, tally, noun))

    def merge(self, other: ReportTotals) -> None:
        for verdict, count in other.summary.items():
            self.summary[verdict] += count
        self.rollups.extend(other.rollups)

    @property
    def results(self) -> int:
        return sum(self.summary.values())


@dataclass
class FrameReport:
    """Goals judged per entity against a frame: results, roll-ups, a JSON report."""

    as_of: date
    blocks: list[GoalBlock] = field(default_factory=list)

    def results(self) -> list[Result]:
        """Every result as a :class:`Result` (goal by goal, entities in order)."""
        return [result for block in self.blocks for result in self._block_results(block)]

    def chunks(self, size: int) -> Iterator[list[Result]]:
        """The results as :meth:`results` orders them, at most ``size`` entities at a time,
        so a goal with a million entities never has all its Results in memory at once."""
        for block in self.blocks:
            if block.failed is not None:
                yield [block.failed]
                continue
            for first in range(0, len(block.entities), max(1, size)):
                found = self._block_results(block, first, first + size)
                if found:
                    yield found

    def _block_results(
        self, block: GoalBlock, first: int = 0, stop: int | None = None
    ) -> list[Result]:
        return _block_results(block, first, stop)

    def totals(self, noun: str = "entities") -> ReportTotals:
        totals = ReportTotals()
        for block in self.blocks:
            totals.add(block, noun)
        return totals

    def rollups(self, noun: str = "entities") -> list[RollUp]:
        """Per goal: how many entities got which verdict."""
        return self.totals(noun).rollups

    @property
    def summary(self) -> dict[str, int]:
        return self.totals().summary

    def __len__(self) -> int:
        return self.totals().results

    def write_json(self, stream: IO[str]) -> None:
        """``{"as_of", "results": [...], "rollups": [...], "summary": {...}}``."""
        _write_head(stream, self.as_of)
        names: dict[str, str] = {}
        memo = Memo()
        first = True
        for block in self.blocks:
            first = _write_lines(stream, _block_lines(block, names, memo), first)
        _write_tail(stream, self.totals())


def _write_head(stream: IO[str], as_of: date) -> None:
    stream.write(f'{{"as_of": "{as_of.isoformat()}", "results": [\n')


def _write_lines(stream: IO[str], lines: list[str], first: bool) -> bool:
    if lines:
        stream.write(("" if first else ",\n") + ",\n".join(lines))
        return False
    return first


def _write_tail(stream: IO[str], totals: ReportTotals) -> None:
    stream.write("\n],\n")
    stream.write(f'"rollups": {_dumps([r.to_dict() for r in totals.rollups])},\n')
    stream.write(f'"summary": {_dumps(totals.summary)}}}\n')


def write_report(
    goals: Sequence[Goal],
    frame: Frame,
    as_of: date,
    stream: IO[str],
    *,
    method: str | None = None,
    dataset: Dataset | None = None,
    chunk: int = 256,
    workers: int = 1,
) -> ReportTotals:
    """Judge ``goals`` per entity and stream the JSON report, ``chunk`` goals at a time.

    Memory stays flat however many goals there are (only a chunk's results are held).
    ``workers=2`` judges the second half of the goals in a forked process (POSIX), which
    writes to a temporary file that is appended in order; the report is the same.
    """
    _write_head(stream, as_of)
    goals = list(goals)
    half = len(goals) // 2 if workers > 1 and hasattr(os, "fork") and len(goals) > 1 else None
    child = None
    if half is not None:
        child = _fork_half(goals[half:], frame, as_of, method, dataset, chunk)
        goals = goals[:half]
    totals, first = _stream(goals, frame, as_of, stream, method, dataset, chunk, True)
    if child is not None:
        pid, path, reader = child
        with os.fdopen(reader, "rb") as pipe:
            payload = pipe.read()
        _, status = os.waitpid(pid, 0)
        if status != 0 or not payload:
            raise RuntimeError("the second report worker failed")
        their_totals, their_first = pickle.loads(payload)
        if not their_first:
            with open(path, encoding="utf-8") as part:
                if not first:
                    stream.write(",\n")
                shutil.copyfileobj(part, stream, 1 << 20)
        os.unlink(path)
        totals.merge(their_totals)
    _write_tail(stream, totals)
    return totals


def _stream(
    goals: Sequence[Goal],
    frame: Frame,
    as_of: date,
    stream: IO[str],
    method: str | None,
    dataset: Dataset | None,
    chunk: int,
    first: bool,
) -> tuple[ReportTotals, bool]:
    ctx = Context(frame, as_of, dataset)
    totals = ReportTotals()
    names: dict[str, str] = {}
    memo = Memo()
    for start in range(0, len(goals), chunk):
        for block in _judge_all(ctx, goals[start : start + chunk], as_of, method):
            first = _write_lines(stream, _block_lines(block, names, memo), first)
            totals.add(block)
    return totals, first


def _fork_half(
    goals: Sequence[Goal],
    frame: Frame,
    as_of: date,
    method: str | None,
    dataset: Dataset | None,
    chunk: int,
) -> tuple[int, str, int]:
    """Judge ``goals`` in a forked child into a temporary file; (pid, file, result pipe)."""
    handle, path = tempfile.mkstemp(prefix="goalengine-", suffix=".json")
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: write its lines, send its totals, leave without cleanup
        code = 1
        try:
            os.close(reader)
            with os.fdopen(handle, "w", encoding="utf-8") as part:
                totals, first = _stream(goals, frame, as_of, part, method, dataset, chunk, True)
            with os.fdopen(writer, "wb") as pipe:
                pipe.write(pickle.dumps((totals, first)))
            code = 0
        finally:
            os._exit(code)
    os.close(handle)
    os.close(writer)
    return pid, path, reader
