"""Exact "first n of a default argsort" selections without sorting everything.

The reference flags ``np.argsort(values)[:n]``. Which elements that is depends on numpy's
non-stable sort only when values equal to the n-th smallest straddle the cut; otherwise it is
simply "everything up to the n-th smallest". These helpers take the cheap path and fall back
to the very same argsort call only when the cut splits a tie.
"""

from __future__ import annotations

import numpy as np


def smallest_n(values: np.ndarray, n: int) -> np.ndarray:
    """Boolean mask of the elements in ``np.argsort(values)[:n]``.

    Parameters
    ----------
    values : numpy.ndarray, shape (M,)
    n : int

    Returns
    -------
    numpy.ndarray of bool, shape (M,)
    """
    m = len(values)
    mask = np.zeros(m, dtype=bool)
    if n <= 0 or m == 0:
        return mask
    if n >= m:
        mask[:] = True
        return mask
    cut = np.partition(values, n - 1)[n - 1]
    below_or_at = values <= cut
    if np.count_nonzero(below_or_at) == n:
        return below_or_at
    mask[np.argsort(values)[:n]] = True
    return mask


def _packed_float32_keys(cells: np.ndarray, values: np.ndarray) -> np.ndarray | None:
    """Keys ordering by cell, then by float32 value: the cell in the high 32 bits, the float's
    bits mapped to an order-preserving unsigned integer in the low ones (None when they do
    not fit)."""
    if values.dtype != np.float32 or cells.max(initial=0) >= 1 << 31:
        return None
    bits = values.view(np.uint32)
    ordered = np.where(bits >> 31 == 1, ~bits, bits | np.uint32(1 << 31)).astype(np.uint64)
    return (cells.astype(np.uint64) << np.uint64(32)) | ordered


def _order_by_cell_then_value(cells: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Permutation sorting by cell, then by ascending value (order among equal values free)."""
    key = _packed_float32_keys(cells, values)
    if key is not None:
        return np.argsort(key)
    by_value = np.argsort(values)
    key = cells[by_value]
    if cells.max(initial=0) < 1 << 16:
        key = key.astype(np.uint16)  # lets the stable sort use radix sort
    return by_value[np.argsort(key, kind="stable")]


def values_at_cell_ranks(cells: np.ndarray, values: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """The values at ``positions`` of the candidates sorted by cell, then by ascending value.

    Equal values are interchangeable, so the answer does not depend on how a sort orders
    them. float32 values need no permutation: one sort of packed keys holds the values.
    """
    key = _packed_float32_keys(cells, values)
    if key is None:
        return values[_order_by_cell_then_value(cells, values)[positions]]
    low = (np.sort(key)[positions] & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    bits = np.where(low >> 31 == 1, low ^ np.uint32(1 << 31), ~low)
    return bits.view(np.float32)


def top_n_per_cell(cells: np.ndarray, values: np.ndarray, need: np.ndarray):
    """For candidate entries grouped by cell, find each cell's n largest values.

    Parameters
    ----------
    cells : numpy.ndarray of int, shape (M,)
        Cell id of every candidate.
    values : numpy.ndarray, shape (M,)
        Candidate values (margins).
    need : numpy.ndarray of int, shape (C,)
        How many of the largest values each cell must select (0 = none).

    Returns
    -------
    selected : numpy.ndarray of bool, shape (M,)
        Candidates surely among their cell's ``need`` largest.
    unresolved : numpy.ndarray of int
        Cells whose selection cannot be decided from the candidates: fewer candidates than
        needed, or ties straddling the cut (the caller reproduces the reference sort there).
    """
    n_cells = len(need)
    count = np.bincount(cells, minlength=n_cells)
    short = (need > 0) & (count < need)
    if len(cells) == 0:
        return np.zeros(0, dtype=bool), np.nonzero(short)[0]
    ends = np.cumsum(count)
    ok = (need > 0) & ~short
    cut = np.full(n_cells, np.inf, dtype=values.dtype)
    ok_cells = np.nonzero(ok)[0]
    cut[ok_cells] = values_at_cell_ranks(cells, values, ends[ok_cells] - need[ok_cells])
    at_least_cut = values >= cut[cells]
    n_at_least = np.bincount(cells[at_least_cut], minlength=n_cells)
    straddle = ok & (n_at_least > need)
    selected = at_least_cut & ~straddle[cells]
    return selected, np.nonzero(short | straddle)[0]
