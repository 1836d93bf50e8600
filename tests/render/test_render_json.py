"""JSON: exactly Report.to_json(), golden output, and it validates against the committed
schema, which is what the models generate today."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
from render_helpers import ROOT

from goalengine import Report, RuleSet, evaluate_many
from goalengine.render.json import render_json
from goalengine.render.schema import main as schema_main
from goalengine.render.schema import report_schema, schema_text

SCHEMA = ROOT / "docs" / "report.schema.json"


def test_json_is_the_reports_own_shape(report: Report) -> None:
    assert json.loads(render_json(report)) == json.loads(report.to_json())
    assert render_json(report).endswith("}\n")


def test_json_golden(rulesets: list[RuleSet], golden: Callable[[str, str], None]) -> None:
    # One file, so the report has one date (a report over files of different dates is
    # dated today).
    golden("report.json", render_json(evaluate_many(rulesets[:1])))


def test_committed_schema_is_up_to_date() -> None:
    assert SCHEMA.read_text(encoding="utf-8") == schema_text(), (
        "docs/report.schema.json is out of date: "
        "python -m goalengine.render.schema --output docs/report.schema.json"
    )


def test_real_output_validates_against_the_committed_schema(report: Report) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    document = json.loads(render_json(report))
    jsonschema.Draft202012Validator(schema).validate(document)
    assert {r["verdict"] for r in document["results"]} == {
        "met", "on-track", "at-risk", "missed", "unknown", "error",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("results", 0, "verdict"), "nearly"),
        (("results", 0, "latest_period"), "2010-13"),
        (("summary", "met"), -1),
        (("results", 0, "surprise"), 1),
    ],
)
def test_schema_rejects_wrong_output(
    report: Report, path: tuple[object, ...], value: object
) -> None:
    document = json.loads(render_json(report))
    node = document
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, report_schema(), cls=jsonschema.Draft202012Validator)


def test_every_key_is_required() -> None:
    schema = report_schema()
    result = schema["$defs"]["Result"]
    assert set(result["required"]) == set(result["properties"]) - {"series"}  # --include-series
    assert set(schema["required"]) == {
        "as_of",
        "results",
        "warnings",
        "files",
        "summary",
        "rollups",
    }


def test_schema_command_writes_and_checks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "schema.json"
    assert schema_main(["--output", str(target)]) == 0
    assert schema_main(["--check", str(target)]) == 0
    target.write_text("{}", encoding="utf-8")
    assert schema_main(["--check", str(target)]) == 1
    assert "out of date" in capsys.readouterr().err
    assert schema_main([]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "goalengine report"
