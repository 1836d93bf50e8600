"""Open data files as untrusted input: inside the data root, regular files, bounded size.

Every reader of a data file goes through here, so the checks exist once: the path is
resolved (symlinks included) and must lie inside the data root; only regular files are
opened (a FIFO would hang the run, a device would never end); the size is checked from
the file's status before reading and again while reading (``/proc`` files report 0).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from ..errors import DataError, Span
from ..limits import DEFAULT_LIMITS, Limits

__all__ = ["confine", "open_data_file", "read_data_bytes"]


def confine(path: str | Path, root: Path | None, span: Span | None = None) -> Path:
    """``path`` resolved; a :class:`DataError` if it does not exist or lies outside ``root``."""
    name = str(path)
    where = span or Span(file=name)
    try:
        resolved = Path(path).resolve(strict=True)
    except FileNotFoundError:
        raise DataError(f"data file not found: {name}", where) from None
    except (OSError, RuntimeError) as error:  # symlink loops, permissions
        raise DataError(f"cannot resolve data path {name}: {error}", where) from None
    if root is not None:
        base = root.resolve()
        if not resolved.is_relative_to(base):
            raise DataError(
                f"data path {name} lies outside the data root {base}",
                where,
                "data files must be inside the data root; widen it with --data-root DIR",
            )
    return resolved


def _check(info: os.stat_result, name: str, limits: Limits, where: Span) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise DataError(f"not a regular file: {name}", where, "data must be a plain file")
    if info.st_size > limits.data_file_bytes:
        raise DataError(
            f"data file is {info.st_size:,} bytes; the limit is {limits.data_file_bytes:,}",
            where,
            "raise it with --max-data-bytes",
        )


def open_data_file(
    path: str | Path,
    *,
    root: Path | None = None,
    limits: Limits = DEFAULT_LIMITS,
    span: Span | None = None,
) -> BinaryIO:
    """Open a data file for reading after the checks above (the caller closes it)."""
    name = str(path)
    where = span or Span(file=name)
    resolved = confine(path, root, where)
    try:
        _check(os.stat(resolved), name, limits, where)
        fd = os.open(resolved, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError as error:
        raise DataError(f"cannot read data file: {error.strerror}", where) from None
    try:
        _check(os.fstat(fd), name, limits, where)  # the file may have been swapped
    except DataError:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def read_data_bytes(
    path: str | Path,
    *,
    root: Path | None = None,
    limits: Limits = DEFAULT_LIMITS,
    span: Span | None = None,
) -> bytes:
    """A data file's bytes, checked as :func:`open_data_file`, never more than the limit."""
    with open_data_file(path, root=root, limits=limits, span=span) as stream:
        raw = stream.read(limits.data_file_bytes + 1)
    if len(raw) > limits.data_file_bytes:
        where = span or Span(file=str(path))
        raise DataError(
            f"data file is larger than the limit of {limits.data_file_bytes:,} bytes",
            where,
            "raise it with --max-data-bytes",
        )
    return raw
