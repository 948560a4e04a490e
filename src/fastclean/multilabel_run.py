"""Multi-label runs of ``fastclean find``: label sets in, ``issues.csv`` of label sets out.

Labels come as a list of class lists per example: ``.json`` (a list of lists), ``.npy`` (an
object array of lists, or a 0/1 matrix) or ``.csv``/``.tsv`` (one column, or ``label_col``,
whose cells hold the classes separated by ``sep``, default ``|``; an empty cell is the empty
set). Classes may be indices or names; names are mapped through ``classes`` (or, when not
given, sorted). The run directory has the single-label run's columns, with label *sets*
(class names joined with ``sep``) where a single-label run has one label: ``issues.csv``
(flagged examples, worst first: ``rank, index, id, split, given_label, suggested_label,
confidence, confidence_bucket, label_quality, wrongly_given, wrongly_missing, top3``, and
``text`` or ``path`` for text or image data), ``examples.csv`` (every example, plus
``is_issue``), ``classes.json``, ``labels.json`` (class index lists), ``pred_probs.npy``
(one-vs-rest probabilities),
``dataset.json`` and ``summary.json`` (``task: "multi-label"``, ``label_sep``). The suggested
set is the classes whose probability is at least 0.5; ``confidence`` is the model's certainty
about its least certain membership decision, ``min over classes of max(p, 1 - p)``.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from . import core
from .core.multilabel import (
    BinaryProblems,
    issues_per_class,
    multilabel_quality_scores,
    validate_multilabel_inputs,
)

DEFAULT_SEP = "|"


def _split_cell(cell: str, sep: str) -> list[str]:
    cell = cell.strip()
    return [part.strip() for part in cell.split(sep) if part.strip()] if cell else []


def read_label_sets(path: str | Path, *, sep: str = DEFAULT_SEP, label_col: str | None = None):
    """Read multi-label labels: a list (one per example) of lists of class tokens.

    Tokens are ints (class indices) or strings (class names).
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"labels: file not found: {path}")
    suffix = path.suffix.lower()
    if suffix == ".json":
        try:
            rows = json.loads(path.read_text())
        except json.JSONDecodeError as exc:
            raise ValueError(f"labels: {path} is not valid JSON ({exc.msg})") from None
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise ValueError(f"labels: {path} must hold a JSON list of lists (one per example)")
        return rows
    if suffix == ".npy":
        arr = np.load(path, allow_pickle=True)
        if arr.dtype != object and arr.ndim == 2:
            return [np.flatnonzero(row).tolist() for row in arr]
        return [list(np.atleast_1d(row).tolist()) for row in arr]
    if suffix in (".csv", ".tsv"):
        with path.open(newline="") as fh:
            reader = csv.reader(fh, delimiter="\t" if suffix == ".tsv" else ",")
            rows = list(reader)
        if not rows:
            raise ValueError(f"labels: {path} is empty")
        col = 0
        if label_col is not None:
            if label_col not in rows[0]:
                raise ValueError(f"labels: column {label_col!r} not in {path} (has {rows[0]})")
            col, rows = rows[0].index(label_col), rows[1:]
        elif len(rows[0]) != 1:
            raise ValueError(f"labels: {path} has {len(rows[0])} columns; give --label-col")
        return [_split_cell(row[col] if col < len(row) else "", sep) for row in rows]
    raise ValueError(f"labels: {path} must be .json, .npy, .csv or .tsv for --multi-label")


def encode_label_sets(rows, class_names: list[str] | None, n_classes: int):
    """Class tokens (indices or names) to sorted index lists; returns (labels, class names)."""
    tokens = {str(t) for row in rows for t in row}
    if class_names is None:
        if all(t.isdigit() for t in tokens):
            class_names = [str(i) for i in range(n_classes)]
        else:
            class_names = sorted(tokens)
    index = {name: i for i, name in enumerate(class_names)}
    encoded = []
    for i, row in enumerate(rows):
        classes = set()
        for t in row:
            key = str(t)
            if key in index:
                classes.add(index[key])
            elif key.isdigit() and int(key) < len(class_names):
                classes.add(int(key))
            else:
                raise ValueError(f"labels: example {i} has class {t!r}, not one of the "
                                 f"{len(class_names)} classes")
        encoded.append(sorted(classes))
    return encoded, class_names


def multilabel_issues(labels, probs, *, filter_by="prune_by_noise_rate",
                      rank_by="self_confidence"):
    """Ranked issues, per-example quality and per-(example, class) flags of label sets.

    Returns
    -------
    ranked : numpy.ndarray
        Indices of the flagged examples, worst first.
    quality : numpy.ndarray
        Label quality score of every example (lower is more suspicious).
    onehot : numpy.ndarray of bool, shape (N, K)
        The given sets.
    wrong : numpy.ndarray of bool, shape (N, K)
        Which memberships look wrong (per-class issues; for the score-only filters, where the
        suggested set differs).
    probs : numpy.ndarray
        The validated probabilities.
    """
    onehot, probs = validate_multilabel_inputs(labels, probs)
    bp = BinaryProblems.build(onehot, probs)
    ranked = core.find_label_issues(labels, probs, multi_label=True, filter_by=filter_by,
                                    return_indices_ranked_by=rank_by)
    quality = multilabel_quality_scores(bp, method=rank_by)
    if filter_by in ("low_normalized_margin", "low_self_confidence"):
        wrong = onehot.astype(bool) != (probs >= 0.5)
    else:
        wrong = issues_per_class(bp)
    return ranked, quality, onehot.astype(bool), wrong, probs


