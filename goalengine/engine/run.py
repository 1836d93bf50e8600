"""Judge rule sets into a stream of result chunks; write the JSON report as they come.

:func:`goalengine.evaluate_many` returns one :class:`~goalengine.models.Report` holding
every result. That is what a caller of the API wants for a few hundred goals, and what
runs out of memory for a thousand goals over a thousand entities. :func:`judge_stream`
judges the same rule sets in the same order but hands the results out in chunks, keeping
only their counts (:class:`Totals`), so the JSON report can be written while it is judged
(:func:`write_json`, the same text as :func:`goalengine.render.json.render_json`).

A rule set whose goals are all per entity (``for_each``) and whose data is one file with
many entities is read as a columnar frame (no Python object per observation) and judged by
:mod:`goalengine.engine.columnar`, a few thousand (goal, entity) rows at a time. Anything else
-- the shipped library, small data, inline data, several files -- takes exactly the path
of :func:`goalengine.evaluate_many`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib.util import find_spec
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol

from pydantic_core import PydanticSerializationError, to_json

from ..data import Dataset
from ..entities import VECTOR_MIN_ENTITIES, rollup_counts
from ..errors import GoalEngineError
from ..limits import DEFAULT_LIMITS, Limits
from ..models import Report, ReportFile, Result, RollUp, Verdict
from ..periods import Period, parse_as_of
from ..render.json import strict_json
from ..resolve import DataCache, data_root_of, load_ruleset_data
from ..ruleset import DataSource, RuleSet
from .scalar import (
    build_report,
    failed_result,
    judge,
    judging_day,
    report_files,
    ruleset_warnings,
)

if TYPE_CHECKING:
    from ..data.columnar import Frame

__all__ = [
    "FRAME_MIN_BYTES",
    "ROWS",
    "Chunk",
    "Rendered",
    "Run",
    "Totals",
    "judge_stream",
    "result_json",
    "start_run",
    "write_json",
]

#: Data files from this size on are read as a columnar frame (if they hold enough entities).
FRAME_MIN_BYTES = 1 << 16
#: About this many (goal, entity) results are judged and held at a time.
ROWS = 1 << 11


class Rendered(Protocol):
    """Results of one goal that can be written as JSON without building them (columnar)."""

    @property
    def key(self) -> tuple[str | None, str]:
        """(file, goal) of every result in it (all are per entity)."""
        ...

    @property
    def rule(self) -> str:
        """The goal's rule text."""
        ...

    def tally(self) -> dict[Verdict, int]: ...

    def errors(self) -> list[Result]: ...

    def results(self) -> list[Result]: ...

    def texts(self, indent: str) -> list[str]:
        """Each result's :func:`result_json` (so strict JSON, safe to print), lines after
        the first indented by ``indent``.

        A chunk may also have ``encoded(indent) -> bytes``: ``(",\\n" + indent).join`` of
        these texts, UTF-8 encoded; :func:`write_json` prefers it."""
        ...


#: What a run hands out at a time: Results, or results of one goal not yet built.
Chunk = list[Result] | Rendered


def _goals(chunk: Chunk) -> list[tuple[str | None, str]]:
    if isinstance(chunk, list):
        return [(result.file, result.goal) for result in chunk]
    return [chunk.key]


