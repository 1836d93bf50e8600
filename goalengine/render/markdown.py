"""The report as Markdown: a table per rule file, ready to paste into a status report.

Cells are escaped for GitHub-flavoured Markdown: ``|`` never splits a cell, Markdown
punctuation in titles and explanations (``*``, ``_``, ``[``...) prints as written, and
rule text sits in a code span long enough for any backticks it holds.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import IO

from ..explain import TEXT_FORMATS
from ..i18n import Language, language
from ..models import Report, Result, Verdict
from . import (
    Counts,
    FileInfo,
    file_info,
    file_infos,
    latest_cell,
    target_cell,
    verdict_label,
)
from .output import Spool
from .safe import printable

__all__ = ["code_span", "escape", "render_markdown", "write_markdown"]

_RULE = "|:-----|:--------|-------:|-------:|:------------|"
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
    out = io.StringIO()
    write_markdown(report.results, report.as_of, out, files, show=show, lang=lang)
    return out.getvalue()


@dataclass
class _Section:
    """One rule file's table: its rows lie in the spool between ``start`` and ``stop``."""

    info: FileInfo
    start: int
    stop: int = 0
    details: list[str] = field(default_factory=list)
    goals: set[str] = field(default_factory=set)


def write_markdown(
    results: Iterable[Result],
    as_of: date,
    stream: IO[str],
    files: Iterable[FileInfo] | Mapping[str, FileInfo] | None = None,
    *,
    show: Collection[Verdict] | None = None,
    lang: str | None = None,
) -> None:
    """:func:`render_markdown` of the results as they come (``as_of``: the report's date),
    holding none of them: the rows wait in a :class:`~goalengine.render.output.Spool`
    until the counts of the summary line are known."""
    infos = file_infos(files)
    declared = lang or next((i.lang for i in infos.values() if i.lang), None)
    words = language(declared) if declared else None
    counts = Counts()
    sections: list[_Section] = []
    with Spool() as spool:
        file: str | None = None
        first: Result | None = None
        section: _Section | None = None
        for result in results:
            counts.add(result)
            if (result.file or "goals") != file or first is None:
                file, first, section = result.file or "goals", result, None
            if show is not None and result.verdict not in show:
                continue
            if section is None:
                section = _Section(file_info(infos, file, [first]), spool.tell())
                sections.append(section)
            spool.write(_row(result, words) + "\n")
            section.stop = spool.tell()
            _detail(section, result, words.gettext if words is not None else str)
        _write(stream, counts, as_of, sections, spool, words)


def _write(
    stream: IO[str],
    counts: Counts,
    as_of: date,
    sections: list[_Section],
    spool: Spool,
    words: Language | None,
) -> None:
    _ = words.gettext if words is not None else str
    day = counts.day(as_of)
    heading = f"# Goals as of {day.isoformat()}" if day is not None else "# Goals"
    if words is not None:
        heading = "# " + _("Goals")
        if day is not None:
            heading = "# " + words.phrase("Goals as of {date}", date=words.date(day))
    lines = [heading, "", escape(counts.line(words))]
    for section in sections:
        info = section.info
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
        lines += ["| " + " | ".join(names) + " |", _RULE]
        stream.write("\n".join(lines) + "\n")
        spool.copy(section.start, section.stop, stream)
        lines = ["", *section.details] if section.details else []
    if lines:
        stream.write("\n".join(lines) + "\n")


def _detail(section: _Section, result: Result, _: Callable[[str], str]) -> None:
    """Owner, source and notes of each goal that has any, as a list under its table."""
    if result.goal in section.goals:
        return
    section.goals.add(result.goal)
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
        section.details.append(f"- **{escape(result.goal)}**: " + "; ".join(parts))
