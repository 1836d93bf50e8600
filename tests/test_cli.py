"""The command line: every command, format, option, error path and exit code.

Golden outputs live in tests/golden/ (regenerate: ``GOALENGINE_UPDATE_GOLDEN=1 pytest``);
the rule files in tests/fixtures/cli/report hold every verdict once.
"""

from __future__ import annotations

import difflib
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest
import xmlschema

from goalengine import __version__
from goalengine.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, main

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
REPORT = "tests/fixtures/cli/report"
VERDICTS = f"{REPORT}/verdicts.yaml"
SECOND = f"{REPORT}/second.yaml"
INVALID = "tests/fixtures/cli/invalid"
XSD = ROOT / "tests" / "fixtures" / "cli" / "junit-10.xsd"
UPDATE = os.environ.get("GOALENGINE_UPDATE_GOLDEN", "") not in ("", "0")


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(actual, encoding="utf-8")
        return
    if not path.exists():
        pytest.fail(f"no golden file {path}: run GOALENGINE_UPDATE_GOLDEN=1 pytest")
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True), actual.splitlines(keepends=True)
            )
        )
        pytest.fail(f"differs from tests/golden/{name} (GOALENGINE_UPDATE_GOLDEN=1):\n{diff}")


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """``cli("check", PATH, ...)``: run main() from the repository root, piped, 100 wide."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)

    def run(*argv: str) -> Run:
        code = main(list(argv))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture
def many_goals(tmp_path: Path) -> Path:
    """A rule file with 300 goals (more than the progress-bar threshold)."""
    lines = ["as_of: 2012-06-30", "data: {m: {2010: 1, 2011: 2}}", "goals:"]
    for index in range(300):
        lines += [f"  - id: g{index:03d}", f"    rule: m >= {index % 4} by 2014"]
    path = tmp_path / "many.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# -- help and version ---------------------------------------------------------------------


def test_version(cli: Callable[..., Run]) -> None:
    run = cli("--version")
    assert (run.code, run.out) == (EXIT_OK, f"goalengine {__version__}\n")


def test_help_lists_commands_examples_and_exit_codes(cli: Callable[..., Run]) -> None:
    run = cli("--help")
    assert run.code == EXIT_OK
    for word in ("check", "validate", "explain", "test", "examples:", "exit codes:"):
        assert word in run.out


@pytest.mark.parametrize("command", ["check", "validate", "explain", "test"])
def test_command_help_has_examples(cli: Callable[..., Run], command: str) -> None:
    run = cli(command, "--help")
    assert run.code == EXIT_OK
    assert "examples:" in run.out and f"goalengine {command} " in run.out
    assert "exit codes:" in run.out


def test_no_command_is_a_usage_error(cli: Callable[..., Run]) -> None:
    run = cli()
    assert run.code == EXIT_USAGE
    assert "COMMAND" in run.err and run.out == ""


def test_bad_option_is_a_usage_error(cli: Callable[..., Run]) -> None:
    run = cli("check", VERDICTS, "--format", "yaml")
    assert run.code == EXIT_USAGE
    assert "argument --format/-f: invalid choice: 'yaml'" in run.err


# -- check: formats -----------------------------------------------------------------------


def test_check_table_golden(cli: Callable[..., Run]) -> None:
    run = cli("check", VERDICTS, SECOND, "--format", "table")
    assert run.code == EXIT_USAGE  # one goal is in error
    check_golden("cli-check-table.txt", run.out)
    assert run.err == (
        f"{VERDICTS}:39:11: error: unknown metric 'employment_rte' "
        "(did you mean 'employment_rate'?)\n"
        "    rule: employment_rte >= 50\n"
        "          ^^^^^^^^^^^^^^\n"
    )


def test_piped_output_defaults_to_json_in_the_reports_shape(cli: Callable[..., Run]) -> None:
    run = cli("check", VERDICTS)
    check_golden("report.json", run.out)  # the same bytes as the renderer's golden
    document = json.loads(run.out)
    schema = json.loads((ROOT / "docs" / "report.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(document)
    assert document["summary"] == {
        "met": 2, "on-track": 1, "at-risk": 1, "missed": 1, "unknown": 1, "error": 1,
    }  # fmt: skip


def test_markdown(cli: Callable[..., Run]) -> None:
    run = cli("check", VERDICTS, SECOND, "--format", "markdown", "--fail-on", "never")
    check_golden("cli-check.md", run.out)
    assert run.out.count("| Goal | Verdict |") == 2


def test_junit_validates_and_has_one_testcase_per_goal(cli: Callable[..., Run]) -> None:
    run = cli("check", REPORT, "--format", "junit", "--fail-on", "at-risk")
    xmlschema.XMLSchema(str(XSD)).validate(run.out)
    cases = list(ET.fromstring(run.out).iter("testcase"))
    assert len(cases) == 8
    failed = {c.get("name") for c in cases if c.find("failure") is not None}
    assert failed == {"safety-halved", "waiting-short"}


def test_junit_of_the_shipped_rules_validates(cli: Callable[..., Run]) -> None:
    if not any((ROOT / "rules").rglob("*.yaml")):
        pytest.skip("no shipped rules")
    run = cli("check", "rules/", "--format", "junit")
    xmlschema.XMLSchema(str(XSD)).validate(run.out)
    assert run.code in (EXIT_OK, EXIT_FAILED, EXIT_USAGE)


@pytest.mark.parametrize(
    ("name", "marker"),
    [
        ("out.json", '"summary"'),
        ("out.md", "| Goal | Verdict |"),
        ("out.xml", "<testsuites"),
        ("out.txt", "1 goal: 1 met"),
    ],
)
def test_output_file_format_follows_its_suffix(
    cli: Callable[..., Run], tmp_path: Path, name: str, marker: str
) -> None:
    target = tmp_path / name
    run = cli("check", VERDICTS, "--select", "satisfied", "--output", str(target))
    assert run.code == EXIT_OK
    assert run.out == ""
    assert marker in target.read_text(encoding="utf-8")
    assert run.err == f"1 goal: 1 met → {target}\n"


def test_output_file_table_is_plain_text(cli: Callable[..., Run], tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    cli("check", VERDICTS, "--output", str(target), "--format", "table")
    text = target.read_text(encoding="utf-8")
    assert "\x1b" not in text and "✗ missed" in text
    assert all(line == line.rstrip() for line in text.splitlines())


# -- check: exit codes, --fail-on, --select/--exclude ----------------------------------------


@pytest.mark.parametrize(
    ("select", "fail_on", "code"),
    [
        ("satisfied", "missed", EXIT_OK),
        ("waiting-short", "missed", EXIT_FAILED),
        ("waiting-short", "never", EXIT_OK),
        ("safety-halved", "missed", EXIT_OK),
        ("safety-halved", "at-risk", EXIT_FAILED),
        ("not-yet-measured", "missed", EXIT_OK),
        ("not-yet-measured", "at-risk", EXIT_OK),
        ("not-yet-measured", "unknown", EXIT_FAILED),
        ("employment-up", "unknown", EXIT_OK),
        ("typo", "never", EXIT_USAGE),
    ],
)
def test_exit_codes(cli: Callable[..., Run], select: str, fail_on: str, code: int) -> None:
    run = cli("check", VERDICTS, "--select", select, "--fail-on", fail_on, "-f", "json")
    assert run.code == code
    assert [r["goal"] for r in json.loads(run.out)["results"]] == [select]


def test_select_by_glob_tag_and_commas(cli: Callable[..., Run]) -> None:
    def goals(*options: str) -> list[str]:
        run = cli("check", VERDICTS, SECOND, "-f", "json", *options)
        return [r["goal"] for r in json.loads(run.out)["results"]]

    assert goals("--select", "service") == ["satisfied", "waiting-short"]
    assert goals("--select", "employment-*,brackets-*") == ["employment-up", "brackets-[bold]"]
    assert goals("--select", "labour") == ["employment-up", "visits-up"]
    assert goals("--select", "labour", "--exclude", "web") == ["employment-up"]
    assert goals("--exclude", "typo", "--exclude", "*-*") == ["satisfied"]


def test_unknown_select_is_an_error_with_a_hint(cli: Callable[..., Run]) -> None:
    run = cli("check", VERDICTS, "--select", "satisfiedd", "--select", "zzz")
    assert run.code == EXIT_USAGE
    assert run.out == ""
    assert run.err == (
        "goalengine: error: --select 'satisfiedd' matches no goal id or tag "
        "(did you mean 'satisfied'?)\n"
        "goalengine: error: --select 'zzz' matches no goal id or tag\n"
    )


def test_unknown_exclude_is_a_warning(cli: Callable[..., Run]) -> None:
    run = cli("check", VERDICTS, "--select", "satisfied", "--exclude", "nothing-*")
    assert run.code == EXIT_OK
    assert run.err == "goalengine: warning: --exclude 'nothing-*' matches no goal id or tag\n"


def test_excluding_every_goal_is_an_error(cli: Callable[..., Run]) -> None:
    run = cli("check", VERDICTS, "--exclude", "*")
    assert run.code == EXIT_USAGE
    assert run.err == "goalengine: error: no goals left to judge after --select/--exclude\n"


# -- check: error paths ----------------------------------------------------------------------


def test_missing_path(cli: Callable[..., Run]) -> None:
    run = cli("check", "rules/nope.yaml", VERDICTS)
    assert (run.code, run.out) == (EXIT_USAGE, "")
    assert run.err == "rules/nope.yaml: error: no such file or directory\n"


def test_empty_directory_is_never_a_silent_pass(cli: Callable[..., Run], tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a rule file", encoding="utf-8")
    run = cli("check", str(tmp_path))
    assert (run.code, run.out) == (EXIT_USAGE, "")
    assert run.err == f"{tmp_path}: error: no rule files found (rule files end in .yaml or .yml)\n"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("soon", "'soon' is not a period (write 2010, 2010-H1, 2010-Q2, 2010-08 or 2010-08-15)"),
        ("2010-13", "'2010-13' has no month 13 (months are 01 to 12)"),
        ("2010-02-30", "'2010-02-30' is not a day of the calendar (write a date like 2009-03-31)"),
    ],
)
def test_bad_as_of(cli: Callable[..., Run], value: str, message: str) -> None:
    run = cli("check", VERDICTS, "--as-of", value)
    assert (run.code, run.out) == (EXIT_USAGE, "")
    assert run.err == f"goalengine: error: --as-of: {message}\n"


def test_as_of_overrides_the_files_date(cli: Callable[..., Run]) -> None:
    run = cli("check", VERDICTS, "--select", "employment-up", "--as-of", "2010-12-31", "-f", "json")
    result = json.loads(run.out)["results"][0]
    assert (result["as_of"], result["verdict"]) == ("2010-12-31", "unknown")


def test_unknown_method(cli: Callable[..., Run]) -> None:
    run = cli("check", VERDICTS, "--method", "lineer")
    assert run.code == EXIT_USAGE
    assert run.err == (
        "goalengine: error: --method: unknown method 'lineer' (did you mean 'linear'?)\n"
    )


def test_method_applies_to_every_goal(cli: Callable[..., Run]) -> None:
    run = cli("check", VERDICTS, "--select", "employment-up", "--method", "last", "-f", "json")
    assert json.loads(run.out)["results"][0]["method"] == "last"


def test_missing_data_file(cli: Callable[..., Run]) -> None:
    run = cli("check", VERDICTS, "--data", "missing.csv")
    assert run.code == EXIT_USAGE
    assert run.err == "missing.csv: error: data file not found: 'missing.csv'\n"


def test_unreadable_data_names_file_and_line(cli: Callable[..., Run], tmp_path: Path) -> None:
    data = tmp_path / "bad.csv"
    data.write_text("metric,period,value\nvisits,2011,9109\nvisits,2012,lots\n", encoding="utf-8")
    run = cli("check", SECOND, "--data", str(data))
    assert run.code == EXIT_USAGE
    assert run.err.startswith(f"{data}:3:")
    assert "lots" in run.err


def test_data_option_judges_against_another_dataset(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    data = tmp_path / "flat.csv"
    data.write_text("metric,period,value\nvisits,2011-02,9109\nvisits,2012-02,9000\n")
    run = cli("check", SECOND, "--data", str(data), "-f", "json")
    assert run.code == EXIT_OK
    assert json.loads(run.out)["results"][0]["verdict"] == "at-risk"


def test_rule_files_own_data_missing_fails_its_goals(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    rules = tmp_path / "x.yaml"
    rules.write_text("data: gone.csv\ngoals:\n  - id: a\n    rule: m >= 1\n", encoding="utf-8")
    run = cli("check", str(rules), "-f", "json")
    assert run.code == EXIT_USAGE
    assert json.loads(run.out)["results"][0]["verdict"] == "error"
    assert run.err == (
        f"{rules}:1:7: error: data file not found: 'gone.csv' "
        "(paths in 'data:' are relative to the rule file)\n"
        "    data: gone.csv\n"
        "          ^^^^^^^^\n"
    )


def test_invalid_yaml_is_reported_and_other_files_still_judged(cli: Callable[..., Run]) -> None:
    run = cli("check", f"{INVALID}/broken.yaml", SECOND, "-f", "json")
    assert run.code == EXIT_USAGE
    assert run.err.startswith(f"{INVALID}/broken.yaml:5:1: error: invalid YAML: ")
    assert [r["goal"] for r in json.loads(run.out)["results"]] == ["visits-up"]


def test_unreadable_rule_file(cli: Callable[..., Run], tmp_path: Path) -> None:
    rules = tmp_path / "latin1.yaml"
    rules.write_bytes(b"title: K\xf8benhavn\ngoals: []\n")
    run = cli("check", str(rules))
    assert run.code == EXIT_USAGE
    assert run.err.startswith(f"{rules}:1:9: error: rule file is not UTF-8")


def test_output_into_a_missing_directory(cli: Callable[..., Run], tmp_path: Path) -> None:
    run = cli("check", VERDICTS, "--output", str(tmp_path / "no" / "such.json"))
    assert run.code == EXIT_USAGE
    assert run.err == f"goalengine: error: --output: no such directory: {tmp_path / 'no'}\n"


def test_internal_errors_never_show_a_traceback(
    cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    import goalengine.engine.run

    monkeypatch.setattr(goalengine.engine.run, "judge_stream", boom)
    run = cli("check", VERDICTS)
    assert run.code == EXIT_USAGE
    assert run.err == (
        "goalengine: error: internal error: RuntimeError: boom "
        "(run with --debug for the traceback)\n"
    )
    run = cli("check", VERDICTS, "--debug")
    assert "Traceback (most recent call last)" in run.err
    assert run.err.rstrip().endswith("goalengine: error: internal error: RuntimeError: boom")


def test_debug_also_before_the_command(cli: Callable[..., Run]) -> None:
    run = cli("--debug", "check", VERDICTS, "--as-of", "soon")
    assert run.code == EXIT_USAGE
    assert "Traceback" in run.err and "PeriodError" in run.err


def test_interrupt_exits_130(cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    import goalengine.engine.run

    monkeypatch.setattr(goalengine.engine.run, "judge_stream", interrupted)
    run = cli("check", VERDICTS)
    assert (run.code, run.err) == (130, "goalengine: interrupted\n")


# -- check: quiet, verbose, colour, warnings ---------------------------------------------------


def test_quiet_shows_only_failing_goals_and_no_warnings(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    rules = tmp_path / "w.yaml"
    rules.write_text(
        "as_of: 2009\ndata: {share: {2007: 50, 2008: 58}, days: {2008: 30}}\ngoals:\n"
        "  - id: relative\n    rule: share >= baseline + 10% by 2010\n"
        "    baseline: 2007\n    unit: '%'\n"
        "  - id: waiting\n    rule: days <= 20\n",
        encoding="utf-8",
    )
    run = cli("check", str(rules), "-f", "table", "--quiet")
    assert (run.err, run.code) == ("", EXIT_FAILED)
    assert "relative" not in run.out and "waiting" in run.out
    assert run.out.endswith("2 goals: 1 on track, 1 missed\n")
    loud = cli("check", str(rules), "-f", "table")
    assert "warning: '%' after '+' or '-' is relative" in loud.err
    assert "relative" in loud.out


def test_verbose_shows_titles_and_timing(cli: Callable[..., Run]) -> None:
    run = cli("check", VERDICTS, "--select", "satisfied", "-f", "table", "--verbose")
    assert "Satisfaction at least 80 %" in run.out
    assert run.err.startswith("judged 1 goal from 1 file in ")


def test_piped_table_has_no_colour_and_no_markup(cli: Callable[..., Run]) -> None:
    run = cli("check", VERDICTS, "-f", "table")
    assert "\x1b" not in run.out
    assert "brackets-[bold]" in run.out and "sum(apprentices[2007..2008])" in run.out
    assert "Every verdict [once]" in run.out


def test_force_color_colours_piped_output(
    cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    run = cli("check", VERDICTS, "--select", "waiting-short")
    assert "\x1b[" in run.out  # a terminal table, in colour
    assert "✗ missed" in run.out
    assert "\x1b" not in cli("check", VERDICTS, "--select", "waiting-short", "--no-color").out
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b" not in cli("check", VERDICTS, "--select", "waiting-short").out


def test_no_progress_bar_when_piped(cli: Callable[..., Run], many_goals: Path) -> None:
    run = cli("check", str(many_goals), "-f", "json")
    assert run.err == ""
    assert len(json.loads(run.out)["results"]) == 300


def test_progress_bar_does_not_change_the_report(
    cli: Callable[..., Run], many_goals: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    plain = cli("check", str(many_goals), "-f", "json").out

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    stderr = Tty()
    monkeypatch.setattr(sys, "stderr", stderr)
    with_bar = cli("check", str(many_goals), "-f", "json").out
    assert "judging goals" in stderr.getvalue()
    assert json.loads(with_bar) == json.loads(plain)


def test_broken_pipe_is_quiet(many_goals: Path) -> None:
    script = (
        f"{sys.executable} -m goalengine.cli check {many_goals} --format json | head -c 100; "
        "echo; echo status ${PIPESTATUS[0]}"
    )
    done = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=60, check=True
    )
    assert done.stderr == ""
    assert done.stdout.rstrip().endswith("status 0")  # the run's own exit code


def test_importing_the_cli_does_not_load_rich() -> None:
    code = "import sys, goalengine.cli; print('rich' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


# -- validate ----------------------------------------------------------------------------------


def test_validate_reports_every_problem_at_once(cli: Callable[..., Run]) -> None:
    run = cli("validate", INVALID, VERDICTS)
    assert run.code == EXIT_USAGE
    assert run.out == ""
    check_golden("cli-validate.txt", run.err)
    assert run.err.count(": error: ") == 6
    assert run.err.count(": warning: ") == 1


def test_validate_readme_example(cli: Callable[..., Run]) -> None:
    run = cli("validate", "tests/fixtures/docs/typo.yaml")
    assert run.code == EXIT_USAGE
    assert run.err == (
        "tests/fixtures/docs/typo.yaml:4:11: error: unknown metric 'employment_rte' "
        "(did you mean 'employment_rate'?)\n"
        "    rule: employment_rte >= baseline + 10pp by 2010\n"
        "          ^^^^^^^^^^^^^^\n"
    )


def test_validate_clean_files(cli: Callable[..., Run]) -> None:
    run = cli("validate", SECOND)
    assert (run.code, run.out, run.err) == (EXIT_OK, "1 rule file, 1 goal: no errors\n", "")


def test_validate_warnings_do_not_fail(cli: Callable[..., Run], tmp_path: Path) -> None:
    rules = tmp_path / "w.yaml"
    rules.write_text(
        "goals:\n  - id: w\n    rule: share >= baseline + 10% by 2010\n"
        "    baseline: 2007\n    unit: '%'\n",
        encoding="utf-8",
    )
    run = cli("validate", str(rules))
    assert run.code == EXIT_OK
    assert run.out == "1 rule file, 1 goal: no errors, 1 warning\n"
    assert f"{rules}:3:31: warning:" in run.err
    assert cli("validate", str(rules), "--quiet").err == ""


def test_validate_needs_no_data(cli: Callable[..., Run], tmp_path: Path) -> None:
    rules = tmp_path / "nodata.yaml"
    rules.write_text("goals:\n  - id: a\n    rule: anything >= 1\n", encoding="utf-8")
    assert cli("validate", str(rules)).code == EXIT_OK
    missing = tmp_path / "missing-data.yaml"
    missing.write_text("data: gone.csv\ngoals:\n  - id: a\n    rule: m >= 1\n", encoding="utf-8")
    run = cli("validate", str(missing))
    assert run.code == EXIT_OK
    assert run.err.startswith(
        f"{missing}:1:7: warning: metric names not checked: data file not found"
    )


def test_validate_broken_data_is_an_error(cli: Callable[..., Run], tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_text("metric,period,value\nm,2011,1\nm,2012,lots\n")
    rules = tmp_path / "r.yaml"
    rules.write_text("data: d.csv\ngoals:\n  - id: a\n    rule: m >= 1\n", encoding="utf-8")
    run = cli("validate", str(rules))
    assert run.code == EXIT_USAGE
    assert run.err == (
        f"{tmp_path / 'd.csv'}:3:8: error: cannot read value 'lots' as a number "
        "(a ','-separated file writes numbers with a decimal point and no grouping "
        "(58.678, -1.5e3); if it uses a decimal comma, state it: "
        "data: [{path: ..., decimal: comma}])\n"
        "    m,2012,lots\n"
        "           ^^^^\n"
    )


def test_validate_against_given_data(cli: Callable[..., Run], tmp_path: Path) -> None:
    data = tmp_path / "d.csv"
    data.write_text("metric,period,value\nvisitors,2011,1\n", encoding="utf-8")
    run = cli("validate", SECOND, "--data", str(data))
    assert run.code == EXIT_USAGE
    assert "unknown metric 'visits' (did you mean 'visitors'?)" in run.err


def test_validate_missing_paths_are_reported_with_the_rest(cli: Callable[..., Run]) -> None:
    run = cli("validate", "nope", "tests/fixtures/docs/typo.yaml")
    assert run.code == EXIT_USAGE
    assert run.err.startswith("nope: error: no such file or directory\n")
    assert "employment_rte" in run.err


# -- explain -----------------------------------------------------------------------------------


def test_explain_golden(cli: Callable[..., Run]) -> None:
    run = cli("explain", VERDICTS, "employment-up")
    assert (run.code, run.err) == (EXIT_OK, "")
    check_golden("cli-explain.txt", run.out)


def test_explain_finds_the_goal_in_a_directory(cli: Callable[..., Run]) -> None:
    run = cli("explain", REPORT, "safety-halved", "--as-of", "2011-06")
    assert run.code == EXIT_OK
    assert run.out.startswith("safety-halved  ⚠ at risk\n")
    assert "as of 2011-06-30" in run.out


def test_explain_json_is_a_report(cli: Callable[..., Run]) -> None:
    run = cli("explain", VERDICTS, "safety-halved", "--format", "json")
    document = json.loads(run.out)
    schema = json.loads((ROOT / "docs" / "report.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(document)
    assert [r["goal"] for r in document["results"]] == ["safety-halved"]


def test_explain_a_goal_in_error(cli: Callable[..., Run]) -> None:
    run = cli("explain", VERDICTS, "typo")
    assert run.code == EXIT_USAGE
    assert "! error" in run.out
    assert "verdicts.yaml:39:11: error: unknown metric 'employment_rte'" in run.out


def test_explain_unknown_goal(cli: Callable[..., Run]) -> None:
    run = cli("explain", VERDICTS, "employment-upp")
    assert (run.code, run.out) == (EXIT_USAGE, "")
    assert run.err == (
        f"{VERDICTS}: error: no goal 'employment-upp' in {VERDICTS} "
        "(did you mean 'employment-up'?)\n"
    )


def test_explain_ambiguous_goal(cli: Callable[..., Run], tmp_path: Path) -> None:
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text("goals:\n  - id: same\n    rule: m >= 1\n", encoding="utf-8")
    run = cli("explain", str(tmp_path), "same")
    assert run.code == EXIT_USAGE
    assert "goal 'same' is in several files" in run.err


# -- test --------------------------------------------------------------------------------------


def test_test_golden(cli: Callable[..., Run]) -> None:
    run = cli("test", REPORT)
    assert run.code == EXIT_FAILED
    check_golden("cli-test.txt", run.out)
    assert run.out.endswith("4 tests: 2 passed, 2 failed\n")


def test_test_passing(cli: Callable[..., Run]) -> None:
    run = cli("test", SECOND)
    assert (run.code, run.err) == (EXIT_OK, "")
    assert run.out == f"✓ PASS  {SECOND}:13  visits on course\n1 test: 1 passed, 0 failed\n"


def test_test_quiet_shows_failures_only(cli: Callable[..., Run]) -> None:
    run = cli("test", REPORT, "-q")
    assert "PASS" not in run.out and run.out.count("✗ FAIL") == 2


def test_test_without_fixtures_warns(cli: Callable[..., Run], tmp_path: Path) -> None:
    rules = tmp_path / "a.yaml"
    rules.write_text("goals:\n  - id: a\n    rule: m >= 1\n", encoding="utf-8")
    run = cli("test", str(rules))
    assert (run.code, run.out) == (EXIT_OK, "")
    assert run.err == (
        "goalengine: warning: no tests found in 1 rule file "
        "(add fixtures under 'tests:' in a rule file)\n"
    )


def test_test_rule_errors_exit_2(cli: Callable[..., Run]) -> None:
    run = cli("test", f"{INVALID}/broken.yaml")
    assert run.code == EXIT_USAGE
    assert "invalid YAML" in run.err


@dataclass(frozen=True)
class _Outcome:
    goal: str
    name: str
    passed: bool
    message: str
    fixture: str | None = None
    skipped: bool = False


@pytest.fixture
def fake_properties(monkeypatch: pytest.MonkeyPatch) -> None:
    import types

    module = types.ModuleType("goalengine.testing.properties")

    def check_ruleset(ruleset: object) -> list[_Outcome]:
        return [
            _Outcome("visits-up", "monotone", True, "ok"),
            _Outcome("visits-up", "never_crashes", False, "crashed", "- name: x\n"),
            _Outcome("visits-up", "target_reachable", True, "n/a", skipped=True),
        ]

    module.check_ruleset = check_ruleset  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "goalengine.testing.properties", module)


@pytest.mark.usefixtures("fake_properties")
def test_test_properties(cli: Callable[..., Run]) -> None:
    run = cli("test", SECOND, "--properties")
    assert run.code == EXIT_FAILED
    assert run.out == (
        f"✓ PASS  {SECOND}:13  visits on course\n"
        f"✓ PASS  {SECOND}  visits-up · monotone\n"
        f"✗ FAIL  {SECOND}  visits-up · never_crashes\n"
        "    crashed\n"
        "    reproduce it with this test (paste under tests:):\n"
        "      - name: x\n"
        "1 test: 1 passed, 0 failed; 3 properties: 1 passed, 1 failed, 1 skipped\n"
    )


def test_test_properties_missing_module(
    cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib

    real = importlib.import_module

    def missing(name: str, package: str | None = None) -> object:
        if name == "goalengine.testing.properties":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return real(name, package)

    monkeypatch.setattr(importlib, "import_module", missing)
    run = cli("test", SECOND, "--properties")
    assert (run.code, run.out) == (EXIT_USAGE, "")
    assert run.err == (
        "goalengine: error: --properties: property checks are not available in this "
        "installation (goalengine.testing.properties is missing; run the fixtures without "
        "--properties)\n"
    )


# -- a real terminal ---------------------------------------------------------------------------


def _pty_run(argv: list[str], columns: int = 100) -> tuple[int, str]:
    """Run ``goalengine argv`` on a pseudo-terminal; its exit code and everything shown."""
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS")}
    env["TERM"] = "xterm-256color"
    process = subprocess.Popen(
        [sys.executable, "-m", "goalengine.cli", *argv],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        cwd=ROOT,
        env=env,
        close_fds=True,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the terminal closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    return process.wait(timeout=60), b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_on_a_terminal_the_table_has_colour_and_symbols() -> None:
    code, shown = _pty_run(["check", VERDICTS, "--select", "waiting-short,satisfied"])
    assert code == EXIT_FAILED
    assert "\x1b[" in shown  # colour
    assert "✗ missed" in shown and "✓ met" in shown  # symbols survive too
    assert "verdict" in shown and '"summary"' not in shown  # a table, not JSON


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_on_a_terminal_many_goals_show_a_progress_bar(many_goals: Path) -> None:
    code, shown = _pty_run(["check", str(many_goals)])
    assert code == EXIT_OK
    assert "judging goals" in shown
    assert "300 goals:" in shown


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_on_a_terminal_property_checks_show_a_progress_bar() -> None:
    code, shown = _pty_run(["test", SECOND, "--properties"])
    assert code == EXIT_OK, shown
    import re

    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown)
    assert "checking properties" in plain
    assert "visits-up · 6 properties" in plain and "1 test: 1 passed, 0 failed; " in plain