@dataclass
class Totals:
    """What the results streamed so far add up to (all a report needs besides them)."""

    summary: dict[str, int] = field(default_factory=lambda: {v.value: 0 for v in Verdict})
    goals: set[tuple[str | None, str]] = field(default_factory=set)
    errors: list[Result] = field(default_factory=list)
    """The results in ``error``, for their diagnostics (few, unless the data is broken)."""
    _tallies: dict[tuple[str | None, str], dict[Verdict, int]] = field(default_factory=dict)

    def add(self, chunk: Chunk) -> None:
        if not isinstance(chunk, list):
            tally = chunk.tally()
            for verdict, count in tally.items():
                self.summary[verdict.value] += count
            self.goals.add(chunk.key)
            self.errors.extend(chunk.errors())
            mine = self._tallies.setdefault(chunk.key, {})
            for verdict, count in tally.items():
                mine[verdict] = mine.get(verdict, 0) + count
            return
        for result in chunk:
            self.summary[result.verdict.value] += 1
            self.goals.add((result.file, result.goal))
            if result.verdict is Verdict.ERROR:
                self.errors.append(result)
            if result.entity is not None:
                tally = self._tallies.setdefault((result.file, result.goal), {})
                tally[result.verdict] = tally.get(result.verdict, 0) + 1

    @property
    def results(self) -> int:
        return sum(self.summary.values())

    def verdicts(self) -> set[Verdict]:
        return {Verdict(v) for v, n in self.summary.items() if n}

    def rollups(self) -> list[RollUp]:
        """As :func:`goalengine.entities.rollup` counts them over all results."""
        return [rollup_counts(file, goal, tally) for (file, goal), tally in self._tallies.items()]


@dataclass
class Run:
    """Rule sets being judged: the report's date and warnings, results in chunks.

    :meth:`chunks` can be iterated once; :attr:`totals` grows as it is.
    """

    as_of: date
    warnings: tuple[str, ...]
    _chunks: Iterator[Chunk]
    totals: Totals = field(default_factory=Totals)
    on_chunk: Callable[[list[tuple[str | None, str]]], None] | None = None
    """Called as each chunk is judged with the (file, goal) of its results (a progress bar;
    a goal's results are contiguous)."""
    files: tuple[ReportFile, ...] = ()
    data_warnings: list[str] = field(default_factory=list)
    """Filled while judging, as sources are read (missing-value cells skipped)."""

    @property
    def all_warnings(self) -> list[str]:
        return [*self.warnings, *self.data_warnings]

    def chunks(self) -> Iterator[Chunk]:
        for chunk in self._chunks:
            self.totals.add(chunk)
            if self.on_chunk is not None:
                self.on_chunk(_goals(chunk))
            yield chunk

    def results(self) -> Iterator[list[Result]]:
        """The chunks as Results."""
        for chunk in self.chunks():
            yield chunk if isinstance(chunk, list) else chunk.results()

    def report(self) -> Report:
        """Every result in one :class:`Report` (what :func:`evaluate_many` returns)."""
        results = [r for chunk in self.results() for r in chunk]
        return build_report(self.as_of, results, self.all_warnings, self.files)


def judge_stream(
    rulesets: Iterable[RuleSet],
    data: Dataset | Mapping[str, Any] | str | Path | None = None,
    as_of: date | str | Period | None = None,
    *,
    method: str | None = None,
    data_root: str | Path | None = None,
    limits: Limits = DEFAULT_LIMITS,
    rows: int = ROWS,
    allow_database: bool | frozenset[str] = False,
) -> Run:
    """Judge ``rulesets`` as :func:`goalengine.evaluate_many` does, results in chunks.

    The rule sets' data files must lie inside their data root
    (:func:`goalengine.resolve.data_root_of`); ``data`` given here is trusted.
    """
    rulesets = list(rulesets)
    cache = DataCache(
        data_root=None if data_root is None else Path(data_root),
        limits=limits,
        allow_database=allow_database,
    )
    chunks = _judge(rulesets, data, as_of, method, rows, cache)
    return start_run(rulesets, as_of, chunks, data_warnings=cache.warnings)


