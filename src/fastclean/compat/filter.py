"""cleanlab-shaped ``filter`` module: which examples have label issues."""

from __future__ import annotations

import warnings

import numpy as np

from .. import core
from ..core.filter import _reduce_prune_counts, prune_counts
from ..core.multilabel import BinaryProblems, validate_multilabel_inputs
from ._inputs import labels_array, pred_probs_array, require_list


def check_two_classes(labels: np.ndarray) -> None:
    """cleanlab refuses single-class labels (except all zeros, a one-vs-rest corner case)."""
    unique = np.unique(labels)
    if len(unique) < 2 and not (len(unique) == 1 and unique[0] == 0):
        raise ValueError("Labels must contain at least 2 classes.")


def find_label_issues(labels, pred_probs, *, return_indices_ranked_by=None, rank_by_kwargs=None,
                      filter_by="prune_by_noise_rate", frac_noise=1.0,
                      num_to_remove_per_class=None, min_examples_per_class=1,
                      confident_joint=None, n_jobs=None, verbose=False, multi_label=False):
    """Identify label issues: :func:`fastclean.core.find_label_issues` with cleanlab's signature.

    ``labels`` may be a list, array or pandas Series; with ``multi_label=True`` a list of
    lists of class indices. See :func:`fastclean.core.find_label_issues` for the arguments.

    Returns
    -------
    numpy.ndarray
        Boolean mask, or indices ranked by label quality (worst first).
    """
    pred_probs = pred_probs_array(pred_probs)
    if multi_label:
        labels = require_list(labels)
        warnings.warn("filter.find_label_issues(..., multi_label=True) is deprecated in cleanlab; "
                      "use multilabel_classification.filter.find_label_issues()",
                      DeprecationWarning, stacklevel=2)
    else:
        labels = labels_array(labels)
        check_two_classes(labels)
    return core.find_label_issues(
        labels, pred_probs, filter_by=filter_by, return_indices_ranked_by=return_indices_ranked_by,
        rank_by_kwargs=rank_by_kwargs, frac_noise=frac_noise,
        num_to_remove_per_class=num_to_remove_per_class,
        min_examples_per_class=min_examples_per_class, confident_joint=confident_joint,
        n_jobs=n_jobs, verbose=verbose, multi_label=multi_label)


def find_predicted_neq_given(labels, pred_probs, *, multi_label=False) -> np.ndarray:
    """Examples whose predicted class (argmax) is not their given label.

    With ``multi_label=True``: examples where, for some class, the side of 0.5 the predicted
    probability falls on disagrees with the given membership.

    Returns
    -------
    numpy.ndarray of bool, shape (N,)
    """
    pred_probs = pred_probs_array(pred_probs)
    if multi_label:
        onehot, probs = validate_multilabel_inputs(require_list(labels), pred_probs)
        bp = BinaryProblems.build(onehot, probs)
        return ((bp.p > bp.q) != bp.y).any(axis=0)
    labels, probs = core.validate_inputs(labels_array(labels), pred_probs)
    return np.argmax(probs, axis=1) != labels


def find_label_issues_using_argmax_confusion_matrix(labels, pred_probs, *, calibrate=True,
                                                    filter_by="prune_by_noise_rate") -> np.ndarray:
    """Label issues pruned from the confusion matrix of argmax predictions (not confident counts).

    Returns
    -------
    numpy.ndarray of bool, shape (N,)
    """
    labels, probs = core.validate_inputs(labels_array(labels), pred_probs_array(pred_probs))
    k = probs.shape[1]
    confusion = np.bincount(np.argmax(probs, axis=1) * k + labels, minlength=k * k).reshape(k, k)
    joint = confusion.T
    if calibrate:
        joint = core.calibrate_confident_joint(joint, labels)
    return find_label_issues(labels, probs, confident_joint=joint, filter_by=filter_by)


def _keep_at_least_n_per_class(prune_count_matrix, n, *, frac_noise=1.0) -> np.ndarray:
    """Prune counts (transposed confident joint) leaving at least ``n`` examples per class."""
    return prune_counts(np.asarray(prune_count_matrix).T, n, frac_noise)


__all__ = ["find_label_issues", "find_predicted_neq_given",
           "find_label_issues_using_argmax_confusion_matrix", "_reduce_prune_counts",
           "_keep_at_least_n_per_class"]
