"""The run directory: the one place that writes and reads what ``fastclean find`` produces.

A run directory holds (DESIGN.md §3)::

    issues.csv        flagged examples, worst first
    examples.csv      every example: index, id, split, given/suggested label, quality, input ref
    pred_probs.npy    out-of-sample predicted probabilities, (N, K)
    labels.npy        given labels as int64, (N,)
    classes.json      class names, in label order
    summary.json      counts, estimated noise, per-class health, settings, timings, scores
    dataset.json      how to find the inputs again (modality, root, name) for review/report
    images.npy        only for in-memory image datasets (digits, MNIST): uint8 inputs
    report.html       written by :mod:`fastclean.report` when available

``train``, ``review`` and ``report`` read it back with :func:`read_run`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from . import core
from .atomic import atomic_output_dir

ISSUE_COLUMNS = [
    "rank", "index", "id", "split", "given_label", "suggested_label", "confidence",
    "confidence_bucket", "label_quality", "given_label_prob", "top3",
]


def confidence_bucket(confidence: np.ndarray) -> np.ndarray:
    """Bucket model confidence (a probability) into ``"<60"``, ``"60-80"`` and ``"80+"``."""
    c = np.asarray(confidence, dtype=np.float64)
    out = np.full(c.shape, "80+", dtype=object)
    out[c < 0.8] = "60-80"
    out[c < 0.6] = "<60"
    return out


@dataclass
class FindResult:
    """Everything ``find`` computed for one dataset, ready to be written as a run directory."""

    labels: np.ndarray
    pred_probs: np.ndarray
    classes: list[str]
    issue_indices: np.ndarray          # ranked, worst first
    label_quality: np.ndarray          # per example, by ``rank_by`` (lower = more suspicious)
    ids: list[str] | None = None
    splits: Sequence[str] | None = None
    is_noisy: np.ndarray | None = None  # truth mask when noise was injected / is known
    true_labels: np.ndarray | None = None
    texts: list[str] | None = None
    paths: list[str] | None = None
    images: np.ndarray | None = None
    dataset: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


def summarize(result: FindResult) -> dict[str, Any]:
    """Compute ``summary.json``'s content: counts, noise estimates, health and scores."""
    labels, pred_probs = result.labels, result.pred_probs
    n = len(labels)
    health = core.health_summary(labels, pred_probs, class_names=result.classes)
    summary: dict[str, Any] = {
        "n_examples": int(n),
        "n_classes": len(result.classes),
        "n_issues": int(len(result.issue_indices)),
        "estimated_noise_rate": float(health["estimated_noise_rate"]),
        "overall_label_health_score": float(health["overall_label_health_score"]),
        "per_class": health["per_class"],
        "overlapping_classes": health["overlapping_classes"][:20],
        "estimated_noise_matrix": health["noise_matrix"],
        "dataset": result.dataset,
        "settings": result.settings,
        "timings": {k: round(float(v), 4) for k, v in result.timings.items()},
    }
    if result.is_noisy is not None:
        truth = np.asarray(result.is_noisy, dtype=bool)
        flagged = np.zeros(n, dtype=bool)
        flagged[result.issue_indices] = True
        scores = core.detection_scores(flagged, truth, label_quality=result.label_quality)
        summary.update(scores)
        summary["n_actual_noisy"] = int(truth.sum())
    if result.true_labels is not None:
        summary["true_noise_matrix"] = core.empirical_noise_matrix(
            labels, result.true_labels, n_classes=len(result.classes)
        ).tolist()
        summary["accuracy_vs_true_labels"] = float(
            np.mean(pred_probs.argmax(1) == np.asarray(result.true_labels))
        )
    summary["accuracy_vs_given_labels"] = float(np.mean(pred_probs.argmax(1) == labels))
    summary.update(result.extra)
    return summary


