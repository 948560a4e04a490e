"""Classifier heads fitted on fixed features."""

from __future__ import annotations

import numpy as np

from .base import full_proba


#: Candidate C values of ``LogisticRegressionHead(C="cv")``.
CV_CS = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1)
#: Inner folds of ``C="cv"``.
CV_FOLDS = 3


class LogisticRegressionHead:
    """Standardised features → multinomial logistic regression (scikit-learn, lbfgs).

    Parameters
    ----------
    C : float or "cv"
        Inverse L2 regularisation strength, or ``"cv"``: chosen among :data:`CV_CS` by the
        log-loss of a 3-fold cross-validation on the training rows of each fit. With noisy
        labels the held-out log-loss rewards the regularisation that fits the flips least, so
        the choice adapts to each dataset (and to its noise) instead of being tuned once.
    max_iter : int
        lbfgs iteration cap.
    """

    def __init__(self, C: float | str = 1.0, max_iter: int = 1000):
        if C != "cv" and not (isinstance(C, (int, float)) and C > 0):
            raise ValueError(f"C: expected a positive number or 'cv', got {C!r}")
        self.C = C
        self.max_iter = max_iter

    def __repr__(self) -> str:
        return "logreg(C=cv)" if self.C == "cv" else f"logreg(C={self.C:g})"

    def fit(self, features: np.ndarray, labels: np.ndarray, *, n_classes: int, seed: int = 0):
        """Fit on ``features`` (N, D) and integer ``labels``; returns ``self``."""
        import warnings

        from sklearn.exceptions import ConvergenceWarning
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        self.n_classes = n_classes
        if self.C == "cv":
            from sklearn.linear_model import LogisticRegressionCV

            counts = np.bincount(labels)
            if counts[counts > 0].min() < CV_FOLDS:  # a class too small to cross-validate
                head = LogisticRegression(C=CV_CS[len(CV_CS) // 2], max_iter=self.max_iter,
                                          random_state=seed)
            else:
                head = LogisticRegressionCV(Cs=list(CV_CS), cv=CV_FOLDS, scoring="neg_log_loss",
                                            max_iter=self.max_iter, random_state=seed)
        else:
            head = LogisticRegression(C=self.C, max_iter=self.max_iter, random_state=seed)
        self.pipeline = make_pipeline(StandardScaler(), head)
        with warnings.catch_warnings():
            # A few more iterations barely move the probabilities; do not alarm users.
            warnings.simplefilter("ignore", ConvergenceWarning)
            # scikit-learn 1.8 announces LogisticRegressionCV API changes that do not affect us.
            warnings.simplefilter("ignore", FutureWarning)
            self.pipeline.fit(features, labels)
        return self

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        """Probabilities over all ``n_classes`` (0 for classes unseen in training)."""
        proba = self.pipeline.predict_proba(features)
        return full_proba(proba, self.pipeline.classes_, self.n_classes)
