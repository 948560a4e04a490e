"""Score models on the original and on the corrected labels of a run: do the rankings hold?

Label errors in a test set move benchmark scores, and can reorder the models compared on it
(Northcutt et al., "Pervasive label errors in test sets destabilize machine learning
benchmarks", 2021). :func:`rescore` takes a ``find`` run (typically ``--split test``), the
review's decisions (the run's ``review.sqlite`` or an exported CSV) and several models'
predictions for the run's examples, and scores each model twice: against the given labels, and
against the corrected ones (dropped examples left out). The result, one row per model, is
written as ``RUN/rescore.csv`` and shown in the run's ``report.html``.

A model is any of:

- ``run`` — the run's own out-of-sample predictions (``pred_probs.npy``);
- a model name of :data:`fastclean.models.MODEL_NAMES` (``tfidf-logreg``, ``minilm-logreg``,
  ``auto``, …), fitted on the dataset's other splits and scored on the run's (a ``--split test``
  run of a dataset with train/valid splits);
- another run directory on the same examples (its ``pred_probs.npy``);
- a CSV file with an ``id`` and a ``prediction`` column (class names), e.g. the predictions of
  a model trained elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

import numpy as np

from .run import Run, read_run

RESCORE_NAME = "rescore.csv"
RESCORE_COLUMNS = [
    "model", "n_original", "accuracy_original", "f1_original", "rank_original",
    "n_corrected", "accuracy_corrected", "f1_corrected", "rank_corrected",
    "accuracy_change", "rank_change", "n_relabelled", "n_dropped",
]


def macro_f1(labels: np.ndarray, predictions: np.ndarray, n_classes: int) -> float:
    """Unweighted mean over classes of the F1 score (a class never seen nor predicted scores 0)."""
    f1s = []
    for k in range(n_classes):
        tp = np.sum((predictions == k) & (labels == k))
        denom = np.sum(predictions == k) + np.sum(labels == k)
        f1s.append(2 * tp / denom if denom else 0.0)
    return float(np.mean(f1s))


def class_f1(labels: np.ndarray, predictions: np.ndarray, k: int) -> float:
    """F1 of class ``k`` (the task's official metric for WNUT-2020: F1 of INFORMATIVE)."""
    tp = np.sum((predictions == k) & (labels == k))
    denom = np.sum(predictions == k) + np.sum(labels == k)
    return float(2 * tp / denom) if denom else 0.0


def corrected_labels(run: Run, decisions: str | os.PathLike | None = None) -> np.ndarray:
    """The run's labels after the review: class indices, ``-1`` for dropped examples."""
    from .apply import decided_labels

    frame = decided_labels(run, decisions)
    index = {c: k for k, c in enumerate(run.classes)}
    out = np.array([index.get(c, -1) for c in frame["final_label"]], dtype=np.int64)
    out[(frame["decision"] == "drop").to_numpy()] = -1
    return out


def model_predictions(spec: str, run: Run, *, seed: int = 0, data_dir=None,
                      cache_dir=None) -> tuple[str, np.ndarray]:
    """Resolve one ``--models`` entry to a display name and class predictions for ``run``.

    Raises
    ------
    ValueError
        An unknown model, a CSV without ``id`` / ``prediction``, predictions missing for some
        examples or naming unknown classes, or a model name on a run that has no other split.
    FileNotFoundError
        A path that does not exist.
    """
    from .models import MODEL_NAMES

    if spec == "run":
        return f"run ({run.summary.get('settings', {}).get('model') or 'given pred_probs'})", \
            np.asarray(run.pred_probs).argmax(1)
    if spec in MODEL_NAMES:
        return spec, _fit_predict(spec, run, seed=seed, data_dir=data_dir, cache_dir=cache_dir)
    path = Path(spec)
    if path.is_dir():
        other = read_run(path)
        ids = other.examples["id"].astype(str).tolist()
        return _by_id(f"run {path.name} ({other.summary.get('settings', {}).get('model')})",
                      ids, [other.classes[k] for k in np.asarray(other.pred_probs).argmax(1)], run)
    if path.suffix.lower() == ".csv":
        if not path.is_file():
            raise FileNotFoundError(f"models: file not found: {path}")
        import pandas as pd

        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        if not {"id", "prediction"} <= set(frame.columns):
            raise ValueError(f"models: {path.name} needs columns id and prediction, has "
                             f"{', '.join(frame.columns)}")
        return _by_id(path.stem, frame["id"].tolist(), frame["prediction"].tolist(), run)
    if os.sep in spec or path.suffix:
        raise FileNotFoundError(f"models: no such run directory or CSV file: {spec}")
    raise ValueError(f"models: {spec!r} is not 'run', a model name ({', '.join(MODEL_NAMES)}), "
                     "a run directory or a predictions CSV")


def _by_id(name: str, ids: Sequence[str], predicted: Sequence[str], run: Run) -> tuple[str, np.ndarray]:
    index = {c: k for k, c in enumerate(run.classes)}
    unknown = sorted({p for p in predicted if p not in index})
    if unknown:
        raise ValueError(f"models: {name}: prediction {unknown[0]!r} is not one of the run's classes")
    where = dict(zip(ids, predicted))
    run_ids = run.examples["id"].astype(str).tolist()
    missing = [i for i in run_ids if i not in where]
    if missing:
        raise ValueError(f"models: {name} has no prediction for {len(missing)} of the run's "
                         f"{len(run_ids)} examples (first: id {missing[0]!r})")
    return name, np.array([index[where[i]] for i in run_ids], dtype=np.int64)


def _fit_predict(name: str, run: Run, *, seed: int, data_dir, cache_dir) -> np.ndarray:
    from . import crossval, data

    load = dict(run.dataset.get("load") or {})
    source = load.pop("source", None) or run.dataset.get("name")
    recorded_dir = load.pop("data_dir", None)
    if not source:
        raise ValueError(f"models: {name}: the run does not record its dataset (a --labels run?); "
                         "give predictions as a CSV instead")
    full = data.load_dataset(source, split="all", data_dir=data_dir or recorded_dir, **load)
    split = run.dataset.get("split")
    if split not in ("test", "valid"):
        raise ValueError(f"models: {name}: fitting a model needs a run on a held-out split "
                         f"(find --split test), this run searched {split!r}")
    target = np.flatnonzero(full.splits == split)
    others = np.flatnonzero(full.splits != split) if split == "test" else \
        np.flatnonzero(full.splits == "train")
    test = full.subset(target)
    if test.ids != run.examples["id"].astype(str).tolist():
        raise ValueError(f"models: {name}: the dataset's {split} split is not the run's examples")
    probs = crossval.fit_predict_split(full.subset(others), test, name, seed=seed,
                                       cache_dir=cache_dir, progress=False)
    return probs.argmax(1)


def rescore(
    run_dir: str | os.PathLike,
    models: Sequence[str] = ("run",),
    *,
    decisions: str | os.PathLike | None = None,
    seed: int = 0,
    data_dir: str | os.PathLike | None = None,
    cache_dir: str | os.PathLike | None = None,
):
    """Score ``models`` on a run's original and corrected labels, and rank them both ways.

    Parameters
    ----------
    run_dir : path-like
        A ``find`` run directory (usually ``--split test``) that a person has reviewed.
    models : sequence of str
        Entries as described in the module docstring (``run``, model names, run directories,
        predictions CSVs).
    decisions : path-like, optional
        An exported decisions CSV; default the run's ``review.sqlite``.
    seed : int
        Seed of the models fitted here.
    data_dir, cache_dir : path-like, optional
        Where built-in datasets and cached features are.

    Returns
    -------
    pandas.DataFrame
        :data:`RESCORE_COLUMNS`, plus ``f1_<class>_original`` / ``f1_<class>_corrected`` of the
        first class for two-class runs; ``f1`` is the macro F1. Ranks are 1 for the best
        accuracy (ties share the better rank); ``rank_change`` > 0 means the model moved up.

    Raises
    ------
    ValueError
        No models, or an entry that cannot be resolved (see :func:`model_predictions`).
    """
    import pandas as pd

    if not models:
        raise ValueError("models: give at least one model")
    run = read_run(run_dir)
    given = np.asarray(run.labels, dtype=np.int64)
    corrected = corrected_labels(run, decisions)
    kept = corrected >= 0
    k = len(run.classes)
    rows = []
    seen = set()
    for spec in models:
        name, predicted = model_predictions(spec, run, seed=seed, data_dir=data_dir,
                                            cache_dir=cache_dir)
        while name in seen:
            name += "'"
        seen.add(name)
        row = {
            "model": name,
            "n_original": int(len(given)),
            "accuracy_original": float(np.mean(predicted == given)),
            "f1_original": macro_f1(given, predicted, k),
            "n_corrected": int(kept.sum()),
            "accuracy_corrected": (float(np.mean(predicted[kept] == corrected[kept]))
                                   if kept.any() else float("nan")),
            "f1_corrected": macro_f1(corrected[kept], predicted[kept], k),
        }
        if k == 2:
            first = run.classes[0]
            row[f"f1_{first}_original"] = class_f1(given, predicted, 0)
            row[f"f1_{first}_corrected"] = class_f1(corrected[kept], predicted[kept], 0)
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame["rank_original"] = frame["accuracy_original"].rank(ascending=False, method="min").astype(int)
    frame["rank_corrected"] = frame["accuracy_corrected"].rank(ascending=False, method="min").astype(int)
    frame["accuracy_change"] = frame["accuracy_corrected"] - frame["accuracy_original"]
    frame["rank_change"] = frame["rank_original"] - frame["rank_corrected"]
    frame["n_relabelled"] = int(np.sum(kept & (corrected != given)))
    frame["n_dropped"] = int(np.sum(~kept))
    extra = [c for c in frame.columns if c not in RESCORE_COLUMNS]
    return frame[RESCORE_COLUMNS + extra]


def write_rescore(run_dir: str | os.PathLike, frame) -> Path:
    """Write ``frame`` as ``RUN/rescore.csv`` (atomically) and refresh the run's report."""
    from .atomic import atomic_write_bytes

    out = Path(run_dir) / RESCORE_NAME
    atomic_write_bytes(out, frame.to_csv(index=False, float_format="%.6f").encode("utf-8"))
    try:
        from .report import write_report
    except ImportError:  # pragma: no cover - report extras missing
        return out
    write_report(run_dir)
    return out
