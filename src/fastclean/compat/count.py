"""cleanlab-shaped ``count`` module: confident joint, noise estimates, cross-validated estimates."""

from __future__ import annotations

import numpy as np

from .. import core
from ..core.validation import probability_ceiling
from ..core.count import estimate_py_and_noise_matrices_from_probabilities as _from_probabilities
from ..core.multilabel import (
    compute_multilabel_confident_joint,
    multilabel_onehot,
    multilabel_thresholds,
)
from ._inputs import labels_array, pred_probs_array, require_list
from .filter import check_two_classes

ESTIMATION_METHODS = core.count.ESTIMATION_METHODS


def num_label_issues(labels, pred_probs, *, confident_joint=None,
                     estimation_method="off_diagonal", multi_label=False) -> int:
    """Estimated number of label issues (see :func:`fastclean.core.num_label_issues`).

    With ``multi_label=True``, the number of examples flagged by the ``confident_learning``
    filter over all classes.
    """
    pred_probs = pred_probs_array(pred_probs)
    if multi_label:
        labels = require_list(labels)
    else:
        labels = labels_array(labels)
        check_two_classes(labels)
    return core.num_label_issues(labels, pred_probs, confident_joint=confident_joint,
                                 estimation_method=estimation_method, multi_label=multi_label)


def _binary_labels_per_class(labels) -> np.ndarray:
    # cleanlab counts the classes present in labels here (not the largest index + 1).
    present = {c for row in labels for c in row}
    onehot = multilabel_onehot([[c for c in row if c < len(present)] for row in labels],
                               n_classes=len(present))
    return onehot


def calibrate_confident_joint(confident_joint, labels, *, multi_label=False) -> np.ndarray:
    """Calibrate a confident joint so that row sums are the class counts (see core).

    With ``multi_label=True`` the joint is ``(K, 2, 2)`` and each class's 2 x 2 joint is
    calibrated against that class's one-vs-rest labels.
    """
    if multi_label:
        onehot = _binary_labels_per_class(require_list(labels))
        cj = np.asarray(confident_joint)
        k = min(len(cj), onehot.shape[1])
        out = np.empty((k, 2, 2), dtype=np.int64)
        for c in range(k):
            out[c] = core.calibrate_confident_joint(cj[c], onehot[:, c].astype(np.int64))
        return out
    return core.calibrate_confident_joint(confident_joint, labels_array(labels))


def estimate_joint(labels, pred_probs, *, confident_joint=None, multi_label=False) -> np.ndarray:
    """Estimate the joint ``P(given, true)``; ``(K, 2, 2)`` one-vs-rest with ``multi_label``.

    Without labels (``labels=None``) a given ``confident_joint`` is normalised as is.
    """
    if multi_label:
        labels = require_list(labels)
        onehot = multilabel_onehot(labels, n_classes=np.shape(pred_probs)[1])
        if confident_joint is None:
            cj = compute_multilabel_confident_joint(labels, pred_probs, calibrate=True)
        else:
            cj = np.asarray(confident_joint)
        out = np.empty((onehot.shape[1], 2, 2))
        for c in range(onehot.shape[1]):
            calibrated = core.calibrate_confident_joint(cj[c], onehot[:, c].astype(np.int64))
            out[c] = calibrated / np.clip(float(np.sum(calibrated)), a_min=1e-100, a_max=None)
        return out
    if labels is None and confident_joint is not None:
        cj = np.asarray(confident_joint)
        return cj / np.clip(float(np.sum(cj)), a_min=1e-100, a_max=None)
    with probability_ceiling(np.inf):  # cleanlab checks no value range here
        return core.estimate_joint(labels_array(labels), pred_probs,
                                   confident_joint=confident_joint)


def compute_confident_joint(labels, pred_probs, *, thresholds=None, calibrate=True,
                            multi_label=False, return_indices_of_off_diagonals=False):
    """The confident joint (see :func:`fastclean.core.compute_confident_joint`).

    With ``multi_label=True``: shape ``(K, 2, 2)``, and the off-diagonal indices as a list of
    K arrays.
    """
    if multi_label:
        return compute_multilabel_confident_joint(
            require_list(labels), pred_probs, thresholds=thresholds, calibrate=calibrate,
            return_indices_of_off_diagonals=return_indices_of_off_diagonals)
    with probability_ceiling(np.inf):  # cleanlab checks no value range here
        return core.compute_confident_joint(
            labels_array(labels), pred_probs, thresholds=thresholds, calibrate=calibrate,
            return_indices_of_off_diagonals=return_indices_of_off_diagonals)


def estimate_latent(confident_joint, labels, *, py_method="cnt", converge_latent_estimates=False):
    """Prior, noise matrix and inverse noise matrix (see :func:`fastclean.core.estimate_latent`)."""
    return core.estimate_latent(confident_joint, labels_array(labels), py_method=py_method,
                                converge_latent_estimates=converge_latent_estimates)


