"""Properties every goal should have, checked with Hypothesis on generated data.

For each goal, Hypothesis draws report dates and series around the goal's own baseline,
target and deadline (see :class:`~goalengine.testing._space.GoalSpace`) and checks:

- ``never_crashes``: every case gets a verdict and a JSON-safe result; ``error`` only for
  the rule's own failures (division by zero...), never an internal exception;
- ``monotone``: for a higher-is-better goal (``>=``, ``>``) whose subject side is the
  subject itself or an aggregate over it, raising the series from any period on (every
  observation from that period, the deadline's included) never worsens the verdict
  (met < on-track < at-risk < missed); lowering, for a lower-is-better goal;
- ``deadline_consistency``: on or after the deadline the verdict is ``met`` or ``missed``,
  or ``unknown`` when no observation lies in the deadline period (or the rule needs a
  figure from after its deadline); it does not change as
  the report date moves on, and on the deadline day it agrees with the value (the same
  rule without its time clause);
- ``as_of_monotone``: observations after the report date never change the verdict or the
  explanation;
- ``explanation_honesty``: every number in the explanation is a value of one of its steps
  (after :func:`~goalengine.explain.format_number`), or a period;
- ``target_reachable``: some data meets the goal and some misses it.

Plus the authors' own properties from the rule file's ``properties:``. A failure comes
with the shrunk counterexample as a ready-to-paste ``tests:`` entry.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import strategies as st

from ..data import Dataset, load_dataset
from ..engine.scalar import evaluate_goal
from ..engine.world import World
from ..errors import GoalEngineError
from ..explain import format_number
from ..language import format_tree, nodes
from ..models import Observation, Result, Step, Verdict
from ..periods import Period, parse_as_of
from ..resolve import load_ruleset_data
from ..ruleset import Goal, RuleSet
from ._space import Case, GoalSpace, _lookups, describe, fixture_yaml, shift, space_for
from .authors import entry_problems
from .shapes import ShapeError, shape_series

__all__ = [
    "DEFAULT_EXAMPLES",
    "GENERIC",
    "AuthorProperty",
    "PropertyChecker",
    "PropertyOutcome",
    "author_properties",
    "check_goal",
    "check_ruleset",
    "check_ruleset_by_goal",
    "check_when",
    "unexplained_numbers",
]

DEFAULT_EXAMPLES = 60
"""Examples per (goal, property): enough to find the usual mistakes in well under a second."""

#: The generic properties, in the order they run, with a one-line description.
GENERIC: dict[str, str] = {
    "never_crashes": "every generated case gets a verdict, never an internal error",
    "monotone": "a better series never gets a worse verdict",
    "deadline_consistency": "after the deadline: met or missed (unknown only without data)",
    "as_of_monotone": "observations after the report date change nothing",
    "explanation_honesty": "every number in the explanation is a value of its steps",
    "target_reachable": "some series meets the goal and some misses it",
}
RANKED = frozenset({Verdict.MET, Verdict.ON_TRACK, Verdict.AT_RISK, Verdict.MISSED})
_INTERNAL = re.compile(r"^(evaluation failed: |method '[^']*' failed: )")


@dataclass(frozen=True, slots=True)
class PropertyOutcome:
    """The outcome of one property of one goal."""

    goal: str
    name: str
    passed: bool
    message: str
    fixture: str | None = None
    """On failure, the shrunk counterexample as ``tests:`` entries ready to paste."""
    skipped: bool = False
    """The property does not apply to this goal (``passed`` is then True)."""
    file: str | None = None

    def __str__(self) -> str:
        status = "skipped" if self.skipped else "passed" if self.passed else "FAILED"
        text = f"{self.goal}: {self.name}: {status}: {self.message}"
        if self.fixture:
            text += "\n" + self.fixture
        return text


@dataclass(frozen=True)
class AuthorProperty:
    """One entry of a rule file's ``properties:``.

    ``when`` maps metrics to shapes (see :mod:`goalengine.testing.shapes`), numbers or
    ``{period: value}`` mappings; ``expect`` lists the acceptable verdicts.
    """

    name: str
    when: Mapping[str, Any]
    expect: tuple[Verdict, ...]
    goals: tuple[str, ...] = ()
    """Goal ids it applies to; empty: every goal whose subject is in ``when``."""
    as_of: date | None = None
    problem: str | None = None
    index: int = 0

    def applies_to(self, goal: Goal) -> bool:
        if self.goals:
            return goal.id in self.goals
        if goal.problem is not None:
            return False
        try:
            subject = goal.compiled().subject
        except GoalEngineError:
            return False
        return subject in self.when


def author_properties(ruleset: RuleSet) -> list[AuthorProperty]:
    """The rule set's ``properties:`` entries, read and validated (problems kept, not raised)."""
    found = []
    ids = [g.id for g in ruleset.goals]
    for index, entry in enumerate(ruleset.properties):
        found.append(_read_author(entry, index, ids))
    return found


