"""Verdict counts per goal, from goalengine's JSON report and from a peer, and their diff.

The report can be hundreds of MB (every result with its explanation), so it is scanned as
text in chunks, never loaded: each ``"verdict": "..."`` key of a result counts for the
``"goal": "..."`` key seen last. The report's own ``summary`` must add up to the same.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

Counts = dict[str, dict[str, int]]

_KEY = re.compile(rb'"(goal|verdict|summary)"\s*:\s*(?:"([^"]*)")?')
_CHUNK = 1 << 22


def report_counts(path: Path) -> Counts:
    """Verdict counts per goal in a goalengine JSON report; ValueError if they do not add up."""
    counts: Counts = {}
    goal: str | None = None
    summary_at: int | None = None
    tail = b""
    offset = 0  # of ``tail`` in the file
    with open(path, "rb") as stream:
        while True:
            chunk = stream.read(_CHUNK)
            buffer = tail + chunk
            keep = max(0, len(buffer) - 256)
            for match in _KEY.finditer(buffer):
                if chunk and match.end() > len(buffer) - 256:
                    keep = match.start()  # might be cut short: look again with the next chunk
                    break
                key, value = match.group(1), match.group(2)
                if key == b"summary":
                    summary_at = offset + match.start()
                    goal = None
                elif key == b"goal" and value is not None:
                    goal = value.decode()
                elif key == b"verdict" and value is not None and goal is not None:
                    verdicts = counts.setdefault(goal, {})
                    name = value.decode()
                    verdicts[name] = verdicts.get(name, 0) + 1
            if not chunk:
                break
            offset += keep
            tail = buffer[keep:]
    if summary_at is not None:
        with open(path, "rb") as stream:
            stream.seek(summary_at)
            text = stream.read(4096).decode("utf-8", "replace")
        summary = json.loads(text[text.index("{") : text.index("}") + 1])
        totals: dict[str, int] = {}
        for verdicts in counts.values():
            for name, n in verdicts.items():
                totals[name] = totals.get(name, 0) + n
        if {k: v for k, v in summary.items() if v} != totals:
            raise ValueError(f"{path}: summary {summary} but the results count {totals}")
    return counts


def differences(ours: Counts, theirs: Counts, limit: int = 5) -> list[str]:
    """Up to ``limit`` goals whose counts differ, as text (empty: they agree)."""
    found = []
    for goal in sorted(set(ours) | set(theirs)):
        a, b = ours.get(goal, {}), theirs.get(goal, {})
        if a != b:
            found.append(f"{goal}: goalengine {a} vs {b}")
    more = len(found) - limit
    return found[:limit] + ([f"... and {more} more goals"] if more > 0 else [])
