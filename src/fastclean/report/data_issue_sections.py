"""Report sections for ``data_issues.csv``: counts, duplicate pairs side by side, an outlier gallery."""

from __future__ import annotations

from typing import Any

import numpy as np

from .html import esc, fmt, table
from .thumbnails import array_thumbnail, file_thumbnail, resolve_under_root

Section = tuple[str, str, str]
_TEXT_LIMIT = 280
_LABELS = {
    "exact_duplicate": "exact duplicates (same content hash)",
    "near_duplicate": "near duplicates (embedding distance)",
    "cross_split_duplicate": "duplicated across splits (leakage)",
    "conflicting_duplicate": "in a duplicate set with conflicting labels",
    "outlier": "outliers",
    "class_imbalance": "in a class far below 1/K of the data",
    "duplicate_sets": "duplicate sets",
}


def data_issue_sections(run: Any, *, top_k: int) -> list[Section]:
    """The data-issue sections of a run's report (none when the run has no ``data_issues.csv``)."""
    table_ = getattr(run, "data_issues", None)
    info = run.summary.get("data_issues")
    if table_ is None or info is None:
        return []
    root = run.dataset.get("root") or run.summary.get("dataset", {}).get("root")
    sections = [("data-issues", "Data issues", _counts(info))]
    dup = table_[table_["issue_type"].isin(["exact_duplicate", "near_duplicate", "cross_split_duplicate"])]
    if "duplicates" in info.get("settings", {}).get("checks", []):
        sections.append(("duplicates", "Duplicate pairs", _pairs(table_, dup, run, root, top_k)))
    if "outliers" in info.get("settings", {}).get("checks", []):
        out = table_[table_["issue_type"] == "outlier"].sort_values("score", kind="stable")
        sections.append(("outliers", f"Outliers ({len(out):,})", _outliers(out, run, root, top_k)))
    return sections


def _counts(info: dict) -> str:
    counts = info.get("counts", {})
    rows = [(_LABELS.get(k, k), int(v)) for k, v in counts.items()]
    s = info.get("settings", {})
    note = (f'<p class="note">Features: {esc(s.get("features"))}; {esc(s.get("metric", ""))} distance, '
            f'k = {esc(s.get("k_used", s.get("k", "")))}, nearest-neighbour search '
            f'{esc(s.get("backend", "–"))}; near-duplicate radius {fmt(s.get("near_duplicate_radius"))}, '
            f'outlier cutoff ({esc(_outlier_rule(s))}) {fmt(s.get("outlier_cutoff"))}. '
            "Every row is listed in <code>data_issues.csv</code>.</p>")
    return table(["examples", "count"], rows) + note


def _outlier_rule(s: dict) -> str:
    if s.get("outlier_method") == "isolation":
        return (f'isolation-forest anomaly on the {s.get("outlier_input", "features")}, '
                f'Q3 + {s.get("outlier_fence", 3)} IQR')
    return "mean k-NN distance"


def _pairs(all_rows: Any, dup: Any, run: Any, root: str | None, top_k: int) -> str:
    if len(dup) == 0:
        return '<p class="note">No duplicates found.</p>'
    conflicting = set(all_rows.loc[all_rows["issue_type"] == "conflicting_duplicate", "group"].tolist())
    # One pair per set: cross-split and conflicting sets first, then the closest.
    same = (dup["given_label"].astype(str) == dup["other_label"].astype(str)) \
        if "other_label" in dup.columns else False
    dup = dup.assign(
        _cross=(dup["issue_type"] != "cross_split_duplicate").astype(int),
        _conf=(~dup["group"].isin(conflicting)).astype(int),
        _same=same,  # in a conflicting set, show a pair whose labels differ
    ).sort_values(["_cross", "_conf", "_same", "distance", "index"], kind="stable")
    seen, cards = set(), []
    for row in dup.to_dict("records"):
        key = row["group"] if int(row["group"]) >= 0 else ("exact", row["index"])
        if key in seen:
            continue
        seen.add(key)
        cards.append(_pair_card(row, run, root, conflicting=row["group"] in conflicting))
        if len(cards) >= top_k:
            break
    n_sets = dup["group"].nunique()
    note = f'<p class="note">{min(len(cards), n_sets)} of {n_sets:,} duplicate sets, one pair each.</p>'
    return note + f'<div class="gallery" style="grid-template-columns:repeat(auto-fill,minmax(340px,1fr))">{"".join(cards)}</div>'


def _pair_card(row: dict, run: Any, root: str | None, *, conflicting: bool) -> str:
    left = _side(row, "", run, root)
    right = _side(row, "other_", run, root)
    tags = []
    if row["issue_type"] == "cross_split_duplicate":
        tags.append('<span class="tag noisy">across splits</span>')
    if conflicting:
        tags.append('<span class="tag noisy">labels differ</span>')
    dist = row.get("distance")
    head = (f'<div class="scores">set {esc(row["group"])} · distance {fmt(dist, digits=4)} '
            f'{" ".join(tags)}</div>')
    return (f'<div class="item">{head}<div style="display:flex;gap:8px">'
            f'<div style="flex:1;min-width:0">{left}</div><div style="flex:1;min-width:0">{right}</div>'
            "</div></div>")


def _side(row: dict, prefix: str, run: Any, root: str | None) -> str:
    index = int(row.get(f"{prefix}index", -1) if row.get(f"{prefix}index", "") != "" else -1)
    label = row.get("given_label" if not prefix else "other_label", "")
    parts = [_visual(index, row.get(f"{prefix}path"), row.get(f"{prefix}text"), run, root,
                     alt=row.get(f"{prefix}id", ""))]
    parts.append(f'<div class="labels">{esc(label)}</div>')
    where = [str(row.get(f"{prefix}split", "") or ""), str(row.get(f"{prefix}id", ""))]
    parts.append(f'<div class="id">{esc(" · ".join(w for w in where if w))}</div>')
    return "".join(parts)


def _outliers(out: Any, run: Any, root: str | None, top_k: int) -> str:
    if len(out) == 0:
        return '<p class="note">No outliers found.</p>'
    cards = []
    for row in out.head(top_k).to_dict("records"):
        visual = _visual(int(row["index"]), row.get("path"), row.get("text"), run, root, alt=row["id"])
        cards.append(
            f'<div class="item">{visual}<div class="labels">{esc(row.get("given_label", ""))}</div>'
            f'<div class="scores" title="score (lower = more unusual) · mean distance to the k '
            f'nearest neighbours">score {fmt(row["score"], digits=3)} · dist '
            f'{fmt(row.get("distance"), digits=3)}</div><div class="id">{esc(row["id"])}</div></div>'
        )
    text_only = run.images is None and not any(str(r.get("path", "")) for r in out.head(1).to_dict("records"))
    kind = "gallery text" if text_only else "gallery"
    return f'<div class="{kind}">{"".join(cards)}</div>'


def _visual(index: int, path: Any, text: Any, run: Any, root: str | None, *, alt: Any) -> str:
    if run.images is not None and 0 <= index < len(run.images):
        return f'<img src="{array_thumbnail(np.asarray(run.images[index]))}" alt="example {esc(alt)}">'
    if path not in (None, ""):
        full = resolve_under_root(str(path), root)
        uri = file_thumbnail(full) if full is not None else None
        if uri is not None:
            return f'<img src="{uri}" alt="example {esc(alt)}">'
        return '<div class="ph">image not available</div>'
    if text not in (None, ""):
        text = str(text)
        if len(text) > _TEXT_LIMIT:
            text = text[:_TEXT_LIMIT] + "…"
        return f"<blockquote>{esc(text)}</blockquote>"
    return ""
