"""Testing rule definitions: embedded fixtures, Hypothesis strategies and properties."""

from __future__ import annotations

from .fixtures import FixtureOutcome, Mismatch, run_fixture, run_fixtures

__all__ = ["FixtureOutcome", "Mismatch", "run_fixture", "run_fixtures"]
