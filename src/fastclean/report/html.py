"""Small HTML building blocks for the report: escaping, tables, figures, sections, the page.

Every piece of text that comes from data (class names, ids, tweets, settings) goes through
:func:`esc`; nothing here ever references an external resource, so the page opens offline.
"""

from __future__ import annotations

import html
import math
from typing import Any, Iterable, Sequence

import numpy as np


def esc(value: Any) -> str:
    """HTML-escape ``str(value)``, quotes included, so it is safe in text and attributes."""
    return html.escape(str(value), quote=True)


def fmt(value: Any, *, pct: bool = False, digits: int = 3) -> str:
    """Format a number for display (``pct`` shows a fraction as a percentage); escape others."""
    if value is None:
        return "–"
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if math.isnan(v):
            return "–"
        if pct:
            return f"{100 * v:.1f} %"
        if v == int(v) and abs(v) < 1e15:
            return f"{int(v):,}"
        return f"{v:.{digits}g}" if abs(v) >= 1e4 or abs(v) < 1e-3 else f"{v:.{digits}f}"
    return esc(value)


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    css_class: str = "data",
    raw_columns: Sequence[int] = (),
) -> str:
    """Render an HTML table; cells are formatted with :func:`fmt` except ``raw_columns``.

    ``raw_columns`` hold HTML the caller has already built (and escaped).
    """
    raw = set(raw_columns)
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = []
    for row in rows:
        cells = []
        for j, cell in enumerate(row):
            numeric = isinstance(cell, (int, float, np.integer, np.floating)) and not isinstance(
                cell, (bool, np.bool_)
            )
            cls = ' class="num"' if numeric else ""
            cells.append(f"<td{cls}>{cell if j in raw else fmt(cell)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f'<table class="{esc(css_class)}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def key_values(items: Iterable[tuple[str, Any]]) -> str:
    """Render ``(label, value)`` pairs as a two-column definition table."""
    rows = "".join(f"<tr><th>{esc(k)}</th><td>{v}</td></tr>" for k, v in items)
    return f'<table class="kv">{rows}</table>'


def figure(data_uri: str, alt: str, caption: str = "") -> str:
    """An embedded image (a ``data:`` URI) with an optional caption."""
    if not data_uri.startswith("data:image/"):
        raise ValueError("data_uri: only embedded data:image/ URIs are allowed in the report")
    cap = f"<figcaption>{esc(caption)}</figcaption>" if caption else ""
    return f'<figure><img src="{data_uri}" alt="{esc(alt)}">{cap}</figure>'


def section(anchor: str, title: str, body: str) -> str:
    """A top-level report section with an anchor the navigation bar links to."""
    return f'<section id="{esc(anchor)}"><h2>{esc(title)}</h2>{body}</section>'


def page(title: str, subtitle: str, sections: Sequence[tuple[str, str, str]]) -> str:
    """The whole self-contained page: inline CSS, a navigation bar, then ``sections``.

    Parameters
    ----------
    title, subtitle : str
        Plain text (escaped here).
    sections : sequence of (anchor, title, body_html)
        ``body_html`` is trusted HTML built with the helpers of this module.
    """
    nav = "".join(f'<a href="#{esc(a)}">{esc(t)}</a>' for a, t, _ in sections)
    body = "".join(section(a, t, b) for a, t, b in sections)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{_CSS}</style></head><body>"
        f'<header><h1>{esc(title)}</h1><p class="sub">{esc(subtitle)}</p><nav>{nav}</nav></header>'
        f"<main>{body}</main>"
        '<footer>Written by fastclean. Self-contained: opens offline, no scripts, no external '
        "resources.</footer></body></html>\n"
    )


_CSS = """
:root { --fg:#1d2330; --muted:#5b6475; --line:#dde2ea; --bg:#f6f7f9; --card:#fff;
        --accent:#2f6fdf; --bad:#c8392b; --ok:#2e8b57; --warn:#d98a00; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
       color:var(--fg); background:var(--bg); }
header { background:#1d2330; color:#fff; padding:18px 32px 10px; }
header h1 { margin:0; font-size:22px; font-weight:600; }
header .sub { margin:4px 0 10px; color:#b8c0cf; }
nav a { color:#cfe0ff; margin-right:18px; text-decoration:none; font-size:13px; }
nav a:hover { text-decoration:underline; }
main { max-width:1240px; margin:0 auto; padding:8px 24px 24px; }
section { background:var(--card); border:1px solid var(--line); border-radius:8px;
          padding:14px 20px 18px; margin:16px 0; }
h2 { font-size:17px; margin:0 0 10px; }
h3 { font-size:14px; margin:14px 0 6px; color:var(--muted); }
.cards { display:flex; flex-wrap:wrap; gap:10px; margin-bottom:12px; }
.card { border:1px solid var(--line); border-radius:6px; padding:8px 14px; min-width:130px; }
.card .v { font-size:20px; font-weight:600; }
.card .k { font-size:12px; color:var(--muted); }
.card.bad .v { color:var(--bad); } .card.ok .v { color:var(--ok); }
table { border-collapse:collapse; font-size:13px; margin:4px 0 8px; }
table.data th, table.data td { border-bottom:1px solid var(--line); padding:3px 10px; text-align:left;
                               vertical-align:top; }
table.data th { background:#eef1f6; position:sticky; top:0; }
table.data td.num { text-align:right; font-variant-numeric:tabular-nums; }
table.kv th { text-align:left; color:var(--muted); font-weight:500; padding:2px 16px 2px 0;
              vertical-align:top; }
table.kv td { padding:2px 0; word-break:break-word; }
.cols { display:flex; flex-wrap:wrap; gap:24px; align-items:flex-start; }
.scroll { max-height:480px; overflow:auto; border:1px solid var(--line); border-radius:4px; }
figure { margin:6px 0 10px; }
figure img { max-width:100%; height:auto; display:block; }
figcaption { font-size:12px; color:var(--muted); margin-top:2px; }
.gallery { display:grid; grid-template-columns:repeat(auto-fill,minmax(172px,1fr)); gap:10px; }
.gallery.text { grid-template-columns:repeat(auto-fill,minmax(360px,1fr)); }
.item { border:1px solid var(--line); border-radius:6px; padding:8px; background:#fff; font-size:12px;
        overflow:hidden; }
.item img { display:block; margin:0 auto 6px; max-width:100%; image-rendering:pixelated; }
.item .ph { height:96px; display:flex; align-items:center; justify-content:center;
            background:#f0f2f5; color:var(--muted); margin-bottom:6px; text-align:center; }
.item .rank { float:right; color:var(--muted); }
.item .labels { font-size:15px; margin:2px 0; }
.item .scores { white-space:nowrap; font-size:11.5px; }
.item .given { color:var(--bad); text-decoration:line-through; }
.item .sugg { color:var(--ok); font-weight:600; }
.item .id { color:var(--muted); word-break:break-all; }
.item blockquote { margin:6px 0; padding:6px 8px; background:#f6f7f9; border-left:3px solid
                   var(--line); white-space:pre-wrap; word-break:break-word; font-size:13px; }
.b-low { color:var(--bad); } .b-mid { color:var(--warn); } .b-high { color:var(--ok); }
.tag { display:inline-block; font-size:11px; padding:0 5px; border-radius:3px; background:#eef1f6; }
.tag.noisy { background:#fde8e6; color:var(--bad); }
.tag.clean { background:#e6f4ec; color:var(--ok); }
.note { color:var(--muted); font-size:12px; }
footer { text-align:center; color:var(--muted); font-size:12px; padding:12px; }
"""
