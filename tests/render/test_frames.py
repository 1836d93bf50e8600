"""Reports as pandas frames: one typed row per result, the steps as a second frame, and a
round trip that keeps every verdict, number and title."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from render_helpers import ROOT

from goalengine import RuleSet, evaluate, evaluate_many, find_rule_files, read_rules
from goalengine.errors import GoalEngineError
from goalengine.frames import RESULT_COLUMNS

pd = pytest.importorskip("pandas")


def test_one_typed_row_per_result(in_root: Path) -> None:
    report = evaluate_many([read_rules(p) for p in find_rule_files(ROOT / "rules")])
    frame = report.to_pandas()
    assert list(frame.columns) == list(RESULT_COLUMNS)
    assert len(frame) == len(report.results)
    assert str(frame["verdict"].dtype) == "category" and frame["verdict"].cat.ordered
    assert str(frame["latest"].dtype) == "Float64"
    assert str(frame["as_of"].dtype).startswith("datetime64")
    assert frame["verdict"].value_counts().to_dict() == report.summary
    for row, result in zip(frame.itertuples(index=False), report.results, strict=True):
        assert row.goal == result.goal and row.verdict == result.verdict.value
        assert row.title_da == result.title_da or (pd.isna(row.title_da) and not result.title_da)
        assert (pd.isna(row.latest) and result.latest is None) or row.latest == result.latest
        assert row.owner == result.owner or (pd.isna(row.owner) and result.owner is None)


def test_verdicts_sort_best_first(in_root: Path) -> None:
    rules = RuleSet.of("x >= 100", "x >= 10")
    report = evaluate(rules, data={"x": {"2008": 12}}, as_of="2009-01-01")
    frame = report.to_pandas()
    assert list(frame["verdict"]) == ["missed", "met"]
    assert list(frame.sort_values("verdict")["verdict"]) == ["met", "missed"]


def test_steps_frame(in_root: Path) -> None:
    ruleset = read_rules(ROOT / "rules" / "integration-2009" / "employment.yaml")
    report = evaluate_many([ruleset])
    steps = report.to_pandas(steps=True)
    first = steps[steps["goal"] == "employment-immigrants"]
    assert list(first["kind"])[:3] == ["latest", "baseline", "change"]
    assert first.iloc[0]["value"] == 59.9 and first.iloc[0]["period"] == "2008-08"
    assert (steps["depth"] >= 0).all() and steps["depth"].max() >= 1  # method's own steps


def test_without_pandas_the_error_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    report = evaluate("x >= 10", data={"x": {"2008": 12}}, as_of="2009-01-01")
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(GoalEngineError, match="needs pandas"):
        report.to_pandas()


def test_series_on_request(in_root: Path) -> None:
    report = evaluate("x >= 10", data={"x": {"2007": 8, "2008": 12, "2010": 20}},
                      as_of="2009-01-01", series=True)  # fmt: skip
    assert [str(o.period) for o in report.results[0].series] == ["2007", "2008"]
    assert evaluate("x >= 10", data={"x": {"2008": 12}}).results[0].series == ()
