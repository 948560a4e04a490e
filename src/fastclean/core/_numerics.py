"""Small K-sized numeric helpers whose exact float behaviour the CL estimates depend on.

They follow the reference semantics operation by operation (same order of float operations,
same non-stable sorts) because a single rounding difference changes a prune count and hence
which examples are flagged.
"""

from __future__ import annotations

import functools

import numpy as np

from ._parallel import map_in_order

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
    # and leaves no residual). The float totals are summed row by row on the contiguous
    # copy, with numpy's pairwise sum as np.sum(row).
    flat = np.flatnonzero(floats != 0)
    return round_nonzeros_preserving_row_totals(n_rows, k, flat, floats.reshape(-1)[flat],
                                                floats.sum(axis=1))


def round_nonzeros_preserving_row_totals(n_rows: int, k: int, flat: np.ndarray,
                                         values: np.ndarray, row_sums: np.ndarray) -> np.ndarray:
    """:func:`round_preserving_row_totals` of a matrix given by its non-zero entries.

    Parameters
    ----------
    n_rows, k : int
        Shape of the matrix.
    flat : numpy.ndarray of int
        Ascending C-order positions (``row * k + column``) of the non-zero entries.
    values : numpy.ndarray of float64
        The entries at ``flat``.
    row_sums : numpy.ndarray of float64, shape (n_rows,)
        ``np.sum(row)`` of every row of the dense matrix (numpy's summation order).

    Returns
    -------
    numpy.ndarray of int, shape (n_rows, k)
    """
    nz_rows = flat // k
    rounded = values.round()
    out = np.zeros((n_rows, k), dtype=int)
    out.reshape(-1)[flat] = rounded.astype(int)
    with np.errstate(invalid="ignore"):
        # Rounded integers sum exactly in any order.
        int_sums = np.bincount(nz_rows, weights=rounded, minlength=n_rows)
        diff = np.round(row_sums.round() - int_sums)
        todo = np.nonzero(np.abs(diff) > FLOATING_POINT_COMPARISON)[0]
    if len(todo) == 0:
        return out
    c_all = flat - nz_rows * k

    def dense_rows(which, entries=values):
        # Rows of the dense matrix (zeros included) holding ``entries`` at the non-zeros.
        slot = np.full(n_rows, -1)
        slot[which] = np.arange(len(which))
        r = slot[nz_rows]
        at = r >= 0
        dense = np.zeros((len(which), k))
        dense[r[at], c_all[at]] = entries[at]
        return dense

    d = diff[todo]
    single_step = (np.abs(d) <= k) & np.isfinite(d)
    if not single_step.all():
        many = todo[~single_step]
        for i, row in zip(many, dense_rows(many)):
            out[i] = round_preserving_sum(row)
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
    c = c_all
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
        # The residuals ``row - row.round()`` of the tied rows: 0.0 wherever the row is 0.
        residuals = dense_rows(todo[tied], values - rounded)
        # Each row's argsort is independent: halves of the rows may sort on two threads.
        # Mostly-equal rows are slow to sort (about 60 us per 1000 values), so the work
        # counts each value about log2(k) times.
        parts = np.array_split(np.arange(len(tied)), max(1, min(len(tied), 4)))
        ranked = np.concatenate(map_in_order(
            lambda part: np.argsort(residuals[part], axis=1), parts,
            residuals.size * max(1, int(np.log2(k)) * 2)))
        cols = np.arange(k)
        ct = changes[tied][:, None]
        take = np.where(step[tied][:, None] > 0, cols >= k - ct, cols < ct)
        ti, tj = np.nonzero(take)
        out[todo[tied[ti]], ranked[ti, tj]] += step[tied[ti]]
    return out


# numpy's pairwise summation (PW_BLOCKSIZE in numpy's loops_utils.h): blocks of at most this
# many elements are summed with 8 accumulators, longer runs are split in two.
_PAIRWISE_BLOCK = 128


