"""The goal language: ``parse`` (text -> tree), ``check`` (allow-list, meaning), ``format``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from .check import AGGREGATES, FUNCTIONS, RESERVED, CheckedRule, check, warnings_for
from .format import format_rule, format_tree
from .parse import MAX_DEPTH, MAX_RULE_LENGTH, ParsedText, TimeClause, parse_text

__all__ = [
    "AGGREGATES",
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_RULE_LENGTH",
    "RESERVED",
    "CheckedRule",
    "ParsedText",
    "TimeClause",
    "check",
    "compile_rule",
    "format_rule",
    "format_tree",
    "parse_text",
    "warnings_for",
]


def compile_rule(
    text: str, metrics: Iterable[str] | None = None, events: Mapping[str, date] | None = None
) -> CheckedRule:
    """Parse and check one rule; raises :class:`~goalengine.errors.GoalEngineError`.

    ``events`` are the named days its time clause may use (``by etool_launch + 6 months``)."""
    return check(parse_text(text, events), metrics)
