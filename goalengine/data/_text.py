"""Quoting untrusted data in messages: short, and unable to drive a terminal.

A data file may hold anything (a rule file can point at a secrets file), so an error quotes
at most :data:`~goalengine.limits.MAX_EXCERPT_CHARS` characters of it, with control and
format characters (ESC, newlines, bidi overrides, zero-width marks) written as escapes.
"""

from __future__ import annotations

import unicodedata

from ..limits import MAX_EXCERPT_CHARS

__all__ = ["escape", "is_plain"]

_ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escaped(char: str) -> str:
    if unicodedata.category(char) not in _ESCAPED_CATEGORIES:
        return char
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return (
        f"\\x{code:02x}"
        if code < 0x100
        else f"\\u{code:04x}"
        if code < 0x10000
        else f"\\U{code:08x}"
    )


def escape(text: str, limit: int = MAX_EXCERPT_CHARS) -> str:
    """``text`` with unprintable characters escaped, cut to ``limit`` characters (``…``)."""
    out = "".join(_escaped(char) for char in text[: limit + 1])
    return out if len(out) <= limit else out[: limit - 1] + "…"


def is_plain(text: str) -> bool:
    """Whether ``text`` prints as itself (nothing to escape)."""
    return all(unicodedata.category(char) not in _ESCAPED_CATEGORIES for char in text)
