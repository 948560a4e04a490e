"""Find label issues with confident learning: which examples are most likely mislabelled.

Same answers as the reference (cleanlab 2.9.0 ``filter.find_label_issues``), ties included,
computed differently: instead of one full argsort per (class, column) cell of the prune-count
matrix, one streaming pass collects a small set of candidate examples per cell (margins above
a threshold estimated from a sample of the class), the n largest are picked from the
candidates, and the reference argsort is reproduced only for cells where tied margins straddle
the cut (or the estimate was too tight). pred_probs is never copied in full.
"""

from __future__ import annotations

import warnings

import numpy as np

from ._numerics import FLOATING_POINT_COMPARISON, round_preserving_row_totals
from ._parallel import ScratchBuffers, map_in_order, start_beside
from ._select import smallest_n, top_n_per_cell, values_at_cell_ranks
from .count import (
    ClassGroups,
    _calibrate,
    _check_square,
    _count_off_diagonal_issues,
    _thresholds_from_self_confidence,
    confident_counts,
    predicted_matches_given,
    self_confidence,
)
from .rank import (
    RANK_METHODS,
    _adjusted,
    _scores_of_rows,
    check_rank_by_kwargs,
    label_quality_scores,
    rank_rows,
)
from .validation import ROW_SUM_SLACK, block_rows, validate_inputs

FILTER_BY = (
    "prune_by_noise_rate",
    "prune_by_class",
    "both",
    "confident_learning",
    "predicted_neq_given",
    "low_normalized_margin",
    "low_self_confidence",
)
_PRUNING = ("prune_by_noise_rate", "prune_by_class", "both")
_LOW_SCORE = ("low_normalized_margin", "low_self_confidence")

# Classes up to this size have all margins of their needed cells gathered directly.
_SMALL_CLASS = 256
# Rows sampled per class to estimate each cell's margin cut-off.
_SAMPLE_ROWS = 512
# Cells whose margin cut-off may be at or below this read their whole class column: such a
# cut can fall among rows whose label is their argmax, which the streaming pass skips.
_COLUMN_CUTOFF = 0.0
# Rows per range of the margin-candidate sweep (a range is one task for the core's threads).
_CANDIDATE_RANGE_ROWS = 1 << 15
_CANDIDATE_STEP_ELEMENTS = 1 << 16



def _reduce_prune_counts(matrix: np.ndarray, frac_noise: float) -> np.ndarray:
    new_mat = matrix * frac_noise
    np.fill_diagonal(new_mat, matrix.diagonal())
    np.fill_diagonal(new_mat, matrix.diagonal() + np.sum(matrix - new_mat, axis=0))
    return new_mat.astype(int)


def prune_counts(confident_joint: np.ndarray, min_examples_per_class: int,
                 frac_noise: float) -> np.ndarray:
    """How many examples to prune per (true, given) cell, keeping ``n`` per class.

    Parameters
    ----------
    confident_joint : numpy.ndarray, shape (K, K)
    min_examples_per_class : int
    frac_noise : float

    Returns
    -------
    numpy.ndarray of int, shape (K, K)
        Transposed relative to the confident joint: entry ``[j, k]`` is the number of
        examples labelled ``k`` to prune as truly ``j``.
    """
    matrix = confident_joint.T
    diagonal = np.diagonal(matrix)
    new_diagonal = np.maximum(diagonal, min_examples_per_class)
    diff_per_col = new_diagonal - diagonal
    if frac_noise == 1.0 and not diff_per_col.any():
        # Nothing to move and nothing to scale: the steps below reduce to a cast to int
        # (counts are non-negative). C order, as the rounding returns.
        return matrix.astype(int, order="C")
    per_col = np.maximum(np.count_nonzero(matrix, axis=0) - 1.0, 1.0)
    new_mat = matrix - diff_per_col / per_col
    new_mat[new_mat < 0] = 0
    np.fill_diagonal(new_mat, new_diagonal)
    if frac_noise == 1.0:
        # Scaling by 1 moves nothing onto the diagonal, so the reduction is a plain cast to
        # int, and rounding an integer matrix changes nothing. C order, as rounding returns.
        return new_mat.astype(int, order="C")
    new_mat = _reduce_prune_counts(new_mat, frac_noise)
    return round_preserving_row_totals(new_mat).astype(int)


