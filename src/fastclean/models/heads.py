"""Classifier heads fitted on fixed features."""

from __future__ import annotations

import numpy as np

from .base import full_proba


class LogisticRegressionHead:
    """Standardised features → multinomial logistic regression (scikit-learn, lbfgs).

    Parameters
    ----------
    C : float
        Inverse L2 regularisation strength.
    max_iter : int
        lbfgs iteration cap.
    """

    def __init__(self, C: float = 1.0, max_iter: int = 1000):
        if not C > 0:
            raise ValueError(f"C: expected a positive number, got {C!r}")
        self.C = C
        self.max_iter = max_iter

    def __repr__(self) -> str:
        return f"logreg(C={self.C:g})"

    def fit(self, features: np.ndarray, labels: np.ndarray, *, n_classes: int, seed: int = 0):
        """Fit on ``features`` (N, D) and integer ``labels``; returns ``self``."""
        import warnings

        from sklearn.exceptions import ConvergenceWarning
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        self.n_classes = n_classes
        self.pipeline = make_pipeline(
            StandardScaler(),
            LogisticRegression(C=self.C, max_iter=self.max_iter, random_state=seed),
        )
        with warnings.catch_warnings():
            # A few more iterations barely move the probabilities; do not alarm users.
            warnings.simplefilter("ignore", ConvergenceWarning)
            self.pipeline.fit(features, labels)
        return self

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        """Probabilities over all ``n_classes`` (0 for classes unseen in training)."""
        proba = self.pipeline.predict_proba(features)
        return full_proba(proba, self.pipeline.classes_, self.n_classes)
