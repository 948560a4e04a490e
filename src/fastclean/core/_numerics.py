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
    ints = floats.round()
    out = ints.astype(int)
    # Rounded integers sum exactly in any order; the float totals are summed row by row on
    # a contiguous copy, which numpy does with the same pairwise sum as np.sum(row).
    with np.errstate(invalid="ignore"):
        diff = np.round(floats.sum(axis=1).round() - ints.sum(axis=1))
        todo = np.nonzero(np.abs(diff) > FLOATING_POINT_COMPARISON)[0]
    if len(todo) == 0:
        return out
    # One adjustment step moves the |diff| largest (or smallest) residuals by one. When no
    # tie straddles that cut the chosen set is known without the reference's argsort.
    k = floats.shape[1]
    d = diff[todo]
    changes = np.minimum(np.abs(d), k).astype(int)
    residual = floats[todo] - ints[todo]
    up = d > 0
    cut = np.empty((len(todo), 1))
    for group, largest in ((np.nonzero(up)[0], True), (np.nonzero(~up)[0], False)):
        if len(group) == 0:
            continue
        c = changes[group]
        deepest = int(min(max(c.max(), 1), k))
        # Only the `deepest` extreme residuals of each row need ordering.
        if largest:
            part = np.partition(residual[group], k - deepest, axis=1)[:, k - deepest:]
            part.sort(axis=1)
            cut[group, 0] = part[np.arange(len(group)), deepest - np.maximum(c, 1)]
        else:
            part = np.partition(residual[group], deepest - 1, axis=1)[:, :deepest]
            part.sort(axis=1)
            cut[group, 0] = part[np.arange(len(group)), np.maximum(c, 1) - 1]
    sure = np.where(up[:, None], residual > cut, residual < cut)
    chosen = sure | (residual == cut)
    clean = (chosen.sum(axis=1) == changes) & (np.abs(d) <= k) & np.isfinite(d)
    single_step = (np.abs(d) <= k) & np.isfinite(d)
    tied = ~clean & single_step
    if tied.any():
        # A tie straddles the cut: the reference's argsort decides. Sorting the rows of a 2-D
        # array runs the same per-row sort as sorting each row on its own.
        order = np.argsort(residual[tied], axis=1)
        rank = np.empty_like(order)
        np.put_along_axis(rank, order, np.arange(k)[None, :], axis=1)
        c = changes[tied][:, None]
        chosen[tied] = np.where(up[tied][:, None], rank >= k - c, rank < c)
    step = np.where(up, 1, -1)[:, None]
    done = clean | tied
    rows = todo[done]
    out[rows] = (ints[rows] + step[done] * chosen[done]).astype(int)
    for i in todo[~done]:
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
