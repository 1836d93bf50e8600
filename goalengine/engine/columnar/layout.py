"""A case's results as JSON text straight from its columns, one Result built per case.

The layout of a result -- which fields, which steps in which order, their labels and
details -- is whatever the scalar path's :class:`~goalengine.models.Result` holds: the
case's first entity is built as a real Result and dumped as ``result_json`` would dump it.
Its per-entity leaves (the entity, the sentence, every number taken from a column) become
slots, filled once per entity from columns of JSON text. What the slots are bound to is
the one thing written here; a leaf this module does not know (a float in a step it has no
column for, a score) leaves the case to the Result path, and so does any case whose first
and last entity do not come out exactly as their real Results -- correctness before speed.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ...models import Result
from ...render.json import escape_unprintable, strict_json
from ..scalar import required_pace
from .family import Case, GoalBlock
from .text import ColumnFormats, Memo, Template, fill, fill_bytes, json_float_columns, json_text

__all__ = ["case_texts", "take"]

FloatArray = NDArray[np.float64]
_MARK = "\ue000"  # a private-use character: a slot's name inside the dumped probe
_SLOT = re.compile(f'"{_MARK}(\\d+){_MARK}"')


def take(case: Case, ks: NDArray[np.intp]) -> Case:
    """The case restricted to its entities ``ks`` (indexes into its columns)."""
    outcome = case.outcome
    if outcome is not None:
        cut = {
            f.name: getattr(outcome, f.name)[ks]
            for f in dataclasses.fields(outcome)
            if isinstance(getattr(outcome, f.name), np.ndarray)
        }
        outcome = dataclasses.replace(outcome, **cut)
    return dataclasses.replace(
        case,
        positions=case.positions[ks],
        latest=None if case.latest is None else case.latest[ks],
        baseline=None if case.baseline is None else case.baseline[ks],
        trace=[dataclasses.replace(t, values=t.values[ks]) for t in case.trace],
        violation=None if case.violation is None else (case.violation[0], case.violation[1][ks]),
        sides=None if case.sides is None else (case.sides[0][ks], case.sides[1][ks]),
        outcome=outcome,
    )


class _Unbound(Exception):
    """A leaf of the probe that may differ per entity, with no column to fill it from."""


class _Slots:
    def __init__(self, size: int, memo: Memo | None) -> None:
        self.size = size
        self.memo = memo
        self.columns: list[list[str] | list[bytes]] = []
        self.pending: list[tuple[int, FloatArray]] = []

    def column(self, texts: list[str] | list[bytes], printable: bool = False) -> str:
        """A slot filled from ``texts`` (JSON; ``printable``: known to need no escapes)."""
        self.columns.append(texts if printable else _printable(texts))  # type: ignore[arg-type]
        return f"{_MARK}{len(self.columns) - 1}{_MARK}"

    def floats(self, values: FloatArray | None) -> str:
        """A slot of JSON numbers, written with the others at :meth:`write_floats`."""
        if values is None or not np.isfinite(values).all():
            raise _Unbound  # no JSON for it: result_json names the goal
        self.pending.append((len(self.columns), values))
        return self.column([], printable=True)

    def write_floats(self) -> None:
        columns = json_float_columns([v for _, v in self.pending], self.size, self.memo)
        for (k, _), texts in zip(self.pending, columns, strict=True):
            self.columns[k] = texts
        self.pending.clear()

    def string(self, parts: list[str | list[str]]) -> str:
        pieces = [p if isinstance(p, list) else escape_unprintable(p) for p in parts]
        pieces = [_printable(p) if isinstance(p, list) else p for p in pieces]
        return self.column(fill_bytes(['"', *pieces, '"'], self.size), printable=True)


def _printable(texts: list[str]) -> list[str]:
    """``texts`` each as ``strict_json`` leaves a string's JSON (checked as one text)."""
    joined = "".join(texts)
    if escape_unprintable(joined) is joined:
        return texts
    return [escape_unprintable(text) for text in texts]


def case_texts(
    block: GoalBlock,
    case: Case,
    names: dict[str, str],
    memo: Memo | None,
    sentences: tuple[list[str | list[str]], list[str | list[str]] | None],
    result: Callable[[int], Result],
    render: Callable[[Result], str],
    indent: str,
) -> list[bytes] | None:
    """Each entity's ``render(result(k))``, filled from columns and UTF-8 encoded; None
    where that cannot be done exactly (the caller then builds the Results). ``sentences``
    are the case's explanation and method reason templates; ``result(k)`` builds entity
    k's Result; ``render`` writes ``result_json``, lines after the first indented by
    ``indent``."""
    size = case.size
    first = result(0)
    document = first.model_dump(mode="json")
    slots = _Slots(size, memo)
    try:
        _bind(document, block, case, names, slots, sentences)
    except _Unbound:
        return None
    slots.write_floats()
    # The template's own text checked once; its slots were checked column by column, and
    # escaping is per character: each line is what strict_json makes of it.
    text = strict_json(render_document(document).replace("\n", "\n" + indent), *_key(block))
    pieces = _SLOT.split(text)
    parts: list[str | list[str] | list[bytes]] = []
    for i, piece in enumerate(pieces):
        if i % 2:
            parts.append(slots.columns[int(piece)])
        elif _MARK in piece:
            return None  # the rule's own text holds the mark
        elif piece:
            parts.append(piece)
    lines = fill_bytes(parts, size)
    if lines[0].decode() != render(first):
        return None
    if size > 1 and lines[-1].decode() != render(result(size - 1)):
        return None
    return lines


