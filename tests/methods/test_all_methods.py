"""What every built-in method promises: registered by name, never raising on odd data,
native labels from its table, and the one verdict table of docs/methods.md."""

from __future__ import annotations

import math
import re
from importlib import import_module
from pathlib import Path

import pytest
from hypothesis import given, settings
from method_helpers import goal, odd_goals

from goalengine import methods
from goalengine.methods.base import MethodInput, ProgressMethod
from goalengine.models import Verdict

BUILTIN = {
    "linear": "linear",
    "last": "last",
    "pace": "pace",
    "open-sdg": "open_sdg",
    "eurostat": "eurostat",
    "un-sdg": "un_sdg",
    "un-sdg-2023": "un_sdg_2023",
    "destatis": "destatis",
}
DOCS = Path(__file__).resolve().parents[2] / "docs" / "methods.md"


def _table(name: str) -> dict[str, Verdict]:
    table = import_module(f"goalengine.methods.{BUILTIN[name]}").VERDICTS
    assert isinstance(table, dict)
    return table


@pytest.mark.parametrize("name", sorted(BUILTIN))
def test_registered_under_its_name(name: str) -> None:
    method = methods.get(name)
    assert isinstance(method, ProgressMethod)
    assert method.name == name
    assert name in methods.available()


def test_the_docs_table_is_the_code_table() -> None:
    """docs/methods.md has one label -> verdict table; it must say what the modules do."""
    rows = re.findall(
        r"^\| `(\w+)` \| ([a-z0-9\-, ]+) \| ([a-z\-]+) \|", DOCS.read_text("utf-8"), re.MULTILINE
    )
    documented: dict[tuple[str, str], str] = {}
    for label, names, verdict in rows:
        listed = (
            sorted(BUILTIN) if names.strip() == "all" else [n.strip() for n in names.split(",")]
        )
        for name in listed:
            documented[(name, label)] = verdict
    in_code = {
        (name, label): verdict.value for name in BUILTIN for label, verdict in _table(name).items()
    }
    assert documented == in_code


@settings(max_examples=300)
@given(odd=odd_goals())
def test_never_raises_and_labels_come_from_the_table(odd: MethodInput) -> None:
    for name in BUILTIN:
        outcome = methods.get(name).assess(odd)
        assert outcome.verdict is not Verdict.ERROR
        assert outcome.status in _table(name), (name, outcome.status)
        assert outcome.verdict is _table(name)[outcome.status]
        assert outcome.reason
        numbers = (outcome.progress_ratio, outcome.score, outcome.probability, outcome.projected)
        for number in numbers:
            assert number is None or math.isfinite(number)
        if outcome.probability is not None:
            assert 0.0 <= outcome.probability <= 1.0


@pytest.mark.parametrize("name", sorted(BUILTIN))
@pytest.mark.parametrize(
    "points",
    [
        [],
        [(2010, 0.0)],
        [(2010, 0.0), (2011, 0.0), (2012, 0.0), (2013, 0.0)],
        [(2010, -3.0), (2011, 0.0), (2012, 4.0), (2013, -1.0)],
        [("2010-06", 5.0), ("2010-06", 6.0), ("2010-06", 7.0)],
        [(2010, 1e308), (2011, -1e308), (2012, 1e-308), (2013, 1e308)],
    ],
)
def test_odd_series_are_judged_in_words(name: str, points: list) -> None:
    for target, deadline in ((0.0, 2020), (5.0, None), (None, 2020), (5.0, 2011)):
        outcome = methods.get(name).assess(
            goal(points, direction=1, target=target, deadline=deadline)
        )
        assert outcome.status in _table(name)
        assert outcome.reason


@pytest.mark.parametrize("name", sorted(BUILTIN))
def test_explanation_steps_have_stable_kinds(name: str) -> None:
    """Every computed outcome explains itself with steps (kind, label) a renderer can use."""
    data = [(2015, 40.0), (2016, 41.0), (2017, 41.5), (2018, 43.0), (2019, 44.0), (2022, 46.0)]
    outcome = methods.get(name).assess(goal(data, direction=1, target=60, deadline=2030))
    assert outcome.status != "not_available"
    assert outcome.steps
    assert all(step.kind and step.label for step in outcome.steps)
