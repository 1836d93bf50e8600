"""Cold start: ``goalengine check rules/`` imports nothing it does not use.

Start-up time itself is measured by hand (docs/performance.md), never asserted: a shared
machine makes any time limit flaky. What is tested is what makes the time -- the modules a
run imports and the pydantic models importing the package builds. Each case runs in a fresh
interpreter, since this test process has long imported everything.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Only the columnar path (large data) or the testing extra may import these.
HEAVY = ("numpy", "pandas", "pyarrow", "polars", "duckdb", "scipy", "hypothesis")


def _child(code: str) -> dict[str, object]:
    """Run ``code`` in a fresh interpreter at the repository root; it prints one JSON value."""
    env = dict(os.environ)
    env.pop("FORCE_COLOR", None)  # else stdout counts as a terminal and gets the rich table
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=True,
    )
    found: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


_RUN = """
import contextlib, io, json, sys
from goalengine.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
    code = main({args!r})
print(json.dumps({{"code": code, "out": out.getvalue(), "modules": sorted(sys.modules)}}))
"""


def _check(*args: str) -> tuple[int, str, set[str]]:
    found = _child(_RUN.format(args=["check", "rules/", *args]))
    modules = found["modules"]
    assert isinstance(modules, list)
    code, out = found["code"], found["out"]
    assert isinstance(code, int) and isinstance(out, str)
    return code, out, set(modules)


def _loaded(modules: set[str], *names: str) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in names)


def test_check_of_the_rule_library_to_a_file_imports_no_heavy_library(tmp_path: Path) -> None:
    output = tmp_path / "report.json"
    code, _, modules = _check("-o", str(output))
    assert code == 1  # goals of the library are missed: the run did judge them
    assert json.loads(output.read_text(encoding="utf-8"))["results"]
    assert _loaded(modules, *HEAVY) == []


@pytest.mark.parametrize("args", [(), ("-q", "-o", "{tmp}/report.json")], ids=["stdout", "quiet"])
def test_check_writing_json_without_a_terminal_does_not_load_rich(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    """The JSON report and the diagnostics module need no rich; only a table, a terminal or
    the summary line on stderr do."""
    code, out, modules = _check(*(a.format(tmp=tmp_path) for a in args))
    assert code == 1
    if not args:
        assert json.loads(out)["results"]  # stdout is not a terminal: JSON
    assert _loaded(modules, "rich", *HEAVY) == []


def test_importing_goalengine_builds_no_pydantic_model() -> None:
    """Schemas are built when a model is first validated or dumped, not at import: a run
    pays only for the models it uses."""
    found = _child(
        "import json, pydantic, goalengine, goalengine.ruleset, goalengine.models\n"
        "import goalengine.data.dataset as d\n"
        "built = sorted(\n"
        "    name\n"
        "    for module in (goalengine.models, goalengine.ruleset, d)\n"
        "    for name, value in vars(module).items()\n"
        "    if isinstance(value, type) and issubclass(value, pydantic.BaseModel)\n"
        "    and value.__module__ == module.__name__ and value.__pydantic_complete__\n"
        ")\n"
        "print(json.dumps({'built': built}))"
    )
    assert found["built"] == []


def test_models_build_on_first_use() -> None:
    """A recursive model (a step's children are steps) validates and dumps in a fresh
    interpreter, where nothing built its schema before."""
    found = _child(
        "import json\n"
        "from goalengine.models import Step\n"
        "data = {'kind': 'trend', 'label': 'trend', 'children': [{'kind': 'a', 'label': 'a'}]}\n"
        "step = Step.model_validate(data)\n"
        "print(json.dumps({'same': Step.model_validate_json(step.model_dump_json()) == step,\n"
        "                  'child': step.children[0].kind}))"
    )
    assert found == {"same": True, "child": "a"}


def test_check_of_the_rule_library_imports_no_authoring_or_plugin_machinery() -> None:
    """``goalengine.testing`` is for files with ``properties:`` (the library has none), and
    the entry points of installed packages are read only when a method is not built in."""
    code, _, modules = _check()
    assert code == 1
    assert [m for m in modules if m.startswith("goalengine.testing")] == []
    found = _child(
        "import json, sys, goalengine\n"
        "from goalengine import methods\n"
        "methods.get('linear')\n"
        "print(json.dumps({'metadata': 'importlib.metadata' in sys.modules}))"
    )
    assert found == {"metadata": False}
