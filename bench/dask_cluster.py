"""Distributed (a local Dask cluster) against single-process, on a partitioned dataset.

    python bench/dask_cluster.py [--entities 20000] [--metrics 20] [--goals 10] [--workers 2]

Writes a hive-partitioned Parquet dataset (``entity_bucket=NN/part-0.parquet``, figures of
bench/workload.py's kind: ``metrics`` metrics x ``entities`` entities x 20 years, plus a
reference entity ``national``) and a rule file naming it, then times
``goalengine check --format json`` once in one process and once with ``--workers N``,
checks that both reports are the same text, and prints the times and the overhead ratio.
:func:`generate_dataset` is also the data of tests/engine/test_distributed.py.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from workload import AS_OF, FIRST_YEAR, YEARS, goal_specs

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = "national"


@dataclass(frozen=True)
class PartitionedWorkload:
    directory: Path
    rules: Path
    dataset: Path
    entities: int
    metrics: int
    goals: int

    @property
    def observations(self) -> int:
        return (self.entities + 1) * self.metrics * YEARS


def generate_dataset(
    directory: Path, entities: int, metrics: int, goals: int, buckets: int = 8, seed: int = 7
) -> PartitionedWorkload:
    """The dataset (``buckets`` hive partitions of contiguous entities) and its rule file.

    Goals cycle through bench/workload.py's shapes (one of them ``mean(x[*])``); every
    tenth goal instead compares with the reference entity (``x@national``).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    dataset = directory / "figures"
    rules = directory / "goals.yaml"
    rng = np.random.default_rng(seed)
    width = len(str(entities - 1))
    names = [f"district-{i:0{width}d}" for i in range(entities)] + [REFERENCE]
    count = len(names)
    start = rng.uniform(25, 75, size=(metrics, count, 1))
    slope = rng.normal(0.0, 1.2, size=(metrics, count, 1))
    noise = rng.normal(0.0, 2.0, size=(metrics, count, YEARS))
    years = np.arange(YEARS).reshape(1, 1, YEARS)
    values = np.round(np.clip(start + slope * years + noise, 0.5, 99.5), 1)
    metric_names = pa.array([f"m{i}" for i in range(metrics)])
    period_names = pa.array([str(FIRST_YEAR + y) for y in range(YEARS)])
    edges = np.linspace(0, count, buckets + 1).astype(int)
    for bucket in range(buckets):
        low, high = int(edges[bucket]), int(edges[bucket + 1])
        n = high - low
        # Rows by metric, then entity: a metric's rows are contiguous, so the row groups
        # of metrics a run does not name are skipped on their statistics.
        metric_codes = np.repeat(np.arange(metrics, dtype=np.int32), n * YEARS)
        entity_codes = np.tile(np.repeat(np.arange(n, dtype=np.int32), YEARS), metrics)
        period_codes = np.tile(np.arange(YEARS, dtype=np.int32), metrics * n)
        table = pa.table(
            {
                "metric": pa.DictionaryArray.from_arrays(metric_codes, metric_names),
                "entity": pa.DictionaryArray.from_arrays(entity_codes, pa.array(names[low:high])),
                "period": pa.DictionaryArray.from_arrays(period_codes, period_names),
                "value": pa.array(values[:, low:high, :].reshape(-1), type=pa.float64()),
            }
        )
        folder = dataset / f"entity_bucket={bucket:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, folder / "part-0.parquet", row_group_size=max(n * YEARS, 1024))
    lines = [
        "title: Synthetic per-entity goals over a partitioned dataset (bench/dask_cluster.py)",
        f"as_of: {AS_OF}",
        "data: [{dataset: figures/, format: parquet}]",
        "goals:",
    ]
    for index, (goal_id, rule, baseline, unit) in enumerate(goal_specs(goals, metrics)):
        if index % 10 == 9:
            metric = rule.split()[0]
            rule, baseline, unit = f"{metric} >= 0.9 * {metric}@{REFERENCE}", None, None
        lines += [f"  - id: {goal_id}", f'    rule: "{rule}"', "    for_each: entity"]
        lines += [f'    baseline: "{baseline}"'] * bool(baseline)
        lines += [f'    unit: "{unit}"'] * bool(unit)
    rules.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return PartitionedWorkload(directory, rules, dataset, entities, metrics, goals)


