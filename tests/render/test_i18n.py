"""Danish and English: the catalog is complete and compiled, numbers and dates are Danish,
and a Danish sentence is the English one's clauses in other words."""

from __future__ import annotations

import ast
import gettext
from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from render_helpers import ROOT

from goalengine import Goal, Verdict, evaluate, evaluate_many, find_rule_files, read_rules
from goalengine.errors import UnknownNameError
from goalengine.explain import format_change, is_percent
from goalengine.i18n import LOCALE_DIR, default_language, language, rebuild_explanation

PO = LOCALE_DIR / "da" / "LC_MESSAGES" / "goalengine.po"


def _catalog() -> dict[str, object]:
    with PO.open("rb") as stream:
        catalog = read_po(stream)
    return {(m.id[0] if isinstance(m.id, tuple) else m.id): m.string for m in catalog if m.id}


def _messages_in_code() -> set[str]:
    """Every literal given to gettext/ngettext/_()/phrase() in the package, plus the
    verdict names (translated through ``Verdict.label``)."""
    found = {v.label for v in Verdict}
    for path in (ROOT / "goalengine").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("gettext", "_", "ngettext", "phrase"):
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.add(first.value)
    return found


def test_every_message_has_a_danish_translation() -> None:
    catalog = _catalog()
    used = _messages_in_code()
    assert len(used) > 40
    missing = sorted(m for m in used if m not in catalog)
    assert not missing, f"not in {PO.name}: {missing}"
    empty = sorted(k for k, v in catalog.items() if not v or (isinstance(v, tuple) and not all(v)))
    assert not empty, f"untranslated in {PO.name}: {empty}"
    unused = sorted(k for k in catalog if k not in used)
    assert not unused, f"in {PO.name} but no longer used: {unused}"


def test_placeholders_survive_translation() -> None:
    for message, translated in _catalog().items():
        for text in translated if isinstance(translated, tuple) else (translated,):
            assert sorted(_fields(message)) == sorted(_fields(str(text))), message


def _fields(text: str) -> list[str]:
    import re

    return re.findall(r"\{\w+\}|%\(\w+\)[ds]", text)


def test_compiled_catalog_is_up_to_date() -> None:
    """The shipped .mo says what the .po says (compare translations: Babel stamps a date)."""
    with PO.with_suffix(".mo").open("rb") as stream:
        compiled = gettext.GNUTranslations(stream)
    with PO.open("rb") as stream:
        catalog = read_po(stream)
    stale = "goalengine.mo is older than its .po: python scripts/compile_catalogs.py"
    count = 0
    for message in catalog:
        if not message.id:
            continue
        count += 1
        if isinstance(message.id, tuple):
            singular, plural = message.id
            assert compiled.ngettext(singular, plural, 1) == message.string[0], stale
            assert compiled.ngettext(singular, plural, 5) == message.string[1], stale
        else:
            assert compiled.gettext(message.id) == message.string, stale
    assert len(compiled._catalog) - 1 >= count, stale  # type: ignore[attr-defined]


def test_danish_numbers_units_and_dates() -> None:
    da = language("da")
    assert da.value(59.9, "%") == "59,9 pct."
    assert da.value(59.9, "pct.") == "59,9 pct."
    assert da.change(5.5, "%") == "+5,5 procentpoint"
    assert da.change(-2, "districts") == "-2 districts"
    assert da.number(12345.6) == "12.346"
    assert da.number(0.0123) == "0,012"
    assert da.date(date(2009, 3, 31)) == "31. marts 2009"
    assert da.gettext(Verdict.ON_TRACK.label) == "på rette spor"


def test_english_keeps_the_engines_numbers() -> None:
    en = language("en")
    assert en.value(59.9, "%") == "59.9 %"
    assert en.change(5.5, "pct.") == "+5.5pp"
    assert en.date(date(2009, 3, 31)) == "31 March 2009"


@pytest.mark.parametrize("unit", ["%", "pct.", "pct", "procent", "Procent", "percent"])
def test_percent_units(unit: str) -> None:
    assert is_percent(unit)
    assert format_change(5.5, unit) == "+5.5pp"


def test_other_units_are_not_percent() -> None:
    assert not is_percent("places") and not is_percent(None) and not is_percent("pp")


def test_rebuilt_english_sentence_is_the_engines(in_root: Path) -> None:
    """The Danish sentence comes from the same clause builder as the English one: rebuilt
    in English from a result's steps, every Copenhagen explanation comes out unchanged."""
    rulesets = [read_rules(p) for p in find_rule_files(ROOT / "rules")]
    report = evaluate_many(rulesets)
    assert len(report.results) > 40
    en = language("en")
    for result in report.results:
        assert rebuild_explanation(result, en) == result.explanation, result.goal


def test_explanation_in_danish(in_root: Path) -> None:
    ruleset = read_rules(ROOT / "rules" / "integration-2009" / "employment.yaml")
    result = evaluate_many([ruleset]).results[0]
    assert result.explanation_in("en") == result.explanation
    danish = result.explanation_in("da")
    assert danish.startswith("59,9 pct. i 2008-08, +5,5 procentpoint siden 2007-H1; mål ≥ 64,4")
    assert danish.endswith("→ på rette spor.")
    assert result.title_in("da").startswith("I perioden til og med år 2010")
    assert result.title_in("en") == result.title


