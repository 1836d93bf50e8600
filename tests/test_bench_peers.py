"""bench/run.py compares goalengine with peers only if they judge alike: here, on a tiny
workload, each peer's verdict counts per goal equal those of ``goalengine check``'s report.

Nothing is timed. The peers' libraries are not test dependencies (they are the ``bench``
extra), so each peer is skipped where its library is missing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(BENCH))

pytest.importorskip("numpy")
pytest.importorskip("pyarrow")

import agree  # noqa: E402
from workload import Workload, generate, goal_plan  # noqa: E402

ENTITIES, METRICS, GOALS = 20, 3, 20


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workload, Path]:
    directory = tmp_path_factory.mktemp("bench")
    work = generate(directory, ENTITIES, METRICS, GOALS)
    plan = directory / "plan.json"
    plan.write_text(json.dumps(goal_plan(GOALS, METRICS)))
    return work, plan


def child_env() -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }


@pytest.fixture(scope="module")
def ours(work: tuple[Workload, Path]) -> agree.Counts:
    """goalengine's verdict counts, from the JSON report of the CLI run on the CSV file."""
    workload, _ = work
    out = workload.directory / "report.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "goalengine",
            "check",
            workload.csv_rules.name,
            "-f",
            "json",
            "-o",
            str(out),
        ],
        cwd=workload.directory,
        env=child_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    counts = agree.report_counts(out)
    assert sum(sum(v.values()) for v in counts.values()) == ENTITIES * GOALS
    return counts


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
@pytest.mark.parametrize("peer", ["duckdb", "polars", "numpy"])
def test_peer_agrees_with_goalengine(
    peer: str, fmt: str, work: tuple[Workload, Path], ours: agree.Counts
) -> None:
    pytest.importorskip(peer)
    workload, plan = work
    data = workload.csv if fmt == "csv" else workload.data
    out = workload.directory / f"{peer}-{fmt}.csv"
    done = subprocess.run(
        [sys.executable, str(BENCH / "peers" / f"{peer}_peer.py"), str(data), str(plan), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    theirs = json.loads(done.stdout)
    assert agree.differences(ours, theirs) == []
    assert len(out.read_text().splitlines()) == 1 + ENTITIES * GOALS  # header + one per result


def test_a_differing_count_is_reported(ours: agree.Counts) -> None:
    goal = sorted(ours)[0]
    changed = {**ours, goal: {"met": ENTITIES + 1}}
    assert agree.differences(ours, changed) == [f"{goal}: goalengine {ours[goal]} vs {{'met': 21}}"]


@pytest.mark.parametrize("indent", [None, 2])
def test_report_counts_read_in_chunks(
    indent: int | None,
    work: tuple[Workload, Path],
    ours: agree.Counts,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Counting in small chunks, compact or indented, gives what loading the report gives."""
    workload, _ = work
    report = json.loads((workload.directory / "report.json").read_text(encoding="utf-8"))
    expected: agree.Counts = {}
    for result in report["results"]:
        verdicts = expected.setdefault(result["goal"], {})
        verdicts[result["verdict"]] = verdicts.get(result["verdict"], 0) + 1
    copy = workload.directory / f"report-{indent}.json"
    copy.write_text(json.dumps(report, indent=indent), encoding="utf-8")
    monkeypatch.setattr(agree, "_CHUNK", 1000)
    assert agree.report_counts(copy) == expected == ours


def test_a_summary_that_does_not_add_up_is_an_error(
    work: tuple[Workload, Path], ours: agree.Counts
) -> None:
    workload, _ = work
    report = json.loads((workload.directory / "report.json").read_text(encoding="utf-8"))
    report["summary"]["met"] += 1
    copy = workload.directory / "report-bad.json"
    copy.write_text(json.dumps(report), encoding="utf-8")
    with pytest.raises(ValueError, match="summary"):
        agree.report_counts(copy)
