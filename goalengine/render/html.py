"""The report as one self-contained HTML page: a summary, then a card per goal.

Each card has the goal's title in the report's language, its verdict in colour *and*
symbol and word, the explanation sentence, a chart (:mod:`goalengine.render.figures`), the
rule, the method and its native label, owner, source and notes. A per-entity goal gets one
card with a dot strip of its entities and a row per entity.

Every piece of user text (titles, notes, rule text, entity names, sources) goes through
:func:`text`: control and bidi characters shown as escapes (:func:`~.safe.printable`),
then HTML-escaped, so a title like ``<script>`` is printed, never run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from html import escape
from itertools import groupby

from ..i18n import Language, default_language, language
from ..models import Report, Result, Verdict
from . import SYMBOLS, FileInfo, by_file, file_info, file_infos, summary_line
from .html_page import CSS, page
from .safe import printable

__all__ = ["render_cards", "render_html", "text"]

_MAX_ENTITY_ROWS = 500


def text(value: object, *, lines: bool = False) -> str:
    """Untrusted ``value`` as HTML text: unprintable characters shown, then escaped."""
    return escape(printable(str(value), newlines=lines))


def render_html(
    report: Report,
    files: Iterable[FileInfo] | Mapping[str, FileInfo] | None = None,
    *,
    lang: str | None = None,
    charts: bool | None = True,
    title: str | None = None,
) -> str:
    """The whole page. ``lang``: ``da``/``en`` (None: the files' ``lang:``, then the
    locale); ``charts``: True draws them (matplotlib required), None draws them when
    matplotlib is installed, False leaves them out."""
    infos = file_infos(files)
    words = _language(lang, infos)
    _ = words.gettext
    groups = list(by_file(report.results))
    if title is None:
        titles = [file_info(infos, f, rs).title for f, rs in groups]
        title = titles[0] if len(groups) == 1 and titles[0] else _("Goal status report")
    summary = _summary_sentence(report, words)
    body = [f'<header>\n<h1>{text(title)}</h1>\n<p class="meta">{summary}</p>\n</header>\n']
    body.append("<main>\n")
    body.append(_summary(report, groups, infos, words))
    draw = _charts_wanted(charts)
    for index, (file, results) in enumerate(groups):
        info = file_info(infos, file, results)
        body.append(_file_section(index, file, info, results, words, draw))
    body.append("</main>\n")
    return page(words.code, title, "".join(body))


def render_cards(report: Report, *, lang: str | None = None, charts: bool | None = None) -> str:
    """The cards of ``report`` as an HTML fragment with its own style (for notebooks)."""
    words = language(lang or default_language())
    draw = _charts_wanted(charts)
    cards = "".join(
        _card(group, words, draw, f"n{index}")
        for index, group in enumerate(_goal_groups(report.results))
    )
    return f'<div class="goalengine"><style>{CSS}</style>\n{cards}</div>'


def _language(lang: str | None, infos: Mapping[str, FileInfo]) -> Language:
    if lang is not None:
        return language(lang)
    return language(default_language(*(i.lang for i in infos.values())))


def _charts_wanted(charts: bool | None) -> bool:
    from .figures import require

    if charts is False:
        return False
    try:
        require()
    except Exception:
        if charts:
            raise
        return False
    return True


# -- summary ----------------------------------------------------------------------------


def _summary_sentence(report: Report, words: Language) -> str:
    return escape(summary_line(report, words))


def _summary(
    report: Report,
    groups: Sequence[tuple[str, list[Result]]],
    infos: Mapping[str, FileInfo],
    words: Language,
) -> str:
    _ = words.gettext
    verdicts = [Verdict(v) for v, n in report.summary.items() if n]
    out = [f'<section aria-labelledby="summary">\n<h2 id="summary">{escape(_("Summary"))}</h2>\n']
    rows = []
    for index, (file, results) in enumerate(groups):
        info = file_info(infos, file, results)
        name = f'<a href="#file-{index}">{text(info.title or file)}</a>'
        day = escape(words.date(info.as_of)) if info.as_of else ""
        rows.append(([name, day], Counter(r.verdict for r in results)))
    out.append(_count_table(_("Rule file"), [_("Report date")], rows, verdicts, words))
    for heading, key in ((_("Owner"), "owner"), (_("Tag"), "tags")):
        counts: dict[str, Counter[Verdict]] = {}
        for result in report.results:
            names: tuple[str | None, ...] = result.tags if key == "tags" else (result.owner,)
            for who in names:
                if who:
                    counts.setdefault(who, Counter())[result.verdict] += 1
        if counts:
            table = [([text(who)], c) for who, c in sorted(counts.items())]
            out.append(_count_table(heading, [], table, verdicts, words))
    out.append("</section>\n")
    return "".join(out)


def _count_table(
    first: str,
    extra: Sequence[str],
    rows: Sequence[tuple[list[str], Counter[Verdict]]],
    verdicts: Sequence[Verdict],
    words: Language,
) -> str:
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in (first, *extra))
    head += "".join(
        f'<th scope="col" class="n">{SYMBOLS[v.value]} {escape(words.gettext(v.label))}</th>'
        for v in verdicts
    )
    head += f'<th scope="col" class="n">{escape(words.gettext("total"))}</th>'
    body = []
    for cells, counts in rows:
        first_cell, *rest = cells
        line = f'<th scope="row">{first_cell}</th>' + "".join(f"<td>{c}</td>" for c in rest)
        line += "".join(f'<td class="n">{counts.get(v, 0) or ""}</td>' for v in verdicts)
        line += f'<td class="n">{sum(counts.values())}</td>'
        body.append(f"<tr>{line}</tr>")
    return (
        f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n"
        + "\n".join(body)
        + "\n</tbody></table>\n"
    )


# -- files and cards --------------------------------------------------------------------


def _file_section(
    index: int, file: str, info: FileInfo, results: list[Result], words: Language, draw: bool
) -> str:
    _ = words.gettext
    meta = [f"<code>{text(file)}</code>"]
    if info.as_of is not None:
        meta.append(escape(_("judged on %(date)s") % {"date": words.date(info.as_of)}))
    out = [f'<section id="file-{index}" aria-labelledby="file-{index}-h">\n']
    out.append(f'<h2 id="file-{index}-h">{text(info.title or file)}</h2>\n')
    out.append(f'<p class="meta">{" · ".join(meta)}</p>\n')
    if info.source:
        out.append(f'<p class="small">{escape(_("Source"))}: {text(info.source)}</p>\n')
    for number, group in enumerate(_goal_groups(results)):
        out.append(_card(group, words, draw, f"f{index}g{number}"))
    out.append("</section>\n")
    return "".join(out)


def _goal_groups(results: Iterable[Result]) -> Iterator[list[Result]]:
    for _key, group in groupby(results, key=lambda r: (r.file, r.goal)):
        yield list(group)


def _card(group: list[Result], words: Language, draw: bool, card_id: str) -> str:
    _ = words.gettext
    first = group[0]
    per_entity = len(group) > 1 or first.entity is not None
    verdict = _worst(group) if per_entity else first.verdict
    out = [
        f'<article class="card v-{verdict.value}" id="{card_id}" '
        f'data-goal="{text(first.goal)}" aria-labelledby="{card_id}-h">\n'
        f'<h3 id="{card_id}-h">{text(first.title_in(words.code))}</h3>\n'
    ]
    if per_entity:
        out.append(f'<p class="explanation">{_entity_summary(group, words)}</p>\n')
    else:
        out.append(
            f'<p data-result="" data-verdict="{verdict.value}">{_badge(verdict, words)}</p>\n'
            f'<p class="explanation">{text(first.explanation_in(words.code))}</p>\n'
        )
    if draw:
        out.append(_figure(group, per_entity, words, card_id))
    if per_entity:
        out.append(_entity_table(group, words))
    out.append(_details(first, group, words))
    out.append("</article>\n")
    return "".join(out)


def _badge(verdict: Verdict, words: Language) -> str:
    word = escape(words.gettext(verdict.label))
    return f'<span class="badge v-{verdict.value}">{SYMBOLS[verdict.value]} {word}</span>'


def _worst(group: Sequence[Result]) -> Verdict:
    return max((r.verdict for r in group), key=lambda v: v.rank)


def _entity_summary(group: Sequence[Result], words: Language) -> str:
    counts = Counter(r.verdict for r in group)
    parts = [f"{_badge(v, words)} {counts[v]}" for v in sorted(counts, key=lambda v: v.rank)]
    noun = words.ngettext("%(n)d entity", "%(n)d entities", len(group)) % {"n": len(group)}
    return escape(noun) + ": " + ", ".join(parts)


def _figure(group: list[Result], per_entity: bool, words: Language, card_id: str) -> str:
    from .figures import dot_strip_svg, result_svg

    _ = words.gettext
    first = group[0]
    chart_id = f"{card_id}-chart"
    if per_entity:
        svg = dot_strip_svg(group, words, chart_id)
        caption = _("Latest value of each entity, by verdict; dashed: the target")
    else:
        svg = result_svg(first, words, chart_id)
        caption = _chart_caption(first, words)
    if svg is None:
        return ""
    title = (
        f'<title id="{chart_id}-t">{text(first.title_in(words.code))}: {escape(caption)}</title>'
    )
    svg = svg.replace(">", f' role="img" aria-labelledby="{chart_id}-t">{title}', 1)
    return f"<figure>\n{svg}\n<figcaption>{escape(caption)}</figcaption>\n</figure>\n"


def _chart_caption(result: Result, words: Language) -> str:
    _ = words.gettext
    parts = [_("Observed values")]
    if result.baseline is not None:
        parts.append(_("baseline (square)"))
    if result.target is not None:
        parts.append(_("target (dashed)"))
    if result.projected is not None and result.verdict in (Verdict.ON_TRACK, Verdict.AT_RISK):
        parts.append(_("projection to the deadline (dotted)"))
    if result.as_of is not None:
        parts.append(_("report date (vertical line)"))
    return ", ".join(parts)


def _entity_table(group: Sequence[Result], words: Language) -> str:
    _ = words.gettext
    head = "".join(
        f'<th scope="col">{escape(h)}</th>' for h in (_("Entity"), _("Verdict"), _("Explanation"))
    )
    rows = []
    for result in group[:_MAX_ENTITY_ROWS]:
        rows.append(
            f'<tr data-result="" data-verdict="{result.verdict.value}">'
            f'<th scope="row">{text(result.entity or "")}</th>'
            f"<td>{_badge(result.verdict, words)}</td>"
            f"<td>{text(result.explanation_in(words.code))}</td></tr>"
        )
    more = len(group) - _MAX_ENTITY_ROWS
    tail = ""
    if more > 0:
        rest = Counter(r.verdict.value for r in group[_MAX_ENTITY_ROWS:])
        hidden = "".join(
            f'<span data-result="" data-verdict="{v}" hidden></span>' * n for v, n in rest.items()
        )
        tail = f'<p class="small">{escape(_("and %(n)d more") % {"n": more})}{hidden}</p>\n'
    return (
        f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n"
        + "\n".join(rows)
        + "\n</tbody></table>\n"
        + tail
    )


def _details(first: Result, group: Sequence[Result], words: Language) -> str:
    _ = words.gettext
    items: list[tuple[str, str]] = [(_("Rule"), f"<code>{text(first.rule)}</code>")]
    method = text(first.method)
    if first.method_status:
        method += f" ({text(first.method_status)})"
    items.append((_("Method"), method))
    if first.owner:
        items.append((_("Owner"), text(first.owner)))
    if first.source:
        items.append((_("Source"), text(first.source, lines=True)))
    if first.notes:
        items.append((_("Notes"), text(first.notes, lines=True)))
    if first.tags:
        items.append((_("Tags"), ", ".join(text(t) for t in first.tags)))
    cited = _observation_sources(group)
    if cited:
        items.append((_("Data"), "<br>".join(cited)))
    items.append((_("Goal id"), f"<code>{text(first.goal)}</code>"))
    body = "".join(f"<dt>{escape(k)}</dt><dd>{v}</dd>" for k, v in items)
    return f"<dl>{body}</dl>\n"


def _observation_sources(group: Sequence[Result]) -> list[str]:
    """Each observation's source and note, once, with the periods they cover."""
    seen: dict[str, list[str]] = {}
    for result in group:
        for observation in result.series:
            for said in (observation.source, observation.note):
                if said:
                    periods = seen.setdefault(said, [])
                    if str(observation.period) not in periods:
                        periods.append(str(observation.period))
    return [
        f"{escape(', '.join(p[:6]))}{'…' if len(p) > 6 else ''}: {text(s)}" for s, p in seen.items()
    ]
