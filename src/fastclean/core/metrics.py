"""How well flagged issues match known label noise (when the truth is known)."""

from __future__ import annotations

import numpy as np


def _bool_vector(x, name: str) -> np.ndarray:
    arr = np.asarray(x)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {arr.shape}")
    if arr.dtype != bool:
        if arr.dtype.kind not in "iu" or not np.isin(arr, (0, 1)).all():
            raise TypeError(f"{name} must be a boolean mask, got dtype {arr.dtype}")
        arr = arr.astype(bool)
    return arr


def average_precision(is_positive: np.ndarray, scores: np.ndarray) -> float:
    """Area under the precision-recall curve when ranking by ascending ``scores``.

    Tied scores form one threshold step (as in scikit-learn's ``average_precision_score``
    applied to ``-scores``). Returns NaN when there is no positive.
    """
    n_pos = int(np.count_nonzero(is_positive))
    if n_pos == 0:
        return float("nan")
    order = np.argsort(scores, kind="stable")
    s, y = scores[order], is_positive[order]
    tp = np.cumsum(y)
    # Evaluate only at the last element of each group of tied scores.
    last = np.r_[np.nonzero(np.diff(s))[0], len(s) - 1]
    tp_at, n_at = tp[last], last + 1
    precision = tp_at / n_at
    recall_gain = np.diff(np.r_[0, tp_at]) / n_pos
    return float(np.sum(precision * recall_gain))


def detection_scores(flagged_mask, is_noisy, *, label_quality=None) -> dict:
    """Precision, recall and F1 of flagged examples against the known noisy ones.

    Parameters
    ----------
    flagged_mask : array_like of bool, shape (N,)
        Examples flagged as label issues.
    is_noisy : array_like of bool, shape (N,)
        Examples whose label really is wrong.
    label_quality : array_like of float, shape (N,), optional
        Label quality scores; adds ``auprc``: the average precision of ranking all
        examples by ascending quality.

    Returns
    -------
    dict
        ``precision``, ``recall``, ``f1`` (0.0 where undefined), ``n_flagged``, ``n_noisy``,
        ``n_true_positive`` and, with label_quality, ``auprc``.

    Examples
    --------
    >>> detection_scores([True, True, False], [True, False, False])["precision"]
    0.5
    """
    flagged = _bool_vector(flagged_mask, "flagged_mask")
    noisy = _bool_vector(is_noisy, "is_noisy")
    if flagged.shape != noisy.shape:
        raise ValueError(f"flagged_mask and is_noisy must have the same length, got "
                         f"{len(flagged)} and {len(noisy)}")
    tp = int(np.count_nonzero(flagged & noisy))
    n_flagged, n_noisy = int(flagged.sum()), int(noisy.sum())
    precision = tp / n_flagged if n_flagged else 0.0
    recall = tp / n_noisy if n_noisy else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    out = {"precision": precision, "recall": recall, "f1": f1, "n_flagged": n_flagged,
           "n_noisy": n_noisy, "n_true_positive": tp}
    if label_quality is not None:
        q = np.asarray(label_quality, dtype=float)
        if q.shape != noisy.shape:
            raise ValueError(f"label_quality must have shape {noisy.shape}, got {q.shape}")
        out["auprc"] = average_precision(noisy, q)
    return out


def empirical_noise_matrix(given, true, n_classes: int) -> np.ndarray:
    """Observed ``P(given = i | true = j)`` from known clean and noisy labels.

    Parameters
    ----------
    given : array_like of int, shape (N,)
    true : array_like of int, shape (N,)
    n_classes : int

    Returns
    -------
    numpy.ndarray of float, shape (n_classes, n_classes)
        Column ``j`` sums to 1 (or is all zero when class ``j`` never occurs).
    """
    if isinstance(n_classes, bool) or not isinstance(n_classes, (int, np.integer)) or n_classes < 1:
        raise ValueError(f"n_classes must be a positive int, got {n_classes!r}")
    g, t = np.asarray(given), np.asarray(true)
    for name, arr in (("given", g), ("true", t)):
        if arr.ndim != 1 or arr.dtype.kind not in "iu":
            raise ValueError(f"{name} must be a 1-D integer array")
        if len(arr) and (arr.min() < 0 or arr.max() >= n_classes):
            raise ValueError(f"{name} must be in [0, {n_classes})")
    if len(g) != len(t):
        raise ValueError(f"given and true must have the same length, got {len(g)} and {len(t)}")
    counts = np.bincount(g * n_classes + t, minlength=n_classes * n_classes)
    counts = counts.reshape(n_classes, n_classes).astype(float)
    col = counts.sum(axis=0)
    return np.divide(counts, col, out=np.zeros_like(counts), where=col > 0)
