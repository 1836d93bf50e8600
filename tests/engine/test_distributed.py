"""``goalengine check --scheduler`` / ``--workers`` against real Dask processes.

A module fixture writes a hive-partitioned dataset (20,000 entities x 20 metrics x 20 years,
bench/dask_cluster.py's generator) and starts a real ``dask scheduler`` with two ``dask
worker`` processes on 127.0.0.1 (free ports, no nanny: a killed worker stays dead). Each
test runs the CLI and compares its JSON report with the single-process run's, text and
goal by goal, entity by entity. Two goals keep it under a minute on a busy machine: one
with an ``x[*]`` roll-up (peers broadcast), one with an ``x@reference``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("numpy")
pytest.importorskip("pyarrow")
pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parents[2]


def _bench() -> Any:
    """bench/dask_cluster.py, loaded by path (bench/ is not a package)."""
    sys.path.insert(0, str(ROOT / "bench"))  # for its own `import workload`
    spec = importlib.util.spec_from_file_location(
        "bench_distributed", ROOT / "bench" / "dask_cluster.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


generate_dataset = _bench().generate_dataset

pytestmark = pytest.mark.slow

ENTITIES, METRICS, GOALS = 20_000, 20, 10
SELECT = "g00006,g00009"  # mean(m[*]) and m >= 0.9 * m@national
TIMEOUT = 240


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "ignore"}


def _check(rules: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "goalengine", "check", str(rules), "--format", "json",
         "--select", SELECT, *extra],
        capture_output=True, text=True, env=_env(), timeout=TIMEOUT, check=False,
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr[-3000:]
    return done


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _start(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "dask", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=_env(),
        start_new_session=True,
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


class Cluster:
    def __init__(self, address: str, scheduler: subprocess.Popen[bytes]) -> None:
        self.address = address
        self.scheduler = scheduler
        self.workers: dict[str, subprocess.Popen[bytes]] = {}

    def client(self) -> Any:
        from distributed import Client

        return Client(self.address, timeout=60)


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return generate_dataset(tmp_path_factory.mktemp("dataset"), ENTITIES, METRICS, GOALS)


@pytest.fixture(scope="module")
def single(work: Any) -> str:
    """The single-process report: what every distributed run must give."""
    return _check(work.rules).stdout


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    port = _port()
    address = f"tcp://127.0.0.1:{port}"
    scheduler = _start("scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard")
    found = Cluster(address, scheduler)
    try:
        for name in ("w0", "w1"):
            found.workers[name] = _start(
                "worker", address, "--name", name, "--nthreads", "1", "--no-nanny",
                "--no-dashboard", "--host", "127.0.0.1", "--death-timeout", "120",
            )  # fmt: skip
        with found.client() as client:
            client.wait_for_workers(2, timeout=120)
        yield found
    finally:
        for process in [*found.workers.values(), scheduler]:
            _stop(process)


def _same(single: str, other: str) -> None:
    """Goal by goal and entity by entity, then to the byte."""
    mine, theirs = json.loads(single), json.loads(other)
    assert len(theirs["results"]) == len(mine["results"]) > ENTITIES
    for a, b in zip(mine["results"], theirs["results"], strict=True):
        assert (b["goal"], b["entity"]) == (a["goal"], a["entity"])
        assert b == a
    assert theirs["summary"] == mine["summary"]
    assert theirs["rollups"] == mine["rollups"]
    assert other == single


def test_a_scheduler_gives_the_single_process_report(
    work: Any, single: str, cluster: Cluster
) -> None:
    _same(single, _check(work.rules, "--scheduler", cluster.address).stdout)


def test_a_local_cluster_gives_the_single_process_report(work: Any, single: str) -> None:
    _same(single, _check(work.rules, "--workers", "2").stdout)


def test_a_worker_killed_mid_run_changes_nothing(
    work: Any, single: str, cluster: Cluster, tmp_path: Path
) -> None:
    """SIGKILL the first worker seen running a task of the run; Dask reruns its tasks
    on the other, and the report is still the single-process one."""
    out = tmp_path / "report.json"
    with out.open("w") as stream:
        run = subprocess.Popen(
            [sys.executable, "-m", "goalengine", "check", str(work.rules), "--format", "json",
             "--select", SELECT, "--scheduler", cluster.address],
            stdout=stream, stderr=subprocess.PIPE, env=_env(),
        )  # fmt: skip
    killed = None
    try:
        with cluster.client() as client:
            deadline = time.monotonic() + TIMEOUT
            while killed is None and run.poll() is None and time.monotonic() < deadline:
                busy = [address for address, tasks in client.processing().items() if tasks]
                names = {a: w["name"] for a, w in client.scheduler_info()["workers"].items()}
                if busy:
                    killed = str(names[busy[0]])
                    os.kill(cluster.workers[killed].pid, signal.SIGKILL)
                    break
                time.sleep(0.05)
        _, errors = run.communicate(timeout=TIMEOUT)
    finally:
        if run.poll() is None:
            run.kill()
    assert killed is not None, "the run ended before any worker ran a task"
    assert cluster.workers[killed].wait(timeout=30) == -signal.SIGKILL
    assert run.returncode in (0, 1), errors.decode()[-3000:]
    _same(single, out.read_text(encoding="utf-8"))
