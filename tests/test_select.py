"""``goalengine.selection``: choosing goals by id or tag, as ``--select``/``--exclude`` do."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from goalengine import RuleSet, read_rules
from goalengine.selection import matches, patterns, select_goals

ROOT = Path(__file__).resolve().parent.parent
FIRST = read_rules(ROOT / "tests/fixtures/cli/report/verdicts.yaml")
SECOND = read_rules(ROOT / "tests/fixtures/cli/report/second.yaml")
BOTH = [FIRST, SECOND]


def ids(rulesets: list[RuleSet]) -> list[str]:
    return [goal.id for ruleset in rulesets for goal in ruleset.goals]


def test_patterns_split_commas_and_drop_blanks() -> None:
    assert patterns(["a,b", " c ", ",,", ""]) == ["a", "b", "c"]
    assert patterns("x, y") == ["x", "y"]


def test_ids_tags_wildcards_and_commas() -> None:
    assert ids(select_goals(BOTH, "service")[0]) == ["satisfied", "waiting-short"]
    kept, problems = select_goals(BOTH, ["employment-*,brackets-*"])
    assert (ids(kept), problems) == (["employment-up", "brackets-[bold]"], [])
    assert ids(select_goals(BOTH, "labour")[0]) == ["employment-up", "visits-up"]
    assert ids(select_goals(BOTH, "labour", "web")[0]) == ["employment-up"]
    assert ids(select_goals(BOTH, exclude=["typo", "*-*"])[0]) == ["satisfied"]


def test_no_patterns_keep_everything() -> None:
    assert select_goals(BOTH) == (BOTH, [])


def test_rule_sets_without_a_kept_goal_are_dropped() -> None:
    kept, _ = select_goals(BOTH, "visits-up")
    assert [r.path for r in kept] == [SECOND.path]
    assert kept[0].title == SECOND.title


def test_a_select_matching_nothing_is_an_error_with_a_hint() -> None:
    kept, problems = select_goals(BOTH, "satisfiedd,zzz")
    assert kept == []
    assert [(p.severity, p.message, p.hint) for p in problems] == [
        ("error", "--select 'satisfiedd' matches no goal id or tag", "did you mean 'satisfied'?"),
        ("error", "--select 'zzz' matches no goal id or tag", None),
    ]


def test_an_exclude_matching_nothing_is_a_warning() -> None:
    kept, problems = select_goals(BOTH, "satisfied", "nothing-*")
    assert ids(kept) == ["satisfied"]
    assert [(p.severity, p.message) for p in problems] == [
        ("warning", "--exclude 'nothing-*' matches no goal id or tag")
    ]


_names = st.sampled_from(["*", "*-*", "service", "labour", "web", "satisfied", "v*", "zz"])


@given(st.lists(_names, max_size=3), st.lists(_names, max_size=3))
def test_kept_goals_are_exactly_those_selected_and_not_excluded(
    select: list[str], exclude: list[str]
) -> None:
    kept, _ = select_goals(BOTH, select, exclude)
    expected = [
        goal.id
        for ruleset in BOTH
        for goal in ruleset.goals
        if (not select or any(matches(goal, p) for p in select))
        and not any(matches(goal, p) for p in exclude)
    ]
    assert ids(kept) == expected
