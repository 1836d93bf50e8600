"""Consoles for the command line, and when they may use colour.

The policy, in order: ``--no-color`` or a non-empty ``NO_COLOR`` turns colour off; a
non-empty ``FORCE_COLOR`` (other than ``0``) makes any stream behave like a terminal (CI
logs); otherwise a stream is a terminal only if it is a tty. A stream that is not a
terminal gets plain text: no colour, no ANSI codes of any kind.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["OutputMode", "make_console", "output_mode"]


@dataclass(frozen=True, slots=True)
class OutputMode:
    """How to write to one stream."""

    terminal: bool
    """Behave like a terminal: widths from the terminal, styles allowed."""
    color: bool
    """Use colour (and other ANSI styles)."""


def _isatty(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def forced(env: Mapping[str, str] | None = None) -> bool:
    value = (os.environ if env is None else env).get("FORCE_COLOR", "")
    return value not in ("", "0")


def output_mode(
    stream: TextIO, no_color: bool = False, env: Mapping[str, str] | None = None
) -> OutputMode:
    """The mode for ``stream`` under ``--no-color`` and the environment."""
    environ = os.environ if env is None else env
    terminal = _isatty(stream) or forced(environ)
    color = terminal and not no_color and not environ.get("NO_COLOR")
    return OutputMode(terminal=terminal, color=color)


def make_console(stream: TextIO, mode: OutputMode, width: int | None = None) -> Console:
    """A rich console for ``stream`` that never interprets markup or emoji codes."""
    from rich.console import Console

    return Console(
        file=stream,
        force_terminal=mode.terminal,
        force_interactive=mode.terminal and _isatty(stream),
        color_system="auto" if mode.color else None,
        no_color=not mode.color,
        highlight=False,
        markup=False,
        emoji=False,
        width=width,
        soft_wrap=False,
    )
