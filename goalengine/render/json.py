"""The report as JSON: exactly :meth:`goalengine.Report.to_json`, documented by the JSON
Schema in ``docs/report.schema.json`` (see :mod:`goalengine.render.schema`)."""

from __future__ import annotations

from ..models import Report

__all__ = ["render_json"]


def render_json(report: Report) -> str:
    """``report.to_json()`` with two-space indents and a final newline."""
    return report.to_json(indent=2) + "\n"