def _read_author(entry: Mapping[str, Any], index: int, ids: list[str]) -> AuthorProperty:
    # A rule file's entries were checked (with positions) when it was read; these checks
    # are for entries built in Python (check_when).
    problems = [p.text() for p in entry_problems(entry, ids)]
    when_raw = entry.get("when")
    when: dict[str, Any] = {}
    if isinstance(when_raw, Mapping):
        when = {str(k): v for k, v in when_raw.items()}
    raw_goals = entry.get("goals", entry.get("goal"))
    goals: tuple[str, ...] = ()
    if raw_goals is not None:
        goals = tuple(str(g) for g in (raw_goals if isinstance(raw_goals, list) else [raw_goals]))
    raw_expect = entry.get("expect")
    expect = tuple(
        Verdict(v)
        for v in (raw_expect if isinstance(raw_expect, list) else [raw_expect])
        if isinstance(v, str) and v in {verdict.value for verdict in Verdict}
    )
    as_of = None
    if entry.get("as_of") is not None and not problems:
        raw = entry["as_of"]
        as_of = parse_as_of(raw if isinstance(raw, date) else str(raw))
    name = str(entry.get("name") or "")
    if not name:
        described = " and ".join(f"{m} {_shape_name(v)}" for m, v in when.items())
        name = described or f"property {index + 1}"
    return AuthorProperty(
        name=name,
        when=when,
        expect=expect,
        goals=goals,
        as_of=as_of,
        problem="; ".join(problems) or None,
        index=index,
    )


def _shape_name(value: Any) -> str:
    if isinstance(value, Mapping):
        return "given"
    return str(value)


class _Found(Exception):
    """A counterexample: raised inside the Hypothesis test, caught after shrinking."""

    def __init__(self, message: str, fixture: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fixture = fixture


_T = TypeVar("_T")


def _search(
    strategy: st.SearchStrategy[_T],
    body: Callable[[_T], None],
    max_examples: int,
    derandomize: bool,
) -> _Found | None:
    """Run ``body`` on up to ``max_examples`` examples; the shrunk failure, if any."""

    @settings(
        max_examples=max_examples,
        database=None,
        derandomize=derandomize,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
        verbosity=Verbosity.quiet,
        print_blob=False,
        phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink),
    )
    @given(strategy)
    def run(example: _T) -> None:
        body(example)

    try:
        run()
    except _Found as found:
        return found
    return None


