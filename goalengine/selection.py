"""Choose goals by id or tag: what ``--select`` and ``--exclude`` do, as a library call.

A pattern is a goal id or tag with shell wildcards (``*``, ``?``, ``[..]``, matched case
sensitively); several may share one string, separated by commas.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from .errors import Diagnostic, Severity, Span, did_you_mean

if TYPE_CHECKING:
    from .ruleset import Goal, RuleSet

__all__ = ["matches", "patterns", "select_goals"]


def patterns(values: str | Iterable[str]) -> list[str]:
    """``["a,b", " c "]`` -> ``["a", "b", "c"]``: comma-separated patterns, blanks dropped."""
    listed = [values] if isinstance(values, str) else values
    return [p.strip() for value in listed for p in value.split(",") if p.strip()]


def matches(goal: Goal, pattern: str) -> bool:
    """Whether ``pattern`` matches the goal's id or one of its tags."""
    return fnmatch.fnmatchcase(goal.id, pattern) or any(
        fnmatch.fnmatchcase(tag, pattern) for tag in goal.tags
    )


def select_goals(
    rulesets: Sequence[RuleSet],
    select: str | Iterable[str] = (),
    exclude: str | Iterable[str] = (),
) -> tuple[list[RuleSet], list[Diagnostic]]:
    """Keep the goals matching any ``select`` pattern (all if none) and no ``exclude`` one.

    Returns the rule sets that keep a goal (each holding only its kept goals, in order) and
    a diagnostic per pattern that matches nothing: an error for ``select`` (a typo would
    otherwise judge nothing), a warning for ``exclude``.
    """
    chosen, left_out = patterns(select), patterns(exclude)
    if not chosen and not left_out:
        return list(rulesets), []
    goals = [goal for ruleset in rulesets for goal in ruleset.goals]
    names = {goal.id for goal in goals} | {tag for goal in goals for tag in goal.tags}
    problems = []
    for option, listed in (("--select", chosen), ("--exclude", left_out)):
        for pattern in listed:
            if not any(matches(goal, pattern) for goal in goals):
                severity: Severity = "error" if option == "--select" else "warning"
                problems.append(
                    Diagnostic(
                        severity,
                        f"{option} '{pattern}' matches no goal id or tag",
                        Span(),
                        did_you_mean(pattern, names),
                    )
                )
    kept = []
    for ruleset in rulesets:
        goals_kept = tuple(
            goal
            for goal in ruleset.goals
            if (not chosen or any(matches(goal, p) for p in chosen))
            and not any(matches(goal, p) for p in left_out)
        )
        if goals_kept:
            kept.append(ruleset.model_copy(update={"goals": goals_kept}))
    return kept, problems
