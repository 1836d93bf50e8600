"""Every bound goalengine puts on untrusted input, in one place.

Rule files and data arrive in pull requests and are judged in CI, so every size and every
amount of work is bounded. Each limit is a named default here and documented in the
README's limits table; :class:`Limits` carries them through a run, and the ones a
legitimate user may need to raise have a command-line flag.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "DEFAULT_LIMITS",
    "MAX_DATA_FILE_BYTES",
    "MAX_EXCERPT_CHARS",
    "MAX_PARQUET_CELLS",
    "MAX_QUERY_ROWS",
    "MAX_RULE_FILE_BYTES",
    "MAX_SHEET_CELLS",
    "MAX_SPREADSHEET_UNZIPPED_BYTES",
    "MAX_SUGGESTION_WORK",
    "MAX_SUGGESTION_WORK_PER_RUN",
    "MAX_WINDOW_PERIODS",
    "MAX_WINDOW_PERIODS_PER_RULE",
    "MAX_WINDOW_VALUES_PER_GOAL",
    "MAX_YAML_DEPTH",
    "MAX_YAML_NODES",
    "Limits",
]

MAX_DATA_FILE_BYTES = 2 * 1024**3
"""A data file (CSV or Parquet) larger than this is refused before it is read."""

MAX_RULE_FILE_BYTES = 16 * 1024**2
"""A rule file larger than this is refused before it is parsed."""

MAX_PARQUET_CELLS = 500_000_000
"""Rows x columns of a Parquet file, checked from its metadata before any row group is read."""

MAX_YAML_NODES = 200_000
"""YAML nodes a rule file may expand to, aliases counted at every use (alias bombs)."""

MAX_WINDOW_PERIODS = 20_000
"""Months one window (``x[2010..2013]``, ``throughout 2008..2010``) may span."""

MAX_SUGGESTION_WORK = 100_000
"""Characters compared per did-you-mean hint; beyond it, the hint is left out."""

MAX_EXCERPT_CHARS = 80
"""Characters of a data line an error message may quote (escaped)."""

MAX_SUGGESTION_WORK_PER_RUN = 1_000_000
"""Characters compared by all did-you-mean hints of one command-line run together."""

MAX_YAML_DEPTH = 64
"""Mappings and lists a rule file may nest inside each other (its top-level mapping is one)."""

MAX_WINDOW_PERIODS_PER_RULE = 50_000
"""Months all the windows (``x[2010..2013]``) of one rule may span together."""

MAX_WINDOW_VALUES_PER_GOAL = 2_000_000
"""Observations the windows of one goal may read while it is judged (throughout re-reads)."""

MAX_SHEET_CELLS = 50_000_000
"""Rows x columns of one spreadsheet sheet, checked before its cells are read."""

MAX_SPREADSHEET_UNZIPPED_BYTES = 1024**3
"""Bytes an .xlsx/.ods file (a zip) may unpack to, from its directory, before it is read."""

MAX_QUERY_ROWS = 10_000_000
"""Rows one SQL query may return; the read stops with an error past it."""


@dataclass(frozen=True, slots=True)
class Limits:
    """The limits of one run; the defaults above unless a flag or the API raises them."""

    data_file_bytes: int = MAX_DATA_FILE_BYTES
    rule_file_bytes: int = MAX_RULE_FILE_BYTES
    parquet_cells: int = MAX_PARQUET_CELLS


DEFAULT_LIMITS = Limits()