class PropertyChecker:
    """Checks the properties of one rule set's goals (the data loads once).

    ``data`` replaces the rule set's own data (a dataset, a mapping or a path); by default
    the rule set's files and inline data are used where they load.
    """

    def __init__(
        self,
        ruleset: RuleSet,
        *,
        data: Dataset | Mapping[str, Any] | str | Path | None = None,
        max_examples: int = DEFAULT_EXAMPLES,
        derandomize: bool = True,
    ) -> None:
        self.ruleset = ruleset
        self.max_examples = max_examples
        self.derandomize = derandomize
        self.data_problem: str | None = None
        self._given = data
        self._data: Dataset | None = None
        self.authors = author_properties(ruleset)
        self._spaces: dict[str, GoalSpace] = {}

    @property
    def data(self) -> Dataset:
        """The data the goals are checked around (loaded on first use)."""
        if self._data is None:
            if self._given is not None:
                self._data = load_dataset(self._given)
            else:
                try:
                    self._data = load_ruleset_data(self.ruleset)
                except GoalEngineError as error:
                    self._data = Dataset()
                    self.data_problem = error.message
        return self._data

    # -- what to check ------------------------------------------------------------

    def names(self, goal: Goal) -> list[str]:
        """The properties of ``goal``: ``compiles`` for a broken goal, else the generic
        ones and the authors' that apply to it."""
        if goal.problem is not None or not self._compiles(goal):
            return ["compiles"]
        return [*GENERIC, *(a.name for a in self.authors if a.applies_to(goal))]

    def run(self, names: Iterable[str] | None = None) -> list[PropertyOutcome]:
        return [outcome for _, found in self.by_goal(names) for outcome in found]

    def by_goal(
        self, names: Iterable[str] | None = None
    ) -> Iterator[tuple[str, list[PropertyOutcome]]]:
        """``(goal id, its outcomes)`` as each goal is done (a run takes a while: the command
        line shows each goal as it finishes); last, authors' properties that apply to no
        goal, under ``properties``."""
        wanted = None if names is None else set(names)
        for goal in self.ruleset.goals:
            yield (
                goal.id,
                [
                    self.check(goal, name)
                    for name in self.names(goal)
                    if wanted is None or name in wanted or name == "compiles"
                ],
            )
        orphans = [
            self._outcome("properties", author.name, False, author.problem)
            for author in self.authors
            if author.problem and not any(author.applies_to(g) for g in self.ruleset.goals)
        ]
        if orphans:
            yield "properties", orphans

    def check(self, goal: Goal | str, name: str) -> PropertyOutcome:
        """One property of one goal."""
        if isinstance(goal, str):
            goal = self.ruleset.goal(goal)
        if name == "compiles":
            return self._compiles_outcome(goal)
        space = self.space(goal)
        if isinstance(space, PropertyOutcome):
            return replace(space, name=name)
        checks: dict[str, Callable[[GoalSpace], PropertyOutcome]] = {
            "never_crashes": self.never_crashes,
            "monotone": self.monotone,
            "deadline_consistency": self.deadline_consistency,
            "as_of_monotone": self.as_of_monotone,
            "explanation_honesty": self.explanation_honesty,
            "target_reachable": self.target_reachable,
        }
        if name in checks:
            return checks[name](space)
        for author in self.authors:
            if author.name == name and author.applies_to(goal):
                return self.author(space, author)
        raise KeyError(f"goal '{goal.id}' has no property '{name}'")

    def space(self, goal: Goal) -> GoalSpace | PropertyOutcome:
        if goal.id not in self._spaces:
            rule = goal.compiled()
            if rule.entity_refs or goal.for_each:
                return self._outcome(
                    goal.id, "properties", True, "skipped: goals over entities", skipped=True
                )
            self._spaces[goal.id] = space_for(goal, self.data, self.ruleset.as_of)
        return self._spaces[goal.id]

    def _compiles(self, goal: Goal) -> bool:
        try:
            goal.compiled()
        except GoalEngineError:
            return False
        return True

    def _compiles_outcome(self, goal: Goal) -> PropertyOutcome:
        try:
            goal.compiled()
        except GoalEngineError as error:
            return self._outcome(goal.id, "compiles", False, str(error))
        return self._outcome(goal.id, "compiles", True, "the rule compiles")

    def _outcome(
        self,
        goal: str,
        name: str,
        passed: bool,
        message: str,
        fixture: str | None = None,
        skipped: bool = False,
    ) -> PropertyOutcome:
        return PropertyOutcome(goal, name, passed, message, fixture, skipped, self.ruleset.path)

    def _search(self, strategy: st.SearchStrategy[_T], body: Callable[[_T], None]) -> _Found | None:
        return _search(strategy, body, self.max_examples, self.derandomize)

    def judge(self, space: GoalSpace, case: Case, goal: Goal | None = None) -> Result:
        return evaluate_goal(goal or space.goal, case.dataset(space.data), case.as_of)

    def fixture(
        self,
        space: GoalSpace,
        name: str,
        case: Case,
        expect: Verdict,
        comment: str | None = None,
    ) -> str:
        return fixture_yaml(f"{name}: {space.goal.id}", case, {space.goal.id: expect}, comment)

    # -- the generic properties ------------------------------------------------------

    def never_crashes(self, space: GoalSpace) -> PropertyOutcome:
        name = "never_crashes"

        def body(case: Case) -> None:
            try:
                result = self.judge(space, case)
                problem = _crash(result)
            except Exception as error:  # the property: nothing escapes evaluate_goal
                problem = f"evaluate_goal raised {type(error).__name__}: {error}"
                result = None
            if problem:
                verdict = result.verdict if result is not None else Verdict.ERROR
                fixture = self.fixture(
                    space,
                    name,
                    case,
                    verdict,
                    f"crashes: {problem}\n(expect shows today's verdict; write the one you mean)",
                )
                raise _Found(f"{problem} ({describe(case)})", fixture)

        found = self._search(space.cases(wild=True), body)
        return self._result(space, name, found, "no crash in the generated cases")

    def monotone(self, space: GoalSpace) -> PropertyOutcome:
        name = "monotone"
        rule = space.rule
        reason = _monotone_skip(space)
        if reason:
            return self._outcome(space.goal.id, name, True, f"skipped: {reason}", skipped=True)
        direction = rule.direction
        after = max(space.protected, default=None)
        starts = [p for p in space.grid if after is None or p > after]
        if not starts:
            return self._outcome(
                space.goal.id, name, True, "skipped: no period after the target's", skipped=True
            )
        steps = max(1, round((space.high - space.low) / space.step))
        units = st.integers(1, steps)

        def raise_from(case: Case) -> st.SearchStrategy[tuple[Case, Period, int]]:
            seen = [p for p in starts if p.end <= case.as_of] or starts  # visible ones first
            return st.tuples(st.just(case), st.sampled_from(seen), units)

        strategy = space.cases().flatmap(raise_from)
        better = "raising" if direction > 0 else "lowering"

        def body(example: tuple[Case, Period, int]) -> None:
            case, start, units = example
            delta = direction * units * space.step
            values = case.series.get(space.subject, {})
            raised = {p: space.round(v + delta) if p >= start else v for p, v in values.items()}
            if raised == values:
                return
            other = case.with_series(space.subject, raised)
            before, after_ = self.judge(space, case), self.judge(space, other)
            if before.verdict not in RANKED or after_.verdict not in RANKED:
                return
            if after_.verdict.rank > before.verdict.rank:
                amount = format_number(abs(delta))
                message = (
                    f"{better} {space.subject} by {amount} from {start} on turns "
                    f"{before.verdict} into {after_.verdict}"
                )
                fixture = self.fixture(
                    space, f"{name} (before)", case, before.verdict
                ) + self.fixture(
                    space,
                    f"{name} (after {better} from {start})",
                    other,
                    before.verdict,
                    f"got {after_.verdict}: {after_.explanation}",
                )
                raise _Found(message, fixture)

        found = self._search(strategy, body)
        return self._result(space, name, found, f"{better} the series never worsened the verdict")

    def deadline_consistency(self, space: GoalSpace) -> PropertyOutcome:
        name = "deadline_consistency"
        if space.goal.bound is not None:
            return self._bounded(space, name)
        rule = space.rule
        time = rule.time
        if time is None or space.end is None:
            return self._outcome(
                space.goal.id, name, True, "skipped: the goal has no deadline", skipped=True
            )
        end = space.end.end
        first = time.start.start if time.start is not None else time.end.start
        standing = _without_time(space.goal) if time.kind == "by" else None
        days = st.one_of(st.just(end), st.integers(1, 3 * 366).map(lambda n: shift(end, n)))
        # A rule that needs a figure from after its deadline (x[2012] by 2010, a window or
        # a baseline that starts later) may stay unknown: the deadline cannot see it.
        later = _needs_later_data(space, end)

        def body(case: Case) -> None:
            result = self.judge(space, case)
            if result.verdict is Verdict.ERROR:
                return
            values = case.series.get(space.subject, {})
            inside = [p for p in values if first <= p.end <= end and p.start >= first]
            problem = None
            if result.verdict not in (Verdict.MET, Verdict.MISSED):
                if result.verdict is not Verdict.UNKNOWN or (inside and not later):
                    problem = (
                        f"on {case.as_of}, after the deadline {space.end}, the verdict is "
                        f"{result.verdict}"
                        + (f" although {space.subject} has data in {space.end}" if inside else "")
                    )
                expected = Verdict.MISSED
            else:
                on_the_day = self.judge(space, case.at(end))
                expected = on_the_day.verdict
                if on_the_day.verdict is not Verdict.ERROR and expected is not result.verdict:
                    problem = (
                        f"the verdict moved from {expected} on {end} to {result.verdict} on "
                        f"{case.as_of}, with no new data in the deadline period"
                    )
                elif standing is not None and inside:
                    value = self.judge(space, case.at(end), standing)
                    if value.verdict in (Verdict.MET, Verdict.MISSED) and (
                        value.verdict is not on_the_day.verdict
                    ):
                        expected = value.verdict
                        problem = (
                            f"on the deadline day the verdict is {on_the_day.verdict}, but the "
                            f"value in {space.end} says {value.verdict}"
                        )
            if problem:
                fixture = self.fixture(
                    space, name, case, expected, f"got {result.verdict}: {result.explanation}"
                )
                raise _Found(problem, fixture)

        found = self._search(space.cases(days, require=True), body)
        return self._result(space, name, found, f"after {space.end}: met or missed, and stable")

    def as_of_monotone(self, space: GoalSpace) -> PropertyOutcome:
        name = "as_of_monotone"
        from .strategies import periods

        last_year = min(space.grid[-1].year + 2, date.max.year)

        @st.composite
        def cases(draw: st.DrawFn) -> tuple[Case, Case]:
            case = draw(space.cases())
            day = case.as_of
            later = periods(min_year=min(day.year, last_year), max_year=last_year).filter(
                lambda p: p.end > day
            )
            extra = draw(
                st.lists(
                    st.tuples(st.sampled_from(space.generated), later, space.values()),
                    min_size=1,
                    max_size=4,
                )
            )
            series = {m: dict(v) for m, v in case.series.items()}
            for metric, period, value in extra:
                series.setdefault(metric, {}).setdefault(period, value)
            return case, Case(day, series)

        def body(pair: tuple[Case, Case]) -> None:
            case, more = pair
            before, after = self.judge(space, case), self.judge(space, more)
            if (before.verdict, before.explanation) != (after.verdict, after.explanation):
                what = "verdict" if before.verdict is not after.verdict else "explanation"
                message = (
                    f"observations after {case.as_of} changed the {what}: "
                    f"{before.verdict} ({before.explanation}) became "
                    f"{after.verdict} ({after.explanation})"
                )
                fixture = self.fixture(space, f"{name} (without)", case, before.verdict)
                fixture += self.fixture(
                    space,
                    f"{name} (with later data)",
                    more,
                    before.verdict,
                    f"got {after.verdict}: {after.explanation}",
                )
                raise _Found(message, fixture)

        found = self._search(cases(), body)
        return self._result(space, name, found, "later observations changed nothing")

    def explanation_honesty(self, space: GoalSpace) -> PropertyOutcome:
        name = "explanation_honesty"

        def body(case: Case) -> None:
            result = self.judge(space, case)
            if result.verdict is Verdict.ERROR:
                return
            seen = [p for values in case.series.values() for p in values]
            seen += [o.period for m in space.rule.metrics for o in space.data.get(m) or ()]
            wrong = unexplained_numbers(result, space.goal, case.as_of, seen)
            if wrong:
                message = (
                    f"{', '.join(repr(w) for w in wrong)} in {result.explanation!r} "
                    "is not the value of any step"
                )
                fixture = self.fixture(space, name, case, result.verdict, message)
                raise _Found(message, fixture)

        found = self._search(space.cases(), body)
        return self._result(space, name, found, "every number is a step's value")

    def _bounded(self, space: GoalSpace, name: str) -> PropertyOutcome:
        """A goal judged on bounds (``bound:``) is unknown where the bound cannot show the
        verdict: it can never be missed (a lower bound under a ``>=``), by design."""
        why = f"skipped: its figures are {space.goal.bound} bounds, which cannot show every verdict"
        return self._outcome(space.goal.id, name, True, why, skipped=True)

    def target_reachable(self, space: GoalSpace) -> PropertyOutcome:
        name = "target_reachable"
        if space.goal.bound is not None:
            return self._bounded(space, name)
        day = space.reference
        if space.end is None:  # a standing goal: judged once all the data is in, too
            singles, windows = _lookups(space.rule)
            named = [p.end for ps in singles.values() for p in ps]
            named += [last.end for _, _, last in windows]
            day = max([day, *named, *(o.period.end for o in _observations(space))])
        seen: dict[Verdict, Case] = {}

        def look(case: Case) -> None:
            if len(seen) < 2:
                verdict = self.judge(space, case).verdict
                if verdict in (Verdict.MET, Verdict.MISSED):
                    seen.setdefault(verdict, case)

        for case in self._known_cases(space, day):
            look(case)
        if len(seen) < 2:
            for case in self._level_scan(space, day):
                look(case)
                if len(seen) == 2:
                    break
        if len(seen) < 2:
            strategy = space.cases(st.just(day), require=True)
            _search(strategy, look, max(self.max_examples, 100), self.derandomize)
        if len(seen) == 2:
            return self._outcome(space.goal.id, name, True, "some data meets it, some misses it")
        if Verdict.MET not in seen:
            message = (
                f"no data meets the goal on {day}: the target cannot be reached "
                f"(tried the rule set's data, its fixtures, the shapes and "
                f"{max(self.max_examples, 100)} generated series)"
            )
        else:
            message = (
                f"no data misses the goal on {day}: the rule can never fail "
                f"(tried the rule set's data, its fixtures, the shapes and "
                f"{max(self.max_examples, 100)} generated series)"
            )
        example = next(iter(seen.values()), None)
        fixture = None
        if example is not None:
            fixture = self.fixture(
                space,
                name,
                example,
                Verdict.MISSED if Verdict.MET in seen else Verdict.MET,
                f"every case tried is {next(iter(seen))}, like this one",
            )
        return self._outcome(space.goal.id, name, False, message, fixture)

    def _known_cases(self, space: GoalSpace, day: date) -> Iterable[Case]:
        """The rule set's data, its fixtures' data and the shapes, on ``day``."""
        real = space.data.get(space.subject)
        if real is not None and real.observations:
            yield Case(day, {space.subject: {o.period: o.value for o in real.observations}})
        for test in self.ruleset.tests:
            if test.data is None or space.subject not in test.data:
                continue
            series = test.data.get(space.subject)
            if series is not None:
                yield Case(day, {space.subject: {o.period: o.value for o in series}})
        flats = {m: space.flat(m) for m in space.generated[1:]}
        for shape in ("at_target", "reaches_target", "flat", "falls_away", "rises", "falls"):
            try:
                values = shape_series(space, shape)
            except ShapeError:
                continue
            yield Case(day, {space.subject: values, **flats})

    def _level_scan(self, space: GoalSpace, day: date) -> Iterable[Case]:
        """The subject flat at levels across its range, then at the levels where the rule's
        two sides cross (found by bisection), so that narrow targets such as
        ``abs(total - (a + b)) <= 0.5`` are found too."""
        others = {m: space.flat(m) for m in space.generated[1:]}

        def at(level: float) -> Case:
            return Case(day, {space.subject: dict.fromkeys(space.grid, level), **others})

        # Across the range, and as far again on either side (negative values included).
        width = space.high - space.low
        levels = [space.low - width + 3 * width * i / 150 for i in range(151)]
        for level in levels:
            yield at(level)
        rule = space.rule
        if rule.subject_side is None or rule.target_side is None:
            return

        def gap(level: float) -> float | None:
            world = World(at(level).dataset(space.data), rule.subject, day, day)
            try:
                assert rule.subject_side is not None and rule.target_side is not None
                value = float(world.evaluate(rule.subject_side))
                value -= float(world.evaluate(rule.target_side))
            except (GoalEngineError, ArithmeticError, ValueError, TypeError):
                return None
            return value if math.isfinite(value) else None

        gaps = [gap(level) for level in levels]
        for (a, ga), (b, gb) in zip(
            zip(levels, gaps, strict=True), zip(levels[1:], gaps[1:], strict=True), strict=False
        ):
            if ga is None or gb is None or (ga > 0) == (gb > 0):
                continue
            for _ in range(60):
                middle = (a + b) / 2
                gm = gap(middle)
                if gm is None:
                    break
                if (gm > 0) == (ga > 0):
                    a, ga = middle, gm
                else:
                    b = middle
            for level in (a, b, (a + b) / 2):
                yield at(level)
        # Sides that touch without crossing (abs(x - k) <= 0.5): the extremes of the gap.
        known = [(level, g) for level, g in zip(levels, gaps, strict=True) if g is not None]
        for sign in (1, -1):
            if not known:
                break
            index = min(range(len(known)), key=lambda i: sign * known[i][1])
            a = known[max(index - 1, 0)][0]
            b = known[min(index + 1, len(known) - 1)][0]
            for _ in range(60):
                third = (b - a) / 3
                ga, gb = gap(a + third), gap(b - third)
                if ga is None or gb is None:
                    break
                if sign * ga <= sign * gb:
                    b = b - third
                else:
                    a = a + third
            yield at((a + b) / 2)

    # -- the authors' properties -----------------------------------------------------

    def author(self, space: GoalSpace, prop: AuthorProperty) -> PropertyOutcome:
        goal = space.goal
        if prop.problem:
            return self._outcome(goal.id, prop.name, False, prop.problem)
        day = prop.as_of or self.ruleset.as_of or space.reference
        series: dict[str, dict[Period, float]] = {}
        for metric in space.generated:
            series[metric] = space.flat(metric)
        try:
            for metric, shape in prop.when.items():
                series[metric] = shape_series(space, shape, metric)
        except (ShapeError, GoalEngineError, ValueError, TypeError) as error:
            message = error.message if isinstance(error, GoalEngineError) else str(error)
            return self._outcome(goal.id, prop.name, False, message)
        case = Case(day, series)
        result = self.judge(space, case)
        wanted = " or ".join(v.value for v in prop.expect)
        if result.verdict in prop.expect:
            return self._outcome(goal.id, prop.name, True, f"{result.verdict} on {day}")
        message = f"expected {wanted} on {day}, got {result.verdict}: {result.explanation}"
        small = self._shrink(space, case, result.verdict)
        shown = self.judge(space, small)
        fixture = fixture_yaml(
            f"{prop.name}: {goal.id}",
            small,
            {goal.id: prop.expect[0]},
            f"got {shown.verdict}: {shown.explanation}",
        )
        return self._outcome(goal.id, prop.name, False, message, fixture)

    def _shrink(self, space: GoalSpace, case: Case, verdict: Verdict) -> Case:
        """Drop observations one by one while the verdict stays ``verdict`` (the shape's
        counterexample, reduced to the observations that matter)."""
        series = {
            m: {p: v for p, v in values.items() if p.end <= case.as_of}
            for m, values in case.series.items()
        }
        if self.judge(space, Case(case.as_of, series)).verdict is not verdict:
            series = {m: dict(values) for m, values in case.series.items()}
        for metric in list(series):
            for period in sorted(series[metric]):
                trial = {**series, metric: {p: v for p, v in series[metric].items() if p != period}}
                if self.judge(space, Case(case.as_of, trial)).verdict is verdict:
                    series = trial
        return Case(case.as_of, series)

    def _result(
        self, space: GoalSpace, name: str, found: _Found | None, ok: str
    ) -> PropertyOutcome:
        if found is None:
            return self._outcome(space.goal.id, name, True, f"{ok} ({self.max_examples} examples)")
        return self._outcome(space.goal.id, name, False, found.message, found.fixture)


