"""cleanlab-shaped ``multilabel_classification`` modules (labels as lists of class indices)."""

from . import dataset, filter, rank

__all__ = ["dataset", "filter", "rank"]
