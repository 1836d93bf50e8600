"""JUnit XML: one testcase per goal, failures per --fail-on, errors for error; validates
against the Jenkins/Surefire junit-10.xsd vendored in tests/fixtures/cli."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import date

import pytest
import xmlschema
from hypothesis import given, settings
from hypothesis import strategies as st
from render_helpers import ROOT

from goalengine import Report, Result, Verdict
from goalengine.cli import FAIL_ON
from goalengine.render import FileInfo
from goalengine.render.junit import render_junit, write_junit

XSD = ROOT / "tests" / "fixtures" / "cli" / "junit-10.xsd"


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(XSD))


def test_junit_golden(
    report: Report, infos: list[FileInfo], golden: Callable[[str, str], None]
) -> None:
    golden("report.xml", render_junit(report, infos, failing=FAIL_ON["missed"]))


@pytest.mark.parametrize("fail_on", list(FAIL_ON))
def test_junit_validates_against_the_xsd(
    report: Report, infos: list[FileInfo], schema: xmlschema.XMLSchema, fail_on: str
) -> None:
    schema.validate(render_junit(report, infos, failing=FAIL_ON[fail_on]))


def _cases(xml: str) -> dict[str, str]:
    """goal id -> passed / failure / error / skipped."""
    outcomes = {}
    for case in ET.fromstring(xml).iter("testcase"):
        kinds = [child.tag for child in case if child.tag != "system-out"]
        outcomes[case.get("name") or ""] = kinds[0] if kinds else "passed"
    return outcomes


def test_one_testcase_per_goal_named_by_file_and_id(report: Report, infos: list[FileInfo]) -> None:
    root = ET.fromstring(render_junit(report, infos))
    cases = list(root.iter("testcase"))
    assert len(cases) == len(report.results)
    assert {c.get("classname") for c in cases} == {
        "tests/fixtures/cli/report/verdicts.yaml",
        "tests/fixtures/cli/report/second.yaml",
    }
    assert root.get("tests") == "8"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == list(dict.fromkeys(c.get("classname") for c in cases))


@pytest.mark.parametrize(
    ("fail_on", "failures"),
    [
        ("missed", {"waiting-short"}),
        ("at-risk", {"waiting-short", "safety-halved"}),
        ("unknown", {"waiting-short", "safety-halved", "not-yet-measured"}),
        ("never", set()),
    ],
)
def test_failures_follow_fail_on(
    report: Report, infos: list[FileInfo], fail_on: str, failures: set[str]
) -> None:
    outcomes = _cases(render_junit(report, infos, failing=FAIL_ON[fail_on]))
    assert {k for k, v in outcomes.items() if v == "failure"} == failures
    assert {k for k, v in outcomes.items() if v == "error"} == {"typo"}
    unknown_kind = "failure" if Verdict.UNKNOWN in FAIL_ON[fail_on] else "skipped"
    assert outcomes["not-yet-measured"] == unknown_kind


def test_counts_match_the_cases(report: Report, infos: list[FileInfo]) -> None:
    root = ET.fromstring(render_junit(report, infos, failing=FAIL_ON["at-risk"]))
    assert (root.get("failures"), root.get("errors")) == ("2", "1")
    suite = root.find("testsuite")
    assert suite is not None
    assert suite.get("skipped") == "1"


def test_control_characters_are_replaced(report: Report) -> None:
    result = report.results[0].model_copy(update={"explanation": "bad \x01 byte"})
    xml = render_junit(report.model_copy(update={"results": (result,)}))
    assert "\x01" not in xml
    ET.fromstring(xml)


# -- streamed: the same XML as the whole tree, holding no result -------------------------------


def _whole_tree(report: Report, infos: list[FileInfo], failing: frozenset[Verdict]) -> str:
    """The JUnit document built the plain way, as one ElementTree (the reference the
    streamed writer is held to)."""
    from itertools import groupby

    from goalengine.render import verdict_label
    from goalengine.render.safe import printable

    root = ET.Element("testsuites", name="goalengine")
    tests = failures = errors = 0
    given = {info.path: info for info in infos}
    for file, group in groupby(report.results, key=lambda r: r.file or "goals"):
        results = list(group)
        info = given.get(file) or FileInfo(file)
        suite = ET.SubElement(root, "testsuite", name=printable(file))
        properties = ET.SubElement(suite, "properties")
        day = info.as_of or results[0].as_of or report.as_of
        ET.SubElement(properties, "property", name="as_of", value=day.isoformat())
        if info.title:
            ET.SubElement(properties, "property", name="title", value=printable(info.title))
        names = ",".join(v.value for v in Verdict if v in failing) or "never"
        ET.SubElement(properties, "property", name="fail_on", value=names)
        counts = dict.fromkeys(("failure", "error", "skipped"), 0)
        for r in results:
            name = f"{r.goal} ({r.entity})" if r.entity else r.goal
            case = ET.SubElement(suite, "testcase", classname=printable(file), name=printable(name))
            label = verdict_label(r.verdict)
            message = printable(f"{label}: {r.explanation}")
            lines = [f"rule: {printable(r.rule, newlines=True)}"]
            lines += [f"title: {printable(r.title)}"] if r.title else []
            lines += [f"verdict: {label}", printable(r.explanation)]
            details = "\n".join(lines)
            if r.verdict is Verdict.ERROR:
                ET.SubElement(case, "error", type="error", message=message).text = details
                counts["error"] += 1
            elif r.verdict in failing:
                tag = ET.SubElement(case, "failure", type=r.verdict.value, message=message)
                tag.text = details
                counts["failure"] += 1
            else:
                if r.verdict is Verdict.UNKNOWN:
                    ET.SubElement(case, "skipped", type="unknown", message=message)
                    counts["skipped"] += 1
                ET.SubElement(case, "system-out").text = details
        suite.set("tests", str(len(results)))
        suite.set("failures", str(counts["failure"]))
        suite.set("errors", str(counts["error"]))
        suite.set("skipped", str(counts["skipped"]))
        tests, failures, errors = (
            tests + len(results),
            failures + counts["failure"],
            errors + counts["error"],
        )
    root.set("tests", str(tests))
    root.set("failures", str(failures))
    root.set("errors", str(errors))
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a.yaml", "b.yaml", "<&\"'>.yaml"]),
            _TEXT,
            st.one_of(st.none(), _TEXT),
            st.sampled_from([v for v in Verdict if v is not Verdict.ERROR]),
            _TEXT,
        ),
        max_size=12,
    ),
    st.sampled_from(sorted(FAIL_ON)),
)
def test_streamed_junit_is_the_whole_tree(
    rows: list[tuple[str, str, str | None, Verdict, str]], fail_on: str
) -> None:
    results = tuple(
        Result(
            file=file,
            goal=goal or "g",
            entity=entity,
            rule="m >= 1",
            verdict=verdict,
            explanation=explanation,
            title=explanation[:3] or None,
        )
        for file, goal, entity, verdict, explanation in rows
    )
    report = Report(as_of=date(2024, 12, 31), results=results)
    infos = [FileInfo("a.yaml", "A & <B>", date(2023, 1, 1))]
    failing = FAIL_ON[fail_on]
    want = _whole_tree(report, infos, failing)
    assert render_junit(report, infos, failing=failing) == want
    out = io.StringIO()
    write_junit(iter(results), report.as_of, out, infos, failing=failing)
    assert out.getvalue() == want
