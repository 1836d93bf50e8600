"""Read rule files (YAML) into :class:`~goalengine.ruleset.RuleSet`, keeping positions.

Every problem is reported where it stands (file:line:col) with a hint; unknown keys are
errors with a did-you-mean, never silently ignored. Problems inside one goal stay with
that goal, so the rest of the file is still read and judged.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .data.dataset import Dataset
from .data.files import read_regular_file
from .data.inline import position, read_mapping
from .data.numbers import NumberError, number_from_value
from .data.sources import SPEC_KEYS, SourceSpec, database_file, parse_spec
from .errors import Diagnostic, GoalEngineError, RuleFileError, Span, did_you_mean
from .language import warnings_for
from .limits import DEFAULT_LIMITS, Limits
from .models import Verdict
from .periods import Period, parse_as_of
from .ruleset import (
    BOUNDS,
    FOR_EACH,
    MISSING_POLICIES,
    Baseline,
    DataSource,
    FixtureCase,
    Goal,
    RuleSet,
)

__all__ = [
    "FILE_KEYS", "GOAL_KEYS", "SOURCE_KEYS", "TEST_KEYS", "find_rule_files", "load_rules",
    "read_rules",
]  # fmt: skip

FILE_KEYS = (
    "title", "source", "as_of", "lang", "data", "defaults", "goals", "tests", "properties",
    "events",
)  # fmt: skip
LANGUAGES = ("en", "da")
GOAL_KEYS = (
    "id", "title", "title_da", "title_en", "rule", "baseline", "unit", "source", "owner", "notes",
    "tags", "method", "options", "for_each", "missing", "bound",
)  # fmt: skip
DEFAULT_KEYS = ("method", "options", "unit", "owner", "tags", "missing")
TEST_KEYS = ("name", "as_of", "data", "expect", "expect_explanation")
SOURCE_KEYS = ("path", "decimal", *SPEC_KEYS)
DATASET_KEYS = ("dataset", "format")
DATASET_FORMATS = ("parquet",)
DECIMALS = ("point", "comma")


def find_rule_files(path: str | Path) -> list[Path]:
    """``path`` itself if it is not a directory, else every regular ``*.yaml``/``*.yml``
    file under it, sorted.

    The walk does not follow symbolic links to directories (no loops) and leaves out a
    linked file whose target lies outside the directory: a rule file in a pull request
    cannot pull in a file from elsewhere on the machine.
    """
    root = Path(path)
    if not root.is_dir():
        return [root]
    inside = root.resolve()
    found: list[Path] = []
    for folder, _, names in os.walk(root, followlinks=False):
        for name in names:
            file = Path(folder, name)
            if file.suffix not in (".yaml", ".yml"):
                continue
            if file.is_symlink() and not file.resolve().is_relative_to(inside):
                continue
            if file.is_file():  # regular files only (a FIFO would hang the read)
                found.append(file)
    return sorted(found)


def load_rules(path: str | Path) -> RuleSet:
    """Read a rule file; raise the first error (see :func:`read_rules` to collect them all)."""
    ruleset = read_rules(path)
    for goal in ruleset.goals:
        if goal.problem is not None:
            raise goal.problem
    if ruleset.errors:
        first = ruleset.errors[0]
        raise RuleFileError(first.message, first.span, first.hint)
    return ruleset


def read_rules(
    path: str | Path, text: str | None = None, *, limits: Limits = DEFAULT_LIMITS
) -> RuleSet:
    """Read a rule file, collecting every problem; only an unreadable file or YAML raises.

    The file is read as named (links followed) but only if it is a regular file of at
    most ``limits.rule_file_bytes``.
    """
    name = str(path)
    if text is None:
        raw = read_regular_file(
            path,
            limits.rule_file_bytes,
            what="rule file",
            error=RuleFileError,
            hint="split it into several rule files",
        )
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = raw[: error.start].count(b"\n") + 1
            column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1  # in bytes
            raise RuleFileError(
                "rule file is not UTF-8",
                Span(file=name, line=line, column=column),
                "save it as UTF-8",
            ) from None
    return _Reader(name, text).read()


class _Reader:
    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.lines = text.splitlines()
        self.text = text
        self.problems: list[Diagnostic] = []
        self.events: dict[str, date] = {}

    def span(self, mapping: Any, key: Any, value: bool = False) -> Span:
        found = position(mapping, key, self.name, value)
        if found.line is not None and found.line - 1 < len(self.lines):
            line = self.lines[found.line - 1]
            end = (found.column or 1) + len(str(key) if not value else str(mapping[key]))
            return Span(self.name, found.line, found.column, end, line)
        return found

    def error(self, message: str, span: Span, hint: str | None = None) -> None:
        self.problems.append(Diagnostic("error", message, span, hint))

    def read(self) -> RuleSet:
        document = self.load_yaml()
        if not isinstance(document, dict):
            raise RuleFileError(
                "a rule file must be a mapping with a 'goals' list",
                Span(self.name, 1, 1),
                hint="start with 'title:' and 'goals:'",
            )
        self.check_keys(document, FILE_KEYS, "rule file")
        base = Path(self.name).parent
        defaults = self.mapping(document, "defaults")
        for key in defaults:
            if key not in DEFAULT_KEYS:
                self.unknown_key(defaults, key, DEFAULT_KEYS, "defaults")
        data_files, inline = self.data(document.get("data"), document, base)
        self.events = self.read_events(document)
        goals = list(self.goals(document, defaults))
        tests = list(self.tests(document, {g.id for g in goals}))
        properties = self.properties(document, [g.id for g in goals])
        return RuleSet(
            path=self.name,
            title=_str(document.get("title")),
            source=_str(document.get("source")),
            as_of=self.as_of(document, "as_of"),
            lang=self.lang(document),
            data_sources=tuple(data_files),
            inline_data=inline,
            defaults={k: defaults[k] for k in defaults if k in DEFAULT_KEYS},
            goals=tuple(goals),
            tests=tuple(tests),
            properties=properties,
            diagnostics=tuple(self.problems),
        )

    def load_yaml(self) -> Any:
        from .yamlpos import load

        return load(self.text, self.name)

    def check_keys(self, mapping: Any, allowed: tuple[str, ...], where: str) -> bool:
        ok = True
        for key in mapping:
            if key not in allowed:
                self.unknown_key(mapping, key, allowed, where)
                ok = False
        return ok

    def unknown_key(self, mapping: Any, key: Any, allowed: tuple[str, ...], where: str) -> None:
        hint = did_you_mean(str(key), allowed) or f"keys are {', '.join(allowed)}"
        self.error(f"unknown key '{key}' in {where}", self.span(mapping, key), hint)

    def mapping(self, document: Any, key: str) -> Any:
        value = document.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.error(f"'{key}' must be a mapping", self.span(document, key, value=True))
            return {}
        return value

    def lang(self, document: Any) -> str | None:
        """``lang: da``: the language the file's report is written in."""
        value = _str(document.get("lang"))
        if value is not None and value not in LANGUAGES:
            hint = did_you_mean(value, LANGUAGES) or f"write one of: {', '.join(LANGUAGES)}"
            self.error(f"lang: '{value}' is not a supported language",
                       self.span(document, "lang", value=True), hint)  # fmt: skip
            return None
        return value

    def read_events(self, document: Any) -> dict[str, date]:
        """``events: {etool_launch: 2009-05-15}``: named days a time clause may use."""
        value = document.get("events")
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.error("'events' must map names to dates", self.span(document, "events", True),
                       "events: {etool_launch: 2009-05-15}")  # fmt: skip
            return {}
        events: dict[str, date] = {}
        for name in value:
            if not (isinstance(name, str) and name.isidentifier() and name.isascii()):
                self.error(f"event name '{name}' is not a plain name", self.span(value, name),
                           "use letters, digits and _ (etool_launch)")  # fmt: skip
                continue
            day = value[name]
            if not isinstance(day, date):
                day = self.as_of(value, name)  # a string such as "2009-05-15"
            elif isinstance(day, datetime):
                day = day.date()
            if day is not None:
                events[name] = day
        return events

    def as_of(self, mapping: Any, key: str) -> date | None:
        value = mapping.get(key)
        if value is None:
            return None
        try:
            return parse_as_of(value if isinstance(value, date) else str(value))
        except GoalEngineError as error:
            self.error(error.message, self.span(mapping, key, value=True), error.hint)
            return None

    def data(
        self, value: Any, document: Any, base: Path
    ) -> tuple[list[DataSource], Dataset | None]:
        """Data files (relative to the rule file) and inline maps, in any mix; inline data
        wins. An entry is a path, ``{path: x.csv, decimal: comma}`` or ``{metric: {period:
        value}}``."""
        if value is None:
            return [], None
        entries = value if isinstance(value, list) else [value]
        sources: list[DataSource] = []
        inline: Dataset | None = None
        for index, entry in enumerate(entries):
            where = self.span(value, index, True) if isinstance(value, list) else None
            where = where or self.span(document, "data", value=True)
            if isinstance(entry, dict) and "dataset" in entry:
                source = self.dataset_source(entry, base, where)
                if source is not None:
                    sources.append(source)
            elif isinstance(entry, dict) and _is_source(entry):
                source = self.source(entry, base, where)
                if source is not None:
                    sources.append(source)
            elif isinstance(entry, dict):
                try:
                    read = read_mapping(entry, self.name)
                except GoalEngineError as error:
                    self.error(error.message, self.fill(error.span), error.hint)
                    continue
                inline = read if inline is None else inline.merged(read)
            elif isinstance(entry, str):
                sources.append(DataSource(path=base / entry, span=where, written=entry))
            else:
                self.error(
                    "'data' must be a path, a {metric: {period: value}} map or a list of these",
                    where,
                )
        return sources, inline

    def source(self, entry: Any, base: Path, where: Span) -> DataSource | None:
        """``{path: x.csv, decimal: comma}``; None (after an error) if it cannot be read."""
        ok = self.check_keys(entry, SOURCE_KEYS, "data source")
        if "sql" in entry or "database" in entry:
            return self.database_source(entry, base, where, ok)
        path = entry.get("path")
        if not isinstance(path, str) or not path:
            self.error(
                "a data source needs 'path': the data file, relative to the rule file",
                self.span(entry, "path", value=True) if "path" in entry else where,
                "{path: data.csv, decimal: comma}",
            )
            return None
        decimal = entry.get("decimal")
        if decimal is not None and decimal not in DECIMALS:
            self.error(
                f"unknown decimal convention '{decimal}'",
                self.span(entry, "decimal", value=True),
                did_you_mean(str(decimal), DECIMALS) or "decimal: point or decimal: comma",
            )
            return None
        spec = self.source_spec(entry, where)
        if not ok or spec is False:
            return None
        return DataSource(
            path=base / path,
            decimal=decimal,
            span=self.span(entry, "path", value=True),
            written=path,
            spec=spec,
        )

    def source_spec(self, entry: dict[Any, Any], where: Span) -> SourceSpec | bool | None:
        """The entry's reading options (columns, format, sheet, ...); None if it has none,
        False after an error."""
        if not any(key in entry for key in SPEC_KEYS):
            return None
        spec, problems = parse_spec(entry)
        for problem in problems:
            place = self.span(entry, problem.key, value=True) if problem.key in entry else where
            self.error(problem.message, place or where, problem.hint)
        return False if problems else spec

    def database_source(
        self, entry: dict[Any, Any], base: Path, where: Span, ok: bool
    ) -> DataSource | None:
        """``{sql: ..., database: figures.db}``: a file database lies beside the rule file."""
        spec = self.source_spec(entry, where)
        if not ok or not isinstance(spec, SourceSpec) or spec.database is None:
            return None
        file = database_file(spec.database)
        return DataSource(
            path=base / file if file is not None else Path(spec.database),
            span=self.span(entry, "database", value=True),
            written=file if file is not None else spec.database,
            spec=spec,
        )

    def dataset_source(self, entry: Any, base: Path, where: Span) -> DataSource | None:
        """``{dataset: figures/, format: parquet}``: a folder of Parquet files."""
        ok = self.check_keys(entry, DATASET_KEYS, "dataset")
        path = entry.get("dataset")
        if not isinstance(path, str) or not path:
            self.error(
                "'dataset' must name a folder, relative to the rule file",
                self.span(entry, "dataset", value=True),
                "{dataset: figures/, format: parquet}",
            )
            return None
        kind = entry.get("format", "parquet")
        if kind not in DATASET_FORMATS:
            self.error(
                f"unknown dataset format '{kind}'",
                self.span(entry, "format", value=True),
                did_you_mean(str(kind), DATASET_FORMATS) or "format: parquet",
            )
            return None
        if not ok:
            return None
        return DataSource(
            path=base / path,
            span=self.span(entry, "dataset", value=True),
            written=path,
            dataset=True,
        )

    def fill(self, span: Span) -> Span:
        if span.line is not None and span.source_line is None and span.line <= len(self.lines):
            return Span(span.file, span.line, span.column, None, self.lines[span.line - 1])
        return span

    def goals(self, document: Any, defaults: Any) -> Iterator[Goal]:
        entries = document.get("goals")
        if not isinstance(entries, list) or not entries:
            where = self.span(document, "goals", value=True) if "goals" in document else None
            self.error(
                "a rule file needs a non-empty 'goals' list",
                where or Span(self.name, 1, 1, None, self.lines[0] if self.lines else None),
                hint="a list of goals, each with '- id: …' and 'rule: …'",
            )
            return
        seen: dict[str, int] = {}
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict):
                self.error("each goal must be a mapping", self.span(entries, index, True))
                continue
            if not entry:
                self.error("a goal needs an 'id' and a 'rule'", self.span(entries, index, True),
                           "give it 'id: my-goal' and 'rule: x >= 10 by 2030'")  # fmt: skip
                continue
            goal = self.goal(entry, defaults, index)
            if goal.id in seen:
                self.error(
                    f"duplicate goal id '{goal.id}' (first on line {seen[goal.id]})",
                    self.span(entry, "id", value=True),
                    hint="goal ids must be unique within a file",
                )
            seen.setdefault(goal.id, position(entry, "id", self.name).line or 0)
            yield goal

    def goal(self, entry: Any, defaults: Any, index: int) -> Goal:
        problems_before = len(self.problems)
        self.check_keys(entry, GOAL_KEYS, "goal")
        goal_id = _str(entry.get("id")) or f"goal-{index + 1}"
        if "id" not in entry:
            self.error("goal has no 'id'", self.span(entry, next(iter(entry))), "add id: my-goal")
        rule = entry.get("rule")
        line = column = None
        source_line = None
        if not isinstance(rule, str) or not rule.strip():
            self.error(
                f"goal '{goal_id}' has no rule",
                self.span(entry, "rule", True) if "rule" in entry else self.span(entry, "id"),
                hint="rule: metric >= 10 by 2030",
            )
            rule = rule if isinstance(rule, str) else ""
        else:
            found = position(entry, "rule", self.name, value=True)
            line, column = found.line, found.column
            if line is not None and column is not None and line - 1 < len(self.lines):
                source_line = self.lines[line - 1]
                if source_line[column - 1 : column] in ("'", '"'):
                    column += 1  # the rule text starts after the quote
                if source_line[column - 1 :].lstrip().startswith(("|", ">")):
                    line, column, source_line = None, None, None  # block scalar: no column
        fields = {k: entry.get(k, defaults.get(k)) for k in DEFAULT_KEYS}
        baseline = self.baseline(entry)
        as_text = {
            k: self.scalar(entry, k)
            for k in ("title", "title_da", "title_en", "unit", "source", "notes")
        }
        for key in ("owner", "method", "missing", "unit"):
            fields[key] = self.scalar(entry, key) if key in entry else _str(fields[key])
        for_each = self.scalar(entry, "for_each")
        bound = self.scalar(entry, "bound")
        for key, value, allowed in (
            ("for_each", for_each, FOR_EACH),
            ("missing", fields["missing"], MISSING_POLICIES),
            ("bound", bound, BOUNDS),
        ):
            if value is not None and value not in allowed:
                where = entry if key in entry else defaults
                hint = did_you_mean(value, allowed) or f"write one of: {', '.join(allowed)}"
                self.error(f"{key}: '{value}' is not supported",
                           self.span(where, key, value=True), hint)  # fmt: skip
        tags = fields["tags"] or []
        if isinstance(tags, str):
            tags = [tags]
        if not isinstance(tags, list) or any(isinstance(t, dict | list) for t in tags):
            self.error("'tags' must be a list of words", self.span(entry, "tags", value=True),
                       "tags: [employment, hovedmål]")  # fmt: skip
            tags = []
        options = fields["options"] or {}
        if not isinstance(options, dict):
            self.error("'options' must be a mapping", self.span(entry, "options", value=True),
                       "options: {variant: long}")  # fmt: skip
            options = {}
        goal = Goal(
            id=goal_id,
            rule=rule.strip(),
            baseline=baseline,
            owner=fields["owner"],
            tags=tuple(str(t) for t in tags),
            method=fields["method"],
            options={str(k): str(v) for k, v in options.items()},
            for_each=for_each,
            missing=fields["missing"] or "unknown",
            bound=bound if bound in BOUNDS else None,
            file=self.name,
            line=line,
            column=column,
            source_line=source_line,
            events=self.events,
            **{**as_text, "unit": as_text["unit"] or fields["unit"]},
        )
        problem: GoalEngineError | None = None
        if rule.strip():
            try:
                compiled = goal.compiled()
            except GoalEngineError as error:
                if "bound" in entry and error.message.startswith("bound:"):
                    # ruleset.bound_problem: shown at the key, not at the rule
                    where = self.span(entry, "bound", value=True)
                    error = RuleFileError(error.message, where, error.hint)
                problem = error
                self.problems.append(error.diagnostic())
            else:
                for warning in warnings_for(compiled, goal.unit):
                    placed = goal.place(warning.span)
                    self.problems.append(
                        Diagnostic("warning", warning.message, placed, warning.hint)
                    )
        errors = [p for p in self.problems[problems_before:] if p.severity == "error"]
        if problem is None and errors:
            problem = RuleFileError(errors[0].message, errors[0].span, errors[0].hint)
        return goal.model_copy(update={"problem": problem}) if problem else goal

    def scalar(self, entry: Any, key: str) -> str | None:
        """A text field; a list or mapping there is an error, not text."""
        value = entry.get(key)
        if isinstance(value, dict | list):
            self.error(f"'{key}' must be text", self.span(entry, key, value=True))
            return None
        return _str(value)

    def baseline(self, entry: Any) -> Baseline | None:
        value = entry.get("baseline")
        if value is None:
            return None
        span = self.span(entry, "baseline", value=True)
        try:
            if isinstance(value, dict):
                self.check_keys(value, ("period", "value"), "baseline")
                period = value.get("period")
                number = value.get("value")
                return Baseline(
                    period=None if period is None else _period(period),
                    value=None if number is None else number_from_value(number),
                )
            if isinstance(value, float):
                return Baseline(value=number_from_value(value))
            return Baseline(period=_period(value))
        except GoalEngineError as error:
            self.error(error.message, span, error.hint)
        except NumberError as error:  # before ValueError: it is one, with a reason to show
            self.error(
                f"baseline value: {error.reason}", span, "write a finite number, e.g. {value: 54.4}"
            )
        except (TypeError, ValueError):
            self.error(f"cannot read baseline {value!r}", span, "write 2007-H1 or {value: 54.4}")
        return None

    def properties(self, document: Any, goal_ids: list[str]) -> tuple[dict[str, Any], ...]:
        """The well-formed ``properties:`` entries; each problem is an error where it stands."""
        entries = document.get("properties")
        if entries is None:
            return ()
        from .testing.authors import entry_problems  # only files with properties need it

        if not isinstance(entries, list):
            self.error(
                "'properties' must be a list",
                self.span(document, "properties", value=True),
                "a list of entries like {when: {x: rises_to_target}, expect: on-track}",
            )
            return ()
        kept = []
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict):
                self.error("each property must be a mapping", self.span(entries, index, True))
                continue
            problems = entry_problems(entry, goal_ids)
            for problem in problems:
                container, key = entries, index
                for step in problem.where:
                    container, key = container[key], step
                span = self.span(container, key, value=not problem.at_key)
                self.error(problem.message, span, problem.hint)
            if not problems:
                kept.append(dict(entry))
        return tuple(kept)

    def tests(self, document: Any, goal_ids: set[str]) -> Iterator[FixtureCase]:
        """The well-formed ``tests:`` entries; a malformed one is an error, never a test."""
        entries = document.get("tests")
        if entries is None:
            return
        if not isinstance(entries, list):
            self.error("'tests' must be a list", self.span(document, "tests", value=True))
            return
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict):
                self.error("each test must be a mapping", self.span(entries, index, True))
                continue
            problems_before = len(self.problems)
            case = self.test(entry, goal_ids, index, position(entries, index, self.name, True))
            if not any(p.severity == "error" for p in self.problems[problems_before:]):
                yield case

    def test(self, entry: Any, goal_ids: set[str], index: int, where: Span) -> FixtureCase:
        self.check_keys(entry, TEST_KEYS, "test")
        if not entry.get("expect") and not entry.get("expect_explanation"):
            self.error(
                "a test needs 'expect' (or 'expect_explanation')",
                self.span(entry, "expect", True) if "expect" in entry else self.fill(where),
                "expect: {my-goal: met}",
            )
        expect: dict[str, Verdict] = {}
        for goal_id, verdict in self.expected(entry, "expect", goal_ids).items():
            try:
                expect[goal_id] = Verdict(verdict)
            except ValueError:
                choices = [v.value for v in Verdict]
                self.error(
                    f"unknown verdict '{verdict}'",
                    self.span(entry["expect"], goal_id, value=True),
                    did_you_mean(str(verdict), choices) or f"one of {', '.join(choices)}",
                )
        data = None
        if entry.get("data") is not None:
            data_files, data = self.data(entry.get("data"), entry, Path(self.name).parent)
            if data_files:
                self.error("a test's data must be inline", self.span(entry, "data", True))
        return FixtureCase(
            name=self.scalar(entry, "name") or f"test {index + 1}",
            as_of=self.as_of(entry, "as_of"),
            data=data,
            expect=expect,
            expect_explanation=self.expected(entry, "expect_explanation", goal_ids),
            line=where.line,
        )

    def expected(self, entry: Any, key: str, goal_ids: set[str]) -> dict[str, str]:
        """``{goal id: text}`` of a test's ``expect``/``expect_explanation``, checked."""
        found: dict[str, str] = {}
        mapping = self.mapping(entry, key)
        for goal_id, value in mapping.items():
            if str(goal_id).partition("@")[0] not in goal_ids:
                hint = did_you_mean(str(goal_id), goal_ids)
                self.error(f"test expects unknown goal '{goal_id}'",
                           self.span(mapping, goal_id), hint)  # fmt: skip
            elif isinstance(value, list | dict) or value is None:
                self.error(f"'{key}' of '{goal_id}' must be text",
                           self.span(mapping, goal_id, value=True))  # fmt: skip
            else:
                found[str(goal_id)] = str(value)
        return found


def _is_source(entry: dict[Any, Any]) -> bool:
    """A data entry naming a file, not inline data: a string ``path``, or a plain value
    under a key that is (or is close to) a source key -- a typo gets a did-you-mean."""
    if isinstance(entry.get("path"), str):
        return True
    return any(
        not isinstance(v, dict) and (k in SOURCE_KEYS or did_you_mean(str(k), SOURCE_KEYS))
        for k, v in entry.items()
    )


def _period(value: Any) -> Period:
    if isinstance(value, date):
        return Period(value.year, "day", value.month * 100 + value.day)
    return Period.parse(str(value))


def _str(value: Any) -> str | None:
    return None if value is None else str(value)
