"""Checks users can trust before a run (issue 17): what ``validate`` catches, test summaries
that agree with the exit code, ``test``/``explain`` selection, ``goal@entity``, rule-text
hints and the ``-v`` count."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from goalengine import validate
from goalengine.cli import EXIT_OK, EXIT_USAGE, main
from goalengine.errors import RuleSyntaxError
from goalengine.language.parse import parse_text

ROOT = Path(__file__).resolve().parent.parent
ENTITIES = "rules/entities/housing-areas.yaml"
PER_AREA = "no-new-vulnerable-area-per-area"


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)

    def run(*argv: str) -> Run:
        code = main(list(argv))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


def _write(tmp_path: Path, text: str, name: str = "rules.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- validate catches what does not depend on data values -----------------------------------

STATIC_ERRORS = """\
as_of: 2010-01-01
data:
  x: {2008: 1, 2009: 2}
goals:
  - id: no-baseline
    rule: x >= baseline + 1 by 2010
  - id: bad-method
    rule: x > 1 by 2010
    method: nosuch
  - id: no-entities
    rule: x > 1 by 2010
    for_each: entity
  - id: fine
    rule: x > 1 by 2010
"""


def test_validate_catches_every_error_check_would_report(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    rules = _write(tmp_path, STATIC_ERRORS)
    validated = cli("validate", str(rules))
    checked = cli("check", str(rules), "-f", "json")
    assert (validated.code, checked.code) == (EXIT_USAGE, EXIT_USAGE)
    assert f"{rules}:6:11: error: the rule uses 'baseline' but the goal declares none" in (
        validated.err
    )
    assert f"{rules}:8:11: error: unknown method 'nosuch'" in validated.err
    assert f"{rules}:11:11: error: for_each: entity, but no data of x has an entity" in (
        validated.err
    )
    # Every goal check judges `error` is an error validate already gave, at the same place.
    import json

    in_error = [r for r in json.loads(checked.out)["results"] if r["verdict"] == "error"]
    assert len(in_error) == 3
    for result in in_error:
        error = result["error"]
        assert f"{rules}:{error['line']}:{error['column']}: error: {error['message']}" in (
            validated.err
        )


def test_validate_without_data_still_checks_the_baseline(tmp_path: Path) -> None:
    rules = _write(tmp_path, "goals:\n  - id: a\n    rule: x >= baseline + 1 by 2010\n")
    found = validate(rules)
    assert [d.message for d in found.errors] == [
        "the rule uses 'baseline' but the goal declares none"
    ]


def test_the_shipped_library_validates_clean(cli: Callable[..., Run]) -> None:
    run = cli("validate", "rules/")
    assert run.code == EXIT_OK, run.err


# -- test: the printed result agrees with the exit code -------------------------------------

MISSPELLED = """\
as_of: 2010-01-01
data:
  x: {2008: 1, 2009: 2}
goals:
  - id: employment
    rule: x > 1 by 2010
tests:
  - name: fine
    expect: {employment: on-track}
  - name: misspelled
    expect: {employmnet: on-track}
