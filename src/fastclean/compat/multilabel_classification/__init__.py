"""cleanlab-shaped ``multilabel_classification`` modules (labels as lists of class indices)."""

from . import dataset, filter, rank
from .rank import get_label_quality_scores

__all__ = ["dataset", "filter", "rank", "get_label_quality_scores"]
