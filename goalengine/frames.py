"""Reports as pandas data frames (pandas is optional: imported only here, when asked).

:func:`results_frame`: one row per result, typed columns (verdicts as an ordered
category, periods as text, dates as datetimes, numbers as nullable floats).
:func:`steps_frame`: the explanation steps, one row per step (nested steps follow their
parent, ``depth`` says how deep), keyed by ``file``, ``goal`` and ``entity``.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

from .errors import UnknownNameError
from .models import Report, Step, Verdict

__all__ = ["RESULT_COLUMNS", "results_frame", "steps_frame"]

#: The columns of :func:`results_frame`, in order, with their pandas dtypes.
RESULT_COLUMNS: dict[str, str] = {
    "file": "string",
    "goal": "string",
    "entity": "string",
    "title": "string",
    "title_da": "string",
    "verdict": "category",
    "explanation": "string",
    "as_of": "datetime64[ns]",
    "unit": "string",
    "latest": "Float64",
    "latest_period": "string",
    "baseline": "Float64",
    "baseline_period": "string",
    "target": "Float64",
    "deadline": "string",
    "projected": "Float64",
    "progress_ratio": "Float64",
    "probability": "Float64",
    "method": "string",
    "method_status": "string",
    "owner": "string",
    "source": "string",
    "notes": "string",
    "tags": "object",
    "rule": "string",
    "error": "string",
}


def _pandas() -> Any:
    try:
        pandas = importlib.import_module("pandas")
    except ImportError:
        raise UnknownNameError(
            "Report.to_pandas() needs pandas, which is not installed",
            hint="pip install pandas",
        ) from None
    return pandas


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def results_frame(report: Report) -> Any:
    """One row per result of ``report``; columns :data:`RESULT_COLUMNS`."""
    pd = _pandas()
    rows = []
    for r in report.results:
        rows.append(
            {
                "file": r.file,
                "goal": r.goal,
                "entity": r.entity,
                "title": r.title,
                "title_da": r.title_da,
                "verdict": r.verdict.value,
                "explanation": r.explanation,
                "as_of": r.as_of or report.as_of,
                "unit": r.unit,
                "latest": r.latest,
                "latest_period": _text(r.latest_period),
                "baseline": r.baseline,
                "baseline_period": _text(r.baseline_period),
                "target": r.target,
                "deadline": _text(r.deadline),
                "projected": r.projected,
                "progress_ratio": r.progress_ratio,
                "probability": r.probability,
                "method": r.method,
                "method_status": r.method_status,
                "owner": r.owner,
                "source": r.source,
                "notes": r.notes,
                "tags": list(r.tags),
                "rule": r.rule,
                "error": r.error.message if r.error is not None else None,
            }
        )
    frame = pd.DataFrame(rows, columns=list(RESULT_COLUMNS))
    verdicts = pd.CategoricalDtype([v.value for v in Verdict], ordered=True)
    types = {k: (verdicts if t == "category" else t) for k, t in RESULT_COLUMNS.items()}
    frame["as_of"] = pd.to_datetime(frame["as_of"])
    return frame.astype(types)


def _walk(steps: tuple[Step, ...], depth: int = 0) -> Iterator[tuple[int, Step]]:
    for step in steps:
        yield depth, step
        yield from _walk(step.children, depth + 1)


def steps_frame(report: Report) -> Any:
    """The explanation steps of every result, one row each (see the module text)."""
    pd = _pandas()
    rows = []
    for r in report.results:
        for order, (depth, step) in enumerate(_walk(r.steps)):
            number = step.value if isinstance(step.value, int | float) else None
            rows.append(
                {
                    "file": r.file,
                    "goal": r.goal,
                    "entity": r.entity,
                    "order": order,
                    "depth": depth,
                    "kind": step.kind,
                    "label": step.label,
                    "value": None if isinstance(step.value, bool) else number,
                    "text": None if number is not None else _text(step.value),
                    "unit": step.unit,
                    "period": _text(step.period),
                    "detail": step.detail,
                }
            )
    columns = ["file", "goal", "entity", "order", "depth", "kind", "label", "value", "text",
               "unit", "period", "detail"]  # fmt: skip
    types = dict.fromkeys(columns, "string") | {"order": "int64", "depth": "int64",
                                              "value": "Float64"}  # fmt: skip
    return pd.DataFrame(rows, columns=columns).astype(types)
