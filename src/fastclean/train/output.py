"""The directory ``fastclean train`` writes: exported learner, config, metrics, cleaned labels.

::

    model/export.pkl     fastai ``Learner.export`` (load with ``fastai.learner.load_learner``)
    config.json          every option, resolved (architecture, loss, budget)
    metrics.json         clean-validation accuracy, counts, detection scores, seconds
    cleaned_labels.csv   per training example: id, given, cleaned and true label, kept/flagged
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from ..atomic import atomic_output_dir
from .experiment import TrainResult


def cleaned_labels_frame(result: TrainResult):
    """One row per training example: what the strategy did with its label."""
    import pandas as pd

    train, cleaned = result.data.train, result.cleaned
    classes = train.classes
    frame = pd.DataFrame({
        "id": list(train.ids),
        "given_label": [classes[k] for k in train.labels],
        "cleaned_label": [classes[k] for k in cleaned.labels],
        "kept": cleaned.keep,
        "flagged": cleaned.flagged,
        "relabelled": cleaned.relabelled,
        "true_label": [classes[k] for k in train.true_labels],
        "is_noisy": result.data.is_noisy,
    })
    if result.pred_probs is not None:
        suggested = result.pred_probs.argmax(axis=1)
        frame["suggested_label"] = [classes[k] for k in suggested]
        frame["confidence"] = np.round(result.pred_probs[np.arange(len(suggested)), suggested], 6)
    return frame


def json_default(value: Any) -> Any:
    """JSON for numpy scalars and paths."""
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, (np.ndarray,)):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot serialise {type(value).__name__} to JSON")


def write_json(path: Path, value: Any) -> None:
    """Write ``value`` as indented JSON."""
    path.write_text(json.dumps(value, indent=2, default=json_default))


def write_training(result: TrainResult, out: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """Write a training run directory at ``out``, all or nothing.

    Raises
    ------
    FileExistsError
        If ``out`` exists and ``overwrite`` is false.
    """
    with atomic_output_dir(out, overwrite=overwrite, kind="train") as tmp:
        _export(result.learner, tmp / "model" / "export.pkl")
        write_json(tmp / "config.json", result.config)
        write_json(tmp / "metrics.json", result.metrics)
        cleaned_labels_frame(result).to_csv(tmp / "cleaned_labels.csv", index=False)
    return Path(out)


def _export(learn, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    learn.remove_cbs([cb for cb in learn.cbs if type(cb).__name__ == "WandbCallback"])
    learn.export(path.absolute())
