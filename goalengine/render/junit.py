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

import xml.etree.ElementTree as ET
from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING

from ..models import Report, Result, Verdict
from . import FileInfo, by_file, file_info, file_infos, verdict_label
from .safe import printable

if TYPE_CHECKING:
    from ..i18n import Language

__all__ = ["render_junit"]


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
    suite: ET.Element,
    file: str,
    result: Result,
    failing: Collection[Verdict],
    lang: Language | None = None,
) -> str:
    name = f"{result.goal} ({result.entity})" if result.entity else result.goal
    case = ET.SubElement(suite, "testcase", classname=_clean(file), name=_clean(name))
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
    infos = file_infos(files)
    root = ET.Element("testsuites", name="goalengine")
    totals = {"tests": 0, "failure": 0, "error": 0}
    for file, results in by_file(report.results):
        info = file_info(infos, file, results)
        suite = ET.SubElement(root, "testsuite", name=_clean(file))
        properties = ET.SubElement(suite, "properties")
        as_of = info.as_of or report.as_of
        ET.SubElement(properties, "property", name="as_of", value=as_of.isoformat())
        if info.title:
            ET.SubElement(properties, "property", name="title", value=_clean(info.title))
        failing_names = ",".join(v.value for v in Verdict if v in failing)
        ET.SubElement(properties, "property", name="fail_on", value=failing_names or "never")
        counts = {"passed": 0, "failure": 0, "error": 0, "skipped": 0}
        for result in results:
            counts[_testcase(suite, file, result, failing, lang)] += 1
        suite.set("tests", str(len(results)))
        suite.set("failures", str(counts["failure"]))
        suite.set("errors", str(counts["error"]))
        suite.set("skipped", str(counts["skipped"]))
        totals["tests"] += len(results)
        totals["failure"] += counts["failure"]
        totals["error"] += counts["error"]
    root.set("tests", str(totals["tests"]))
    root.set("failures", str(totals["failure"]))
    root.set("errors", str(totals["error"]))
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
