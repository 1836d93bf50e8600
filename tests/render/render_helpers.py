"""Helpers for the renderer tests: golden files and a fixed-width recording console.

Regenerate the golden files with ``GOALENGINE_UPDATE_GOLDEN=1 pytest tests/render``.
"""

from __future__ import annotations

import difflib
import io
import os
from pathlib import Path

import pytest
from rich.console import Console, RenderableType

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"
FIXTURES = Path("tests") / "fixtures" / "cli" / "report"
UPDATE = os.environ.get("GOALENGINE_UPDATE_GOLDEN", "") not in ("", "0")


def check_golden(name: str, actual: str) -> None:
    """Compare ``actual`` with tests/golden/``name`` (or write it when updating)."""
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    if not path.exists():
        pytest.fail(f"no golden file {path}: run GOALENGINE_UPDATE_GOLDEN=1 pytest")
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                f"golden/{name}",
                "actual",
            )
        )
        pytest.fail(
            f"output differs from tests/golden/{name} "
            f"(if intended: GOALENGINE_UPDATE_GOLDEN=1 pytest):\n{diff}"
        )


def record(renderable: RenderableType, width: int = 100) -> str:
    """Render into a fixed-width recording console without colour; trailing blanks cut."""
    console = Console(
        record=True, width=width, force_terminal=False, color_system=None, file=io.StringIO()
    )
    console.print(renderable)
    text = console.export_text()
    return "".join(line.rstrip() + "\n" for line in text.splitlines())