"""


def test_a_misspelled_goal_in_a_fixture_is_an_error_and_the_summary_says_so(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    rules = _write(tmp_path, MISSPELLED)
    run = cli("test", str(rules))
    assert run.code == EXIT_USAGE
    assert run.err.startswith(
        f"{rules}:11:14: error: test expects unknown goal 'employmnet' "
        "(did you mean 'employment'?)\n"
    )
    assert run.out.endswith("1 test: 1 passed, 0 failed; 1 error\n")


def test_a_clean_run_has_no_error_count(cli: Callable[..., Run], tmp_path: Path) -> None:
    rules = _write(tmp_path, MISSPELLED.replace("employmnet", "employment"))
    run = cli("test", str(rules))
    assert (run.code, run.out.splitlines()[-1]) == (EXIT_OK, "2 tests: 2 passed, 0 failed")


# -- test --select/--exclude, and property results streamed goal by goal ---------------------


def test_test_select_runs_only_the_expectations_of_the_chosen_goals(
    cli: Callable[..., Run],
) -> None:
    run = cli("test", "rules/integration-2009/budget.yaml", "--select", "budget-projects-*")
    assert run.code == EXIT_OK, run.out + run.err
    # fixtures that expect only other goals are left out.
    assert "a wrong grand total" not in run.out and "a corrected section 2" not in run.out
    assert run.out.splitlines()[-1] == "3 tests: 3 passed, 0 failed"


def test_test_exclude_and_unknown_select(cli: Callable[..., Run]) -> None:
    run = cli("test", "rules/integration-2009/budget.yaml", "--exclude", "budget-*")
    assert run.code == EXIT_USAGE
    assert "no goals left" in run.err
    run = cli("test", "rules/integration-2009/budget.yaml", "--select", "budget-totl-row")
    assert run.code == EXIT_USAGE
    assert "did you mean 'budget-total-row'?" in run.err


@dataclass(frozen=True)
class _Outcome:
    goal: str
    name: str
    passed: bool
    message: str
    fixture: str | None = None
    skipped: bool = False


def test_properties_are_printed_as_each_goal_finishes(
    cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import types

    module = types.ModuleType("goalengine.testing.properties")
    seen: list[str] = []

    def check_ruleset_by_goal(ruleset: object) -> object:
        for goal in ("first", "second"):
            # What was printed before the next goal is checked: the previous goal's line.
            seen.append(capsys.readouterr().out)
            yield goal, [_Outcome(goal, "monotone", True, "ok"), _Outcome(goal, "x", True, "")]

    module.check_ruleset_by_goal = check_ruleset_by_goal  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "goalengine.testing.properties", module)
    rules = "tests/fixtures/cli/report/second.yaml"
    run = cli("test", rules, "--properties")
    assert run.code == EXIT_OK
    assert seen[1] == f"✓ PASS  {rules}  first · 2 properties\n"
    assert run.out == (
        f"✓ PASS  {rules}  second · 2 properties\n"
        "1 test: 1 passed, 0 failed; 4 properties: 4 passed, 0 failed\n"
    )


@pytest.mark.slow
def test_properties_of_a_real_goal_stream(cli: Callable[..., Run]) -> None:
    run = cli("test", "rules/okonomiudvalget-2012/labour-market.yaml", "--properties",
              "--select", "io-positions")  # fmt: skip
    assert run.code == EXIT_OK, run.out + run.err
    assert "io-positions · 6 properties" in run.out


# -- explain: goal@entity and --select -------------------------------------------------------


def test_explain_one_entity_of_a_for_each_goal(cli: Callable[..., Run]) -> None:
    run = cli("explain", ENTITIES, f"{PER_AREA}@Tingbjerg", "--format", "json")
    assert run.code == EXIT_OK
    import json

    results = json.loads(run.out)["results"]
    assert [r["entity"] for r in results] == ["Tingbjerg"]
    text = cli("explain", ENTITIES, f"{PER_AREA}@Mjølnerparken")
    assert text.out.startswith(f"{PER_AREA} (Mjølnerparken)") and "Tingbjerg" not in text.out


def test_explain_unknown_entity_has_a_did_you_mean(cli: Callable[..., Run]) -> None:
    run = cli("explain", ENTITIES, f"{PER_AREA}@Tingbjer")
    assert run.code == EXIT_USAGE
    assert f"error: goal '{PER_AREA}' has no entity 'Tingbjer' (did you mean 'Tingbjerg'?)" in (
        run.err
    )


def test_explain_an_entity_of_a_goal_without_for_each(cli: Callable[..., Run]) -> None:
    run = cli("explain", "rules/integration-2009", "employment-men@Tingbjerg")
    assert run.code == EXIT_USAGE
    assert "goal 'employment-men' is not judged per entity" in run.err


def test_explain_select_explains_every_chosen_goal(cli: Callable[..., Run]) -> None:
    run = cli("explain", "rules/integration-2009", "--select", "budget-*-columns",
              "--exclude", "budget-projects-*", "--format", "json")  # fmt: skip
    import json

    goals = [r["goal"] for r in json.loads(run.out)["results"]]
    assert goals == ["budget-contributing-columns", "budget-beyond-columns", "budget-total-columns"]
    assert run.code == EXIT_OK


def test_explain_needs_a_goal_or_a_selection(cli: Callable[..., Run]) -> None:
    run = cli("explain", "rules/integration-2009")
    assert (run.code, run.out) == (EXIT_USAGE, "")
    assert "name a goal" in run.err
    both = cli("explain", "rules/integration-2009", "employment-men", "--select", "x")
    assert both.code == EXIT_USAGE and "not both" in both.err


# -- rule-text hints -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "message", "hint", "column"),
    [
        ("x <= 5,0", "'5,0' has a decimal comma", "write 5.0", 5),
        ("x >= 2,5 by 2010", "'2,5' has a decimal comma", "write 2.5", 5),
        ("x >= 5 in 2030", "'in 2030' is not a deadline", "did you mean 'by 2030'?", 7),
        (
            "x >= 5 until 2030-H1",
            "'until 2030-H1' is not a deadline",
            "did you mean 'by 2030-H1'?",
            7,
        ),
        ("x% >= 5", "'%' after the metric 'x'", "the unit goes on the number, e.g. x >= 5%", 1),
    ],
)
def test_rule_text_mistakes_have_hints(rule: str, message: str, hint: str, column: int) -> None:
    with pytest.raises(RuleSyntaxError) as caught:
        parse_text(rule)
    assert (caught.value.message, caught.value.hint) == (message, hint)
    assert caught.value.span.column == column + 1


@pytest.mark.parametrize("rule", ["max(x, 1,5) >= 2", "max(1,2) <= x", "x >= 5 % by 2010"])
def test_commas_in_calls_and_a_spaced_percent_are_no_mistake(rule: str) -> None:
    parse_text(rule)


def test_a_hint_reaches_the_user_placed(cli: Callable[..., Run], tmp_path: Path) -> None:
    rules = _write(tmp_path, 'goals:\n  - id: a\n    rule: "x <= 5,0"\n')
    run = cli("validate", str(rules))
    assert run.code == EXIT_USAGE
    assert run.err.startswith(
        f"{rules}:3:17: error: '5,0' has a decimal comma (write 5.0)\n"
        '    rule: "x <= 5,0"\n'
        "                ^^^\n"
    )


# -- -v counts goals and results apart -------------------------------------------------------


def test_verbose_counts_goals_and_results(cli: Callable[..., Run], tmp_path: Path) -> None:
    _write(tmp_path, "metric,period,value,entity\nx,2009,1,a\nx,2009,2,b\nx,2009,3,c\n", "x.csv")
    rules = _write(
        tmp_path,
        "as_of: 2010-01-01\n"
        "data: x.csv\n"
        "goals:\n"
        "  - id: each\n    rule: x >= 1\n    for_each: entity\n"
        "  - id: all\n    rule: x@a >= 1\n",
    )
    run = cli("check", str(rules), "-f", "json", "-v")
    assert run.err.startswith("judged 2 goals (4 results) from 1 file in "), run.err
    assert run.code == EXIT_OK
