"""fastclean: find incorrect labels with confident learning, and train good models despite them.

The confident-learning core is re-exported here (numpy only). Importing ``fastclean`` never
imports torch or fastai; the layers that need them import them inside their functions.
"""

from .core import (
    calibrate_confident_joint,
    compute_confident_joint,
    detection_scores,
    empirical_noise_matrix,
    estimate_joint,
    estimate_latent,
    estimate_noise_matrices,
    find_label_issues,
    find_overlapping_classes,
    get_confident_thresholds,
    get_label_quality_scores,
    health_summary,
    num_label_issues,
    order_label_issues,
    overall_label_health_score,
    rank_classes_by_label_quality,
    validate_inputs,
    validate_labels,
    validate_pred_probs,
)
from .core import __all__ as _core_all

__version__ = "0.1.0"
__all__ = list(_core_all) + ["__version__"]
