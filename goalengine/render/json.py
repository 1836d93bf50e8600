"""The report as JSON: the shape of :meth:`goalengine.Report.to_json` (documented in docs/)."""

from __future__ import annotations

from ..models import Report

__all__ = ["render_json"]


def render_json(report: Report) -> str:
    return report.to_json(indent=2) + "\n"
