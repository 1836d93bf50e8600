"""Compile the gettext catalogs (goalengine/locale/*/LC_MESSAGES/*.po -> .mo) with Babel.

The .mo files are committed (the package reads them without Babel); tests/render/
test_i18n.py fails when one is older than its .po. Run: python scripts/compile_catalogs.py
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parent.parent / "goalengine" / "locale"


def compiled(po: Path) -> bytes:
    """The .mo bytes of ``po`` (fuzzy entries left out, as msgfmt does)."""
    with po.open("rb") as stream:
        catalog = read_po(stream)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def main() -> int:
    for po in sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
        po.with_suffix(".mo").write_bytes(compiled(po))
        print(f"compiled {po.relative_to(LOCALE.parent.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
