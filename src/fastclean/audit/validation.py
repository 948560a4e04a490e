"""Input checks shared by every data-issue check: clear errors naming the argument."""

from __future__ import annotations

import numpy as np

METRICS = ("cosine", "euclidean")


def check_features(features, *, metric: str = "cosine", name: str = "features") -> np.ndarray:
    """Return ``features`` as a C-contiguous float32 ``(N, D)`` array, or raise.

    Parameters
    ----------
    features : array-like, shape (N, D)
    metric : {"cosine", "euclidean"}
    name : str
        The argument name used in error messages.

    Raises
    ------
    TypeError
        If ``features`` is not numeric.
    ValueError
        If it is not 2-D, has fewer than 2 rows or no columns, holds NaN or inf, or (under
        ``metric="cosine"``) holds an all-zero row, whose direction is undefined.
    """
    if metric not in METRICS:
        raise ValueError(f"metric: expected one of {', '.join(METRICS)}, got {metric!r}")
    arr = np.asarray(features)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(f"{name}: expected a numeric array, got dtype {arr.dtype}")
    if arr.ndim != 2:
        raise ValueError(f"{name}: expected a 2-D array (N, D), got shape {arr.shape}")
    if arr.shape[0] < 2:
        raise ValueError(f"{name}: need at least 2 examples to compare, got {arr.shape[0]}")
    if arr.shape[1] == 0:
        raise ValueError(f"{name}: has no columns")
    arr = np.ascontiguousarray(arr, dtype=np.float32)
    finite = np.isfinite(arr).all(axis=1)
    if not finite.all():
        bad = np.flatnonzero(~finite)
        raise ValueError(f"{name}: {len(bad)} rows hold NaN or inf (first: row {int(bad[0])})")
    if metric == "cosine":
        zero = ~arr.any(axis=1)
        if zero.any():
            bad = np.flatnonzero(zero)
            raise ValueError(
                f"{name}: {len(bad)} all-zero rows have no direction under cosine distance "
                f"(first: row {int(bad[0])}); drop them or use metric='euclidean'"
            )
    return arr


def check_k(k, n: int) -> int:
    """Return the number of neighbours to use: ``k`` clipped to ``n - 1``.

    ``k`` larger than the data is not an error: every other example is a neighbour, which is
    what a caller asking for "the k nearest" on a tiny dataset means (documented, tested).

    Raises
    ------
    TypeError
        If ``k`` is not an int.
    ValueError
        If ``k < 1``.
    """
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError(f"k: expected an int, got {type(k).__name__}")
    if k < 1:
        raise ValueError(f"k: must be >= 1, got {k}")
    return int(min(k, n - 1))


def check_labels(labels, n: int) -> np.ndarray:
    """Return ``labels`` as int64 of length ``n`` with values >= 0, or raise ``ValueError``."""
    arr = np.asarray(labels)
    if arr.ndim != 1 or len(arr) != n:
        raise ValueError(f"labels: expected shape ({n},), got {arr.shape}")
    if len(arr) and not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"labels: expected integers, got dtype {arr.dtype}")
    if len(arr) and arr.min() < 0:
        raise ValueError("labels: must be >= 0")
    return arr.astype(np.int64, copy=False)
