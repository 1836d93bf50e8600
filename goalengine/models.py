"""The data goalengine returns: verdicts, explanation steps, results and reports.

All models are frozen pydantic models, so results can be hashed, compared, shared between
threads and serialised to the JSON the CLI prints (``Report.to_json()``).
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from .periods import Period

__all__ = [
    "Explanation",
    "Observation",
    "Report",
    "ReportFile",
    "Result",
    "ResultError",
    "RollUp",
    "Step",
    "Verdict",
]


class Verdict(enum.StrEnum):
    """The judgement of one goal, best first."""

    MET = "met"
    ON_TRACK = "on-track"
    AT_RISK = "at-risk"
    MISSED = "missed"
    UNKNOWN = "unknown"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """0 for met .. 3 for missed; unknown 4, error 5 (for ordering and --fail-on)."""
        return _RANK[self]

    @property
    def label(self) -> str:
        return self.value.replace("-", " ")

    def __str__(self) -> str:
        return self.value


_RANK = {v: i for i, v in enumerate(Verdict)}


@dataclass(frozen=True, slots=True)
class RollUp:
    """One goal's per-entity verdicts, counted: "7 of 10 entities on track, 2 at risk"."""

    file: str | None
    goal: str
    counts: tuple[tuple[Verdict, int], ...]
    """(verdict, number of entities), best verdict first, verdicts that occur only."""
    noun: str = "entities"

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts)

    def count(self, verdict: Verdict | str) -> int:
        return dict(self.counts).get(Verdict(verdict), 0)

    @property
    def worst(self) -> Verdict | None:
        return max((v for v, _ in self.counts), key=lambda v: v.rank, default=None)

    @property
    def text(self) -> str:
        if not self.counts:
            return f"no {self.noun}"
        (first, n), *rest = self.counts
        parts = [f"{n} of {self.total} {self.noun} {first.label}"]
        parts.extend(f"{m} {verdict.label}" for verdict, m in rest)
        return ", ".join(parts)

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "goal": self.goal,
            "total": self.total,
            "counts": {v.value: n for v, n in self.counts},
            "text": self.text,
        }


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Observation(_Frozen):
    """One measured value of a metric in a period."""

    period: Period
    value: float
    entity: str | None = None
    note: str | None = None
    source: str | None = None
    published: dt.date | None = None
    """When the figure became known, if not at the end of its period (a budget for next
    year printed in this year's report); a report sees it from then on."""

    @property
    def date(self) -> dt.date:
        return self.period.end

    @property
    def visible_from(self) -> dt.date:
        return self.published or self.period.end


class Step(_Frozen):
    """One step of an explanation: what was looked up or computed, and its value.

    ``kind`` is a stable machine name (``latest``, ``baseline``, ``target``, ``trend``,
    ``projection``, ``comparison``, ``verdict``...); ``label`` is for people.
    """

    kind: str
    label: str
    value: float | str | bool | None = None
    unit: str | None = None
    period: Period | None = None
    detail: str | None = None
    children: tuple[Step, ...] = ()


class Explanation(_Frozen):
    """Why a goal got its verdict: steps as data, and one sentence built from them."""

    steps: tuple[Step, ...] = ()
    text: str = ""

    def find(self, kind: str) -> Step | None:
        """The first step of ``kind`` anywhere in the tree."""
        stack = list(reversed(self.steps))
        while stack:
            step = stack.pop()
            if step.kind == kind:
                return step
            stack.extend(reversed(step.children))
        return None


class ResultError(_Frozen):
    """Why a goal is in ``error``: message, hint and where (file:line:col)."""

    message: str
    hint: str | None = None
    file: str | None = None
    line: int | None = None
    column: int | None = None


