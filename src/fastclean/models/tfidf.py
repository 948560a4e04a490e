"""TF-IDF of word uni- and bi-grams + logistic regression: the fast text baseline."""

from __future__ import annotations

import os

import numpy as np

from ..data.dataset import LabelledDataset
from .base import Model, full_proba
from .text_features import texts_of


class TfidfLogReg(Model):
    """Word 1–2-gram TF-IDF (sublinear tf) and L2 logistic regression, refitted per fold.

    The vocabulary is learnt on each training fold only, so held-out rows stay unseen.

    Parameters
    ----------
    C : float
        Inverse regularisation strength of the logistic regression.
    """

    name = "tfidf-logreg"
    version = "1"

    def __init__(self, C: float = 1.0):
        if not C > 0:
            raise ValueError(f"C: expected a positive number, got {C!r}")
        self.C = C

    def params_key(self) -> str:
        return f"C={self.C:g}"

    def prepare(self, dataset: LabelledDataset, *, cache_dir: str | os.PathLike | None = None,
                progress: bool = True) -> list[str]:
        return texts_of(dataset)

    def fit(self, inputs: list[str], labels: np.ndarray, *, n_classes: int, seed: int = 0) -> "TfidfLogReg":
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        self.n_classes = n_classes
        self.pipeline = make_pipeline(
            TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, lowercase=True),
            LogisticRegression(C=self.C, max_iter=2000, random_state=seed),
        )
        self.pipeline.fit(inputs, labels)
        return self

    def predict_proba(self, inputs: list[str]) -> np.ndarray:
        return full_proba(self.pipeline.predict_proba(inputs), self.pipeline.classes_, self.n_classes)