def write_multilabel_run(out, labels, probs, class_names: Sequence[str], *, sep=DEFAULT_SEP,
                         filter_by="prune_by_noise_rate", rank_by="self_confidence",
                         ids: Sequence[str] | None = None, splits: Sequence[str] | None = None,
                         texts: Sequence[str] | None = None,
                         paths: Sequence[str] | None = None, dataset: dict | None = None,
                         settings: dict | None = None, timings: dict | None = None,
                         overwrite=False) -> dict:
    """Find the label issues of label sets and write the run directory ``out``.

    Parameters
    ----------
    out : path-like
        The run directory (written atomically).
    labels : list of list of int
        The given classes of every example.
    probs : numpy.ndarray, shape (N, K)
        Out-of-sample one-vs-rest probabilities.
    class_names : sequence of str
    sep : str
        Joins the classes of a set in the CSV files.
    ids, splits, texts, paths : sequence, optional
        Per example; default row numbers, ``"train"``, none, none (image files: give the
        dataset root as ``dataset["root"]`` so the review app may open them).
    dataset, settings, timings : dict, optional
        Recorded in ``dataset.json`` / ``summary.json``.

    Returns
    -------
    dict
        The summary written to ``summary.json``.
    """
    from .atomic import atomic_output_dir
    from .run import confidence_bucket
    from .top3 import format_top3

    class_names = [str(c) for c in class_names]
    ranked, quality, onehot, wrong, probs = multilabel_issues(labels, probs, filter_by=filter_by,
                                                              rank_by=rank_by)
    n = len(labels)
    suggested = probs >= 0.5
    confidence = np.maximum(probs, 1 - probs).min(axis=1)
    buckets = confidence_bucket(confidence)
    ids = [str(i) for i in range(n)] if ids is None else [str(i) for i in ids]
    splits = ["train"] * n if splits is None else [str(s) for s in splits]
    top3 = np.argsort(-probs, axis=1, kind="stable")[:, :3]

    def names(mask_row):
        return sep.join(class_names[c] for c in np.flatnonzero(mask_row))

    header = ["rank", "index", "id", "split", "given_label", "suggested_label", "confidence",
              "confidence_bucket", "label_quality", "wrongly_given", "wrongly_missing", "top3"]
    if texts is not None:
        header.append("text")
    if paths is not None:
        header.append("path")

    def record(rank, i):
        row = [rank, int(i), ids[i], splits[i], names(onehot[i]), names(suggested[i]),
               f"{confidence[i]:.6g}", buckets[i], f"{quality[i]:.6g}",
               names(wrong[i] & onehot[i]), names(wrong[i] & ~onehot[i]),
               format_top3(class_names, probs[i], top3[i])]
        return (row + ([texts[i]] if texts is not None else [])
                + ([str(paths[i])] if paths is not None else []))

    flagged = np.zeros(n, dtype=bool)
    flagged[ranked] = True
    summary: dict[str, Any] = {
        "task": "multi-label",
        "n_examples": int(n),
        "n_classes": len(class_names),
        "n_issues": len(ranked),
        "estimated_noise_rate": float(len(ranked) / n),
        "labels_per_example": float(onehot.sum() / n),
        "overall_multilabel_health_score": float(1 - len(ranked) / n),
        "label_sep": sep,
        "settings": {"filter_by": filter_by, "rank_by": rank_by, "sep": sep, **(settings or {})},
        "issues_per_class": [
            {"class": class_names[c],
             "examples": int(onehot[:, c].sum()),
             "wrongly_given": int((wrong[:, c] & onehot[:, c]).sum()),
             "wrongly_missing": int((wrong[:, c] & ~onehot[:, c]).sum())}
            for c in range(len(class_names))
        ],
        "timings": dict(timings or {}),
    }
    modality = "text" if texts is not None else "image" if paths is not None else "array"
    dataset = {"modality": modality, **(dataset or {})}
    with atomic_output_dir(out, overwrite=overwrite, kind="find") as tmp:
        with (tmp / "issues.csv").open("w", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            for rank, i in enumerate(ranked, start=1):
                writer.writerow(record(rank, i))
        with (tmp / "examples.csv").open("w", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(header[1:] + ["is_issue"])
            for i in range(n):
                writer.writerow(record(0, i)[1:] + [bool(flagged[i])])
        (tmp / "classes.json").write_text(json.dumps(class_names))
        (tmp / "labels.json").write_text(json.dumps([list(map(int, row)) for row in labels]))
        (tmp / "dataset.json").write_text(json.dumps(dataset, indent=2))
        np.save(tmp / "pred_probs.npy", probs)
        (tmp / "summary.json").write_text(json.dumps(summary, indent=2))
    return summary


def find_multilabel_run(labels_path, pred_probs, out, *, class_names=None, sep=DEFAULT_SEP,
                        label_col=None, filter_by="prune_by_noise_rate",
                        rank_by="self_confidence", overwrite=False) -> dict:
    """Find label issues in multi-label data given as files and write the run directory ``out``.

    Returns
    -------
    dict
        The summary written to ``summary.json``.
    """
    rows = read_label_sets(labels_path, sep=sep, label_col=label_col)
    probs = np.asarray(pred_probs)
    if probs.ndim != 2:
        raise ValueError(f"pred_probs must be 2-D (N examples x K classes), got shape {probs.shape}")
    labels, class_names = encode_label_sets(rows, class_names, probs.shape[1])
    if len(class_names) != probs.shape[1]:
        raise ValueError(f"classes: {len(class_names)} names for {probs.shape[1]} pred_probs columns")
    return write_multilabel_run(out, labels, probs, class_names, sep=sep, filter_by=filter_by,
                                rank_by=rank_by, overwrite=overwrite,
                                dataset={"name": None, "labels_file": str(labels_path)})