def test_unknown_language_is_refused() -> None:
    with pytest.raises(UnknownNameError, match="unknown language 'de'"):
        language("de")


def test_default_language(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "da_DK.UTF-8")
    assert default_language() == "da"
    assert default_language(None, "en") == "en"  # a rule file's lang: wins
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert default_language() == "en"


def test_lang_in_a_rule_file(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text("title: t\nlang: da\ngoals:\n  - id: a\n    rule: x >= 1\n")
    assert read_rules(good).lang == "da"
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: t\nlang: dk\ngoals:\n  - id: a\n    rule: x >= 1\n")
    problems = read_rules(bad).errors
    assert problems and "lang: 'dk' is not a supported language" in problems[0].message
    assert problems[0].span.line == 2 and problems[0].hint and "da" in problems[0].hint


_ENGLISH_WORDS = (" a year", " reaches ", " by 20", "held ", "broken", " needed", "pace")


@pytest.mark.parametrize("method", ["linear", "pace", "last", "eurostat", "un-sdg", "open-sdg"])
def test_method_reasons_in_danish(method: str) -> None:
    """A progress method's reason is translated too (its numbers in Danish), not only the
    clauses around it; the native label (``substantial progress``) is the publisher's."""
    goal = Goal.parse("x >= 30 by 2030", id="g", method=method, unit="%")
    result = evaluate(goal, {"x": {"2015": 10, "2018": 14, "2020": 16}}, "2021-01-01").results[0]
    danish = result.explanation_in("da")
    assert not [w for w in _ENGLISH_WORDS if w in danish], danish
    assert "+1.2" not in danish and "9.9" not in danish, danish
    assert danish.split("; ")[:2] == ["16 pct. i 2020", "mål ≥ 30 pct. senest 2030"]
    assert rebuild_explanation(result, language("en")) == result.explanation


def test_evaluator_reasons_in_danish() -> None:
    data = {"x": {"2015": 10, "2018": 14, "2020": 16}}
    broken = evaluate(Goal.parse("x <= 11 throughout 2015..2020", id="t"), data, "2021-01-01")
    assert (
        broken.results[0].explanation_in("da")
        == "14 i 2018; mål ≤ 11; brudt i 2018 og 2020 → ikke nået."
    )
    held = evaluate(Goal.parse("x <= 20 throughout 2015..2030", id="h"), data, "2021-01-01")
    assert "overholdt i alle 3 observerede perioder" in held.results[0].explanation_in("da")
    none = evaluate(Goal.parse("y >= 1 by 2030", id="n"), {"y": {"2030": 1}}, "2021-01-01")
    assert none.results[0].explanation_in("da").startswith("ingen observation af y pr. 2021-01-01")


def test_a_phrase_survives_pickling() -> None:
    import pickle

    from goalengine.explain import TEXT_FORMATS

    phrase = TEXT_FORMATS.phrase("broken in {periods}", periods=TEXT_FORMATS.number(2.5))
    again = pickle.loads(pickle.dumps(phrase))
    assert again == "broken in 2.5"
    assert language("da").rewrite(again) == "brudt i 2,5"


def test_why_a_growth_rate_cannot_be_computed_in_danish() -> None:
    goal = Goal.parse("x >= 30 by 2030", id="g", method="un-sdg", unit="%")
    data = {"x": {"2020-01": 0, "2020-06": 3}}
    result = evaluate(goal, data, "2021-01-01").results[0]
    assert result.explanation_in("da").endswith(
        "under et år mellem starten (2020-01) og den seneste værdi (2020-06) → ukendt."
    )


def test_a_windows_unobserved_periods_in_danish() -> None:
    goal = Goal.parse("sum(x[2010..2013]) >= 500 by 2013", id="w", unit="places")
    result = evaluate(goal, {"x": {"2011": 342}}, "2012-04-30").results[0]
    assert "no data for x in 2010" in result.explanation
    assert "ingen data for x i 2010" in result.explanation_in("da")
    assert rebuild_explanation(result, language("en")) == result.explanation


def test_the_columnar_engine_explains_in_danish_as_the_scalar_one() -> None:
    from goalengine.data import read_csv_text
    from goalengine.entities import evaluate_for_each

    csv = "metric,period,entity,value\nx,2015,A,10\nx,2018,A,14\nx,2020,A,16\n"
    goal = Goal.parse("x >= 30 by 2030", id="g", for_each="entity", unit="%")
    data, day = read_csv_text(csv), date(2021, 1, 1)
    scalar = evaluate_for_each(goal, data, day, engine="scalar")[0]
    vector = evaluate_for_each(goal, data, day, engine="vector")[0]
    assert vector.explanation_in("da") == scalar.explanation_in("da")
    assert "med +1,2 procentpoint om året når den 28,3 pct. i 2030" in vector.explanation_in("da")
