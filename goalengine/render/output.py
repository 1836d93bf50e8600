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
from typing import IO, TextIO

__all__ = ["SPOOL_MEMORY", "Spool", "SpoolError", "Terminated", "atomic_output"]

#: A spooled report body stays in memory up to this many bytes, then moves to a temporary file.
SPOOL_MEMORY = 32 << 20


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


class SpoolError(OSError):
    """The spool's temporary file could not be written or read (a full temporary folder):
    not a problem of the output file."""


class Spool:
    """Text written now and copied out later, in ranges: a report body whose heading (the
    counts) is known only at its end. Memory up to :data:`SPOOL_MEMORY`, then a temporary
    file, so a million rows cost disk, not memory."""

    def __init__(self) -> None:
        # Closed by __exit__: a spool lives as long as the report it holds.
        self._file = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY, mode="w+b")  # noqa: SIM115

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc: object) -> None:
        self._file.close()

    def write(self, text: str) -> None:
        try:
            self._file.write(text.encode())
        except OSError as error:
            raise SpoolError(error.errno, error.strerror) from error

    def tell(self) -> int:
        return self._file.tell()

    def copy(self, start: int, stop: int, stream: IO[str]) -> None:
        """Write the text between offsets ``start`` and ``stop`` (from :meth:`tell`)."""
        import codecs

        decoder = codecs.getincrementaldecoder("utf-8")()
        end = self._file.tell()
        self._file.seek(start)
        left = stop - start
        while left > 0:
            try:
                block = self._file.read(min(left, 1 << 20))
            except OSError as error:
                raise SpoolError(error.errno, error.strerror) from error
            if not block:
                raise ValueError(f"spool holds no text at {stop - left}")
            left -= len(block)
            stream.write(decoder.decode(block, final=left <= 0))
        self._file.seek(end)