def pairwise_sums(rows: np.ndarray, pos: np.ndarray, values: np.ndarray, n_rows: int,
                  length: int) -> np.ndarray:
    """``np.sum`` of every row of a sparse float64 matrix, bit for bit as numpy sums it.

    Adding an exact zero changes no float, so numpy's sum of a row equals its pairwise
    summation tree evaluated on the row's non-zero entries alone, each at its position.
    That tree (blocks of 128 summed by 8 interleaved accumulators plus a sequential tail,
    halves rounded down to a multiple of 8) is rebuilt here for all rows at once, so the
    total of a mostly-zero K x K matrix costs O(non-zeros), not O(K^2).

    Parameters
    ----------
    rows : numpy.ndarray of int
        Row of every non-zero entry.
    pos : numpy.ndarray of int
        Position of every entry inside its row (``0 <= pos < length``); entries sorted by
        ``(row, pos)``.
    values : numpy.ndarray of float64
    n_rows : int
    length : int
        Length of every (dense) row.

    Returns
    -------
    numpy.ndarray of float64, shape (n_rows,)
        Equal to ``dense.sum(axis=1)`` (and to ``np.sum`` of each row, or of the whole
        array in memory order when ``n_rows == 1``).
    """
    out = np.zeros(n_rows)
    if len(values) == 0:
        return out
    values = np.asarray(values, dtype=np.float64)
    pos = np.asarray(pos, dtype=np.int64)
    rows = np.asarray(rows, dtype=np.int64)
    # Walk every entry down the split tree to its block; ``heap`` numbers the tree's nodes
    # (root 1, children 2h and 2h + 1).
    lo = np.zeros(len(pos), dtype=np.int64)
    size = np.full(len(pos), length, dtype=np.int64)
    heap = np.ones(len(pos), dtype=np.int64)
    depth = np.zeros(len(pos), dtype=np.int64)
    split = np.nonzero(size > _PAIRWISE_BLOCK)[0]
    while len(split):
        half = size[split] // 2
        half -= half % 8
        right = pos[split] >= lo[split] + half
        lo[split] += np.where(right, half, 0)
        size[split] = np.where(right, size[split] - half, half)
        heap[split] = 2 * heap[split] + right
        depth[split] += 1
        split = split[size[split] > _PAIRWISE_BLOCK]
    # Inside a block: 8 accumulators over the largest multiple of 8 (none below 8 elements),
    # combined as ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)), then the rest in order.
    body = np.where(size >= 8, size - size % 8, 0)
    offset = pos - lo
    in_body = offset < body
    new = np.ones(len(pos), dtype=bool)
    new[1:] = (rows[1:] != rows[:-1]) | (heap[1:] != heap[:-1])
    node = np.cumsum(new) - 1
    n_nodes = int(node[-1]) + 1
    first = np.nonzero(new)[0]
    # bincount adds each bin's weights in input order, one after the other, from 0.0.
    acc = np.bincount(node[in_body] * 8 + offset[in_body] % 8, weights=values[in_body],
                      minlength=8 * n_nodes).astype(np.float64).reshape(n_nodes, 8)
    value = ((acc[:, 0] + acc[:, 1]) + (acc[:, 2] + acc[:, 3])) + \
        ((acc[:, 4] + acc[:, 5]) + (acc[:, 6] + acc[:, 7]))
    tail = ~in_body
    if tail.any():
        np.add.at(value, node[tail], values[tail])  # in order, unbuffered
    n_row, n_heap, n_depth = rows[first], heap[first], depth[first]
    # Add sibling subtrees, deepest level first (a subtree without non-zeros sums to 0.0).
    for level in range(int(n_depth.max()), 0, -1):
        at = n_depth == level
        r, h, v = n_row[at], n_heap[at], value[at]
        order = np.lexsort((h, r))
        r, h, v = r[order], h[order], v[order]
        parent = h >> 1
        new = np.ones(len(r), dtype=bool)
        new[1:] = (r[1:] != r[:-1]) | (parent[1:] != parent[:-1])
        group = np.cumsum(new) - 1
        left = np.zeros(int(group[-1]) + 1)
        right = np.zeros_like(left)
        is_right = (h & 1).astype(bool)
        left[group[~is_right]] = v[~is_right]
        right[group[is_right]] = v[is_right]
        rest = ~at
        n_row = np.concatenate([n_row[rest], r[new]])
        n_heap = np.concatenate([n_heap[rest], parent[new]])
        n_depth = np.concatenate([n_depth[rest], np.full(len(left), level - 1)])
        value = np.concatenate([value[rest], left + right])
    out[n_row] = value
    return out


@functools.lru_cache(maxsize=1)
def pairwise_sums_match_numpy() -> bool:
    """Whether :func:`pairwise_sums` reproduces this numpy's ``sum`` (checked once).

    The fast paths that rely on it fall back to dense sums otherwise (a numpy release
    could change its summation order).
    """
    rng = np.random.default_rng(12345)
    # Rows of 5, 131 (two blocks, one with a tail) and 1000 elements (three levels), and the
    # total of a 200 x 200 matrix in memory order (the reference sums a transposed view).
    for n_rows, length in ((4, 5), (4, 131), (4, 1000), (1, 40_000)):
        dense = rng.random((n_rows, length)) * (rng.random((n_rows, length)) < 0.1)
        dense[:, :3] = rng.random((n_rows, 3)) * 1e3
        r, c = np.nonzero(dense)
        got = pairwise_sums(r, c, dense[r, c], n_rows, length)
        if not np.array_equal(got, dense.sum(axis=1)):
            return False
    square = dense.reshape(200, 200)
    total = got[0]
    return bool(total == np.sum(square) == np.sum(square.T))


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
