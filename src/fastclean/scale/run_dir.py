"""``fastclean find --labels --pred-probs`` on row-chunked pred_probs: a lean run directory.

The run directory has the usual ``issues.csv`` (same rows and columns as the in-memory run,
computed for the flagged rows only), ``summary.json``, ``labels.npy``, ``classes.json`` and
``dataset.json``; it leaves out ``examples.csv`` (one line per example) and does not copy
pred_probs: ``pred_probs.npy`` is a link to a ``.npy`` input, and absent for ``.zarr``.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import numpy as np

from ..core.blocks import as_float_block
from .engine import ChunkedCL
from .sources import ChunkedSource

#: ``.npy`` inputs larger than this are searched block by block even with one worker.
LEAN_BYTES = 2 << 30


def wants_chunked(pred_probs_path: Path, distributed: bool) -> bool:
    """Whether ``find`` should take the block-wise path for this input."""
    suffix = Path(pred_probs_path).suffix.lower()
    if suffix == ".zarr" or distributed:
        return True
    return suffix == ".npy" and Path(pred_probs_path).is_file() \
        and Path(pred_probs_path).stat().st_size > LEAN_BYTES


def _issue_rows_block(block, rows):
    block = as_float_block(block)
    part = np.take(block, rows, axis=0)
    return part.argmax(axis=1), np.argsort(-part, axis=1, kind="stable")[:, :3], part


def _ood_block(block, thresholds):
    from ..audit.ood import block_scores

    return block_scores(as_float_block(block), thresholds)


def _ood_scores(engine) -> np.ndarray:
    """Outlier scores from pred_probs (``fastclean.audit.ood``), block by block."""
    thresholds = engine.thresholds()
    return np.concatenate(engine._map(_ood_block, [()] * len(engine.source), (thresholds,)))


def find_chunked_run(labels, pred_probs, out, *, classes=None, filter_by: str, rank_by: str,
                     client=None, chunk_rows: int | None = None, overwrite: bool = False,
                     dataset: dict | None = None, checks=None) -> Path:
    """Search row-chunked inputs and write a lean run directory at ``out`` atomically.

    Parameters
    ----------
    labels : array or path to .npy/.csv
    pred_probs : path to .npy / .zarr, or an array
    out : path
    classes : list of str, optional
    filter_by, rank_by : str
    client : distributed.Client, optional
    chunk_rows : int, optional
    overwrite : bool
    dataset : dict, optional
        Written as ``dataset.json``.
    checks : sequence of str, optional
        ``find --checks``: without ``labels`` nothing is flagged; ``imbalance`` and
        ``outliers`` (from pred_probs; the data checks that need no features) write
        ``data_issues.csv``.

    Returns
    -------
    Path
    """
    import pandas as pd

    from ..atomic import atomic_output_dir
    from ..run import ISSUE_COLUMNS, _json_default, confidence_bucket
    from ..top3 import format_top3
    from .executors import DaskExecutor, SerialExecutor

    started = time.perf_counter()
    source = ChunkedSource(pred_probs, chunk_rows=chunk_rows)
    if isinstance(labels, (str, os.PathLike)):
        from ..arrays import load_array

        labels = load_array(labels, what="labels")
    engine = ChunkedCL(labels, source,
                       executor=DaskExecutor(client) if client is not None else SerialExecutor())
    n, k = source.shape
    names = [str(c) for c in classes] if classes is not None else [str(i) for i in range(k)]
    if len(names) != k:
        raise ValueError(f"classes: {len(names)} class names given but pred_probs has {k} columns")
    engine.scan()
    t0 = time.perf_counter()
    ranked = engine.find_label_issues(filter_by=filter_by, return_indices_ranked_by=rank_by)
    if checks is not None and "labels" not in checks:
        ranked = ranked[:0]
    seconds = time.perf_counter() - t0
    # Per-row columns of the flagged rows, read block by block.
    order = np.argsort(ranked, kind="stable")
    rows = ranked[order]
    per_block = []
    for s, e in source.bounds:
        lo, hi = np.searchsorted(rows, [s, e])
        per_block.append((rows[lo:hi] - s,))
    parts = engine._map(_issue_rows_block, per_block)
    suggested = np.concatenate([p[0] for p in parts])
    top3_idx = np.concatenate([p[1] for p in parts]) if parts else np.zeros((0, 3), int)
    gathered = np.concatenate([p[2] for p in parts])
    quality = np.asarray(engine.scores(rank_by, rows=rows)[0], dtype=np.float64)
    lab = engine.labels[rows]
    m = len(rows)
    confidence = gathered[np.arange(m), suggested]
    top3 = [format_top3(names, gathered[i], r) for i, r in enumerate(top3_idx)]
    frame = pd.DataFrame({
        "rank": np.empty(m, dtype=np.int64),
        "index": rows,
        "id": [str(i) for i in rows],
        "split": [""] * m,
        "given_label": [names[c] for c in lab],
        "suggested_label": [names[c] for c in suggested],
        "confidence": np.round(confidence, 6),
        "confidence_bucket": confidence_bucket(confidence),
        "label_quality": np.round(quality, 6),
        "given_label_prob": np.round(gathered[np.arange(m), lab], 6),
        "top3": top3,
    })
    inverse = np.empty(m, dtype=np.int64)
    inverse[order] = np.arange(m)  # ranked position -> row of the frame
    frame["rank"] = order + 1
    frame = frame.iloc[inverse].reset_index(drop=True)[ISSUE_COLUMNS]
    health = _health(engine, names)
    row_argmax = engine.scan()[1]
    summary = {
        "n_examples": int(n),
        "n_classes": k,
        "n_issues": int(len(ranked)),
        "estimated_noise_rate": float(health["estimated_noise_rate"]),
        "overall_label_health_score": float(health["overall_label_health_score"]),
        "per_class": health["per_class"],
        "overlapping_classes": health["overlapping_classes"][:20],
        "estimated_noise_matrix": health["noise_matrix"],
        "dataset": dataset or {},
        "settings": {"filter_by": filter_by, "rank_by": rank_by, "renormalize": False},
        "timings": {"find_label_issues": round(seconds, 4),
                    "total": round(time.perf_counter() - started, 4)},
        "accuracy_vs_given_labels": float(np.mean(row_argmax == engine.labels)),
    }
    data_issues = None
    if checks is not None:
        summary["settings"]["checks"] = list(checks)
        if "imbalance" in checks or "outliers" in checks:
            from ..data_issues import labels_only

            ood = _ood_scores(engine) if "outliers" in checks else None
            data_issues, info = labels_only(engine.labels, names, checks, pred_probs_scores=ood)
            summary["timings"]["data_issues"] = round(float(info.pop("seconds")), 4)
            summary["data_issues"] = info
    with atomic_output_dir(out, overwrite=overwrite, kind="find") as tmp:
        if data_issues is not None:
            from ..data_issues import write_data_issues

            write_data_issues(tmp, data_issues)
        frame.to_csv(tmp / "issues.csv", index=False)
        np.save(tmp / "labels.npy", engine.labels)
        if isinstance(pred_probs, (str, os.PathLike)) and Path(pred_probs).suffix.lower() == ".npy":
            os.symlink(Path(pred_probs).resolve(), tmp / "pred_probs.npy")
        elif not isinstance(pred_probs, (str, os.PathLike)) and isinstance(pred_probs, np.ndarray):
            np.save(tmp / "pred_probs.npy", pred_probs)
        (tmp / "classes.json").write_text(json.dumps(names, indent=1))
        (tmp / "summary.json").write_text(json.dumps(summary, indent=2, default=_json_default))
        (tmp / "dataset.json").write_text(json.dumps(dataset or {}, indent=2,
                                                     default=_json_default))
    return Path(out)


def _health(engine: ChunkedCL, names: list) -> dict:
    from ..core import dataset as _dataset
    from .api import _joint

    joint = _joint(engine, None)
    return _dataset.summary_from_joint(joint, engine.counts()[2], engine.groups.counts, names)
