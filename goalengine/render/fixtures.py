"""Outcomes of ``goalengine test``: one line per fixture or property, and for each failure
what was expected next to what happened."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from rich.text import Text

from ..testing.fixtures import FixtureOutcome, Mismatch
from . import STYLES, SYMBOLS
from .safe import printable

__all__ = [
    "PropertyLike",
    "fixture_text",
    "fixtures_summary",
    "goal_properties_text",
    "property_text",
]

_INDENT = 4


class PropertyLike(Protocol):
    """What ``goalengine.testing.properties.check_ruleset`` returns per property."""

    @property
    def goal(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def passed(self) -> bool: ...
    @property
    def message(self) -> str: ...
    @property
    def fixture(self) -> str | None: ...
    @property
    def skipped(self) -> bool: ...


def _status(passed: bool) -> Text:
    if passed:
        return Text(f"{SYMBOLS['met']} PASS", style=STYLES["met"])
    return Text(f"{SYMBOLS['missed']} FAIL", style=STYLES["missed"])


def _line(passed: bool, where: str, name: str) -> Text:
    text = _status(passed)
    text.append("  ")
    text.append(printable(where), style="bold")
    text.append("  ")
    text.append(printable(name))
    return text


def _indented(text: Text, lines: Text | str, style: str = "", indent: int = _INDENT) -> None:
    """Append ``lines`` to ``text``, each on its own line indented by ``indent``."""
    body = lines if isinstance(lines, Text) else Text(printable(lines, newlines=True), style=style)
    for line in body.split("\n", allow_blank=True):
        text.append("\n" + " " * indent)
        text.append_text(line)


def _mismatch(miss: Mismatch) -> Text:
    text = Text()
    if miss.kind == "explanation":
        text.append(f"{printable(miss.goal)}: explanation", style="bold")
        text.append("\n  expected  ", style="green")
        text.append(f"to contain {printable(repr(miss.expected))}")
        text.append("\n  actual    ", style="red")
        text.append(printable(miss.actual))
        return text
    text.append(f"{printable(miss.goal)}: verdict", style="bold")
    text.append("\n  expected  ", style="green")
    text.append(printable(miss.expected), style=STYLES.get(miss.expected, ""))
    text.append("\n  actual    ", style="red")
    text.append(printable(miss.actual), style=STYLES.get(miss.actual, ""))
    if miss.explanation:
        text.append("\n  why       ", style="dim")
        text.append(printable(miss.explanation), style="dim")
    return text


def fixture_text(outcome: FixtureOutcome) -> Text:
    """``✓ PASS  file:line  name``, and for a failure the expected-vs-actual diff.

    One line per fixture and no wrapping (print with ``soft_wrap=True``), so the output
    greps well and long messages are never cut."""
    where = f"{outcome.file or 'tests'}:{outcome.line}" if outcome.line else outcome.file or ""
    text = _line(outcome.passed, where, outcome.name)
    if outcome.error:
        _indented(text, outcome.error, style="red")
    for miss in outcome.mismatches:
        _indented(text, _mismatch(miss))
    return text


def property_text(file: str, outcome: Any) -> Text:
    """``✓ PASS  file  goal · property``, and for a failure the message and a fixture to
    paste under ``tests:`` that reproduces it. A property that does not apply to its goal
    is ``- SKIP`` with the reason."""
    name = f"{outcome.goal} · {outcome.name}"
    if getattr(outcome, "skipped", False):
        text = Text("- SKIP", style="dim")
        text.append("  ")
        text.append(printable(file), style="bold")
        text.append(f"  {printable(name)}")
        if outcome.message:
            text.append(f"  ({printable(str(outcome.message))})", style="dim")
        return text
    text = _line(bool(outcome.passed), file, name)
    if outcome.passed:
        return text
    if outcome.message:
        _indented(text, str(outcome.message), style="red")
    if outcome.fixture:
        _indented(text, "reproduce it with this test (paste under tests:):", style="dim")
        _indented(text, str(outcome.fixture).rstrip("\n"), indent=_INDENT + 2)
    return text


def _count(noun: str, plural: str, total: int, failed: int, skipped: int = 0) -> Text:
    passed = total - failed - skipped
    text = Text(f"{total} {noun if total == 1 else plural}: ", style="bold")
    text.append(f"{passed} passed", style=STYLES["met"] if passed else "")
    text.append(", ")
    text.append(f"{failed} failed", style=STYLES["missed"] if failed else "")
    if skipped:
        text.append(f", {skipped} skipped", style="dim")
    return text


def fixtures_summary(
    tests: int,
    failed: int,
    properties: int | None = None,
    properties_failed: int = 0,
    properties_skipped: int = 0,
    errors: int = 0,
) -> Text:
    """``3 tests: 2 passed, 1 failed`` (and ``; 4 properties: ...`` with --properties;
    ``; 1 error`` when a rule, test or data error makes the run exit 2: the summary must not
    read as a pass then)."""
    text = _count("test", "tests", tests, failed)
    if properties is not None:
        text.append("; ")
        text.append_text(
            _count("property", "properties", properties, properties_failed, properties_skipped)
        )
    if errors:
        text.append("; ")
        text.append(f"{errors} error{'' if errors == 1 else 's'}", style=STYLES["error"])
    return text


def goal_properties_text(file: str, goal: str, outcomes: Sequence[Any]) -> Text:
    """``✓ PASS  file  goal · 6 properties``: one line for a goal whose properties all
    passed (skipped ones counted apart)."""
    skipped = sum(bool(getattr(o, "skipped", False)) for o in outcomes)
    count = len(outcomes) - skipped
    name = f"{goal} · {count} propert{'y' if count == 1 else 'ies'}"
    text = _line(True, file, name)
    if skipped:
        text.append(f"  ({skipped} skipped)", style="dim")
    return text
