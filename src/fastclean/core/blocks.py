"""Block-wise pieces of confident learning: what one row block of ``pred_probs`` contributes.

Each ``*_block`` function reads one block of rows (a numpy array or ``numpy.memmap`` slice,
with the matching slice of validated labels and per-row values) and returns a small result;
the ``merge_*`` functions combine the results of all blocks, in block order, into exactly what
the in-memory functions compute over the whole array. A driver (``fastclean.scale``) maps the
block functions over the blocks, serially or as Dask tasks; the in-memory path is the same
computation over one block.

Exactness: every per-row value (self-confidence, row max, margins, scores) is computed row by
row, so it is bitwise the same whichever block holds the row; counts are integers; and where
the reference's answer depends on a non-stable sort of a whole class (ties straddling a cut),
the merge rebuilds that class's 1-D vector of per-row values, in row order, and calls the same
selection as the in-memory path.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._select import top_n_per_cell
from .count import confident_counts, predicted_matches_given, self_confidence
from .filter import _margin_candidates
from .rank import _adjusted, _scores_of_rows
from .validation import block_rows


@dataclass
class ScanResult:
    """What the first pass learns about one block: per-row values and validation facts."""

    row_max: np.ndarray
    row_argmax: np.ndarray
    self_confidence: np.ndarray
    first_negative: int  # first row (global) with a negative value, or -1
    first_nonfinite: int  # first row (global) with NaN or inf, or -1
    worst_row: int  # row (global) whose sum is farthest from 1
    worst_dev: float
    worst_sum: float
    labels: np.ndarray | None = None  # the block's labels, when a driver keeps results remote


def as_float_block(block) -> np.ndarray:
    """A block as a float32/float64 array (other numeric dtypes become float64, as validated)."""
    arr = block if isinstance(block, np.ndarray) else np.asarray(block)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"pred_probs must be a numeric array, got dtype {arr.dtype}")
    if arr.dtype not in (np.float32, np.float64):
        arr = arr.astype(np.float64)
    return arr


def scan_block(block, labels: np.ndarray, start: int, chunk_size: int | None = None) -> ScanResult:
    """Row max/argmax, self-confidence and validation facts of one block.

    Parameters
    ----------
    block : numpy.ndarray, shape (B, K)
        Rows ``start:start + B`` of pred_probs.
    labels : numpy.ndarray of int64, shape (B,)
        Validated labels of the same rows.
    start : int
        Global index of the block's first row (used in the reported row numbers).
    chunk_size : int, optional
        Rows per inner streaming step.

    Returns
    -------
    ScanResult
    """
    block = as_float_block(block)
    n, k = block.shape
    step = block_rows(k, chunk_size)
    top = np.empty(n, dtype=block.dtype)
    arg = np.empty(n, dtype=np.int16 if k <= 1 << 15 else np.int64)
    sc = np.empty(n, dtype=block.dtype)
    neg = nonfinite = -1
    worst_row, worst_dev, worst_sum = -1, -1.0, float("nan")
    for s in range(0, n, step):
        part = np.asarray(block[s:s + step])
        guess = part.argmax(axis=1)
        arg[s:s + step] = guess
        flat = part.reshape(-1)
        base = np.arange(len(part)) * k
        top[s:s + step] = flat[base + guess]
        sc[s:s + step] = flat[base + labels[s:s + step]]
        sums = part.sum(axis=1)
        if neg < 0 and part.min() < 0:
            neg = start + s + int(np.nonzero((part < 0).any(axis=1))[0][0])
        bad = ~np.isfinite(sums)
        if nonfinite < 0 and bad.any():
            nonfinite = start + s + int(np.nonzero(bad)[0][0])
        dev = np.abs(sums.astype(np.float64) - 1.0)
        i = int(dev.argmax())
        if dev[i] > worst_dev:
            worst_row, worst_dev, worst_sum = start + s + i, float(dev[i]), float(sums[i])
    return ScanResult(top, arg, sc, neg, nonfinite, worst_row, worst_dev, worst_sum)


def merge_scans(scans: list, atol: float) -> tuple:
    """Raise the validation error the whole array deserves, else concatenate per-row values.

    Returns
    -------
    row_max, row_argmax, self_confidence : numpy.ndarray, shape (N,)
    """
    bad = [(s.first_negative, "neg") for s in scans if s.first_negative >= 0]
    bad += [(s.first_nonfinite, "nan") for s in scans if s.first_nonfinite >= 0]
    if bad:
        row, kind = min(bad)
        if kind == "neg":
            raise ValueError(f"pred_probs must be non-negative; row {row} has a negative value")
        raise ValueError(f"pred_probs must be finite; row {row} contains NaN or inf")
    worst = max(scans, key=lambda s: s.worst_dev)  # first block with the largest deviation
    if worst.worst_dev > atol:
        raise ValueError(
            f"pred_probs rows must sum to 1 within atol={atol:g}; row {worst.worst_row} sums to "
            f"{worst.worst_sum:.6g}. Pass renormalize=True to divide each row by its sum."
        )
    return (np.concatenate([s.row_max for s in scans]),
            np.concatenate([s.row_argmax for s in scans]),
            np.concatenate([s.self_confidence for s in scans]))


def count_block(block, labels, thresholds, row_max, row_argmax, start: int,
                chunk_size: int | None = None) -> tuple:
    """One block's share of the (uncalibrated) confident joint.

    Returns
    -------
    counts : numpy.ndarray of int64, shape (K * K,)
        Flat counts of (guessed true label, given label) pairs; summed over blocks and
        shaped ``reshape(K, K).T`` they are the in-memory confident joint, layout included.
    off_diagonal : numpy.ndarray of int64
        Global indices of the block's rows counted off the diagonal, ascending.
    n_issues : int
        How many of those rows do not have their given label as (within 1e-6) top prediction.
    """
    block = as_float_block(block)
    k = block.shape[1]
    counted = confident_counts(labels, block, thresholds, chunk_size, row_max=row_max,
                               row_argmax=np.array(row_argmax))
    off = counted.off_diagonal
    matches = 0
    step = block_rows(k, chunk_size)
    for s in range(0, len(off), step):
        idx = off[s:s + step]
        matches += int(np.count_nonzero(
            predicted_matches_given(labels[idx], np.take(block, idx, axis=0), copy=False)))
    flat = np.ascontiguousarray(counted.confident_joint.T).reshape(-1).astype(np.int64)
    return flat, off.astype(np.int64) + start, len(off) - matches


def merge_counts(parts: list, n_classes: int) -> tuple:
    """Sum block counts into the confident joint; concatenate off-diagonal indices and counts."""
    total = np.zeros(n_classes * n_classes, dtype=np.int64)
    for flat, _, _ in parts:
        total += flat
    counts = total.astype(np.bincount(np.zeros(1, dtype=np.int64)).dtype)
    cj = counts.reshape(n_classes, n_classes).T
    off = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
    return cj, off, sum(p[2] for p in parts)


def candidates_block(block, labels, sc, row_max, row_argmax, tau, start: int,
                     topn_cells: np.ndarray, topn_need: np.ndarray,
                     chunk_size: int | None = None) -> tuple:
    """Candidate (cell, margin, row) triples of one block for the per-cell top-n.

    Cells ``k * K + j`` with a finite ``tau[k, j]`` contribute every margin
    ``p[i, j] - p[i, k]`` >= tau (rows labelled k); the cells in ``topn_cells`` contribute
    the block's ``topn_need`` largest margins, every value tied with the smallest kept one
    included. Either way, every margin at or above the cell's global n-th largest is kept,
    so the merge sees all of them (and all ties at the cut).

    Returns
    -------
    cells, values, rows : numpy.ndarray
        ``rows`` are global indices.
    """
    block = as_float_block(block)
    k = block.shape[1]
    cells, values, rows = _margin_candidates(block, labels, sc, row_max, row_argmax, tau,
                                             chunk_size)
    cells, rows = [cells.astype(np.int64)], [rows.astype(np.int64)]
    values = [values]
    if len(topn_cells):
        classes = topn_cells // k
        for cls in np.unique(classes):
            local = np.nonzero(labels == cls)[0]
            if len(local) == 0:
                continue
            pick = np.nonzero(classes == cls)[0]
            cols = topn_cells[pick] % k
            margins = np.take(np.take(block, local, axis=0), cols, axis=1)
            margins -= sc[local][:, None]
            for c, (cell, need) in enumerate(zip(topn_cells[pick], topn_need[pick])):
                column = margins[:, c]
                if need < len(column):
                    cut = np.partition(column, len(column) - need)[len(column) - need]
                    keep = np.nonzero(column >= cut)[0]
                else:
                    keep = np.arange(len(column))
                cells.append(np.full(len(keep), cell, dtype=np.int64))
                values.append(column[keep])
                rows.append(local[keep].astype(np.int64))
    return (np.concatenate(cells), np.concatenate(values).astype(block.dtype, copy=False),
            np.concatenate(rows) + start)


def merge_candidates(parts: list, need_flat: np.ndarray) -> tuple:
    """Each cell's ``need`` largest candidates; cells whose cut splits tied margins are left.

    Returns
    -------
    rows : numpy.ndarray of int64
        Global rows surely selected.
    unresolved : numpy.ndarray of int
        Cells (``k * K + j``) that need the whole class column (ties straddle the cut).
    """
    cells = np.concatenate([p[0] for p in parts])
    values = np.concatenate([p[1] for p in parts])
    rows = np.concatenate([p[2] for p in parts])
    selected, unresolved = top_n_per_cell(cells, values, need_flat)
    return rows[selected], unresolved


def column_block(block, labels, cells: np.ndarray) -> list:
    """For each cell ``k * K + j``: ``p[i, j]`` of the block's rows labelled k, in row order."""
    block = as_float_block(block)
    k = block.shape[1]
    out = []
    for cell in cells:
        cls, j = divmod(int(cell), k)
        local = np.nonzero(labels == cls)[0]
        out.append(np.asarray(block[local, j]))
    return out


