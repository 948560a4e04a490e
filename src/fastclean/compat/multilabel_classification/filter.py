"""cleanlab-shaped ``multilabel_classification.filter``: label issues in multi-label data."""

from __future__ import annotations

import numpy as np

from ...core.multilabel import (
    BinaryProblems,
    class_label_quality_scores,
    find_multilabel_issues,
    issues_per_class,
    validate_multilabel_inputs,
)
from .._inputs import pred_probs_array


def find_label_issues(labels, pred_probs, return_indices_ranked_by=None, rank_by_kwargs=None,
                      filter_by="prune_by_noise_rate", frac_noise=1.0, num_to_remove_per_class=None,
                      min_examples_per_class=1, confident_joint=None, n_jobs=None, verbose=False,
                      low_memory=False) -> np.ndarray:
    """Examples whose label set is likely wrong (see :func:`fastclean.core.find_multilabel_issues`).

    ``n_jobs`` and ``low_memory`` are accepted; the work is vectorised and the answer is the
    exact one either way.
    """
    found = find_multilabel_issues(
        labels, pred_probs_array(pred_probs), filter_by=filter_by,
        return_indices_ranked_by=return_indices_ranked_by, rank_by_kwargs=rank_by_kwargs,
        frac_noise=frac_noise, num_to_remove_per_class=num_to_remove_per_class,
        min_examples_per_class=min_examples_per_class, confident_joint=confident_joint)
    if verbose:
        print(f"Number of label issues found: {len(found) if found.dtype != bool else int(found.sum())}")
    return found


def find_multilabel_issues_per_class(labels, pred_probs, return_indices_ranked_by=None,
                                     rank_by_kwargs=None, filter_by="prune_by_noise_rate",
                                     frac_noise=1.0, num_to_remove_per_class=None,
                                     min_examples_per_class=1, confident_joint=None, n_jobs=None,
                                     verbose=False, low_memory=False):
    """Which class of which example looks wrongly given or wrongly missing.

    Returns
    -------
    numpy.ndarray of bool, shape (N, K)
        When ``return_indices_ranked_by`` is None.
    (issues, labels, pred_probs) : three lists of K items
        Otherwise: per class, the flagged indices ranked by that class's label quality, the
        class's 0/1 labels and its two-column ``[1 - p, p]`` probabilities.
    """
    onehot, probs = validate_multilabel_inputs(labels, pred_probs_array(pred_probs))
    bp = BinaryProblems.build(onehot, probs)
    if (bp.counts[:, 0] == 0).any():
        raise ValueError("Labels must contain at least 2 classes.")
    per_class = issues_per_class(bp, filter_by=filter_by, frac_noise=frac_noise,
                                 num_to_remove_per_class=num_to_remove_per_class,
                                 min_examples_per_class=min_examples_per_class,
                                 confident_joint=confident_joint)
    if return_indices_ranked_by is None:
        return per_class
    adjust = bool((rank_by_kwargs or {}).get("adjust_pred_probs", False))
    scores = class_label_quality_scores(bp, method=return_indices_ranked_by,
                                        adjust_pred_probs=adjust)
    issues, labels_list, probs_list = [], [], []
    for c in range(bp.n_classes):
        idx = np.flatnonzero(per_class[:, c])
        issues.append(idx[np.argsort(scores[idx, c])])
        labels_list.append(onehot[:, c].astype(np.int64))
        probs_list.append(np.column_stack((bp.q[c], bp.p[c])))
    return issues, labels_list, probs_list


__all__ = ["find_label_issues", "find_multilabel_issues_per_class"]
