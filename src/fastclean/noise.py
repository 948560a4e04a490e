"""Seeded label-noise injection: uniform flips, pair (asymmetric) flips, or a noise matrix.

Benchmarks need label errors whose positions are known. :func:`inject_noise` flips labels and
returns the truth mask, so a run can score what it flagged (precision, recall, F1).

Noise matrices follow cleanlab's convention: ``noise_matrix[j, i] = P(noisy label = j | true
label = i)``; each *column* sums to 1.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

NOISE_TYPES = ("uniform", "pair", "matrix")


def _check_labels(labels, n_classes) -> tuple[np.ndarray, int]:
    if isinstance(n_classes, bool) or not isinstance(n_classes, numbers.Integral):
        raise TypeError(f"n_classes: expected an int, got {type(n_classes).__name__}")
    n_classes = int(n_classes)
    if n_classes < 2:
        raise ValueError(f"n_classes: label noise needs at least 2 classes, got {n_classes}")
    y = np.asarray(labels)
    if y.ndim != 1:
        raise ValueError(f"labels: expected a 1-D array, got shape {y.shape}")
    if y.dtype == bool or not (np.issubdtype(y.dtype, np.integer) or y.size == 0):
        raise TypeError(f"labels: expected integer class indices, got dtype {y.dtype}")
    y = y.astype(np.int64)
    if y.size and (y.min() < 0 or y.max() >= n_classes):
        bad = y[(y < 0) | (y >= n_classes)][0]
        raise ValueError(f"labels: values must lie in [0, {n_classes}), found {bad}")
    return y, n_classes


def _check_pct(noise_pct) -> float:
    if isinstance(noise_pct, bool) or not isinstance(noise_pct, numbers.Real):
        raise TypeError(f"noise_pct: expected a number (a percentage), got {noise_pct!r}")
    pct = float(noise_pct)
    if not (0.0 <= pct < 100.0):
        raise ValueError(f"noise_pct: expected a percentage in [0, 100), got {noise_pct}")
    return pct


def _check_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed: expected an int, got {type(seed).__name__}")
    return int(seed)


def check_noise_matrix(noise_matrix, n_classes: int) -> np.ndarray:
    """Validate a column-stochastic ``(n_classes, n_classes)`` matrix and return it as float64.

    Raises
    ------
    ValueError
        Wrong shape, non-finite or negative entries, or a column that does not sum to 1.
    """
    m = np.asarray(noise_matrix, dtype=np.float64)
    if m.shape != (n_classes, n_classes):
        raise ValueError(
            f"noise_matrix: expected shape ({n_classes}, {n_classes}), got {m.shape}"
        )
    if not np.isfinite(m).all() or (m < 0).any():
        raise ValueError("noise_matrix: entries must be finite probabilities >= 0")
    sums = m.sum(axis=0)
    bad = np.flatnonzero(np.abs(sums - 1.0) > 1e-6)
    if len(bad):
        raise ValueError(
            f"noise_matrix: each column is P(noisy | true) and must sum to 1; column {bad[0]} "
            f"sums to {sums[bad[0]]:.6g}"
        )
    return m


def flips_per_class(class_counts: np.ndarray, noise_pct: float,
                    rng: np.random.Generator) -> np.ndarray:
    """Split ``round(noise_pct % of N)`` flips across classes in proportion to their sizes.

    Largest-remainder apportionment: every class gets the floor of its share, and the flips
    left over go to the classes with the largest fractional parts (ties broken at random). The
    total is exact and no class gives more flips than it has examples.
    """
    counts = np.asarray(class_counts, dtype=np.int64)
    n = int(counts.sum())
    total = math.floor(n * noise_pct / 100.0 + 0.5)
    quotas = counts * (noise_pct / 100.0)
    flips = np.minimum(np.floor(quotas).astype(np.int64), counts)
    left = total - int(flips.sum())
    if left > 0:
        frac = np.where(flips < counts, quotas - flips, -np.inf)
        order = np.lexsort((rng.random(len(counts)), -frac))
        flips[order[:left]] += 1
    return flips


def inject_noise(
    labels,
    n_classes: int,
    *,
    noise_pct: float | None = None,
    noise_type: str = "uniform",
    noise_matrix=None,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Flip labels at random, reproducibly, and say which ones were flipped.

    Three modes:

    * ``uniform``: exactly ``round(noise_pct / 100 * N)`` labels change, each to one of the
      other ``K - 1`` classes chosen uniformly.
    * ``pair`` (asymmetric): the same exact count, and class ``i`` always becomes class
      ``(i + 1) mod K`` — the hardest case for methods that assume symmetric noise.
    * ``matrix``: each label of true class ``i`` is redrawn from column ``i`` of
      ``noise_matrix`` (``P(noisy | true)``); the count is random, its expectation set by
      the matrix. Chosen by passing ``noise_matrix``.

    In ``uniform`` and ``pair`` modes the flips are stratified: each class gives its share of
    the total (largest-remainder rounding), so class balance is preserved as far as possible.

    Parameters
    ----------
    labels : array-like of int, shape (N,)
        True labels, in ``[0, n_classes)``.
    n_classes : int
        Number of classes ``K`` (at least 2).
    noise_pct : float
        Percentage of labels to flip, in ``[0, 100)``. Required for ``uniform`` and ``pair``;
        must be None with ``noise_matrix``.
    noise_type : {"uniform", "pair", "matrix"}
    noise_matrix : array-like, shape (K, K), optional
        Column-stochastic ``P(noisy label = j | true label = i)`` at ``[j, i]``.
    seed : int
        The same seed and inputs always give the same result.

    Returns
    -------
    noisy_labels : ndarray of int64, shape (N,)
    is_noisy : ndarray of bool, shape (N,)
        True where ``noisy_labels != labels``.

    Raises
    ------
    TypeError
        Non-integer labels, a non-numeric ``noise_pct``, a non-int seed.
    ValueError
        Labels out of range, ``noise_pct`` outside ``[0, 100)``, an unknown ``noise_type``,
        a malformed ``noise_matrix``, or conflicting arguments.

    Examples
    --------
    >>> noisy, is_noisy = inject_noise([0, 1, 2, 0, 1, 2, 0, 1], 3, noise_pct=25, seed=1)
    >>> int(is_noisy.sum())
    2
    """
    y, k = _check_labels(labels, n_classes)
    seed = _check_seed(seed)
    if noise_type not in NOISE_TYPES:
        raise ValueError(f"noise_type: expected one of {', '.join(NOISE_TYPES)}, got {noise_type!r}")
    if noise_matrix is not None or noise_type == "matrix":
        if noise_matrix is None:
            raise ValueError("noise_matrix: required when noise_type is 'matrix'")
        if noise_type == "pair":
            raise ValueError("noise_type: 'pair' conflicts with noise_matrix; pass one of them")
        if noise_pct is not None:
            raise ValueError("noise_pct: the noise_matrix sets the noise rate; pass one of them")
        m = check_noise_matrix(noise_matrix, k)
        return _matrix_noise(y, m, np.random.default_rng(seed))
    if noise_pct is None:
        raise ValueError(f"noise_pct: required for noise_type {noise_type!r}")
    pct = _check_pct(noise_pct)
    rng = np.random.default_rng(seed)
    counts = np.bincount(y, minlength=k)
    flips = flips_per_class(counts, pct, rng)
    noisy = y.copy()
    for c in np.flatnonzero(flips):
        rows = rng.choice(np.flatnonzero(y == c), size=int(flips[c]), replace=False)
        if noise_type == "pair":
            noisy[rows] = (c + 1) % k
        else:
            noisy[rows] = (c + rng.integers(1, k, size=len(rows))) % k
    return noisy, noisy != y


