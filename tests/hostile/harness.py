"""Running goalengine on hostile input the way CI does: a child process, a throw-away
repository as the working directory (so the data root), a canary file outside it, a
canary secret in the environment, and hard limits on time and memory."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CASES = Path(__file__).resolve().parent / "cases"

CANARY_ENV = "GOALENGINE_CANARY_SECRET"
CANARY_SECRET = "canaryenv7f3a9c"
CANARY_FILE = "canaryfile4b8e21"

MEMORY_LIMIT = 2 * 1024**3  # RLIMIT_AS of the child
CPU_LIMIT = 20  # RLIMIT_CPU of the child, in seconds
WALL_LIMIT = 10.0  # a blocked read (a FIFO) uses no CPU: the parent kills it (default)

# A positioned diagnostic: path:line:col: error: ... (or path:line: for a whole line).
POSITIONED = {
    "column": re.compile(r"^\S[^\n]*?:\d+:\d+: error: ", re.MULTILINE),
    "line": re.compile(r"^\S[^\n]*?:\d+(:\d+)?: error: ", re.MULTILINE),
}
# Raw characters that would act on a terminal (the renderers' own newlines and tabs aside).
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


@dataclass
class Repo:
    """A throw-away repository (the child's working directory) and a folder outside it."""

    root: Path
    outside: Path

    def write(self, name: str, text: str | bytes) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def rules(self, name: str, data: str, rule: str = "m >= 1 by 2014") -> str:
        """A one-goal rule file ``rules/<name>.yaml`` reading ``data``; its path."""
        self.write(
            f"rules/{name}.yaml",
            f"as_of: 2012-06-30\ndata: {data}\ngoals:\n  - id: g\n    rule: {rule}\n",
        )
        return f"rules/{name}.yaml"

    def symlink(self, name: str, target: str | Path) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(target)
        return path

    def fifo(self, name: str) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(path)
        return path

    def copy_case(self, name: str) -> str:
        """Copy ``cases/<name>.*`` into ``rules/``; the rule file's path."""
        for source in CASES.glob(f"{name}.*"):
            target = self.root / "rules" / source.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        return f"rules/{name}.yaml"


def make_repo(base: Path) -> Repo:
    """``base/repo`` with ``base/outside`` next to it holding the canary files."""
    outside = base / "outside"
    outside.mkdir()
    # Looks like data (so a leak shows as a did-you-mean or a value) ...
    (outside / "secret.csv").write_text(
        f"metric,period,value\n{CANARY_FILE},2010,1\n{CANARY_FILE},2011,2\n", encoding="utf-8"
    )
    # ... and like a secrets file (so a leak shows as an echoed "header").
    (outside / "secret.txt").write_text(f"TOKEN={CANARY_FILE}\n", encoding="utf-8")
    root = base / "repo"
    root.mkdir()
    return Repo(root, outside)


@dataclass(frozen=True)
class Case:
    """One hostile input: how to build it, how to run it and what must come out."""

    id: str
    build: Callable[[Repo], Sequence[str]]
    """Writes the input into the repo; returns the command line after ``goalengine``."""
    exit: int = 2
    position: str = "column"
    """stderr must name file:line:col ("column"), file:line ("line", a whole line is to
    blame) or nothing ("none": no text file is to blame)."""
    expect: tuple[str, ...] = ()
    """Strings that must appear in stdout, stderr or the report file."""
    output: bool = True
    """Add ``-f json -o report.json`` (``check`` only) and inspect that file too."""
    seconds: float = WALL_LIMIT
    """Wall-clock limit: ~1 s is a normal answer; ``test --properties`` runs Hypothesis."""


@dataclass
class Outcome:
    code: int
    out: str
    err: str
    report: str | None
    seconds: float
    peak_mb: float
    killed: bool = False
    notes: list[str] = field(default_factory=list)


# ``python -m goalengine`` with the limits set first, in the child itself (a preexec_fn
# is unsafe when the cases run from several threads).
_LIMITED = f"""
import resource, runpy
resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_LIMIT}, {MEMORY_LIMIT}))
resource.setrlimit(resource.RLIMIT_CPU, ({CPU_LIMIT}, {CPU_LIMIT}))
runpy.run_module("goalengine", run_name="__main__", alter_sys=True)
"""


def run_case(case: Case, base: Path) -> Outcome:
    """Build ``case`` under ``base`` and run it in a limited child process."""
    repo = make_repo(base)
    argv = list(case.build(repo))
    report_path = repo.root / "report.json"
    if case.output and argv and argv[0] == "check":
        argv += ["-f", "json", "-o", str(report_path)]
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("FORCE_COLOR", "COLUMNS") and not key.startswith("GOALENGINE_")
    }
    env.update({CANARY_ENV: CANARY_SECRET, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"})
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-c", _LIMITED, *argv],
            cwd=repo.root,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
        )
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            child.send_signal(signal.SIGKILL)

        timer = threading.Timer(case.seconds, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(child.pid, 0)
        finally:
            timer.cancel()
        child.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    report = report_path.read_text("utf-8", "replace") if report_path.is_file() else None
    return Outcome(
        child.returncode,
        stdout,
        stderr,
        report,
        seconds,
        usage.ru_maxrss / 1024,  # KiB on Linux
        killed.is_set(),
    )


def problems(case: Case, outcome: Outcome) -> list[str]:
    """Everything ``outcome`` does wrong for ``case`` (empty: it answered as it must)."""
    found = []
    if outcome.killed:
        found.append(f"still running after {case.seconds:.0f} s: killed")
    elif outcome.code < 0:
        found.append(f"killed by signal {-outcome.code} (CPU or memory limit?)")
    elif outcome.code != case.exit:
        found.append(f"exit {outcome.code}, expected {case.exit}")
    texts = {"stdout": outcome.out, "stderr": outcome.err, "report": outcome.report or ""}
    for name, text in texts.items():
        for secret in (CANARY_SECRET, CANARY_FILE):
            if secret in text:
                found.append(f"{name} echoes outside content ({secret})")
        for marker in ("Traceback", "internal error"):
            if marker in text:
                found.append(f"{name} has {marker!r}")
        raw = sorted(set(RAW_CONTROL.findall(text)))
        if raw:
            found.append(f"{name} has raw control characters {raw!r}")
    pattern = POSITIONED.get(case.position)
    if case.exit == 2 and pattern is not None and not pattern.search(outcome.err):
        found.append(f"no path:line{':col' * (case.position == 'column')}: error: in stderr")
    everything = "\n".join(texts.values())
    found.extend(f"{want!r} not in the output" for want in case.expect if want not in everything)
    return found
