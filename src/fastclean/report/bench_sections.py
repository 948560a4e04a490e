"""The report sections of a ``bench`` directory: ``results.csv`` plus links to its runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from . import plots
from .html import esc, figure, fmt, table

#: Columns of ``results.csv`` written by ``fastclean bench``.
RESULT_COLUMNS = (
    "dataset", "noise_pct", "loss", "filter_by", "strategy", "n_train", "n_actual_noisy",
    "n_flagged", "precision", "recall", "f1", "clean_val_accuracy", "seconds",
)
_NUMERIC = ("noise_pct", "n_train", "n_actual_noisy", "n_flagged", "precision", "recall", "f1",
            "clean_val_accuracy", "seconds")
_PANELS = {
    "detection F1": "f1",
    "detection precision": "precision",
    "detection recall": "recall",
    "clean validation accuracy": "clean_val_accuracy",
}

Section = tuple[str, str, str]


def read_results(path: Path) -> Any:
    """Read ``results.csv``; missing optional columns become empty, numbers become floats.

    Raises
    ------
    ValueError
        If a required column (``dataset``, ``noise_pct``, ``strategy``) is missing.
    """
    import pandas as pd

    df = pd.read_csv(path, keep_default_na=True)
    missing = [c for c in ("dataset", "noise_pct", "strategy") if c not in df.columns]
    if missing:
        raise ValueError(f"run_dir: {path} lacks the column(s) {', '.join(missing)}")
    for col in RESULT_COLUMNS:
        if col not in df.columns:
            df[col] = np.nan if col in _NUMERIC else ""
    for col in _NUMERIC:
        df[col] = pd.to_numeric(df[col], errors="coerce")
    for col in ("dataset", "strategy", "loss", "filter_by"):
        df[col] = df[col].fillna("").astype(str)
    return df


def bench_sections(bench_dir: Path, results: Any) -> list[Section]:
    """Build the sections of a bench report from its ``results`` frame (see :func:`read_results`)."""
    sections: list[Section] = [("bench-summary", "Benchmark", _overview(results))]
    plots_html = "".join(_dataset_plot(name, rows) for name, rows in results.groupby("dataset", sort=False))
    sections.append(("bench-plots", "Detection and accuracy against noise", plots_html
                     or '<p class="note">results.csv has no rows.</p>'))
    sections.append(("bench-results", "Results", _results_table(results)))
    runs = _run_links(bench_dir)
    if runs:
        sections.append(("bench-runs", "Runs", runs))
    return sections


def _overview(results: Any) -> str:
    cards = [
        ("rows", fmt(len(results))),
        ("datasets", fmt(results["dataset"].nunique())),
        ("noise levels", esc(", ".join(f"{v:g} %" for v in sorted(results["noise_pct"].dropna().unique())))),
        ("strategies", fmt(results["strategy"].nunique())),
        ("total seconds", fmt(float(np.nansum(results["seconds"].to_numpy())), digits=4)),
    ]
    return '<div class="cards">' + "".join(
        f'<div class="card"><div class="v">{v}</div><div class="k">{esc(k)}</div></div>'
        for k, v in cards
    ) + "</div>"


def _series_names(rows: Any) -> list[str]:
    """Name each row's line: the strategy, plus loss / filter_by where those vary."""
    varying = [c for c in ("loss", "filter_by") if rows[c].nunique() > 1]
    names = rows["strategy"].astype(str)
    for col in varying:
        names = names + " · " + rows[col].astype(str)
    return names.tolist()


def _dataset_plot(name: str, rows: Any) -> str:
    uri = plots.bench_plot(
        rows["noise_pct"].to_numpy(),
        _series_names(rows),
        {panel: rows[col].to_numpy() for panel, col in _PANELS.items()},
        title=str(name),
    )
    return figure(uri, f"benchmark {name}", "Medians over repeated rows (seeds) of the same setting.")


def _results_table(results: Any) -> str:
    ordered = results.sort_values(["dataset", "noise_pct", "strategy", "loss", "filter_by"],
                                  kind="stable")
    cols = list(RESULT_COLUMNS)
    rows = [[_cell(v) for v in r] for r in ordered[cols].itertuples(index=False, name=None)]
    return f'<div class="scroll">{table(cols, rows)}</div>'


def _cell(value: Any) -> Any:
    if isinstance(value, (float, np.floating)):
        return round(float(value), 4)
    return value


def _run_links(bench_dir: Path) -> str:
    links = []
    for report in sorted(bench_dir.glob("*/report.html")) + sorted(bench_dir.glob("*/*/report.html")):
        rel = report.relative_to(bench_dir).as_posix()
        links.append(f'<li><a href="{esc(rel)}">{esc(report.parent.relative_to(bench_dir).as_posix())}</a></li>')
    return f"<ul>{''.join(links)}</ul>" if links else ""
