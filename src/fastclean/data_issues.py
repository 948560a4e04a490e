"""The data-issue step of ``find`` and its file, ``data_issues.csv`` in the run directory.

:func:`audit_dataset` runs :func:`fastclean.audit.find_data_issues` on every loaded example
(all splits, so that leakage across splits is seen even when only the test split is scored),
on the embeddings the ``find`` model already cached (:func:`fastclean.models.embeddings.audit_features`).
The table's ``index`` / ``other_index`` are rows of the run (``examples.csv``), ``-1`` for an
example outside it (a training tweet duplicated by a test tweet in ``find --split test``);
``id`` and ``split`` always name the example, and ``text`` / ``path`` hold its input.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any, Sequence

import numpy as np

DATA_ISSUES_FILE = "data_issues.csv"


def audit_dataset(
    full: Any,
    rows: np.ndarray,
    model: Any = None,
    *,
    checks: Sequence[str] | None = None,
    parts: Sequence[np.ndarray] | None = None,
    cache_dir: str | os.PathLike | None = None,
    progress: bool = True,
) -> tuple[Any, dict[str, Any]]:
    """Run the data checks on ``full`` and keep the rows that concern the run's examples.

    Parameters
    ----------
    full : LabelledDataset
        Every loaded example.
    rows : ndarray of int
        The run's examples, as rows of ``full`` (row ``i`` of the run is ``full[rows[i]]``).
    model : fastclean.models.Model, optional
        The ``find`` model, whose cached features are reused.
    checks : sequence of str, optional
        From ``duplicates``, ``outliers``, ``imbalance`` (default all).
    parts : sequence of row arrays, optional
        How ``full``'s features were cached (see :func:`~fastclean.models.embeddings.audit_features`).

    Returns
    -------
    table : pandas.DataFrame
        ``data_issues.csv``'s rows.
    info : dict
        ``counts``, ``settings``, ``features`` and ``seconds``, for ``summary.json``.
    """
    from .audit import find_data_issues, parse_checks
    from .audit.checks import exact_duplicate_keys
    from .models.embeddings import audit_features

    t0 = time.perf_counter()
    wanted = [c for c in parse_checks(checks) if c != "labels"]
    features, feature_name = None, None
    if ("duplicates" in wanted or "outliers" in wanted) and len(full) >= 2:
        features, feature_name = audit_features(full, model, parts=parts, cache_dir=cache_dir,
                                                progress=progress)
    t_features = time.perf_counter() - t0
    keys = None
    if "duplicates" in wanted:
        if full.texts is not None:
            keys = exact_duplicate_keys(texts=full.texts)
        elif full.images is not None:
            keys = exact_duplicate_keys(images=full.images)
        elif full.paths is not None:
            keys = exact_duplicate_keys(paths=full.paths)
    splits = list(full.splits) if len(set(full.splits)) > 1 else None
    small_images = full.images if feature_name and feature_name.startswith("pixels") else None
    found = find_data_issues(features, full.labels, n_classes=full.n_classes, keys=keys,
                             images=small_images, cache_dir=_cache(cache_dir),
                             ids=list(full.ids), splits=splits, checks=wanted)
    table = _to_run_rows(found.table, full, np.asarray(rows, dtype=np.int64))
    # Counts over the run's examples (cross-split pairs: the run's side of each pair).
    counts = {kind: int(table.loc[table["issue_type"] == kind, "index"].nunique())
              for kind in found.flags}
    if "duplicate_sets" in found.counts:
        counts["duplicate_sets"] = int(table["group"].dropna().nunique())
    info = {
        "counts": counts,
        "settings": {**found.settings, "features": feature_name},
        "seconds": round(time.perf_counter() - t0, 4),
        "seconds_features": round(t_features, 4),
    }
    return table, info


def _cache(cache_dir):
    from .models.cache import cache_root

    return cache_root(cache_dir) / "audit"


def labels_only(labels: np.ndarray, classes: Sequence[str], checks: Sequence[str] | None = None,
                pred_probs: np.ndarray | None = None, pred_probs_scores: np.ndarray | None = None):
    """The checks that labels and pred_probs alone allow (class imbalance; outliers from
    ``pred_probs``, :func:`fastclean.audit.ood.pred_probs_outliers`), for
    ``find --labels/--pred-probs``."""
    from .audit import find_data_issues, parse_checks

    t0 = time.perf_counter()
    has_probs = pred_probs is not None or pred_probs_scores is not None
    usable = ("imbalance", "outliers") if has_probs else ("imbalance",)
    wanted = [c for c in parse_checks(checks) if c in usable]
    found = find_data_issues(None, labels, n_classes=len(classes), pred_probs=pred_probs,
                             pred_probs_scores=pred_probs_scores, checks=wanted or ["imbalance"])
    if not wanted:
        found.table = found.table.iloc[:0]
        found.counts = {}
    names = np.asarray(classes, dtype=object)
    found.table["given_label"] = [names[int(v)] for v in found.table["given_label"]]
    info = {"counts": found.counts, "settings": {**found.settings, "features": None},
            "seconds": round(time.perf_counter() - t0, 4)}
    return found.table, info


def _to_run_rows(table, full, rows: np.ndarray):
    """Map dataset rows to run rows (-1 outside), keep rows about the run, add the inputs."""
    to_run = np.full(len(full), -1, dtype=np.int64)
    to_run[rows] = np.arange(len(rows))
    table = table.copy()
    full_index = table["index"].to_numpy(dtype=np.int64)
    table["index"] = to_run[full_index]
    other = table["other_index"].to_numpy(dtype=np.int64, na_value=-1)
    table["other_index"] = np.where(other >= 0, to_run[np.maximum(other, 0)], -1)
    table["other_index"] = table["other_index"].astype("Int64").where(other >= 0)
    if full.texts is not None:
        table["text"] = [full.texts[i] for i in full_index]
        table["other_text"] = [full.texts[i] if i >= 0 else "" for i in other]
    if full.paths is not None:
        table["path"] = [str(full.paths[i]) for i in full_index]
        table["other_path"] = [str(full.paths[i]) if i >= 0 else "" for i in other]
    names = np.asarray(full.classes, dtype=object)
    labels = np.asarray(full.labels)
    table["given_label"] = names[labels[full_index]] if len(table) else []
    table["other_label"] = [names[labels[i]] if i >= 0 else "" for i in other]
    table["suggested_label"] = [names[int(v)] if not _isna(v) and int(v) >= 0 else ""
                                for v in table["suggested_label"]]
    return table[table["index"] >= 0].reset_index(drop=True)


def _isna(value) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


def write_data_issues(run_dir: str | os.PathLike, table) -> None:
    """Write ``data_issues.csv`` into ``run_dir`` (called inside ``write_run``'s temporary dir)."""
    table.to_csv(Path(run_dir) / DATA_ISSUES_FILE, index=False)


def read_data_issues(run_dir: str | os.PathLike):
    """``data_issues.csv`` of ``run_dir`` as a DataFrame, or ``None`` when the run has none."""
    import pandas as pd

    path = Path(run_dir) / DATA_ISSUES_FILE
    if not path.is_file():
        return None
    table = pd.read_csv(path, keep_default_na=False,
                        dtype={"id": str, "other_id": str, "text": str, "other_text": str,
                               "given_label": str, "suggested_label": str, "split": str,
                               "other_split": str, "path": str, "other_path": str,
                               "other_label": str})
    for col in ("index", "group", "other_index"):  # empty cells (no set, no partner) → -1
        table[col] = pd.to_numeric(table[col], errors="coerce").fillna(-1).astype(np.int64)
    for col in ("score", "distance"):  # empty cells → NaN
        table[col] = pd.to_numeric(table[col], errors="coerce")
    return table
