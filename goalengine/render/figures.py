"""Charts of results as static SVG, drawn by matplotlib's SVG backend (no browser, no
script): a goal's observations with its baseline, target up to the deadline, projection
and report date; a dot strip of the entities of a per-entity goal.

matplotlib comes with the ``goalengine[report]`` extra; without it :func:`require` raises
an error naming the extra. Charts hold numbers and translated words only: the untrusted
titles are set as the SVG's ``<title>`` by :mod:`goalengine.render.html`, escaped there.
"""

from __future__ import annotations

import importlib
import io
import math
import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from ..i18n import Language, missing_extra
from ..models import Result, Verdict

__all__ = ["VERDICT_COLOURS", "dot_strip_svg", "require", "result_svg"]

#: Verdict colours (dark enough for text on white: contrast >= 4.5:1), used by the HTML too.
VERDICT_COLOURS = {
    Verdict.MET: "#1a7f37",
    Verdict.ON_TRACK: "#2f6f4f",
    Verdict.AT_RISK: "#9a6700",
    Verdict.MISSED: "#b42318",
    Verdict.UNKNOWN: "#59636e",
    Verdict.ERROR: "#8250df",
}
_DATA = "#1f4e79"
_TARGET = "#b35806"
_GREY = "#59636e"
_SIZE = (4.6, 2.3)
_RC: dict[str, Any] = {
    "svg.fonttype": "none",  # text stays text: smaller, selectable, readable by screen readers
    "svg.hashsalt": "goalengine",  # the same ids every run (golden files)
    "font.size": 8,
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def _mpl(module: str) -> Any:
    """A matplotlib module, untyped: its stubs do not know dates as coordinates."""
    return importlib.import_module(module)


def require() -> None:
    """Raise a clear error when matplotlib (the ``report`` extra) is not installed."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise missing_extra("charts in HTML reports", "matplotlib") from None


def result_svg(result: Result, lang: Language, chart_id: str) -> str | None:
    """The chart of one result, or None when it has nothing to draw."""
    points = [(o.date, o.value) for o in result.series if math.isfinite(o.value)]
    if not points and result.latest is None:
        return None
    with _mpl("matplotlib").rc_context(_RC):
        figure = _mpl("matplotlib.figure").Figure(figsize=_SIZE)
        axes = figure.add_subplot()
        _draw_result(axes, result, points, lang)
        figure.subplots_adjust(left=0.13, right=0.98, top=0.96, bottom=0.12)
        return _svg(figure, chart_id)


def _draw_result(
    axes: Any, result: Result, points: list[tuple[date, float]], lang: Language
) -> None:
    _ = lang.gettext
    if points:
        xs, ys = zip(*points, strict=True)
        axes.plot(xs, ys, color=_DATA, marker="o", markersize=3.5, linewidth=1.4,
                  label=_("observed"))  # fmt: skip
    elif result.latest is not None and result.latest_period is not None:
        axes.plot([result.latest_period.end], [result.latest], color=_DATA, marker="o",
                  linestyle="none", label=_("observed"))  # fmt: skip
    if result.baseline is not None and result.baseline_period is not None:
        axes.plot([result.baseline_period.end], [result.baseline], marker="s", markersize=6,
                  markerfacecolor="white", markeredgecolor=_DATA, linestyle="none",
                  label=_("baseline"))  # fmt: skip
    start = points[0][0] if points else None
    end = result.deadline.end if result.deadline is not None else None
    if result.target is not None and math.isfinite(result.target):
        left = start or (result.as_of or end)
        right = end or result.as_of or left
        if left is not None and right is not None:
            axes.plot([left, right], [result.target, result.target], color=_TARGET,
                      linestyle="--", linewidth=1.2, label=_("target"))  # fmt: skip
    projected = result.projected
    if (
        projected is not None
        and math.isfinite(projected)
        and end is not None
        and result.latest is not None
        and result.latest_period is not None
        and result.verdict in (Verdict.ON_TRACK, Verdict.AT_RISK)
    ):
        axes.plot([result.latest_period.end, end], [result.latest, projected], color=_GREY,
                  linestyle=":", linewidth=1.4, label=_("projection"))  # fmt: skip
        if result.interval is not None and all(math.isfinite(v) for v in result.interval):
            low, high = result.interval
            axes.errorbar([end], [projected], yerr=[[projected - low], [high - projected]],
                          color=_GREY, capsize=3, linewidth=1)  # fmt: skip
    if result.as_of is not None:
        axes.axvline(result.as_of, color=_GREY, linewidth=0.8, linestyle="-", alpha=0.6,
                     label=_("report date"))  # fmt: skip
    _axes_style(axes, lang, result.unit)
    axes.legend(loc="upper left", fontsize=6.5, frameon=False)


def dot_strip_svg(results: Sequence[Result], lang: Language, chart_id: str) -> str | None:
    """The latest value of each entity of one goal, a row per verdict, the target marked."""
    rows = [r for r in results if r.latest is not None and math.isfinite(r.latest)]
    if not rows:
        return None
    verdicts = sorted({r.verdict for r in rows}, key=lambda v: v.rank)
    with _mpl("matplotlib").rc_context(_RC):
        figure = _mpl("matplotlib.figure").Figure(figsize=(_SIZE[0], 0.7 + 0.32 * len(verdicts)))
        axes = figure.add_subplot()
        for row, verdict in enumerate(verdicts):
            values = [r.latest for r in rows if r.verdict is verdict]
            axes.plot(values, [row] * len(values), marker="o", linestyle="none", alpha=0.75,
                      color=VERDICT_COLOURS[verdict], markersize=4)  # fmt: skip
        targets = {r.target for r in rows if r.target is not None and math.isfinite(r.target)}
        if len(targets) == 1:
            axes.axvline(targets.pop(), color=_TARGET, linestyle="--", linewidth=1.2)
        axes.set_yticks(range(len(verdicts)), [verdict_word(v, lang) for v in verdicts])
        axes.set_ylim(-0.6, len(verdicts) - 0.4)
        axes.xaxis.set_major_formatter(_number_formatter(lang))
        unit = lang.unit(rows[0].unit)
        if unit:
            axes.set_xlabel(unit, parse_math=False)
        figure.subplots_adjust(left=0.2, right=0.98, top=0.95, bottom=0.3)
        return _svg(figure, chart_id)


def verdict_word(verdict: Verdict, lang: Language) -> str:
    """The verdict's name in ``lang`` (``on track``; ``på rette spor``)."""
    return lang.gettext(verdict.label)


def _axes_style(axes: Any, lang: Language, unit: str | None) -> None:
    dates = _mpl("matplotlib.dates")
    axes.xaxis.set_major_locator(dates.AutoDateLocator(minticks=2, maxticks=6))
    axes.xaxis.set_major_formatter(dates.DateFormatter("%Y"))
    axes.yaxis.set_major_formatter(_number_formatter(lang))
    shown = lang.unit(unit)
    if shown:
        axes.set_ylabel(shown, parse_math=False)
    axes.grid(axis="y", color="#d0d7de", linewidth=0.5)


def _number_formatter(lang: Language) -> Any:
    return _mpl("matplotlib.ticker").FuncFormatter(lambda value, _: lang.number(float(value)))


_HEAD = re.compile(r"\A.*?(?=<svg)", re.DOTALL)
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.DOTALL)
_SIZE_ATTRS = re.compile(r'<svg ([^>]*?)width="([\d.]+)pt" height="([\d.]+)pt"')
_REFS = re.compile(r'(id="|url\(#|href="#)')


def _svg(figure: Any, chart_id: str) -> str:
    """The figure as an inline ``<svg>``: no XML prologue or metadata, ids made unique in
    the page (``chart_id-``), scaled to its box."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = _METADATA.sub("", _HEAD.sub("", buffer.getvalue(), count=1), count=1)
    text = _REFS.sub(lambda m: f"{m.group(1)}{chart_id}-", text)
    return _SIZE_ATTRS.sub(
        lambda m: f'<svg {m.group(1)}width="100%" style="max-width:{m.group(2)}pt"',
        text,
        count=1,
    ).strip()