def start_run(
    rulesets: Sequence[RuleSet],
    as_of: date | str | Period | None,
    chunks: Iterator[Chunk],
    data_warnings: list[str] | None = None,
) -> Run:
    """The :class:`Run` of ``rulesets`` judged on ``as_of`` (its day, warnings and files),
    its results to come from ``chunks``: one place for every way of judging them."""
    days = {judging_day(ruleset, as_of) for ruleset in rulesets}
    day = days.pop() if len(days) == 1 else parse_as_of(as_of or date.today())
    warnings = tuple(w for ruleset in rulesets for w in ruleset_warnings(ruleset))
    run = Run(day, warnings, chunks, data_warnings=[] if data_warnings is None else data_warnings)
    run.files = report_files(rulesets, as_of)
    return run


def _judge(
    rulesets: Sequence[RuleSet],
    data: Dataset | Mapping[str, Any] | str | Path | None,
    as_of: date | str | Period | None,
    method: str | None,
    rows: int,
    cache: DataCache,
) -> Iterator[Chunk]:
    for ruleset in rulesets:
        day = judging_day(ruleset, as_of)
        frame = _frame(ruleset, data, cache)
        if frame is not None:
            yield from _frame_chunks(ruleset, frame, day, method, rows)
            continue
        try:
            dataset = load_ruleset_data(ruleset, data, cache)
        except GoalEngineError as error:
            yield [failed_result(goal, error, as_of=day) for goal in ruleset.goals]
            continue
        cache.warnings.extend(_stale(ruleset, dataset, day))
        for goal in ruleset.goals:
            yield judge(goal, dataset, day, method)


def _frame(
    ruleset: RuleSet,
    data: Dataset | Mapping[str, Any] | str | Path | None,
    cache: DataCache,
) -> Frame | None:
    """The rule set's data as a frame, when the columnar path is the better one for it.

    Read through the same cache, root and limits as the dataset would be; any problem
    leaves the rule set to the dataset path, which reports it at its place.
    """
    if not ruleset.goals or any(goal.for_each is None for goal in ruleset.goals):
        return None
    if data is not None:
        if not isinstance(data, str | Path):
            return None
        source, root = DataSource(path=Path(data)), None  # given by the caller: trusted
    elif len(ruleset.data_sources) == 1 and ruleset.inline_data is None:
        source, root = ruleset.data_sources[0], data_root_of(ruleset, cache.data_root)
    else:
        return None
    if source.spec is not None:
        return None  # columns, filters, sheets, SQL: read by the entry's own reader
    path = source.path
    if source.dataset:  # a partitioned dataset: only the metrics the rules name are read
        return _dataset_frame(ruleset, source, root, cache)
    if not path.is_file():
        return None  # the scalar path words the error about a missing file
    if path.stat().st_size < FRAME_MIN_BYTES or find_spec("numpy") is None:
        return None  # a small file reads as fast either way, without importing numpy
    try:
        frame = cache.frame(source, root)
    except (GoalEngineError, ImportError):
        return None  # the dataset path raises it again (or names the extra to install)
    if len(frame.entity_names) < VECTOR_MIN_ENTITIES:
        return None  # few entities: per entity, as evaluate_many judges them
    return frame


def _stale(ruleset: RuleSet, dataset: Dataset, day: date) -> list[str]:
    from ..data.staleness import stale_warnings

    return stale_warnings(ruleset.goals, dataset, day)


def _dataset_frame(
    ruleset: RuleSet, source: DataSource, root: Path | None, cache: DataCache
) -> Frame | None:
    from ..resolve import named_metrics

    try:
        return cache.frame(source, root, metrics=named_metrics(ruleset))
    except GoalEngineError:
        return None  # the dataset path raises it again, at its place


def _frame_chunks(
    ruleset: RuleSet, frame: Frame, day: date, method: str | None, rows: int
) -> Iterator[Chunk]:
    from .columnar import stream_results

    return stream_results(ruleset.goals, frame, day, method=method, rows=rows)


# -- the JSON report ---------------------------------------------------------------------------

_MARK = "\x00results\x00"


