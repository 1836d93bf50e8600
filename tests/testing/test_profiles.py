"""Hypothesis profiles: ``ci`` is repeatable, ``dev`` hunts longer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import settings

from goalengine.testing.profiles import load_profile, register_profiles


@pytest.fixture
def restore() -> Iterator[None]:
    before = settings.default
    yield
    settings.register_profile("_before_profile_test", before)
    settings.load_profile("_before_profile_test")


def test_profiles_are_registered() -> None:
    register_profiles()
    ci, dev = settings.get_profile("ci"), settings.get_profile("dev")
    assert ci.derandomize and ci.deadline is None
    assert not dev.derandomize and dev.deadline is None
    assert ci.max_examples < dev.max_examples


def test_the_profile_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, restore: None
) -> None:
    monkeypatch.setenv("HYPOTHESIS_PROFILE", "dev")
    assert load_profile() == "dev"
    assert settings.default.max_examples == settings.get_profile("dev").max_examples
    monkeypatch.delenv("HYPOTHESIS_PROFILE")
    assert load_profile() == "ci"
    assert settings.default.derandomize
