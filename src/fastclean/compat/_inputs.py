"""Input conversions shared by the cleanlab-shaped functions."""

from __future__ import annotations

import numpy as np


def labels_array(labels) -> np.ndarray:
    """Single-label ``labels`` (list, array, pandas Series or one-column DataFrame) as an array."""
    values = getattr(labels, "values", None)
    if values is not None and not isinstance(labels, np.ndarray):
        arr = np.asarray(values)
        if arr.ndim == 2:
            if arr.shape[1] != 1:
                raise ValueError("labels must be one dimensional")
            arr = arr.ravel()
        return arr
    if not isinstance(labels, (list, tuple, np.ndarray, np.generic, range)):
        raise TypeError("labels should be a numpy array, a list or a pandas Series")
    return np.asarray(labels)


def require_list(labels) -> list:
    """Multi-label ``labels`` must be a list (of lists), as cleanlab requires."""
    if not isinstance(labels, list):
        raise TypeError("`labels` must be list when `multi_label=True`.")
    return labels


def pred_probs_array(pred_probs) -> np.ndarray:
    """``pred_probs`` must be a numpy array, as cleanlab requires."""
    if not isinstance(pred_probs, (np.ndarray, np.generic)):
        raise TypeError("pred_probs must be a numpy array.")
    return pred_probs
