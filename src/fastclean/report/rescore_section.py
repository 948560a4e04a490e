"""The report section of ``rescore.csv``: models on the original vs the corrected labels."""

from __future__ import annotations

from pathlib import Path

from .html import esc, table

RESCORE_FILE = "rescore.csv"


def rescore_section(run_dir: Path) -> tuple[str, str, str] | None:
    """``(anchor, title, html)`` for ``run_dir/rescore.csv``, or None when there is none."""
    import pandas as pd

    path = Path(run_dir) / RESCORE_FILE
    if not path.is_file():
        return None
    frame = pd.read_csv(path, keep_default_na=False)
    if len(frame) == 0 or "model" not in frame.columns:
        return None
    f1_cols = [c for c in frame.columns if c.startswith("f1_") and c not in ("f1_original", "f1_corrected")]
    headers = ["model", "accuracy (original)", "accuracy (corrected)", "change",
               "rank (original)", "rank (corrected)", "macro F1 (original)", "macro F1 (corrected)"]
    headers += [c.replace("_", " ") for c in f1_cols]
    rows = []
    for _, r in frame.sort_values("rank_corrected", kind="stable").iterrows():
        moved = int(r["rank_change"])
        arrow = str(r["rank_corrected"]) + (f" ({moved:+d})" if moved else "")
        rows.append([str(r["model"]), float(r["accuracy_original"]), float(r["accuracy_corrected"]),
                     f"{100 * float(r['accuracy_change']):+.2f} pts", str(r["rank_original"]), arrow,
                     float(r["f1_original"]), float(r["f1_corrected"])] + [float(r[c]) for c in f1_cols])
    n0, n1 = int(frame["n_original"].iloc[0]), int(frame["n_corrected"].iloc[0])
    moved = int((frame["rank_change"] != 0).sum())
    changed = ""
    if {"n_relabelled", "n_dropped"} <= set(frame.columns):
        changed = (f" ({int(frame['n_relabelled'].iloc[0]):,} relabelled, "
                   f"{int(frame['n_dropped'].iloc[0]):,} dropped)")
    intro = (
        f"<p>Each model scored on the {n0:,} given labels and on the {n1:,} labels left after the "
        f"review{changed}: relabelled examples take their new label, dropped ones are left out. "
        f"{moved} of {len(frame)} models change rank. Written by <code>fastclean rescore</code>; "
        f"the table is <code>{esc(RESCORE_FILE)}</code>.</p>"
    )
    return ("rescore", "Models on the corrected labels", intro + table(headers, rows))
