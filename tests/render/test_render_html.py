"""The HTML report: one self-contained page, every piece of user text escaped, the same
verdicts as the JSON, golden pages in English and Danish (charts left out of the golden
files: their path coordinates are matplotlib's and change with its version)."""

from __future__ import annotations

import json
import re
import sys
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from render_helpers import ROOT

from goalengine import Report, Result, RuleSet, Verdict, evaluate_many, read_rules
from goalengine.cli import main
from goalengine.models import Observation
from goalengine.periods import Period
from goalengine.render import FileInfo, format_for_suffix
from goalengine.render.html import render_cards, render_html
from goalengine.render.safe import printable
from goalengine.series import with_series

HTML = Path("tests") / "fixtures" / "html"


class _Page(HTMLParser):
    """Every element with its attributes, and the text, as a browser would parse them."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    parser.close()
    return parser


@pytest.fixture
def html_rulesets(in_root: Path) -> list[RuleSet]:
    return [read_rules(HTML / "status.yaml"), read_rules(HTML / "areas.yaml")]


def _infos(rulesets: list[RuleSet]) -> list[FileInfo]:
    return [FileInfo(r.path or "", r.title, r.as_of, r.source, r.lang) for r in rulesets]


@pytest.mark.parametrize("lang", ["en", "da"])
def test_golden_pages(html_rulesets: list[RuleSet], lang: str, golden) -> None:  # type: ignore[no-untyped-def]
    report = with_series(evaluate_many(html_rulesets), html_rulesets)
    page = render_html(report, _infos(html_rulesets), lang=lang, charts=False)
    golden(f"report-{lang}.html", page)


def test_danish_page_reads_danish(html_rulesets: list[RuleSet]) -> None:
    report = evaluate_many(html_rulesets)
    page = render_html(report, _infos(html_rulesets), lang="da", charts=False)
    assert '<html lang="da">' in page
    assert "Beskæftigelsen skal øges med 10 procentpoint" in page  # title_da
    assert "59,9 pct. i 2008-08, +5,5 procentpoint siden 2007-H1" in page
    assert "mål ≥ 64,4 pct. senest 2010" in page
    assert "31. marts 2009" in page
    assert "på rette spor" in page and "ikke nået" in page
    assert "Ledigheden højst 8 procent i hvert område" in page


def test_language_comes_from_the_rule_file(html_rulesets: list[RuleSet]) -> None:
    areas = [r for r in html_rulesets if r.lang == "da"]
    assert areas, "areas.yaml declares lang: da"
    page = render_html(evaluate_many(areas), _infos(areas), charts=False)
    assert '<html lang="da">' in page


def test_every_result_once_with_the_verdicts_of_the_json(html_rulesets: list[RuleSet]) -> None:
    report = with_series(evaluate_many(html_rulesets), html_rulesets)
    page = parse(render_html(report, _infos(html_rulesets), lang="en"))
    verdicts = [a["data-verdict"] for t, a in page.elements if "data-result" in a]
    counted = {v: verdicts.count(v) for v in set(verdicts)}
    summary = json.loads(report.to_json())["summary"]
    assert counted == {v: n for v, n in summary.items() if n}
    goals = [a["data-goal"] for t, a in page.elements if t == "article"]
    assert sorted(goals) == sorted({r.goal for r in report.results})


def test_charts_are_inline_svg_with_a_title(html_rulesets: list[RuleSet]) -> None:
    report = with_series(evaluate_many(html_rulesets), html_rulesets)
    page = render_html(report, _infos(html_rulesets), lang="en")
    parsed = parse(page)
    svgs = [a for t, a in parsed.elements if t == "svg"]
    assert len(svgs) == 3  # two goals with their own chart, one dot strip
    for attrs in svgs:
        assert attrs.get("role") == "img"
        labelled = attrs.get("aria-labelledby")
        assert labelled and f'<title id="{labelled}">' in page
    ids = [a["id"] for _, a in parsed.elements if a.get("id")]
    assert len(ids) == len(set(ids)), "ids are unique across the charts of one page"


def _hostile_report() -> Report:
    evil = '<script>alert(1)</script>"><img src=x onerror=alert(2)>\u202e\x1b[2J'
    observation = Observation(
        period=Period.parse("2008"), value=1.0, source=evil, note="<iframe src=//x>"
    )
    result = Result(
        file="<b>evil</b>.yaml",
        goal="x<svg onload=alert(3)>",
        title=evil,
        title_da=evil,
        rule="a >= 1 <style>",
        entity=None,
        as_of=date(2009, 3, 31),
        verdict=Verdict.MET,
        explanation=evil,
        unit="<u>",
        latest=1.0,
        latest_period=Period.parse("2008"),
        owner=evil,
        source=evil,
        notes=evil + "\nsecond line",
        tags=(evil,),
        series=(observation,),
    )
    entity = result.model_copy(update={"goal": "per-entity", "entity": evil})
    return Report(as_of=date(2009, 3, 31), results=(result, entity))


@pytest.mark.parametrize("lang", ["en", "da"])
def test_hostile_text_is_printed_never_run(lang: str) -> None:
    report = _hostile_report()
    infos = [FileInfo("<b>evil</b>.yaml", "<script>t()</script>", date(2009, 3, 31), "<i>")]
    for page in (render_html(report, infos, lang=lang), render_cards(report, lang=lang)):
        parsed = parse(page)
        tags = {t for t, _ in parsed.elements}
        assert not tags & {"script", "img", "iframe", "b", "i", "u"}
        names = [t for t, _ in parsed.elements]
        assert names.count("style") == 1 + names.count("svg")  # the page's and the charts'
        for _, attrs in parsed.elements:
            assert not any(name.startswith("on") for name in attrs)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "\u202e" not in page and "\x1b" not in page
        assert "\\u202e" in page and "\\x1b" in page  # shown, not obeyed
        assert "second line" in page


def test_page_loads_nothing_from_elsewhere(html_rulesets: list[RuleSet]) -> None:
    report = with_series(evaluate_many(html_rulesets), html_rulesets)
    page = render_html(report, _infos(html_rulesets), lang="en")
    assert "default-src 'none'" in page
    for tag, attrs in parse(page).elements:
        for name in ("src", "href", "xlink:href", "action"):
            value = attrs.get(name)
            assert value is None or value.startswith("#"), (tag, name, value)


def test_notebook_cards(html_rulesets: list[RuleSet]) -> None:
    report = with_series(evaluate_many(html_rulesets), html_rulesets)
    cards = report._repr_html_()
    assert cards.startswith('<div class="goalengine">')
    assert cards.count("<article") == 3
    one = report.results[0]._repr_html_()
    assert one.count("<article") == 1 and "Employment rate up" in one


def test_html_is_chosen_by_suffix() -> None:
    assert format_for_suffix(".html") == "html"
    assert format_for_suffix(".HTM") == "html"


def _cli(tmp_path: Path, *args: str) -> int:
    return main([*args, "--data-root", str(ROOT)])


def test_report_command_writes_one_page(in_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "status.html"
    assert _cli(tmp_path, "report", str(HTML), "-o", str(out), "--lang", "da", "-q") == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="da">' in page
    assert page.count("<svg") == 3


def test_check_picks_html_from_the_suffix(in_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "status.html"
    _cli(tmp_path, "check", str(HTML / "status.yaml"), "-o", str(out), "-q")
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_a_suffix_that_disagrees_with_format_is_refused(
    in_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "status.html"
    code = _cli(tmp_path, "check", str(HTML), "--format", "json", "-o", str(out))
    assert code == 2
    assert not out.exists()
    err = capsys.readouterr().err
    assert "'.html' is the suffix of format html, but --format is json" in err


def test_without_matplotlib_the_error_names_the_extra(
    in_root: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib fails
    out = tmp_path / "status.html"
    assert _cli(tmp_path, "report", str(HTML), "-o", str(out)) == 2
    err = capsys.readouterr().err
    assert "matplotlib" in err and "pip install 'goalengine[report]'" in err
    assert not out.exists()


def test_json_includes_series_on_request(
    in_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import jsonschema

    out = tmp_path / "status.json"
    _cli(tmp_path, "check", str(HTML / "status.yaml"), "-o", str(out), "--include-series")
    document = json.loads(out.read_text(encoding="utf-8"))
    first = document["results"][0]
    assert [o["period"] for o in first["series"]] == ["2007-H1", "2008-08"]
    assert first["series"][0]["source"] == "Table 1, start"
    assert first["owner"] == "BIF" and first["title_da"].startswith("Beskæftigelsen")
    schema = json.loads((ROOT / "docs" / "report.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(document, schema)
    plain = tmp_path / "plain.json"
    _cli(tmp_path, "check", str(HTML / "status.yaml"), "-o", str(plain))
    assert "series" not in json.loads(plain.read_text(encoding="utf-8"))["results"][0]


def test_chart_ids_do_not_repeat_across_files() -> None:
    # Two pages' worth of cards in one notebook: ids differ by card number only within a
    # page; a page never repeats one (checked above). Here: the id scheme itself.
    assert re.fullmatch(r"f\d+g\d+", "f0g1")


@settings(max_examples=60, deadline=None)
@given(text=st.text(min_size=1, max_size=40))
def test_any_title_and_notes_come_back_as_text(text: str) -> None:
    """Whatever a rule file says, the page's elements are the page's own and the reader
    sees the text (its unprintable characters shown as escapes)."""
    result = Result(goal="g", title=text, notes=text, rule="x >= 1", verdict=Verdict.MET,
                    explanation=text, as_of=date(2009, 3, 31))  # fmt: skip
    report = Report(as_of=date(2009, 3, 31), results=(result,))
    page = parse(render_html(report, lang="en", charts=False))
    plain = Report(as_of=date(2009, 3, 31), results=(result.model_copy(update={
        "title": "t", "notes": "n", "explanation": "e"}),))  # fmt: skip
    expected = parse(render_html(plain, lang="en", charts=False))
    assert [t for t, _ in page.elements] == [t for t, _ in expected.elements]
    shown = printable(text)
    assert shown in "".join(page.text)


def test_markdown_in_danish(in_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(HTML), "--format", "markdown", "--lang", "da"]) == 1
    text = capsys.readouterr().out
    assert text.startswith("# Mål pr. 31. marts 2009\n\n3 mål, 5 resultater: 2 nået, 1 på rette")
    assert "| Mål | Vurdering | Seneste | Målsætning | Forklaring |" in text
    assert "| ↗ på rette spor | 59,9 pct. (2008-08) | ≥ 64,4 pct. senest 2010 |" in text
    assert "- **employment-up**: Ansvarlig: BIF; Kilde: Table 1, row 1; Noter:" in text


def test_markdown_follows_a_files_lang(in_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", str(HTML / "areas.yaml"), "--format", "markdown"])
    assert capsys.readouterr().out.startswith("# Mål pr. 31. marts 2009")
    main(["check", str(HTML / "status.yaml"), "--format", "markdown"])
    assert capsys.readouterr().out.startswith("# Goals as of 2009-03-31")


_DANISH_EXPLANATION = (
    "59,9 pct. i 2008-08, +5,5 procentpoint siden 2007-H1; mål ≥ 64,4 pct. senest 2010; "
    "kræver +1,9 procentpoint om året herfra; har nået +4,7 procentpoint; "
    "med +4,7 procentpoint om året når den 70,8 pct. i 2010 → på rette spor."
)


def test_json_in_danish(in_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Explanations and verdict labels in Danish; keys, ids and verdicts stay English, so
    the same schema holds."""
    import jsonschema

    assert main(["check", str(HTML / "status.yaml"), "--format", "json", "--lang", "da"]) == 1
    document = json.loads(capsys.readouterr().out)
    schema = json.loads((ROOT / "docs" / "report.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(document)
    first = document["results"][0]
    assert (first["goal"], first["verdict"]) == ("employment-up", "on-track")
    assert first["explanation"] == _DANISH_EXPLANATION
    assert document["lang"] == "da"
    assert document["verdict_labels"]["on-track"] == "på rette spor"
    main(["check", str(HTML / "status.yaml"), "--format", "json"])
    english = json.loads(capsys.readouterr().out)
    assert "lang" not in english and "verdict_labels" not in english
    assert english["results"][0]["explanation"].startswith("59.9 pct. in 2008-08")


def test_table_and_junit_in_danish(in_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(HTML / "status.yaml"), "--format", "table", "--lang", "da"]) == 1
    table = " ".join(capsys.readouterr().out.split())
    assert "Vurdering Mål Seneste Målsætning" in table
    assert "↗ på rette spor employment-up 59,9 pct. (2008-08)" in table
    assert " ".join(_DANISH_EXPLANATION.split()) in table
    assert table.endswith("2 mål: 1 på rette spor, 1 ikke nået")
    assert main(["check", str(HTML / "status.yaml"), "--format", "junit", "--lang", "da"]) == 1
    xml = capsys.readouterr().out
    assert 'message="✗ ikke nået: 554 placements i 2008; mål ≥ 600 placements' in xml
    assert "verdict: ↗ på rette spor\n" + _DANISH_EXPLANATION in xml


def test_lang_is_refused_by_a_format_that_cannot_apply_it(
    in_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from goalengine.render import _formats, register_format

    register_format("verdicts-only", lambda report, _context: "x\n")
    try:
        assert main(["check", str(HTML), "--format", "verdicts-only", "--lang", "da"]) == 2
    finally:
        del _formats["verdicts-only"]
    err = capsys.readouterr().err
    assert "--lang: the verdicts-only format is written in English only" in err


def test_report_refuses_a_file_named_for_another_format(
    in_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "status.json"
    assert _cli(tmp_path, "report", str(HTML), "-o", str(out)) == 2
    assert not out.exists()
    err = capsys.readouterr().err
    assert "report writes HTML, but '.json' is the suffix of format json" in err
    assert "goalengine check -o" in err


def test_each_file_states_its_own_date(in_root: Path) -> None:
    """Files judged on different days: each date is stated with its file, in the summary
    and in the JSON's files, never one date for all."""
    folder = Path("tests") / "fixtures" / "cli" / "report"
    rulesets = [read_rules(folder / "verdicts.yaml"), read_rules(folder / "second.yaml")]
    report = evaluate_many(rulesets)
    page = render_html(report, _infos(rulesets), lang="en", charts=False)
    assert "judged on 31 March 2009" in page and "judged on 30 June 2012" in page
    assert [f.as_of.isoformat() for f in report.files if f.as_of] == ["2009-03-31", "2012-06-30"]
    files = json.loads(report.to_json())["files"]
    assert [(f["title"], f["as_of"]) for f in files] == [
        ("Every verdict [once] | *pipes and stars*", "2009-03-31"),
        ("A second file", "2012-06-30"),
    ]
