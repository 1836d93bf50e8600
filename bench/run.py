"""goalengine at scale: per-entity goals from a Parquet file to a JSON report.

Usage:
    python bench/run.py            # the full run (about three minutes)
    python bench/run.py --quick    # a smaller run (well under a minute)

Generates the synthetic workload (bench/workload.py; 1,000 goals over 100 metrics x 1,000
entities x 20 periods = 2 M observations; cached under the system temp directory) and
prints, measured in this run on this machine:

1. end-to-end time of a fresh process that reads the rule file and the Parquet file, judges
   every goal for every entity and writes the JSON report -- next to the time of a bare
   ``python -c "import numpy"``;
2. the judging against a fresh simpleeval call per (goal, entity), and against a
   hand-written numpy program doing the same comparisons and projections (bench/handwritten.py);
3. peak memory (resident set size of the end-to-end process) against 3x the raw float64
   data plus 200 MB;
4. ``goalengine check rules/`` cold start against ``python -c "import pydantic, rich, simpleeval"``;
5. how time grows with entities and with goals.

Times are the best of a few repeats (other processes on a shared machine only ever make a
run slower); the machine's load average is printed first. Nothing here is asserted in the
unit tests.
"""

from __future__ import annotations

import argparse
import ast
import itertools
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from workload import AS_OF, Workload, generate, goal_specs  # noqa: E402

CACHE = Path(tempfile.gettempdir()) / "goalengine-bench"


def best(run: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """The fastest of ``repeats`` runs (seconds) and that run's return value."""
    found: tuple[float, Any] | None = None
    for _ in range(repeats):
        start = time.perf_counter()
        value = run()
        took = time.perf_counter() - start
        if found is None or took < found[0]:
            found = (took, value)
    assert found is not None
    return found


def process(args: list[str], cwd: Path = ROOT) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)
    took = time.perf_counter() - start
    if done.returncode not in (0, 1, 2):
        raise RuntimeError(f"{args} failed:\n{done.stderr}")
    return took, done.stdout


def say(label: str, seconds: float, note: str) -> None:
    print(f"  {label:<28} {fmt(seconds):>9}   ({note})")


def fmt(seconds: float) -> str:
    return f"{seconds:.3f} s" if seconds < 10 else f"{seconds:.1f} s"


class Table:
    def __init__(self, *headers: str) -> None:
        self.rows: list[tuple[str, ...]] = [headers]

    def add(self, *cells: object) -> None:
        self.rows.append(tuple(str(c) for c in cells))

    def print(self) -> None:
        widths = [max(len(r[i]) for r in self.rows) for i in range(len(self.rows[0]))]
        for k, row in enumerate(self.rows):
            print(
                "  "
                + "  ".join(
                    c.rjust(w) if i else c.ljust(w)
                    for i, (c, w) in enumerate(zip(row, widths, strict=True))
                )
            )
            if k == 0:
                print("  " + "  ".join("-" * w for w in widths))


# -- 1. end to end ----------------------------------------------------------------------------


def end_to_end(work: Workload, repeats: int, workers: int = 1) -> dict[str, Any]:
    out = work.directory / "report.json"
    script = [sys.executable, str(HERE / "e2e.py"), str(work.rules), str(out)]

    def run() -> dict[str, Any]:
        took, stdout = process([*script, "--workers", str(workers)])
        info: dict[str, Any] = json.loads(stdout)
        info["wall"] = took
        return info

    _, info = best(run, repeats)
    numpy_time, _ = best(lambda: process([sys.executable, "-c", "import numpy"]), 5)
    info["numpy"] = numpy_time
    info["report_mb"] = out.stat().st_size / 2**20
    return info


# -- 2. baselines -------------------------------------------------------------------------------


