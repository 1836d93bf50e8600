"""Hostile rule files get a positioned error, never an internal error, and bounded work.

Each input below once ended in "internal error" (or a hang): impossible dates, year 0000,
400-digit numbers, malformed ``tests:``/``properties:`` entries, alias bombs, endless
windows. Each must now be an error at ``file:line:col``, exit 2, with no Python exception
name, traceback or control character in the message.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goalengine import Period, read_rules
from goalengine.cli import EXIT_USAGE, main
from goalengine.errors import did_you_mean, suggestion_budget
from goalengine.limits import (
    MAX_SUGGESTION_WORK,
    MAX_WINDOW_PERIODS,
    MAX_WINDOW_PERIODS_PER_RULE,
    MAX_YAML_DEPTH,
    MAX_YAML_NODES,
)

GOAL = "goals:\n  - id: g\n    rule: x >= 2 by 2010\n"
DATA = "data:\n  - {x: {2008: 1, 2009: 2}}\n"
BIG = "1" + "0" * 400


def _goal(rule: str = "x >= 2 by 2010", extra: str = "") -> str:
    return f"{DATA}goals:\n  - id: g\n    rule: {rule}\n{extra}"


HOSTILE = {
    "as_of that does not exist": "as_of: 2011-02-29\n" + DATA + GOAL,
    "as_of in year 0": "as_of: 0000-01-01\n" + DATA + GOAL,
    "as_of a moment": "as_of: 2038-01-19T03:14:08Z\n" + DATA + GOAL,
    "inline key that does not exist": "data:\n  - {x: {2011-02-29: 1}}\n" + GOAL,
    "inline key in year 0": "data:\n  - {x: {0000-01-01: 1}}\n" + GOAL,
    "inline value of 400 digits": f"data:\n  - {{x: {{2008: {BIG}}}}}\n" + GOAL,
    "baseline that does not exist": _goal("x >= baseline by 2010", "    baseline: 2011-02-29\n"),
    "baseline period that does not exist": _goal(
        "x >= baseline by 2010", "    baseline: {period: 2011-02-29, value: 1}\n"
    ),
    "baseline value of 400 digits": _goal(
        "x >= baseline by 2010", f"    baseline: {{period: 2008, value: {BIG}}}\n"
    ),
    "period in year 0": _goal("x[0000] >= 1"),
    "deadline in year 0": _goal("x >= 1 by 0000"),
    "window from year 0": _goal("x >= 1 throughout 0000..2010"),
    "number of 400 digits in a rule": _goal(f"x >= {BIG}"),
    "empty goal": "goals: [{}]\n",
    "properties a number": DATA + GOAL + "properties: 5\n",
    "properties a string": DATA + GOAL + "properties: often\n",
    "properties a mapping": DATA + GOAL + "properties: {when: {x: flat}}\n",
    "property a number": DATA + GOAL + "properties:\n  - 5\n",
    "property with an unknown key": DATA + GOAL + "properties:\n  - {when: {x: flat}, wen: 1}\n",
    "property with an unknown shape": DATA
    + GOAL
    + "properties:\n  - {when: {x: rises_to_targt}, expect: met}\n",
    "property as_of that does not exist": DATA
    + GOAL
    + "properties:\n  - {when: {x: flat}, expect: met, as_of: 2011-02-29}\n",
    "property as_of in year 0": DATA
    + GOAL
    + "properties:\n  - {when: {x: flat}, expect: met, as_of: '0000'}\n",
    "test a number": DATA + GOAL + "tests:\n  - 5\n",
    "tests a string": DATA + GOAL + "tests: often\n",
    "test expecting nothing": DATA + GOAL + "tests:\n  - {name: a}\n",
    "test expecting a list": DATA + GOAL + "tests:\n  - {name: a, expect: {g: [met]}}\n",
    "test explaining an unknown goal": DATA
    + GOAL
    + "tests:\n  - {name: a, expect: {g: met}, expect_explanation: {h: x}}\n",
    "test as_of that does not exist": DATA
    + GOAL
    + "tests:\n  - {name: a, as_of: 2011-02-29, expect: {g: met}}\n",
    "test data key that does not exist": DATA
    + GOAL
    + "tests:\n  - {name: a, data: {x: {2011-02-29: 1}}, expect: {g: met}}\n",
    "integer too long to read": "title: " + "9" * 5000 + "\n" + DATA + GOAL,
    "tag that cannot be read": "title: !!int 12a\n" + DATA + GOAL,
    "merge key": "defaults: &d {owner: x}\nmore: {<<: *d}\n" + DATA + GOAL,
    "alias inside itself": "x: &a [1, *a]\n" + DATA + GOAL,
    "nested too deep": "title: " + "[" * (MAX_YAML_DEPTH + 1) + "]" * (MAX_YAML_DEPTH + 1) + "\n",
    "window too long": _goal("sum(x[1000-01..9999-12]) >= 1 by 2010"),
    "window reversed": _goal("sum(x[2013..2010]) >= 1 by 2010"),
}

_EXCEPTION_NAME = re.compile(r"\b[A-Z]\w*(Error|Exception)\b")
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., Run]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "100")

    def run(*argv: str) -> Run:
        code = main(list(argv))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


def assert_positioned(run: Run, name: str) -> None:
    assert run.code == EXIT_USAGE, (run.code, run.err)
    assert re.search(rf"{re.escape(name)}:\d+:\d+: error: ", run.err), run.err
    assert "internal error" not in run.err and "Traceback" not in run.err, run.err
    assert not _EXCEPTION_NAME.search(run.err), run.err
    assert not _CONTROL.search(run.err), repr(run.err)


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize("command", ["check", "validate", "test"])
def test_hostile_input_is_a_positioned_error(
    text: str, command: str, tmp_path: Path, cli: Callable[..., Run]
) -> None:
    (tmp_path / "r.yaml").write_text(text, encoding="utf-8")
    assert_positioned(cli(command, "r.yaml"), "r.yaml")


# -- YAML: alias expansion and nesting ---------------------------------------------------------


def alias_bomb(levels: int) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for level in range(1, levels):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n" + GOAL


@pytest.mark.parametrize("levels", [6, 9, 12])
def test_an_alias_bomb_is_refused_at_the_limit(
    levels: int, tmp_path: Path, cli: Callable[..., Run]
) -> None:
    # 9**12 values if expanded: only the count stops it (12 levels is hours otherwise).
    (tmp_path / "bomb.yaml").write_text(alias_bomb(levels), encoding="utf-8")
    run = cli("check", "bomb.yaml")
    assert_positioned(run, "bomb.yaml")
    assert f"expands to more than {MAX_YAML_NODES:,} values" in run.err
    # Pointed at the list whose aliases expand past the limit (9**6 > 200,000 > 9**5).
    assert "bomb.yaml:6:" in run.err, run.err


def test_aliases_within_the_limit_still_work() -> None:
    text = "defaults: &d {owner: BIF}\n" + DATA + GOAL + "  - id: h\n    rule: x >= 1\n"
    assert read_rules(Path("r.yaml"), text=text).errors == ()


def test_nesting_is_bounded() -> None:
    inside = MAX_YAML_DEPTH - 1  # the file's own mapping is the first level
    deep = "[" * inside + "]" * inside
    assert not read_rules(Path("r.yaml"), text=f"title: {deep}\n{DATA}{GOAL}").errors
    with pytest.raises(Exception, match=f"nested more than {MAX_YAML_DEPTH} deep"):
        read_rules(Path("r.yaml"), text=f"title: [{deep}]\n{DATA}{GOAL}")


# -- windows -------------------------------------------------------------------------------


def test_a_window_longer_than_the_limit_is_refused_at_the_window(
    tmp_path: Path, cli: Callable[..., Run]
) -> None:
    (tmp_path / "w.yaml").write_text(_goal('"sum(x[1000-01..9999-12]) >= 1"'), "utf-8")
    run = cli("check", "w.yaml")
    assert_positioned(run, "w.yaml")
    assert f"spans 108,000 months; the limit is {MAX_WINDOW_PERIODS:,}" in run.err
    # The caret covers the brackets, under the window itself.
    assert "w.yaml:5:17:" in run.err
    assert '\n    rule: "sum(x[1000-01..9999-12]) >= 1"\n' + " " * 16 + "^" * 18 + "\n" in run.err


def test_throughout_is_bounded_like_a_window(tmp_path: Path, cli: Callable[..., Run]) -> None:
    (tmp_path / "t.yaml").write_text(_goal("x >= 1 throughout 0001..9999"), "utf-8")
    run = cli("check", "t.yaml")
    assert_positioned(run, "t.yaml")
    assert "the window 0001..9999 spans 119,988 months" in run.err


def test_the_windows_of_one_rule_are_bounded_together(
    tmp_path: Path, cli: Callable[..., Run]
) -> None:
    each = MAX_WINDOW_PERIODS // 12 - 1  # years: each window alone is within the limit
    count = MAX_WINDOW_PERIODS_PER_RULE // (each * 12) + 1
    window = f"sum(x[2000..{2000 + each - 1}])"
    rule = " + ".join([window] * count) + " >= 1"
    (tmp_path / "m.yaml").write_text(_goal(f'"{rule}"'), "utf-8")
    run = cli("check", "m.yaml")
    assert_positioned(run, "m.yaml")
    assert f"span more than {MAX_WINDOW_PERIODS_PER_RULE:,} months together" in run.err
    one = _goal(f'"{" + ".join([window] * (count - 1))} >= 1"')
    assert not read_rules(Path("one.yaml"), text=one).errors


# -- did you mean ----------------------------------------------------------------------------


def test_did_you_mean_keeps_its_hints_for_normal_sizes() -> None:
    assert did_you_mean("employmnt_rate", ["employment_rate", "youth_rate"]) == (
        "did you mean 'employment_rate'?"
    )


@given(st.text("abcde_", max_size=8), st.lists(st.text("abcde_", max_size=10), max_size=30))
def test_did_you_mean_agrees_with_difflib_within_its_budget(word: str, names: list[str]) -> None:
    close = difflib.get_close_matches(word, sorted(set(names)), n=1, cutoff=0.6)
    assert did_you_mean(word, names) == (f"did you mean '{close[0]}'?" if close else None)


def test_did_you_mean_gives_up_beyond_its_budget() -> None:
    names = [f"metric_number_{i:06d}" for i in range(MAX_SUGGESTION_WORK // 20)]
    # 200,000 metric names of 20 characters: comparing all would take seconds; no hint.
    assert did_you_mean("metric_numbr_000001", names) is None
    assert did_you_mean("metric_numbr_000001", names[:1000]) is not None


def test_a_run_shares_one_budget_for_hints() -> None:
    names = [f"metric_number_{i:06d}" for i in range(2000)]  # ~68,000 characters a hint
    with suggestion_budget(100_000):
        assert did_you_mean("metric_numbr_000001", names) is not None
        assert did_you_mean("metric_numbr_000002", names) is None  # the run's budget is spent


# -- periods at the ends of the calendar ---------------------------------------------------------


@pytest.mark.parametrize("year", [1, 47, 999, 9999])
def test_periods_print_four_digit_years_that_read_back(year: int) -> None:
    for period in (Period(year), Period(year, "month", 12), Period(year, "day", 1231)):
        assert Period.parse(str(period)) == period
        assert str(period).startswith(f"{year:04d}")


def test_property_checks_handle_deadlines_at_the_end_of_the_calendar() -> None:
    from goalengine.testing import check_ruleset

    text = (
        "data:\n  - {x: {9997: 1, 9998: 2}}\ngoals:\n"
        "  - id: late\n    rule: x >= 5 by 9999\n"
        "  - id: later\n    rule: x >= baseline + 1 by 9999-12\n    baseline: 9998\n"
        "  - id: early\n    rule: x >= 1 by 0002\n"
    )
    outcomes = check_ruleset(read_rules(Path("r.yaml"), text=text), 5)
    assert outcomes
    for outcome in outcomes:
        assert "internal" not in outcome.message and "Error" not in outcome.message, outcome


@pytest.mark.parametrize("command", ["explain", "check"])
def test_data_near_the_largest_float_is_a_positioned_error_not_a_crash(
    command: str, tmp_path: Path, cli: Callable[..., Run]
) -> None:
    # The change since the baseline (1.7e308 - -1.7e308) overflows: no verdict can rest on it.
    text = (
        "data:\n  - {x: {2008: -1.7e308, 2009: 1.7e308, 2010: 1e308}}\n"
        "goals:\n  - id: g\n    rule: x >= baseline + 10 by 2030\n    baseline: 2008\n"
    )
    (tmp_path / "f.yaml").write_text(text, encoding="utf-8")
    run = cli(command, "f.yaml", *(["g"] if command == "explain" else []))
    assert run.code == 2, run.err
    assert "f.yaml:5:11: error: evaluation failed: the change since 2008" in run.err + run.out
    assert "too large to compute with" in run.err + run.out
    assert "internal error" not in run.err + run.out


def test_data_near_the_largest_float_that_does_not_overflow_gets_a_verdict(
    tmp_path: Path, cli: Callable[..., Run]
) -> None:
    text = "data:\n  - {x: {2009: 1e308, 2010: 1.5e308}}\ngoals:\n  - id: g\n    rule: x >= 1\n"
    (tmp_path / "f.yaml").write_text(text, encoding="utf-8")
    run = cli("check", "f.yaml", "-f", "json")
    assert run.code == 0, run.err
    assert '"verdict": "met"' in run.out


def test_strategies_keep_to_the_calendar() -> None:
    from goalengine.testing.strategies import periods, series

    with pytest.raises(ValueError, match="periods run from year 1 to 9999"):
        periods(min_year=9990, max_year=10_000)
    with pytest.raises(ValueError, match="periods run from year 1 to 9999"):
        series(min_year=0, max_year=3)

    @given(periods(min_year=9998, max_year=9999))
    def at_the_end(period: Period) -> None:
        assert period.end.year >= 9998

    at_the_end()


def test_windows_read_again_at_every_period_of_a_throughout_are_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from goalengine.engine import world
    from goalengine.engine.scalar import evaluate_goal
    from goalengine.models import Verdict
    from goalengine.resolve import load_ruleset_data

    monkeypatch.setattr(world, "MAX_WINDOW_VALUES_PER_GOAL", 1_000)
    days = "".join(f"      2010-{m:02d}-{d:02d}: 1\n" for m in range(1, 13) for d in range(1, 29))
    text = (
        f"data:\n  - x:\n{days}goals:\n"
        '  - id: g\n    rule: "sum(x[2010..2010]) >= 0 throughout 2010..2010"\n'
        '  - id: short\n    rule: "sum(x[2010-01..2010-01]) >= 0 throughout 2010-01..2010-01"\n'
    )
    ruleset = read_rules(Path("r.yaml"), text=text)
    data = load_ruleset_data(ruleset)
    # 336 daily figures, each window of 336 read again at each of them: 112,896 reads.
    result = evaluate_goal(ruleset.goal("g"), data, ruleset.goals[0].compiled().time.end.end)
    assert result.verdict is Verdict.ERROR and result.error is not None
    assert "read more than 1,000 values" in result.error.message
    short = evaluate_goal(ruleset.goal("short"), data, ruleset.goals[1].compiled().time.end.end)
    assert short.verdict is Verdict.MET  # 28 x 28 reads: well within
