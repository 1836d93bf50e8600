"""Rule files: positions, unknown keys, duplicate ids, and one broken goal among good ones."""

from collections.abc import Callable
from pathlib import Path

import pytest

from goalengine import RuleFileError, Verdict, evaluate, load_rules, read_rules

Write = Callable[[str, str], Path]


def test_a_complete_rule_file(
    write: Write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the project's folder is the data root: rules/ reads ../
    write(
        "data.csv",
        "metric,period,value\nemployment_rate,2007-H1,54.4\nemployment_rate,2008-08,59.9\n",
    )
    path = write(
        "rules/goals.yaml",
        """
        title: Integration policy
        as_of: 2009-03-31
        data: ../data.csv
        goals:
          - id: employment
            title: Employment up 10pp
            rule: employment_rate >= baseline + 10pp by 2010
            baseline: 2007-H1
            unit: "%"
            tags: [employment]
        """,
    )
    ruleset = load_rules(path)
    assert ruleset.title == "Integration policy"
    assert str(ruleset.as_of) == "2009-03-31"
    goal = ruleset.goal("employment")
    assert (goal.line, goal.column) == (7, 11)
    assert goal.tags == ("employment",)
    report = evaluate(ruleset)
    assert report.results[0].verdict is Verdict.ON_TRACK


def test_inline_data_and_quoted_rules_keep_columns(write: Write) -> None:
    path = write(
        "r.yaml",
        """
        data: {x: {2010: 1}}
        goals:
          - id: a
            rule: "x >= 1 by 20x0"
        """,
    )
    ruleset = read_rules(path)
    (error,) = ruleset.errors
    assert (error.span.line, error.span.column) == (4, 22)
    assert error.span.source_line == '    rule: "x >= 1 by 20x0"'
    assert ruleset.goals[0].problem is not None


def test_unknown_keys_are_errors_with_did_you_mean(write: Write) -> None:
    path = write(
        "r.yaml",
        """
        titel: x
        goals:
          - id: a
            rule: x >= 1
            baseline: 2010
            unti: "%"
        """,
    )
    errors = read_rules(path).errors
    assert [(e.message, e.hint, e.span.line, e.span.column) for e in errors] == [
        ("unknown key 'titel' in rule file", "did you mean 'title'?", 1, 1),
        ("unknown key 'unti' in goal", "did you mean 'unit'?", 6, 5),
    ]
    with pytest.raises(RuleFileError, match="unknown key 'unti'"):
        load_rules(path)


def test_duplicate_goal_ids(write: Write) -> None:
    path = write("r.yaml", "goals:\n  - id: a\n    rule: x > 1\n  - id: a\n    rule: x > 2\n")
    (error,) = read_rules(path).errors
    assert error.message == "duplicate goal id 'a' (first on line 2)"
    assert (error.span.line, error.span.column) == (4, 9)


def test_invalid_yaml_names_line_and_column(write: Write) -> None:
    path = write("r.yaml", "title: a: b\ngoals: []\n")
    with pytest.raises(RuleFileError) as caught:
        read_rules(path)
    assert caught.value.span.line == 1
    assert caught.value.message.startswith("invalid YAML")


def test_missing_goals_is_an_error(write: Write) -> None:
    (error,) = read_rules(write("r.yaml", "title: nothing here\n")).errors
    assert "needs a non-empty 'goals' list" in error.message


def test_one_broken_goal_never_hides_the_others(write: Write) -> None:
    path = write(
        "r.yaml",
        """
        data: {x: {2010: 5}}
        goals:
          - id: broken
            rule: x >=
          - id: fine
            rule: x >= 1
        """,
    )
    report = evaluate(read_rules(path), as_of="2011-01-01")
    assert [(r.goal, r.verdict) for r in report.results] == [
        ("broken", Verdict.ERROR),
        ("fine", Verdict.MET),
    ]
    assert report.results[0].error is not None
    assert report.results[0].error.line == 4


def test_relative_percent_on_a_percent_metric_warns(write: Write) -> None:
    path = write(
        "r.yaml",
        """
        goals:
          - id: a
            rule: x >= baseline + 10% by 2010
            baseline: 2007
            unit: "%"
        """,
    )
    (warning,) = read_rules(path).diagnostics
    assert warning.severity == "warning"
    assert "write 'pp'" in (warning.hint or "")
    assert (warning.span.line, warning.span.column) == (3, 27)


def test_fixture_expecting_an_unknown_goal_or_verdict(write: Write) -> None:
    path = write(
        "r.yaml",
        """
        goals:
          - id: goal-a
            rule: x >= 1
        tests:
          - name: t
            expect: {goal-b: met, goal-a: on-trak}
        """,
    )
    messages = [(e.message, e.hint) for e in read_rules(path).errors]
    assert messages == [
        ("test expects unknown goal 'goal-b'", "did you mean 'goal-a'?"),
        ("unknown verdict 'on-trak'", "did you mean 'on-track'?"),
    ]


def test_nothing_the_user_wrote_is_modified(write: Write) -> None:
    text = "data: {x: {2010: 5}}\ngoals:\n  - id: a\n    rule: x >= 1  # comment\n"
    path = write("r.yaml", text)
    evaluate(load_rules(path), as_of="2011")
    assert path.read_text(encoding="utf-8") == text


def test_wrong_types_are_errors_not_crashes(write: Write) -> None:
    path = write(
        "r.yaml",
        """
        goals:
          - id: a
            rule: x >= 1
            tags: 5
            title: [a]
            options: 3
        """,
    )
    errors = [(e.message, e.span.line) for e in read_rules(path).errors]
    assert errors == [
        ("'title' must be text", 5),
        ("'tags' must be a list of words", 4),
        ("'options' must be a mapping", 6),
    ]


def test_tabs_get_a_hint(write: Write) -> None:
    path = write("r.yaml", "goals:\n\t- id: a\n")
    with pytest.raises(RuleFileError) as caught:
        read_rules(path)
    assert caught.value.hint == "indent with spaces: YAML does not allow tabs"
    assert caught.value.span.line == 2
