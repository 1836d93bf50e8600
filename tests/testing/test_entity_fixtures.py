"""Fixtures for per-entity goals: `goal` expects every entity, `goal@entity` one of them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from goalengine import read_rules
from goalengine.testing import run_fixtures

RULES = """
as_of: 2009-03-31
data:
  - ../areas.csv
goals:
  - id: no-new-area
    rule: on_list <= baseline throughout 2007..2010
    baseline: 2007
    for_each: entity
tests:
  - name: every area so far
    expect: {no-new-area: on-track}
  - name: one area
    expect: {no-new-area@north: missed}
"""


@pytest.fixture(autouse=True)
def _in_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from the project's folder, so rules/ may read ../areas.csv (the data root)."""
    monkeypatch.chdir(tmp_path)


def test_goal_and_goal_at_entity_keys(write: Callable[[str, str], Path]) -> None:
    write(
        "areas.csv",
        "metric,period,value,entity\n"
        "on_list,2007,1,north\non_list,2008,1,north\n"
        "on_list,2007,0,south\non_list,2008,0,south\n",
    )
    ruleset = read_rules(write("rules/areas.yaml", RULES))
    assert not ruleset.errors
    everyone, one = run_fixtures(ruleset)
    assert everyone.passed
    assert not one.passed
    (miss,) = one.mismatches
    assert (miss.goal, miss.expected, miss.actual) == ("no-new-area@north", "missed", "on-track")


def test_an_unknown_entity_is_a_mismatch_not_a_pass(write: Callable[[str, str], Path]) -> None:
    write("areas.csv", "metric,period,value,entity\non_list,2007,1,north\n")
    text = RULES.replace("no-new-area@north: missed", "no-new-area@west: on-track")
    (_, outcome) = run_fixtures(read_rules(write("rules/areas.yaml", text)))
    assert [(m.goal, m.actual) for m in outcome.mismatches] == [("no-new-area@west", "no result")]
