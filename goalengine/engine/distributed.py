"""Judge per-entity goals over a partitioned dataset on a Dask cluster.

A rule set whose goals are all ``for_each`` and whose data is one ``dataset:`` entry is
split by entity: the sorted entity names are cut into contiguous parts, the goals into
groups, and each (group, part) is a task that reads its rows only (the group's metrics,
the part's entities, the rules' ``@`` reference entities and the entity-less rows), judges
them with the same columnar engine as one process (:func:`goalengine.engine.columnar.
stream_results`) and returns each result's JSON text (or Results, for other renderers).

What depends on every entity -- ``x[*]`` aggregates and ``rank`` -- is read first: the
rows of those metrics for all entities, one frame, broadcast to the workers; each task
answers its peers from it. Every part's frame is laid on the same periods and metrics as
the whole, so each number is computed as one process computes it, and a goal's results
come back in part order, which is entity order: the report is the same text.

A goal that the engine hands to the scalar path while it uses peers, and anything that is
not a dataset rule set, is judged in one process (the scalar path sees only its data).
A worker lost mid-run is Dask's to retry (a task is a pure function of its inputs); a
task that fails gives its goals an error result, not a lost run.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import GoalEngineError, PeriodError, Span
from ..language import CheckedRule, nodes
from ..language.check import ENTITY_FUNCTIONS
from ..limits import DEFAULT_LIMITS, Limits
from ..models import Result, Verdict
from ..periods import Period
from ..resolve import data_root_of, named_metrics
from ..ruleset import Goal, RuleSet
from .run import ROWS, Chunk, Run, judge_stream, start_run
from .scalar import failed_result, judging_day

if TYPE_CHECKING:
    from ..data.columnar import Frame
    from ..data.partitioned import EntityRange

__all__ = ["EXTRA", "GOALS_PER_TASK", "close", "connect", "judge_distributed"]

#: The pip extra that brings Dask.
EXTRA = "goalengine[distributed]"
#: Goals judged by one task (with all the entities of its part).
GOALS_PER_TASK = 32
#: Fewer entities than this per part is not worth a task.
MIN_PART = 500
_INDENT = "    "
_JOIN = ",\n" + _INDENT  # as engine.run.write_json joins results


def connect(scheduler: str | None = None, workers: int | None = None) -> Any:
    """A ``dask.distributed.Client``: of the scheduler at ``scheduler``, or of a local
    cluster of ``workers`` processes. Without Dask: a :class:`GoalEngineError` naming the
    extra to install."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise GoalEngineError(
            "running on a Dask cluster needs dask[distributed]",
            Span(),
            f"pip install '{EXTRA}'",
        ) from None
    if scheduler is not None:
        try:
            return Client(scheduler, timeout=30)  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError) as error:
            raise GoalEngineError(
                f"cannot reach the Dask scheduler at {scheduler}: {error}",
                Span(),
                "start one with `dask scheduler`, or use --workers N for a local cluster",
            ) from None
    cluster = LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=workers or 2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    return Client(cluster)  # type: ignore[no-untyped-call]


def close(client: Any) -> None:
    """Close ``client``, and the local cluster :func:`connect` started for it."""
    cluster = getattr(client, "cluster", None)
    client.close()
    if cluster is not None:
        cluster.close()


def judge_distributed(
    rulesets: Iterable[RuleSet],
    client: Any,
    as_of: date | str | Period | None = None,
    *,
    method: str | None = None,
    data_root: str | Path | None = None,
    limits: Limits = DEFAULT_LIMITS,
    parts: int | None = None,
    goals_per_task: int = GOALS_PER_TASK,
    texts: bool = True,
) -> Run:
    """Judge ``rulesets`` on ``client``'s cluster; the same results, in the same order, as
    :func:`goalengine.engine.run.judge_stream` gives in one process.

    ``parts``: entity parts per goal group (default: one per worker). ``texts``: tasks
    send JSON text (for :func:`~goalengine.engine.run.write_json`); False sends Results.
    """
    rulesets = list(rulesets)
    if parts is None:
        parts = max(1, len(client.scheduler_info().get("workers", {})))
    plan = _Plan(client, as_of, method, data_root, limits, parts, goals_per_task, texts)
    return start_run(rulesets, as_of, plan.chunks(rulesets))


