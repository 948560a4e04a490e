"""``CleanLearning``: a scikit-learn classifier that trains on the examples confident learning keeps.

Wrap any scikit-learn-style classifier (``fit``, ``predict_proba``): ``fit(X, y)`` gets
out-of-sample probabilities with scikit-learn's ``cross_val_predict`` over
``StratifiedKFold(cv_n_folds, shuffle=True, random_state=seed)`` (cleanlab's folds), finds the
label issues with :func:`fastclean.core.find_label_issues`, and fits a clone of the classifier
on the examples not flagged, weighting each class by the inverse of its estimated
``P(given = k | true = k)`` when the classifier accepts ``sample_weight`` (as cleanlab 2.9's
``CleanLearning`` does). Same classifier, data and seed give cleanlab's label issues and
predictions.

scikit-learn and pandas are imported here, never by ``fastclean.core``.
"""

from __future__ import annotations

import inspect

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _check_sample_weight, _num_samples, check_is_fitted, column_or_1d

from . import core

#: cleanlab's CleanLearning default for ``find_label_issues``.
DEFAULT_FIND_LABEL_ISSUES_KWARGS = {"min_examples_per_class": 10}
_UNSUPPORTED_KWARGS = ("return_indices_ranked_by", "multi_label")


def _subset(X, mask: np.ndarray):
    if hasattr(X, "iloc"):
        return X.iloc[np.flatnonzero(mask)]
    if isinstance(X, list):
        return [x for x, keep in zip(X, mask) if keep]
    if hasattr(X, "tocsr") and getattr(X, "format", "csr") not in ("csr", "csc", "lil", "dok"):
        X = X.tocsr()  # sparse formats without row indexing (dia, coo, bsr)
    try:
        return X[mask]
    except (TypeError, IndexError):
        return np.asarray(X)[mask]


def _index_dtype(n_classes: int):
    """The narrow signed integer type cleanlab stores class indices in."""
    if n_classes < np.iinfo(np.int16).max:
        return np.int16
    return np.int32 if n_classes < np.iinfo(np.int32).max else np.int64


def _accepts(method, name: str) -> bool:
    try:
        return name in inspect.signature(method).parameters
    except (TypeError, ValueError):
        return False


def cross_validated_pred_probs(X, labels, clf, *, cv_n_folds: int = 5, seed=None,
                               clf_kwargs: dict | None = None, validation_func=None,
                               n_jobs: int | None = None) -> np.ndarray:
    """Out-of-sample predicted probabilities by stratified K-fold cross-validation.

    Parameters
    ----------
    X : array_like, sparse matrix or DataFrame, shape (N, ...)
    labels : array_like, shape (N,)
        Class of every example; columns of the result follow ``np.unique(labels)``.
    clf : scikit-learn classifier
        Cloned for every fold.
    cv_n_folds : int, default 5
    seed : int, optional
        ``random_state`` of the shuffled ``StratifiedKFold``.
    clf_kwargs : dict, optional
        Extra arguments of ``clf.fit``.
    validation_func : callable, optional
        ``validation_func(X_holdout, y_holdout)`` returns more ``fit`` arguments per fold.
    n_jobs : int, optional
        Folds fitted in parallel (the result does not depend on it).

    Returns
    -------
    numpy.ndarray, shape (N, K)
    """
    labels = np.asarray(labels)
    cv = StratifiedKFold(n_splits=cv_n_folds, shuffle=True, random_state=seed)
    fit_kwargs = dict(clf_kwargs or {})
    if validation_func is None:
        return cross_val_predict(clf, X, labels, cv=cv, method="predict_proba",
                                 params=fit_kwargs or None, n_jobs=n_jobs)
    if not callable(validation_func):
        raise TypeError("validation_func must be a callable (X_val, y_val) -> dict")
    classes = np.unique(labels)
    out = np.zeros((len(labels), len(classes)))
    for train, holdout in cv.split(labels, labels):
        train_mask = np.zeros(len(labels), dtype=bool)
        train_mask[train] = True
        X_holdout, y_holdout = _subset(X, ~train_mask), labels[~train_mask]
        model = clone(clf).fit(_subset(X, train_mask), labels[train_mask], **fit_kwargs,
                               **validation_func(X_holdout, y_holdout))
        cols = np.searchsorted(classes, model.classes_)
        out[np.flatnonzero(~train_mask)[:, None], cols] = model.predict_proba(X_holdout)
    return out


