"""The comparison table in docs/methods.md is the command's current output."""

from __future__ import annotations

from pathlib import Path

from goalengine.compare import comparison_table
from goalengine.methods import available

ROOT = Path(__file__).resolve().parents[2]


def test_docs_table_is_current() -> None:
    text = (ROOT / "docs" / "methods.md").read_text(encoding="utf-8")
    start = text.index("<!-- comparison:start -->\n") + len("<!-- comparison:start -->\n")
    end = text.index("<!-- comparison:end -->")
    assert text[start:end] == comparison_table([ROOT / "rules"]), (
        "regenerate with: python -m goalengine.compare rules"
    )


def test_table_has_a_column_per_method_and_a_row_per_goal(tmp_path: Path) -> None:
    rules = tmp_path / "r.yaml"
    rules.write_text(
        "as_of: 2012-06-30\n"
        "data: {x: {2010: 12, 2011: 14}}\n"
        "goals:\n  - id: halved\n    rule: x <= 0.5*2010 by 2014\n",
        encoding="utf-8",
    )
    lines = comparison_table([rules]).splitlines()
    assert len(lines) == 3
    assert lines[0].count("|") == len(available()) + 2
    assert lines[2].startswith("| `halved` | ")
    assert "at-risk" in lines[2]
