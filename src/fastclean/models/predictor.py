"""A fitted text model packaged for prediction on new inputs (the review app's *Predict* page).

``fastclean find`` on a text dataset keeps the model it used, fitted on every labelled example it
searched (for ``--split test``, the very model that scored the test split), as
``RUN/model/model.joblib``. :class:`TextPredictor` gives it the scikit-learn face the Predict page
expects (``classes_``, ``predict_proba(list_of_strings)``). What is pickled is small: the heads
and TF-IDF vocabularies (only the kept n-grams); pretrained encoders such as MiniLM are not
pickled but loaded from their package when the first text is classified.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Sequence

import numpy as np

from .base import Model

MODEL_FILE = Path("model") / "model.joblib"


class TextPredictor:
    """A fitted :class:`~fastclean.models.Model` for texts, with ``predict_proba(texts)``.

    Parameters
    ----------
    model : Model
        Fitted on the run's labelled texts.
    classes : sequence of str
        Class names, in label order.
    """

    def __init__(self, model: Model, classes: Sequence[str]):
        self.model = model
        self.class_names = list(classes)
        self.classes_ = np.arange(len(self.class_names))

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities of every class for each text, shape ``(len(texts), n_classes)``.

        Raises
        ------
        TypeError
            If ``texts`` is a single string rather than a sequence of them.
        """
        if isinstance(texts, str):
            raise TypeError("texts: expected a list of strings, got one string")
        from ..data.dataset import LabelledDataset

        texts = [str(t) for t in texts]
        ds = LabelledDataset(name="predict", modality="text", classes=self.class_names,
                             labels=np.zeros(len(texts), np.int64), ids=[str(i) for i in range(len(texts))],
                             splits=np.full(len(texts), "test", dtype=object), texts=texts)
        # Features of typed texts are not worth caching: prepare them in a throwaway cache.
        with tempfile.TemporaryDirectory(prefix="fastclean-predict-") as cache:
            inputs = self.model.prepare(ds, cache_dir=cache, progress=False)
            probs = np.asarray(self.model.predict_proba(inputs), dtype=np.float64)
        return probs / probs.sum(axis=1, keepdims=True)


def fit_final_model(model: Model, dataset, *, seed: int, folds: int,
                    cache_dir: str | os.PathLike | None = None) -> Model:
    """``model`` fitted on all of ``dataset``, cached beside the run's cross-validation folds.

    A rerun of the same ``find`` (same inputs, labels, model, folds and seed) loads the fitted
    model from ``<cache>/folds/<key>/final-model.joblib`` instead of fitting it again, so a
    fully cached ``find`` stays a matter of seconds.
    """
    from ..crossval import fold_cache_dir
    from .cache import load_fitted, save_fitted
    from .threads import limited_threads

    path = fold_cache_dir(dataset, model, folds=folds, seed=seed, cache_dir=cache_dir) / "final-model.joblib"
    cached = load_fitted(path)
    if cached is not None:
        return cached
    with limited_threads():
        model.fit_dataset(dataset, seed=seed, cache_dir=cache_dir, progress=False)
    save_fitted(path, model)
    return model


def save_predictor(model: Model, classes: Sequence[str], run_dir: str | os.PathLike) -> Path:
    """Write ``model`` (fitted) as ``run_dir/model/model.joblib``; returns the path."""
    import joblib

    path = Path(run_dir) / MODEL_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(TextPredictor(model, classes), path, compress=3)
    return path
