"""Outliers by isolation: how few random axis-parallel cuts set an example apart (Isolation Forest).

Why not the distance to the k nearest neighbours (Datalab's outlier score, kept in
``mode="datalab"``): outliers of one kind (a hundred photos among handwritten digits) sit close
to *each other*, so each one's k nearest neighbours are the others and its k-NN distance is
ordinary, whatever the k below the size of that group; under cosine distance the norm that sets
them apart is divided away too. An isolation forest (Liu, Ting & Zhou, 2008) grows each tree
on a small random subsample (256 rows), in which a group of rare examples is rare again, and
scores by the average depth at which an example ends up alone: rare kinds are cut off early
whether or not they have company. It reads the features as they are (each feature's own scale,
no normalisation) and needs no neighbours.

The flag uses a rule that needs no guess of how many outliers there are: Tukey's *far out*
fence, ``Q3 + 3 IQR`` of the anomaly scores over the dataset. The milder 1.5 / 1.7 IQR fences
flag 0.3-1.8 % of clean real datasets (digits, MNIST test, COVID tweets), the 3 IQR fence
none (benchmarks/RESULTS.md, issue 12, session 4).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .validation import check_features

#: Trees in the forest (more: scores that depend less on the seed).
N_TREES = 200
#: Rows per tree (the paper's and scikit-learn's default).
SUBSAMPLE = 256
#: Flag scores above ``Q3 + FENCE * IQR`` (Tukey's "far out").
FENCE = 3.0


@dataclass
class IsolationOutliers:
    """Result of :func:`isolation_outliers`."""

    scores: np.ndarray       # (N,) 1 - anomaly score, in [0, 1): lower = more unusual
    anomaly: np.ndarray      # (N,) 2 ** (-mean depth / c(256)) in (0, 1]: ~0.5 ordinary, 1 isolated
    is_issue: np.ndarray     # (N,)
    cutoff: float            # flagged: anomaly above this


def isolation_outliers(
    features,
    *,
    fence: float = FENCE,
    n_trees: int = N_TREES,
    subsample: int = SUBSAMPLE,
    seed: int = 0,
) -> IsolationOutliers:
    """Score and flag outliers with an isolation forest (scikit-learn's ``IsolationForest``).

    Parameters
    ----------
    features : array-like, shape (N, D)
        Finite numbers, at least 2 rows (any scale: each feature is cut within its own range).
    fence : float >= 0
        Flag anomaly scores above ``Q3 + fence * IQR`` over the dataset (default 3: Tukey's
        "far out"). Identical anomaly scores (IQR 0, e.g. all rows equal) flag nothing above Q3.
    n_trees : int >= 1
    subsample : int >= 2
        Rows per tree, clipped to N.
    seed : int
        Seeds the forest: same features and seed, same scores.

    Returns
    -------
    IsolationOutliers

    Raises
    ------
    ValueError
        Features with NaN or inf, fewer than 2 rows, not 2-D; a negative ``fence``; ``n_trees``
        below 1 or ``subsample`` below 2.
    """
    from sklearn.ensemble import IsolationForest

    x = check_features(features, metric="euclidean")
    _check_fence(fence)
    for name, value, low in (("n_trees", n_trees, 1), ("subsample", subsample, 2)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{name}: expected an int, got {type(value).__name__}")
        if value < low:
            raise ValueError(f"{name}: must be >= {low}, got {value}")
    forest = IsolationForest(n_estimators=int(n_trees), max_samples=int(min(subsample, len(x))),
                             random_state=int(seed), n_jobs=1)
    return flag_anomalies(-forest.fit(x).score_samples(x), fence=fence)


def flag_anomalies(anomaly, *, fence: float = FENCE) -> IsolationOutliers:
    """Flag anomaly scores (higher = more unusual) above ``Q3 + fence * IQR``."""
    _check_fence(fence)
    anomaly = np.asarray(anomaly, dtype=np.float64)
    q1, q3 = np.percentile(anomaly, [25, 75])
    cutoff = float(q3 + fence * (q3 - q1))
    return IsolationOutliers(1.0 - anomaly, anomaly, anomaly > cutoff, cutoff)


def _check_fence(fence) -> None:
    if not fence >= 0:
        raise ValueError(f"fence: must be >= 0, got {fence}")
