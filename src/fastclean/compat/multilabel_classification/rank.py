"""cleanlab-shaped ``multilabel_classification.rank``: label quality of label sets."""

from __future__ import annotations

import numpy as np

from ...core.multilabel import (
    BinaryProblems,
    DEFAULT_AGGREGATOR,
    class_label_quality_scores,
    get_multilabel_quality_scores,
    validate_multilabel_inputs,
)


def get_label_quality_scores(labels, pred_probs, *, method="self_confidence",
                             adjust_pred_probs=False, aggregator_kwargs=None) -> np.ndarray:
    """One quality score per example, aggregating the K one-vs-rest scores (EMA by default)."""
    return get_multilabel_quality_scores(
        labels, pred_probs, method=method, adjust_pred_probs=adjust_pred_probs,
        aggregator_kwargs=DEFAULT_AGGREGATOR if aggregator_kwargs is None else aggregator_kwargs)


def get_label_quality_scores_per_class(labels, pred_probs, *, method="self_confidence",
                                       adjust_pred_probs=False) -> np.ndarray:
    """Quality of each example's membership of each class, shape ``(N, K)``."""
    onehot, probs = validate_multilabel_inputs(labels, pred_probs, allow_empty_labels=True)
    return class_label_quality_scores(BinaryProblems.build(onehot, probs), method=method,
                                      adjust_pred_probs=adjust_pred_probs)


__all__ = ["get_label_quality_scores", "get_label_quality_scores_per_class"]
