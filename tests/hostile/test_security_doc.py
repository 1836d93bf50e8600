"""The README's limits table names every limit of goalengine/limits.py with its default;
SECURITY.md and docs/limits.md point at it instead of keeping copies."""

from __future__ import annotations

import re

from goalengine import limits

from .harness import ROOT

_ROW = re.compile(r"^\| `(MAX_\w+)` \| ([^|]+) \|", re.MULTILINE)


def shown(value: int) -> str:
    for unit, size in (("GiB", 1024**3), ("MiB", 1024**2)):
        if value >= size and value % size == 0:
            return f"{value // size} {unit}"
    return f"{value:,}"


def test_the_limits_table_matches_limits_py() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = {name: default.strip() for name, default in _ROW.findall(text)}
    names = [name for name in limits.__all__ if name.startswith("MAX_")]
    expected = {name: shown(getattr(limits, name)) for name in names}
    assert table == expected, "re-sync the README's limits table with goalengine/limits.py"


def test_the_other_documents_point_at_the_one_table() -> None:
    for name in ("SECURITY.md", "docs/limits.md"):
        text = (ROOT / name).read_text(encoding="utf-8")
        assert "README.md#limits" in text, name
        assert not _ROW.findall(text), f"{name} keeps a copy of the limits table"
