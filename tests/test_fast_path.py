"""``goalengine check`` takes the columnar path and streams its report: same bytes as the API.

A generated workload of 70 entities (enough for the columnar path) and goals of many shapes
-- some the vectorised engine covers, some it hands back entity by entity (other progress
methods, missing data) -- is judged three ways: by the command line (a frame, the
vectorised engine, a streamed JSON report), by ``evaluate_many`` with the JSON renderer,
and goal by goal by the scalar engine alone. All three must agree result for result.
"""

from __future__ import annotations

import io
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import goalengine.engine.columnar
import goalengine.engine.run
from goalengine import evaluate_many, methods, read_rules
from goalengine.cli import main
from goalengine.data import load_dataset
from goalengine.engine.run import judge_stream, result_json, write_json
from goalengine.entities import evaluate_for_each
from goalengine.methods.base import MethodInput, MethodOutcome
from goalengine.models import Result, Verdict
from goalengine.periods import Period
from goalengine.render.json import render_json

pytest.importorskip("numpy")

ENTITIES = 70
AS_OF = date(2014, 12, 31)

#: (rule, extra YAML lines): shapes of bench/workload.py plus ones judged per entity.
GOALS = [
    ("m0 >= baseline + 5pp by 2018", ["baseline: '2008'", "unit: '%'"]),
    ("m1 <= 0.9 * m1[2008] by 2020", []),
    ("m2 >= 40", []),
    ("m0 / m3 >= 0.8 by 2016", []),
    ("20 <= m1 <= 80", ["unit: '%'"]),
    ("m2 >= mean(m2[*])", []),
    ("m0 > 30 and m3 < 70", []),
    ("m1 <= baseline + 15 throughout 2010..2014", ["baseline: '2010'"]),
    ("m3 >= baseline + 10% by 2012", ["baseline: '2006'"]),
    ("m0 >= 50 by 2018", ["method: last"]),
    ("m2 <= 45 by 2020", ["method: pace", "baseline: '2006'"]),
    ("m4 >= 30 by 2018", ["missing: skip"]),
    ("m4 <= 70", ["missing: unknown"]),
]