def _examples_frame(result: FindResult):
    import pandas as pd

    labels, pred_probs, classes = result.labels, result.pred_probs, result.classes
    n = len(labels)
    suggested = pred_probs.argmax(axis=1)
    confidence = pred_probs[np.arange(n), suggested]
    top3_idx = np.argsort(-pred_probs, axis=1, kind="stable")[:, :3]
    top3 = [
        ";".join(f"{classes[k]}:{pred_probs[i, k]:.3f}" for k in row) for i, row in enumerate(top3_idx)
    ]
    flagged = np.zeros(n, dtype=bool)
    flagged[result.issue_indices] = True
    rank = np.zeros(n, dtype=np.int64)
    rank[result.issue_indices] = np.arange(1, len(result.issue_indices) + 1)
    df = pd.DataFrame(
        {
            "index": np.arange(n),
            "id": result.ids if result.ids is not None else [str(i) for i in range(n)],
            "split": list(result.splits) if result.splits is not None else [""] * n,
            "given_label": [classes[k] for k in labels],
            "suggested_label": [classes[k] for k in suggested],
            "confidence": np.round(confidence, 6),
            "confidence_bucket": confidence_bucket(confidence),
            "label_quality": np.round(result.label_quality, 6),
            "given_label_prob": np.round(pred_probs[np.arange(n), labels], 6),
            "top3": top3,
            "is_issue": flagged,
            "rank": rank,
        }
    )
    if result.is_noisy is not None:
        df["is_noisy"] = np.asarray(result.is_noisy, dtype=bool)
    if result.true_labels is not None:
        df["true_label"] = [classes[k] for k in result.true_labels]
    if result.texts is not None:
        df["text"] = result.texts
    if result.paths is not None:
        df["path"] = [str(p) for p in result.paths]
    return df


def write_run(result: FindResult, out: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """Write ``result`` as a run directory at ``out``, atomically.

    Parameters
    ----------
    result : FindResult
        What ``find`` computed.
    out : path
        The run directory to create.
    overwrite : bool
        Replace ``out`` if it exists; otherwise an existing ``out`` raises ``FileExistsError``.

    Returns
    -------
    Path
        ``out``.
    """
    summary = summarize(result)
    examples = _examples_frame(result)
    issues = examples.iloc[np.asarray(result.issue_indices, dtype=np.int64)].copy()
    cols = ["rank"] + [c for c in examples.columns if c not in ("rank", "is_issue")]
    issues = issues[cols]
    with atomic_output_dir(out, overwrite=overwrite) as tmp:
        issues.to_csv(tmp / "issues.csv", index=False)
        examples.to_csv(tmp / "examples.csv", index=False)
        np.save(tmp / "pred_probs.npy", np.asarray(result.pred_probs))
        np.save(tmp / "labels.npy", np.asarray(result.labels, dtype=np.int64))
        (tmp / "classes.json").write_text(json.dumps(list(result.classes), indent=1))
        (tmp / "summary.json").write_text(json.dumps(summary, indent=2, default=_json_default))
        (tmp / "dataset.json").write_text(json.dumps(result.dataset, indent=2, default=_json_default))
        if result.images is not None:
            np.save(tmp / "images.npy", np.asarray(result.images, dtype=np.uint8))
        _write_report_if_available(tmp)
    return Path(out)


def _write_report_if_available(run_dir: Path) -> None:
    try:
        from .report import write_report
    except ImportError:
        return
    write_report(run_dir)


def _json_default(value: Any) -> Any:
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot serialise {type(value).__name__} to JSON")


@dataclass
class Run:
    """A run directory read back into memory."""

    path: Path
    issues: Any            # pandas.DataFrame
    examples: Any          # pandas.DataFrame
    pred_probs: np.ndarray
    labels: np.ndarray
    classes: list[str]
    summary: dict[str, Any]
    dataset: dict[str, Any]
    images: np.ndarray | None


def read_run(path: str | os.PathLike) -> Run:
    """Read a run directory written by :func:`write_run`.

    Raises
    ------
    FileNotFoundError
        If ``path`` is not a run directory (no ``summary.json``).
    """
    import pandas as pd

    path = Path(path)
    if not (path / "summary.json").is_file():
        raise FileNotFoundError(f"run: {path} is not a fastclean run directory (no summary.json)")
    read = lambda name: pd.read_csv(path / name, keep_default_na=False, dtype={"id": str})  # noqa: E731
    dataset_file = path / "dataset.json"
    images_file = path / "images.npy"
    return Run(
        path=path,
        issues=read("issues.csv"),
        examples=read("examples.csv") if (path / "examples.csv").exists() else read("issues.csv"),
        pred_probs=np.load(path / "pred_probs.npy", mmap_mode="r"),
        labels=np.load(path / "labels.npy"),
        classes=json.loads((path / "classes.json").read_text()),
        summary=json.loads((path / "summary.json").read_text()),
        dataset=json.loads(dataset_file.read_text()) if dataset_file.exists() else {},
        images=np.load(images_file, mmap_mode="r") if images_file.exists() else None,
    )