def check_ruleset(
    ruleset: RuleSet,
    max_examples: int = DEFAULT_EXAMPLES,
    *,
    data: Dataset | Mapping[str, Any] | str | Path | None = None,
    properties: Iterable[str] | None = None,
    derandomize: bool = True,
) -> list[PropertyOutcome]:
    """Check every goal of ``ruleset`` for the generic properties and the authors' own.

    ``properties`` limits the run to those names; ``derandomize`` (default) makes the run
    repeatable. Never raises on a bad rule: a goal that does not compile fails ``compiles``.
    """
    checker = PropertyChecker(
        ruleset, data=data, max_examples=max_examples, derandomize=derandomize
    )
    return checker.run(properties)


def check_ruleset_by_goal(
    ruleset: RuleSet,
    max_examples: int = DEFAULT_EXAMPLES,
    *,
    data: Dataset | Mapping[str, Any] | str | Path | None = None,
    properties: Iterable[str] | None = None,
    derandomize: bool = True,
) -> Iterator[tuple[str, list[PropertyOutcome]]]:
    """:func:`check_ruleset`, goal by goal as each is done: ``(goal id, outcomes)``."""
    checker = PropertyChecker(
        ruleset, data=data, max_examples=max_examples, derandomize=derandomize
    )
    return checker.by_goal(properties)


