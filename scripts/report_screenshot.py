"""Regenerate docs/report.png, the README's picture of the HTML report.

Writes the Copenhagen integration report (rules/integration-2009/employment.yaml) as HTML
and photographs its first screen with headless Chromium:

    python scripts/report_screenshot.py [--lang en|da] [--output docs/report.png]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules" / "integration-2009" / "employment.yaml"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=("en", "da"), default="en")
    parser.add_argument("--output", default=str(ROOT / "docs" / "report.png"))
    args = parser.parse_args(argv)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("no chromium on PATH (apt-get install chromium)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "report.html"
        subprocess.run(
            [sys.executable, "-m", "goalengine", "report", str(RULES.relative_to(ROOT)),
             "--lang", args.lang, "-q", "-o", str(page)],
            cwd=ROOT, check=True,
        )  # fmt: skip
        subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--no-first-run", f"--user-data-dir={folder}/profile",
             "--hide-scrollbars", "--window-size=1000,1250",
             f"--screenshot={Path(args.output).resolve()}", page.as_uri()],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
