"""Confident learning, numpy only: thresholds, confident joint, noise estimates, issues, ranks.

Reference semantics are cleanlab 2.9.0's, argument names included; the implementation is our
own vectorised numpy. This package must never import torch, fastai, pandas or the CLI.
"""

from .validation import validate_labels, validate_pred_probs, validate_inputs
from .count import (
    get_confident_thresholds,
    compute_confident_joint,
    calibrate_confident_joint,
    estimate_joint,
    estimate_latent,
    estimate_noise_matrices_from_pred_probs,
    estimate_py_and_noise_matrices_from_probabilities,
    num_label_issues,
)
from .rank import get_label_quality_scores, order_label_issues
from .filter import find_label_issues
from .calibrated import CALIBRATED_COUNT, find_label_issues_by_calibrated_count
from .dataset import (
    label_health_summary,
    class_label_quality,
    overlapping_class_pairs,
    overall_label_health_score,
)
from .multilabel import (
    compute_multilabel_confident_joint,
    find_multilabel_issues,
    get_multilabel_quality_scores,
    multilabel_onehot,
)
from .metrics import detection_scores, empirical_noise_matrix

__all__ = [
    "validate_labels", "validate_pred_probs", "validate_inputs",
    "get_confident_thresholds", "compute_confident_joint", "calibrate_confident_joint",
    "estimate_joint", "estimate_latent", "estimate_noise_matrices_from_pred_probs",
    "estimate_py_and_noise_matrices_from_probabilities", "num_label_issues",
    "get_label_quality_scores", "order_label_issues", "find_label_issues",
    "CALIBRATED_COUNT", "find_label_issues_by_calibrated_count",
    "label_health_summary", "class_label_quality", "overlapping_class_pairs",
    "overall_label_health_score", "detection_scores", "empirical_noise_matrix",
    "compute_multilabel_confident_joint", "find_multilabel_issues",
    "get_multilabel_quality_scores", "multilabel_onehot",
]
