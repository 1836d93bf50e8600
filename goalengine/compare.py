"""Compare every progress method on the same goals: ``python -m goalengine.compare``.

Prints a Markdown table (goal × method, each cell "verdict (native label)"). The table in
docs/methods.md is this command's output on ``rules/``; a test keeps it current.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from .engine.scalar import evaluate_many
from .methods import available
from .rulefile import find_rule_files, read_rules

__all__ = ["comparison_table", "main"]


def comparison_table(paths: Sequence[str | Path]) -> str:
    """A Markdown table of every goal under ``paths`` judged by every method."""
    rulesets = [read_rules(f) for p in paths for f in find_rule_files(p)]
    names = available()
    by_method = {name: evaluate_many(rulesets, method=name).results for name in names}
    rows = ["| goal | " + " | ".join(f"`{n}`" for n in names) + " |"]
    rows.append("|---" * (len(names) + 1) + "|")
    first = by_method[names[0]]
    for index, result in enumerate(first):
        cells = []
        for name in names:
            judged = by_method[name][index]
            label = f" ({judged.method_status})" if judged.method_status else ""
            cells.append(f"{judged.verdict.value}{label}")
        rows.append(f"| `{result.goal}` | " + " | ".join(cells) + " |")
    return "\n".join(rows) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    paths = list(argv if argv is not None else sys.argv[1:]) or ["rules"]
    sys.stdout.write(comparison_table(paths))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
