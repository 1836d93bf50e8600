"""Run one child process as a user would, and measure it alone: wall time and peak memory.

Each child gets an address-space limit (``RLIMIT_AS``) and a timeout, so a path that would
take the machine down is reported as "out of memory" or "timeout" instead. Its peak
resident set size comes from ``os.wait4``: the rusage of that child alone, not the running
maximum over all children that ``getrusage(RUSAGE_CHILDREN)`` gives.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

#: What a child's stderr says when it ran out of memory (Python, C++, DuckDB, Rust).
_OOM = ("MemoryError", "std::bad_alloc", "Out of Memory", "memory allocation of", "OutOfMemory")


@dataclass(frozen=True)
class Outcome:
    seconds: float
    peak_mb: float
    status: str
    """'ok', 'timeout', 'out of memory' or 'failed (exit N)'."""
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def run(
    args: list[str],
    *,
    cwd: Path,
    timeout: float,
    memory_bytes: int,
    env: dict[str, str] | None = None,
    ok_codes: tuple[int, ...] = (0,),
) -> Outcome:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            args,
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
            preexec_fn=limit,
            start_new_session=True,  # a timeout ends the child and anything it started
        )
        expired = threading.Event()

        def kill() -> None:
            expired.set()
            os.killpg(proc.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    peak = usage.ru_maxrss / 1024  # KiB on Linux
    code = proc.returncode
    if expired.is_set():
        verdict = "timeout"
    elif code in ok_codes:
        verdict = "ok"
    elif code == -signal.SIGKILL or any(sign in stderr for sign in _OOM):
        verdict = "out of memory"
    else:
        verdict = f"failed (exit {code})"
    return Outcome(seconds, peak, verdict, stdout, stderr)
