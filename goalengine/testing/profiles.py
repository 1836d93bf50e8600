"""Hypothesis settings profiles for goalengine's own tests and for rule authors' tests.

- ``ci``: repeatable (``derandomize``: the same examples on every run and machine), fewer
  examples, no per-example deadline (shared CI machines are slow and uneven);
- ``dev``: random, ten times the examples, for a longer hunt on a developer machine.

Load one in a ``conftest.py``::

    from goalengine.testing.profiles import load_profile

    load_profile()  # $HYPOTHESIS_PROFILE, else "ci"
"""

from __future__ import annotations

import os

from hypothesis import settings

__all__ = ["DEFAULT", "PROFILES", "load_profile", "register_profiles"]

DEFAULT = "ci"
#: Profile name -> keyword arguments of :func:`hypothesis.settings.register_profile`.
PROFILES: dict[str, dict[str, object]] = {
    "ci": {"derandomize": True, "deadline": None, "max_examples": 50, "print_blob": True},
    "dev": {"deadline": None, "max_examples": 500},
}


def register_profiles() -> None:
    """Register ``ci`` and ``dev`` with Hypothesis (idempotent)."""
    base = settings.get_profile("default")  # not whatever profile is loaded now
    for name, options in PROFILES.items():
        settings.register_profile(name, base, **options)


def load_profile(name: str | None = None) -> str:
    """Register the profiles and load ``name`` (default: ``$HYPOTHESIS_PROFILE``, else ``ci``).

    Returns the name loaded; an unknown name raises Hypothesis' ``InvalidArgument``.
    """
    register_profiles()
    chosen = name or os.environ.get("HYPOTHESIS_PROFILE") or DEFAULT
    settings.load_profile(chosen)
    return chosen
