"""The pytest plugin: rule files collected as tests, with pytest's own output, -k and JUnit."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from importlib.metadata import entry_points
from pathlib import Path
from xml.etree import ElementTree

import pytest

RULES = """\
title: Plugin example
as_of: 2012-06-30
data:
  tryghed_districts: {2010: 12, 2011: 14}
  employment_rate: {2007-H1: 54.4, 2008-08: 59.9}
goals:
  - id: tryghed-halved
    rule: tryghed_districts <= 0.5*2010 by 2014
    tags: [safety]
  - id: employment-rises
    # broken on purpose: the goal is to rise, the rule says '<='
    rule: employment_rate <= baseline + 10pp by 2010
    baseline: 2007-H1
    unit: "%"
properties:
  - goal: employment-rises
    when: {employment_rate: rises_to_target}
    as_of: 2009-03-31
    expect: on-track
tests:
  - name: halving stalls
    data: {tryghed_districts: {2010: 12, 2011: 14}}
    expect: {tryghed-halved: at-risk}
  - name: wrong on purpose
    expect: {tryghed-halved: met}
"""


def plugin_args() -> list[str]:
    """Load the plugin by module unless the installed entry point already does."""
    names = {e.value for e in entry_points(group="pytest11")}
    return [] if "goalengine.testing.plugin" in names else ["-p", "goalengine.testing.plugin"]


def pytest_run(where: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTEST_ADDOPTS", None)
    return subprocess.run(
        [sys.executable, "-m", "pytest", *plugin_args(), "-p", "no:cacheprovider", *args],
        cwd=where,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "examples.yaml").write_text(RULES, encoding="utf-8")
    (tmp_path / "rules" / "notes.yaml").write_text("title: not a rule file\n", encoding="utf-8")
    (tmp_path / "tests" / "data").mkdir(parents=True)
    (tmp_path / "tests" / "data" / "broken.yaml").write_text("goals: [\n", encoding="utf-8")
    (tmp_path / "tests" / "test_nothing.py").write_text("def test_ok():\n    pass\n")
    (tmp_path / "pytest.ini").write_text(
        textwrap.dedent(
            """\
            [pytest]
            testpaths = tests
            goalengine_examples = 15
            """
        )
    )
    return tmp_path


@pytest.mark.slow
def test_rule_files_run_as_tests_with_junit(project: Path) -> None:
    done = pytest_run(project, "rules/", "-v", "--junitxml=report.xml")
    out = done.stdout
    assert done.returncode == 1, out + done.stderr
    assert "rules/examples.yaml::fixture[halving stalls] PASSED" in out
    assert "rules/examples.yaml::fixture[wrong on purpose] FAILED" in out
    assert "rules/examples.yaml::tryghed-halved::monotone PASSED" in out
    assert "rules/examples.yaml::tryghed-halved::target_reachable PASSED" in out
    prop = "rules/examples.yaml::employment-rises::employment_rate rises_to_target FAILED"
    assert prop in out
    assert "notes.yaml" not in out  # no goals: key, not a rule file
    # A fixture failure is a readable diff; a property failure a fixture to paste.
    assert "expected  met" in out and "actual    at-risk" in out
    assert "reproduce it with this test (paste under tests:):" in out
    assert 'name: "employment_rate rises_to_target: employment-rises"' in out
    suite = ElementTree.parse(project / "report.xml").getroot()
    cases = suite.findall(".//testcase")
    assert len(cases) >= 14
    assert any(c.get("name") == "fixture[halving stalls]" for c in cases)
    assert any(c.find("failure") is not None for c in cases)


@pytest.mark.slow
def test_select_with_k_and_fixtures_only(project: Path) -> None:
    done = pytest_run(project, "rules/examples.yaml", "-k", "tryghed and never_crashes", "-q")
    assert done.returncode == 0, done.stdout
    assert "1 passed" in done.stdout
    only = pytest_run(project, "rules/", "--goalengine-no-properties", "-q")
    assert "1 failed, 1 passed" in only.stdout, only.stdout
    tagged = pytest_run(project, "rules/", "-k", "safety and never_crashes", "-q")
    assert "1 passed" in tagged.stdout, tagged.stdout


@pytest.mark.slow
def test_rule_files_among_testpaths_are_left_alone(project: Path) -> None:
    # `pytest` (testpaths) and `pytest tests` never collect YAML kept as test data ...
    for args in ([], ["tests"]):
        done = pytest_run(project, *args, "-q")
        assert done.returncode == 0, done.stdout
        assert "1 passed" in done.stdout and "broken.yaml" not in done.stdout
    # ... but a file named on the command line is collected.
    named = pytest_run(project, "tests/data/broken.yaml", "-q")
    assert named.returncode == 1
    assert "invalid YAML" in named.stdout
