"""explain: every step with value and period, the chart, projection and verdict."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from render_helpers import record

from goalengine import Report, RuleSet, Step
from goalengine.render.chart import bar, scale, sparkline
from goalengine.render.explain import SeriesView, format_step_value, render_explanation, step_rows
from goalengine.resolve import load_ruleset_data


def _view(ruleset: RuleSet, metric: str, comparable: bool = True) -> SeriesView:
    data = load_ruleset_data(ruleset)
    series = data.get(metric)
    assert series is not None
    return SeriesView(metric, series.observations, unit="%", comparable=comparable)


def test_explain_on_track_golden(
    report: Report, rulesets: list[RuleSet], golden: Callable[[str, str], None]
) -> None:
    result = next(r for r in report.results if r.goal == "employment-up")
    view = _view(rulesets[0], "employment_rate")
    text = record(render_explanation(result, line=18, series=view))
    golden("explain-on-track.txt", text)
    for expected in ("latest", "baseline", "target", "trend", "projection", "progress_ratio"):
        assert expected in text
    assert "2007-H1" in text and "2008-08" in text
    assert "↗ on track" in text
    assert "█" in text and "▁█" in text


def test_explain_error_shows_the_diagnostic(
    report: Report, golden: Callable[[str, str], None]
) -> None:
    from goalengine.render.diagnostics import result_diagnostic

    result = next(r for r in report.results if r.goal == "typo")
    text = record(render_explanation(result, diagnostic=result_diagnostic(result)))
    golden("explain-error.txt", text)
    assert "^^^^^^^^^^^^^^" in text


def test_step_tree_prefixes() -> None:
    leaf = Step(kind="c", label="c")
    steps = (
        Step(kind="a", label="a", children=(Step(kind="b", label="b", children=(leaf,)), leaf)),
        Step(kind="d", label="d"),
    )
    assert [(prefix, step.kind) for prefix, step in step_rows(steps)] == [
        ("", "a"),
        ("├ ", "b"),
        ("│ └ ", "c"),
        ("└ ", "c"),
        ("", "d"),
    ]


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (59.9, "%", "59.9 %"),
        (True, None, "yes"),
        ("off_track", None, "off_track"),
        (None, None, ""),
    ],
)
def test_step_values(value: float | str | bool | None, unit: str | None, shown: str) -> None:
    assert format_step_value(Step(kind="x", label="x", value=value, unit=unit)) == shown


def test_sparkline() -> None:
    assert sparkline([1, 2, 3, 4, 5, 6, 7, 8]) == "▁▂▃▄▅▆▇█"
    assert sparkline([5, 5]) == "▅▅"
    assert sparkline([]) == ""
    assert sparkline([1.0, float("nan"), 3.0]) == "▁ █"


def test_bars_start_at_zero_when_values_share_a_sign() -> None:
    assert scale([54.4, 59.9]) == (0.0, 59.9)
    assert scale([-3.0, -1.0]) == (-3.0, 0.0)
    assert scale([-1.0, 2.0]) == (-1.0, 2.0)
    assert scale([0.0]) == (0.0, 1.0)
    assert bar(10, 0, 10, 4) == "████"
    assert bar(5, 0, 10, 4) == "██"
    assert bar(1, 0, 10, 4) == "▍"
    assert bar(0, 0, 10, 4) == "▏"
    assert bar(float("inf"), 0, 10, 4) == ""
