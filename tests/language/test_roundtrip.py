"""Round trip: formatting a parsed rule and parsing the text again gives the same rule."""

from __future__ import annotations

import ast

from hypothesis import example, given, settings

from goalengine.language import compile_rule, format_rule, parse_text
from goalengine.testing.strategies import goals


def same_tree(a: ast.AST, b: ast.AST) -> bool:
    return ast.dump(a, include_attributes=False) == ast.dump(b, include_attributes=False)


@settings(max_examples=200)
@given(goals(("x", "employment_rate", "y2")))
@example("employment_rate >= baseline + 10pp by 2010")
@example("tryghed_districts <= 0.5*2010 by 2014")
@example("sum(apprenticeships[2010..2013]) >= 500 by 2013")
@example("visits >= baseline + 50% throughout 2008-H1..2010-Q3")
@example("not (x >= 1) and (- -x < 2 or 1 <= x <= 3)")
def test_format_then_parse_gives_the_same_rule(text: str) -> None:
    parsed = parse_text(text)
    formatted = format_rule(parsed)
    again = parse_text(formatted)
    assert same_tree(parsed.tree, again.tree), (text, formatted)
    assert str(parsed.time) == str(again.time)
    assert format_rule(again) == formatted  # the canonical text is a fixed point


@settings(max_examples=100)
@given(goals(("x", "y")))
def test_the_formatted_rule_means_the_same(text: str) -> None:
    rule = compile_rule(text)
    again = compile_rule(format_rule(parse_text(text)))
    assert same_tree(rule.tree, again.tree)
    assert (rule.subject, rule.direction, rule.metrics, rule.uses_baseline) == (
        again.subject,
        again.direction,
        again.metrics,
        again.uses_baseline,
    )
    assert rule.time == again.time or str(rule.time) == str(again.time)
