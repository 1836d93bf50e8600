"""A pytest plugin: rule files are test files.

``pytest rules/`` collects every ``*.yaml``/``*.yml`` file holding a ``goals:`` key and runs,
as ordinary pytest items, each fixture of its ``tests:`` and each property of each goal
(the generic ones and the file's own ``properties:``)::

    rules/examples.yaml::fixture[halving stalls] PASSED
    rules/examples.yaml::tryghed-halved::monotone PASSED
    rules/examples.yaml::tryghed-halved::explanation_honesty FAILED

so ``-k``, ``-x``, ``--junitxml`` and the rest work as usual. A failing property shows the
shrunk counterexample as a ``tests:`` entry to paste into the file.

Which YAML files are collected (``goalengine_collect`` in the ini file):

- ``explicit`` (default): files named on the command line, and files under directories
  named on the command line that are not among the ini's ``testpaths`` -- so ``pytest``
  and ``pytest tests/`` never pick up rule files kept as test data, ``pytest rules/`` does;
- ``always``: every rule file pytest walks past; ``never``: none.

Options: ``--goalengine-examples N`` (Hypothesis examples per property, default 60, also
the ini ``goalengine_examples``), ``--goalengine-no-properties`` (fixtures only).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from _pytest._code.code import TerminalRepr

    from ..resolve import DataCache
    from ..ruleset import FixtureCase, Goal, RuleSet
    from .fixtures import FixtureOutcome
    from .properties import PropertyChecker, PropertyOutcome

__all__ = ["FixtureItem", "PropertyItem", "RuleFile"]

_GOALS = re.compile(r"^goals\s*:", re.MULTILINE)
_SKIPPED_PROPERTIES = pytest.StashKey[bool]()
_SUFFIXES = (".yaml", ".yml")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("goalengine", "goalengine rule files")
    group.addoption(
        "--goalengine-examples",
        type=int,
        default=None,
        metavar="N",
        help="Hypothesis examples per goal property (default 60)",
    )
    group.addoption(
        "--goalengine-no-properties",
        action="store_true",
        default=False,
        help="run the rule files' fixtures only, not the goals' properties",
    )
    parser.addini(
        "goalengine_collect",
        "which rule files to collect: explicit (default), always or never",
        default="explicit",
    )
    parser.addini("goalengine_examples", "Hypothesis examples per goal property", default="")


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix not in _SUFFIXES or not _wanted(parent.config, file_path):
        return None
    try:
        text = file_path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    if not _GOALS.search(text):
        return None
    collector: RuleFile = RuleFile.from_parent(parent, path=file_path)
    return collector


def _has_hypothesis() -> bool:
    try:
        import hypothesis  # noqa: F401
    except ImportError:
        return False
    return True


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    if config.stash.get(_SKIPPED_PROPERTIES, False):
        terminalreporter.write_line(
            "goalengine: goal properties not checked: they need Hypothesis "
            "(pip install 'goalengine[testing]')"
        )


def _wanted(config: pytest.Config, path: Path) -> bool:
    mode = str(config.getini("goalengine_collect") or "explicit").strip().lower()
    if mode == "never":
        return False
    if mode == "always":
        return True
    if config.args_source is not pytest.Config.ArgsSource.ARGS:
        return False
    base = config.invocation_params.dir
    testpaths = [
        (config.rootpath / p).resolve() for p in config.getini("testpaths") or () if str(p)
    ]
    resolved = path.resolve()
    for arg in config.args:
        named = (base / arg.split("::")[0]).resolve()
        if named == resolved:
            return True
        if named.is_dir() and named in resolved.parents:
            inside_testpaths = any(named == t or t in named.parents for t in testpaths)
            if not inside_testpaths:
                return True
    return False


def _examples(config: pytest.Config) -> int:
    from .properties import DEFAULT_EXAMPLES

    given = config.getoption("goalengine_examples")
    if given is not None:
        return int(given)
    ini = str(config.getini("goalengine_examples") or "").strip()
    return int(ini) if ini else DEFAULT_EXAMPLES


class RuleFile(pytest.File):
    """A rule file: its fixtures, and a collector per goal holding its properties."""

    _ruleset: RuleSet | None = None
    _checker: PropertyChecker | None = None

    def collect(self) -> Iterator[pytest.Item | pytest.Collector]:
        from ..errors import GoalEngineError

        # An error while collecting one file would stop pytest's whole session: whatever
        # goes wrong here becomes a failing item of this file, and the others still run.
        try:
            items = list(self._items())
        except GoalEngineError as error:
            items = [ProblemItem.from_parent(self, name="rule file", message=str(error))]
        except Exception as error:  # a bug in one file must not hide the other files
            message = f"goalengine could not collect this file (please report it): {error!r}"
            items = [ProblemItem.from_parent(self, name="rule file", message=message)]
        yield from items

    def _items(self) -> Iterator[pytest.Item | pytest.Collector]:
        from ..rulefile import read_rules

        self._ruleset = read_rules(self.path)
        ruleset = self._ruleset
        file_errors = [
            d
            for d in ruleset.errors
            if not any(g.problem is not None and g.problem.span == d.span for g in ruleset.goals)
        ]
        if file_errors:
            message = "\n".join(d.format() for d in file_errors)
            yield ProblemItem.from_parent(self, name="rule file", message=message)
        for case in ruleset.tests:
            yield FixtureItem.from_parent(self, name=f"fixture[{case.name}]", case=case)
        if self.config.getoption("goalengine_no_properties"):
            return
        if not _has_hypothesis():  # without goalengine[testing]: fixtures only, and a note
            self.config.stash[_SKIPPED_PROPERTIES] = True
            return
        checker = self.checker
        for goal in ruleset.goals:
            yield GoalNode.from_parent(self, name=goal.id, goal=goal, names=checker.names(goal))
        for author in checker.authors:
            if author.problem and not any(author.applies_to(g) for g in ruleset.goals):
                yield ProblemItem.from_parent(
                    self, name=f"properties[{author.name}]", message=author.problem
                )

    @property
    def ruleset(self) -> RuleSet:
        assert self._ruleset is not None
        return self._ruleset

    @property
    def checker(self) -> PropertyChecker:
        from .properties import PropertyChecker

        if self._checker is None:
            self._checker = PropertyChecker(self.ruleset, max_examples=_examples(self.config))
        return self._checker

    @property
    def cache(self) -> DataCache:
        from ..resolve import DataCache

        stash = self.config.stash
        if _CACHE not in stash:
            stash[_CACHE] = DataCache()
        return stash[_CACHE]


_CACHE = pytest.StashKey["DataCache"]()


class GoalNode(pytest.Collector):
    """One goal of a rule file: an item per property."""

    def __init__(self, *, goal: Goal, names: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.goal = goal
        self.names = names
        for tag in goal.tags:
            self.extra_keyword_matches.add(tag)

    def collect(self) -> Iterator[pytest.Item]:
        for name in self.names:
            yield PropertyItem.from_parent(self, name=name, goal=self.goal)


class _RuleFileItem(pytest.Item):
    @property
    def rule_file(self) -> RuleFile:
        node = self.parent
        while node is not None and not isinstance(node, RuleFile):
            node = node.parent
        assert isinstance(node, RuleFile)
        return node


class FixtureItem(_RuleFileItem):
    """One ``tests:`` entry: the goals' verdicts against ``expect``."""

    def __init__(self, *, case: FixtureCase, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        from .fixtures import run_fixture

        outcome = run_fixture(self.rule_file.ruleset, self.case, self.rule_file.cache)
        if not outcome.passed:
            raise FixtureFailed(outcome)

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> str | TerminalRepr:
        if isinstance(excinfo.value, FixtureFailed):
            return _fixture_failure(excinfo.value.outcome)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        line = None if self.case.line is None else self.case.line - 1
        return self.path, line, f"fixture: {self.case.name}"


class PropertyItem(_RuleFileItem):
    """One property of one goal, checked with Hypothesis."""

    def __init__(self, *, goal: Goal, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.goal = goal

    def runtest(self) -> None:
        outcome = self.rule_file.checker.check(self.goal, self.name)
        if outcome.skipped:
            pytest.skip(outcome.message)
        if not outcome.passed:
            raise PropertyFailed(outcome)

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> str | TerminalRepr:
        if isinstance(excinfo.value, PropertyFailed):
            return _property_failure(excinfo.value.outcome)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        line = None if self.goal.line is None else self.goal.line - 1
        return self.path, line, f"{self.goal.id}: {self.name}"


class ProblemItem(_RuleFileItem):
    """A rule file (or a ``properties:`` entry) that cannot be read: always fails."""

    def __init__(self, *, message: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.message = message

    def runtest(self) -> None:
        raise RuleFileProblem(self.message)

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> str | TerminalRepr:
        if isinstance(excinfo.value, RuleFileProblem):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, self.name


class FixtureFailed(Exception):
    def __init__(self, outcome: FixtureOutcome) -> None:
        super().__init__(outcome.name)
        self.outcome = outcome


class PropertyFailed(Exception):
    def __init__(self, outcome: PropertyOutcome) -> None:
        super().__init__(f"{outcome.goal}: {outcome.name}")
        self.outcome = outcome


class RuleFileProblem(Exception):
    pass


def _fixture_failure(outcome: FixtureOutcome) -> str:
    lines = [f"fixture {outcome.name!r} failed"]
    if outcome.error:
        lines.append(outcome.error)
    for miss in outcome.mismatches:
        if miss.kind == "explanation":
            lines.append(f"{miss.goal}: explanation")
            lines.append(f"  expected  to contain {miss.expected!r}")
            lines.append(f"  actual    {miss.actual}")
        else:
            lines.append(f"{miss.goal}: verdict")
            lines.append(f"  expected  {miss.expected}")
            lines.append(f"  actual    {miss.actual}")
            if miss.explanation:
                lines.append(f"  why       {miss.explanation}")
    return "\n".join(lines)


def _property_failure(outcome: PropertyOutcome) -> str:
    lines = [f"{outcome.goal}: property {outcome.name} failed", outcome.message]
    if outcome.fixture:
        lines.append("")
        lines.append("reproduce it with this test (paste under tests:):")
        lines.append(outcome.fixture.rstrip("\n"))
    return "\n".join(lines)
