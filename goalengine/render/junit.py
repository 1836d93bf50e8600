"""The report as JUnit XML, so CI systems show goals like tests.

One ``<testsuite>`` per rule file and one ``<testcase>`` per goal (``classname`` = the
file, ``name`` = the goal id). A goal whose verdict fails the run (``--fail-on``) gets a
``<failure>``, a goal in ``error`` an ``<error>``; an ``unknown`` goal that does not fail
the run is ``<skipped>``. Failures and errors carry the rule, verdict and explanation;
other testcases carry them in ``<system-out>``.
The output validates against the Jenkins/Surefire ``junit-10.xsd``. No timestamps or
host names, so the same report gives the same bytes.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import IO, TYPE_CHECKING

from ..models import Report, Result, Verdict
from . import FileInfo, file_info, file_infos, verdict_label
from .output import Spool
from .safe import printable

if TYPE_CHECKING:
    from ..i18n import Language

__all__ = ["render_junit", "write_junit"]


def _clean(text: str) -> str:
    """One line of user text: every character XML 1.0 cannot hold (and every control a CI
    log would interpret) shown as a visible escape."""
    return printable(text)


def _details(result: Result, lang: Language | None = None) -> str:
    lines = [f"rule: {printable(result.rule, newlines=True)}"]
    if result.title:
        lines.append(f"title: {_clean(result.title)}")
    lines.append(f"verdict: {verdict_label(result.verdict, lang)}")
    lines.append(_clean(result.explanation))
    if result.error is not None and result.error.line is not None:
        where = f"{result.error.file or result.file}:{result.error.line}"
        if result.error.column is not None:
            where += f":{result.error.column}"
        lines.append(f"at {_clean(where)}")
    return "\n".join(lines)


def _testcase(
    case: ET.Element,
    file: str,
    result: Result,
    failing: Collection[Verdict],
    lang: Language | None = None,
) -> str:
    """Fill the ``<testcase>`` element of ``result``; its outcome (a count of the suite)."""
    name = f"{result.goal} ({result.entity})" if result.entity else result.goal
    case.set("classname", _clean(file))
    case.set("name", _clean(name))
    message = _clean(f"{verdict_label(result.verdict, lang)}: {result.explanation}")
    outcome = "passed"
    if result.verdict is Verdict.ERROR:
        element = ET.SubElement(case, "error", type="error", message=message)
        element.text = _details(result, lang)
        outcome = "error"
    elif result.verdict in failing:
        element = ET.SubElement(case, "failure", type=result.verdict.value, message=message)
        element.text = _details(result, lang)
        outcome = "failure"
    elif result.verdict is Verdict.UNKNOWN:
        ET.SubElement(case, "skipped", type="unknown", message=message)
        outcome = "skipped"
    if outcome in ("passed", "skipped"):
        ET.SubElement(case, "system-out").text = _details(result, lang)
    return outcome


def render_junit(
    report: Report,
    files: Iterable[FileInfo] | Mapping[str, FileInfo] | None = None,
    *,
    failing: Collection[Verdict] = (Verdict.MISSED,),
    lang: Language | None = None,
) -> str:
    """The report as JUnit XML; ``failing`` are the verdicts that count as failures;
    ``lang``: verdict labels in that language (see :func:`goalengine.i18n.in_language`)."""
    out = io.StringIO()
    write_junit(report.results, report.as_of, out, files, failing=failing, lang=lang)
    return out.getvalue()


@dataclass
class _Suite:
    """One rule file's ``<testsuite>``: its testcases lie in the spool from ``start``."""

    file: str
    info: FileInfo
    start: int
    stop: int = 0
    counts: dict[str, int] = field(
        default_factory=lambda: {"passed": 0, "failure": 0, "error": 0, "skipped": 0}
    )


def write_junit(
    results: Iterable[Result],
    as_of: date,
    stream: IO[str],
    files: Iterable[FileInfo] | Mapping[str, FileInfo] | None = None,
    *,
    failing: Collection[Verdict] = (Verdict.MISSED,),
    lang: Language | None = None,
) -> None:
    """:func:`render_junit` of the results as they come (``as_of``: the report's date),
    holding none of them: each testcase is written (indented as ``ET.indent`` would) to a
    :class:`~goalengine.render.output.Spool` until the counts its suite opens with are
    known."""
    infos = file_infos(files)
    suites: list[_Suite] = []
    with Spool() as spool:
        suite: _Suite | None = None
        for result in results:
            file = result.file or "goals"
            if suite is None or file != suite.file:
                if suite is not None:
                    suite.stop = spool.tell()
                suite = _Suite(file, file_info(infos, file, [result]), spool.tell())
                suites.append(suite)
            else:
                spool.write(_CASE_GAP)
            case = ET.Element("testcase")
            suite.counts[_testcase(case, file, result, failing, lang)] += 1
            ET.indent(case, space="  ", level=2)
            spool.write(ET.tostring(case, encoding="unicode"))
        if suite is not None:
            suite.stop = spool.tell()
        _write(stream, suites, spool, as_of, failing)


_CASE_GAP = "\n    "  # between two testcases, as ET.indent spaces them


def _write(
    stream: IO[str], suites: list[_Suite], spool: Spool, as_of: date, failing: Collection[Verdict]
) -> None:
    root = ET.Element("testsuites", name="goalengine")
    root.set("tests", str(sum(sum(s.counts.values()) for s in suites)))
    root.set("failures", str(sum(s.counts["failure"] for s in suites)))
    root.set("errors", str(sum(s.counts["error"] for s in suites)))
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    if not suites:
        stream.write(ET.tostring(root, encoding="unicode") + "\n")
        return
    head, tail = _around(root, 0)
    stream.write(head)
    for k, suite in enumerate(suites):
        if k:
            stream.write("\n  ")
        element = ET.Element("testsuite", name=_clean(suite.file))
        properties = ET.SubElement(element, "properties")
        day = suite.info.as_of or as_of
        ET.SubElement(properties, "property", name="as_of", value=day.isoformat())
        if suite.info.title:
            ET.SubElement(properties, "property", name="title", value=_clean(suite.info.title))
        failing_names = ",".join(v.value for v in Verdict if v in failing)
        ET.SubElement(properties, "property", name="fail_on", value=failing_names or "never")
        counts = suite.counts
        element.set("tests", str(sum(counts.values())))
        element.set("failures", str(counts["failure"]))
        element.set("errors", str(counts["error"]))
        element.set("skipped", str(counts["skipped"]))
        before, after = _around(element, 1)
        stream.write(before)
        spool.copy(suite.start, suite.stop, stream)
        stream.write(after)
    stream.write(tail + "\n")


_MARK = "goalengine-children"


def _around(element: ET.Element, level: int) -> tuple[str, str]:
    """The text of ``element`` (indented at ``level``) before and after its last child, to
    come: what ``ET.indent`` and ``ET.tostring`` of the whole tree would write there."""
    ET.SubElement(element, _MARK)
    ET.indent(element, space="  ", level=level)
    before, after = ET.tostring(element, encoding="unicode").split(f"<{_MARK} />")
    return before, after
