"""The allow-list and the meaning of rules: every error names its column."""

import ast

import pytest

from goalengine.errors import GoalEngineError, RuleSyntaxError, UnknownNameError
from goalengine.language import compile_rule, format_rule, parse_text

METRICS = ["employment_rate", "x", "y"]


def error_of(text: str) -> GoalEngineError:
    with pytest.raises(GoalEngineError) as caught:
        compile_rule(text, METRICS)
    return caught.value


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ("employment_rte >= 3", "unknown metric 'employment_rte'", 1),
        ("x >= 10 by 20x0", "expected a period after 'by', found '20x0'", 12),
        ("x >= 1 by", "'by' needs a period", 10),
        ("x >= 1 by 2010 xx", "unexpected text after 'by 2010'", 16),
        ("x.__class__ > 1", "attribute access", 1),
        ("10**10**10 > x", "'**' is not part of the goal language", 1),
        ("x // 2 > 1", "'//'", 1),
        ("x != 2", "'!='", 1),
        ('x > "a"', "text in quotes", 5),
        ("x >= ", "the rule ends too early", 5),
        ("x >= (1", "'(' was never closed", 6),
        ("x = 3", "unexpected text", 3),
        ("foo(x) > 1", "unknown function 'foo'", 1),
        ("x[2010-13] > 1", "'2010-13' has no month 13", 3),
        ("x[foo] > 1", "expected a period in brackets", 2),
        ("sum(x) > 1", "sum() takes one window of observations", 1),
        ("x + 1", "a rule must be a comparison", 1),
        ("(x > 1) + 1 > 2", "a comparison cannot be used as a number", 2),
        ("x > 1e20", "number too large", 5),
        ("x > True", "expected a number", 5),
        ("x > 1 and y", "both sides of 'and'/'or' must be comparisons", 11),
        ("x >= 1 by 2010 throughout", "unexpected text after 'by 2010'", 16),
        ("2 > 1", "the rule mentions no metric", 1),
        ("x >= 2010..2012", "'..' is only allowed inside brackets", 10),
        ("lambda: x > 1", "unexpected character ':'", 7),
        ("__import__('os') > 1", "text in quotes", 12),
    ],
)
def test_errors_point_at_the_column(text: str, message: str, column: int) -> None:
    error = error_of(text)
    assert message in error.message
    assert error.span.line == 1
    assert error.span.column == column
    assert error.span.source_line == text


def test_unknown_metric_has_a_did_you_mean_and_a_caret() -> None:
    error = error_of("employment_rte >= baseline + 10pp by 2010")
    assert isinstance(error, UnknownNameError)
    assert error.hint == "did you mean 'employment_rate'?"
    assert str(error).splitlines()[1:] == [
        "    employment_rte >= baseline + 10pp by 2010",
        "    ^^^^^^^^^^^^^^",
    ]


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    with pytest.raises(RuleSyntaxError, match="nested"):
        compile_rule("(" * 500 + "x" + ")" * 500 + " > 1")


def test_long_rules_are_refused() -> None:
    with pytest.raises(RuleSyntaxError, match="limit"):
        compile_rule("x > " + " + ".join(["1"] * 1500))


@pytest.mark.parametrize(
    ("text", "subject", "direction"),
    [
        ("employment_rate >= baseline + 10pp by 2010", "employment_rate", 1),
        ("tryghed_districts <= 0.5*2010 by 2014", "tryghed_districts", -1),
        ("500 <= sum(apprenticeships[2010..2013]) by 2013", "apprenticeships", 1),
        ("calls == 95%", "calls", 0),
        ("40 <= x <= 60", "x", 0),
        ("x > 1 and y > 2", "x", 0),
    ],
)
def test_subject_and_direction(text: str, subject: str, direction: int) -> None:
    rule = compile_rule(text)
    assert (rule.subject, rule.direction) == (subject, direction)


def test_units_and_bare_years_become_plain_arithmetic() -> None:
    assert ast.unparse(compile_rule("x >= baseline + 10pp").tree) == "x >= baseline + 10"
    assert ast.unparse(compile_rule("x >= baseline + 50%").tree) == "x >= baseline * 1.5"
    assert ast.unparse(compile_rule("x >= baseline - 20%").tree) == "x >= baseline * 0.8"
    assert ast.unparse(compile_rule("x >= 95%").tree) == "x >= 95"
    assert ast.unparse(compile_rule("x <= 0.5*2010").tree) == "x <= 0.5 * x['2010']"
    assert ast.unparse(compile_rule("x <= 0.5*2010.0").tree) == "x <= 0.5 * 2010.0"
    assert ast.unparse(compile_rule("round(x, 2) >= 1").tree) == "round(x, 2) >= 1"


def test_relative_percent_is_remembered_for_the_unit_warning() -> None:
    rule = compile_rule("x >= baseline + 10% by 2010")
    assert [(s.column, s.end_column) for s in rule.relative_percent] == [(17, 20)]


@pytest.mark.parametrize(
    "text",
    [
        "employment_rate >= baseline + 10pp by 2010",
        "tryghed_districts <= 0.5 * 2010 by 2014",
        "sum(apprenticeships[2010..2013]) >= 500 by 2013",
        "x[2010-H1] > 3 throughout 2008..2010",
        "not (x == 0) or y < 2",
        "visits >= baseline + 50%",
    ],
)
def test_format_round_trips(text: str) -> None:
    parsed = parse_text(text)
    again = parse_text(format_rule(parsed))
    assert ast.dump(again.tree) == ast.dump(parsed.tree)
    assert again.time == parsed.time
