"""Renderers: a report in, text out. Only this package and the CLI know about rich."""

from __future__ import annotations

__all__ = ["STYLES", "SYMBOLS"]

#: One symbol per verdict, so verdicts survive without colour.
SYMBOLS = {
    "met": "✓",
    "on-track": "↗",
    "at-risk": "⚠",
    "missed": "✗",
    "unknown": "?",
    "error": "!",
}
STYLES = {
    "met": "bold green",
    "on-track": "green",
    "at-risk": "yellow",
    "missed": "bold red",
    "unknown": "dim",
    "error": "bold magenta",
}
