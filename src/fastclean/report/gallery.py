"""The gallery of the worst issues: a card per issue with its input, given and suggested label."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .html import esc
from .thumbnails import array_thumbnail, file_thumbnail, resolve_under_root

_TEXT_LIMIT = 500
_BUCKET_CLASS = {"<60": "b-low", "60-80": "b-mid", "80+": "b-high"}


def gallery(
    issues: Any,
    *,
    k: int,
    images: np.ndarray | None = None,
    root: str | None = None,
    also: Sequence[str] = (),
) -> str:
    """Render the ``k`` worst issues (the first rows of ``issues``) as HTML cards.

    Parameters
    ----------
    issues : pandas.DataFrame
        ``issues.csv`` as read by :func:`fastclean.run.read_run`, worst first.
    k : int
        How many issues to show.
    images : ndarray, optional
        ``images.npy`` (uint8), indexed by the ``index`` column.
    root : str, optional
        Dataset root; entries of the ``path`` column are read relative to it (never outside).
    also : sequence of str
        Folders the dataset's symbolic links point into (``dataset.json``'s ``link_roots``):
        images that resolve there are shown too.

    Returns
    -------
    str
        The gallery's HTML; every piece of text is escaped.
    """
    top = issues.head(k)
    if len(top) == 0:
        return '<p class="note">No issues were flagged.</p>'
    has_text = "text" in top.columns
    cards = [_card(row, images=images, root=root, also=also, has_text=has_text) for row in top.to_dict("records")]
    kind = "gallery text" if has_text and images is None and "path" not in top.columns else "gallery"
    return f'<div class="{kind}">{"".join(cards)}</div>'


def _card(row: dict, *, images: np.ndarray | None, root: str | None, has_text: bool,
          also: Sequence[str] = ()) -> str:
    parts = [f'<span class="rank">#{esc(row.get("rank", ""))}</span>']
    parts.append(_visual(row, images=images, root=root, also=also))
    if has_text:
        text = str(row.get("text", ""))
        if len(text) > _TEXT_LIMIT:
            text = text[:_TEXT_LIMIT] + "…"
        parts.append(f"<blockquote>{esc(text)}</blockquote>")
    parts.append(
        f'<div class="labels"><span class="given" title="given label">{esc(row.get("given_label", ""))}'
        f'</span> → <span class="sugg" title="suggested label">{esc(row.get("suggested_label", ""))}'
        "</span></div>"
    )
    conf = row.get("confidence")
    bucket = str(row.get("confidence_bucket", ""))
    conf_txt = f"{100 * float(conf):.0f} %" if _is_number(conf) else "–"
    quality = row.get("label_quality")
    quality_txt = f"{float(quality):.3f}" if _is_number(quality) else "–"
    parts.append(
        f'<div class="scores"><span title="model confidence in the suggested label">conf <b class="'
        f'{_BUCKET_CLASS.get(bucket, "")}">{esc(conf_txt)}</b></span> · <span title="label quality '
        f'score of the given label (lower is more suspicious)">quality {esc(quality_txt)}</span></div>'
    )
    if "is_noisy" in row:
        noisy = str(row["is_noisy"]).lower() in ("true", "1")
        truth = f' · true {esc(row["true_label"])}' if row.get("true_label") not in (None, "") else ""
        parts.append(
            f'<span class="tag noisy" title="the given label was corrupted">noisy{truth}</span>'
            if noisy
            else '<span class="tag clean" title="the given label was right">clean</span>'
        )
    parts.append(f'<div class="id">{esc(row.get("id", ""))}</div>')
    return '<div class="item">' + "".join(parts) + "</div>"


def _visual(row: dict, *, images: np.ndarray | None, root: str | None, also: Sequence[str] = ()) -> str:
    alt = f'example {esc(row.get("id", ""))}'
    if images is not None:
        index = int(row["index"])
        if 0 <= index < len(images):
            return f'<img src="{array_thumbnail(images[index])}" alt="{alt}">'
        return '<div class="ph">index out of range</div>'
    path = row.get("path")
    if path not in (None, ""):
        full = resolve_under_root(str(path), root, also=also)
        uri = file_thumbnail(full) if full is not None else None
        if uri is not None:
            return f'<img src="{uri}" alt="{alt}">'
        reason = "outside the dataset root" if full is None else "image not found"
        return f'<div class="ph">{esc(reason)}</div>'
    return ""


def _is_number(value: Any) -> bool:
    try:
        return not np.isnan(float(value))
    except (TypeError, ValueError):
        return False