def _key(block: GoalBlock) -> tuple[str, str | None]:
    return block.goal.id, block.goal.file


def render_document(document: dict[str, Any]) -> str:
    """``result_json``'s text of a dumped Result."""
    return json.dumps(document, indent=2, ensure_ascii=False)


def _bind(
    document: dict[str, Any],
    block: GoalBlock,
    case: Case,
    names: dict[str, str],
    slots: _Slots,
    sentences: tuple[list[str | list[str]], list[str | list[str]] | None],
) -> None:
    """Replace the probe's per-entity leaves by slots (raise _Unbound for one unknown)."""
    rule = block.rule
    assert rule is not None
    outcome = case.outcome
    ahead = outcome if outcome is not None and not case.passed else None
    explanation, reason = sentences
    document["entity"] = slots.column([names[block.entities[p]] for p in case.positions.tolist()])
    document["explanation"] = slots.string(explanation)
    side, target = (None, None) if case.sides is None else case.sides
    probability = None
    if outcome is not None and outcome.probability is not None:
        probability = outcome.exact_probability()
    projected = None
    if ahead is not None:
        projected = ahead.projected if rule.subject_is_bare else ahead.projected_side
    top: dict[str, FloatArray | None] = {
        "latest": case.latest,
        "baseline": case.baseline,
        "target": target,
        "projected": projected,
        "progress_ratio": None if outcome is None else outcome.ratio,
        "probability": probability,
    }
    for key, values in top.items():
        if document[key] is not None:
            document[key] = slots.floats(values)
    if document["interval"] is not None:
        assert outcome is not None
        document["interval"] = [slots.floats(outcome.low), slots.floats(outcome.high)]
    if document["score"] is not None:
        raise _Unbound
    change = None
    if case.latest is not None and case.baseline is not None:
        change = case.latest - case.baseline  # float64, as the scalar path subtracts
    columns: dict[str, FloatArray | None] = {
        "latest": case.latest,
        "baseline": case.baseline,
        "change": change,
        "side": side,
        "target": target,
        "violation": None if case.violation is None else case.violation[1],
    }
    if outcome is not None:
        columns |= {
            "projected_side": outcome.projected_side,
            "trend": outcome.slope,
            "projection": outcome.projected,
            "progress_ratio": outcome.ratio,
            "probability": probability,
            "interval_low": outcome.low,
            "interval_high": outcome.high,
        }
    time = rule.time
    if ahead is not None and rule.subject_is_bare and time is not None and time.kind == "by":
        pace = required_pace(
            case.latest, case.latest_period, case.baseline, case.baseline_period, target, time.end
        )
        if pace is not None:
            columns |= {"needed_pace": pace[0], "managed_pace": pace[1]}
    lookups = iter(case.trace)
    unit = block.goal.unit

    def visit(steps: list[dict[str, Any]]) -> None:
        for step in steps:
            kind, value = step["kind"], step["value"]
            values = columns.get(kind)
            if kind == "lookup":
                lookup = next(lookups, None)
                values = None if lookup is None else lookup.values
            if isinstance(value, float) and kind != "checked":
                step["value"] = slots.floats(values)
            if kind == "method" and reason is not None:
                step["detail"] = slots.string(reason)
            elif kind == "probability":
                step["detail"] = _standard_error(step["detail"], case, unit, slots)
            visit(step["children"])

    visit(document["steps"])


def _standard_error(detail: str, case: Case, unit: str | None, slots: _Slots) -> str:
    """The probability step's detail ('..., standard error 1.2 %') for every entity."""
    outcome = case.outcome
    assert outcome is not None
    if outcome.se is None:
        raise _Unbound
    formats = ColumnFormats(case.size, slots.memo)
    token = formats.value(outcome.se, unit)
    first = fill(Template(token, formats.columns, str).parts, 1)[0]
    head, found, tail = detail.rpartition(first)
    if not found or tail:
        raise _Unbound
    return slots.string(Template(head + token, formats.columns, json_text).parts)