class _Flatten(ast.NodeTransformer):
    """x["2015"] -> x__2015, mean(x[*]) -> mean__x: plain names a simpleeval call can take."""

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        assert isinstance(node.value, ast.Name) and isinstance(node.slice, ast.Constant)
        return ast.Name(id=f"{node.value.id}__{node.slice.value}", ctx=ast.Load())

    def visit_Call(self, node: ast.Call) -> ast.AST:
        assert isinstance(node.func, ast.Name)
        if (
            node.args
            and isinstance(node.args[0], ast.Subscript)
            and node.args[0].slice.value == "*"
        ):  # type: ignore[attr-defined]
            metric = node.args[0].value.id  # type: ignore[attr-defined]
            return ast.Name(id=f"{node.func.id}__{metric}", ctx=ast.Load())
        self.generic_visit(node)
        return node


def simpleeval_per_pair(work: Workload, frame: Any, sample: int) -> dict[str, float]:
    """Time a fresh ``SimpleEval(names=...).eval(rule)`` per (goal, entity), on a sample.

    The names (the entity's latest figures, its baseline and looked-up periods) are ready
    before the clock starts; only the simpleeval call is timed -- the comparison at the report
    date, without projections or explanations.
    """
    from simpleeval import SimpleEval

    from goalengine.language import compile_rule

    specs = goal_specs(work.goals, work.metrics)
    columns = {str(p): i for i, p in enumerate(frame.periods)}
    last = len(frame.periods) - 1
    rng = random.Random(1)
    pairs = []
    for _ in range(sample):
        _, rule, baseline, _ = rng.choice(specs)
        entity = rng.randrange(work.entities)
        checked = compile_rule(rule)
        text = ast.unparse(_Flatten().visit(checked.tree))
        names: dict[str, float] = {}
        for metric in checked.metrics:
            row = frame.values[frame.metric_index[metric], entity]
            names[metric] = float(row[last])
            for period, c in columns.items():
                names[f"{metric}__{period}"] = float(row[c])
            names[f"mean__{metric}"] = float(
                frame.values[frame.metric_index[metric], :, last].mean()
            )
        if baseline:
            names["baseline"] = names[f"{checked.subject}__{baseline}"]
        pairs.append((text, names))

    def run() -> None:
        for text, names in pairs:
            SimpleEval(names=names).eval(text)

    took, _ = best(run, 3)
    per_pair = took / sample
    return {"per_pair": per_pair, "total": per_pair * work.goals * work.entities}


def judging(work: Workload, repeats: int, sample: int) -> dict[str, Any]:
    import handwritten
    import numpy as np

    from goalengine.data.columnar import read_frame
    from goalengine.rulefile import load_rules
    from goalengine.vectorized import evaluate_frame, write_report

    ruleset = load_rules(work.rules)
    assert ruleset.as_of is not None
    frame = read_frame(work.data)
    goals = list(ruleset.goals)
    from goalengine.vectorized import engine

    def ours_once() -> Any:
        engine.clear_caches()  # every run learns its rules afresh
        return evaluate_frame(goals, frame, ruleset.as_of)

    ours, report = best(ours_once, repeats)
    with open(os.devnull, "w", encoding="utf-8") as sink:
        with_json, _ = best(
            lambda: write_report(goals, frame, ruleset.as_of, sink), max(1, repeats - 1)
        )
    specs = goal_specs(work.goals, work.metrics)
    hand, codes = best(lambda: handwritten.judge(frame, specs), repeats)
    # Do the two agree? (verdict counts per goal)
    names = ["met", "on-track", "at-risk", "missed"]
    agree = 0
    for block, mine in zip(report.blocks, codes, strict=True):
        tally = dict.fromkeys(names, 0)
        for case in block.cases:
            tally[case.verdict.value] = tally.get(case.verdict.value, 0) + case.size
        for result in block.scalar.values():
            tally[result.verdict.value] = tally.get(result.verdict.value, 0) + 1
        counts = np.bincount(mine, minlength=4)
        agree += all(tally[name] == int(counts[k]) for k, name in enumerate(names))
    del report
    naive = simpleeval_per_pair(work, frame, sample)
    return {
        "ours": ours,
        "with_json": with_json,
        "hand": hand,
        "agree": agree,
        "simpleeval": naive,
    }