def check_goal(
    goal: Goal | str,
    max_examples: int = DEFAULT_EXAMPLES,
    *,
    data: Dataset | Mapping[str, Any] | str | Path | None = None,
    as_of: date | str | None = None,
    properties: Iterable[str] | None = None,
    derandomize: bool = True,
) -> list[PropertyOutcome]:
    """:func:`check_ruleset` for one goal (a :class:`Goal` or a rule text)."""
    if isinstance(goal, str):
        goal = Goal.parse(goal)
    day = None if as_of is None else parse_as_of(as_of)
    ruleset = RuleSet(goals=(goal,), as_of=day)
    return check_ruleset(
        ruleset,
        max_examples,
        data=data if data is not None else Dataset(),
        properties=properties,
        derandomize=derandomize,
    )


def check_when(
    goal: Goal | str,
    when: Mapping[str, Any],
    expect: Verdict | str | Sequence[Verdict | str],
    *,
    as_of: date | str | None = None,
    data: Dataset | Mapping[str, Any] | str | Path | None = None,
) -> PropertyOutcome:
    """An author's property from Python: ``goal`` gets one of ``expect`` when its metrics
    follow the shapes in ``when`` (see :mod:`goalengine.testing.shapes`)::

        check_when(goal, {"employment_rate": "rises_to_target"}, "on-track", as_of="2009-03-31")
    """
    if isinstance(goal, str):
        goal = Goal.parse(goal)
    wanted = [expect] if isinstance(expect, str) else list(expect)
    entry: dict[str, Any] = {
        "goal": goal.id,
        "when": dict(when),
        "expect": [str(v) for v in wanted],
    }
    if as_of is not None:
        entry["as_of"] = as_of if isinstance(as_of, date) else str(as_of)
    ruleset = RuleSet(goals=(goal,), properties=(entry,))
    checker = PropertyChecker(ruleset, data=data if data is not None else Dataset())
    [prop] = checker.authors
    if prop.problem:
        return checker._outcome(goal.id, prop.name, False, prop.problem)
    return checker.check(goal, prop.name)


