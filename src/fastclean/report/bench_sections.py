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
    df = _with_timings(df, Path(path).with_name("timings.csv"))
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


def _with_timings(results: Any, timings_path: Path) -> Any:
    """Attach the machine-dependent columns kept in ``timings.csv`` (same rows, same order)."""
    import pandas as pd

    if not timings_path.is_file():
        return results
    timings = pd.read_csv(timings_path, keep_default_na=True)
    if len(timings) != len(results):
        return results
    extra = [c for c in timings.columns if c not in results.columns]
    return pd.concat([results, timings[extra]], axis=1)


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
        ("total seconds", esc(f"{float(np.nansum(results['seconds'].to_numpy())):,.1f}")),
    ]
    return '<div class="cards">' + "".join(
        f'<div class="card"><div class="v">{v}</div><div class="k">{esc(k)}</div></div>'
        for k, v in cards
    ) + "</div>"


def _series_names(rows: Any, columns: tuple[str, ...]) -> list[str]:
    """Name each row's line from ``columns``, keeping only those that vary within ``rows``."""
    varying = [c for c in columns if rows[c].nunique() > 1] or list(columns[:1])
    parts = rows[varying].astype(str).to_numpy()
    return [" · ".join(p for p in row if p) or "–" for row in parts]


def _dataset_plot(name: str, rows: Any) -> str:
    # Detection depends on how pred_probs were made (loss) and on filter_by, not on the
    # training strategy that used the flags; accuracy depends on all three.
    detection = _series_names(rows, ("filter_by", "loss"))
    training = _series_names(rows, ("strategy", "loss", "filter_by"))
    panels = {panel: (rows[col].to_numpy(), training if col == "clean_val_accuracy" else detection)
              for panel, col in _PANELS.items()}
    uri = plots.bench_plot(rows["noise_pct"].to_numpy(), panels, title=str(name))
    return figure(uri, f"benchmark {name}",
                  "Detection lines: one per filter_by (and loss); accuracy lines: one per strategy. "
                  "Medians over repeated rows of the same setting.")


def _results_table(results: Any) -> str:
    ordered = results.sort_values(["dataset", "noise_pct", "strategy", "loss", "filter_by"],
                                  kind="stable")
    cols = list(RESULT_COLUMNS) + [c for c in results.columns if c not in RESULT_COLUMNS]
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
