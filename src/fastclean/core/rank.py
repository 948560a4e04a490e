"""Label quality scores (higher = more likely correct) and the ranking of flagged examples.

Scores are row-wise, so they are computed block by block, or only for the rows being ranked.
"""

from __future__ import annotations

import numpy as np

from ._numerics import CLIPPING_LOWER_BOUND
from .count import ClassGroups, _thresholds_from_self_confidence, self_confidence
from .validation import block_rows, validate_inputs

RANK_METHODS = ("self_confidence", "normalized_margin", "confidence_weighted_entropy")


def _max_prob_not_label(labels: np.ndarray, rows: np.ndarray) -> np.ndarray:
    others = np.array(rows)
    others[np.arange(len(labels)), labels] = -np.inf
    return others.max(axis=1)


def _normalized_entropy(rows: np.ndarray) -> np.ndarray:
    from scipy.special import xlogy

    return -np.sum(xlogy(rows, rows), axis=1) / np.log(rows.shape[1])


def _scores_of_rows(labels: np.ndarray, rows: np.ndarray, method: str) -> np.ndarray:
    """Scores for gathered rows (validated); identical to scoring the full array."""
    sc = rows[np.arange(len(labels)), labels]
    if method == "self_confidence":
        return sc
    if method == "normalized_margin":
        return (sc - _max_prob_not_label(labels, rows) + 1) / 2
    sc = np.clip(sc, a_min=CLIPPING_LOWER_BOUND, a_max=None)
    scores = _normalized_entropy(rows) / sc
    clipped = np.clip(scores, a_min=CLIPPING_LOWER_BOUND, a_max=None)
    return np.log(scores + 1) / clipped


def _check_method(method: str, name: str = "method") -> None:
    if method not in RANK_METHODS:
        raise ValueError(f"{name} must be one of {RANK_METHODS}, got {method!r}")