def _workload(directory: Path, goals: list[tuple[str, list[str]]] = GOALS) -> Path:
    rng = random.Random(12)
    rows = ["metric,period,value,entity"]
    for e in range(ENTITIES):
        for m in range(5):
            if m == 4 and e % 3 == 0:
                continue  # a third of the entities never report m4
            start, slope = rng.uniform(25, 75), rng.gauss(0, 1.5)
            for year in range(2005, 2015):
                value = round(
                    min(99.5, max(0.5, start + slope * (year - 2005) + rng.gauss(0, 2))), 1
                )
                rows.append(f"m{m},{year},{value},area-{e:02d}")
    (directory / "data.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    lines = [f"as_of: {AS_OF.isoformat()}", "data: data.csv", "goals:"]
    for i, (rule, extra) in enumerate(goals):
        lines += [f"  - id: g{i:02d}", f'    rule: "{rule}"', "    for_each: entity"]
        lines += [f"    {line}" for line in extra]
    rules = directory / "rules.yaml"
    rules.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return rules


@pytest.fixture(autouse=True)
def _columnar_for_small_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """The workload is small; it must take the columnar path all the same."""
    monkeypatch.setattr(goalengine.engine.run, "FRAME_MIN_BYTES", 0)


@dataclass
class Check:
    code: int
    out: str


def _check(capsys: pytest.CaptureFixture[str], *args: str) -> Check:
    code = main(["check", *args])
    return Check(code, capsys.readouterr().out)


def test_check_json_is_the_api_report_to_the_byte(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = _workload(tmp_path)
    done = _check(capsys, str(rules), "--format", "json")
    expected = render_json(evaluate_many([read_rules(rules)]))
    assert done.out == expected
    document = json.loads(done.out)
    assert len(document["results"]) > ENTITIES * 10
    assert {r["method"] for r in document["results"]} >= {"linear", "last", "pace"}


def test_check_takes_the_columnar_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = _workload(tmp_path)
    calls: list[int] = []
    original = goalengine.engine.columnar.stream_results

    def counted(*args: Any, **kwargs: Any) -> Iterator[list[Result]]:
        calls.append(len(args[0]))
        return original(*args, **kwargs)

    monkeypatch.setattr(goalengine.engine.columnar, "stream_results", counted)
    _check(capsys, str(rules), "--format", "json")
    assert calls == [len(GOALS)]


def test_check_json_agrees_with_the_scalar_engine_result_for_result(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = _workload(tmp_path)
    document = json.loads(_check(capsys, str(rules), "--format", "json").out)
    ruleset = read_rules(rules)
    data = load_dataset(tmp_path / "data.csv")
    scalar = [
        r for goal in ruleset.goals for r in evaluate_for_each(goal, data, AS_OF, engine="scalar")
    ]
    assert document["results"] == [json.loads(result_json(r)) for r in scalar]


def test_output_file_is_the_same_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules = _workload(tmp_path)
    target = tmp_path / "out.json"
    done = _check(capsys, str(rules), "-o", str(target))
    assert done.out == ""
    assert target.read_text(encoding="utf-8") == render_json(evaluate_many([read_rules(rules)]))


def test_small_chunks_give_the_same_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ruleset = read_rules(_workload(tmp_path))
    whole, parts = io.StringIO(), io.StringIO()
    write_json(judge_stream([ruleset]), whole)
    monkeypatch.setattr(goalengine.engine.columnar, "NAMES_KEPT", 5)  # names forgotten as they go
    totals = write_json(judge_stream([ruleset], rows=7), parts)
    assert parts.getvalue() == whole.getvalue()
    assert totals.results == len(json.loads(whole.getvalue())["results"])


def test_a_report_without_results_is_the_api_one() -> None:
    stream = io.StringIO()
    write_json(judge_stream([], as_of="2014-12-31"), stream)
    assert stream.getvalue() == render_json(evaluate_many([], as_of="2014-12-31"))


@pytest.mark.parametrize(
    "number", [1e-05, 3.460667992206048e-05, 1.7951020088609234e-07, 1e16, 2.5e300, 0.0001]
)
def test_result_json_spells_floats_as_json_does(number: float) -> None:
    result = Result(
        goal="g",
        rule="x >= 1",
        verdict=Verdict.AT_RISK,
        explanation="a re-run, e-mail → at risk.",
        probability=number,
        latest=number,
        latest_period=Period(2010),
    )
    expected = json.dumps(result.model_dump(mode="json"), indent=2, ensure_ascii=False)
    assert result_json(result) == expected


# -- a progress method registered as "linear" ------------------------------------------------


class HeldFlat:
    """A ``linear`` of one's own: the latest value held flat (the built-in ``last``)."""

    name = "linear"
    description = "the latest value, held flat"

    def assess(self, goal: MethodInput) -> MethodOutcome:
        return methods.get("last").assess(goal)


def test_a_registered_linear_is_used_by_every_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = _workload(tmp_path, [("m0 >= baseline + 8pp by 2018", ["baseline: '2008'"])])
    builtin = json.loads(_check(capsys, str(rules), "--format", "json").out)["results"]
    monkeypatch.setitem(methods._registry, "linear", HeldFlat())
    custom = json.loads(_check(capsys, str(rules), "--format", "json").out)["results"]
    ruleset = read_rules(rules)
    (goal,) = ruleset.goals
    data = load_dataset(tmp_path / "data.csv")
    scalar = evaluate_for_each(goal, data, AS_OF, engine="scalar")
    api = evaluate_many([ruleset]).results
    verdicts = [r["verdict"] for r in custom]
    assert verdicts == [r.verdict.value for r in scalar] == [r.verdict.value for r in api]
    assert verdicts != [r["verdict"] for r in builtin]  # the custom method did decide
    assert all("held at its latest value" in r["explanation"] for r in custom)


def test_the_columnar_path_keeps_the_data_root(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    outside, project = tmp_path / "outside", tmp_path / "project"
    outside.mkdir()
    project.mkdir()
    rules = _workload(outside)
    moved = project / "rules.yaml"
    moved.write_text(rules.read_text().replace("data: data.csv", "data: ../outside/data.csv"))
    monkeypatch.chdir(project)
    read: list[object] = []
    monkeypatch.setattr(
        goalengine.engine.columnar, "stream_results", lambda *a, **k: read.append(a)
    )
    done = _check(capsys, "rules.yaml", "--format", "json")
    assert done.code == 2
    results = json.loads(done.out)["results"]
    assert {r["verdict"] for r in results} == {"error"}
    assert all("outside the data root" in r["error"]["message"] for r in results)
    assert {(r["error"]["line"], r["error"]["column"]) for r in results} == {(2, 7)}
    assert read == []  # refused before the frame was read


# -- results written straight from columns ---------------------------------------------------

#: Metrics beyond GOALS' m0..m4: m5 tiny figures, m6 big ones (figures stop at 1e15), m7
#: zeros of both signs.
SCALES = {5: 1e-7, 6: 1e13}
ODD_GOALS = [
    *GOALS,
    (
        "m0 >= baseline + 5pp by 2018",
        ["baseline: '2008'", "unit: 'Ø-%'", "title: 'Beskæftigelse \"høj\" → 2018 ✓'"],
    ),
    ("m5 >= 0.000002 by 2018", ["unit: 'µg/m³'", "tags: [luft, 'æ ø å']"]),
    ("m5 <= 0.000009", ["tags: [tiny]"]),
    ("m6 <= 6e14 by 2020", ["title: 'Store tal'"]),
    ("m6 >= 4e14", []),
    ("m7 >= 0 by 2018", ["baseline: '2006'"]),
    ("m7 <= baseline + 1 throughout 2010..2014", ["baseline: '2010'", "unit: '%'"]),
]


def _odd_workload(directory: Path) -> Path:
    rules = _workload(directory, ODD_GOALS)
    rng = random.Random(5)
    rows = []
    for e in range(ENTITIES):
        for m, scale in SCALES.items():
            start, slope = rng.uniform(25, 75), rng.gauss(0, 1.5)
            for year in range(2005, 2015):
                value = round(start + slope * (year - 2005) + rng.gauss(0, 2), 1)
                rows.append(f"m{m},{year},{value * scale!r},area-{e:02d}")
        for year in range(2005, 2015):
            zero = "-0.0" if (e + year) % 3 else "0"
            rows.append(f"m7,{year},{zero},area-{e:02d}")
    with (directory / "data.csv").open("a", encoding="utf-8") as data:
        data.write("\n".join(rows) + "\n")
    return rules


def test_columnar_results_are_written_from_columns_as_their_results_would_be(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The JSON text filled from case columns is the Results' JSON, to the byte; and it is
    filled, not built: a Result per case (its layout, and a check), not one per entity."""
    import goalengine.engine.columnar.layout

    ruleset = read_rules(_odd_workload(tmp_path))
    filled: list[int] = []
    built: list[int] = []
    case_texts = goalengine.engine.columnar.case_texts
    case_result = goalengine.engine.columnar._case_result

    def counted_texts(*args: Any) -> list[str] | None:
        lines = case_texts(*args)
        filled.append(0 if lines is None else len(lines))
        return lines

    def counted_result(*args: Any) -> Result:
        built.append(1)
        return case_result(*args)

    monkeypatch.setattr(goalengine.engine.columnar, "case_texts", counted_texts)
    monkeypatch.setattr(goalengine.engine.columnar, "_case_result", counted_result)
    stream = io.StringIO()
    totals = write_json(judge_stream([ruleset]), stream)
    text_built = len(built)
    expected = render_json(evaluate_many([ruleset]))
    assert stream.getvalue() == expected
    document = json.loads(expected)
    assert totals.results == len(document["results"])
    assert 0 not in filled  # every case took the text path
    assert sum(filled) > ENTITIES * 12
    assert text_built <= 2 * len(filled) < sum(filled) / 10
    spelled = stream.getvalue()
    for text in ('Beskæftigelse \\"høj\\" → 2018 ✓', "µg/m³", '"æ ø å"', "-0.0", "e-07", "e-09"):
        assert text in spelled
    assert re.search(r"\"latest\": \d{14,}\.\d", spelled)
    assert {r["title"] for r in document["results"]} >= {None, "Store tal"}
    assert "error" not in {r["verdict"] for r in document["results"]}


def test_an_overflow_is_an_error_on_both_engines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    goals = [("m0 >= baseline * 2 by 2018", ["baseline: '2008'"]), ("m0 >= 10 * m1", [])]
    rules = _workload(tmp_path, goals)
    data = tmp_path / "data.csv"
    lines = data.read_text().splitlines()
    huge = [f"m0,{line.split(',')[1]},1e308,area-03" if line.startswith("m0,") and
            line.endswith(",area-03") else line for line in lines]  # fmt: skip
    data.write_text("\n".join(huge) + "\n")
    done = _check(capsys, str(rules), "--format", "json")
    document = json.loads(done.out)  # strict: no Infinity
    ruleset = read_rules(rules)
    scalar = [
        r
        for goal in ruleset.goals
        for r in evaluate_for_each(goal, load_dataset(data), AS_OF, engine="scalar")
    ]
    assert document["results"] == [json.loads(result_json(r)) for r in scalar]
    errors = [r for r in document["results"] if r["verdict"] == "error"]
    assert [(r["goal"], r["entity"]) for r in errors] == [("g00", "area-03")]
    assert all("too large to compute with" in r["error"]["message"] for r in errors)
    assert done.code == 2


def test_control_characters_in_entities_are_escaped_on_the_columnar_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = _workload(tmp_path, [("m0 >= 60 by 2018", [])])
    data = tmp_path / "data.csv"
    hostile = "area-05\x1b[2J\x7f\u202e"
    data.write_text(data.read_text().replace(",area-05\n", f',"{hostile}"\n'))
    calls: list[int] = []
    original = goalengine.engine.columnar.stream_results

    def counted(*args: Any, **kwargs: Any) -> Iterator[Any]:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(goalengine.engine.columnar, "stream_results", counted)
    out = _check(capsys, str(rules), "--format", "json").out
    assert calls  # the columnar path wrote it
    assert not any(c in out for c in "\x1b\x7f\u202e")
    entities = {r["entity"] for r in json.loads(out)["results"]}
    assert hostile in entities  # the same string for a parser


def test_a_throughout_rule_names_every_period_it_is_broken_in_on_both_engines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    goals = [("m1 <= baseline + 1 throughout 2008..2014", ["baseline: '2006'"])]
    rules = _workload(tmp_path, goals)
    document = json.loads(_check(capsys, str(rules), "--format", "json").out)
    data = load_dataset(tmp_path / "data.csv")
    goal = read_rules(rules).goals[0]
    scalar = evaluate_for_each(goal, data, AS_OF, engine="scalar")
    assert document["results"] == [json.loads(result_json(r)) for r in scalar]
    reasons = {r.explanation.rpartition("; ")[2] for r in scalar if r.verdict.value == "missed"}
    assert any(" and " in reason for reason in reasons), reasons  # several years named
    assert len(reasons) > 2  # rows broken in different sets of years are told apart


def test_control_characters_in_rule_text_are_escaped_once_per_template(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A unit and a title with bidi and control characters: the text filled from columns
    escapes them as the Results' own JSON does (the template is checked, not each result)."""
    extra = ['title: "Mål \\u202e høj\\x7f"', 'unit: "%\\u2066"', "baseline: '2008'"]
    rules = _workload(tmp_path, [("m0 >= baseline + 5 by 2018", extra), ("m1 >= 40", extra)])
    ruleset = read_rules(rules)
    filled: list[int] = []
    case_texts = goalengine.engine.columnar.case_texts

    def counted_texts(*args: Any) -> list[str] | None:
        lines = case_texts(*args)
        filled.append(0 if lines is None else len(lines))
        return lines

    monkeypatch.setattr(goalengine.engine.columnar, "case_texts", counted_texts)
    stream = io.StringIO()
    write_json(judge_stream([ruleset]), stream)
    out = stream.getvalue()
    assert out == render_json(evaluate_many([ruleset]))
    assert not any(c in out for c in "\x7f\u202e\u2066")
    assert "\\u202e" in out and "\\u2066" in out
    assert filled and 0 not in filled  # every case was filled from columns


# -- the table: a goal of many entities is one row, counted, never built ---------------------------


def _plain_table(renderable: object, width: int = 80) -> str:
    import io as _io

    from rich.console import Console

    out = _io.StringIO()
    Console(file=out, width=width, force_terminal=False, color_system=None).print(renderable)
    return "".join(line.rstrip() + "\n" for line in out.getvalue().splitlines())


def test_the_table_shows_a_goal_of_many_entities_as_its_roll_up_without_building_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from goalengine.render.table import ENTITY_ROWS

    rules = _workload(tmp_path)
    assert ENTITIES > ENTITY_ROWS
    built: list[object] = []
    results = goalengine.engine.columnar.FrameChunk.results

    def counted(self: goalengine.engine.columnar.FrameChunk) -> list[Result]:
        built.append(self.key)
        return results(self)

    monkeypatch.setattr(goalengine.engine.columnar.FrameChunk, "results", counted)
    table = _check(capsys, str(rules), "--format", "table")
    assert built == []  # counted from the columns: no Result per entity
    report = json.loads(_check(capsys, str(rules), "--format", "json").out)
    for rolled in report["rollups"]:
        assert f"{rolled['goal']} ({rolled['total']} entities)" in table.out
        assert rolled["text"] in table.out
    assert "(area-" not in table.out
    summary = ", ".join(f"{n} {v.replace('-', ' ')}" for v, n in report["summary"].items() if n)
    words = " ".join(table.out.split())  # the summary may wrap at 80 columns
    total = sum(report["summary"].values())
    assert words.endswith(f"{len(GOALS)} goals, {total} results: {summary}")
    assert table.code == main(["check", str(rules), "--format", "json", "-q"])


def test_the_streamed_table_is_the_table_of_the_whole_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from goalengine.render import FileInfo
    from goalengine.render.table import render_table

    rules = _workload(tmp_path)
    ruleset = read_rules(rules)
    report = evaluate_many([ruleset])
    infos = [FileInfo(ruleset.path or "", ruleset.title, ruleset.as_of)]
    for flags, verbose in (((), False), (("-v",), True)):
        streamed = _check(capsys, str(rules), "--format", "table", *flags).out
        whole = _plain_table(render_table(report, infos, verbose=verbose))
        assert streamed == whole
    assert "(area-00)" in streamed  # --verbose: every entity's row


def test_translated_json_is_streamed_and_is_the_translated_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--lang da`` JSON is written chunk by chunk (never the whole report), as
    ``render_json(in_language(report, "da"))`` writes it."""
    from goalengine.i18n import in_language

    rules = _workload(tmp_path)
    expected = render_json(in_language(evaluate_many([read_rules(rules)]), "da"))

    def no_report(self: object) -> object:
        raise AssertionError("the translated report was built whole")

    monkeypatch.setattr(goalengine.engine.run.Run, "report", no_report)
    done = _check(capsys, str(rules), "--format", "json", "--lang", "da")
    assert done.out == expected
    document = json.loads(done.out)
    assert document["lang"] == "da" and document["verdict_labels"]["on-track"] == "på rette spor"
