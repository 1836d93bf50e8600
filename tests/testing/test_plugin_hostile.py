"""The pytest plugin: one rule file that cannot be read never stops the others."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

GOOD = """\
data:
  - {{x: {{2009: 1}}}}
goals:
  - id: {id}
    rule: x >= 1 by 2010
tests:
  - {{name: {id} holds, as_of: 2009-12-31, expect: {{{id}: on-track}}}}
"""

BAD = {
    "b_date.yaml": "as_of: 2011-02-29\ngoals:\n  - id: g\n    rule: x >= 1\n",
    "c_bomb.yaml": "a: &a [x, x, x, x, x, x, x, x, x]\n"
    + "".join(
        f"a{i}: &a{i} [{', '.join([f'*a{i - 1}' if i > 1 else '*a'] * 9)}]\n" for i in range(1, 8)
    )
    + "goals: [{id: g, rule: x >= 1}]\n",
    "d_cycle.yaml": "a: &a [1, *a]\ngoals: [{id: g, rule: x >= 1}]\n",
    "e_empty.yaml": "goals: [{}]\nproperties: 5\n",
    "f_buggy.yaml": "goals: [{id: g, rule: x >= 1}]\n",
}

# Stands in for a bug in goalengine: reading f_buggy.yaml raises a plain Python exception.
CONFTEST = """\
import goalengine.rulefile as rulefile

_read = rulefile.read_rules

def _buggy(path, text=None):
    if str(path).endswith("f_buggy.yaml"):
        raise RuntimeError("a bug")
    return _read(path, text)

rulefile.read_rules = _buggy
"""


def plugin_args() -> list[str]:
    names = {e.value for e in entry_points(group="pytest11")}
    return [] if "goalengine.testing.plugin" in names else ["-p", "goalengine.testing.plugin"]


@pytest.mark.slow
def test_bad_rule_files_fail_alone_and_the_others_run(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "a_good.yaml").write_text(GOOD.format(id="first"), encoding="utf-8")
    (rules / "z_good.yaml").write_text(GOOD.format(id="last"), encoding="utf-8")
    for name, text in BAD.items():
        (rules / name).write_text(text, encoding="utf-8")
    (tmp_path / "conftest.py").write_text(CONFTEST, encoding="utf-8")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTEST_ADDOPTS", None)
    args = ["rules/", "--goalengine-no-properties", "-v"]
    done = subprocess.run(
        [sys.executable, "-m", "pytest", *plugin_args(), "-p", "no:cacheprovider", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    out = done.stdout
    assert "error during collection" not in out and "Interrupted" not in out, out
    assert "rules/a_good.yaml::fixture[first holds] PASSED" in out, out
    assert "rules/z_good.yaml::fixture[last holds] PASSED" in out, out
    for name in BAD:
        assert f"rules/{name}::rule file FAILED" in out, out
    assert "b_date.yaml:1:8: error: '2011-02-29' is not a day of the calendar" in out
    assert "c_bomb.yaml:" in out and "expands to more than" in out
    assert "could not collect this file (please report it): RuntimeError('a bug')" in out
    assert f"{len(BAD)} failed, 2 passed" in out
