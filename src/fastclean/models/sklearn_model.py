"""Any scikit-learn classifier with ``predict_proba``, from the Python API."""

from __future__ import annotations

import os

import numpy as np

from ..data.dataset import LabelledDataset
from .base import Model, full_proba


def default_inputs(dataset: LabelledDataset):
    """What a generic estimator sees: feature vectors, else flattened pixels in [0, 1], else texts."""
    if dataset.features is not None:
        return np.asarray(dataset.features, dtype=np.float32)
    if dataset.images is not None:
        return dataset.images.reshape(len(dataset), -1).astype(np.float32) / 255.0
    if dataset.texts is not None:
        return list(dataset.texts)
    raise ValueError(f"dataset {dataset.name!r}: the sklearn model needs features, in-memory "
                     "images or texts (images on disk need a feature extractor)")


class SklearnModel(Model):
    """Wrap an unfitted scikit-learn classifier; it is cloned and refitted for every fold.

    Parameters
    ----------
    estimator : sklearn classifier
        Must implement ``fit`` and ``predict_proba``. Its ``random_state`` (if any) is set to
        the fold's seed.
    name : str
        Name used in cache keys; include anything that distinguishes configurations.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> model = SklearnModel(LogisticRegression(max_iter=500))
    """

    version = "1"

    def __init__(self, estimator, name: str = "sklearn"):
        if not (hasattr(estimator, "fit") and hasattr(estimator, "predict_proba")):
            raise TypeError(f"estimator: expected a scikit-learn classifier with fit and "
                            f"predict_proba, got {type(estimator).__name__}")
        self.estimator = estimator
        self.name = name

    def params_key(self) -> str:
        return repr(self.estimator)

    def prepare(self, dataset: LabelledDataset, *, cache_dir: str | os.PathLike | None = None,
                progress: bool = True):
        return default_inputs(dataset)

    def fit(self, inputs, labels: np.ndarray, *, n_classes: int, seed: int = 0) -> "SklearnModel":
        from sklearn.base import clone

        est = clone(self.estimator)
        if "random_state" in est.get_params():
            est.set_params(random_state=seed)
        self.fitted_ = est.fit(inputs, labels)
        self.n_classes = n_classes
        return self

    def predict_proba(self, inputs) -> np.ndarray:
        proba = self.fitted_.predict_proba(inputs)
        return full_proba(proba, np.asarray(self.fitted_.classes_), self.n_classes)
