"""The fixed parts of the HTML report: its style sheet and the page around the cards.

One file that opens offline: the CSS is inline, the charts are inline SVG, and a Content
Security Policy forbids the page to load anything (no fonts, images or scripts from
elsewhere, even if a chart or a title tried).
"""

from __future__ import annotations

from html import escape

__all__ = ["CSS", "page"]

# Colours meet WCAG AA (4.5:1) on white; verdicts also carry a symbol and a word, so the
# report reads in black and white (print) and without colour vision.
CSS = """
.goalengine{--met:#1a7f37;--on-track:#2f6f4f;--at-risk:#9a6700;--missed:#b42318;
 --unknown:#59636e;--error:#8250df;--line:#d0d7de;--muted:#4d5661;
 font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
 color:#1f2328;line-height:1.45;max-width:60rem;margin:0 auto;padding:1rem}
.goalengine h1{font-size:1.6rem;margin:.2rem 0}
.goalengine h2{font-size:1.25rem;border-bottom:2px solid var(--line);padding-bottom:.2rem;
 margin-top:2rem}
.goalengine h3{font-size:1.05rem;margin:0 0 .3rem}
.goalengine .meta,.goalengine figcaption,.goalengine .small{color:var(--muted);font-size:.85rem}
.goalengine table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}
.goalengine th,.goalengine td{border-bottom:1px solid var(--line);padding:.2rem .6rem;
 text-align:left;vertical-align:top}
.goalengine td.n,.goalengine th.n{text-align:right;font-variant-numeric:tabular-nums}
.goalengine .card{border:1px solid var(--line);border-left:6px solid var(--unknown);
 border-radius:4px;padding:.8rem 1rem;margin:1rem 0;break-inside:avoid;page-break-inside:avoid}
.goalengine .badge{display:inline-block;font-weight:600;padding:.05rem .5rem;border-radius:3px;
 color:#fff;background:var(--unknown);white-space:nowrap}
.goalengine .v-met{--v:var(--met)}.goalengine .v-on-track{--v:var(--on-track)}
.goalengine .v-at-risk{--v:var(--at-risk)}.goalengine .v-missed{--v:var(--missed)}
.goalengine .v-unknown{--v:var(--unknown)}.goalengine .v-error{--v:var(--error)}
.goalengine .card[class*="v-"]{border-left-color:var(--v)}
.goalengine .badge[class*="v-"]{background:var(--v)}
.goalengine .explanation{font-size:1rem;margin:.4rem 0}
.goalengine figure{margin:.4rem 0}
.goalengine svg{height:auto}
.goalengine dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .8rem;
 font-size:.85rem;margin:.5rem 0 0}
.goalengine dt{color:var(--muted)}
.goalengine dd{margin:0;white-space:pre-line;overflow-wrap:anywhere}
.goalengine code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85em;
 overflow-wrap:anywhere}
@media print{
 @page{size:A4;margin:15mm}
 .goalengine{max-width:none;padding:0;font-size:10pt}
 .goalengine .badge{color:#000;background:none;border:1px solid #000}
 .goalengine h2{break-after:avoid;page-break-after:avoid}
}
"""


def page(lang: str, title: str, body: str) -> str:
    """A complete HTML document around ``body`` (already escaped HTML)."""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        '<meta name="generator" content="goalengine">\n'
        f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n"
        f'<body>\n<div class="goalengine">\n{body}</div>\n</body>\n</html>\n'
    )
