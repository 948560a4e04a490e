"""Training / clean-validation splits and stratified folds (numpy only)."""

from __future__ import annotations

import numpy as np

#: Seed of the clean hold-out, fixed so that every run on a dataset is scored on the same rows.
HOLDOUT_SEED = 0


def stratified_holdout(labels: np.ndarray, frac: float = 0.2, *, seed: int = HOLDOUT_SEED) -> np.ndarray:
    """Boolean mask of a stratified random ``frac`` of the rows (at least one per class of 2+).

    Parameters
    ----------
    labels : ndarray of int, shape (N,)
        The labels to stratify by (the clean ones).
    frac : float
        Fraction held out, in (0, 1).
    seed : int
        Seeds the choice.
    """
    if not 0.0 < frac < 1.0:
        raise ValueError(f"frac: hold-out fraction must lie in (0, 1), got {frac}")
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    mask = np.zeros(len(labels), dtype=bool)
    for k in np.unique(labels):
        rows = np.flatnonzero(labels == k)
        n_take = int(round(frac * len(rows)))
        if len(rows) >= 2:
            n_take = min(max(n_take, 1), len(rows) - 1)
        mask[rng.permutation(rows)[:n_take]] = True
    return mask


def stratified_subsample(labels: np.ndarray, n: int, *, seed: int = HOLDOUT_SEED) -> np.ndarray:
    """Sorted indices of exactly ``n`` rows, class proportions kept (all rows when ``n >= N``)."""
    labels = np.asarray(labels)
    if n >= len(labels):
        return np.arange(len(labels))
    if n < 1:
        raise ValueError(f"n: subset size must be at least 1, got {n}")
    classes, counts = np.unique(labels, return_counts=True)
    share = counts * n / len(labels)
    take = np.floor(share).astype(int)
    # largest remainders get the rows that rounding down left over
    take[np.argsort(-(share - take), kind="stable")[: n - take.sum()]] += 1
    rng = np.random.default_rng(seed)
    picked = [rng.permutation(np.flatnonzero(labels == k))[:t] for k, t in zip(classes, take)]
    return np.sort(np.concatenate(picked))


def stratified_folds(labels: np.ndarray, folds: int, *, seed: int = 0) -> np.ndarray:
    """Fold number (0 … ``folds``-1) of each row, classes spread evenly over the folds."""
    if folds < 2:
        raise ValueError(f"folds: need at least 2 folds, got {folds}")
    labels = np.asarray(labels)
    if len(labels) < folds:
        raise ValueError(f"folds: {folds} folds need at least {folds} examples, got {len(labels)}")
    rng = np.random.default_rng(seed)
    fold = np.empty(len(labels), dtype=np.int64)
    offset = 0
    for k in np.unique(labels):
        rows = rng.permutation(np.flatnonzero(labels == k))
        # continue the round-robin across classes so small classes do not all start in fold 0
        fold[rows] = (np.arange(len(rows)) + offset) % folds
        offset += len(rows)
    return fold