def _apply_num_to_remove(pcm: np.ndarray, num_to_remove, label_counts) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        psy = pcm / np.sum(pcm, axis=1)
        noise_per_s = psy.sum(axis=1) - psy.diagonal()
        tmp = (psy.T * num_to_remove / noise_per_s).T
    np.fill_diagonal(tmp, label_counts - num_to_remove)
    return round_preserving_row_totals(tmp)


def _prune_by_class(sc: np.ndarray, groups: ClassGroups, pcm: np.ndarray,
                    eligible: np.ndarray) -> np.ndarray:
    mask = np.zeros(len(sc), dtype=bool)
    sc_by_class = sc[groups.order]
    for k in np.nonzero(eligible)[0]:
        n_issues = int(groups.counts[k] - pcm[k, k])
        if n_issues >= 1:
            lo, hi = groups.starts[k], groups.starts[k + 1]
            chosen = smallest_n(sc_by_class[lo:hi], n_issues)
            mask[groups.rows(k)[chosen]] = True
    return mask


def _argmax_cutoffs(labels, sc, row_max, row_argmax, need: np.ndarray) -> np.ndarray:
    """Exact lower bounds on each cell's cut from the rows whose argmax is that cell's column.

    Those rows are a subset of the class, so the ``need``-th largest of their margins
    (``row_max - sc``) is at most the class's ``need``-th largest margin for that column; a
    cell with fewer such rows than needed gets -inf.
    """
    k = need.shape[0]
    off = np.nonzero(row_argmax != labels)[0]
    cells = labels[off] * k + row_argmax[off]
    values = row_max[off] - sc[off]
    flat_need = need.ravel()
    count = np.bincount(cells, minlength=k * k)
    usable = (flat_need > 0) & (count >= flat_need)
    bound = np.full(k * k, -np.inf, dtype=values.dtype)
    keep = usable[cells]
    if keep.any():
        cells, values = cells[keep], values[keep]
        count = np.bincount(cells, minlength=k * k)
        ends = np.cumsum(count)
        ok = np.nonzero(usable)[0]
        bound[ok] = values_at_cell_ranks(cells, values, ends[ok] - flat_need[ok])
    return bound.reshape(k, k)


