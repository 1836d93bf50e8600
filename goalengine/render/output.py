"""Write a report file atomically: all of it or, on any failure, the old file untouched.

The text goes to a temporary file in the same folder, is flushed to disk, then renamed
over the target -- a rename within one file system is atomic, so a reader (or a CI job
killed mid-write) never sees half a report. A SIGTERM that arrives meanwhile (a CI job
cancelled) raises :class:`Terminated` instead of ending the process on the spot, so the
temporary file is removed too; the caller decides how to exit.
"""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

__all__ = ["Terminated", "atomic_output"]


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived while a report was being written (the old report is intact)."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


@contextlib.contextmanager
def _sigterm_raises() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers (and receives the signal)
        return
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def atomic_output(path: str | Path) -> Iterator[TextIO]:
    """A text stream whose content replaces ``path`` when the block ends without error."""
    with _sigterm_raises(), _replacing(Path(path)) as stream:
        yield stream


@contextlib.contextmanager
def _replacing(target: Path) -> Iterator[TextIO]:
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        if target.exists():  # keep the mode of the file we replace
            os.chmod(temporary, target.stat().st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