class Result(_Frozen):
    """The verdict on one goal (for one entity, where the goal runs per entity)."""

    file: str | None = None
    goal: str
    title: str | None = None
    title_da: str | None = None
    title_en: str | None = None
    rule: str
    entity: str | None = None
    as_of: dt.date | None = None
    """The date this goal was judged on (rule files may differ in their report date)."""
    verdict: Verdict
    explanation: str
    steps: tuple[Step, ...] = ()
    unit: str | None = None
    latest: float | None = None
    latest_period: Period | None = None
    baseline: float | None = None
    baseline_period: Period | None = None
    target: float | None = None
    deadline: Period | None = None
    projected: float | None = None
    progress_ratio: float | None = None
    method: str = "linear"
    method_status: str | None = None
    score: float | None = None
    probability: float | None = None
    interval: tuple[float, float] | None = None
    tags: tuple[str, ...] = ()
    owner: str | None = None
    source: str | None = None
    notes: str | None = None
    error: ResultError | None = None
    series: tuple[Observation, ...] = Field(default=(), exclude=True, repr=False)
    """The observations of the goal's subject (for this entity) up to ``as_of``, when the
    caller asked for them (charts, ``--include-series``); empty otherwise."""
    _phrases: dict[str, str] = PrivateAttr(default_factory=dict)
    """The method's and the evaluator's reasons as :class:`goalengine.explain.Phrase` (by
    step kind, ``method``/``reason``), so :meth:`explanation_in` can translate them; a
    result read back from JSON has only their English text (steps' ``detail``)."""

    def __eq__(self, other: object) -> bool:
        # The fields only: how a reason was written is not part of what the result says.
        if not isinstance(other, Result):
            return NotImplemented
        return self.__dict__ == other.__dict__

    __hash__ = _Frozen.__hash__

    @property
    def explained(self) -> Explanation:
        return Explanation(steps=self.steps, text=self.explanation)

    def explanation_in(self, lang: str) -> str:
        """The explanation sentence in ``lang`` (``da``/``en``; see
        :func:`goalengine.i18n.explanation_in`)."""
        from .i18n import explanation_in

        return explanation_in(self, lang)

    def title_in(self, lang: str) -> str:
        """The title in ``lang`` (``da``/``en``), else the other title, else the goal id."""
        own = self.title_da if lang == "da" else (self.title_en or self.title)
        return own or self.title or self.title_en or self.title_da or self.goal

    def _repr_html_(self) -> str:
        from .render.html import render_cards

        return render_cards(Report(as_of=self.as_of or dt.date.today(), results=(self,)))


class ReportFile(_Frozen):
    """One rule file of a report: its title, source, language and the day it was judged on
    (files of one report may differ in their date)."""

    path: str
    title: str | None = None
    source: str | None = None
    as_of: dt.date | None = None
    lang: str | None = None


class Report(_Frozen):
    """All results of one evaluation, with the date they were judged at."""

    as_of: dt.date
    """The day every file was judged on; with files of different dates, the ``--as-of``
    given, else the day of the run (each file's own date is in :attr:`files`)."""
    results: tuple[Result, ...] = ()
    warnings: tuple[str, ...] = ()
    files: tuple[ReportFile, ...] = ()
    lang: str | None = Field(default=None, exclude=True)
    """The language of the explanations, once the report was written in one
    (:func:`goalengine.i18n.in_language`); its JSON then has ``lang`` and ``verdict_labels``."""
    rolled_up: tuple[RollUp, ...] = Field(default=(), exclude=True, repr=False)
    """The per-goal counts of per-entity results, as the engine counted them."""

    @property
    def summary(self) -> dict[str, int]:
        counts = {v.value: 0 for v in Verdict}
        for result in self.results:
            counts[result.verdict.value] += 1
        return counts

    def worst(self) -> Verdict | None:
        return max((r.verdict for r in self.results), key=lambda v: v.rank, default=None)

    def rollups(self) -> list[RollUp]:
        """Per-entity goals counted: "7 of 10 entities on track, 2 at risk" (computed by
        the engine when it built the report; see ``goalengine.entities.rollup``)."""
        return list(self.rolled_up)

    def to_dict(self, *, include_series: bool = False) -> dict[str, Any]:
        data = self.model_dump(mode="json")
        if include_series:
            for entry, result in zip(data["results"], self.results, strict=True):
                entry["series"] = [o.model_dump(mode="json") for o in result.series]
        data["summary"] = self.summary
        data["rollups"] = [r.to_dict() for r in self.rollups()]
        if self.lang is not None:
            from .i18n import language

            words = language(self.lang)
            data["lang"] = words.code
            data["verdict_labels"] = {v.value: words.gettext(v.label) for v in Verdict}
        return data

    def to_json(self, indent: int | None = 2, *, include_series: bool = False) -> str:
        import json

        document = self.to_dict(include_series=include_series)
        return json.dumps(document, indent=indent, ensure_ascii=False, allow_nan=False)

    def _repr_html_(self) -> str:
        from .render.html import render_cards

        return render_cards(self)

    def to_pandas(self, steps: bool = False) -> Any:
        """One row per result, typed columns (pandas is optional: ``pip install pandas``);
        ``steps=True``: the explanation steps instead, one row per step (see
        :mod:`goalengine.frames`)."""
        from .frames import results_frame, steps_frame

        return steps_frame(self) if steps else results_frame(self)