def _top_margins_of_small_classes(pred_probs, sc, groups: ClassGroups, ks: np.ndarray,
                                  js: np.ndarray, need: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Flag, in ``mask``, the ``need`` largest margins ``p[:, j] - p[:, k]`` of each cell (k, j).

    Cells of classes with the same size form the rows of one (cells x size) margin array,
    so one row-wise sort finds every cut. Returns, per cell, whether tied margins straddle
    the cut (left to the caller, which reproduces the reference's argsort there).
    """
    k_classes = pred_probs.shape[1]
    unresolved = np.zeros(len(ks), dtype=bool)
    sizes = groups.counts[ks]
    by_size = np.argsort(sizes, kind="stable")
    bounds = np.flatnonzero(np.diff(sizes[by_size])) + 1
    flat_probs = pred_probs.reshape(-1) if pred_probs.flags.c_contiguous else None
    for part in np.split(by_size, bounds):
        size = int(sizes[part[0]])
        k, j, n = ks[part], js[part], need[part]
        rows = groups.order[groups.starts[k][:, None] + np.arange(size)]
        if flat_probs is not None:
            margins = np.take(flat_probs, rows.astype(np.int64) * k_classes + j[:, None])
        else:
            margins = pred_probs[rows, j[:, None]]
        margins -= sc[rows]
        cut = np.sort(margins, axis=1)[np.arange(len(part)), size - n]
        reach = margins >= cut[:, None]
        straddle = np.count_nonzero(reach, axis=1) > n
        unresolved[part[straddle]] = True
        reach[straddle] = False
        mask[rows[reach]] = True
    return unresolved


def _margin_cutoffs(pred_probs, sc, groups: ClassGroups, need: np.ndarray) -> np.ndarray:
    """Per-cell margin thresholds ``tau[k, j]`` such that every row of class k among the
    ``need[k, j]`` largest margins ``p[:, j] - p[:, k]`` has a margin >= tau.

    Exact for classes small enough to read whole; for larger classes a bound from a sample
    of the class, loose enough to hold with high probability (when it does not, the caller
    sees too few candidates and falls back to the exact computation for that cell).
    """
    k_classes = need.shape[0]
    dtype = np.result_type(pred_probs.dtype, sc.dtype)
    tau = np.full((k_classes, k_classes), np.inf, dtype=dtype)
    flat_probs = pred_probs.reshape(-1) if pred_probs.flags.c_contiguous else None
    cells = np.flatnonzero(need)
    ks = cells // k_classes
    sampled = groups.counts[ks] > 2 * _SAMPLE_ROWS
    if sampled.any():
        tau.reshape(-1)[cells[sampled]] = _sampled_cutoffs(
            pred_probs, flat_probs, sc, groups, ks[sampled], cells[sampled] % k_classes,
            need.reshape(-1)[cells[sampled]], dtype)
    for k in np.unique(ks[~sampled]):
        # Small classes: every row, exact ranks.
        cols = np.nonzero(need[k])[0]
        rows = groups.rows(k)
        # Only the needed columns of the class's rows (a class needs a few of K).
        if flat_probs is not None:
            margins = np.take(flat_probs, cols[:, None] + rows.astype(np.int64) * k_classes)
        else:
            margins = np.take(pred_probs, rows, axis=0)[:, cols].T
        margins -= sc[rows]
        rank = need[k, cols]
        s = len(rows)
        deepest = int(rank.max())
        top = np.partition(margins, s - deepest, axis=1)[:, s - deepest:]
        top.sort(axis=1)
        tau[k, cols] = top[np.arange(len(cols)), deepest - rank]
    return tau


def _sampled_cutoffs(pred_probs, flat_probs, sc, groups: ClassGroups, ks, js, need, dtype):
    """Sample bounds of :func:`_margin_cutoffs` for cells (ks, js) of classes larger than
    ``2 * _SAMPLE_ROWS``: each class is sampled once (evenly spaced rows), all cells at once."""
    k_classes = pred_probs.shape[1]
    sample_size = _SAMPLE_ROWS
    classes, which = np.unique(ks, return_inverse=True)
    n_k = groups.counts[classes]
    at = groups.starts[classes][:, None] + (np.arange(sample_size) * n_k[:, None]) // sample_size
    sample = groups.order[at].astype(np.int64)
    sample_sc = sc[sample]
    expected = need * (sample_size / groups.counts[ks])
    rank = np.ceil(expected + 3 * np.sqrt(expected) + 4).astype(np.int64)
    picked = np.full(len(ks), -np.inf, dtype=dtype)
    fits = np.nonzero(rank <= sample_size)[0]
    batch = max(1, (1 << 20) // sample_size)
    for lo in range(0, len(fits), batch):
        part = fits[lo:lo + batch]
        rows = sample[which[part]]
        if flat_probs is not None:
            margins = np.take(flat_probs, rows * k_classes + js[part, None])
        else:
            margins = pred_probs[rows, js[part, None]]
        margins -= sample_sc[which[part]]
        deepest = int(rank[part].max())
        top = np.partition(margins, sample_size - deepest, axis=1)[:, sample_size - deepest:]
        top.sort(axis=1)
        picked[part] = top[np.arange(len(part)), deepest - rank[part]]
    return picked


def _margin_candidates(pred_probs, labels, sc, row_max, row_argmax, tau, chunk_size):
    """Keep (cell, margin, row) for every margin ``p[i, j] - p[i, k]`` >= tau[k, j], k = label.

    Most rows are never read: the margin at a row's argmax is ``row_max - sc`` (known), and
    every other column's probability is at most ``min(row_max, 1 - row_max)`` (rows sum to 1
    within the validated tolerance; rounding is monotone), which is usually too small to reach
    the class's smallest threshold. The rows that might pass elsewhere are read in one
    forward sweep.

    The sweep goes by ranges of rows, each range handled whole by one thread (several when
    the core has them), gathering its rows into that thread's reused scratch buffers: fresh
    block-sized temporaries would be new pages from the system on every block. Candidates
    come back grouped by range, which the per-cell selection does not depend on.
    """
    n, k = pred_probs.shape
    cell_type = np.int32 if k * k < 1 << 31 else np.int64
    row_type = np.int32 if n < 1 << 31 else np.int64
    # Classes without a streamed cell have an infinite lowest cut: no row of theirs passes.
    lowest = tau.min(axis=1)
    tau_flat = np.ascontiguousarray(tau).reshape(-1)
    span = max(block_rows(k, chunk_size), _CANDIDATE_RANGE_ROWS)
    # Gathered rows in smaller steps: the three scratch buffers then stay in the core's cache
    # (at least 64 rows a step, or a block's rows if fewer, so that very wide inputs do not
    # go a row at a time).
    step = min(block_rows(k, chunk_size), max(64, _CANDIDATE_STEP_ELEMENTS // k))
    scratch = ScratchBuffers()

    def range_candidates(lo):
        hi = min(n, lo + span)
        lab = labels[lo:hi]
        s = sc[lo:hi]
        top = row_max[lo:hi]
        low = lowest[lab]
        top64 = top.astype(np.float64)
        other_bound = np.minimum(top64, (1.0 + ROW_SUM_SLACK) - top64) - s
        read = other_bound >= low
        arg = row_argmax[lo:hi]
        # Rows not read contribute at most their argmax column; a row whose argmax is its
        # label has margin 0 there, below every positive cut.
        direct = np.flatnonzero(~read & ((arg != lab) | ~(low > 0)))
        dlab, darg = lab[direct], arg[direct]
        margin = top[direct] - s[direct]
        hit = np.flatnonzero(margin >= tau_flat[dlab * k + darg])
        cells = [(dlab[hit] * k + darg[hit]).astype(cell_type)]
        values = [margin[hit]]
        rows = [(direct[hit] + lo).astype(row_type)]
        members = np.flatnonzero(read) + lo
        for start in range(0, len(members), step):
            idx = members[start:start + step]
            m = len(idx)
            lab_b = labels[idx]
            # mode="clip" (the indices are valid): with the default mode, take buffers `out`.
            margins = np.take(pred_probs, idx, axis=0, mode="clip",
                              out=scratch.get("margins", step, (k,), pred_probs.dtype)[:m])
            margins -= sc[idx][:, None]
            cuts = np.take(tau, lab_b, axis=0, mode="clip",
                           out=scratch.get("cuts", step, (k,), tau.dtype)[:m])
            flat = np.flatnonzero(np.greater_equal(margins, cuts,
                                                   out=scratch.get("hits", step, (k,), bool)[:m]))
            r, c = np.divmod(flat, k)
            cells.append((lab_b[r] * k + c).astype(cell_type))
            values.append(margins.reshape(-1)[flat])
            rows.append(idx[r].astype(row_type))
        return np.concatenate(cells), np.concatenate(values), np.concatenate(rows)

    # Ranges are independent (possibly on several threads); results come back in order.
    parts = map_in_order(range_candidates, range(0, n, span), n * k // 4)
    return tuple(np.concatenate([part[i] for part in parts]) for i in range(3))


def _prune_by_noise_rate(labels, pred_probs, sc, row_max, row_argmax, groups: ClassGroups,
                         pcm: np.ndarray, eligible: np.ndarray, chunk_size) -> np.ndarray:
    k_classes = len(groups.counts)
    mask = np.zeros(len(labels), dtype=bool)
    # The few non-zero cells as (k, j, n): n rows labelled k to flag for column j (pcm is
    # transposed). With many classes pcm is mostly zeros; no K x K temporaries are made.
    js, ks = np.nonzero(pcm)
    n = pcm[js, ks].astype(np.int64)
    keep = (js != ks) & eligible[ks] & (n > 0)
    ks, js = ks[keep], js[keep]
    n = np.minimum(n[keep], groups.counts[ks])
    if len(n) == 0:
        return mask
    # Small classes: every margin of every needed cell is gathered directly (few values).
    small = groups.counts[ks] <= _SMALL_CLASS
    if small.any():
        left = _top_margins_of_small_classes(pred_probs, sc, groups, ks[small], js[small],
                                             n[small], mask)
        rest = ~small
        rest[np.nonzero(small)[0][left]] = True
        ks, js, n = ks[rest], js[rest], n[rest]
        if len(n) == 0:
            return mask
    need = np.zeros((k_classes, k_classes), dtype=np.int64)
    need[ks, js] = n
    del ks, js, n, small  # the streaming pass below sets the peak memory
    tau = _argmax_cutoffs(labels, sc, row_max, row_argmax, need)
    from_sample = _margin_cutoffs(pred_probs, sc, groups, np.where(np.isfinite(tau), 0, need))
    # Both are lower bounds on the cut (the sample one with high probability): use the larger.
    tau = np.maximum(tau, np.where(np.isfinite(from_sample), from_sample, -np.inf))
    # A low cut can fall among many rows of the class (even rows whose label is their
    # argmax): those cells read their whole class column. All other cells only need the few
    # rows with a large margin somewhere, collected in one pass.
    by_column = (need > 0) & (tau <= _COLUMN_CUTOFF)
    streamed = np.where((need > 0) & ~by_column, tau, np.inf)
    cells, values, rows = _margin_candidates(pred_probs, labels, sc, row_max, row_argmax,
                                             streamed, chunk_size)
    selected, unresolved = top_n_per_cell(cells, values, np.where(by_column, 0, need).ravel())
    mask[rows[selected]] = True
    for cell in unresolved:
        k, j = divmod(int(cell), k_classes)
        by_column[k, j] = True
    budget = block_rows(k_classes, chunk_size) * k_classes
    for k in np.nonzero(by_column.any(axis=1))[0]:
        rows_k = groups.rows(k)
        cols = np.nonzero(by_column[k])[0]
        # Whole rows when many columns are needed and they fit a block; else single columns.
        fits = len(rows_k) * k_classes <= budget and len(cols) * 8 >= k_classes
        whole = np.take(pred_probs, rows_k, axis=0) if fits else None
        for j in cols:
            column = whole[:, j] if whole is not None else pred_probs[rows_k, j]
            # Same values and the same argsort as the reference when ties straddle the cut.
            chosen = smallest_n(-(column - sc[rows_k]), int(need[k, j]))
            mask[rows_k[chosen]] = True
    return mask


def _check_and_score(labels, pred_probs, flagged, method, thresholds, chunk_size,
                     row_top=None, sc=None):
    """For flagged rows (ascending): whether the given label is (within 1e-6) the top
    prediction, and their scores by ``method`` (None without one). One read of the rows
    serves both; scores are row-wise, so identical to scoring the rows anywhere else.

    With ``row_top`` (every row's max and first argmax) and ``sc``, the check and the
    unadjusted self-confidence and normalized-margin scores need no read at all: see
    :func:`_check_and_score_from_top`.
    """
    if row_top is not None and row_top[0] is not None and sc is not None \
            and thresholds is None and method in (None, "self_confidence", "normalized_margin"):
        return _check_and_score_from_top(labels[flagged], sc[flagged], row_top[0][flagged],
                                         row_top[1][flagged], method)
    k = pred_probs.shape[1]
    step = block_rows(k, chunk_size)
    close = np.zeros(len(flagged), dtype=bool)
    scores = []
    scratch = ScratchBuffers()
    for start in range(0, len(flagged), step):
        idx = flagged[start:start + step]
        lab = labels[idx]
        rows = np.take(pred_probs, idx, axis=0, mode="clip",
                       out=scratch.get("rows", step, (k,), pred_probs.dtype)[:len(idx)])
        if method is not None:
            # Scored before the check below overwrites the rows.
            scored = rows if thresholds is None else _adjusted(rows, thresholds)
            scores.append(_scores_of_rows(lab, scored, method))
        close[start:start + len(idx)] = predicted_matches_given(lab, rows, copy=False)
    if method is None:
        return close, None
    return close, (np.concatenate(scores) if scores else np.zeros(0, dtype=pred_probs.dtype))


def _check_and_score_from_top(lab, sc, top, arg, method):
    """:func:`_check_and_score` from each row's label probability ``sc``, max ``top`` and
    first argmax ``arg``, bit for bit.

    The check adds 1e-6 to the label's probability and asks whether the label is then the
    (first) argmax. A row whose argmax is its label passes. Otherwise the label wins when its
    bumped probability exceeds the max, or equals it and the label comes before the argmax
    (the first of the equal values wins). The largest probability of another class is the
    max itself when the argmax is not the label: the normalized margin follows, with the same
    float operations. Rows whose argmax is their label get the check only (they are dropped).
    """
    bumped = sc.copy()
    bumped += FLOATING_POINT_COMPARISON  # in place: rounded to sc's dtype, as the check does
    close = (arg == lab) | (bumped > top) | ((bumped == top) & (lab < arg))
    if method is None:
        return close, None
    if method == "self_confidence":
        return close, sc
    return close, (sc - top + 1) / 2


def _by_class_checked(labels, pred_probs, sc, groups, pcm, eligible, method, thresholds,
                      chunk_size, row_top):
    """:func:`_prune_by_class`'s mask, with :func:`_check_and_score` of the rows it flags."""
    mask = _prune_by_class(sc, groups, pcm, eligible)
    flagged = np.nonzero(mask)[0]
    return (mask, flagged, *_check_and_score(labels, pred_probs, flagged, method, thresholds,
                                             chunk_size, row_top, sc))


def _row_max_argmax(pred_probs, chunk_size):
    n, k = pred_probs.shape
    step = block_rows(k, chunk_size)
    arg = _row_argmax(pred_probs, chunk_size)
    top = np.concatenate([
        np.take_along_axis(np.asarray(pred_probs[s:s + step]), arg[s:s + step, None], axis=1)[:, 0]
        for s in range(0, n, step)])
    return top, arg


def _row_argmax(pred_probs, chunk_size) -> np.ndarray:
    n, k = pred_probs.shape
    step = block_rows(k, chunk_size)
    return np.concatenate([np.asarray(pred_probs[s:s + step]).argmax(axis=1)
                           for s in range(0, n, step)])


def _check_options(filter_by, return_indices_ranked_by, frac_noise, num_to_remove_per_class,
                   min_examples_per_class):
    if filter_by not in FILTER_BY:
        raise ValueError(f"filter_by must be one of {FILTER_BY}, got {filter_by!r}")
    if return_indices_ranked_by is not None and return_indices_ranked_by not in RANK_METHODS:
        raise ValueError(f"return_indices_ranked_by must be None or one of {RANK_METHODS}, "
                         f"got {return_indices_ranked_by!r}")
    if isinstance(frac_noise, bool) or not isinstance(frac_noise, (int, float, np.floating)) \
            or not 0.0 <= frac_noise <= 1.0:
        raise ValueError(f"frac_noise must be a number in [0, 1], got {frac_noise!r}")
    if isinstance(min_examples_per_class, bool) or \
            not isinstance(min_examples_per_class, (int, np.integer)) or min_examples_per_class < 0:
        raise ValueError(
            f"min_examples_per_class must be a non-negative int, got {min_examples_per_class!r}")
    if filter_by not in _PRUNING and (frac_noise != 1.0 or num_to_remove_per_class is not None):
        warnings.warn("frac_noise and num_to_remove_per_class are only used by filter_by "
                      "'prune_by_noise_rate', 'prune_by_class' and 'both'.", stacklevel=3)
    if num_to_remove_per_class is not None and filter_by not in _PRUNING:
        raise ValueError(f"num_to_remove_per_class is not supported with filter_by={filter_by!r}")


def find_label_issues(
    labels,
    pred_probs,
    *,
    filter_by: str = "prune_by_noise_rate",
    return_indices_ranked_by: str | None = None,
    frac_noise: float = 1.0,
    num_to_remove_per_class=None,
    min_examples_per_class: int = 1,
    confident_joint=None,
    chunk_size: int | None = None,
    renormalize: bool = False,
    rank_by_kwargs: dict | None = None,
    n_jobs: int | None = None,
    verbose: bool = False,
    multi_label: bool = False,
) -> np.ndarray:
    """Flag examples whose given label is likely wrong, by confident learning.

    Parameters
    ----------
    labels : array_like of int, shape (N,)
        Given (possibly noisy) labels in ``[0, K)``.
    pred_probs : array_like of float, shape (N, K)
        Out-of-sample predicted probabilities (float32 or float64; ``numpy.memmap`` works
        and is read in row blocks).
    filter_by : str, default "prune_by_noise_rate"
        ``prune_by_noise_rate``: for every off-diagonal cell (given k, true j) of the
        prune-count matrix, the examples labelled k with the largest margin
        ``p[j] - p[k]``; ``prune_by_class``: per class, the examples with the lowest
        self-confidence; ``both``: the intersection; ``confident_learning``: the confident
        joint's off-diagonal examples; ``predicted_neq_given``: argmax != label;
        ``low_normalized_margin`` / ``low_self_confidence``: the
        :func:`~fastclean.core.count.num_label_issues` lowest-scoring examples.
    return_indices_ranked_by : {None, "self_confidence", "normalized_margin", "confidence_weighted_entropy"}
        None returns a boolean mask; otherwise the flagged indices, worst first.
    frac_noise : float in [0, 1], default 1.0
        Return only this fraction of the issues (pruning modes only).
    num_to_remove_per_class : int or array_like of int, shape (K,), optional
        Issues to flag per class (pruning modes only); one int applies to every class.
    min_examples_per_class : int, default 1
        Never prune a class down below this many examples.
    confident_joint : array_like, shape (K, K), optional
        Precomputed confident joint (ignored by ``confident_learning``).
    chunk_size : int, optional
        Rows per streaming block; extra memory is O(chunk_size * K + N).
    renormalize : bool, default False
        Divide rows of pred_probs by their sums instead of rejecting them.
    rank_by_kwargs : dict, optional
        ``{"adjust_pred_probs": True}`` ranks by scores computed after subtracting the
        per-class thresholds (see :func:`~fastclean.core.rank.get_label_quality_scores`).
    n_jobs : int, optional
        Accepted for compatibility; the result never depends on it (work is vectorised).
    verbose : bool, default False
        Print the number of issues found.
    multi_label : bool, default False
        ``labels`` is a list of class-index lists (several classes per example); see
        :func:`fastclean.core.multilabel.find_multilabel_issues`.

    Returns
    -------
    numpy.ndarray
        Boolean mask of shape (N,), or int64 indices sorted by ascending label quality.

    Raises
    ------
    ValueError, TypeError
        On malformed inputs or options (the message names the argument).

    Examples
    --------
    >>> import numpy as np
    >>> p = np.array([[0.9, 0.1], [0.8, 0.2], [0.7, 0.3], [0.1, 0.9], [0.2, 0.8], [0.95, 0.05]])
    >>> find_label_issues([0, 0, 0, 1, 1, 1], p, return_indices_ranked_by="self_confidence")
    array([5])
    """
    _check_options(filter_by, return_indices_ranked_by, frac_noise, num_to_remove_per_class,
                   min_examples_per_class)
    if n_jobs is not None and (isinstance(n_jobs, bool) or not isinstance(n_jobs, (int, np.integer))
                               or n_jobs < 1):
        raise ValueError(f"n_jobs must be None or a positive int, got {n_jobs!r}")
    if filter_by == "confident_learning" and isinstance(confident_joint, np.ndarray):
        warnings.warn("The supplied confident_joint is ignored when filter_by='confident_learning': "
                      "the confident joint is re-estimated from labels and pred_probs.", stacklevel=2)
    if multi_label:
        from .multilabel import find_multilabel_issues

        if renormalize:
            raise ValueError("renormalize is not supported with multi_label=True "
                             "(multi-label pred_probs rows need not sum to 1)")
        found = find_multilabel_issues(
            labels, pred_probs, filter_by=filter_by, return_indices_ranked_by=return_indices_ranked_by,
            rank_by_kwargs=rank_by_kwargs, frac_noise=frac_noise,
            num_to_remove_per_class=num_to_remove_per_class,
            min_examples_per_class=min_examples_per_class, confident_joint=confident_joint)
        if verbose:
            print(f"Number of label issues found: {len(found) if found.dtype != bool else int(found.sum())}")
        return found
    thresholds_for_rank = None
    if return_indices_ranked_by is not None and check_rank_by_kwargs(rank_by_kwargs,
                                                                    return_indices_ranked_by):
        thresholds_for_rank = True
    # The validation pass also finds every row's max, argmax and probability of its label,
    # while each block is in cache.
    labels, pred_probs, row_max, row_argmax, sc = validate_inputs(
        labels, pred_probs, renormalize=renormalize, chunk_size=chunk_size, row_top=True,
        label_probs=True)
    n, k = pred_probs.shape
    groups = ClassGroups.from_labels(labels, k)
    if sc is None:  # renormalized: the scan saw the rows before their division
        sc = self_confidence(labels, pred_probs)
    if thresholds_for_rank is not None:
        thresholds_for_rank = _thresholds_from_self_confidence(sc, groups)

    off_diagonal = None
    computed = False
    beside = None
    if confident_joint is None or filter_by in ("confident_learning",) + _LOW_SCORE:
        thresholds = _thresholds_from_self_confidence(sc, groups)
        counted = confident_counts(labels, pred_probs, thresholds, chunk_size,
                                   row_max=row_max, row_argmax=row_argmax)
        off_diagonal, row_max = counted.off_diagonal, counted.row_max
        row_argmax = counted.row_argmax
        if confident_joint is None or filter_by == "confident_learning":
            cj = counted.confident_joint
            np.fill_diagonal(cj, cj.diagonal().clip(min=1))
            confident_joint = _calibrate(cj, groups.counts)
            computed = True
    if not computed:  # only a given confident joint needs checking
        confident_joint = _check_square(confident_joint)
        if len(confident_joint) != k:
            raise ValueError(f"confident_joint must be {k} x {k} to match pred_probs, "
                             f"got {confident_joint.shape}")

    if filter_by in _LOW_SCORE:
        scores = label_quality_scores(labels, pred_probs, filter_by[4:], chunk_size=chunk_size)
        n_issues = _count_off_diagonal_issues(labels, pred_probs, off_diagonal)
        mask = smallest_n(scores, n_issues)
    elif filter_by == "confident_learning":
        mask = np.zeros(n, dtype=bool)
        mask[off_diagonal] = True
    elif filter_by == "predicted_neq_given":
        mask = (row_argmax if row_argmax is not None
                else _row_argmax(pred_probs, chunk_size)) != labels
    else:
        pcm = prune_counts(confident_joint, min_examples_per_class, frac_noise)
        if num_to_remove_per_class is not None:
            remove = np.asarray(num_to_remove_per_class)
            if remove.ndim == 0:
                remove = np.full(k, remove)
            if remove.shape != (k,):
                raise ValueError(f"num_to_remove_per_class must have one entry per class ({k}), "
                                 f"got shape {remove.shape}")
            pcm = _apply_num_to_remove(pcm, remove, groups.counts)
        # The reference skips classes at or below min_examples_per_class, and ignores
        # single-example classes entirely.
        eligible = (groups.counts > min_examples_per_class) & (groups.counts > 1)
        small = (groups.counts > 0) & (groups.counts <= min_examples_per_class)
        if small.any():
            warnings.warn(f"May not flag all label issues in classes {np.nonzero(small)[0].tolist()}: "
                          "too few examples (see min_examples_per_class)", stacklevel=2)
        if filter_by == "both":
            # By class on a core thread (with the check and scores of the rows it flags)
            # while this one filters by noise rate; with one thread, in turn.
            beside = start_beside(_by_class_checked, labels, pred_probs, sc, groups, pcm,
                                  eligible, return_indices_ranked_by, thresholds_for_rank,
                                  chunk_size, (row_max, row_argmax), total_elements=n * k)
        if filter_by in ("prune_by_class", "both") and beside is None:
            mask = _prune_by_class(sc, groups, pcm, eligible)
        if filter_by in ("prune_by_noise_rate", "both"):
            if row_max is None:
                row_max, row_argmax = _row_max_argmax(pred_probs, chunk_size)
            by_rate = _prune_by_noise_rate(labels, pred_probs, sc, row_max, row_argmax, groups,
                                           pcm, eligible, chunk_size)
            if beside is not None:
                mask, flagged, close, scores = beside.result()
            mask = by_rate if filter_by == "prune_by_noise_rate" else mask & by_rate

    if filter_by not in _LOW_SCORE:
        if beside is not None:
            # The rows flagged by class were checked and scored beside the noise-rate filter;
            # keep those it flags too (ascending, as the serial path orders them).
            in_rate = by_rate[flagged]
            flagged, close = flagged[in_rate], close[in_rate]
            scores = scores[in_rate] if scores is not None else None
        else:
            flagged = np.nonzero(mask)[0]
            close, scores = _check_and_score(labels, pred_probs, flagged,
                                             return_indices_ranked_by, thresholds_for_rank,
                                             chunk_size, (row_max, row_argmax), sc)
        mask[flagged[close]] = False
        if return_indices_ranked_by is not None:
            if not len(flagged):
                return np.zeros(0, dtype=np.int64)
            kept, scores = flagged[~close], scores[~close]
            if verbose:
                print(f"Number of label issues found: {len(kept)}")
            # Default (non-stable) argsort on the same score vector as the reference.
            return kept[np.argsort(scores)]

    if verbose:
        print(f"Number of label issues found: {int(np.count_nonzero(mask))}")
    if return_indices_ranked_by is not None:
        return rank_rows(labels, pred_probs, np.nonzero(mask)[0], return_indices_ranked_by,
                         chunk_size, thresholds=thresholds_for_rank)
    return mask
