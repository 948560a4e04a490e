"""Exact confident learning over row blocks: the block pieces of ``fastclean.core.blocks``
composed by an executor (serial or Dask).

The driver (this process) keeps O(N) per-row scalars (labels, self-confidence, row max and
argmax: about 20 bytes a row) and K x K matrices; pred_probs itself is only ever read block by
block where the executor runs the block function. Every answer is the in-memory one, bit for
bit: see ``fastclean.core.blocks`` for why.
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np

from ..core import blocks as B
from ..core._select import smallest_n
from ..core.count import ClassGroups, _calibrate, _check_square, _thresholds_from_self_confidence
from ..core.filter import (
    _COLUMN_CUTOFF,
    _LOW_SCORE,
    _PRUNING,
    _apply_num_to_remove,
    _argmax_cutoffs,
    _check_options,
    _prune_by_class,
    prune_counts,
)
from ..core.validation import DEFAULT_ATOL, validate_labels
from .executors import SerialExecutor
from .sources import ChunkedSource


def _load_labels(labels) -> np.ndarray:
    from .sources import is_dask_array

    if is_dask_array(labels):
        labels = labels.compute()
    elif isinstance(labels, str) or hasattr(labels, "__fspath__"):
        from ..arrays import load_array

        labels = load_array(labels, what="labels")
    return np.asarray(labels)


class ChunkedCL:
    """Confident learning on a row-chunked ``pred_probs``; each pass is one map over blocks.

    Parameters
    ----------
    labels : array_like of int, shape (N,), or a path to a ``.npy`` file
    pred_probs : ChunkedSource or anything it accepts
    executor : SerialExecutor or DaskExecutor, optional
    chunk_size : int, optional
        Rows per inner streaming step inside a block.
    """

    def __init__(self, labels, pred_probs, executor=None, chunk_size: int | None = None,
                 chunk_rows: int | None = None):
        self.source = pred_probs if isinstance(pred_probs, ChunkedSource) \
            else ChunkedSource(pred_probs, chunk_rows=chunk_rows)
        n, k = self.source.shape
        lab = _load_labels(labels)
        if lab.ndim == 1 and len(lab) != n:
            raise ValueError(f"labels and pred_probs must have the same length, got {len(lab)} "
                             f"labels and {n} rows of pred_probs")
        self.labels = validate_labels(lab, n_classes=k)
        self.n, self.k = n, k
        self.executor = executor or SerialExecutor()
        self.chunk_size = chunk_size
        self.groups = ClassGroups.from_labels(self.labels, k)
        self._scan = None
        self._kept = None
        self._counts = {}

    # -- plumbing ---------------------------------------------------------------------------
    def _slices(self, *arrays) -> list:
        return [tuple(a[s:e] for a in arrays) + (s,) for s, e in self.source.bounds]

    def _per_row(self) -> list:
        """Per-block arguments ``(kept, start)`` of the passes after the scan: on a cluster,
        the scan results left on the workers (labels included), so the per-row vectors are
        not sent again each pass; here, the slices of this process's arrays."""
        if self._kept is not None:
            return [(kept, s) for kept, (s, _) in zip(self._kept, self.source.bounds)]
        row_max, row_argmax, sc = self.scan()
        return [(B.ScanResult(row_max[s:e], row_argmax[s:e], sc[s:e], -1, -1, -1, 0.0, 0.0,
                              labels=self.labels[s:e]), s) for s, e in self.source.bounds]

    def release(self) -> None:
        """Forget the scan results kept on the workers."""
        for kept in self._kept or ():
            kept.release()
        self._kept = None

    def _map(self, fn, per_block: list, common: tuple = ()) -> list:
        return self.executor.map(fn, self.source, per_block, common)

    # -- passes -----------------------------------------------------------------------------
    def scan(self, atol: float = DEFAULT_ATOL):
        """Validate pred_probs; return (row_max, row_argmax, self_confidence)."""
        if self._scan is None:
            per_block, common = self._slices(self.labels), (self.chunk_size,)
            if getattr(self.executor, "remote", False):
                # Labels travel as the smallest integer type that holds every class; the
                # workers keep them (as int64) with the scan, and only the three per-row
                # vectors come back (10 bytes a row for float32 pred_probs).
                small = _compact_labels(self.labels, self.k)
                parts, self._kept = self.executor.map_keep(
                    _scan_keeping_labels, self.source, self._slices(small), common,
                    show=_without_labels)
            else:
                parts = self._map(B.scan_block, per_block, common)
            self._scan = B.merge_scans(parts, atol)
        return self._scan

    def thresholds(self) -> np.ndarray:
        """Per-class confident thresholds (as ``get_confident_thresholds``)."""
        sc = self.scan()[2]
        return _thresholds_from_self_confidence(sc, self.groups)

    def counts(self, thresholds=None):
        """(raw confident joint, off-diagonal indices, off-diagonal issue count)."""
        key = None if thresholds is None else np.asarray(thresholds).tobytes()
        if key not in self._counts:
            row_max, row_argmax, _ = self.scan()
            th = self.thresholds() if thresholds is None else thresholds
            parts = self._map(_count_adapter, self._per_row(), (th, self.chunk_size))
            self._counts[key] = B.merge_counts(parts, self.k)
        cj, off, n_issues = self._counts[key]
        return cj.copy(), off, n_issues

    def confident_joint(self, *, calibrate: bool = True, thresholds=None) -> np.ndarray:
        """The confident joint, diagonal floored at 1, calibrated unless told otherwise."""
        cj = self.counts(thresholds)[0]
        np.fill_diagonal(cj, cj.diagonal().clip(min=1))
        return _calibrate(cj, self.groups.counts) if calibrate else cj

    def scores(self, method: str, *, rows: np.ndarray | None = None, thresholds=None,
               flag_check: bool = False):
        """Scores of ``rows`` (global, ascending; default all) and optionally the 1e-6 check."""
        per_block = []
        for s, e in self.source.bounds:
            if rows is None:
                local = None
            else:
                lo, hi = np.searchsorted(rows, [s, e])
                local = rows[lo:hi] - s
            per_block.append((method, local, thresholds, self.chunk_size, flag_check))
        if rows is None and method == "self_confidence" and thresholds is None \
                and not flag_check:
            return self.scan()[2], None
        self.scan()
        parts = self._map(_scores_adapter, [kept + args for kept, args
                                            in zip(self._per_row(), per_block)])
        scores = None if method is None else np.concatenate([p[0] for p in parts])
        close = None if not flag_check else np.concatenate([p[1] for p in parts])
        return scores, close

    # -- find_label_issues ------------------------------------------------------------------
    def find_label_issues(self, *, filter_by="prune_by_noise_rate", return_indices_ranked_by=None,
                          frac_noise=1.0, num_to_remove_per_class=None, min_examples_per_class=1,
                          confident_joint=None):
        """Same as :func:`fastclean.core.find_label_issues` (see there), on blocks."""
        _check_options(filter_by, return_indices_ranked_by, frac_noise, num_to_remove_per_class,
                       min_examples_per_class)
        labels, groups, n, k = self.labels, self.groups, self.n, self.k
        row_max, row_argmax, sc = self.scan()
        off_diagonal = n_off = None
        if confident_joint is None or filter_by in ("confident_learning",) + _LOW_SCORE:
            cj, off_diagonal, n_off = self.counts()
            if confident_joint is None or filter_by == "confident_learning":
                np.fill_diagonal(cj, cj.diagonal().clip(min=1))
                confident_joint = _calibrate(cj, groups.counts)
        confident_joint = _check_square(confident_joint)
        if len(confident_joint) != k:
            raise ValueError(f"confident_joint must be {k} x {k} to match pred_probs, "
                             f"got {confident_joint.shape}")
        if filter_by in _LOW_SCORE:
            scores, _ = self.scores(filter_by[4:])
            mask = smallest_n(scores, n_off)
        elif filter_by == "confident_learning":
            mask = np.zeros(n, dtype=bool)
            mask[off_diagonal] = True
        elif filter_by == "predicted_neq_given":
            mask = row_argmax != labels
        else:
            pcm = prune_counts(confident_joint, min_examples_per_class, frac_noise)
            if num_to_remove_per_class is not None:
                remove = np.asarray(num_to_remove_per_class)
                if remove.shape != (k,):
                    raise ValueError("num_to_remove_per_class must have one entry per class "
                                     f"({k}), got shape {remove.shape}")
                pcm = _apply_num_to_remove(pcm, remove, groups.counts)
            eligible = (groups.counts > min_examples_per_class) & (groups.counts > 1)
            small = (groups.counts > 0) & (groups.counts <= min_examples_per_class)
            if small.any():
                warnings.warn(f"May not flag all label issues in classes "
                              f"{np.nonzero(small)[0].tolist()}: too few examples (see "
                              "min_examples_per_class)", stacklevel=3)
            if filter_by in ("prune_by_class", "both"):
                mask = _prune_by_class(sc, groups, pcm, eligible)
            if filter_by in ("prune_by_noise_rate", "both"):
                by_rate = self._prune_by_noise_rate(pcm, eligible)
                mask = by_rate if filter_by == "prune_by_noise_rate" else mask & by_rate
        if filter_by not in _LOW_SCORE:
            flagged = np.nonzero(mask)[0]
            scores, close = self.scores(return_indices_ranked_by, rows=flagged, flag_check=True)
            mask[flagged[close]] = False
            if return_indices_ranked_by is not None:
                kept = flagged[~close]
                return kept[np.argsort(scores[~close])]
            return mask
        if return_indices_ranked_by is not None:
            flagged = np.nonzero(mask)[0]
            scores, _ = self.scores(return_indices_ranked_by, rows=flagged)
            return flagged[np.argsort(scores)]
        return mask

    def _prune_by_noise_rate(self, pcm: np.ndarray, eligible: np.ndarray) -> np.ndarray:
        labels, groups, k = self.labels, self.groups, self.k
        row_max, row_argmax, sc = self.scan()
        mask = np.zeros(self.n, dtype=bool)
        js, ks = np.nonzero(pcm)
        need_n = pcm[js, ks].astype(np.int64)
        keep = (js != ks) & eligible[ks] & (need_n > 0)
        ks, js = ks[keep], js[keep]
        need_n = np.minimum(need_n[keep], groups.counts[ks])
        if len(need_n) == 0:
            return mask
        need = np.zeros((k, k), dtype=np.int64)
        need[ks, js] = need_n
        # An exact lower bound on each cell's cut, from the per-row values held here; cells
        # without one (or with a cut that may fall among rows labelled as their argmax) are
        # served by each block's own top-n instead.
        tau = _argmax_cutoffs(labels, sc, row_max, row_argmax, need)
        by_column = (need > 0) & (tau <= _COLUMN_CUTOFF)
        streamed = np.where((need > 0) & ~by_column, tau, np.inf)
        topn_cells = np.flatnonzero(by_column)
        topn_need = need.ravel()[topn_cells]
        parts = self._map(_candidates_adapter, self._per_row(),
                          (streamed, topn_cells, topn_need, self.chunk_size))
        rows, unresolved = B.merge_candidates(parts, need.ravel())
        mask[rows] = True
        if len(unresolved):
            columns = self._map(_column_adapter, self._per_row(), (np.asarray(unresolved),))
            for c, cell in enumerate(unresolved):
                kk, j = divmod(int(cell), k)
                rows_k = groups.rows(kk)
                column = np.concatenate([part[c] for part in columns])
                # The in-memory fallback, on the same vector: same argsort, same tie order.
                chosen = smallest_n(-(column - sc[rows_k]), int(need[kk, j]))
                mask[rows_k[chosen]] = True
        return mask


