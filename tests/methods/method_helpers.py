"""Shared builders for the method tests: observations, goals and hypothesis strategies."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from hypothesis import strategies as st

from goalengine.methods.base import MethodInput, Trend
from goalengine.models import Observation
from goalengine.periods import Period


def obs(period: str | int, value: float) -> Observation:
    return Observation(period=Period.parse(period), value=value)


def series(points: Iterable[tuple[str | int, float]]) -> tuple[Observation, ...]:
    return tuple(obs(p, v) for p, v in points)


def goal(
    observations: Iterable[Observation] | Iterable[tuple[str | int, float]],
    *,
    direction: int,
    target: float | None = None,
    deadline: str | int | None = None,
    baseline: str | int | Observation | None = None,
    unit: str | None = None,
    options: dict[str, str] | None = None,
    holds: Callable[[Trend], bool] | None = None,
    as_of: date | None = None,
) -> MethodInput:
    """A goal as the evaluator resolves it; ``baseline`` may name a period of the series."""
    items = list(observations)
    data = tuple(o if isinstance(o, Observation) else obs(*o) for o in items)
    base: Observation | None
    if baseline is None or isinstance(baseline, Observation):
        base = baseline
    else:
        period = Period.parse(baseline)
        base = next(o for o in data if o.period == period)
    return MethodInput(
        observations=data,
        as_of=as_of or (data[-1].date if data else date(2020, 12, 31)),
        direction=direction,
        baseline=base,
        target=target,
        deadline=Period.parse(deadline) if deadline is not None else None,
        unit=unit,
        holds=holds,
        options=options or {},
    )


# -- hypothesis strategies ---------------------------------------------------------------

finite = st.floats(allow_nan=False, allow_infinity=False)
positive = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def annual_series(
    draw: st.DrawFn,
    values: st.SearchStrategy[float] = positive,
    min_size: int = 2,
    max_size: int = 12,
) -> tuple[Observation, ...]:
    """Distinct increasing years (with gaps) and values from ``values``."""
    years = draw(
        st.lists(st.integers(1990, 2025), min_size=min_size, max_size=max_size, unique=True).map(
            sorted
        )
    )
    return tuple(obs(y, draw(values)) for y in years)


@st.composite
def odd_goals(draw: st.DrawFn) -> MethodInput:
    """Anything the evaluator could hand over: any finite values, repeated or sub-annual
    periods, zero or no target, no deadline, any direction, options or none."""
    kinds = st.sampled_from(["2010", "2010-H1", "2010-Q3", "2010-08", "2010-08-15"])
    periods = draw(st.lists(st.tuples(st.integers(1990, 2030), kinds), max_size=8))
    texts = sorted(
        (Period.parse(str(year) + kind[4:]) for year, kind in periods), key=lambda p: p.end
    )
    data = tuple(Observation(period=p, value=draw(finite)) for p in texts)
    baseline = draw(st.none() | st.sampled_from(data) if data else st.none())
    target = draw(st.none() | st.just(0.0) | finite)
    deadline = draw(st.none() | st.integers(1985, 2060))
    options = draw(
        st.sampled_from(
            [
                {},
                {"variant": "long"},
                {"variant": "short"},
                {"break": "2005"},
                {"bands": "[0.95, 0.1, -0.1]"},
            ]
        )
    )
    return goal(
        data,
        direction=draw(st.sampled_from([-1, 0, 1])),
        target=target,
        deadline=deadline,
        baseline=baseline,
        options=options,
        as_of=date(2031, 1, 1),
    )