@dataclass
class _Plan:
    client: Any
    as_of: date | str | Period | None
    method: str | None
    data_root: str | Path | None
    limits: Limits
    parts: int
    goals_per_task: int
    texts: bool

    def chunks(self, rulesets: Sequence[RuleSet]) -> Iterator[Chunk]:
        for ruleset in rulesets:
            source = _dataset_source(ruleset)
            if source is None:
                yield from self._local(ruleset)
                continue
            try:
                job = self._job(ruleset, source)
            except GoalEngineError:
                yield from self._local(ruleset)  # which reports the problem at its place
                continue
            yield from self._run(job)

    def _local(self, ruleset: RuleSet, goals: Sequence[Goal] | None = None) -> Iterator[Chunk]:
        if goals is not None:
            ruleset = ruleset.model_copy(update={"goals": tuple(goals)})
        run = judge_stream(
            [ruleset], as_of=self.as_of, method=self.method, data_root=self.data_root,
            limits=self.limits,
        )  # fmt: skip
        yield from run.chunks()

    def _job(self, ruleset: RuleSet, source: Any) -> _Job:
        from ..data.partitioned import EntityRange, conform, open_dataset

        root = data_root_of(ruleset, self.data_root)
        dataset = open_dataset(
            source.path, root=root, limits=self.limits, span=source.span, name=source.name
        )
        metrics = named_metrics(ruleset)
        labels = dataset.labels(metrics)  # the plan: one scan of the label columns
        present = [str(m) for m in labels["metric"]]
        entities = [str(e) for e in labels["entity"]]
        periods = _periods(labels["period"])
        references: set[str] = set()
        peer_metrics: set[str] = set()
        for goal in ruleset.goals:
            try:
                rule = goal.compiled()
            except GoalEngineError:
                continue
            references |= rule.references
            peer_metrics |= _peer_metrics(rule)
        peers = None
        if peer_metrics:
            whole = dataset.frame(peer_metrics & set(present), None, self.limits)
            peers = self.client.scatter(conform(whole, present, periods), broadcast=True)
        count = max(1, min(self.parts, len(entities) // MIN_PART))
        size = math.ceil(len(entities) / count) if entities else 1
        cuts = [entities[i] for i in range(size, len(entities), size)]
        bounds = list(zip([None, *cuts], [*cuts, None], strict=True))
        ranges = [EntityRange(low, high, frozenset(references)) for low, high in bounds]
        return _Job(ruleset, source, root, present, periods, peers, ranges)

    def _task(self, job: _Job, goals: list[Goal], day: date, part: EntityRange) -> _Task:
        return _Task(
            str(job.source.path), job.source.name, job.root, self.limits, goals, day,
            self.method, part, tuple(job.metrics), job.periods, self.texts, job.source.span,
        )  # fmt: skip

    def _run(self, job: _Job) -> Iterator[Chunk]:
        goals = list(job.ruleset.goals)
        day = judging_day(job.ruleset, self.as_of)
        groups = [
            goals[i : i + self.goals_per_task] for i in range(0, len(goals), self.goals_per_task)
        ]
        futures = [
            [
                self.client.submit(
                    judge_part, self._task(job, group, day, part), job.peers, pure=False
                )
                for part in job.ranges
            ]
            for group in groups
        ]
        for group, mine in zip(groups, futures, strict=True):
            answers: list[list[_Answer]] = []
            for future in mine:
                try:
                    answers.append(future.result())
                except Exception as error:  # a task lost for good: its goals, in error
                    problem = GoalEngineError(f"a distributed task failed: {error}", Span())
                    failed = [_failed(goal, problem, day) for goal in group]
                    answers.append([_Answer(g, failed=f, broken=True)
                                    for g, f in zip(group, failed, strict=True)])  # fmt: skip
                future.release()
            for index, goal in enumerate(group):
                parts = [answer[index] for answer in answers]
                if any(part.whole for part in parts):
                    yield from self._local(job.ruleset, [goal])
                    continue
                broken = [part for part in parts if part.broken]
                if broken:  # its data could not be read: the goal is in error, not partial
                    assert broken[0].failed is not None
                    yield [broken[0].failed]
                    continue
                # A goal failing in some parts only has no entities there: nothing lost.
                judged = [part for part in parts if part.failed is None]
                if not judged:
                    assert parts[0].failed is not None
                    yield [parts[0].failed]
                    continue
                yield from _merged(goal, judged, self.texts)


def _failed(goal: Goal, error: GoalEngineError, day: date) -> Result:
    return failed_result(goal, error.at(goal.span) if error.span.line is None else error, as_of=day)


def _dataset_source(ruleset: RuleSet) -> Any:
    if not ruleset.goals or any(goal.for_each is None for goal in ruleset.goals):
        return None
    if len(ruleset.data_sources) != 1 or ruleset.inline_data is not None:
        return None
    source = ruleset.data_sources[0]
    return source if source.dataset else None


def _peer_metrics(rule: CheckedRule) -> set[str]:
    """Metrics whose values over all entities a rule uses: ``x[*]`` and ``rank(x)``."""
    assert rule.nodes is not None  # set by check
    found: set[str] = set()
    for node in nodes.walk(rule.nodes.condition):
        if isinstance(node, nodes.AllEntities):
            found.add(node.metric)
        elif isinstance(node, nodes.Call) and node.name in ENTITY_FUNCTIONS:
            found.update(nodes.metrics_of(node))
    return found


def _periods(labels: Iterable[Any]) -> tuple[Period, ...]:
    """Period labels parsed, in Period order (unparsable ones are left to the reader,
    which reports them at their row)."""
    found: set[Period] = set()
    for label in labels:
        try:
            found.add(Period.parse(str(label)))
        except (PeriodError, ValueError):
            continue
    return tuple(sorted(found))


@dataclass(frozen=True)
class _Job:
    ruleset: RuleSet
    source: Any
    root: Path | None
    metrics: list[str]
    periods: tuple[Period, ...]
    peers: Any
    ranges: list[EntityRange]


@dataclass(frozen=True)
class _Task:
    path: str
    name: str
    root: Path | None
    limits: Limits
    goals: list[Goal]
    day: date
    method: str | None
    part: EntityRange
    metrics: tuple[str, ...]
    periods: tuple[Period, ...]
    texts: bool
    span: Span | None = None
    """The ``data:`` entry, where a data error is placed."""


@dataclass
class _Answer:
    """One goal's results in one part."""

    goal: Goal
    failed: Result | None = None
    broken: bool = False
    """The part's data could not be read (the goal's other parts do not make it whole)."""
    whole: bool = False
    """The goal needs the whole data in one place (the scalar path judged it, with peers)."""
    tally: dict[Verdict, int] = field(default_factory=dict)
    errors: list[Result] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    packed: bytes = b""
    """``texts`` joined as the JSON report joins them, zlib-compressed: JSON text is
    repetitive (about 10:1), and moving it from the workers was most of a run's overhead."""
    results: list[Result] = field(default_factory=list)


def judge_part(task: _Task, peers: Frame | None) -> list[_Answer]:
    """The task run on a worker: one goal group over one entity part."""
    from ..data.partitioned import conform, open_dataset
    from .columnar import FrameChunk, stream_results
    from .columnar.family import Context

    answers = {goal.id: _Answer(goal) for goal in task.goals}
    try:
        dataset = open_dataset(task.path, root=task.root, limits=task.limits, name=task.name)
        wanted = set().union(*(_metrics(goal) for goal in task.goals))
        frame = conform(dataset.frame(wanted, task.part, task.limits), task.metrics, task.periods)
    except GoalEngineError as error:  # placed at the data entry, as one process does
        error = error.at(task.span) if error.span.line is None and task.span else error
        failed = [_failed(goal, error, task.day) for goal in task.goals]
        return [_Answer(g, failed=f, broken=True) for g, f in zip(task.goals, failed, strict=True)]
    context = Context(frame, task.day) if peers is None else _peer_context(frame, task.day, peers)
    uses_peers = {goal.id for goal in task.goals if _uses_peers(goal)}
    names: dict[str, str] = {}
    for chunk in stream_results(task.goals, frame, task.day, method=task.method, rows=ROWS,
                                context=context):  # fmt: skip
        if isinstance(chunk, list):
            for result in chunk:
                answers[result.goal].failed = result
            continue
        answer = answers[chunk.block.goal.id]
        if chunk.key[1] in uses_peers and (chunk.block.scalar_only or chunk.block.scalar):
            answer.whole = True
            continue
        first, stop = _owned(chunk.block.entities, task.part, chunk.first, chunk.stop)
        if first >= stop:
            continue
        mine = FrameChunk(chunk.block, first, stop, names, chunk.memo)
        for verdict, count in mine.tally().items():
            answer.tally[verdict] = answer.tally.get(verdict, 0) + count
        answer.errors.extend(mine.errors())
        if task.texts:
            answer.texts.extend(mine.texts(_INDENT))
        else:
            answer.results.extend(mine.results())
    for answer in answers.values():
        if answer.texts:
            answer.packed = zlib.compress(_JOIN.join(answer.texts).encode(), 1)
            answer.texts = []
    return [answers[goal.id] for goal in task.goals]


_WHOLE: dict[tuple[int, date], Any] = {}


def _peer_context(frame: Frame, day: date, peers: Frame) -> Any:
    """``frame``'s Context, answering ``x[*]`` from ``peers`` (every entity's rows of the
    peer metrics, on the same periods): each peer list is the one-process list."""
    from .columnar.family import Context

    key = (id(peers), day)
    whole = _WHOLE.get(key)
    if whole is None or whole.frame is not peers:
        _WHOLE.clear()  # one broadcast frame a run
        whole = _WHOLE[key] = Context(peers, day)
    everyone: Context = whole

    class PeerContext(Context):
        def peers(self, metric: str, j: int, references: frozenset[str]) -> Any:
            return everyone.peers(metric, j, references)

    return PeerContext(frame, day)


def _metrics(goal: Goal) -> frozenset[str]:
    try:
        return goal.compiled().metrics
    except GoalEngineError:
        return frozenset()


def _uses_peers(goal: Goal) -> bool:
    try:
        return bool(_peer_metrics(goal.compiled()))
    except GoalEngineError:
        return False


def _owned(entities: Sequence[str], part: EntityRange, first: int, stop: int) -> tuple[int, int]:
    """Positions ``first`` <= p < ``stop`` narrowed to the entities of ``part`` (sorted:
    the part's own entities are contiguous; reference entities read for ``@`` are not)."""
    from bisect import bisect_left

    low = 0 if part.low is None else bisect_left(entities, part.low)
    high = len(entities) if part.high is None else bisect_left(entities, part.high)
    return max(first, low), min(stop, high)


class _Merged:
    """One goal's results from every part, in part order (a ``Rendered``)."""

    def __init__(self, goal: Goal, answers: list[_Answer]) -> None:
        self.goal = goal
        self.answers = answers

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.goal.file, self.goal.id)

    @property
    def rule(self) -> str:
        return self.goal.rule

    def tally(self) -> dict[Verdict, int]:
        tally: dict[Verdict, int] = {}
        for answer in self.answers:
            for verdict, count in answer.tally.items():
                tally[verdict] = tally.get(verdict, 0) + count
        return tally

    def errors(self) -> list[Result]:
        return [error for answer in self.answers for error in answer.errors]

    def results(self) -> list[Result]:
        return [result for answer in self.answers for result in answer.results]

    def texts(self, indent: str) -> list[str]:
        """A part's texts each (already joined: joined again, they read the same)."""
        assert indent == _INDENT
        return [zlib.decompress(a.packed).decode() for a in self.answers if a.packed]


def _merged(goal: Goal, answers: list[_Answer], texts: bool) -> Iterator[Chunk]:
    if not any(answer.tally for answer in answers):
        return
    merged = _Merged(goal, answers)
    yield merged if texts else merged.results()
