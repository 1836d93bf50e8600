"""Every example in the README and docs/ runs, and says what the docs say it says.

- ```python blocks run as they are (from the repository root);
- ```console blocks: each `$ command` runs in bash from the repository root and must exit 0
  (examples that fail on purpose end in `|| echo "exit $?"`); the lines after it are its
  output, where a line `...` stands for any number of lines;
- ```yaml blocks that hold `goals:` must read as rule files without errors.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from goalengine import read_rules

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(\w+)[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)


def blocks(language: str) -> list[tuple[str, str]]:
    found = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for match in FENCE.finditer(text):
            if match[1] == language:
                line = text[: match.start()].count("\n") + 1
                found.append((f"{doc.relative_to(ROOT)}:{line}", match[2]))
    return found


def test_docs_have_examples() -> None:
    assert blocks("python"), "the README must show the Python API"
    assert blocks("console"), "the README must show the command line"


@pytest.mark.parametrize(("where", "code"), blocks("python"), ids=lambda v: v[:40])
def test_python_examples_run(where: str, code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    exec(compile(code, where, "exec"), {"__name__": "__docs__"})


@pytest.mark.parametrize(("where", "code"), blocks("yaml"), ids=lambda v: v[:40])
def test_yaml_examples_are_valid_rule_files(where: str, code: str) -> None:
    if "goals:" not in code:
        pytest.skip("not a rule file")
    ruleset = read_rules(ROOT / "rules" / "doc-example.yaml", text=code)
    assert not ruleset.errors, [d.format() for d in ruleset.errors]


def _sessions() -> list[tuple[str, str, list[str]]]:
    sessions = []
    for where, code in blocks("console"):
        command: str | None = None
        output: list[str] = []
        for line in code.splitlines():
            if line.startswith("$ "):
                if command is not None:
                    sessions.append((where, command, output))
                command, output = line[2:], []
            else:
                output.append(line)
        if command is not None:
            sessions.append((where, command, output))
    return sessions


def _matches(expected: list[str], actual: list[str]) -> bool:
    pattern = "\n".join(
        ".*?" if line.strip() == "..." else re.escape(line.rstrip()) for line in expected
    )
    return re.fullmatch(pattern, "\n".join(line.rstrip() for line in actual), re.DOTALL) is not None


@pytest.mark.parametrize(("where", "command", "expected"), _sessions(), ids=lambda v: str(v)[:50])
def test_console_examples_print_what_the_docs_show(
    where: str, command: str, expected: list[str]
) -> None:
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "NO_COLOR": "1",
        "COLUMNS": "100",
    }
    env.pop("FORCE_COLOR", None)
    done = subprocess.run(
        ["bash", "-c", command],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, f"{where}: {command}\n{done.stdout}"
    actual = done.stdout.rstrip("\n").splitlines()
    assert _matches(expected, actual), f"{where}: {command}\n" + "\n".join(actual)


def test_ci_runs_exactly_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = FENCE.search(readme)
    assert first_block is not None and first_block[1] == "sh"
    install, test = (line.split("#")[0].strip() for line in first_block[2].splitlines()[:2])
    assert install == "pip install -e . && goalengine check rules/"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test in ci
