"""Testing rule definitions: embedded fixtures, Hypothesis strategies and properties.

- :mod:`~goalengine.testing.fixtures`: the ``tests:`` entries of rule files;
- :mod:`~goalengine.testing.properties`: :func:`check_ruleset`, the properties every goal
  should have, checked with Hypothesis, and the authors' own ``properties:``;
- :mod:`~goalengine.testing.strategies`: Hypothesis strategies for your own tests;
- :mod:`~goalengine.testing.plugin`: the pytest plugin that collects rule files.

The property and strategy names load Hypothesis on first use only, so ``goalengine test``
without ``--properties`` stays light.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from .fixtures import FixtureOutcome, Mismatch, run_fixture, run_fixtures, select_fixtures

__all__ = [
    "FixtureOutcome",
    "Mismatch",
    "PropertyChecker",
    "PropertyOutcome",
    "check_goal",
    "check_ruleset",
    "check_ruleset_by_goal",
    "check_when",
    "run_fixture",
    "run_fixtures",
    "select_fixtures",
]

_LAZY = {
    "PropertyChecker": "properties",
    "PropertyOutcome": "properties",
    "check_goal": "properties",
    "check_ruleset": "properties",
    "check_ruleset_by_goal": "properties",
    "check_when": "properties",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
