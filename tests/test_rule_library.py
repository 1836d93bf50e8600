"""The shipped Copenhagen library: complete, error-free, and its own fixtures pass."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from goalengine import Verdict, evaluate_many, find_rule_files, read_rules
from goalengine.testing import run_fixtures

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
FILES = find_rule_files(RULES)


def test_goal_count_matches_the_inventory() -> None:
    inventory = (RULES / "README.md").read_text(encoding="utf-8")
    match = re.search(r"Total measurable goals: (\d+)", inventory)
    assert match, "rules/README.md must state 'Total measurable goals: N'"
    goals = [goal.id for path in FILES for goal in read_rules(path).goals]
    assert len(goals) == int(match[1])
    for goal_id in goals:
        assert f"`{goal_id}`" in inventory, f"{goal_id} is missing from rules/README.md"


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(RULES)))
def test_rule_file_reads_without_problems(path: Path) -> None:
    ruleset = read_rules(path)
    assert not ruleset.diagnostics, [d.format() for d in ruleset.diagnostics]
    assert ruleset.tests, "every rule file pins its verdicts with tests:"


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(RULES)))
def test_embedded_fixtures_pass(path: Path) -> None:
    for outcome in run_fixtures(read_rules(path)):
        assert outcome.passed, (outcome.name, outcome.error, outcome.mismatches)


def test_no_goal_is_in_error_at_the_report_dates() -> None:
    report = evaluate_many(read_rules(path) for path in FILES)
    errors = [(r.goal, r.explanation) for r in report.results if r.verdict is Verdict.ERROR]
    assert not errors
    assert len(report.results) >= 35
