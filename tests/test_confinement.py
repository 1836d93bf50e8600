"""Data paths in rule files are confined to the data root; only bounded regular files are read.

A rule file arrives in a pull request: its ``data:`` must not read a file outside the
project (by an absolute path, ``../`` or a symbolic link) nor hang the run (a FIFO, a
device). The command line runs as a subprocess, as CI runs it, with a memory limit and a
timeout; a canary file outside the root and a canary environment variable must never show
in anything it writes.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from goalengine import DataError, RuleFileError, evaluate, evaluate_many, read_rules
from goalengine.data.files import default_data_root
from goalengine.limits import Limits
from goalengine.resolve import DataCache, load_ruleset_data
from goalengine.rulefile import find_rule_files
from goalengine.ruleset import DataSource, RuleSet

ROOT = Path(__file__).resolve().parent.parent
CANARY = "canary_secret_7f3a"
"""In the outside file's header (so an 'unknown column' error would quote it) and the env."""
DATA = "metric,period,value\nvisits,2010,120\nvisits,2011,150\n"


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))


def goalengine(*args: str, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "NO_COLOR": "1",
        "COLUMNS": "200",
        "GOALENGINE_CANARY": CANARY,
    }
    return subprocess.run(
        [sys.executable, "-m", "goalengine", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=_limit_memory,
    )


def rule_file(data: str) -> str:
    goals = "goals:\n  - id: visits-up\n    rule: visits >= 140\n"
    return f"as_of: 2012-01-01\ndata:\n  - {data}\n{goals}"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """``project/rules/visits.yaml`` reading ``../data/visits.csv``; a canary outside."""
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "canary.csv").write_text(f"{CANARY.upper()},period,value\nx,2010,1\n")
    root = tmp_path / "project"
    (root / "rules").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "data" / "visits.csv").write_text(DATA)
    (root / "rules" / "visits.yaml").write_text(rule_file("../data/visits.csv"))
    return root


def assert_no_canary(*texts: str) -> None:
    for text in texts:
        assert CANARY not in text.lower()


# -- the command line ---------------------------------------------------------------------


def test_data_inside_the_root_is_read(project: Path) -> None:
    run = goalengine("check", "rules/", "-f", "json", cwd=project)
    assert run.returncode == 0, run.stderr
    assert [r["verdict"] for r in json.loads(run.stdout)["results"]] == ["met"]


ESCAPES: dict[str, Callable[[Path], str]] = {
    "absolute path": lambda project: str(project.parent / "outside" / "canary.csv"),
    "../ escape": lambda project: "../../outside/canary.csv",
    "symlink to an outside file": lambda project: _link(project, _canary(project)),
    "symlink to /proc/self/environ": lambda project: _link(project, Path("/proc/self/environ")),
}


def _canary(project: Path) -> Path:
    return project.parent / "outside" / "canary.csv"


def _link(project: Path, target: Path) -> str:
    (project / "rules" / "link.csv").symlink_to(target)
    return "link.csv"


@pytest.mark.parametrize("escape", ESCAPES, ids=str)
def test_data_outside_the_root_is_an_error_at_the_entry_and_nothing_is_read(
    project: Path, escape: str
) -> None:
    written = ESCAPES[escape](project)
    (project / "rules" / "escape.yaml").write_text(rule_file(written))
    report = project / "report.json"
    run = goalengine("check", "rules/", "-o", str(report), cwd=project)
    assert run.returncode == 2
    assert (
        f"rules/escape.yaml:3:5: error: data path '{written}'" in run.stderr
        and "lies outside the data root (the current directory)" in run.stderr
    ), run.stderr
    assert "^" * len(written) in run.stderr
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr
    results = {r["file"]: r for r in json.loads(report.read_text())["results"]}
    assert results["rules/escape.yaml"]["verdict"] == "error"
    assert results["rules/visits.yaml"]["verdict"] == "met"  # the other file is unaffected
    validated = goalengine("validate", "rules/", cwd=project)
    assert validated.returncode == 2
    assert "rules/escape.yaml:3:5: error: data path" in validated.stderr
    assert_no_canary(run.stdout, run.stderr, report.read_text(), validated.stderr)


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (lambda data: os.mkfifo(data), "a FIFO"),
        (lambda data: data.mkdir(), "a directory"),
        (lambda data: data.symlink_to("/dev/zero"), "a device"),
    ],
    ids=["fifo", "directory", "dev-zero"],
)
def test_only_regular_files_are_read(
    project: Path, make: Callable[[Path], None], kind: str
) -> None:
    make(project / "rules" / "odd.csv")
    (project / "rules" / "odd.yaml").write_text(rule_file("odd.csv"))
    # --data-root / : the root does not stop /dev/zero, the file's kind must
    run = goalengine("check", "rules/odd.yaml", "-f", "json", "--data-root", "/", cwd=project)
    assert run.returncode == 2
    assert f"rules/odd.yaml:3:5: error: data file 'odd.csv' is {kind}, not a regular file" in (
        run.stderr
    )
    assert json.loads(run.stdout)["results"][0]["verdict"] == "error"