# -- helpers ---------------------------------------------------------------------------


def _crash(result: Result) -> str | None:
    if not isinstance(result, Result) or not isinstance(result.verdict, Verdict):
        return f"not a result: {result!r}"
    error = result.error
    if result.verdict is Verdict.ERROR and error is not None and _INTERNAL.match(error.message):
        return error.message
    if not result.explanation:
        return "the result has no explanation"
    try:
        json.dumps(result.model_dump(mode="json"), allow_nan=False)
    except ValueError:
        bad = [
            key
            for key, value in result.model_dump().items()
            if isinstance(value, float) and not math.isfinite(value)
        ]
        return f"the result is not valid JSON: {', '.join(bad) or 'a step'} is not finite"
    return None


def _observations(space: GoalSpace) -> list[Observation]:
    found: list[Observation] = []
    for metric in space.rule.metrics:
        series = space.data.get(metric)
        if series is not None:
            found.extend(series.observations)
    return found


def _needs_later_data(space: GoalSpace, end: date) -> bool:
    singles, windows = _lookups(space.rule)
    if any(p.end > end for periods in singles.values() for p in periods):
        return True
    if any(first.start > end for _, first, _ in windows):
        return True
    baseline = space.goal.baseline
    period = baseline.period if baseline is not None else None
    return space.rule.uses_baseline and period is not None and period.end > end


