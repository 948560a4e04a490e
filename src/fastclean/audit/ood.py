"""Outliers from predicted probabilities alone (``find --labels L --pred-probs P``: no features).

cleanlab 2.9 Datalab's rule for its ``outlier`` issue when it has ``pred_probs`` and no features
(``cleanlab.outlier.OutOfDistribution``, method ``"entropy"``, ``adjust_pred_probs=True``):

1. subtract from each probability its class's confident threshold (the mean self-confidence of
   the examples labelled with that class), shift by the largest threshold and renormalise each
   row, so that a class the model is always unsure of does not look out of distribution;
2. score ``1 - H(p) / log K`` (H: entropy of the adjusted row): near 0 when the model spreads its
   belief evenly over all classes, i.e. the example looks like none of them;
3. flag scores below ``threshold`` (0.13) × their median.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Rows per block (bounds the temporaries of a large pred_probs).
BLOCK_ROWS = 65_536


@dataclass
class PredProbsOutliers:
    """Result of :func:`pred_probs_outliers`."""

    scores: np.ndarray       # (N,) 1 - normalised entropy of the adjusted probabilities, in [0, 1]
    is_issue: np.ndarray     # (N,)
    cutoff: float            # flagged: score below this


def pred_probs_outliers(pred_probs, labels, *, threshold: float = 0.13) -> PredProbsOutliers:
    """Score and flag out-of-distribution examples from out-of-sample ``pred_probs``.

    Parameters
    ----------
    pred_probs : array-like, shape (N, K)
        Probabilities in [0, 1], ``K >= 2``.
    labels : array-like of int, shape (N,)
        Given labels (for the per-class confident thresholds).
    threshold : float >= 0
        Flag scores below ``threshold`` times their median (Datalab's 0.13).

    Returns
    -------
    PredProbsOutliers

    Raises
    ------
    ValueError
        ``pred_probs`` not 2-D, with fewer than 2 columns, NaN or values outside [0, 1]; labels
        of the wrong length or out of range; a negative ``threshold``.
    """
    from ..core.count import get_confident_thresholds

    p = np.asarray(pred_probs)
    if p.ndim != 2 or p.shape[1] < 2:
        raise ValueError(f"pred_probs: expected a 2-D array (N, K) with K >= 2, got {p.shape}")
    if not np.issubdtype(p.dtype, np.floating):
        raise TypeError(f"pred_probs: expected floats, got dtype {p.dtype}")
    if not (np.all(p >= 0) and np.all(p <= 1)):  # False for NaN too
        raise ValueError("pred_probs: every value must be a probability in [0, 1] (no NaN)")
    labels = np.asarray(labels)
    if labels.shape != (len(p),):
        raise ValueError(f"labels: expected shape ({len(p)},), got {labels.shape}")
    if not threshold >= 0:
        raise ValueError(f"threshold: must be >= 0, got {threshold}")
    thresholds = get_confident_thresholds(labels, p)
    scores = np.concatenate([block_scores(p[s:s + BLOCK_ROWS], thresholds)
                             for s in range(0, len(p), BLOCK_ROWS)] or [np.zeros(0)])
    return flag_scores(scores, threshold=threshold)


def block_scores(block, confident_thresholds) -> np.ndarray:
    """``1 - normalised entropy`` of a row block of pred_probs after the class-threshold
    adjustment (steps 1-2 above); blocks of a large pred_probs can be scored apart.

    Parameters
    ----------
    block : array-like, shape (B, K)
    confident_thresholds : array-like, shape (K,)
        Of the whole dataset (``fastclean.core.count.get_confident_thresholds``).
    """
    from scipy.special import xlogy

    thresholds = np.asarray(confident_thresholds, dtype=np.float64)
    adjusted = np.asarray(block, dtype=np.float64) - thresholds
    adjusted += thresholds.max()
    adjusted /= adjusted.sum(axis=1, keepdims=True)
    return 1.0 + xlogy(adjusted, adjusted).sum(axis=1) / np.log(adjusted.shape[1])


def flag_scores(scores, *, threshold: float = 0.13) -> PredProbsOutliers:
    """Flag scores below ``threshold`` times their median (step 3 above)."""
    if not threshold >= 0:
        raise ValueError(f"threshold: must be >= 0, got {threshold}")
    scores = np.asarray(scores, dtype=np.float64)
    cutoff = float(threshold * np.median(scores)) if len(scores) else 0.0
    return PredProbsOutliers(scores, scores < cutoff, cutoff)
