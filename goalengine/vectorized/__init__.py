"""Vectorised evaluation of per-entity goals (numpy); work in progress."""

from __future__ import annotations

from datetime import date

from ..models import Result
from ..ruleset import Goal

__all__ = ["evaluate_entities"]


def evaluate_entities(
    goal: Goal, data: object, as_of: date, *, method: str | None = None
) -> list[Result]:
    """Judge ``goal`` per entity (for now through the scalar path)."""
    from ..entities import evaluate_for_each

    return evaluate_for_each(goal, data, as_of, method=method, engine="scalar")
