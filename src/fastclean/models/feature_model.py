"""A pretrained feature extractor followed by a head: features once, heads once per fold."""

from __future__ import annotations

import os

import numpy as np

from ..data.dataset import LabelledDataset
from .base import Model
from .features import FeatureExtractor, cached_features
from .heads import LogisticRegressionHead


class FeatureModel(Model):
    """``extractor`` features (cached on disk) + ``head`` (default logistic regression).

    Parameters
    ----------
    name : str
        Registry name, e.g. ``"minilm-logreg"``.
    extractor : FeatureExtractor
    head : object with ``fit(X, y, n_classes=, seed=)`` and ``predict_proba(X)``, optional
    """

    version = "1"

    def __init__(self, name: str, extractor: FeatureExtractor, head=None):
        self.name = name
        self.extractor = extractor
        self.head = head if head is not None else LogisticRegressionHead()

    def params_key(self) -> str:
        return f"{self.extractor.cache_key}-{self.head!r}"

    def prepare(self, dataset: LabelledDataset, *, cache_dir: str | os.PathLike | None = None,
                progress: bool = True) -> np.ndarray:
        return cached_features(self.extractor, dataset, cache_dir=cache_dir, progress=progress)

    def fit(self, inputs: np.ndarray, labels: np.ndarray, *, n_classes: int, seed: int = 0) -> "FeatureModel":
        self.head.fit(inputs, labels, n_classes=n_classes, seed=seed)
        return self

    def predict_proba(self, inputs: np.ndarray) -> np.ndarray:
        return self.head.predict_proba(inputs)
