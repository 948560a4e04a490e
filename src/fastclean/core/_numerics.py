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
    n_rows, k = floats.shape
    # Count matrices are mostly zeros: round only the non-zero entries (a zero rounds to 0
    # and leaves no residual). Rounded integers sum exactly in any order; the float totals
    # are summed row by row on the contiguous copy, with numpy's pairwise sum as np.sum(row).
    flat = np.flatnonzero(floats != 0)
    nz_rows = flat // k
    values = floats.reshape(-1)[flat]
    rounded = values.round()
    out = np.zeros((n_rows, k), dtype=int)
    out.reshape(-1)[flat] = rounded.astype(int)
    with np.errstate(invalid="ignore"):
        int_sums = np.bincount(nz_rows, weights=rounded, minlength=n_rows)
        diff = np.round(floats.sum(axis=1).round() - int_sums)
        todo = np.nonzero(np.abs(diff) > FLOATING_POINT_COMPARISON)[0]
    if len(todo) == 0:
        return out
    d = diff[todo]
    single_step = (np.abs(d) <= k) & np.isfinite(d)
    for i in todo[~single_step]:
        out[i] = round_preserving_sum(matrix[i])
    todo, d = todo[single_step], d[single_step]
    if len(todo) == 0:
        return out
    # One adjustment step moves the |d| largest (d > 0) or smallest (d < 0) residuals of a
    # row by one. Count matrices are mostly whole numbers, so the residuals that can decide
    # the cut are the few non-zero ones of the right sign; rows whose cut falls on a value
    # shared by entries on both sides of it need the reference's argsort to break the tie.
    changes = np.abs(d).astype(np.int64)
    step = np.where(d > 0, 1, -1)
    # Position of every row in ``todo`` (-1 elsewhere), to keep only the rows' wanted sign.
    slot = np.full(n_rows, -1)
    slot[todo] = np.arange(len(todo))
    r = slot[nz_rows]
    c = flat - nz_rows * k
    w = (values - rounded) * step[r]
    keep = (r >= 0) & (w > 0)
    r, c, w = r[keep], c[keep], w[keep]
    n_rel = np.bincount(r, minlength=len(todo))
    order = np.lexsort((-w, r))
    starts = np.zeros(len(todo) + 1, dtype=np.int64)
    np.cumsum(n_rel, out=starts[1:])
    fits = np.nonzero(changes <= n_rel)[0]
    # The changes-th largest relevant residual of each row that has enough of them.
    cut = np.full(len(todo), np.inf)
    cut[fits] = w[order[starts[fits] + changes[fits] - 1]]
    reach = w >= cut[r]
    clean = np.zeros(len(todo), dtype=bool)
    clean[fits] = np.bincount(r[reach], minlength=len(todo))[fits] == changes[fits]
    pick = reach & clean[r]
    rows = todo[r[pick]]
    out[rows, c[pick]] += step[r[pick]]
    tied = np.nonzero(~clean)[0]
    if len(tied):
        # Sorting the rows of a 2-D array runs the same per-row sort as sorting each row.
        tied_rows = floats[todo[tied]]
        ranked = np.argsort(tied_rows - tied_rows.round(), axis=1)
        cols = np.arange(k)
        ct = changes[tied][:, None]
        take = np.where(step[tied][:, None] > 0, cols >= k - ct, cols < ct)
        ti, tj = np.nonzero(take)
        out[todo[tied[ti]], ranked[ti, tj]] += step[tied[ti]]
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
