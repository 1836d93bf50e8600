"""Differential: for random arithmetic over numbers, goalengine's evaluator agrees with Python.

An expression tree is drawn once and written twice: in the goal language (``10pp``,
``+ 50%``) and as Python over floats (``10.0``, ``* 1.5``). goalengine evaluates the rule
``x >= <expr>`` -- the target side through a World, the whole rule through evaluate_goal --
and Python evaluates its own text.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from goalengine import Dataset, Goal, Verdict, evaluate_goal
from goalengine.engine.world import World
from goalengine.errors import EvaluationError
from goalengine.language import compile_rule

DAY = date(2012, 12, 31)
DATA = Dataset.from_mapping({"x": {"2012": 0.0}})

# A tree is a tuple: ("num", text), ("pp", n), ("neg", a), ("bin", op, a, b),
# ("pct", a, sign, n), ("call", name, args...), ("round", a, digits).
numbers = st.one_of(
    st.integers(0, 1899).map(str),
    st.integers(2101, 10**6).map(str),
    st.builds(lambda a, b: f"{a}.{b}", st.integers(0, 999), st.integers(0, 999)),
    st.sampled_from(["0.5", "1e3", "2.5e-3", "1e15", "0.0"]),
)
leaf = st.one_of(
    numbers.map(lambda t: ("num", t)),
    st.integers(1, 100).map(lambda n: ("pp", n)),
)


def extend(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.tuples(st.just("bin"), st.sampled_from("+-*/"), inner, inner),
        st.tuples(st.just("neg"), inner),
        st.tuples(st.just("pct"), inner, st.sampled_from("+-"), st.integers(1, 300)),
        st.tuples(st.just("call"), st.sampled_from(["abs"]), inner),
        st.tuples(st.just("call"), st.sampled_from(["min", "max"]), inner, inner),
        st.tuples(st.just("round"), inner, st.one_of(st.none(), st.integers(0, 6))),
    )


trees = st.recursive(leaf, extend, max_leaves=12)


def ours(tree: Any) -> str:
    kind = tree[0]
    if kind == "num":
        return str(tree[1])
    if kind == "pp":
        return f"{tree[1]}pp"
    if kind == "neg":
        return f"-({ours(tree[1])})"
    if kind == "bin":
        return f"({ours(tree[2])} {tree[1]} {ours(tree[3])})"
    if kind == "pct":
        return f"({ours(tree[1])} {tree[2]} {tree[3]}%)"
    if kind == "call":
        return f"{tree[1]}({', '.join(ours(a) for a in tree[2:])})"
    digits = "" if tree[2] is None else f", {tree[2]}"
    return f"round({ours(tree[1])}{digits})"


def python(tree: Any) -> str:
    kind = tree[0]
    if kind == "num":
        return repr(float(tree[1]))
    if kind == "pp":
        return repr(float(tree[1]))
    if kind == "neg":
        return f"-({python(tree[1])})"
    if kind == "bin":
        return f"({python(tree[2])} {tree[1]} {python(tree[3])})"
    if kind == "pct":
        factor = 1 + (1 if tree[2] == "+" else -1) * tree[3] / 100
        return f"(({python(tree[1])}) * {factor!r})"
    if kind == "call":
        return f"{tree[1]}({', '.join(python(a) for a in tree[2:])})"
    return f"round({python(tree[1])}, {tree[2] or 0})"


def python_value(tree: Any) -> float | None:
    """Python's value, or None where Python raises (division by zero)."""
    try:
        return float(
            eval(
                python(tree),
                {"__builtins__": {}},
                {"abs": abs, "min": min, "max": max, "round": round},
            )
        )
    except ZeroDivisionError:
        return None


def our_value(tree: Any) -> float | None:
    rule = compile_rule(f"x >= {ours(tree)}")
    assert rule.target_side is not None
    try:
        return float(World(DATA, "x", DAY, DAY).evaluate(rule.target_side))
    except EvaluationError as error:
        message = error.message
    assert "division by zero" in message
    return None


def same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b


@settings(max_examples=300)
@given(trees)
def test_arithmetic_agrees_with_python(tree: Any) -> None:
    expected, actual = python_value(tree), our_value(tree)
    assert same(actual, expected), (ours(tree), python(tree), actual, expected)


@settings(max_examples=150)
@given(trees, st.integers(-1000, 1000))
def test_verdicts_agree_with_python(tree: Any, x: int) -> None:
    value = python_value(tree)
    assume(value is not None and math.isfinite(value))
    # Our >= treats values within 1e-9 (relative) as equal; stay clear of that band.
    assume(abs(x - value) > 1e-6 * max(1.0, abs(value)))
    goal = Goal.parse(f"x >= {ours(tree)}")
    result = evaluate_goal(goal, Dataset.from_mapping({"x": {"2012": x}}), DAY)
    assert result.verdict is (Verdict.MET if x >= value else Verdict.MISSED), (
        ours(tree),
        value,
        result.explanation,
    )


def test_an_infinite_target_is_an_error_not_a_verdict() -> None:
    huge = " * ".join(["1e15"] * 22)  # overflows to inf, as Python's floats do
    goal = Goal.parse(f"x >= {huge}")
    result = evaluate_goal(goal, Dataset.from_mapping({"x": {"2012": 2}}), DAY)
    assert math.isinf(eval(huge))  # Python would say 2 >= inf is False: "missed"
    # ... but no verdict can rest on an overflow, and a report cannot hold the infinity.
    assert result.verdict is Verdict.ERROR, result.explanation
    assert result.error is not None
    assert result.error.message == "evaluation failed: the target is too large to compute with"
