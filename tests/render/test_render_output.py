"""--output is all or nothing: a failure or a SIGTERM mid-write leaves the previous report
as it was and no temporary file behind."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from goalengine.cli import main
from goalengine.render import output as output_module

ROOT = Path(__file__).resolve().parents[2]
GOOD = '{"the previous": "report"}\n'


def write_rules(folder: Path, goals: int = 3) -> Path:
    rules = folder / "rules.yaml"
    lines = ["as_of: 2012-06-30", "data: {m: {2010: 1, 2011: 2}}", "goals:"]
    lines += [f"  - id: g{i:04d}\n    rule: m >= {i % 4} by 2014" for i in range(goals)]
    rules.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return rules


@pytest.fixture
def rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return write_rules(tmp_path)


@pytest.fixture
def previous(tmp_path: Path) -> Path:
    report = tmp_path / "out" / "report.json"
    report.parent.mkdir()
    report.write_text(GOOD, encoding="utf-8")
    return report


def assert_untouched(report: Path) -> None:
    assert report.read_text(encoding="utf-8") == GOOD
    assert sorted(p.name for p in report.parent.iterdir()) == [report.name]  # no temp file


def test_a_good_run_replaces_the_report(previous: Path, rules: Path) -> None:
    assert main(["check", str(rules), "-o", str(previous), "-q"]) == 0
    assert '"results"' in previous.read_text(encoding="utf-8")
    assert sorted(p.name for p in previous.parent.iterdir()) == [previous.name]


def test_a_write_that_fails_halfway_keeps_the_previous_report(
    previous: Path,
    rules: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    real_fdopen = os.fdopen

    class HalfWriter:
        """A stream that writes half of what it is given, then finds the disk full."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            self.stream = real_fdopen(*args, **kwargs)

        def write(self, text: str) -> int:
            self.stream.write(text[: len(text) // 2])
            self.stream.flush()
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        def __getattr__(self, name: str) -> Any:
            return getattr(self.stream, name)

        def __enter__(self) -> HalfWriter:
            return self

        def __exit__(self, *exc: object) -> None:
            self.stream.close()

    monkeypatch.setattr(output_module.os, "fdopen", HalfWriter)
    assert main(["check", str(rules), "-o", str(previous)]) == 2
    assert "cannot write" in capsys.readouterr().err
    assert_untouched(previous)


def test_a_failing_fsync_keeps_the_previous_report(
    previous: Path,
    rules: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def fail(fd: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(output_module.os, "fsync", fail)
    assert main(["check", str(rules), "-o", str(previous)]) == 2
    assert "cannot write" in capsys.readouterr().err
    assert_untouched(previous)


# The child sends itself SIGTERM after the whole report went to the temporary file and
# before the rename: the worst moment for a CI job to be cancelled.
_CHILD = """
import os, signal, sys
import goalengine.render.output as output
real_fsync = output.os.fsync
def fsync(fd):
    os.kill(os.getpid(), signal.SIGTERM)
    real_fsync(fd)
output.os.fsync = fsync
from goalengine.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_sigterm_mid_write_keeps_the_previous_report(previous: Path, tmp_path: Path) -> None:
    rules = write_rules(tmp_path, goals=500)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_CHILD), "check", str(rules), "-o", str(previous)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert done.returncode == 128 + 15, done.stderr
    assert "terminated" in done.stderr
    assert "Traceback" not in done.stderr
    assert_untouched(previous)


# -- the spool of a streamed report's body ------------------------------------------------------


def test_a_spool_past_its_memory_moves_to_disk_and_copies_ranges_exactly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import io

    monkeypatch.setattr(output_module, "SPOOL_MEMORY", 1000)
    pieces = [f"| række {i} ≈ {i * 1.5} → ✓ |\n" * (i % 7 + 1) for i in range(400)]
    marks = []
    with output_module.Spool() as spool:
        for piece in pieces:
            start = spool.tell()
            spool.write(piece)
            marks.append((start, spool.tell()))
        assert spool._file._rolled  # on disk, not in memory
        for k in (0, 57, 399):
            out = io.StringIO()
            spool.copy(*marks[k], out)
            assert out.getvalue() == pieces[k]
        out = io.StringIO()
        spool.copy(marks[0][0], marks[-1][1], out)  # across 1 MiB blocks and UTF-8 sequences
        assert out.getvalue() == "".join(pieces)


def test_a_full_temporary_folder_is_not_blamed_on_the_output_file(
    rules: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def full(self: object, text: str) -> None:
        raise output_module.SpoolError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(output_module.Spool, "write", full)
    out = rules.parent / "report.md"
    assert main(["check", str(rules), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "cannot hold the report in a temporary file: No space left on device" in err
    assert "TMPDIR" in err and "--output" not in err
    assert not out.exists()
