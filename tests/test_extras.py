"""Hypothesis is an extra (goalengine[testing]): without it, everything else still works.

The child processes hide Hypothesis behind a finder that refuses it, so every
``import hypothesis`` fails exactly as on an install without the extra.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_HIDE = (
    "import sys\n"
    "class Hide:\n"
    "    def find_spec(self, name, path=None, target=None):\n"
    "        if name.partition('.')[0] == 'hypothesis':\n"
    "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
    "sys.meta_path.insert(0, Hide())\n"
)


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _HIDE + code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_runs_without_hypothesis() -> None:
    done = _run(
        "from goalengine.cli import main; "
        "code = main(['check', 'rules/', '--format', 'json', '-o', '/dev/null']); "
        "assert 'hypothesis' not in sys.modules; "
        "raise SystemExit(code)"
    )
    assert done.returncode == 1, done.stderr  # 1: some Copenhagen goals are missed
    assert "internal error" not in done.stderr


def test_properties_without_hypothesis_name_the_extra() -> None:
    done = _run(
        "from goalengine.cli import main; "
        "raise SystemExit(main(['test', '--properties', 'rules/']))"
    )
    assert done.returncode == 2
    assert "goalengine[testing]" in done.stderr
    assert "Traceback" not in done.stderr


def test_pytest_plugin_runs_fixtures_and_says_properties_need_the_extra() -> None:
    done = _run(
        "import pytest; raise SystemExit(pytest.main(["
        "'rules/okonomiudvalget-2012/sikker-by.yaml', '-p', 'no:hypothesispytest', "
        "'-p', 'no:cacheprovider', '-v']))"
    )
    assert done.returncode == 0, done.stdout + done.stderr
    ran = [
        line for line in done.stdout.splitlines() if line.endswith("PASSED") or "PASSED " in line
    ]
    assert ran, done.stdout
    assert all("::fixture[" in line for line in ran), ran  # no property items
    assert "pip install 'goalengine[testing]'" in done.stdout