def test_a_fifo_rule_file_is_an_error_not_a_hang(project: Path) -> None:
    fifo = project / "rules" / "pipe.yaml"
    os.mkfifo(fifo)
    named = goalengine("check", "rules/pipe.yaml", cwd=project, timeout=30)
    assert named.returncode == 2
    assert "rules/pipe.yaml: error: rule file 'rules/pipe.yaml' is a FIFO" in named.stderr
    found = goalengine("check", "rules/", "-f", "json", cwd=project, timeout=30)  # left out
    assert found.returncode == 0, found.stderr
    assert [r["goal"] for r in json.loads(found.stdout)["results"]] == ["visits-up"]


def test_a_rule_path_outside_the_current_directory_uses_its_own_folder(project: Path) -> None:
    elsewhere = project.parent / "elsewhere"
    elsewhere.mkdir()
    run = goalengine("validate", "../project/rules", cwd=elsewhere)
    assert run.returncode == 2
    assert f"data path '../data/visits.csv' lies outside the data root ({project / 'rules'})" in (
        run.stderr
    )
    assert goalengine("validate", "../project/rules/visits.yaml", cwd=elsewhere).returncode == 2
    widened = goalengine("check", "../project/rules", "--data-root", "../project", cwd=elsewhere)
    assert widened.returncode == 0, widened.stderr
    # the project's own folder as PATH is its own root
    assert goalengine("check", str(project), "-f", "json", cwd=elsewhere).returncode == 0


def test_data_root_must_be_a_directory(project: Path) -> None:
    run = goalengine("check", "rules/", "--data-root", "nowhere", cwd=project)
    assert run.returncode == 2
    assert "--data-root: not a directory: nowhere" in run.stderr


def test_the_shipped_library_still_reads_its_datasets() -> None:
    run = goalengine("check", "rules/", "-f", "json", cwd=ROOT)
    assert run.returncode in (0, 1), run.stderr
    verdicts = [r["verdict"] for r in json.loads(run.stdout)["results"]]
    assert "error" not in verdicts and "met" in verdicts


def test_max_data_bytes_bounds_a_sparse_file(project: Path) -> None:
    big = project / "data" / "big.csv"
    with big.open("wb") as stream:
        stream.truncate(50 * 1024**2)  # sparse: no disk, but 50 MB if read
    (project / "rules" / "big.yaml").write_text(rule_file("../data/big.csv"))
    run = goalengine("check", "rules/", "-f", "json", "--max-data-bytes", "1000000", cwd=project)
    assert run.returncode == 2
    assert "rules/big.yaml:3:5: error: data file '../data/big.csv' is 52,428,800 bytes" in (
        run.stderr
    )
    assert "the limit is 1,000,000 (raise it with --max-data-bytes)" in run.stderr
    results = {r["file"]: r["verdict"] for r in json.loads(run.stdout)["results"]}
    assert results == {"rules/big.yaml": "error", "rules/visits.yaml": "met"}
    bad = goalengine("check", "rules/", "--max-data-bytes", "lots", cwd=project)
    assert bad.returncode == 2 and "not a number of bytes" in bad.stderr


# -- the API ------------------------------------------------------------------------------