def expected_failed_checks(estimator) -> dict:
    """scikit-learn estimator checks that cannot hold for CleanLearning, with the reason.

    For ``sklearn.utils.estimator_checks.parametrize_with_checks(...,
    expected_failed_checks=expected_failed_checks)``.
    """
    reason = ("CleanLearning cross-validates to find label issues: repeating an example "
              "changes the folds (and so the issues found), which sample weights do not")
    return {"check_sample_weight_equivalence_on_dense_data": reason,
            "check_sample_weight_equivalence_on_sparse_data": reason}


class CleanLearning(ClassifierMixin, BaseEstimator):
    """Train any classifier on the examples whose labels confident learning trusts.

    Parameters
    ----------
    clf : scikit-learn classifier, optional
        Needs ``fit`` and ``predict_proba``; default ``LogisticRegression()``.
    seed : int, optional
        Seed of the cross-validation folds.
    cv_n_folds : int, default 5
    converge_latent_estimates : bool, default False
        Iterate the noise estimates to agree (see :func:`fastclean.core.estimate_latent`).
    find_label_issues_kwargs : dict, optional
        Arguments of :func:`fastclean.core.find_label_issues` (default
        ``min_examples_per_class=10``, and the cross-validated confident joint).
    label_quality_scores_kwargs : dict, optional
        Arguments of :func:`fastclean.core.get_label_quality_scores`.
    verbose : bool, default False
    n_jobs : int, optional
        Cross-validation folds fitted in parallel (results do not depend on it).

    Attributes
    ----------
    clf_ : classifier
        The clone fitted on the kept examples.
    classes_ : numpy.ndarray
        The class labels (sorted).
    label_issues_ : pandas.DataFrame
        ``is_label_issue``, ``label_quality``, ``given_label``, ``predicted_label``
        (class indices), plus ``sample_weight`` when weights were derived.
    noise_matrix_, inverse_noise_matrix_, py_, confident_joint_ : numpy.ndarray
        Noise estimates from the cross-validated probabilities.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> X, y = make_classification(200, n_informative=4, random_state=0)
    >>> model = CleanLearning(seed=0).fit(X, y)
    >>> issues = model.get_label_issues()
    >>> list(issues.columns)
    ['is_label_issue', 'label_quality', 'given_label', 'predicted_label', 'sample_weight']
    """

    def __init__(self, clf=None, *, seed=None, cv_n_folds=5, converge_latent_estimates=False,
                 find_label_issues_kwargs=None, label_quality_scores_kwargs=None, verbose=False,
                 n_jobs=None):
        self.clf = clf
        self.seed = seed
        self.cv_n_folds = cv_n_folds
        self.converge_latent_estimates = converge_latent_estimates
        self.find_label_issues_kwargs = find_label_issues_kwargs
        self.label_quality_scores_kwargs = label_quality_scores_kwargs
        self.verbose = verbose
        self.n_jobs = n_jobs

    # ------------------------------------------------------------------ helpers
    def _base_clf(self):
        if self.clf is None:
            from sklearn.linear_model import LogisticRegression

            return LogisticRegression()
        for method in ("fit", "predict_proba", "predict"):
            if not hasattr(self.clf, method):
                raise TypeError(f"clf must define .{method}(), got {type(self.clf).__name__}")
        return self.clf

    def _labels(self, y):
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y is None")
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        return y

    def _issue_kwargs(self) -> dict:
        kwargs = {**DEFAULT_FIND_LABEL_ISSUES_KWARGS, **(self.find_label_issues_kwargs or {})}
        bad = [k for k in _UNSUPPORTED_KWARGS if k in kwargs]
        if bad:
            raise ValueError(f"find_label_issues_kwargs: {bad} are not supported by CleanLearning")
        return kwargs

    # ------------------------------------------------------------------ API
    def find_label_issues(self, X=None, labels=None, *, pred_probs=None, thresholds=None,
                          clf_kwargs=None, validation_func=None, save_space=False):
        """Find label issues without training the final model.

        Parameters
        ----------
        X : array_like, shape (N, ...), optional
            Features; not needed when ``pred_probs`` is given.
        labels : array_like, shape (N,)
        pred_probs : array_like, shape (N, K), optional
            Out-of-sample probabilities; computed by cross-validation when absent.
        thresholds : array_like, shape (K,), optional
            Confident thresholds for the confident joint.
        clf_kwargs : dict, optional
            Extra ``fit`` arguments for the cross-validation models.
        validation_func : callable, optional
            See :func:`cross_validated_pred_probs`.
        save_space : bool, default False
            Do not keep the table on the estimator.

        Returns
        -------
        pandas.DataFrame
            ``is_label_issue``, ``label_quality``, ``given_label``, ``predicted_label``
            (given and predicted labels as class indices into ``classes_``).
        """
        import pandas as pd

        y = self._labels(labels)
        classes, encoded = np.unique(y, return_inverse=True)
        if pred_probs is None:
            if X is None:
                raise ValueError("find_label_issues needs X (or pred_probs)")
            if len(y) / len(classes) < self.cv_n_folds:
                raise ValueError("Need more data from each class for cross-validation: "
                                 f"{len(y)} examples, {len(classes)} classes, "
                                 f"cv_n_folds={self.cv_n_folds}")
            pred_probs = cross_validated_pred_probs(
                X, y, self._base_clf(), cv_n_folds=self.cv_n_folds, seed=self.seed,
                clf_kwargs=clf_kwargs, validation_func=validation_func, n_jobs=self.n_jobs)
        pred_probs = np.asarray(pred_probs)
        kwargs = self._issue_kwargs()
        cj = kwargs.pop("confident_joint", None)
        calibrated = core.compute_confident_joint(encoded, pred_probs, thresholds=thresholds)
        py, nm, inv = core.estimate_latent(cj if cj is not None else calibrated, encoded,
                                           converge_latent_estimates=self.converge_latent_estimates)
        if cj is None and kwargs.get("filter_by") != "confident_learning":
            cj = calibrated
        mask = core.find_label_issues(encoded, pred_probs, confident_joint=cj, **kwargs)
        quality = core.get_label_quality_scores(encoded, pred_probs,
                                                **(self.label_quality_scores_kwargs or {}))
        small = _index_dtype(len(classes))
        table = pd.DataFrame({
            "is_label_issue": mask,
            "label_quality": quality,
            "given_label": encoded.astype(small),
            "predicted_label": pred_probs.argmax(axis=1).astype(small),
        })
        if self.verbose:
            print(f"Identified {int(mask.sum())} examples with label issues.")
        if not save_space:
            self.label_issues_ = table
            self.py_, self.noise_matrix_, self.inverse_noise_matrix_ = py, nm, inv
            self.confident_joint_ = cj if cj is not None else calibrated
        return table

    def fit(self, X, y=None, *, labels=None, pred_probs=None, thresholds=None,
            label_issues=None, sample_weight=None, clf_kwargs=None, clf_final_kwargs=None,
            validation_func=None):
        """Find the label issues (unless given) and fit the classifier on the other examples.

        Parameters
        ----------
        X : array_like, shape (N, ...)
        y : array_like, shape (N,)
            Given (noisy) labels; ``labels=`` is accepted as cleanlab's name for it.
        pred_probs : array_like, shape (N, K), optional
            Skip the cross-validation and use these out-of-sample probabilities.
        thresholds : array_like, shape (K,), optional
        label_issues : pandas.DataFrame or array_like, optional
            Issues found earlier (``find_label_issues``'s table, a boolean mask, or indices).
        sample_weight : array_like, shape (N,), optional
            Weights for the final fit (of the kept examples).
        clf_kwargs, clf_final_kwargs : dict, optional
            Extra ``fit`` arguments for the cross-validation models / the final model.
        validation_func : callable, optional

        Returns
        -------
        self
        """
        if labels is not None and y is not None:
            raise ValueError("Give either y or labels, not both")
        y = self._labels(y if y is not None else labels)
        if _num_samples(X) == 0:
            raise ValueError("Found array with 0 sample(s) while a minimum of 1 is required.")
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, y)
        base = self._base_clf()
        self.classes_ = np.unique(y)
        if label_issues is None:
            table = self.find_label_issues(X, y, pred_probs=pred_probs, thresholds=thresholds,
                                           clf_kwargs=clf_kwargs, validation_func=validation_func)
        else:
            table = self._issues_table(label_issues, len(y))
            self.label_issues_ = table
            self.noise_matrix_ = None
        mask = table["is_label_issue"].to_numpy(dtype=bool)
        keep = ~mask
        final_kwargs = {**(clf_kwargs or {}), **(clf_final_kwargs or {})}
        y_kept = y[keep]
        if sample_weight is not None:
            final_kwargs.setdefault("sample_weight", np.asarray(sample_weight)[keep])
        elif (_accepts(base.fit, "sample_weight") and "sample_weight" not in final_kwargs
              and getattr(self, "noise_matrix_", None) is not None):
            per_class = 1.0 / np.maximum(np.diagonal(self.noise_matrix_), 0.001)
            weights = per_class[np.searchsorted(self.classes_, y_kept)]
            expanded = np.zeros(len(y))
            expanded[keep] = weights
            self.label_issues_["sample_weight"] = expanded
            final_kwargs["sample_weight"] = weights
        self.clf_ = clone(base).fit(_subset(X, keep), y_kept, **final_kwargs)
        if hasattr(self.clf_, "n_features_in_"):
            self.n_features_in_ = self.clf_.n_features_in_
        if hasattr(self.clf_, "feature_names_in_"):
            self.feature_names_in_ = self.clf_.feature_names_in_
        return self

    @staticmethod
    def _issues_table(label_issues, n: int):
        import pandas as pd

        if isinstance(label_issues, pd.DataFrame):
            if "is_label_issue" not in label_issues.columns:
                raise ValueError("label_issues must have an 'is_label_issue' column")
            if len(label_issues) != n:
                raise ValueError("label_issues and labels must have the same length")
            return label_issues.copy()
        arr = np.asarray(label_issues)
        if arr.dtype == bool:
            if arr.shape != (n,):
                raise ValueError("a boolean label_issues must have the shape of the labels")
            return pd.DataFrame({"is_label_issue": arr})
        if arr.dtype.kind in "iu":
            if len(np.unique(arr)) != len(arr):
                raise ValueError("label_issues as indices must be unique")
            mask = np.zeros(n, dtype=bool)
            mask[arr] = True
            return pd.DataFrame({"is_label_issue": mask})
        raise TypeError("label_issues must be a DataFrame, a boolean mask or integer indices")

    def _final_proba(self, X) -> np.ndarray:
        proba = self.clf_.predict_proba(X)
        if proba.shape[1] == len(self.classes_):
            return proba
        # Classes absent from the kept examples get probability 0.
        full = np.zeros((proba.shape[0], len(self.classes_)), dtype=proba.dtype)
        full[:, np.searchsorted(self.classes_, self.clf_.classes_)] = proba
        return full

    def predict(self, X):
        """Predicted class of every example (from the model fitted on the kept examples)."""
        check_is_fitted(self, "clf_")
        return self.clf_.predict(X)

    def predict_proba(self, X):
        """Predicted probability of every class (columns follow ``classes_``)."""
        check_is_fitted(self, "clf_")
        return self._final_proba(X)

    def score(self, X, y, sample_weight=None) -> float:
        """Accuracy of the final model (its own ``score`` when it has one)."""
        check_is_fitted(self, "clf_")
        if hasattr(self.clf_, "score"):
            if _accepts(self.clf_.score, "sample_weight"):
                return self.clf_.score(X, y, sample_weight=sample_weight)
            return self.clf_.score(X, y)
        return super().score(X, y, sample_weight=sample_weight)

    def get_label_issues(self):
        """The table of the last ``fit`` / ``find_label_issues`` (None before)."""
        return getattr(self, "label_issues_", None)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        clf = self._base_clf() if self.clf is None else self.clf
        if hasattr(clf, "__sklearn_tags__"):
            tags.input_tags = clf.__sklearn_tags__().input_tags
        return tags
