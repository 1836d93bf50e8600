"""The Copenhagen report as a reader sees it: rendered by headless Chromium, offline.

Checks the DOM the browser built (every goal once, the verdict counts of the JSON report,
a title on every chart, nothing that points off the page) and keeps screenshots of the
first page and of one chart under ``.ci/out/`` (git-ignored; CI keeps them as artifacts).
``.ci/run`` installs Chromium from the OS packages when it is missing; without it the test
skips and says why.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from render_helpers import ROOT
from test_render_html import parse

from goalengine.cli import main

pytestmark = pytest.mark.slow

OUT = Path(os.environ.get("GOALENGINE_SCREENSHOTS", ROOT / ".ci" / "out"))
_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND",  # belt and braces: no name resolves
)


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no Chromium found (.ci/run installs it: apt-get install chromium)")


def _browse(page: Path, profile: Path, *args: str) -> str:
    command = [_chromium(), *_FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.fixture(scope="module")
def copenhagen(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("copenhagen")
    here = Path.cwd()
    os.chdir(ROOT)
    try:
        made = {}
        for lang in ("en", "da"):
            made[lang] = folder / f"report-{lang}.html"
            argv = ["report", "rules", "-o", str(made[lang]), "--lang", lang, "-q"]
            assert main(argv) == 0
        made["json"] = folder / "report.json"
        main(["check", "rules", "--format", "json", "-o", str(made["json"]), "-q"])
    finally:
        os.chdir(here)
    return made


def test_dom_holds_every_goal_once(copenhagen: dict[str, Path], tmp_path: Path) -> None:
    dom = parse(_browse(copenhagen["en"], tmp_path / "profile", "--dump-dom"))
    document = json.loads(copenhagen["json"].read_text(encoding="utf-8"))
    goals = [a["data-goal"] for t, a in dom.elements if t == "article"]
    assert Counter(goals) == Counter({(r["goal"]) for r in document["results"]})
    verdicts = Counter(a["data-verdict"] for _, a in dom.elements if "data-result" in a)
    assert verdicts == Counter({v: n for v, n in document["summary"].items() if n})
    ids = {a["id"] for _, a in dom.elements if a.get("id")}
    svgs = [a for t, a in dom.elements if t == "svg"]
    assert len(svgs) > 20
    for attrs in svgs:
        assert attrs.get("aria-labelledby") in ids, "every chart has a <title>"
    for tag, attrs in dom.elements:
        for name in ("src", "href", "xlink:href", "srcset", "action", "data"):
            value = attrs.get(name)
            assert value is None or value.startswith("#"), (tag, name, value)
    headings = [t for t, _ in dom.elements if t in ("h1", "h2", "h3")]
    assert headings[0] == "h1" and headings.count("h1") == 1


def test_screenshots(copenhagen: dict[str, Path], tmp_path: Path) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for lang in ("en", "da"):
        shot = OUT / f"report-{lang}.png"
        shot.unlink(missing_ok=True)
        _browse(copenhagen[lang], tmp_path / "profile", f"--screenshot={shot}",
                "--window-size=1100,1500", "--hide-scrollbars")  # fmt: skip
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    # One chart: a goal's card on its own, as a notebook shows it.
    page = copenhagen["en"].read_text(encoding="utf-8")
    start = page.rindex("<article", 0, page.index('data-goal="employment-immigrants"'))
    card = page[start : page.index("</article>", start) + len("</article>")]
    head = page[: page.index('<div class="goalengine">')]
    single = tmp_path / "card.html"
    single.write_text(f'{head}<div class="goalengine">{card}</div></body></html>', "utf-8")
    shot = OUT / "chart.png"
    shot.unlink(missing_ok=True)
    _browse(single, tmp_path / "profile", f"--screenshot={shot}", "--window-size=900,800",
            "--hide-scrollbars")  # fmt: skip
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
