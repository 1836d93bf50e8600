"""The yardstick for bench/run.py: the workload's goals judged by a hand-written numpy program.

What a competent programmer would write for exactly these ten rule shapes with the data
already in (entities x periods) matrices: latest values by column, baselines by column,
least-squares slopes and projections with whole-matrix arithmetic, Student t probabilities
with scipy, comparisons with the same 1e-9 tolerance. No parsing, no explanations, no
per-entity fallbacks: only verdicts (and the numbers they rest on). goalengine must stay
within 3x of this.
"""

from __future__ import annotations

from datetime import date

import numpy as np
from numpy.typing import NDArray
from scipy.special import stdtr

from goalengine.data.columnar import Frame

FloatArray = NDArray[np.float64]
MET, ON_TRACK, AT_RISK, MISSED = 0, 1, 2, 3
_DAYS = 365.2425


def _years(frame: Frame, origin: date, columns: slice) -> FloatArray:
    return np.array([(day - origin).days / _DAYS for day in frame.ends[columns]])


def _ge(a: FloatArray, b: FloatArray | float) -> NDArray[np.bool_]:
    scale = np.maximum(np.maximum(1.0, np.abs(a)), np.abs(b))
    result: NDArray[np.bool_] = (a > b) | (np.abs(a - b) <= 1e-9 * scale)
    return result


def _fit(ys: FloatArray, xs: FloatArray) -> tuple[FloatArray, FloatArray, float, float, float]:
    """Least squares per row: intercept, slope, mean x, sxx, and the residual variance."""
    mx = xs.mean()
    dx = xs - mx
    sxx = float((dx * dx).sum())
    my = ys.mean(axis=1)
    slope = ((ys - my[:, None]) * dx).sum(axis=1) / sxx
    intercept = my - slope * mx
    residuals = ys - (intercept[:, None] + slope[:, None] * xs)
    scatter = (residuals * residuals).sum(axis=1) / (len(xs) - 2)
    return intercept, slope, float(mx), sxx, scatter


def _project(
    frame: Frame, ys: FloatArray, start: int, deadline: date, target: FloatArray, direction: int
) -> tuple[NDArray[np.bool_], FloatArray]:
    """Projection to the deadline, whether it reaches the target, and the probability."""
    origin = frame.ends[start]
    xs = _years(frame, origin, slice(start, len(frame.ends)))
    intercept, slope, mx, sxx, scatter = _fit(ys, xs)
    x0 = (deadline - origin).days / _DAYS
    projected = intercept + slope * x0
    holds = _ge(projected, target) if direction > 0 else _ge(target, projected)
    n = len(xs)
    se = np.sqrt(scatter * (1.0 + 1.0 / n + (x0 - mx) ** 2 / sxx))
    with np.errstate(all="ignore"):
        probability = stdtr(n - 2, direction * (projected - target) / se)
    return holds, probability


def judge(
    frame: Frame, specs: list[tuple[str, str, str | None, str | None]]
) -> list[NDArray[np.int8]]:
    """Verdict codes (0 met, 1 on track, 2 at risk, 3 missed) per goal, per entity."""
    column = {str(p): i for i, p in enumerate(frame.periods)}
    index = frame.metric_index
    last = len(frame.periods) - 1
    out = []
    for goal_id, rule, _, _ in specs:
        shape = int(goal_id[1:]) % 10
        words = rule.replace("(", " ").replace(")", " ").split()
        x = frame.values[index[words[0] if shape != 5 else words[2]]]
        latest = x[:, last]
        if shape == 0:  # m >= baseline + 5pp by 2026
            c = column["2015"]
            holds, _ = _project(frame, x[:, c:], c, date(2026, 12, 31), x[:, c] + 5.0, 1)
            codes = np.where(holds, ON_TRACK, AT_RISK)
        elif shape == 1:  # m <= 0.9 * m[2015] by 2030
            c = column["2015"]
            holds, _ = _project(frame, x[:, c:], c, date(2030, 12, 31), 0.9 * x[:, c], -1)
            codes = np.where(holds, ON_TRACK, AT_RISK)
        elif shape == 2:  # m <= 0.95 * 2018 by 2028
            c = column["2018"]
            holds, _ = _project(frame, x[:, c:], c, date(2028, 12, 31), 0.95 * x[:, c], -1)
            codes = np.where(holds, ON_TRACK, AT_RISK)
        elif shape == 3:  # m >= 40
            codes = np.where(_ge(latest, 40.0), MET, MISSED)
        elif shape == 4:  # m / o >= 0.8 by 2027 (the trend projects m; o stays)
            other = frame.values[index[words[2]]][:, last]
            xs = _years(frame, frame.ends[0], slice(0, last + 1))
            intercept, slope, _, _, _ = _fit(x, xs)
            projected = intercept + slope * ((date(2027, 12, 31) - frame.ends[0]).days / _DAYS)
            codes = np.where(_ge(projected / other, 0.8), ON_TRACK, AT_RISK)
        elif shape == 5:  # 20 <= m <= 80
            codes = np.where(_ge(latest, 20.0) & _ge(80.0, latest), MET, MISSED)
        elif shape == 6:  # m >= mean(m[*])
            codes = np.where(_ge(latest, float(latest.mean())), MET, MISSED)
        elif shape == 7:  # m > 30 and o < 70
            other = frame.values[index[words[4]]][:, last]
            codes = np.where((latest > 30) & (other < 70), MET, MISSED)
        elif shape == 8:  # m <= baseline + 15 throughout 2018..2024
            c = column["2018"]
            window = x[:, c : column["2024"] + 1]
            codes = np.where(_ge(x[:, c : c + 1] + 15.0, window).all(axis=1), MET, MISSED)
        else:  # m >= baseline + 10% by 2020, judged on the 2020 figure
            codes = np.where(_ge(x[:, column["2020"]], x[:, column["2010"]] * 1.1), MET, MISSED)
        out.append(codes.astype(np.int8))
    return out