def estimate_py_and_noise_matrices_from_probabilities(labels, pred_probs, *, thresholds=None,
                                                      converge_latent_estimates=True,
                                                      py_method="cnt", calibrate=True):
    """``(py, noise_matrix, inverse_noise_matrix, confident_joint)`` from pred_probs."""
    with probability_ceiling(np.inf):  # cleanlab checks no value range here
        return _from_probabilities(labels_array(labels), pred_probs, thresholds=thresholds,
                                   converge_latent_estimates=converge_latent_estimates,
                                   py_method=py_method, calibrate=calibrate)


def get_confident_thresholds(labels, pred_probs, multi_label=False) -> np.ndarray:
    """Per-class thresholds; ``(K, 2)`` (not-in-class, in-class) with ``multi_label``."""
    if multi_label:
        return multilabel_thresholds(require_list(labels), pred_probs)
    with probability_ceiling(np.inf):  # cleanlab checks no value range here
        return core.get_confident_thresholds(labels_array(labels), pred_probs)


def _default_clf():
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(solver="lbfgs")


def estimate_cv_predicted_probabilities(X, labels, clf=None, *, cv_n_folds=5, seed=None,
                                        clf_kwargs=None, validation_func=None) -> np.ndarray:
    """Out-of-sample pred_probs by stratified K-fold cross-validation (scikit-learn).

    Folds are ``StratifiedKFold(cv_n_folds, shuffle=True, random_state=seed)``, as in cleanlab;
    each fold fits a clone of ``clf`` (default logistic regression).
    """
    from ..learning import cross_validated_pred_probs

    return cross_validated_pred_probs(X, labels_array(labels), _default_clf() if clf is None else clf,
                                      cv_n_folds=cv_n_folds, seed=seed, clf_kwargs=clf_kwargs,
                                      validation_func=validation_func)


def estimate_confident_joint_and_cv_pred_proba(X, labels, clf=None, *, cv_n_folds=5,
                                               thresholds=None, seed=None, calibrate=True,
                                               clf_kwargs=None, validation_func=None):
    """``(confident_joint, pred_probs)`` with pred_probs from cross-validation."""
    labels = labels_array(labels)
    pred_probs = estimate_cv_predicted_probabilities(X, labels, clf, cv_n_folds=cv_n_folds,
                                                     seed=seed, clf_kwargs=clf_kwargs,
                                                     validation_func=validation_func)
    cj = core.compute_confident_joint(labels, pred_probs, thresholds=thresholds, calibrate=calibrate)
    return cj, pred_probs


def estimate_py_noise_matrices_and_cv_pred_proba(X, labels, clf=None, *, cv_n_folds=5,
                                                 thresholds=None, converge_latent_estimates=False,
                                                 py_method="cnt", seed=None, clf_kwargs=None,
                                                 validation_func=None):
    """``(py, noise_matrix, inverse_noise_matrix, confident_joint, pred_probs)`` by cross-validation."""
    labels = labels_array(labels)
    cj, pred_probs = estimate_confident_joint_and_cv_pred_proba(
        X, labels, clf, cv_n_folds=cv_n_folds, thresholds=thresholds, seed=seed,
        clf_kwargs=clf_kwargs, validation_func=validation_func)
    py, nm, inv = core.estimate_latent(cj, labels, py_method=py_method,
                                       converge_latent_estimates=converge_latent_estimates)
    return py, nm, inv, cj, pred_probs


def estimate_noise_matrices(X, labels, clf=None, *, cv_n_folds=5, thresholds=None,
                            converge_latent_estimates=True, seed=None, clf_kwargs=None,
                            validation_func=None):
    """``(noise_matrix, inverse_noise_matrix)`` estimated by cross-validating ``clf`` on ``X``.

    cleanlab's meaning: features and a classifier in, not pred_probs (for those use
    :func:`fastclean.core.estimate_noise_matrices_from_pred_probs`).
    """
    out = estimate_py_noise_matrices_and_cv_pred_proba(
        X, labels, clf, cv_n_folds=cv_n_folds, thresholds=thresholds,
        converge_latent_estimates=converge_latent_estimates, seed=seed, clf_kwargs=clf_kwargs,
        validation_func=validation_func)
    return out[1], out[2]


__all__ = [
    "num_label_issues", "calibrate_confident_joint", "estimate_joint", "compute_confident_joint",
    "estimate_latent", "estimate_py_and_noise_matrices_from_probabilities",
    "get_confident_thresholds", "estimate_cv_predicted_probabilities",
    "estimate_confident_joint_and_cv_pred_proba", "estimate_py_noise_matrices_and_cv_pred_proba",
    "estimate_noise_matrices",
]