# -- 4. cold start ----------------------------------------------------------------------------


def cold_start(repeats: int) -> dict[str, float]:
    script = Path(sys.executable).with_name("goalengine")
    check = [str(script)] if script.exists() else [sys.executable, "-m", "goalengine"]
    ours, _ = best(lambda: process([*check, "check", "rules/"]), repeats)
    floor, _ = best(
        lambda: process([sys.executable, "-c", "import pydantic, rich, simpleeval"]), repeats
    )
    return {"ours": ours, "floor": floor}


# -- 5. scaling -----------------------------------------------------------------------------


def scaling(sizes: list[tuple[int, int, int]], repeats: int) -> list[dict[str, Any]]:
    from goalengine.data.columnar import read_frame
    from goalengine.rulefile import load_rules
    from goalengine.vectorized import write_report

    rows = []
    for entities, metrics, goals in sizes:
        work = generate(CACHE, entities, metrics, goals)
        ruleset = load_rules(work.rules)
        assert ruleset.as_of is not None
        frame = read_frame(work.data)
        goals_, day = list(ruleset.goals), ruleset.as_of
        with open(os.devnull, "w", encoding="utf-8") as sink:

            def run(
                goals_: Any = goals_, frame: Any = frame, sink: Any = sink, day: Any = day
            ) -> Any:
                return write_report(goals_, frame, day, sink)

            took, totals = best(run, repeats)
        rows.append(
            {"entities": entities, "goals": goals, "results": totals.results, "seconds": took}
        )
        del frame
    return rows


def _linear(rows: list[dict[str, Any]], key: str) -> bool:
    """No worse than linear: from 1,000 results on, each step costs at most 1.5x its size
    factor in time (faster than linear -- fixed costs spread thinner -- is fine)."""
    steps = [
        (b["seconds"] / a["seconds"]) / (b[key] / a[key])
        for a, b in itertools.pairwise(rows)
        if a["results"] >= 1000
    ]
    return all(step <= 1.5 for step in steps)


def scaling_table(rows: list[dict[str, Any]], key: str) -> None:
    table = Table(key, "results", "time", "µs per result", "x time", f"x {key}")
    previous = None
    for row in rows:
        per = row["seconds"] / row["results"] * 1e6
        growth = size = ""
        if previous is not None:
            growth = f"{row['seconds'] / previous['seconds']:.1f}"
            size = f"{row[key] / previous[key]:.0f}"
        table.add(
            f"{row[key]:,}", f"{row['results']:,}", fmt(row["seconds"]), f"{per:.2f}", growth, size
        )
        previous = row
    table.print()


