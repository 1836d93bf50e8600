"""The report as Markdown: a table per rule file, ready to paste into a status report.

Cells are escaped for GitHub-flavoured Markdown: ``|`` never splits a cell, Markdown
punctuation in titles and explanations (``*``, ``_``, ``[``...) prints as written, and
rule text sits in a code span long enough for any backticks it holds.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping

from ..explain import TEXT_FORMATS
from ..i18n import Language, language
from ..models import Report, Result, Verdict
from . import (
    FileInfo,
    by_file,
    file_info,
    file_infos,
    latest_cell,
    report_date,
    summary_line,
    target_cell,
    verdict_label,
)
from .safe import printable

__all__ = ["code_span", "escape", "render_markdown"]

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#])")


def escape(text: str) -> str:
    """``text`` as literal Markdown inside a table cell (one line; line breaks as ``<br>``,
    control characters as visible escapes)."""
    escaped = _SPECIAL.sub(r"\\\1", printable(text, newlines=True))
    return "<br>".join(part.strip() for part in escaped.splitlines()) if escaped else ""


def code_span(text: str) -> str:
    """``text`` as an inline code span that survives a table cell."""
    flat = " ".join(printable(text, newlines=True).split())
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat.replace('|', chr(92) + '|')}{pad}{fence}"


def _value(value: str, suffix: str, wrap: bool) -> str:
    if not value:
        return ""
    if not suffix:
        return escape(value)
    return escape(f"{value} ({suffix})" if wrap else f"{value} {suffix}")


def _goal(result: Result, words: Language | None = None) -> str:
    name = f"**{escape(result.goal)}**"
    if result.entity:
        name += f" ({escape(result.entity)})"
    title = result.title_in(words.code) if words is not None else result.title
    if title:
        name += f"<br>{escape(title)}"
    return f"{name}<br>{code_span(result.rule)}"


def _row(result: Result, words: Language | None = None) -> str:
    explanation = result.explanation_in(words.code) if words else result.explanation
    cells = [
        _goal(result, words),
        escape(verdict_label(result.verdict, words)),
        _value(*latest_cell(result, words), wrap=True),
        _value(*target_cell(result, words), wrap=False),
        escape(explanation),
    ]
    return "| " + " | ".join(cells) + " |"


def render_markdown(
    report: Report,
    files: Iterable[FileInfo] | Mapping[str, FileInfo] | None = None,
    *,
    show: Collection[Verdict] | None = None,
    lang: str | None = None,
) -> str:
    """The report as a Markdown document (ends with a newline). ``lang`` (``da``/``en``;
    default: the first ``lang:`` of the files): words, numbers and dates in that language;
    without either, the engine's own English (ISO dates)."""
    infos = file_infos(files)
    declared = lang or next((i.lang for i in infos.values() if i.lang), None)
    words = language(declared) if declared else None
    _ = words.gettext if words is not None else str
    day = report_date(report)
    heading = f"# Goals as of {day.isoformat()}" if day is not None else "# Goals"
    if words is not None:
        heading = "# " + _("Goals")
        if day is not None:
            heading = "# " + words.phrase("Goals as of {date}", date=words.date(day))
    lines = [heading, "", escape(summary_line(report, words))]
    for file, results in by_file(report.results):
        shown = [r for r in results if show is None or r.verdict in show]
        if not shown:
            continue
        info = file_info(infos, file, results)
        heading = f"## {escape(info.path)}"
        if info.title:
            heading += f" — {escape(info.title)}"
        lines += ["", heading, ""]
        if day is None and info.as_of is not None:
            when = words.date(info.as_of) if words else info.as_of.isoformat()
            phrase = words.phrase if words else TEXT_FORMATS.phrase
            lines += [phrase("As of {date}.", date=when), ""]
        if info.source:
            lines += [f"{_('Source')}: {escape(info.source)}", ""]
        names = (_("Goal"), _("Verdict"), _("Latest"), _("Target"), _("Explanation"))
        lines += [
            "| " + " | ".join(names) + " |",
            "|:-----|:--------|-------:|-------:|:------------|",
            *(_row(result, words) for result in shown),
        ]
        lines += _details(shown, _)
    return "\n".join(lines) + "\n"


def _details(results: Iterable[Result], _: Callable[[str], str] = str) -> list[str]:
    """Owner, source and notes of each goal that has any, as a list under its table."""
    items = []
    seen: set[str] = set()
    for result in results:
        if result.goal in seen:
            continue
        seen.add(result.goal)
        parts = [
            f"{_(label)}: {escape(value)}"
            for label, value in (
                ("Owner", result.owner),
                ("Source", result.source),
                ("Notes", result.notes),
            )
            if value
        ]
        if parts:
            items.append(f"- **{escape(result.goal)}**: " + "; ".join(parts))
    return ["", *items] if items else []
