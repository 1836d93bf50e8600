"""``--data -``: a long CSV on standard input, bounded like any data file."""

from __future__ import annotations

from typing import BinaryIO

from ..errors import DataError, Span
from ..limits import DEFAULT_LIMITS, Limits
from .csv import decode, read_csv_text
from .dataset import Dataset

__all__ = ["STDIN", "read_stdin"]

STDIN = "<stdin>"


def read_stdin(stream: BinaryIO, limits: Limits = DEFAULT_LIMITS) -> Dataset:
    """The CSV on ``stream``; more than ``limits.data_file_bytes`` is refused, not read on."""
    limit = limits.data_file_bytes
    raw = bytearray()
    while chunk := stream.read(min(1 << 20, limit + 1 - len(raw))):
        raw += chunk
        if len(raw) > limit:
            raise DataError(
                f"standard input is larger than the limit of {limit:,} bytes",
                Span(file=STDIN),
                "raise it with --max-data-bytes",
            )
    return read_csv_text(decode(bytes(raw), STDIN), STDIN)