def _matrix_noise(y: np.ndarray, m: np.ndarray,
                  rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    cum = np.cumsum(m, axis=0).T            # row i: cumulative P(noisy <= j | true = i)
    u = rng.random(len(y))
    noisy = (cum[y] <= u[:, None]).sum(axis=1)
    noisy = np.minimum(noisy, m.shape[0] - 1).astype(np.int64)  # u beyond a sum of 1 - eps
    return noisy, noisy != y


def uniform_noise_matrix(n_classes: int, noise_pct: float) -> np.ndarray:
    """``P(noisy | true)`` of uniform noise: keep with ``1 - p``, else any other class."""
    k = _check_labels([], n_classes)[1]
    p = _check_pct(noise_pct) / 100.0
    m = np.full((k, k), p / (k - 1))
    np.fill_diagonal(m, 1.0 - p)
    return m


def pair_noise_matrix(n_classes: int, noise_pct: float) -> np.ndarray:
    """``P(noisy | true)`` of pair noise: keep with ``1 - p``, else class ``(i + 1) mod K``."""
    k = _check_labels([], n_classes)[1]
    p = _check_pct(noise_pct) / 100.0
    m = np.eye(k) * (1.0 - p)
    m[(np.arange(k) + 1) % k, np.arange(k)] += p
    return m


def noise_matrix_from_labels(true_labels, noisy_labels, n_classes: int) -> np.ndarray:
    """The empirical ``P(noisy | true)`` of a labelling, column-normalised.

    A class with no true example gets an identity column (no evidence of noise).

    Raises
    ------
    ValueError
        If the two label arrays differ in length or hold values outside ``[0, n_classes)``.
    """
    t, k = _check_labels(true_labels, n_classes)
    s, _ = _check_labels(noisy_labels, n_classes)
    if len(t) != len(s):
        raise ValueError(
            f"true_labels and noisy_labels: lengths differ ({len(t)} and {len(s)})"
        )
    counts = np.zeros((k, k), dtype=np.float64)
    np.add.at(counts, (s, t), 1.0)
    col = counts.sum(axis=0)
    m = np.divide(counts, col, out=np.eye(k), where=col > 0)
    return m