def write_json(run: Run, stream: IO[str], lang: str | None = None) -> Totals:
    """Write the report as :func:`goalengine.render.json.render_json` would, chunk by chunk;
    ``lang``: as it writes :func:`goalengine.i18n.in_language` of the report (each result
    built and its explanation rewritten: the columns' templates are English)."""
    head = _skeleton({"as_of": run.as_of.isoformat(), "results": [_MARK]})
    before, _ = head.split(json.dumps(_MARK), 1)
    stream.write(before[: -len("\n    ")])  # up to and with "["
    first = True
    write = _writer(stream)
    for chunk in run.chunks():
        if lang is not None:
            chunk = _in_language(chunk, lang)
        encoded = None if isinstance(chunk, list) else getattr(chunk, "encoded", None)
        if isinstance(chunk, list):
            texts = [result_json(result).replace("\n", "\n    ") for result in chunk]
            joined: str | bytes = ",\n    ".join(texts)
        elif encoded is not None:  # one goal's results, strict (see Rendered.encoded)
            joined = encoded("    ")
        else:
            joined = ",\n    ".join(chunk.texts("    "))
        if joined:
            stream.write("\n    " if first else ",\n    ")
            write(joined)
            first = False
    totals = run.totals
    tail = _skeleton(
        {
            "as_of": run.as_of.isoformat(),
            "results": [_MARK],
            "warnings": run.all_warnings,
            "files": [f.model_dump(mode="json") for f in run.files],
            "summary": totals.summary,
            "rollups": [r.to_dict() for r in totals.rollups()],
            **_language_keys(lang),
        }
    )
    _, after = tail.split(json.dumps(_MARK), 1)
    after = strict_json(after)  # warnings and roll-ups carry user text too
    if first:  # no results: "[]"
        stream.write(after[len("\n  ") :] + "\n")
    else:
        stream.write(after + "\n")
    return totals


def _in_language(chunk: Chunk, code: str) -> list[Result]:
    from ..i18n import result_in

    results = chunk if isinstance(chunk, list) else chunk.results()
    return [result_in(r, code) for r in results]


def _language_keys(code: str | None) -> dict[str, Any]:
    """``lang`` and ``verdict_labels``, as :meth:`Report.to_dict` ends a translated report."""
    if code is None:
        return {}
    data = Report(as_of=date.min, lang=code).to_dict()
    return {key: data[key] for key in ("lang", "verdict_labels")}


def _writer(stream: IO[str]) -> Callable[[str | bytes], None]:
    """Writes text, or UTF-8 bytes straight to the stream's buffer when it has one that
    takes them as they are (the bytes are what the stream would have encoded)."""
    buffer = getattr(stream, "buffer", None)
    encoding = str(getattr(stream, "encoding", None) or "").lower().replace("-", "")
    direct = buffer is not None and encoding == "utf8" and os.linesep == "\n"

    def write(text: str | bytes) -> None:
        if isinstance(text, str):
            stream.write(text)
        elif direct and buffer is not None:
            stream.flush()
            buffer.write(text)
        else:
            stream.write(text.decode())

    return write


def result_json(result: Result) -> str:
    """``json.dumps(result.model_dump(mode="json"), indent=2, ensure_ascii=False)``.

    The standard encoder has no C implementation with ``indent`` before Python 3.14 and
    was the slowest step of a large report; pydantic's Rust encoder writes the same text
    six times faster -- except that it spells floats below 1e-4 without an exponent
    (``0.00001``, not ``1e-05``) and refuses lone surrogates. A text that holds anything
    that could be such a float (``0.0000``, ``e-``, ``e+``, also inside strings) is
    written by the standard encoder, so the report is the same to the byte.
    """
    try:
        text = to_json(result, indent=2, inf_nan_mode="constants").decode()
    except PydanticSerializationError:
        text = None
    if text is None or "0.0000" in text or "e-" in text or "e+" in text:
        text = json.dumps(result.model_dump(mode="json"), indent=2, ensure_ascii=False)
    return strict_json(text, result.goal, result.file)


def _skeleton(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False)
