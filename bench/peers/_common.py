"""What every peer shares: its command line and what it prints.

A peer is run as ``python bench/peers/NAME.py DATA PLAN OUT``: DATA is the workload's CSV or
Parquet file (by suffix), PLAN the goals as JSON (``[[id, shape, metric, other], ...]``,
bench/workload.py's ``goal_plan``), OUT where it writes one ``goal,entity,verdict`` line per
result. It prints the verdict counts per goal as one JSON object on stdout, which
bench/run.py compares with goalengine's report.

The rule shapes (bench/workload.py's SHAPES), as the peers judge them on the report date
2024-12-31, with goalengine's rules (README, "Verdicts"): a deadline ahead projects a
least-squares line through the figures from the baseline period on (x = the period's last
day), to the deadline's last day, and is ``on-track`` if the rule holds for the projection,
else ``at-risk``; a passed deadline or no deadline compares figures: ``met`` or ``missed``.
Comparisons allow goalengine's relative tolerance of 1e-9.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

#: Comparisons allow this relative slack, as goalengine's do.
TOLERANCE = 1e-9
#: x of a period is the number of days from this day to the period's last day.
EPOCH_YEAR = 2000


def arguments() -> tuple[Path, list[tuple[str, int, str, str]], Path]:
    data, plan, out = sys.argv[1:4]
    goals = [(g, int(s), m, o) for g, s, m, o in json.loads(Path(plan).read_text())]
    return Path(data), goals, Path(out)


def report(counts: dict[str, dict[str, int]]) -> None:
    print(json.dumps(counts, sort_keys=True))
