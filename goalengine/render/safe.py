"""The one escaping rule for user text on its way to a terminal, a Markdown file or XML.

Titles, ids, metric names, rules, notes and data come from untrusted files. A raw ESC
(``\\x1b[2J``, an OSC ``\\x1b]...\\x07`` that retitles the window or plants a link), a C1
control (``\\x9b`` is CSI on some terminals), a carriage return that overprints a line or a
bidi override (``\\u202e``) that shows text in another order than it is read can all make a
report lie. :func:`printable` shows each as a visible escape (``\\x1b``, ``\\u202e``), so what
is printed is what is in the file; every renderer sends user text through it.
"""

from __future__ import annotations

import re

__all__ = ["UNPRINTABLE", "UNPRINTABLE_IN_LINES", "printable"]

# C0 controls but tab, DEL, C1 controls, the bidi embeddings, overrides and isolates (and
# the marks), line and paragraph separators (``str.splitlines`` splits at them), the XML
# non-characters, and lone surrogates (which cannot be encoded).
UNPRINTABLE = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e"
    "\u2066-\u2069\ufffe\uffff\ud800-\udfff]"
)
# The same but newline, for text printed over several lines.
UNPRINTABLE_IN_LINES = re.compile(UNPRINTABLE.pattern.replace("\x0a-\x1f", "\x0b-\x1f", 1))
_NAMED = {"\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, *, newlines: bool = False) -> str:
    """``text`` with every control, bidi and separator character shown as an escape.

    A single-line field (an id, a title) gets ``\\n`` for a newline; ``newlines=True``
    keeps line breaks (``\\n`` only: a ``\\r`` still shows) for text printed over lines.
    Text without such characters comes back unchanged (the same object).
    """
    pattern = UNPRINTABLE_IN_LINES if newlines else UNPRINTABLE
    return pattern.sub(_escape, text) if pattern.search(text) else text
