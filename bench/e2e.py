"""One end-to-end run, as a user would script it: rule file + Parquet -> JSON report.

Usage: python bench/e2e.py RULES.yaml OUT.json [--workers N] [--tracemalloc]

Prints one JSON line on stdout with the time of each phase (seconds, measured inside the
process; bench/run.py adds the wall time of the whole process) and the peak resident set
size. With --tracemalloc it reports the peak of Python-tracked allocations instead of timing
(tracing slows everything down).
"""

from __future__ import annotations

import json
import resource
import sys
import time


def main(argv: list[str]) -> None:
    rules_path, out_path = argv[0], argv[1]
    traced = "--tracemalloc" in argv
    workers = int(argv[argv.index("--workers") + 1]) if "--workers" in argv else 1
    if traced:
        import tracemalloc

        tracemalloc.start()
    phases: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        phases[name] = now - clock
        clock = now

    from goalengine.data.columnar import read_frame
    from goalengine.rulefile import load_rules
    from goalengine.vectorized import write_report

    lap("import")
    ruleset = load_rules(rules_path)
    lap("rules")
    frame = read_frame(ruleset.data_files[0])
    lap("parquet")
    assert ruleset.as_of is not None
    with open(out_path, "w", encoding="utf-8") as stream:
        totals = write_report(list(ruleset.goals), frame, ruleset.as_of, stream, workers=workers)
    lap("judge+json")
    result = {
        "phases": phases,
        "results": totals.results,
        "summary": totals.summary,
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "frame_mb": frame.nbytes / 2**20,
    }
    if traced:
        import tracemalloc

        result["tracemalloc_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
