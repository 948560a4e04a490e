"""cleanlab-shaped ``rank`` module: label quality scores and the order of label issues."""

from __future__ import annotations

import numpy as np

from .. import core
from ..core.rank import _scores_of_rows
from ._inputs import labels_array, pred_probs_array


def get_label_quality_scores(labels, pred_probs, *, method="self_confidence",
                             adjust_pred_probs=False) -> np.ndarray:
    """Label quality of every example (see :func:`fastclean.core.get_label_quality_scores`)."""
    return core.get_label_quality_scores(labels_array(labels), pred_probs_array(pred_probs),
                                         method=method, adjust_pred_probs=adjust_pred_probs)


def order_label_issues(label_issues_mask, labels, pred_probs, *, rank_by="self_confidence",
                       rank_by_kwargs=None) -> np.ndarray:
    """Indices of the flagged examples, worst first (see :func:`fastclean.core.order_label_issues`)."""
    return core.order_label_issues(np.asarray(label_issues_mask), labels_array(labels),
                                   pred_probs_array(pred_probs), rank_by=rank_by,
                                   rank_by_kwargs=rank_by_kwargs)


def _validated(labels, pred_probs):
    labels, probs = core.validate_inputs(labels_array(labels), pred_probs_array(pred_probs))
    return labels, probs


def get_self_confidence_for_each_label(labels, pred_probs) -> np.ndarray:
    """``pred_probs[i, labels[i]]`` for every example."""
    return _scores_of_rows(*_validated(labels, pred_probs), "self_confidence")


def get_normalized_margin_for_each_label(labels, pred_probs) -> np.ndarray:
    """``(p[label] - max other p + 1) / 2`` for every example."""
    return _scores_of_rows(*_validated(labels, pred_probs), "normalized_margin")


def get_confidence_weighted_entropy_for_each_label(labels, pred_probs) -> np.ndarray:
    """``log(1 + H / p[label]) / (H / p[label])`` with H the normalised entropy of the row."""
    return _scores_of_rows(*_validated(labels, pred_probs), "confidence_weighted_entropy")


__all__ = [
    "get_label_quality_scores", "order_label_issues", "get_self_confidence_for_each_label",
    "get_normalized_margin_for_each_label", "get_confidence_weighted_entropy_for_each_label",
]
