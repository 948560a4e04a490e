"""Small K-sized numeric helpers whose exact float behaviour the CL estimates depend on.

They follow the reference semantics operation by operation (same order of float operations,
same non-stable sorts) because a single rounding difference changes a prune count and hence
which examples are flagged.
"""

from __future__ import annotations

import numpy as np

#: Fuzzy float comparison used across confident learning.
FLOATING_POINT_COMPARISON = 1e-6
#: Lower bound on clipped probabilities.
CLIPPING_LOWER_BOUND = 1e-6
#: Lower bound on per-class confident thresholds.
CONFIDENT_THRESHOLDS_LOWER_BOUND = 2 * FLOATING_POINT_COMPARISON
#: Guard against division by zero.
TINY_VALUE = 1e-100


def round_preserving_sum(values: np.ndarray) -> np.ndarray:
    """Round floats to ints so that their total equals the rounded original total.

    Parameters
    ----------
    values : numpy.ndarray of float, shape (K,)

    Returns
    -------
    numpy.ndarray of int, shape (K,)
    """
    floats = np.asarray(values, dtype=float)
    ints = floats.round()
    orig_sum = np.sum(floats).round()
    int_sum = np.sum(ints).round()
    while abs(int_sum - orig_sum) > FLOATING_POINT_COMPARISON:
        diff = np.round(orig_sum - int_sum)
        increment = -1 if int(diff < 0.0) else 1
        changes = min(int(abs(diff)), len(values))
        # The non-stable argsort decides which tied entries move; keep it as is.
        indices = np.argsort(floats - ints)[::-increment][:changes]
        for i in indices:
            ints[i] = ints[i] + increment
        int_sum = np.sum(ints).round()
    return ints.astype(int)


def round_preserving_row_totals(matrix: np.ndarray) -> np.ndarray:
    """Round a float matrix to ints while preserving every row total.

    Parameters
    ----------
    matrix : numpy.ndarray of float, shape (K, K)

    Returns
    -------
    numpy.ndarray of int, shape (K, K)
    """
    matrix = np.asarray(matrix)
    floats = np.ascontiguousarray(matrix, dtype=float)
    out = floats.round().astype(int)
    # Rounded integers sum exactly in any order; the float totals are summed row by row on
    # a contiguous copy, which numpy does with the same pairwise sum as np.sum(row). Only
    # rows whose rounded totals disagree need the adjustment loop.
    with np.errstate(invalid="ignore"):
        off = np.abs(out.sum(axis=1) - floats.sum(axis=1).round()) > FLOATING_POINT_COMPARISON
    for i in np.nonzero(off)[0]:
        out[i] = round_preserving_sum(matrix[i])
    return out


def clip_noise_rates(noise_matrix: np.ndarray) -> np.ndarray:
    """Clip off-diagonal noise rates to [0, 0.9999] and renormalise columns to sum to 1.

    Parameters
    ----------
    noise_matrix : numpy.ndarray, shape (K, K)

    Returns
    -------
    numpy.ndarray, shape (K, K)
    """
    diagonal = np.diagonal(noise_matrix)
    noise_matrix = np.clip(noise_matrix, 0, 0.9999)
    np.fill_diagonal(noise_matrix, diagonal)
    return noise_matrix / np.clip(noise_matrix.sum(axis=0), a_min=TINY_VALUE, a_max=None)


def clip_values(x: np.ndarray, low: float = 0.0, high: float = 1.0,
                new_sum: float | None = None) -> np.ndarray:
    """Clip a vector to [low, high] and rescale it to sum to ``new_sum`` (default: old sum).

    Parameters
    ----------
    x : numpy.ndarray, shape (K,)
    low, high : float
    new_sum : float, optional

    Returns
    -------
    numpy.ndarray, shape (K,)
    """
    prev_sum = np.sum(x) if new_sum is None else new_sum
    x = np.clip(x, low, high)
    return x * prev_sum / np.clip(np.sum(x), a_min=TINY_VALUE, a_max=None)
