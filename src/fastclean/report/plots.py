"""The report's matplotlib figures, each returned as an embeddable PNG ``data:`` URI.

Figures are built with :class:`matplotlib.figure.Figure` on the Agg canvas, never through
``pyplot``: no global state, no GUI backend, nothing fetched from the network.
"""

from __future__ import annotations

import base64
import io
from typing import Sequence

import numpy as np

#: Confidence buckets of ``issues.csv`` (DESIGN.md §3), with their colours.
BUCKETS = (("<60", 0.0, 0.6, "#c8392b"), ("60-80", 0.6, 0.8, "#d98a00"), ("80+", 0.8, 1.0, "#2e8b57"))
_MAX_TICK_LABELS = 30
#: Above this many classes the noise-matrix heatmap zooms on the noisiest ones.
MAX_MATRIX_CLASSES = _MAX_TICK_LABELS
_MAX_CELL_TEXT = 12


def _new_figure(width: float, height: float):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    return fig


def to_data_uri(fig, *, dpi: int = 100) -> str:
    """Render ``fig`` as PNG and return it as a base64 ``data:image/png`` URI."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _short(name: str, width: int = 14) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def _matrix_axes(ax, matrix: np.ndarray, classes: Sequence[str], title: str) -> object:
    k = matrix.shape[0]
    im = ax.imshow(matrix, cmap="Blues", vmin=0.0, vmax=1.0, interpolation="nearest")
    ax.set_title(title, fontsize=11)
    ax.set_xlabel("true label")
    ax.set_ylabel("given label")
    if k <= _MAX_TICK_LABELS:
        names = [_short(c) for c in classes]
        ax.set_xticks(range(k), names, rotation=60 if k > 4 else 0, ha="right" if k > 4 else "center",
                      fontsize=8)
        ax.set_yticks(range(k), names, fontsize=8)
    else:
        ax.set_xticks([])
        ax.set_yticks([])
    if k <= _MAX_CELL_TEXT:
        for i in range(k):
            for j in range(k):
                v = matrix[i, j]
                ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=8 if k > 6 else 10,
                        color="white" if v > 0.55 else "#1d2330")
    return im


def noisiest_classes(noise_matrix: np.ndarray, n: int) -> np.ndarray:
    """Indices (ascending) of the ``n`` classes with the lowest ``P(given = j | true = j)``."""
    diag = np.diag(np.asarray(noise_matrix, dtype=float))
    return np.sort(np.argsort(diag, kind="stable")[:n])


def noise_matrix_plot(
    estimated: np.ndarray,
    classes: Sequence[str],
    true: np.ndarray | None = None,
    *,
    max_classes: int = MAX_MATRIX_CLASSES,
) -> str:
    """Heatmap of the estimated noise matrix ``P(given label | true label)``, the true one beside.

    Parameters
    ----------
    estimated : ndarray, shape (K, K)
        Row = given label, column = true label; each column sums to 1.
    classes : sequence of str
        Class names, in label order.
    true : ndarray, shape (K, K), optional
        The empirical noise matrix of the injected noise, when it is known.
    max_classes : int
        Above this many classes only the ``max_classes`` with the lowest estimated diagonal
        (the noisiest) are drawn, in label order.
    """
    estimated = np.asarray(estimated, dtype=float)
    names = list(classes)
    keep = None
    if estimated.shape[0] > max_classes:
        # A 1000x1000 heatmap shows only its diagonal: zoom on the noisiest classes instead.
        keep = noisiest_classes(estimated, max_classes)
        names = [names[i] for i in keep]
    sub = (lambda m: m) if keep is None else (lambda m: m[np.ix_(keep, keep)])
    suffix = "" if keep is None else f", {len(keep)} noisiest classes"
    panels = [(sub(estimated), "estimated by confident learning" + suffix)]
    if true is not None:
        panels.append((sub(np.asarray(true, dtype=float)), "true (injected noise)" + suffix))
    classes = names
    k = panels[0][0].shape[0]
    side = min(6.2, max(3.6, 0.42 * k + 1.8))
    fig = _new_figure(side * len(panels) + 0.8, side)
    axes = fig.subplots(1, len(panels), squeeze=False)[0]
    im = None
    for ax, (matrix, title) in zip(axes, panels):
        im = _matrix_axes(ax, matrix, classes, title)
    fig.colorbar(im, ax=list(axes), shrink=0.8, label="P(given | true)")
    return to_data_uri(fig)


def issues_per_class_plot(
    given: np.ndarray, suggested: np.ndarray, classes: Sequence[str], *, max_classes: int = 20
) -> str:
    """Horizontal bars: issues per given class, split by the suggested class.

    Only the ``max_classes`` given classes with the most issues are drawn; suggested classes
    beyond the ten most frequent are pooled as ``other``.
    """
    k = len(classes)
    given = np.asarray(given, dtype=np.int64)
    suggested = np.asarray(suggested, dtype=np.int64)
    counts = np.zeros((k, k), dtype=np.int64)
    np.add.at(counts, (given, suggested), 1)
    per_given = counts.sum(1)
    rows = [int(r) for r in np.argsort(-per_given, kind="stable")[:max_classes] if per_given[r] > 0]
    rows = rows[::-1]  # barh draws bottom-up: biggest on top
    col_totals = counts.sum(0)
    # Colour = suggested class, fixed per class so a colour means the same class in every bar.
    top_cols = sorted(int(c) for c in np.argsort(-col_totals, kind="stable")[:10] if col_totals[c] > 0)
    other = [c for c in range(k) if c not in top_cols]

    fig = _new_figure(7.6, max(2.4, 0.34 * max(len(rows), 1) + 1.4))
    ax = fig.subplots()
    if not rows:
        ax.text(0.5, 0.5, "no issues found", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return to_data_uri(fig)
    palette = _qualitative(k if k <= 20 else len(top_cols))
    left = np.zeros(len(rows))
    segments = [(classes[c], counts[rows, c], palette[c if k <= 20 else i])
                for i, c in enumerate(top_cols)]
    if other:
        segments.append(("other", counts[np.ix_(rows, other)].sum(1), "#b0b6c0"))
    for name, width, color in segments:
        ax.barh(range(len(rows)), width, left=left, color=color, label=_short(str(name), 18),
                edgecolor="white", linewidth=0.5)
        left += width
    ax.set_yticks(range(len(rows)), [_short(str(classes[r]), 22) for r in rows], fontsize=9)
    for y, total in enumerate(left):
        ax.text(total, y, f" {int(total)}", va="center", fontsize=8, color="#5b6475")
    ax.set_xlabel("issues flagged (given label on the left, colour = suggested)")
    ax.set_xlim(0, left.max() * 1.12)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(title="suggested", fontsize=8, title_fontsize=9, loc="center left",
              bbox_to_anchor=(1.01, 0.5), frameon=False)
    return to_data_uri(fig)


def _qualitative(n: int) -> list:
    from matplotlib import colormaps

    cmap = colormaps["tab10"] if n <= 10 else colormaps["tab20"]
    return [cmap(i % cmap.N) for i in range(n)]


def confidence_histogram(confidence: np.ndarray) -> str:
    """Histogram of the model's confidence in the suggested label, over the flagged issues.

    Bars are coloured by bucket (``<60``, ``60-80``, ``80+``); the legend gives each count.
    """
    conf = np.clip(np.asarray(confidence, dtype=float), 0.0, 1.0)
    fig = _new_figure(7.0, 3.2)
    ax = fig.subplots()
    edges = np.linspace(0.0, 1.0, 41)
    hist, _ = np.histogram(conf, bins=edges)
    centers = (edges[:-1] + edges[1:]) / 2
    for name, lo, hi, color in BUCKETS:
        inside = (centers >= lo) & (centers < hi)
        n = int(np.sum((conf >= lo) & ((conf < hi) if hi < 1.0 else (conf <= hi))))
        ax.bar(centers[inside], hist[inside], width=edges[1] - edges[0], color=color,
               edgecolor="white", linewidth=0.4, label=f"{name} %: {n:,}")
    for x in (0.6, 0.8):
        ax.axvline(x, color="#5b6475", linewidth=0.8, linestyle="--")
    ax.set_xlim(0, 1)
    ax.set_xlabel("model confidence in the suggested label")
    ax.set_ylabel("issues")
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(fontsize=9, frameon=False, loc="upper left")
    return to_data_uri(fig)


def precision_recall_at_rank(is_noisy_ranked: np.ndarray, n_actual_noisy: int) -> str:
    """Precision@k and recall@k of the ranked issues against the known truth.

    Parameters
    ----------
    is_noisy_ranked : ndarray of bool
        For each flagged issue, worst first, whether its label really was corrupted.
    n_actual_noisy : int
        Number of corrupted labels in the whole dataset (recall's denominator).
    """
    hits = np.cumsum(np.asarray(is_noisy_ranked, dtype=bool))
    k = np.arange(1, len(hits) + 1)
    fig = _new_figure(7.0, 3.2)
    ax = fig.subplots()
    if len(hits):
        ax.plot(k, hits / k, color="#2f6fdf", label="precision@k")
        ax.plot(k, hits / max(int(n_actual_noisy), 1), color="#c8392b", label="recall@k")
    if 0 < n_actual_noisy <= max(len(hits), 1):
        ax.axvline(n_actual_noisy, color="#5b6475", linestyle="--", linewidth=0.8)
        ax.text(n_actual_noisy, 0.02, " actual noisy", fontsize=8, color="#5b6475")
    ax.set_ylim(0, 1.03)
    ax.set_xlim(1, max(len(hits), 2))
    ax.set_xlabel("rank k (issues, worst first)")
    ax.set_ylabel("score")
    ax.grid(alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    if len(hits):
        ax.legend(fontsize=9, frameon=False, loc="center right")
    return to_data_uri(fig)


def bench_plot(
    noise_pct: np.ndarray, panels: dict[str, tuple[np.ndarray, Sequence[str]]], title: str
) -> str:
    """One panel per metric against noise level, one line per series in each panel.

    Parameters
    ----------
    noise_pct : ndarray
        Noise level (percent) of each row.
    panels : dict of str to (values, series)
        Panel title -> the metric value of each row (NaN values are left out) and the name of
        the line each row belongs to. Rows that share a line and a noise level are summarised
        by their median. A series name has the same colour in every panel.
    title : str
        Figure title (the dataset).
    """
    noise_pct = np.asarray(noise_pct, dtype=float)
    all_names = list(dict.fromkeys(str(n) for _, names in panels.values() for n in names))
    style = {n: i for i, n in enumerate(all_names)}
    colors = _qualitative(len(all_names))
    ncols = min(len(panels), 2)
    nrows = -(-len(panels) // ncols)
    fig = _new_figure(4.2 * ncols + 2.6, 3.0 * nrows + 0.4)
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax in axes[len(panels):]:
        ax.set_axis_off()
    for ax, (panel, (values, names)) in zip(axes, panels.items()):
        values = np.asarray(values, dtype=float)
        series = np.asarray([str(n) for n in names], dtype=object)
        drawn = []
        for name in dict.fromkeys(series.tolist()):
            rows = (series == name) & ~np.isnan(values)
            if not rows.any():
                continue
            levels = np.unique(noise_pct[rows])
            med = [np.median(values[rows & (noise_pct == lv)]) for lv in levels]
            i = style[name]
            # Marker and dash vary too, so series with equal values stay distinguishable.
            ax.plot(levels, med, marker="osD^v<>"[i % 7], linestyle=("-", "--", ":", "-.")[i % 4],
                    color=colors[i], label=_short(name, 30), alpha=0.9)
            drawn += med
        if drawn:
            lo, hi = float(np.min(drawn)), float(np.max(drawn))
            pad = max(0.02, 0.1 * (hi - lo))
            ax.set_ylim(max(0.0, lo - pad), min(1.02, hi + pad) if hi <= 1 else hi + pad)
        else:
            ax.text(0.5, 0.5, "no values", ha="center", va="center", transform=ax.transAxes,
                    color="#5b6475")
        ax.set_title(panel, fontsize=10)
        ax.set_xlabel("noise (%)")
        if np.isfinite(noise_pct).any():  # same x range in every panel, from 0 % noise
            top = float(np.nanmax(noise_pct))
            ax.set_xlim(-0.04 * max(top, 1.0), top * 1.04 + 0.5)
        ax.grid(alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
    handles, labels = [], []
    for ax in axes:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    if handles:
        fig.legend(handles, labels, loc="outside right center", fontsize=8, frameon=False)
    fig.suptitle(title, fontsize=11)
    return to_data_uri(fig)