def _monotone_skip(space: GoalSpace) -> str | None:
    rule = space.rule
    if rule.direction == 0:
        return "the goal has no direction (==, and/or, or a range)"
    if not _holds_subject(rule.subject_node, rule.subject):
        return "the subject side is an expression, not the subject"
    if rule.target_node is not None and _mentions_latest(rule.target_node, rule.subject):
        return "the target moves with the subject's latest value"
    return None


def _holds_subject(side: nodes.Expr | None, subject: str) -> bool:
    if isinstance(side, nodes.Metric):
        return side.name == subject
    if isinstance(side, nodes.Call) and len(side.args) == 1:
        window = side.args[0]
        return (
            side.name in ("sum", "mean", "min", "max", "count")
            and isinstance(window, nodes.Window)
            and window.metric == subject
        )
    return False


def _mentions_latest(node: nodes.Expr, subject: str) -> bool:
    """``subject`` read at its latest value: bare, or at a reference entity (``x@big4``),
    not only at named periods."""
    return any(
        isinstance(n, nodes.Metric | nodes.Reference) and _named(n) == subject
        for n in nodes.walk(node)
    )


def _named(node: nodes.Metric | nodes.Reference) -> str:
    return node.name if isinstance(node, nodes.Metric) else node.metric


def _without_time(goal: Goal) -> Goal:
    rule = goal.compiled()
    assert rule.time is not None
    text = rule.text[: rule.time.column].rstrip()
    return Goal(
        id=goal.id,
        rule=text,
        baseline=goal.baseline,
        unit=goal.unit,
        method=goal.method,
        options=goal.options,
    )


