"""When output may use colour: --no-color, NO_COLOR, FORCE_COLOR, ttys."""

from __future__ import annotations

import io

import pytest

from goalengine.render.console import OutputMode, make_console, output_mode


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("tty", "flag", "env", "expected"),
    [
        (True, False, {}, OutputMode(terminal=True, color=True)),
        (False, False, {}, OutputMode(terminal=False, color=False)),
        (True, True, {}, OutputMode(terminal=True, color=False)),
        (True, False, {"NO_COLOR": "1"}, OutputMode(terminal=True, color=False)),
        (True, False, {"NO_COLOR": ""}, OutputMode(terminal=True, color=True)),
        (False, False, {"FORCE_COLOR": "1"}, OutputMode(terminal=True, color=True)),
        (False, False, {"FORCE_COLOR": "0"}, OutputMode(terminal=False, color=False)),
        (False, False, {"FORCE_COLOR": "1", "NO_COLOR": "1"}, OutputMode(True, False)),
        (False, True, {"FORCE_COLOR": "1"}, OutputMode(terminal=True, color=False)),
    ],
)
def test_output_mode(tty: bool, flag: bool, env: dict[str, str], expected: OutputMode) -> None:
    stream = _Tty() if tty else io.StringIO()
    assert output_mode(stream, no_color=flag, env=env) == expected


def test_plain_console_writes_no_escape_codes_and_no_markup() -> None:
    stream = io.StringIO()
    console = make_console(stream, OutputMode(terminal=False, color=False))
    console.print("[bold]x[/bold] :smile:")
    assert stream.getvalue() == "[bold]x[/bold] :smile:\n"


def test_colour_console_writes_escape_codes() -> None:
    from rich.text import Text

    stream = _Tty()
    console = make_console(stream, OutputMode(terminal=True, color=True))
    console.print(Text("x", style="red"))
    assert "\x1b[" in stream.getvalue()


def test_closed_stream_is_not_a_terminal() -> None:
    stream = io.StringIO()
    stream.close()
    assert output_mode(stream, env={}) == OutputMode(terminal=False, color=False)
