"""Run one child process as a user would, and measure it alone: wall time and peak memory.

Each child gets an address-space limit (``RLIMIT_AS``) and a timeout, so a path that would
take the machine down is reported as "out of memory" or "timeout" instead. Its peak
resident set size is the rusage of that child alone (``os.wait4``), taken by a small
wrapper (bench/measure_child.py) so that the benchmark's own memory does not count.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

WRAPPER = Path(__file__).resolve().with_name("measure_child.py")

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
    with tempfile.TemporaryDirectory() as scratch:
        result = Path(scratch) / "result.json"
        out, err = Path(scratch) / "stdout", Path(scratch) / "stderr"
        wrapper = [sys.executable, "-S", str(WRAPPER), str(result), str(timeout)]
        with open(out, "wb") as stdout, open(err, "wb") as stderr:
            subprocess.run(
                [*wrapper, str(memory_bytes), *args],
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                stderr=stderr,
                timeout=timeout + 60,  # the wrapper ends the command at ``timeout``
                check=True,
            )
        info = json.loads(result.read_text(encoding="utf-8"))
        stdout_text = out.read_text(encoding="utf-8", errors="replace")
        stderr_text = err.read_text(encoding="utf-8", errors="replace")
    code = info["exit"]
    if info["timeout"]:
        status = "timeout"
    elif code in ok_codes:
        status = "ok"
    elif code == -signal.SIGKILL or any(sign in stderr_text for sign in _OOM):
        status = "out of memory"
    else:
        status = f"failed (exit {code})"
    return Outcome(info["seconds"], info["peak_kib"] / 1024, status, stdout_text, stderr_text)