def _adjusted(rows: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    adj = rows - thresholds
    adj += thresholds.max()
    adj /= adj.sum(axis=1, keepdims=True)
    return adj


def label_quality_scores(labels: np.ndarray, pred_probs: np.ndarray, method: str, *,
                         adjust_pred_probs: bool = False,
                         chunk_size: int | None = None) -> np.ndarray:
    """Scores for validated inputs, streaming over row blocks."""
    n, k = pred_probs.shape
    if method == "self_confidence" and not adjust_pred_probs:
        return self_confidence(labels, pred_probs)
    thresholds = None
    if adjust_pred_probs:
        thresholds = _thresholds_from_self_confidence(
            self_confidence(labels, pred_probs), ClassGroups.from_labels(labels, k))
    parts = []
    step = block_rows(k, chunk_size)
    for start in range(0, n, step):
        rows = np.asarray(pred_probs[start:start + step])
        if thresholds is not None:
            rows = _adjusted(rows, thresholds)
        parts.append(_scores_of_rows(labels[start:start + step], rows, method))
    return np.concatenate(parts)


def get_label_quality_scores(labels, pred_probs, *, method: str = "self_confidence",
                             adjust_pred_probs: bool = False,
                             chunk_size: int | None = None) -> np.ndarray:
    """Score how likely each given label is correct (lower = more likely an issue).

    Parameters
    ----------
    labels : array_like of int, shape (N,)
    pred_probs : array_like of float, shape (N, K)
    method : {"self_confidence", "normalized_margin", "confidence_weighted_entropy"}
        ``self_confidence`` is ``p[label]``; ``normalized_margin`` is
        ``(p[label] - max_{j != label} p[j] + 1) / 2``; ``confidence_weighted_entropy`` is
        ``log(1 + H/p[label]) / (H/p[label])`` with ``H`` the normalised entropy of the row.
    adjust_pred_probs : bool, default False
        Subtract the per-class confident thresholds before scoring (not for entropy).
    chunk_size : int, optional
        Rows per streaming block.

    Returns
    -------
    numpy.ndarray, shape (N,)

    Examples
    --------
    >>> import numpy as np
    >>> get_label_quality_scores([0, 1], np.array([[0.9, 0.1], [0.6, 0.4]]),
    ...                          method="normalized_margin")
    array([0.9, 0.4])
    """
    _check_method(method)
    if adjust_pred_probs and method == "confidence_weighted_entropy":
        raise ValueError("adjust_pred_probs is not supported for method='confidence_weighted_entropy'")
    labels, pred_probs = validate_inputs(labels, pred_probs, chunk_size=chunk_size)
    return label_quality_scores(labels, pred_probs, method, adjust_pred_probs=adjust_pred_probs,
                                chunk_size=chunk_size)


def rank_rows(labels: np.ndarray, pred_probs: np.ndarray, indices: np.ndarray,
              method: str, chunk_size: int | None = None,
              thresholds: np.ndarray | None = None) -> np.ndarray:
    """Sort ascending ``indices`` of validated inputs by their label quality, worst first.

    ``thresholds`` (the per-class confident thresholds of the whole data) makes the scores
    those of ``adjust_pred_probs=True``.
    """
    step = block_rows(pred_probs.shape[1], chunk_size)

    def rows_of(idx):
        rows = np.take(pred_probs, idx, axis=0)
        return rows if thresholds is None else _adjusted(rows, thresholds)

    parts = [_scores_of_rows(labels[idx], rows_of(idx), method)
             for idx in (indices[s:s + step] for s in range(0, len(indices), step))]
    scores = np.concatenate(parts) if parts else np.zeros(0, dtype=pred_probs.dtype)
    # Default (non-stable) argsort on the same score vector as the reference: same tie order.
    return indices[np.argsort(scores)]


def check_rank_by_kwargs(rank_by_kwargs, method: str) -> bool:
    """Validate ``rank_by_kwargs``; return its ``adjust_pred_probs`` flag."""
    kwargs = dict(rank_by_kwargs or {})
    unknown = sorted(set(kwargs) - {"adjust_pred_probs"})
    if unknown:
        raise TypeError(f"rank_by_kwargs: unexpected keyword argument(s) {unknown}")
    adjust = bool(kwargs.get("adjust_pred_probs", False))
    if adjust and method == "confidence_weighted_entropy":
        raise ValueError("adjust_pred_probs is not supported for method='confidence_weighted_entropy'")
    return adjust


def order_label_issues(label_issues_mask, labels, pred_probs, *,
                       rank_by: str = "self_confidence", rank_by_kwargs=None) -> np.ndarray:
    """Indices of the flagged examples, most likely mislabelled first.

    Parameters
    ----------
    label_issues_mask : array_like of bool, shape (N,)
    labels : array_like of int, shape (N,)
    pred_probs : array_like of float, shape (N, K)
    rank_by : {"self_confidence", "normalized_margin", "confidence_weighted_entropy"}
    rank_by_kwargs : dict, optional
        ``{"adjust_pred_probs": True}`` scores after subtracting the class thresholds.

    Returns
    -------
    numpy.ndarray of int64
        Indices where the mask is True, sorted by ascending label quality score.
    """
    _check_method(rank_by, "rank_by")
    labels, pred_probs = validate_inputs(labels, pred_probs)
    mask = np.asarray(label_issues_mask)
    if mask.dtype != bool or mask.shape != labels.shape:
        raise ValueError(
            f"label_issues_mask must be a boolean array of shape {labels.shape}, "
            f"got dtype {mask.dtype} and shape {mask.shape}")
    thresholds = None
    if check_rank_by_kwargs(rank_by_kwargs, rank_by):
        thresholds = _thresholds_from_self_confidence(
            self_confidence(labels, pred_probs), ClassGroups.from_labels(labels, pred_probs.shape[1]))
    return rank_rows(labels, pred_probs, np.nonzero(mask)[0], rank_by, thresholds=thresholds)
