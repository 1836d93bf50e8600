"""The explanation never contradicts its verdict: the comparison a sentence prints, read
back as numbers, gives the verdict the engine gave (issue 16).

A bare comparison ``x OP T`` judged on data (no time clause, or a deadline passed) prints
"<latest> in <period>; target <OP> <T>"; ahead of the deadline ``linear`` adds "it reaches
<projection> by <deadline>". Both must read back to the verdict, strict symbols included.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable

from hypothesis import example, given, settings
from hypothesis import strategies as st

from goalengine import evaluate
from goalengine.models import Verdict
from goalengine.rulefile import read_rules

_READ: dict[str, Callable[[float, float], bool]] = {
    "≥": operator.ge,
    ">": operator.gt,
    "≤": operator.le,
    "<": operator.lt,
}
_RULE_OP = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}
_NUMBER = r"(-?\d+(?:\.\d+)?)"

# Values on a 0.01 grid, as published statistics have them, over every number format
# (below 1, 1–1000, from 1000).
values = st.integers(-200_000, 200_000).map(lambda n: n / 100)


def _judge(rule: str, series: list[float], as_of: str) -> tuple[Verdict, str]:
    data = ", ".join(f"{2001 + i}: {v!r}" for i, v in enumerate(series))
    text = f"as_of: {as_of}\ndata: {{x: {{{data}}}}}\ngoals:\n  - id: g\n    rule: {rule}\n"
    (result,) = evaluate(read_rules("readback.yaml", text)).results
    return result.verdict, result.explanation


@settings(max_examples=300, deadline=None)
@given(
    series=st.lists(values, min_size=1, max_size=5),
    target=values,
    op=st.sampled_from(sorted(_RULE_OP)),
    passed=st.booleans(),
)
@example(series=[27.0], target=27.0, op="<", passed=True)  # discrimination-falls
@example(series=[9.5], target=9.54, op=">", passed=True)
def test_judged_on_data_the_comparison_reads_back(
    series: list[float], target: float, op: str, passed: bool
) -> None:
    rule = f"x {op} {target!r}" + (" by 2005" if passed else "")
    verdict, sentence = _judge(rule, series, "2010-12-31")
    if verdict is Verdict.UNKNOWN:
        return  # no observation inside the deadline period
    found = re.match(rf"{_NUMBER} in \d{{4}}; target (\S) {_NUMBER}", sentence)
    assert found, sentence
    latest, symbol, printed = float(found[1]), found[2], float(found[3])
    assert symbol == _RULE_OP[op], sentence
    assert _READ[symbol](latest, printed) == (verdict is Verdict.MET), sentence


@settings(max_examples=300, deadline=None)
@given(
    series=st.lists(values, min_size=2, max_size=5),
    target=values,
    op=st.sampled_from(sorted(_RULE_OP)),
)
def test_ahead_of_the_deadline_the_projection_reads_back(
    series: list[float], target: float, op: str
) -> None:
    verdict, sentence = _judge(f"x {op} {target!r} by 2012", series, "2006-12-31")
    projection = re.search(rf"it reaches {_NUMBER} by 2012", sentence)
    goal = re.search(rf"target (\S) {_NUMBER} by 2012", sentence)
    assert goal, sentence
    if projection is None or verdict not in (Verdict.ON_TRACK, Verdict.AT_RISK):
        return  # too large to print plainly, or no trend
    holds = _READ[goal[1]](float(projection[1]), float(goal[2]))
    assert holds == (verdict is Verdict.ON_TRACK), sentence
