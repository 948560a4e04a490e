"""fastclean: find incorrect labels with confident learning, and train good models despite them.

The confident-learning core is re-exported here (numpy only), with cleanlab 2.9's names and
return types: the dataset-health functions return pandas DataFrames (built by
:mod:`fastclean.compat`, pandas imported on first call) and ``estimate_noise_matrices``
cross-validates a classifier, as cleanlab's do; fastclean's dict-returning variants keep their
own names (``label_health_summary``, ``class_label_quality``, ``overlapping_class_pairs``,
``estimate_noise_matrices_from_pred_probs``). ``fastclean.CleanLearning`` (scikit-learn) is
imported on first use. Importing ``fastclean`` never imports torch, fastai, scikit-learn or
pandas; the layers that need them import them inside their functions.
"""

from .core import (
    calibrate_confident_joint,
    compute_confident_joint,
    detection_scores,
    empirical_noise_matrix,
    estimate_joint,
    estimate_latent,
    find_label_issues,
    get_confident_thresholds,
    get_label_quality_scores,
    num_label_issues,
    order_label_issues,
    overall_label_health_score,
    validate_inputs,
    validate_labels,
    validate_pred_probs,
)
from .core import __all__ as _core_all
from .core import (  # noqa: F401  (fastclean's own richer variants)
    class_label_quality,
    estimate_noise_matrices_from_pred_probs,
    find_multilabel_issues,
    label_health_summary,
    overlapping_class_pairs,
)
from .compat.count import estimate_noise_matrices
from .compat.dataset import find_overlapping_classes, health_summary, rank_classes_by_label_quality
from .scale.dispatch import accept_chunked as _accept_chunked

# Row-chunked pred_probs (dask arrays, .zarr stores, .npy paths) run block by block (#11):
# the functions with fastclean's (core) semantics; cleanlab's DataFrame-returning names
# above stay in memory.
(find_label_issues, get_label_quality_scores, order_label_issues, get_confident_thresholds,
 compute_confident_joint, estimate_joint, num_label_issues, overall_label_health_score,
 label_health_summary, class_label_quality, overlapping_class_pairs,
 estimate_noise_matrices_from_pred_probs) = map(_accept_chunked, (
    find_label_issues, get_label_quality_scores, order_label_issues, get_confident_thresholds,
    compute_confident_joint, estimate_joint, num_label_issues, overall_label_health_score,
    label_health_summary, class_label_quality, overlapping_class_pairs,
    estimate_noise_matrices_from_pred_probs))

__version__ = "0.1.0"
__all__ = list(_core_all) + [
    "estimate_noise_matrices", "find_overlapping_classes", "health_summary",
    "rank_classes_by_label_quality", "CleanLearning", "__version__",
]


def __getattr__(name):
    if name == "CleanLearning":
        from .learning import CleanLearning

        return CleanLearning
    raise AttributeError(f"module 'fastclean' has no attribute {name!r}")
