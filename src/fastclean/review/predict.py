"""Predictions from the model a run saved, for the review app's *Predict* page.

A run may keep a model in ``DIR/model/``:

- ``export.pkl``: a fastai ``Learner`` saved with ``learn.export()``; it gets the raw input (a
  string, or a ``PILImage``) and returns its own decoded prediction.
- ``model.joblib``: a scikit-learn estimator with ``predict_proba``. For a text run it gets a
  list with one string; for an image run, a ``(1, n_pixels)`` float array of the uploaded
  image resized to the shape of the run's ``images.npy`` (grey or RGB to match), pixel values
  0-255 as stored there.

Both are pickles, so both are loaded only when the user named the file with
``--allow-pickle`` (see :func:`fastclean.review.safety.check_pickle_allowed`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np

from .safety import check_pickle_allowed

MODEL_DIR = "model"
MODEL_FILES = {"export.pkl": "fastai", "model.joblib": "sklearn"}


@dataclass(frozen=True)
class SavedModel:
    """A model file found in a run directory, not loaded yet."""

    path: Path
    kind: str  # "fastai" or "sklearn"


@dataclass(frozen=True)
class Prediction:
    """The predicted label, its probability, and the three most likely classes."""

    label: str
    confidence: float
    top: list[tuple[str, float]]


def find_saved_model(run_dir: str | os.PathLike) -> SavedModel | None:
    """Return the model saved in ``run_dir/model/``, or None when the run saved none."""
    model_dir = Path(run_dir) / MODEL_DIR
    for name, kind in MODEL_FILES.items():
        if (model_dir / name).is_file():
            return SavedModel(model_dir / name, kind)
    return None


def load_saved_model(saved: SavedModel, allow_pickle: Iterable[str | os.PathLike]) -> Any:
    """Unpickle ``saved`` if, and only if, its path is one of ``allow_pickle``.

    Raises
    ------
    PermissionError
        If the user did not allow this file.
    """
    path = check_pickle_allowed(saved.path, allow_pickle)
    if saved.kind == "fastai":
        from fastai.learner import load_learner

        return load_learner(path, cpu=True)
    import joblib

    return joblib.load(path)


def predict(
    model: Any,
    kind: str,
    item: Any,
    classes: Sequence[str],
    *,
    image_shape: tuple[int, ...] | None = None,
) -> Prediction:
    """Predict the label of one input (a string, or a PIL image).

    Parameters
    ----------
    model : object
        What :func:`load_saved_model` returned.
    kind : {"fastai", "sklearn"}
        Which kind of model it is.
    item : str or PIL.Image.Image
        The text or image to classify.
    classes : sequence of str
        The run's class names (the order of ``predict_proba``'s columns for sklearn models).
    image_shape : tuple of int, optional
        Shape of one row of ``images.npy``; needed for sklearn models on images.

    Returns
    -------
    Prediction

    Raises
    ------
    ValueError
        If ``kind`` is unknown, or an sklearn image model has no ``image_shape``.
    """
    if kind == "fastai":
        if not isinstance(item, str):
            from fastai.vision.core import PILImage

            item = PILImage.create(np.asarray(item.convert("RGB")))
        _, _, probs = model.predict(item)
        probs = np.asarray(probs, dtype=np.float64)
        names = [str(c) for c in model.dls.vocab[-1]] if _is_nested(model.dls.vocab) else [
            str(c) for c in model.dls.vocab
        ]
    elif kind == "sklearn":
        if isinstance(item, str):
            x: Any = [item]
        else:
            if image_shape is None:
                raise ValueError("image_shape: required to feed an image to a scikit-learn model")
            x = _image_to_pixels(item, image_shape)
        probs = np.asarray(model.predict_proba(x), dtype=np.float64)[0]
        names = [classes[int(c)] if _is_int(c) else str(c)
                 for c in getattr(model, "classes_", classes)]
    else:
        raise ValueError(f"kind: expected 'fastai' or 'sklearn', got {kind!r}")
    order = np.argsort(-probs, kind="stable")
    top = [(names[k], float(probs[k])) for k in order[:3]]
    return Prediction(label=top[0][0], confidence=top[0][1], top=top)


def _image_to_pixels(image, shape: tuple[int, ...]) -> np.ndarray:
    height, width = shape[0], shape[1]
    image = image.convert("RGB" if len(shape) == 3 else "L").resize((width, height))
    return np.asarray(image, dtype=np.float64).reshape(1, -1)


def _is_nested(vocab) -> bool:
    return len(vocab) > 0 and not isinstance(vocab[0], str) and hasattr(vocab[0], "__len__")


def _is_int(value) -> bool:
    return isinstance(value, (int, np.integer))
