"""Small terminal charts of a series: a sparkline and horizontal bars.

Bars start at zero when all values share a sign (so lengths compare honestly) and at the
smallest value otherwise; eighth-blocks give sub-character resolution.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["bar", "scale", "sparkline"]

_SPARKS = "▁▂▃▄▅▆▇█"
_EIGHTHS = " ▏▎▍▌▋▊▉"


def sparkline(values: Sequence[float]) -> str:
    """``▁▃▅█``: one block per value, scaled from the smallest to the largest."""
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return ""
    # Halved, so that values near ±1.8e308 have a finite span.
    low, high = min(finite) / 2, max(finite) / 2
    span = high - low
    marks = []
    for value in values:
        if not math.isfinite(value):
            marks.append(" ")
        elif span == 0:
            marks.append(_SPARKS[len(_SPARKS) // 2])
        else:
            marks.append(_SPARKS[round((value / 2 - low) / span * (len(_SPARKS) - 1))])
    return "".join(marks)


def scale(values: Sequence[float]) -> tuple[float, float]:
    """The (low, high) ends of the bars for ``values``."""
    finite = [v for v in values if math.isfinite(v)] or [0.0]
    low, high = min(finite), max(finite)
    if low >= 0:
        low = 0.0
    elif high <= 0:
        high = 0.0
    if high == low:
        high = low + 1.0
    return low, high


def bar(value: float, low: float, high: float, width: int) -> str:
    """A bar of ``width`` cells at most for ``value`` on the scale ``low..high``."""
    if not math.isfinite(value) or width <= 0:
        return ""
    fraction = min(max((value / 2 - low / 2) / (high / 2 - low / 2), 0.0), 1.0)
    eighths = round(fraction * width * 8)
    full, rest = divmod(eighths, 8)
    text = "█" * full + (_EIGHTHS[rest] if rest else "")
    return text or "▏"
