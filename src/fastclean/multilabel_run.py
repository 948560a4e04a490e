"""Multi-label runs of ``fastclean find``: label sets in, ``issues.csv`` of label sets out.

Labels come as a list of class lists per example: ``.json`` (a list of lists), ``.npy`` (an
object array of lists, or a 0/1 matrix) or ``.csv``/``.tsv`` (one column, or ``label_col``,
whose cells hold the classes separated by ``sep``, default ``|``; an empty cell is the empty
set). Classes may be indices or names; names are mapped through ``classes`` (or, when not
given, sorted). The run directory holds ``issues.csv`` (flagged examples, worst first:
``rank, index, given_labels, suggested_labels, wrongly_given, wrongly_missing,
label_quality``, sets joined with ``sep``), ``examples.csv`` (every example), ``classes.json``,
``labels.json``, ``pred_probs.npy`` and ``summary.json``. The report and the review app do not
read multi-label runs yet.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

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


def find_multilabel_run(labels_path, pred_probs, out, *, class_names=None, sep=DEFAULT_SEP,
                        label_col=None, filter_by="prune_by_noise_rate",
                        rank_by="self_confidence", overwrite=False) -> dict:
    """Find label issues in multi-label data and write the run directory ``out``.

    Returns
    -------
    dict
        The summary written to ``summary.json``.
    """
    from .atomic import atomic_output_dir

    rows = read_label_sets(labels_path, sep=sep, label_col=label_col)
    probs = np.asarray(pred_probs)
    if probs.ndim != 2:
        raise ValueError(f"pred_probs must be 2-D (N examples x K classes), got shape {probs.shape}")
    labels, class_names = encode_label_sets(rows, class_names, probs.shape[1])
    if len(class_names) != probs.shape[1]:
        raise ValueError(f"classes: {len(class_names)} names for {probs.shape[1]} pred_probs columns")
    onehot, probs = validate_multilabel_inputs(labels, probs)
    bp = BinaryProblems.build(onehot, probs)
    ranked = core.find_label_issues(labels, probs, multi_label=True, filter_by=filter_by,
                                    return_indices_ranked_by=rank_by)
    per_class = issues_per_class(bp) if filter_by not in ("low_normalized_margin",
                                                           "low_self_confidence") else None
    quality = multilabel_quality_scores(bp, method=rank_by)
    suggested = probs >= 0.5

    def names(mask_row):
        return sep.join(class_names[c] for c in np.flatnonzero(mask_row))

    header = ["rank", "index", "given_labels", "suggested_labels", "wrongly_given",
              "wrongly_missing", "label_quality"]

    def record(rank, i):
        wrong = per_class[i] if per_class is not None else onehot[i] != suggested[i]
        return [rank, int(i), names(onehot[i]), names(suggested[i]), names(wrong & onehot[i]),
                names(wrong & ~onehot[i]), f"{quality[i]:.6g}"]

    flagged = set(ranked.tolist())
    summary = {
        "task": "multi-label",
        "n_examples": int(len(labels)),
        "n_classes": len(class_names),
        "n_issues": len(ranked),
        "labels_per_example": float(onehot.sum() / len(labels)),
        "overall_multilabel_health_score": float(1 - len(ranked) / len(labels)),
        "settings": {"filter_by": filter_by, "rank_by": rank_by, "sep": sep},
        "issues_per_class": [
            {"class": class_names[c],
             "wrongly_given": int((per_class[:, c] & onehot[:, c]).sum()) if per_class is not None else None,
             "wrongly_missing": int((per_class[:, c] & ~onehot[:, c]).sum()) if per_class is not None else None}
            for c in range(len(class_names))
        ],
    }
    with atomic_output_dir(out, overwrite=overwrite, kind="find") as tmp:
        with (tmp / "issues.csv").open("w", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            for rank, i in enumerate(ranked, start=1):
                writer.writerow(record(rank, i))
        with (tmp / "examples.csv").open("w", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(header[1:] + ["is_issue"])
            for i in range(len(labels)):
                writer.writerow(record(0, i)[1:] + [i in flagged])
        (tmp / "classes.json").write_text(json.dumps(class_names))
        (tmp / "labels.json").write_text(json.dumps(labels))
        np.save(tmp / "pred_probs.npy", probs)
        (tmp / "summary.json").write_text(json.dumps(summary, indent=2))
    return summary
