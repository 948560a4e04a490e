"""TF-IDF of word 1–2-grams and/or character 2–5-grams + logistic regression."""

from __future__ import annotations

import os

import numpy as np

from ..data.dataset import LabelledDataset
from .base import Model, full_proba
from .text_features import texts_of


#: Accepted values of ``TfidfLogReg(ngrams=...)``.
NGRAMS = ("word", "char", "word+char")


class TfidfLogReg(Model):
    """Word 1–2-gram TF-IDF (sublinear tf) and L2 logistic regression, refitted per fold.

    The vocabulary is learnt on each training fold only, so held-out rows stay unseen.

    Parameters
    ----------
    C : float
        Inverse regularisation strength of the logistic regression.
    ngrams : {"word", "char", "word+char"}
        Word 1–2-grams, character 2–5-grams within word boundaries (``char_wb``: robust to the
        misspellings, hashtags and elongated words of tweets), or both side by side.
    """

    name = "tfidf-logreg"
    version = "2"

    def __init__(self, C: float = 1.0, ngrams: str = "word"):
        if not C > 0:
            raise ValueError(f"C: expected a positive number, got {C!r}")
        if ngrams not in NGRAMS:
            raise ValueError(f"ngrams: expected one of {', '.join(NGRAMS)}, got {ngrams!r}")
        self.C = C
        self.ngrams = ngrams

    def params_key(self) -> str:
        return f"C={self.C:g}" + ("" if self.ngrams == "word" else f"-{self.ngrams}")

    def prepare(self, dataset: LabelledDataset, *, cache_dir: str | os.PathLike | None = None,
                progress: bool = True) -> list[str]:
        return texts_of(dataset)

    def fit(self, inputs: list[str], labels: np.ndarray, *, n_classes: int, seed: int = 0) -> "TfidfLogReg":
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline, make_union

        self.n_classes = n_classes
        vectorisers = []
        if "word" in self.ngrams:
            vectorisers.append(TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True,
                                               lowercase=True))
        if "char" in self.ngrams:
            vectorisers.append(TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2,
                                               sublinear_tf=True, lowercase=True))
        self.pipeline = make_pipeline(
            make_union(*vectorisers),
            LogisticRegression(C=self.C, max_iter=2000, random_state=seed),
        )
        self.pipeline.fit(inputs, labels)
        return self

    def predict_proba(self, inputs: list[str]) -> np.ndarray:
        return full_proba(self.pipeline.predict_proba(inputs), self.pipeline.classes_, self.n_classes)