def scores_block(block, labels, method: str, rows: np.ndarray | None = None,
                 thresholds: np.ndarray | None = None, chunk_size: int | None = None,
                 flag_check: bool = False) -> tuple:
    """Label quality scores of some (``rows``, local) or all rows of one block.

    With ``flag_check``, also which of those rows have their given label as (within 1e-6)
    top prediction (the final check of the pruning filters).

    Returns
    -------
    scores : numpy.ndarray or None
        None when ``method`` is None.
    close : numpy.ndarray of bool or None
    """
    block = as_float_block(block)
    n, k = block.shape
    if rows is None:
        rows = np.arange(n)
    step = block_rows(k, chunk_size)
    scores, close = [], []
    for s in range(0, len(rows), step):
        idx = rows[s:s + step]
        part = np.take(block, idx, axis=0) if len(idx) < n else np.asarray(block)
        lab = labels[idx]
        if method is not None:
            scored = _adjusted(part, thresholds) if thresholds is not None else part
            scores.append(_scores_of_rows(lab, scored, method))
        if flag_check:
            close.append(predicted_matches_given(lab, part, copy=True))
    dtype = block.dtype
    return (None if method is None else
            (np.concatenate(scores) if scores else np.zeros(0, dtype=dtype)),
            None if not flag_check else
            (np.concatenate(close) if close else np.zeros(0, dtype=bool)))
