"""Parser fuzz: arbitrary text only ever raises a GoalEngineError, at a valid position, fast;
and whatever compiles is judged without an internal error."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from goalengine import Dataset, Goal, GoalEngineError, evaluate_goal
from goalengine.language import compile_rule
from goalengine.periods import parse_as_of

TOKENS = [
    "x", "y", "employment_rate", "baseline", "sum", "mean", "count", "min", "max", "abs",
    "round", "by", "throughout", "and", "or", "not", "lambda", "if", "else", "import",
    "__import__", "__class__", "True", "None", "rank", "@", ".", ",", ":", ";", "'", '"',
    "(", ")", "[", "]", "{", "}", "[*]", "..", "+", "-", "*", "/", "**", "//", "%", "==",
    "!=", ">=", "<=", ">", "<", "=", "~", "&", "|", "^", "10pp", "50%", " ", "  ", "\t",
    "\n", "\x00", "\ufeff", "\u200b", "é", "ℌ", "١٢", "2010", "2010-H1", "2010-Q3",
    "2010-13", "2010-02-30", "1e999", "1e15", "9" * 30, "0.5", "1_000", "0x1f", "1j",
]  # fmt: skip

EVIL = [
    "10**10**10",
    "x >= 10**10**10",
    "x >= 9" + "9" * 5000,
    "(" * 1000 + "x" + ")" * 1000 + " >= 1",
    "not (" * 200 + "x >= 1" + ")" * 200,
    "-" * 3000 + "x >= 1",
    "x >= 1 " + "and x >= 1 " * 300,
    "abs(" * 100 + "x" + ")" * 100 + " >= 1",
    "x" + " + x" * 600 + " >= 1",
    '__import__("os").system("true") >= 1',
    "x.__class__.__mro__ >= 1",
    "().__class__ >= x",
    "x >= (lambda: 1)()",
    "x >= [i for i in range(10**9)]",
    "x >= {1: 2}",
    "x if y else z >= 1",
    "x >= 1e308 * 1e308",
    "x >= 1e999",
    "x >= 1 by",
    "x >= 1 by 2010 by 2011",
    "x >= 1 throughout 2011..2010",
    "x[2010..] >= 1",
    "x[] >= 1",
    "x >= ١٢",
    "x\u200b >= 1",
    "\ufeffx >= 1",
    "x >= 1\x00",
    "ℌ >= 1",
    "x >= 'a'",
    'x >= f"{x}"',
    "x >= 1 # comment",
    "x >= \\\n1",
    "",
    " ",
    "\n\n",
]


def check(text: str) -> None:
    error: GoalEngineError | None = None
    try:
        compile_rule(text)
    except GoalEngineError as raised:  # any other exception escapes and fails the test
        error = raised
    if error is None:
        return
    span = error.span
    assert span.line == 1, (text, str(error))
    assert span.column is not None, (text, str(error))
    assert 1 <= span.column <= len(text) + 1, (text, span.column, str(error))
    assert error.message


@settings(max_examples=300)
@given(st.text(max_size=200))
def test_arbitrary_text_raises_only_positioned_errors(text: str) -> None:
    check(text)


@settings(max_examples=500)
@given(st.lists(st.sampled_from(TOKENS), max_size=30).map("".join))
def test_token_soup_raises_only_positioned_errors(text: str) -> None:
    check(text)


@settings(max_examples=300)
@given(st.lists(st.sampled_from(TOKENS), max_size=30).map(" ".join))
@example("x >= 1")
def test_token_soup_with_spaces_raises_only_positioned_errors(text: str) -> None:
    check(text)


@pytest.mark.parametrize("text", EVIL, ids=lambda t: repr(t[:30]))
def test_evil_inputs_are_refused_quickly_with_a_position(text: str) -> None:
    check(text)


def _judged(text: str) -> None:
    try:
        goal = Goal.parse(text)
    except GoalEngineError:
        return
    metrics = goal.compiled().metrics
    data = Dataset.from_mapping({m: {"2009": 3, "2010": 5, "2011-H1": 4} for m in metrics})
    result = evaluate_goal(goal, data, parse_as_of("2011-06-30"))
    if result.error is not None:
        assert not result.error.message.startswith("evaluation failed"), (text, result.error)


_SOUND = [t for t in TOKENS if t not in ("[*]", "@", "rank")]  # entity rules need for_each

# Operands that compile more often than token soup (a bare window is refused by the
# checker, see test_a_window_outside_an_aggregate_is_refused, so it is left out).
OPERANDS = [
    "x", "y", "baseline", "0", "0.0", "1e15", "2010", "x[2010]", "y[2011-H1]", "x[2012]",
    "sum(x[2010..2011])", "count(y[2013..2014])", "mean(x[2009..2011])", "min(x, 0)",
    "max(x[2009..2010])", "abs(x - y)", "round(x, x)", "round(x, 13)", "round(y / 3)",
    "10pp", "50%", "-x", "(x / 0)", "(x + 50%)", "(x - 100%)", "(1 / (x - x))",
]  # fmt: skip
expressions = st.lists(st.sampled_from(OPERANDS), min_size=1, max_size=4).flatmap(
    lambda parts: st.lists(
        st.sampled_from(["+", "-", "*", "/"]), min_size=len(parts) - 1, max_size=len(parts) - 1
    ).map(
        lambda ops: " ".join(
            p for pair in zip([*ops, ""], parts, strict=True) for p in pair[::-1]
        ).strip()
    )
)
rules = st.builds(
    lambda a, op, b, clause: f"{a} {op} {b}{clause}",
    expressions,
    st.sampled_from([">=", ">", "<=", "<", "=="]),
    expressions,
    st.sampled_from(["", " by 2010", " by 2011-H1", " throughout 2009..2011", " by 2014"]),
)


@settings(max_examples=400)
@given(st.lists(st.sampled_from(_SOUND), min_size=3, max_size=12).map(" ".join))
def test_whatever_compiles_from_soup_is_judged_without_an_internal_error(text: str) -> None:
    _judged(text)


@settings(max_examples=400)
@given(rules)
def test_whatever_compiles_is_judged_without_an_internal_error(text: str) -> None:
    _judged(text)


def test_a_window_outside_an_aggregate_is_refused() -> None:
    with pytest.raises(GoalEngineError):
        compile_rule("x[2010..2013] >= 1")


def test_parsing_emits_no_python_warnings() -> None:
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with contextlib.suppress(GoalEngineError):
            compile_rule("x >= 1and y >= 2")  # Python reads '1and' as '1 and', with a warning
    assert [str(w.message) for w in caught] == []
