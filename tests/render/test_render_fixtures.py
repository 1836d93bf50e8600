"""goalengine test output: a line per fixture or property, expected vs actual on failure."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from render_helpers import record
from rich.console import Group

from goalengine import RuleSet
from goalengine.render.fixtures import fixture_text, fixtures_summary, property_text
from goalengine.testing import run_fixtures


@dataclass
class _Property:
    goal: str
    name: str
    passed: bool
    message: str
    fixture: str | None = None
    skipped: bool = False


def test_fixture_outcomes_golden(
    rulesets: list[RuleSet], golden: Callable[[str, str], None]
) -> None:
    outcomes = run_fixtures(rulesets[0])
    assert [o.passed for o in outcomes] == [True, False, False]
    text = record(Group(*(fixture_text(o) for o in outcomes), fixtures_summary(3, 2)))
    golden("fixtures.txt", text)
    assert "waiting-short: verdict\n      expected  met\n      actual    missed" in text
    assert "to contain 'below 80'" in text


def test_property_outcomes() -> None:
    failing = _Property("g", "monotone", False, "more is worse", "- name: x\n  expect: {g: met}\n")
    text = record(
        Group(
            property_text("f.yaml", _Property("g", "never_crashes", True, "ok")),
            property_text("f.yaml", failing),
            property_text("f.yaml", _Property("g", "target_reachable", True, "n/a", None, True)),
        )
    )
    assert text == (
        "✓ PASS  f.yaml  g · never_crashes\n"
        "✗ FAIL  f.yaml  g · monotone\n"
        "    more is worse\n"
        "    reproduce it with this test (paste under tests:):\n"
        "      - name: x\n"
        "        expect: {g: met}\n"
        "- SKIP  f.yaml  g · target_reachable  (n/a)\n"
    )


def test_summary() -> None:
    assert fixtures_summary(1, 0).plain == "1 test: 1 passed, 0 failed"
    assert fixtures_summary(3, 1, 4, 1, 1).plain == (
        "3 tests: 2 passed, 1 failed; 4 properties: 2 passed, 1 failed, 1 skipped"
    )