def _compact_labels(labels: np.ndarray, k: int) -> np.ndarray:
    for dtype in (np.uint8, np.uint16, np.int32):
        if k <= np.iinfo(dtype).max + 1:
            return labels.astype(dtype)
    return labels


def _scan_keeping_labels(block, labels, start, chunk_size):
    labels = np.asarray(labels, dtype=np.int64)  # as validated, whatever travelled
    result = B.scan_block(block, labels, start, chunk_size)
    result.labels = labels
    return result


def _without_labels(result):
    return dataclasses.replace(result, labels=None)


def _count_adapter(block, kept, start, thresholds, chunk_size):
    return B.count_block(block, kept.labels, thresholds, kept.row_max, kept.row_argmax, start,
                         chunk_size)


def _candidates_adapter(block, kept, start, tau, topn_cells, topn_need, chunk_size):
    return B.candidates_block(block, kept.labels, kept.self_confidence, kept.row_max,
                              kept.row_argmax, tau, start, topn_cells, topn_need, chunk_size)


def _scores_adapter(block, kept, start, method, rows, thresholds, chunk_size, flag_check):
    return B.scores_block(block, kept.labels, method, rows, thresholds, chunk_size, flag_check)


def _column_adapter(block, kept, start, cells):
    return B.column_block(block, kept.labels, cells)
