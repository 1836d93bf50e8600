"""Open data files as untrusted input: inside the data root, regular files, bounded size.

Every reader of a data file goes through here, so the checks exist once: the path is
resolved (symlinks included) and must lie inside the data root; only regular files are
opened (a FIFO would hang the run, a device would never end); the size is checked from
the file's status before reading and again while reading (``/proc`` files report 0).
Rule files are read through the same opener (:func:`read_regular_file`), without a root:
the user names them.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from ..errors import DataError, GoalEngineError, Span
from ..limits import DEFAULT_LIMITS, Limits

__all__ = [
    "check_data_file",
    "confine",
    "default_data_root",
    "describe_root",
    "inside_root",
    "open_data_file",
    "read_data_bytes",
    "read_regular_file",
]

_GROW_HINT = "raise it with --max-data-bytes"


def default_data_root(given: str | Path, cwd: str | Path | None = None) -> Path:
    """The data root for rule files found under ``given`` (a rule file or a directory).

    The current directory when ``given`` lies inside it -- so ``goalengine check rules/``
    from a repository's root may read ``../../datasets/`` -- else ``given``'s own folder
    (a directory: itself; a file: its parent).
    """
    here = Path(os.path.abspath(cwd if cwd is not None else os.getcwd()))
    path = Path(os.path.abspath(given))
    if path.is_relative_to(here):
        return here
    return path if path.is_dir() else path.parent


def describe_root(root: Path) -> str:
    """The root as a message names it: relative to the current directory when inside it."""
    base = root.resolve()
    here = Path.cwd().resolve()
    if base == here:
        return "the current directory"
    if base.is_relative_to(here):
        return str(base.relative_to(here))
    return str(base)


def inside_root(
    path: str | Path, root: Path | None, span: Span | None = None, *, name: str | None = None
) -> Path:
    """``path`` resolved (symlinks included); a :class:`DataError` if it lies outside ``root``.

    Nothing outside the root is looked at: whether such a file exists is never told.
    """
    name = name or str(path)
    where = span or Span(file=str(path))
    try:
        resolved = Path(path).resolve()
    except (OSError, RuntimeError) as error:  # symlink loops, permissions
        raise DataError(f"cannot resolve data path {name}: {error}", where) from None
    if root is not None and not resolved.is_relative_to(root.resolve()):
        linked = resolved != Path(os.path.abspath(path))
        raise DataError(
            f"data path '{name}'"
            + (f" (a link to {resolved})" if linked else "")
            + f" lies outside the data root ({describe_root(root)})",
            where,
            "data files must be inside the data root; widen it with --data-root DIR",
        )
    return resolved


def confine(
    path: str | Path,
    root: Path | None,
    span: Span | None = None,
    *,
    name: str | None = None,
    missing_hint: str | None = None,
) -> Path:
    """:func:`inside_root`, and a :class:`DataError` if the file does not exist."""
    resolved = inside_root(path, root, span, name=name)
    if not os.path.lexists(resolved):
        where = span or Span(file=str(path))
        raise DataError(f"data file not found: '{name or path}'", where, missing_hint)
    return resolved


def _check(
    info: os.stat_result,
    name: str,
    limit: int,
    where: Span,
    what: str = "data file",
    error: type[GoalEngineError] = DataError,
    hint: str = _GROW_HINT,
) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise error(
            f"{what} '{name}' is {_kind(info.st_mode)}, not a regular file",
            where,
            f"a {what} must be a plain file",
        )
    if info.st_size > limit:
        raise error(
            f"{what} '{name}' is {info.st_size:,} bytes; the limit is {limit:,}", where, hint
        )


def _kind(mode: int) -> str:
    kinds = {
        stat.S_ISDIR: "a directory",
        stat.S_ISFIFO: "a FIFO",
        stat.S_ISCHR: "a device",
        stat.S_ISBLK: "a device",
        stat.S_ISSOCK: "a socket",
    }
    return next((kind for test, kind in kinds.items() if test(mode)), "something else")


def check_data_file(
    path: str | Path,
    *,
    root: Path | None = None,
    limits: Limits = DEFAULT_LIMITS,
    span: Span | None = None,
    name: str | None = None,
    missing_hint: str | None = None,
) -> Path:
    """``path`` resolved, confined to ``root``, a regular file within the size limit."""
    where = span or Span(file=str(path))
    resolved = confine(path, root, where, name=name, missing_hint=missing_hint)
    try:
        info = os.stat(resolved)
    except OSError as error:
        raise DataError(f"cannot read data file: {error.strerror}", where) from None
    _check(info, name or str(path), limits.data_file_bytes, where)
    return resolved


def _open_checked(
    path: Path,
    name: str,
    limit: int,
    where: Span,
    what: str,
    error: type[GoalEngineError],
    hint: str,
    nofollow: bool,
) -> BinaryIO:
    flags = os.O_RDONLY | os.O_NONBLOCK | (getattr(os, "O_NOFOLLOW", 0) if nofollow else 0)
    try:
        _check(os.stat(path), name, limit, where, what, error, hint)  # before opening a FIFO
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise error("no such file", where) from None
    except OSError as problem:
        raise error(f"cannot read {what}: {problem.strerror}", where) from None
    try:
        _check(os.fstat(fd), name, limit, where, what, error, hint)  # it may have been swapped
    except GoalEngineError:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


_CHUNK = 1 << 20


def _read_bounded(stream: BinaryIO, limit: int, error: GoalEngineError) -> bytes:
    # In chunks: ``read(limit + 1)`` would allocate the whole limit up front, and /proc
    # files report a size of 0, so neither the size nor one big read can be trusted.
    raw = bytearray()
    with stream:
        while chunk := stream.read(min(_CHUNK, limit + 1 - len(raw))):
            raw += chunk
            if len(raw) > limit:
                raise error
    return bytes(raw)


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
    return _open_checked(
        resolved, name, limits.data_file_bytes, where, "data file", DataError, _GROW_HINT, True
    )


def read_data_bytes(
    path: str | Path,
    *,
    root: Path | None = None,
    limits: Limits = DEFAULT_LIMITS,
    span: Span | None = None,
) -> bytes:
    """A data file's bytes, checked as :func:`open_data_file`, never more than the limit."""
    where = span or Span(file=str(path))
    stream = open_data_file(path, root=root, limits=limits, span=span)
    too_big = DataError(
        f"data file is larger than the limit of {limits.data_file_bytes:,} bytes",
        where,
        _GROW_HINT,
    )
    return _read_bounded(stream, limits.data_file_bytes, too_big)


def read_regular_file(
    path: str | Path,
    limit: int,
    *,
    what: str,
    error: type[GoalEngineError],
    hint: str,
    span: Span | None = None,
) -> bytes:
    """The bytes of a file the user named (symlinks followed, no root): a regular file of
    at most ``limit`` bytes, else ``error`` -- never a hang on a FIFO or a device."""
    name = str(path)
    where = span or Span(file=name)
    stream = _open_checked(Path(path), name, limit, where, what, error, hint, False)
    too_big = error(f"{what} is larger than the limit of {limit:,} bytes", where, hint)
    return _read_bounded(stream, limit, too_big)