def check(rules: Path, out: Path, *extra: str, timeout: float = 1800) -> tuple[float, float]:
    """Wall and CPU seconds (its own and its children's: a local cluster's) of
    ``goalengine check rules --format json -o out *extra``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "ignore"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "goalengine", "check", str(rules), "--format", "json",
         "-o", str(out), "--quiet", *extra],
        capture_output=True, text=True, env=env, timeout=timeout, check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"goalengine check failed ({done.returncode}): {done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu


def _cpu(pid: int) -> float:
    """CPU seconds of a running process so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def on_cluster(rules: Path, out: Path, workers: int) -> tuple[float, float]:
    """:func:`check` on a cluster started beforehand (``dask scheduler`` and ``workers``
    ``dask worker`` processes): the run's wall time, and its CPU with the workers'."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "ignore"}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env}
    dask = [sys.executable, "-m", "dask"]
    started = [subprocess.Popen([*dask, "scheduler", "--host", "127.0.0.1", "--port",
                                 str(port), "--no-dashboard"], **quiet)]  # type: ignore[call-overload]  # fmt: skip
    try:
        for _ in range(workers):
            started.append(subprocess.Popen([*dask, "worker", address, "--nthreads", "1",
                           "--no-nanny", "--no-dashboard"], **quiet))  # type: ignore[call-overload]  # fmt: skip
        time.sleep(1)
        ready = "from distributed import Client; import sys; "
        ready += f"c = Client('{address}', timeout=120); c.wait_for_workers({workers}, 120)"
        subprocess.run([sys.executable, "-c", ready], env=env, check=True, timeout=300, cwd="/")
        before = sum(_cpu(p.pid) for p in started)
        seconds, cpu = check(rules, out, "--scheduler", address)
        return seconds, cpu + sum(_cpu(p.pid) for p in started) - before
    finally:
        for process in started:
            process.kill()
            process.wait()


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def cost_model(work: PartitionedWorkload, workers: int) -> None:
    """The numbers of docs/scaling.md's cost model, in CPU seconds where the machine is
    shared: one task's read and judge per 10^6 observations, result bytes per 10^6
    results, and the scheduler's overhead per (empty) task."""
    from goalengine import load_rules
    from goalengine.engine.distributed import _Plan, judge_part
    from goalengine.engine.scalar import judging_day
    from goalengine.limits import DEFAULT_LIMITS

    class Here:  # the plan's broadcast, in this process
        def scatter(self, value: object, broadcast: bool) -> object:
            return value

    ruleset = load_rules(work.rules)
    plan = _Plan(Here(), None, None, None, DEFAULT_LIMITS, 4, 32, True)
    began = time.process_time()
    job = plan._job(ruleset, ruleset.data_sources[0])
    planned = time.process_time() - began
    task = plan._task(job, list(ruleset.goals), judging_day(ruleset, None), job.ranges[1])
    began = time.process_time()
    answers = judge_part(task, job.peers)
    spent = time.process_time() - began
    results = sum(len(answer.texts) for answer in answers)
    size = sum(len(text.encode()) + 6 for answer in answers for text in answer.texts)
    observations = work.observations / len(job.ranges)  # the part's share, all metrics
    print(f"plan pass (labels, peers): {planned:6.2f} CPU s for {work.observations:,} obs")
    print(f"one part: {observations:,.0f} observations, {results:,} results, {spent:.2f} CPU s")
    print(f"  per 10^6 observations read and judged: {spent / observations * 1e6:6.2f} CPU s")
    print(f"  per 10^6 results: {spent / results * 1e6:6.1f} CPU s, {size / results:,.0f} bytes")
    # In a process of its own: this file's name would hide Dask's `distributed` package
    # from a worker started from here.
    done = subprocess.run(
        [sys.executable, "-c", _OVERHEAD, str(workers)],
        capture_output=True, text=True, cwd=ROOT, timeout=600, check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "ignore"},
    )  # fmt: skip
    print(f"scheduler overhead per task: {float(done.stdout) * 1e3:.1f} ms")


_OVERHEAD = """
import sys, time
from goalengine.engine.distributed import close, connect
if __name__ == "__main__":
    client = connect(None, int(sys.argv[1]))
    client.submit(int, 0).result()
    began = time.perf_counter()
    client.gather([client.submit(int, i, pure=False) for i in range(500)])
    print((time.perf_counter() - began) / 500)
    close(client)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=20_000)
    parser.add_argument("--metrics", type=int, default=20)
    parser.add_argument("--goals", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--model", action="store_true", help="measure the cost model only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="goalengine-bench-") as folder:
        began = time.perf_counter()
        work = generate_dataset(Path(folder), args.entities, args.metrics, args.goals)
        made = time.perf_counter() - began
        if args.model:
            cost_model(work, args.workers)
            return
        outs = [Path(folder) / f"{name}.json" for name in ("single", "local", "cluster")]
        runs: list[list[tuple[float, float]]] = [[], [], []]
        for _ in range(args.repeat):
            runs[0].append(check(work.rules, outs[0]))
            runs[1].append(check(work.rules, outs[1], "--workers", str(args.workers)))
            runs[2].append(on_cluster(work.rules, outs[2], args.workers))
        with outs[0].open(encoding="utf-8") as stream:
            results = sum(1 for line in stream if line.startswith('      "entity": '))
        digests = {_digest(out) for out in outs}
        print(
            f"{work.entities:,} entities x {work.metrics} metrics x {YEARS} years "
            f"({work.observations:,} observations, written in {made:.1f} s); "
            f"{work.goals} goals, {results:,} results, report {outs[0].stat().st_size:,} bytes"
        )
        print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        wall, cpu = min(r[0] for r in runs[0]), min(r[1] for r in runs[0])
        names = ["single process", f"--workers {args.workers} (start)", "running cluster"]
        for name, timed in zip(names, runs, strict=True):
            w, c = min(t[0] for t in timed), min(t[1] for t in timed)
            print(
                f"{name:24}: wall {w:7.2f} s ({w / wall:4.2f}x)  CPU {c:7.2f} s ({c / cpu:4.2f}x)"
            )
        print(f"identical output        : {len(digests) == 1}")
        if len(digests) != 1:
            sys.exit(1)


if __name__ == "__main__":
    main()
