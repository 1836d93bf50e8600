"""JUnit XML: one testcase per goal, failures per --fail-on, errors for error; validates
against the Jenkins/Surefire junit-10.xsd vendored in tests/fixtures/cli."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable

import pytest
import xmlschema
from render_helpers import ROOT

from goalengine import Report, Verdict
from goalengine.cli import FAIL_ON
from goalengine.render import FileInfo
from goalengine.render.junit import render_junit

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
