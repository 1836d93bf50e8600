"""The user's test file in docs/testing.md runs under pytest as a file of its own."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MARK = "# test_my_goals.py"


def example() -> str:
    text = (ROOT / "docs" / "testing.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```python\n(.*?)^```", text, re.MULTILINE | re.DOTALL)
    found = [b for b in blocks if b.startswith(MARK)]
    assert len(found) == 1, "docs/testing.md shows one user test file"
    return found[0]


@pytest.mark.slow
def test_the_documented_user_test_file_passes(tmp_path: Path) -> None:
    (tmp_path / "test_my_goals.py").write_text(example(), encoding="utf-8")
    env = {**os.environ}
    env.pop("PYTEST_ADDOPTS", None)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_my_goals.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 passed" in done.stdout, done.stdout
