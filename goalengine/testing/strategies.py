"""Hypothesis strategies for goalengine: periods, series, datasets, rules and rule sets.

Use them in your own tests::

    from hypothesis import given
    from goalengine import Goal, evaluate_goal
    from goalengine.testing.strategies import datasets, days

    goal = Goal.parse("employment_rate >= baseline + 10pp by 2010", baseline="2007-H1")

    @given(datasets(goal), days(goal))
    def test_never_an_error(data, as_of):
        assert evaluate_goal(goal, data, as_of).verdict != "error"

With goalengine installed, ``st.from_type(Period)``, ``st.from_type(Series)`` and
``st.from_type(Dataset)`` work too (registered through the ``hypothesis`` entry point).
"""

from __future__ import annotations

import keyword
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

from hypothesis import strategies as st

from ..data.dataset import Dataset, Series
from ..errors import GoalEngineError
from ..language.check import RESERVED
from ..models import Observation
from ..periods import Period, PeriodKind
from ..ruleset import Baseline, Goal, RuleSet
from ._space import Case, GoalSpace, nice_step, space_for

__all__ = [
    "PERIOD_KINDS",
    "cases",
    "datasets",
    "days",
    "goals",
    "metric_names",
    "numbers",
    "periods",
    "rulesets",
    "series",
    "values",
]

PERIOD_KINDS: tuple[PeriodKind, ...] = ("year", "half", "quarter", "month", "day")
_PER_YEAR = {"half": 2, "quarter": 4, "month": 12}


# -- periods and values ----------------------------------------------------------------


def periods(
    *,
    kinds: Sequence[PeriodKind] = PERIOD_KINDS,
    min_year: int = 2000,
    max_year: int = 2030,
) -> st.SearchStrategy[Period]:
    """Periods of the given kinds: ``2010``, ``2010-H1``, ``2010-Q2``, ``2010-08``, ``2010-08-15``
    (every kind by default), from ``min_year`` to ``max_year``."""
    if not kinds:
        raise ValueError("periods() needs at least one kind")
    _check_years(min_year, max_year)
    years = st.integers(min_year, max_year)

    def of_kind(kind: PeriodKind) -> st.SearchStrategy[Period]:
        if kind == "year":
            return years.map(Period)
        if kind == "day":
            return st.dates(date(min_year, 1, 1), date(max_year, 12, 31)).map(
                lambda d: Period(d.year, "day", d.month * 100 + d.day)
            )
        return st.builds(Period, years, st.just(kind), st.integers(1, _PER_YEAR[kind]))

    return st.one_of([of_kind(k) for k in kinds])


