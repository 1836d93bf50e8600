"""Fixtures for the renderer tests: reports of the rule files in tests/fixtures/cli/report
and a golden-file check (regenerate with ``GOALENGINE_UPDATE_GOLDEN=1 pytest tests/render``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from render_helpers import FIXTURES, ROOT, check_golden

from goalengine import Report, RuleSet, evaluate_many, read_rules
from goalengine.render import FileInfo


@pytest.fixture
def golden() -> Callable[[str, str], None]:
    return check_golden


@pytest.fixture
def in_root(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from the repository root, so paths in reports are relative and stable."""
    monkeypatch.chdir(ROOT)
    return ROOT


@pytest.fixture
def rulesets(in_root: Path) -> list[RuleSet]:
    return [read_rules(FIXTURES / "verdicts.yaml"), read_rules(FIXTURES / "second.yaml")]


@pytest.fixture
def report(rulesets: list[RuleSet]) -> Report:
    return evaluate_many(rulesets)


@pytest.fixture
def infos(rulesets: list[RuleSet]) -> list[FileInfo]:
    return [FileInfo(r.path or "", r.title, r.as_of) for r in rulesets]
