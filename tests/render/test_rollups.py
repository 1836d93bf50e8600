"""Per-entity goals are counted per goal in every output: JSON, the table and the summary."""

from __future__ import annotations

import io
from datetime import date

from rich.console import Console

from goalengine import Goal, RuleSet, evaluate
from goalengine.render import summary_line
from goalengine.render.table import render_table

DATA = "metric,period,value,entity\n" + "".join(
    f"share,{year},{value},{area}\n"
    for area, values in {"north": (10, 12), "south": (10, 8), "east": (10, 11)}.items()
    for year, value in zip((2010, 2011), values, strict=True)
)


def report(tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "areas.csv"
    path.write_text(DATA, encoding="utf-8")
    goal = Goal.parse("share >= 14 by 2013", id="share-up", baseline="2010", for_each="entity")
    return evaluate(RuleSet(goals=(goal,)), path, date(2012, 1, 1))


def test_json_counts_the_entities_of_each_goal(tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = report(tmp_path).to_dict()
    assert [r["entity"] for r in data["results"]] == ["east", "north", "south"]
    (rolled,) = data["rollups"]
    assert rolled["goal"] == "share-up"
    assert rolled["counts"] == {"on-track": 1, "at-risk": 2}
    assert rolled["text"] == "1 of 3 entities on track, 2 at risk"


def test_table_and_summary_show_the_roll_up(tmp_path) -> None:  # type: ignore[no-untyped-def]
    judged = report(tmp_path)
    out = io.StringIO()
    Console(file=out, width=100, color_system=None).print(render_table(judged))
    assert "share-up: 1 of 3 entities on track, 2 at risk" in out.getvalue()
    assert summary_line(judged) == "1 goal, 3 results: 1 on track, 2 at risk"