def values(
    low: float = 0.0, high: float = 100.0, *, step: float | None = None
) -> st.SearchStrategy[float]:
    """Readable numbers from ``low`` to ``high`` on a grid of ``step`` (default: 1/200 of
    the range, rounded to 1, 2 or 5 times a power of ten); they shrink towards ``low``."""
    if not low <= high:
        raise ValueError(f"low {low} is above high {high}")
    step = step if step is not None else nice_step((high - low) / 200 or 1.0)
    first = round(low / step)
    last = max(first, int((high - 1e-12 * abs(high)) // step))
    digits = max(0, -int(f"{step:e}".split("e")[1])) + 1
    return st.integers(first, last).map(lambda k: round(k * step, digits))


def days(
    goal: Goal | str | None = None,
    *,
    data: Dataset | None = None,
    as_of: date | None = None,
) -> st.SearchStrategy[date]:
    """Report dates: around ``goal``'s baseline and deadline (the ends of its periods and
    any day near them), or any day from 2000 to 2030 without a goal."""
    if goal is None:
        return st.dates(date(2000, 1, 1), date(2030, 12, 31))
    return _space(goal, data, as_of).days()


# -- series and datasets -----------------------------------------------------------------


def series(
    metric: str = "x",
    *,
    kind: PeriodKind = "year",
    min_year: int = 2005,
    max_year: int = 2015,
    periods: Sequence[Period] | None = None,
    low: float = 0.0,
    high: float = 100.0,
    min_size: int = 0,
    max_size: int | None = None,
    entity: str | None = None,
) -> st.SearchStrategy[Series]:
    """A series of ``metric``: observations in some of ``periods`` (default: every period
    of ``kind`` from ``min_year`` to ``max_year``), values from ``low`` to ``high``."""
    candidates = _grid(kind, min_year, max_year) if periods is None else sorted(set(periods))
    if min_size > len(candidates):
        raise ValueError(f"min_size {min_size} is above the {len(candidates)} periods")
    size = len(candidates) if max_size is None else min(max_size, len(candidates))
    chosen = st.lists(st.sampled_from(candidates), min_size=min_size, max_size=size, unique=True)
    amounts = values(low, high)

    def build(pairs: list[tuple[Period, float]]) -> Series:
        return Series.build(
            metric,
            (Observation(period=p, value=v, entity=entity) for p, v in pairs),
            entity=entity,
        )

    return chosen.flatmap(
        lambda ps: st.tuples(*(st.tuples(st.just(p), amounts) for p in ps)).map(
            lambda pairs: build(list(pairs))
        )
    )


def datasets(
    source: RuleSet | Goal | str | Iterable[str] | None = None,
    *,
    data: Dataset | None = None,
    as_of: date | None = None,
) -> st.SearchStrategy[Dataset]:
    """Datasets for ``source``: a rule set, a goal or a rule text (a series for every
    metric its goals mention, around each goal's own baseline, target and deadline), or
    metric names (yearly series 2005-2015, values 0-100). ``data`` keeps the metrics it
    has, other than the goals' subjects, as they are."""
    if source is None:
        source = ("x", "y")
    if isinstance(source, (RuleSet | Goal, str)):
        spaces = _spaces(source, data, as_of)
        if not spaces:
            return st.just(data or Dataset())
        by_metric: dict[str, GoalSpace] = {}
        for space in spaces:
            by_metric.setdefault(space.subject, space)
        for space in spaces:
            for metric in space.generated:
                by_metric.setdefault(metric, space)
        base = data or Dataset()
        columns = {
            metric: space.cases(st.just(space.reference)).map(_column(metric))
            for metric, space in by_metric.items()
        }
        return st.fixed_dictionaries(columns).map(
            lambda drawn: Case(date.today(), drawn).dataset(base)
        )
    names = [str(m) for m in source]
    return st.tuples(*(series(m) for m in names)).map(lambda ss: Dataset.of(ss))


def _column(metric: str) -> Callable[[Case], dict[Period, float]]:
    def column(case: Case) -> dict[Period, float]:
        return dict(case.series.get(metric, {}))

    return column


def cases(
    goal: Goal | str,
    *,
    data: Dataset | None = None,
    as_of: date | None = None,
) -> st.SearchStrategy[tuple[Dataset, date]]:
    """``(dataset, report date)`` pairs around ``goal``: what the properties are checked on."""
    space = _space(goal, data, as_of)
    return space.cases().map(lambda case: (case.dataset(space.data), case.as_of))


def _space(goal: Goal | str, data: Dataset | None, as_of: date | None) -> GoalSpace:
    if isinstance(goal, str):
        goal = Goal.parse(goal)
    return space_for(goal, data, as_of)


def _spaces(
    source: RuleSet | Goal | str, data: Dataset | None, as_of: date | None
) -> list[GoalSpace]:
    if isinstance(source, str):
        source = Goal.parse(source)
    if isinstance(source, Goal):
        return [space_for(source, data, as_of)]
    found = []
    for goal in source.goals:
        try:
            found.append(space_for(goal, data, as_of or source.as_of))
        except GoalEngineError:
            continue  # a goal that does not compile has no space
    return found


def _check_years(min_year: int, max_year: int) -> None:
    if not date.min.year <= min_year <= max_year <= date.max.year:
        raise ValueError(
            f"years {min_year}..{max_year}: periods run from year 1 to 9999, first to last"
        )


def _grid(kind: PeriodKind, min_year: int, max_year: int) -> list[Period]:
    _check_years(min_year, max_year)
    if kind == "day":
        raise ValueError("series() of days needs explicit periods=")
    if kind == "year":
        return [Period(y) for y in range(min_year, max_year + 1)]
    return [
        Period(y, kind, i)
        for y in range(min_year, max_year + 1)
        for i in range(1, _PER_YEAR[kind] + 1)
    ]


# -- rules -------------------------------------------------------------------------------

_KEYWORDS = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | {"True", "False", "None"}


def metric_names() -> st.SearchStrategy[str]:
    """Valid metric names: lower-case identifiers that are neither Python keywords nor
    names with a meaning of their own in the language."""
    return st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True).filter(
        lambda name: name not in _KEYWORDS and name not in RESERVED and not name.endswith("pp")
    )


def numbers() -> st.SearchStrategy[str]:
    """Number literals as a rule writes them (never a bare year, which means a lookup)."""
    whole = st.integers(0, 5000).filter(lambda n: not 1900 <= n <= 2100).map(str)
    decimal = st.builds(
        lambda a, b, d: f"{a}.{b:0{d}d}", st.integers(0, 999), st.integers(0, 99), st.integers(2, 2)
    )
    tiny = st.sampled_from(["0.5", "0.25", "1.5", "1e3", "2.5e-3", "0.0"])
    return st.one_of(whole, decimal, tiny)


def _period_texts() -> st.SearchStrategy[str]:
    return periods(kinds=("year", "half", "quarter", "month"), min_year=2005, max_year=2015).map(
        str
    )


def goals(
    metrics: Sequence[str] = ("x", "y"),
    *,
    baseline: bool = True,
    time: bool = True,
    years: bool = True,
    max_leaves: int = 6,
) -> st.SearchStrategy[str]:
    """Valid rule texts built from the grammar (``st.recursive``): arithmetic over
    numbers, metrics, ``baseline``, ``x[2010-H1]``, windows and their aggregates, units
    (``10pp``, ``+ 50%``), functions; comparisons (chains too), ``and``/``or``/``not``; an
    optional ``by`` or ``throughout`` clause. Every text compiles (the rule mentions at
    least one of ``metrics``); set ``baseline=False`` for rules a goal without a baseline
    can judge, ``years=False`` to leave out bare years (``0.5*2010``)."""
    if not metrics:
        raise ValueError("goals() needs at least one metric")
    metric = st.sampled_from(list(metrics))
    lookups = st.builds(lambda m, p: f"{m}[{p}]", metric, _period_texts())
    windows = st.builds(
        lambda f, m, a, b: f"{f}({m}[{min(a, b)}..{max(a, b)}])",
        st.sampled_from(["sum", "mean", "min", "max", "count"]),
        metric,
        st.integers(2005, 2015),
        st.integers(2005, 2015),
    )
    units = st.builds(lambda n, u: f"{n}{u}", st.integers(1, 100), st.sampled_from(["pp", "%"]))
    leaves: list[st.SearchStrategy[str]] = [numbers(), metric, lookups, windows, units]
    if baseline:
        leaves.append(st.just("baseline"))
    if years:
        leaves.append(st.integers(2005, 2015).map(str))
    leaf = st.one_of(leaves)

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        op = st.sampled_from(["+", "-", "*", "/"])
        return st.one_of(
            st.builds(lambda a, o, b: f"{a} {o} {b}", inner, op, inner),
            st.builds(lambda a, o, b: f"({a} {o} {b})", inner, op, inner),
            st.builds(lambda a, n: f"{a} + {n}%", inner, st.integers(1, 200)),
            st.builds(lambda a: f"-{a}", inner),
            st.builds(lambda a: f"abs({a})", inner),
            st.builds(lambda a: f"round({a})", inner),
            st.builds(lambda a, d: f"round({a}, {d})", inner, st.integers(0, 4)),
            st.builds(
                lambda a, b, f: f"{f}({a}, {b})", inner, inner, st.sampled_from(["min", "max"])
            ),
        )

    expression = st.recursive(leaf, extend, max_leaves=max_leaves)
    subject = st.one_of(
        metric,
        windows,
        st.builds(
            lambda m, o, e: f"{m} {o} {e}", metric, st.sampled_from(["+", "-", "*"]), expression
        ),
    )
    compare = st.sampled_from([">=", ">", "<=", "<", "=="])
    comparison = st.one_of(
        st.builds(lambda s, o, e: f"{s} {o} {e}", subject, compare, expression),
        st.builds(
            lambda a, s, b, o: f"{a} {o} {s} {o} {b}",
            expression,
            subject,
            expression,
            st.sampled_from(["<=", "<", ">=", ">"]),
        ),
    )
    condition = st.recursive(
        comparison,
        lambda inner: st.one_of(
            st.builds(lambda a, b: f"({a}) and ({b})", inner, inner),
            st.builds(lambda a, b: f"({a}) or ({b})", inner, inner),
            st.builds(lambda a: f"not ({a})", inner),
        ),
        max_leaves=3,
    )
    if not time:
        return condition
    clause = st.one_of(
        st.just(""),
        _period_texts().map(lambda p: f" by {p}"),
        st.builds(
            lambda a, b: f" throughout {min(a, b)}..{max(a, b)}",
            st.integers(2005, 2015),
            st.integers(2005, 2015),
        ),
    )
    return st.builds(lambda c, t: c + t, condition, clause)


def rulesets(
    metrics: Sequence[str] = ("x", "y"),
    *,
    min_goals: int = 1,
    max_goals: int = 3,
    as_of: date | None = None,
    **goal_options: Any,
) -> st.SearchStrategy[RuleSet]:
    """Rule sets of valid goals from :func:`goals` (ids ``goal-1``...), each with a
    baseline period (and sometimes a value) and, unless given, a report date."""
    baselines = st.one_of(
        st.builds(lambda p: Baseline(period=Period.parse(p)), _period_texts()),
        st.builds(
            lambda p, v: Baseline(period=Period.parse(p), value=v),
            _period_texts(),
            values(0, 100),
        ),
    )
    goal = st.builds(
        lambda text, base, unit: (text, base, unit),
        goals(metrics, **goal_options),
        baselines,
        st.sampled_from([None, "%", "districts"]),
    )
    report_day = st.just(as_of) if as_of is not None else days()

    def build(entries: list[tuple[str, Baseline, str | None]], day: date) -> RuleSet:
        built = tuple(
            Goal.parse(text, base, id=f"goal-{i}", unit=unit)
            for i, (text, base, unit) in enumerate(entries, 1)
        )
        return RuleSet(title="generated", goals=built, as_of=day)

    return st.builds(build, st.lists(goal, min_size=min_goals, max_size=max_goals), report_day)
