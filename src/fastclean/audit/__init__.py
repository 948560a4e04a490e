"""Data issues beyond wrong labels, from the features ``find`` already computes.

Exact and near duplicates (grouped into sets), duplicates across train / valid / test
(leakage), duplicate sets with conflicting labels, outliers and class imbalance. numpy,
scikit-learn for exact nearest neighbours and the isolation forest and, optionally, faiss for
an approximate index on large data (``pip install fastclean[audit]``). No torch.

>>> from fastclean.audit import find_data_issues
>>> issues = find_data_issues(features, labels, splits=splits)   # doctest: +SKIP
>>> issues.table.head()                                          # doctest: +SKIP
"""

from .api import CHECKS, COLUMNS, DATALAB, DEFAULTS, ISSUE_TYPES, DataIssues, find_data_issues, parse_checks
from .checks import (
    class_imbalance, conflicting_duplicates, cross_split_pairs, exact_duplicate_keys,
    exact_duplicates, near_duplicates, normalise_text, outliers,
)
from .isolation import isolation_outliers
from .neighbors import Neighbors, nearest_neighbors
from .ood import pred_probs_outliers

__all__ = [
    "CHECKS", "COLUMNS", "DATALAB", "DEFAULTS", "ISSUE_TYPES", "DataIssues", "Neighbors",
    "class_imbalance", "conflicting_duplicates", "cross_split_pairs", "exact_duplicate_keys",
    "exact_duplicates", "find_data_issues", "isolation_outliers", "near_duplicates",
    "nearest_neighbors", "normalise_text", "outliers", "parse_checks", "pred_probs_outliers",
]
