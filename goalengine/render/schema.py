"""The JSON Schema of ``goalengine check --format json`` (and ``Report.to_json()``).

Generated from the pydantic models, so it cannot drift from them; a test checks that the
committed ``docs/report.schema.json`` is what this module generates and that real output
validates against it. Regenerate with::

    python -m goalengine.render.schema --output docs/report.schema.json

Every key is always present in the output (``null`` where there is no value), so every
property is required; unknown keys are not allowed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from ..models import Observation, Report, Verdict

__all__ = ["main", "report_schema", "schema_text"]

DRAFT = "https://json-schema.org/draft/2020-12/schema"
PERIOD_PATTERN = r"^\d{4}(-(H[12]|Q[1-4]|(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?))?$"


class _Generator(GenerateJsonSchema):
    """Periods are strings (``2010``, ``2010-H1``, ``2010-Q2``, ``2010-08``, ``2010-08-15``)."""

    def function_plain_schema(self, schema: core_schema.PlainValidatorFunctionSchema) -> Any:
        function = schema["function"].get("function")
        if getattr(function, "__qualname__", "").startswith("Period."):
            return {
                "type": "string",
                "pattern": PERIOD_PATTERN,
                "description": "A period: 2010, 2010-H1, 2010-Q2, 2010-08 or 2010-08-15.",
            }
        return super().function_plain_schema(schema)


def _require_all(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("type") == "object" and "properties" in node:
            node["required"] = list(node["properties"])
        for value in node.values():
            _require_all(value)
    elif isinstance(node, list):
        for value in node:
            _require_all(value)


def _add_language(schema: dict[str, Any], verdicts: list[str]) -> None:
    """``lang`` and ``verdict_labels``: only in a report written with ``--lang`` (optional)."""
    schema["properties"]["lang"] = {
        "title": "Language",
        "description": "The language of the explanations and verdict labels (--lang).",
        "enum": ["en", "da"],
    }
    schema["properties"]["verdict_labels"] = {
        "title": "Verdict labels",
        "description": "Each verdict's name in that language; the verdicts stay English.",
        "type": "object",
        "properties": {v: {"type": "string"} for v in verdicts},
        "required": verdicts,
        "additionalProperties": False,
    }


def report_schema() -> dict[str, Any]:
    """The schema of :meth:`Report.to_dict` (the models plus the ``summary`` counts)."""
    schema: JsonSchemaValue = Report.model_json_schema(
        mode="serialization", schema_generator=_Generator
    )
    verdicts = [v.value for v in Verdict]
    schema["properties"]["summary"] = {
        "title": "Summary",
        "description": "How many goals got each verdict (every verdict, zero included).",
        "type": "object",
        "properties": {v: {"type": "integer", "minimum": 0} for v in verdicts},
        "additionalProperties": False,
    }
    schema["properties"]["rollups"] = {
        "title": "Roll-ups",
        "description": "One entry per goal judged per entity (for_each): its verdicts counted.",
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "file": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                "goal": {"type": "string"},
                "total": {"type": "integer", "minimum": 0},
                "counts": {
                    "type": "object",
                    "properties": {v: {"type": "integer", "minimum": 1} for v in verdicts},
                    "additionalProperties": False,
                },
                "text": {"type": "string"},
            },
            "required": ["file", "goal", "total", "counts", "text"],
            "additionalProperties": False,
        },
    }
    _require_all(schema)
    _add_language(schema, verdicts)
    _add_series(schema)
    return {
        "$schema": DRAFT,
        "$id": "https://goalengine.invalid/schema/report.schema.json",
        "title": "goalengine report",
        "description": (
            "The output of `goalengine check --format json` and `Report.to_json()`: "
            "the report date, one result per goal with its verdict, explanation steps "
            "and numbers, warnings, and the count of each verdict."
        ),
        **{k: v for k, v in schema.items() if k not in ("title", "description")},
    }


def _add_series(schema: dict[str, Any]) -> None:
    """``series`` (``--include-series``): present only when asked for, so not required."""
    observation = Observation.model_json_schema(mode="serialization", schema_generator=_Generator)
    _require_all(observation)
    schema["$defs"]["Observation"] = observation
    schema["$defs"]["Result"]["properties"]["series"] = {
        "title": "Series",
        "description": "The observations of the goal's subject (for its entity) up to the "
        "report date: what its chart draws. Only with --include-series.",
        "type": "array",
        "items": {"$ref": "#/$defs/Observation"},
    }


def schema_text() -> str:
    return json.dumps(report_schema(), indent=2, ensure_ascii=False) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m goalengine.render.schema",
        description="Print (or write, or check) the JSON Schema of goalengine's JSON report.",
    )
    parser.add_argument("--output", "-o", metavar="FILE", help="write the schema to FILE")
    parser.add_argument("--check", metavar="FILE", help="exit 1 if FILE is not the current schema")
    args = parser.parse_args(argv)
    text = schema_text()
    if args.check:
        path = Path(args.check)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            print(
                f"{args.check} is out of date: run python -m goalengine.render.schema "
                f"--output {args.check}",
                file=sys.stderr,
            )
            return 1
        return 0
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