# -- main ---------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smaller run")
    parser.add_argument("--skip-scaling", action="store_true", help="leave out section 5")
    args = parser.parse_args(argv)
    quick = args.quick
    entities, metrics, goals = (200, 20, 200) if quick else (1000, 100, 1000)
    repeats = 2 if quick else 3

    import numpy

    print(f"goalengine bench: {'--quick' if quick else 'full'} run, report date {AS_OF}")
    print(
        f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} "
        f"(other processes slow every figure down), Python {sys.version.split()[0]}, "
        f"numpy {numpy.__version__}"
    )
    work = generate(CACHE, entities, metrics, goals)
    size = work.data.stat().st_size / 2**20
    print(
        f"workload: {goals:,} goals over {metrics} metrics x {entities:,} entities x 20 periods "
        f"= {work.observations:,} observations ({size:.1f} MB Parquet); "
        f"{goals * entities:,} (goal, entity) results"
    )
    targets: list[tuple[str, str, bool]] = []

    print("\n1. end to end: rule file + Parquet -> JSON report, in a fresh process")
    e2e = end_to_end(work, repeats)
    phases = ", ".join(f"{k} {v:.2f}" for k, v in e2e["phases"].items())
    print(f"  whole process            {fmt(e2e['wall'])}   ({phases})")
    print(f"  python -c 'import numpy' {fmt(e2e['numpy'])}   (for scale)")
    print(f"  report: {e2e['results']:,} results, {e2e['report_mb']:.0f} MB of JSON")
    two = end_to_end(work, repeats, workers=2)
    print(f"  with write_report(workers=2) {fmt(two['wall'])}   (the second core, when it is free)")
    if not quick:  # the targets are for the full workload
        targets.append(("end to end ≤ 5 s", fmt(e2e["wall"]), e2e["wall"] <= 5.0))

    print("\n2. judging (the frame already in memory): goalengine vs two baselines")
    judged = judging(work, repeats, 2000 if quick else 20000)
    naive = judged["simpleeval"]
    vs_naive = naive["total"] / judged["ours"]
    vs_hand = judged["ours"] / judged["hand"]
    say("goalengine evaluate_frame", judged["ours"], "verdicts, projections, probabilities")
    say("... and the JSON report", judged["with_json"], "explanations for every result")
    say("hand-written numpy", judged["hand"], f"{judged['agree']} of {goals} goals agree")
    per_pair = f"{naive['per_pair'] * 1e6:.1f} µs a pair, on a sample, x {goals * entities:,}"
    say("fresh simpleeval per pair", naive["total"], per_pair)
    print(f"  -> {vs_naive:.0f}x faster than simpleeval per pair; {vs_hand:.2f}x hand-written")
    targets.append(("≥ 20x faster than simpleeval per pair", f"{vs_naive:.0f}x", vs_naive >= 20))
    targets.append(("within 3x of hand-written numpy", f"{vs_hand:.2f}x", vs_hand <= 3))

    print("\n3. peak memory of the end-to-end process")
    raw = work.raw_bytes / 2**20
    allowed = 3 * raw + 200
    print(f"  peak RSS {e2e['maxrss_mb']:.0f} MB; raw float64 data {raw:.1f} MB;")
    print(f"  allowed 3 x {raw:.1f} + 200 = {allowed:.0f} MB")
    targets.append(
        (
            "peak memory ≤ 3x data + 200 MB",
            f"{e2e['maxrss_mb']:.0f} MB",
            e2e["maxrss_mb"] <= allowed,
        )
    )

    print("\n4. cold start: goalengine check rules/ (the shipped rules)")
    cold = cold_start(7 if not quick else 3)
    ratio = cold["ours"] / cold["floor"]
    print(f"  goalengine check rules/                          {fmt(cold['ours'])}")
    print(f"  python -c 'import pydantic, rich, simpleeval'    {fmt(cold['floor'])}")
    print(f"  -> {ratio:.2f}x")
    targets.append(("check rules/ within 2.5x of the imports", f"{ratio:.2f}x", ratio <= 2.5))

    if not args.skip_scaling:
        print("\n5. scaling (judging + JSON to /dev/null; best of 2)")
        entity_sizes = [10, 100, 1000, 10000] + ([] if quick else [100000])
        goal_sizes = [10, 100, 1000] + ([] if quick else [10000])
        print("  entities (10 goals over 10 metrics):")
        rows = scaling([(n, 10, 10) for n in entity_sizes], 2)
        scaling_table(rows, "entities")
        linear_e = _linear(rows, "entities")
        print("  goals (100 entities, 100 metrics):")
        rows = scaling([(100, 100, n) for n in goal_sizes], 2)
        scaling_table(rows, "goals")
        linear_g = _linear(rows, "goals")
        targets.append(
            (
                "time linear in entities (each 10x step ≤ 15x the time)",
                "yes" if linear_e else "no",
                linear_e,
            )
        )
        targets.append(
            (
                "time linear in goals (each 10x step ≤ 15x the time)",
                "yes" if linear_g else "no",
                linear_g,
            )
        )

    print("\ntargets:")
    table = Table("target", "measured", "")
    for name, measured, ok in targets:
        table.add(name, measured, "met" if ok else "MISSED")
    table.print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
