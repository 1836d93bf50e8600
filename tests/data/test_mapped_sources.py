"""Data entries that say how to read a source: columns, constants, filters, wide tables,
SDMX-CSV, open-sdg and Statistics Denmark files, read through the rule file."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from goalengine import DataError, Verdict, evaluate, load_rules, read_rules
from goalengine.data.mapping import Table, TableSpec, excel_column, read_table
from goalengine.data.sources import parse_spec, read_source
from goalengine.engine.run import judge_stream

OFFICES = Path(__file__).resolve().parents[1] / "fixtures" / "offices"
Write = Callable[[str, str], Path]


def _series(path: Path, **entry: object) -> dict[tuple[str, str | None], dict[str, float]]:
    spec, problems = parse_spec(entry)
    assert not problems
    reading = read_source(path, spec)
    return {
        (s.metric, s.entity): {str(o.period): o.value for o in s} for s in reading.dataset.series
    }


def test_statistics_denmark_export_with_a_column_mapping() -> None:
    found = _series(
        OFFICES / "dst_folk1a.csv",
        metric="population",
        columns={"period": "TID", "value": "INDHOLD"},
    )
    assert found == {
        ("population", None): {
            "2020-Q1": 5822763,
            "2021-Q1": 5840045,
            "2022-Q1": 5873420,
            "2023-Q1": 5932654,
            "2024-Q1": 5961249,
        }
    }


def test_the_wide_export_reads_as_the_long_one() -> None:
    long = _series(OFFICES / "dst_folk1a.csv", metric="population",
                   columns={"period": "TID", "value": "INDHOLD", "entity": "OMRÅDE"})  # fmt: skip
    wide = _series(OFFICES / "dst_folk1a_wide.csv", metric="population", layout="wide",
                   columns={"entity": "OMRÅDE"})  # fmt: skip
    assert wide == long


def test_sdmx_csv_maps_time_period_and_obs_value_and_skips_the_empty_cell() -> None:
    spec, _ = parse_spec(
        {"format": "sdmx-csv", "metric": "unemployment", "columns": {"entity": "geo"}}
    )
    reading = read_source(OFFICES / "estat_une_rt_a.csv", spec, name="estat.csv")
    dk = reading.dataset.get("unemployment", "DK")
    assert dk is not None and [o.value for o in dk] == [5.0, 5.6, 5.1, 4.5, 5.1]
    assert reading.skipped == 1
    assert reading.warning() == "estat.csv: 1 cell with no figure (.., :, empty) skipped"


def test_sdmx_csv_without_the_dimension_that_tells_rows_apart_is_a_placed_error() -> None:
    spec, _ = parse_spec({"format": "sdmx-csv", "metric": "unemployment"})
    with pytest.raises(DataError) as caught:
        read_source(OFFICES / "estat_une_rt_a.csv", spec, name="estat.csv")
    error = caught.value
    assert error.message == "unemployment in 2019 is 6.8 here but 5 in row 2"
    assert (error.span.file, error.span.line) == ("estat.csv", 7)
    assert error.hint is not None and "where:" in error.hint


def test_a_filter_picks_one_series() -> None:
    found = _series(OFFICES / "estat_une_rt_a.csv", format="sdmx-csv", metric="u",
                    where={"geo": "EU27_2020"})  # fmt: skip
    assert found == {("u", None): {"2019": 6.8, "2020": 7.2, "2021": 7.1, "2022": 6.2, "2023": 6.1}}


def test_open_sdg_reads_the_headline_by_default_and_a_disaggregation_on_request() -> None:
    path = OFFICES / "indicator_8-5-2.csv"
    headline = _series(path, format="open-sdg")
    assert headline == {
        ("indicator_8_5_2", None): {"2019": 5.0, "2020": 5.6, "2021": 5.1, "2022": 4.5, "2023": 5.1}
    }
    men = _series(path, format="open-sdg", metric="unemployment", where={"Sex": "Male"})
    assert men == {("unemployment", None): {"2023": 4.9}}
    # "" is the empty cell: the issue's own example of the headline.
    assert _series(path, format="open-sdg", where={"Units": "Percent", "Sex": ""}) == headline


def test_a_rule_file_reads_an_office_file_in_place(write: Write, tmp_path: Path) -> None:
    shutil.copy(OFFICES / "dst_folk1a.csv", tmp_path / "folk1a.csv")
    rules = write(
        "goals.yaml",
        """
        as_of: 2024-06-30
        data:
          - path: folk1a.csv
            metric: population
            columns: {period: TID, value: INDHOLD}
        goals:
          - id: grow
            rule: population >= 5900000 by 2024-Q1
        """,
    )
    report = evaluate(load_rules(rules), data_root=tmp_path)
    assert [r.verdict for r in report.results] == [Verdict.MET]


def test_missing_markers_are_counted_in_the_report(write: Write, tmp_path: Path) -> None:
    write("aku.csv", "TID;INDHOLD\n2021K1;75,1\n2021K2;..\n2021K3;75,9\n2021K4;:\n")
    rules = write(
        "goals.yaml",
        """
        as_of: 2022-01-31
        data: [{path: aku.csv, metric: employment_rate, columns: {period: TID, value: INDHOLD}}]
        goals:
          - {id: jobs, rule: employment_rate >= 75 by 2021-Q3}
        """,
    )
    report = judge_stream([load_rules(rules)], data_root=tmp_path).report()
    assert report.results[0].verdict is Verdict.MET
    assert report.warnings == ("aku.csv: 2 cells with no figure (.., :, empty) skipped",)


def test_a_bad_cell_is_placed_at_its_line_and_column(write: Write, tmp_path: Path) -> None:
    path = write("aku.csv", "TID;INDHOLD\n2021K1;75,1\n2021K2;7x\n")
    spec, _ = parse_spec({"metric": "e", "columns": {"period": "TID", "value": "INDHOLD"}})
    with pytest.raises(DataError) as caught:
        read_source(path, spec, name="aku.csv")
    error = caught.value
    assert error.message == "cannot read value '7x' as a number"
    assert (error.span.line, error.span.column, error.span.source_line) == (3, 8, "2021K2;7x")
    assert error.hint is not None and "decimal comma" in error.hint


def test_a_mapped_column_that_is_not_there_gets_a_did_you_mean(write: Write) -> None:
    path = write("aku.csv", "TID;INDHOLD\n2021K1;75,1\n")
    spec, _ = parse_spec({"metric": "e", "columns": {"period": "TID", "value": "INDHOLT"}})
    with pytest.raises(DataError) as caught:
        read_source(path, spec, name="aku.csv")
    assert caught.value.message == "columns: value: no column 'INDHOLT' in aku.csv"
    assert caught.value.hint == "did you mean 'INDHOLD'?"
    assert caught.value.span.line == 1


def test_a_wide_header_that_is_not_a_period_is_an_error_at_that_column(write: Write) -> None:
    path = write("w.csv", "region,2020,2021,notes\nA,1,2,x\n")
    spec, _ = parse_spec({"metric": "m", "layout": "wide", "columns": {"entity": "region"}})
    with pytest.raises(DataError) as caught:
        read_source(path, spec, name="w.csv")
    assert caught.value.message.startswith("column 'notes' of a wide table is not a period")
    assert (caught.value.span.line, caught.value.span.column) == (1, 18)


def test_an_ambiguous_period_code_in_data_is_an_error_not_a_guess(write: Write) -> None:
    path = write("m.csv", "metric,period,value\nx,202301,1\n")
    spec, _ = parse_spec({"columns": {"period": "period"}})
    with pytest.raises(DataError) as caught:
        read_source(path, spec, name="m.csv")
    assert "could be month 01 of 2023" in str(caught.value.hint)
    assert (caught.value.span.line, caught.value.span.column) == (2, 3)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{path: d.csv, format: sdmx}", "unknown format 'sdmx'"),
        ("{path: d.csv, columns: {metrik: A}}", "unknown role 'metrik' in 'columns'"),
        ("{path: d.csv, layout: tall}", "unknown layout 'tall'"),
        ("{path: d.csv, header: 0}", "'header' is the header's row number (1, 2, ...)"),
        ("{sql: select 1}", "a database entry needs both 'sql' and 'database'"),
    ],
)
def test_a_bad_entry_is_a_rule_file_error_at_its_key(
    write: Write, entry: str, message: str
) -> None:
    rules = write("r.yaml", f"data: [{entry}]\ngoals:\n  - {{id: g, rule: x >= 1}}\n")
    errors = [d for d in read_rules(rules).diagnostics if d.severity == "error"]
    assert [d.message for d in errors] == [message]
    assert errors[0].span.line == 1


def test_excel_column_letters() -> None:
    assert [excel_column(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]


def test_a_constant_period_and_numbers_from_a_typed_source() -> None:
    table = Table("t", ["kommune", "x"], iter([(2, ["101", 3.5]), (3, [147.0, None])]))
    reading = read_table(table, TableSpec({"entity": "kommune", "value": "x"},
                                          {"metric": "m", "period": "2023M01"}))  # fmt: skip
    found = {(s.entity, str(o.period), o.value) for s in reading.dataset.series for o in s}
    assert found == {("101", "2023-01", 3.5)}
    assert reading.skipped == 1


def test_evaluate_counts_missing_markers_like_check(write: Write, tmp_path: Path) -> None:
    write("aku.csv", "TID;INDHOLD\n2021K1;75,1\n2021K2;..\n2021K3;75,9\n2021K4;:\n")
    rules = write(
        "goals.yaml",
        """
        as_of: 2022-01-31
        data: [{path: aku.csv, metric: employment_rate, columns: {period: TID, value: INDHOLD}}]
        goals:
          - {id: jobs, rule: employment_rate >= 75 by 2021-Q3}
        """,
    )
    report = evaluate(load_rules(rules), data_root=tmp_path)
    assert report.results[0].verdict is Verdict.MET
    assert report.warnings == ("aku.csv: 2 cells with no figure (.., :, empty) skipped",)