_TOKEN = re.compile(
    r"(?P<period>(?<![\w.])\d{4}-(?:H[12]|Q[1-4]|\d{2}-\d{2}|\d{2})(?![\w]))"
    r"|(?P<number>(?<![\w.])[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?(?!\d))"
)


def unexplained_numbers(
    result: Result,
    goal: Goal | None = None,
    as_of: date | None = None,
    periods: Iterable[Period] = (),
) -> list[str]:
    """Numbers in ``result.explanation`` that are no step's value (nor a period).

    A number counts as explained when it equals :func:`~goalengine.explain.format_number`
    of a numeric step value (sign aside: changes print as ``+5.5``); a probability step
    also explains its percentage (``≈ 83 %``, ``> 99 %``, ``< 1 %``). Periods (``2007-H1``,
    ``2008-08``, and a bare year the rule or a step mentions) are not values. Quoted text
    -- the rule itself and the steps' labels, such as ``0.5 * tryghed_districts[2010]`` --
    is left out. ``periods`` are more periods the text may name (the data's).
    """
    text = result.explanation
    steps = list(_walk(result.steps))
    quoted = {s.label for s in steps if s.label}
    if goal is not None:
        quoted.add(goal.rule)
        try:
            rule = goal.compiled()
        except GoalEngineError:
            rule = None
        if rule is not None:
            quoted.add(rule.text)
            for side in (rule.subject_side, rule.target_side):
                if side is not None:
                    quoted.add(format_tree(side))
    for piece in sorted(quoted, key=len, reverse=True):
        # Expressions only: a label that is a plain number is a value, checked below.
        if any(ch.isalpha() for ch in piece) and any(ch.isdigit() for ch in piece):
            text = text.replace(piece, " ")
    numbers = _numeric_values(steps)
    honest = _honest_values(steps, numbers)
    years = _known_years(result, steps, goal, as_of) | {p.year for p in periods}
    wrong = []
    for match in _TOKEN.finditer(text):
        if match["period"]:
            continue
        token = match["number"]
        bare = token.lstrip("+-")
        if bare.isdigit() and len(bare) == 4 and int(bare) in years:
            continue
        if bare in honest or _more_precise(bare, numbers):
            continue
        wrong.append(token)
    return wrong


def _more_precise(token: str, numbers: Sequence[float]) -> bool:
    """``1.24`` for a step value 1.2378: printed with more decimals than usual, so that two
    values that differ do not read the same (:func:`~goalengine.explain.distinct_digits`)."""
    if "." not in token or "e" in token:
        return False
    digits = len(token.split(".")[1])
    return any(format_number(abs(v), digits) == token for v in numbers)


def _walk(steps: Sequence[Step]) -> Iterable[Step]:
    for step in steps:
        yield step
        yield from _walk(step.children)


def _numeric_values(steps: Sequence[Step]) -> list[float]:
    return [
        float(s.value)
        for s in steps
        if isinstance(s.value, int | float) and not isinstance(s.value, bool)
    ]


def _honest_values(steps: Sequence[Step], numbers: Sequence[float]) -> set[str]:
    honest = {format_number(abs(v)) for v in numbers}
    for step in steps:
        value = step.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        if step.kind == "probability":
            percent = float(value) * 100
            if math.isfinite(percent):
                honest.add(str(round(percent)))
                if 0 < percent < 0.5:
                    honest.add("1")
                if 99.5 <= percent < 100:
                    honest.add("99")
    return honest


def _known_years(
    result: Result, steps: Sequence[Step], goal: Goal | None, as_of: date | None
) -> set[int]:
    periods: set[Period] = {s.period for s in steps if s.period is not None}
    for period in (result.latest_period, result.baseline_period, result.deadline):
        if period is not None:
            periods.add(period)
    years = {p.year for p in periods}
    if goal is not None:
        try:
            rule = goal.compiled()
        except GoalEngineError:
            rule = None
        if rule is not None:
            years.update(p.year for p in rule.periods)
            assert rule.nodes is not None  # set by check
            for node in nodes.walk(rule.nodes.condition):
                if isinstance(node, nodes.Window):  # it names every year from first to last
                    years.update(range(node.first.year, node.last.year + 1))
                elif isinstance(node, nodes.Lookup):
                    years.add(node.period.year)
                elif isinstance(node, nodes.Direction) and node.since is not None:
                    years.add(node.since.year)
            if rule.time is not None:
                years.add(rule.time.end.year)
                if rule.time.start is not None:
                    years.add(rule.time.start.year)
        if goal.baseline is not None and goal.baseline.period is not None:
            years.add(goal.baseline.period.year)
    if as_of is not None:
        years.add(as_of.year)
    return years