def test_api_default_root_is_the_rule_files_folder_outside_the_cwd(project: Path) -> None:
    ruleset = read_rules(project / "rules" / "visits.yaml")
    assert ruleset.data_sources[0].span is not None
    with pytest.raises(DataError, match="outside the data root") as raised:
        load_ruleset_data(ruleset)
    assert (raised.value.span.line, raised.value.span.column) == (3, 5)
    assert evaluate_many([ruleset]).results[0].verdict == "error"
    assert evaluate(ruleset, data_root=project).results[0].verdict == "met"
    assert evaluate_many([ruleset], data_root=project).results[0].verdict == "met"
    assert load_ruleset_data(ruleset, data_root=project).metrics
    assert load_ruleset_data(ruleset, cache=DataCache(data_root=project)).metrics
    # data named by the caller is trusted
    given = project / "data" / "visits.csv"
    assert evaluate(ruleset, data=given).results[0].verdict == "met"


def test_api_default_root_is_the_cwd_when_the_rule_file_is_in_it(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    assert default_data_root("rules/visits.yaml") == project
    assert default_data_root(project.parent / "outside") == project.parent / "outside"
    assert (
        default_data_root(project.parent / "outside" / "canary.csv") == project.parent / "outside"
    )
    assert evaluate(read_rules("rules/visits.yaml")).results[0].verdict == "met"


def test_the_cache_checks_the_root_on_every_load(project: Path) -> None:
    cache = DataCache()
    data = project / "data" / "visits.csv"
    assert cache.load(data, root=project).metrics
    with pytest.raises(DataError, match="outside the data root"):
        cache.load(data, root=project / "rules")


def test_api_limits(project: Path) -> None:
    ruleset = read_rules(project / "rules" / "visits.yaml")
    small = evaluate_many([ruleset], data_root=project, limits=Limits(data_file_bytes=10))
    assert "the limit is 10" in small.results[0].explanation
    with pytest.raises(RuleFileError, match="the limit is 5"):
        read_rules(project / "rules" / "visits.yaml", limits=Limits(rule_file_bytes=5))


# -- rule files ---------------------------------------------------------------------------


def test_data_entries_paths_sources_and_inline(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(
        "data:\n"
        "  - a.csv\n"
        "  - {path: b.csv, decimal: comma}\n"
        "  - path: {2010: 1}\n"  # a metric called 'path' is inline data
        "goals:\n  - id: g\n    rule: path >= 1\n"
    )
    ruleset = read_rules(path)
    assert not ruleset.errors
    assert ruleset.data_files == (tmp_path / "a.csv", tmp_path / "b.csv")
    a, b = ruleset.data_sources
    assert (a.decimal, b.decimal, b.name) == (None, "comma", "b.csv")
    assert b.span is not None and (b.span.line, b.span.column) == (3, 12)
    assert ruleset.inline_data is not None and "path" in ruleset.inline_data


@pytest.mark.parametrize(
    ("entry", "message", "hint", "where"),
    [
        ("{pth: b.csv, decimal: comma}", "unknown key 'pth' in data source", "'path'", (2, 6)),
        ("{path: b.csv, decimal: coma}", "unknown decimal convention 'coma'", "'comma'", (2, 28)),
        ("{path: b.csv, sep: ';'}", "unknown key 'sep' in data source", "keys are", (2, 19)),
    ],
)
def test_bad_data_sources_are_positioned_errors(
    tmp_path: Path, entry: str, message: str, hint: str, where: tuple[int, int]
) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(f"data:\n  - {entry}\ngoals:\n  - id: g\n    rule: x >= 1\n")
    (error,) = [e for e in read_rules(path).errors if message in e.message]
    assert error.hint is not None and hint in error.hint
    assert (error.span.line, error.span.column) == where


def test_rule_sets_built_by_hand_take_plain_paths(tmp_path: Path) -> None:
    ruleset = RuleSet(data_sources=[tmp_path / "x.csv"])
    assert ruleset.data_sources == (DataSource(path=tmp_path / "x.csv"),)


def test_directory_walk_follows_no_links_out_and_does_not_loop(project: Path) -> None:
    rules = project / "rules"
    (rules / "loop").symlink_to(rules)
    (project.parent / "outside" / "stray.yaml").write_text(rule_file("x.csv"))
    (rules / "stray.yaml").symlink_to(project.parent / "outside" / "stray.yaml")
    (rules / "alias.yaml").symlink_to(rules / "visits.yaml")
    os.mkfifo(rules / "pipe.yaml")
    assert find_rule_files(rules) == [rules / "alias.yaml", rules / "visits.yaml"]
    assert find_rule_files(rules / "stray.yaml") == [rules / "stray.yaml"]  # named: as given
