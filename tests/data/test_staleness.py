"""An entity whose latest figure is older than most peers' gets a warning in the report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from goalengine import Goal, read_rules
from goalengine.data import read_csv_text
from goalengine.data.staleness import stale_warnings
from goalengine.engine.run import judge_stream

Write = Callable[[str, str], Path]
CSV = """metric,period,entity,value
jobs,2022,Aarhus,70
jobs,2023,Aarhus,71
jobs,2022,Odense,69
jobs,2023,Odense,70
jobs,2022,Vejle,72
jobs,2021,Skive,68
"""
GOAL = Goal(id="jobs", rule="jobs >= 70 by 2030", for_each="entity")


def test_an_entity_behind_its_peers_is_named_with_both_periods() -> None:
    data = read_csv_text(CSV)
    assert stale_warnings([GOAL], data, date(2024, 6, 30)) == [
        "jobs: Skive: latest 2021, peers 2023",
        "jobs: Vejle: latest 2022, peers 2023",
    ]


def test_the_report_date_decides_what_is_latest() -> None:
    # On 2023-06-30 nobody has 2023 yet: 2022 is the peers' year, only Skive lags.
    data = read_csv_text(CSV)
    assert stale_warnings([GOAL], data, date(2023, 6, 30)) == [
        "jobs: Skive: latest 2021, peers 2022"
    ]


def test_no_majority_no_warning_and_goals_without_for_each_are_left_alone() -> None:
    split = read_csv_text("metric,period,entity,value\nx,2022,a,1\nx,2023,b,1\nx,2021,c,1\n")
    assert stale_warnings([Goal(id="x", rule="x >= 1", for_each="entity")], split,
                          date(2024, 1, 1)) == []  # fmt: skip
    assert stale_warnings([Goal(id="j", rule="jobs >= 1")], read_csv_text(CSV),
                          date(2024, 1, 1)) == []  # fmt: skip


def test_the_warning_reaches_the_report(write: Write, tmp_path: Path) -> None:
    write("jobs.csv", CSV)
    rules = write(
        "r.yaml",
        """
        as_of: 2024-06-30
        data: jobs.csv
        goals:
          - {id: jobs, rule: jobs >= 70 by 2030, for_each: entity}
        """,
    )
    report = judge_stream([read_rules(rules)], data_root=tmp_path).report()
    assert "jobs: Vejle: latest 2022, peers 2023" in report.warnings


def test_evaluate_reports_what_check_reports(write: Write, tmp_path: Path) -> None:
    """The ``evaluate()`` API warns as ``check`` does (the same report, the same words)."""
    from goalengine import evaluate

    write("jobs.csv", CSV)
    rules = write(
        "r.yaml",
        """
        as_of: 2024-06-30
        data: jobs.csv
        goals:
          - {id: jobs, rule: jobs >= 70 by 2030, for_each: entity}
        """,
    )
    checked = judge_stream([read_rules(rules)], data_root=tmp_path).report()
    api = evaluate(read_rules(rules), data_root=tmp_path)
    assert api.warnings == checked.warnings
    assert "jobs: Vejle: latest 2022, peers 2023" in api.warnings
