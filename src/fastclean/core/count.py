"""Confident counting: per-class thresholds, the confident joint and the latent estimates.

The confident joint ``C[i, j]`` counts examples given label ``i`` whose predicted probability
for class ``j`` reaches class ``j``'s threshold (the mean self-confidence of class ``j``);
when several classes qualify, the most probable one wins. Calibrated and normalised, it
estimates the joint ``P(given label, true label)``, from which the prior, the noise matrix
``P(given | true)`` and the inverse noise matrix ``P(true | given)`` follow.

Everything here streams over ``pred_probs`` in row blocks: the confident joint of a 1M x 100
array needs a few MB of temporaries, and memory-mapped input is read sequentially.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from ._latent import PY_METHODS, compute_py, converge_estimates
from ._numerics import (
    CONFIDENT_THRESHOLDS_LOWER_BOUND,
    FLOATING_POINT_COMPARISON,
    TINY_VALUE,
    clip_noise_rates,
    clip_values,
    pairwise_sums,
    pairwise_sums_match_numpy,
    round_nonzeros_preserving_row_totals,
    round_preserving_row_totals,
)
from ._parallel import map_in_order
from .validation import ROW_SUM_SLACK, block_rows, validate_inputs, validate_labels

ESTIMATION_METHODS = ("off_diagonal", "off_diagonal_calibrated", "off_diagonal_custom")

# Classes with no examples get a threshold no probability can reach.
_MISSING_CLASS_THRESHOLD = 2
# From this many classes on, integer confident joints are calibrated on their non-zeros
# (below, the dense K x K passes cost less than the sparse bookkeeping).
_SPARSE_CALIBRATION = 256


@dataclass(frozen=True)
class ClassGroups:
    """Examples grouped by given label: ``order[starts[k]:starts[k + 1]]`` are class k's rows.

    Rows inside a class keep their original (ascending) order, so a class's slice of any
    per-row array equals ``array[labels == k]``.
    """

    order: np.ndarray
    counts: np.ndarray
    starts: np.ndarray

    @classmethod
    def from_labels(cls, labels: np.ndarray, n_classes: int) -> "ClassGroups":
        """Group the rows of ``labels`` (validated int64) by class."""
        counts = np.bincount(labels, minlength=n_classes)
        # Narrow keys let numpy's stable sort use radix sort.
        key = labels.astype(np.uint16) if n_classes <= 1 << 16 else labels
        order = np.argsort(key, kind="stable")
        if len(labels) < 1 << 31:
            order = order.astype(np.int32)
        starts = np.zeros(n_classes + 1, dtype=np.int64)
        np.cumsum(counts, out=starts[1:])
        return cls(order=order, counts=counts, starts=starts)

    def rows(self, k: int) -> np.ndarray:
        """Row indices (ascending) of the examples labelled ``k``."""
        return self.order[self.starts[k]:self.starts[k + 1]]


def self_confidence(labels: np.ndarray, pred_probs: np.ndarray) -> np.ndarray:
    """Predicted probability of the given label for every example, ``pred_probs[i, labels[i]]``."""
    n, k = pred_probs.shape
    if pred_probs.flags.c_contiguous:
        # One flat gather is much faster than 2-D fancy indexing.
        return np.take(pred_probs.reshape(-1), np.arange(n) * k + labels)
    return pred_probs[np.arange(n), labels]


def _thresholds_from_self_confidence(sc: np.ndarray, groups: ClassGroups) -> np.ndarray:
    sc_by_class = sc[groups.order]
    counts = groups.counts
    # The reference takes np.mean of each class's values on its own. Classes of equal size
    # are averaged together as the rows of one 2-D array: a reduction along the contiguous
    # last axis runs the same pairwise sum on every row as on a 1-D array of that length.
    # Means stay in the input dtype (float32 input gives float32 means, like the reference).
    by_size = np.argsort(counts, kind="stable")
    bounds = np.flatnonzero(np.diff(counts[by_size])) + 1
    means_typed = []
    for members in np.split(by_size, bounds):
        size = int(counts[members[0]])
        if size == 0:
            continue
        block = sc_by_class[groups.starts[members][:, None] + np.arange(size)]
        means_typed.append((members, np.mean(block, axis=1)))
    values = [_MISSING_CLASS_THRESHOLD] * len(counts)
    for members, m in means_typed:
        for cls, value in zip(members.tolist(), m):
            values[cls] = value
    # np.clip on the list reproduces the reference dtype (float64 once a class is missing).
    return np.clip(values, a_min=CONFIDENT_THRESHOLDS_LOWER_BOUND, a_max=None)


def get_confident_thresholds(labels, pred_probs) -> np.ndarray:
    """Per-class confident thresholds: the mean self-confidence of each class.

    The threshold of class ``k`` is the average predicted probability of class ``k`` over the
    examples labelled ``k`` (floored at 2e-6); a class with no examples gets 2, which no
    probability reaches.

    Parameters
    ----------
    labels : array_like of int, shape (N,)
    pred_probs : array_like of float, shape (N, K)

    Returns
    -------
    numpy.ndarray, shape (K,)

    Examples
    --------
    >>> import numpy as np
    >>> get_confident_thresholds([0, 0, 1], np.array([[0.8, 0.2], [0.6, 0.4], [0.3, 0.7]]))
    array([0.7, 0.7])
    """
    labels, pred_probs = validate_inputs(labels, pred_probs)
    groups = ClassGroups.from_labels(labels, pred_probs.shape[1])
    return _thresholds_from_self_confidence(self_confidence(labels, pred_probs), groups)


@dataclass
class ConfidentCounts:
    """Result of one streaming pass over pred_probs.

    ``confident_joint`` is the raw count matrix (diagonal not yet floored at 1),
    ``off_diagonal`` the ascending indices of examples counted off the diagonal, and
    ``row_max`` / ``row_argmax`` the largest probability of every row and its (first) column.
    """

    confident_joint: np.ndarray
    off_diagonal: np.ndarray
    row_max: np.ndarray
    row_argmax: np.ndarray


def confident_counts(labels: np.ndarray, pred_probs: np.ndarray, thresholds: np.ndarray,
                     chunk_size: int | None = None, row_max: np.ndarray | None = None,
                     row_argmax: np.ndarray | None = None) -> ConfidentCounts:
    """Count confident (given, true) pairs in one pass over validated inputs.

    An example counts towards true class ``j`` when ``p[j]`` reaches class ``j``'s threshold
    (minus 1e-6) and no other class does, or, when several do, ``j`` is its argmax. If the
    argmax itself is confident the answer is the argmax either way, so the per-class
    comparison is only needed for the (few) rows whose argmax falls below its threshold.
    ``row_max`` and ``row_argmax`` (from :func:`validate_inputs` with ``row_top=True``) save
    reading every row again.
    """
    n, k = pred_probs.shape
    cutoffs = np.asarray(thresholds) - 1e-6
    lowest_cutoff = float(cutoffs.min())
    pairs, off_diag = [], []
    known = row_max is not None and row_argmax is not None
    if not known:
        row_max = np.empty(n, dtype=pred_probs.dtype)
        row_argmax = np.empty(n, dtype=np.int16 if k <= 1 << 15 else np.int64)
    step = block_rows(k, chunk_size)

    def count_block(start):
        lab = labels[start:start + step]
        if known:
            block = None
            guess = row_argmax[start:start + step].astype(np.int64)
            top = row_max[start:start + step]
        else:
            block = np.asarray(pred_probs[start:start + step])
            guess = block.argmax(axis=1)
            row_argmax[start:start + step] = guess
            top = block.reshape(-1)[np.arange(len(block)) * k + guess]
            row_max[start:start + step] = top
        counted = top >= cutoffs[guess]
        # Rows whose argmax misses its threshold may still have another confident column,
        # but every other probability is at most min(top, 1 - top) (rows sum to 1 within the
        # validated tolerance), so most such rows cannot and are never read.
        top64 = top.astype(np.float64)
        other_bound = np.minimum(top64, (1.0 + ROW_SUM_SLACK) - top64)
        unsure = np.nonzero(~counted & (other_bound >= lowest_cutoff))[0]
        if len(unsure):
            unsure_rows = (np.take(block, unsure, axis=0) if block is not None
                           else np.take(pred_probs, unsure + start, axis=0))
            flat = np.flatnonzero(unsure_rows >= cutoffs)
            r, c = np.divmod(flat, k)
            n_confident = np.bincount(r, minlength=len(unsure))
            first = np.searchsorted(r, np.arange(len(unsure)))
            single = np.nonzero(n_confident == 1)[0]
            guess[unsure[single]] = c[first[single]]
            counted[unsure[n_confident > 0]] = True
        rows = np.nonzero(counted)[0]
        g, y = guess[rows], lab[rows]
        return g * k + y, rows[g != y] + start

    # Blocks are independent (they write disjoint slices of row_max / row_argmax when those
    # are computed here), so they may run on several threads; results are read in order.
    for pair, off in map_in_order(count_block, range(0, n, step), n * k):
        pairs.append(pair)
        off_diag.append(off)
    counts = np.bincount(np.concatenate(pairs), minlength=k * k)
    # Given labels index the rows of the confident joint, but the memory layout is the
    # transpose (as in the reference, which transposes a confusion matrix): later float sums
    # over the calibrated matrix run in memory order, so the layout changes the last bits.
    cj = counts.reshape(k, k).T
    return ConfidentCounts(confident_joint=cj, off_diagonal=np.concatenate(off_diag),
                           row_max=row_max, row_argmax=row_argmax)


def predicted_matches_given(labels: np.ndarray, rows: np.ndarray, *, copy: bool = True) -> np.ndarray:
    """Whether the given label is (within 1e-6) the top prediction, for gathered rows.

    Parameters
    ----------
    labels : numpy.ndarray of int, shape (M,)
        Given labels of the gathered rows.
    rows : numpy.ndarray, shape (M, K)
        The corresponding rows of pred_probs.
    copy : bool, default True
        False lets the function modify ``rows`` in place (for a scratch copy).

    Returns
    -------
    numpy.ndarray of bool, shape (M,)
    """
    bumped = np.array(rows, copy=copy)
    bumped[np.arange(len(labels)), labels] += FLOATING_POINT_COMPARISON
    return bumped.argmax(axis=1) == labels


def _compute_confident_joint(labels, pred_probs, groups, *, thresholds=None, calibrate=True,
                             chunk_size=None):
    if thresholds is None:
        thresholds = _thresholds_from_self_confidence(self_confidence(labels, pred_probs), groups)
    result = confident_counts(labels, pred_probs, thresholds, chunk_size)
    cj = result.confident_joint
    np.fill_diagonal(cj, cj.diagonal().clip(min=1))
    if calibrate:
        cj = _calibrate(cj, groups.counts)
    return cj, result.off_diagonal


def compute_confident_joint(labels, pred_probs, *, thresholds=None, calibrate: bool = True,
                            return_indices_of_off_diagonals: bool = False,
                            chunk_size: int | None = None):
    """Count examples confidently belonging to each (given label, true label) pair.

    Parameters
    ----------
    labels : array_like of int, shape (N,)
        Given (possibly noisy) labels.
    pred_probs : array_like of float, shape (N, K)
        Out-of-sample predicted probabilities.
    thresholds : array_like, shape (K,), optional
        Per-class thresholds; default :func:`get_confident_thresholds`.
    calibrate : bool, default True
        Rescale so that row sums equal the class counts and the total equals N.
    return_indices_of_off_diagonals : bool, default False
        Also return the indices of the examples counted off the diagonal.
    chunk_size : int, optional
        Rows per streaming block.

    Returns
    -------
    confident_joint : numpy.ndarray of int, shape (K, K)
        Rows are given labels, columns are (confidently guessed) true labels.
    indices : numpy.ndarray of int
        Only when ``return_indices_of_off_diagonals``.

    Examples
    --------
    >>> import numpy as np
    >>> p = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.9, 0.1]])
    >>> compute_confident_joint([0, 0, 1, 1], p, calibrate=False)
    array([[1, 0],
           [1, 1]])
    """
    labels, pred_probs = validate_inputs(labels, pred_probs, chunk_size=chunk_size)
    k = pred_probs.shape[1]
    if thresholds is not None:
        thresholds = np.asarray(thresholds)
        if thresholds.size != k:
            raise ValueError(f"thresholds must have one value per class ({k}), got {thresholds.size}")
        thresholds = thresholds.reshape(k)
    groups = ClassGroups.from_labels(labels, k)
    cj, off = _compute_confident_joint(labels, pred_probs, groups, thresholds=thresholds,
                                       calibrate=calibrate, chunk_size=chunk_size)
    return (cj, off) if return_indices_of_off_diagonals else cj


def _calibrate(confident_joint: np.ndarray, label_counts: np.ndarray) -> np.ndarray:
    if (confident_joint.dtype.kind in "iu" and len(confident_joint) >= _SPARSE_CALIBRATION
            and (confident_joint.flags.c_contiguous or confident_joint.flags.f_contiguous)
            and pairwise_sums_match_numpy()):
        return _calibrate_nonzeros(confident_joint, label_counts)
    # The reference's expression, evaluated in place on one C-ordered buffer: the same
    # element-wise operations, and ``calibrated`` keeps the reference's memory layout (a
    # transposed view), which the order of the float sums below depends on.
    rows = np.divide(confident_joint.T,
                     np.clip(confident_joint.sum(axis=1), a_min=TINY_VALUE, a_max=None))
    np.multiply(rows, label_counts, out=rows)
    calibrated = rows.T
    total = np.clip(np.sum(calibrated), a_min=TINY_VALUE, a_max=None)
    np.divide(rows, total, out=rows)
    np.multiply(rows, sum(label_counts), out=rows)
    return round_preserving_row_totals(calibrated)


def _calibrate_nonzeros(confident_joint: np.ndarray, label_counts: np.ndarray) -> np.ndarray:
    """:func:`_calibrate` of an integer count matrix, on its non-zero entries only.

    Zeros stay exact zeros through every step, so the same element-wise operations on the
    non-zeros give the same values; the two order-dependent float sums (the total, in the
    reference's memory order, and every row's total) are numpy's pairwise sums rebuilt from
    the non-zeros (:func:`pairwise_sums`). With many classes the confident joint holds a
    few non-zeros per row, and this skips a dozen passes over K x K dense temporaries.
    """
    k = len(confident_joint)
    # The reference divides the transpose [true, given]; numpy lays the result out like that
    # operand, so the total below adds the entries in the input's memory order: true-major
    # for the computed joint (an F-ordered [given, true]), given-major for a C-ordered one.
    if confident_joint.flags.f_contiguous:
        flat = np.flatnonzero(confident_joint.T)
        true, given = np.divmod(flat, k)
        counts = confident_joint.T.reshape(-1)[flat]
    else:
        flat = np.flatnonzero(confident_joint)
        given, true = np.divmod(flat, k)
        counts = confident_joint.reshape(-1)[flat]
    # Integer row sums are exact in any order (bincount's float64 is exact below 2**53).
    row_sums = np.bincount(given, weights=counts, minlength=k)
    values = counts / np.clip(row_sums, a_min=TINY_VALUE, a_max=None)[given]
    values = values * np.asarray(label_counts)[given]
    total = pairwise_sums(np.zeros(len(flat), dtype=np.int64), flat, values, 1, k * k)[0]
    total = np.clip(total, a_min=TINY_VALUE, a_max=None)
    values = values / total
    values = values * sum(label_counts)
    # Now by given label (rows of the calibrated joint), columns ascending.
    order = np.argsort(given * k + true, kind="stable")
    given, true, values = given[order], true[order], values[order]
    totals = pairwise_sums(given, true, values, k, k)
    return round_nonzeros_preserving_row_totals(k, k, given * k + true, values, totals)


def _check_square(confident_joint, name="confident_joint") -> np.ndarray:
    cj = np.asarray(confident_joint)
    if cj.ndim != 2 or cj.shape[0] != cj.shape[1] or cj.shape[0] < 2:
        raise ValueError(f"{name} must be a square K x K matrix with K >= 2, got shape {cj.shape}")
    if cj.dtype.kind not in "biuf" or not np.all(np.isfinite(cj)) or (cj < 0).any():
        raise ValueError(f"{name} must hold finite non-negative counts")
    return cj


def calibrate_confident_joint(confident_joint, labels) -> np.ndarray:
    """Calibrate a confident joint so rows sum to the class counts and the total is N.

    Parameters
    ----------
    confident_joint : array_like, shape (K, K)
    labels : array_like of int, shape (N,)

    Returns
    -------
    numpy.ndarray of int, shape (K, K)
        Row ``i`` sums to the number of examples labelled ``i``.
    """
    cj = _check_square(confident_joint)
    labels = validate_labels(labels, n_classes=len(cj))
    return _calibrate(cj, np.bincount(labels, minlength=len(cj)))


def estimate_joint(labels, pred_probs, *, confident_joint=None) -> np.ndarray:
    """Estimate the joint distribution ``P(given label, true label)`` (sums to 1).

    Parameters
    ----------
    labels : array_like of int, shape (N,)
    pred_probs : array_like of float, shape (N, K)
    confident_joint : array_like, shape (K, K), optional
        Computed from labels and pred_probs when not given; calibrated either way.

    Returns
    -------
    numpy.ndarray of float, shape (K, K)
    """
    if confident_joint is None:
        calibrated = compute_confident_joint(labels, pred_probs, calibrate=True)
    else:
        calibrated = calibrate_confident_joint(confident_joint, labels)
    return calibrated / np.clip(float(np.sum(calibrated)), a_min=TINY_VALUE, a_max=None)


def estimate_latent(confident_joint, labels, *, py_method: str = "cnt",
                    converge_latent_estimates: bool = False):
    """Estimate the latent prior, noise matrix and inverse noise matrix from a confident joint.

    Parameters
    ----------
    confident_joint : array_like, shape (K, K)
    labels : array_like of int, shape (N,)
    py_method : {"cnt", "eqn", "marginal", "marginal_ps"}, default "cnt"
    converge_latent_estimates : bool, default False
        Iterate the closed-form relations so the three estimates agree.

    Returns
    -------
    py : numpy.ndarray, shape (K,)
        ``P(true_label = k)``.
    noise_matrix : numpy.ndarray, shape (K, K)
        ``P(given_label = i | true_label = j)``; columns sum to 1.
    inverse_noise_matrix : numpy.ndarray, shape (K, K)
        ``P(true_label = i | given_label = j)``; columns sum to 1.
    """
    cj = _check_square(confident_joint)
    if py_method not in PY_METHODS:
        raise ValueError(f"py_method should be one of {PY_METHODS}, got {py_method!r}")
    labels = validate_labels(labels, n_classes=len(cj))
    label_counts = np.bincount(labels, minlength=len(cj))
    ps = label_counts / float(len(labels))
    labels_class_counts = cj.sum(axis=1).astype(float)
    true_labels_class_counts = cj.sum(axis=0).astype(float)
    noise_matrix = cj / np.clip(true_labels_class_counts, a_min=TINY_VALUE, a_max=None)
    inv_noise_matrix = cj.T / np.clip(labels_class_counts, a_min=TINY_VALUE, a_max=None)
    py = compute_py(ps, noise_matrix, inv_noise_matrix, py_method=py_method,
                    true_labels_class_counts=true_labels_class_counts)
    noise_matrix = clip_noise_rates(noise_matrix)
    inv_noise_matrix = clip_noise_rates(inv_noise_matrix)
    if converge_latent_estimates:
        py, noise_matrix, inv_noise_matrix = converge_estimates(ps, py, noise_matrix,
                                                                inv_noise_matrix)
        py = clip_values(py, low=1e-5, high=1.0, new_sum=1.0)
        noise_matrix = clip_noise_rates(noise_matrix)
        inv_noise_matrix = clip_noise_rates(inv_noise_matrix)
    return py, noise_matrix, inv_noise_matrix


def estimate_py_and_noise_matrices_from_probabilities(
        labels, pred_probs, *, thresholds=None, converge_latent_estimates: bool = True,
        py_method: str = "cnt", calibrate: bool = True):
    """Prior, noise matrix, inverse noise matrix and confident joint from pred_probs.

    Returns
    -------
    tuple of numpy.ndarray
        ``(py, noise_matrix, inverse_noise_matrix, confident_joint)``.
    """
    cj = compute_confident_joint(labels, pred_probs, thresholds=thresholds, calibrate=calibrate)
    py, nm, inv = estimate_latent(cj, labels, py_method=py_method,
                                  converge_latent_estimates=converge_latent_estimates)
    return py, nm, inv, cj


def estimate_noise_matrices_from_pred_probs(labels, pred_probs, *, thresholds=None,
                                            converge_latent_estimates: bool = True):
    """Estimate the noise matrix and inverse noise matrix from out-of-sample pred_probs.

    (cleanlab's ``estimate_noise_matrices`` takes features and a classifier and
    cross-validates; that one is :func:`fastclean.compat.count.estimate_noise_matrices`.)

    Parameters
    ----------
    labels : array_like of int, shape (N,)
    pred_probs : array_like of float, shape (N, K)
    thresholds : array_like, shape (K,), optional
    converge_latent_estimates : bool, default True

    Returns
    -------
    noise_matrix : numpy.ndarray, shape (K, K)
        ``P(given_label | true_label)``.
    inverse_noise_matrix : numpy.ndarray, shape (K, K)
        ``P(true_label | given_label)``.
    """
    _, nm, inv, _ = estimate_py_and_noise_matrices_from_probabilities(
        labels, pred_probs, thresholds=thresholds,
        converge_latent_estimates=converge_latent_estimates)
    return nm, inv


def _count_off_diagonal_issues(labels, pred_probs, off_diagonal: np.ndarray) -> int:
    """Off-diagonal examples whose top prediction is not (within 1e-6) their given label."""
    step = block_rows(pred_probs.shape[1])
    matches = 0
    for start in range(0, len(off_diagonal), step):
        idx = off_diagonal[start:start + step]
        matches += int(np.count_nonzero(
            predicted_matches_given(labels[idx], np.take(pred_probs, idx, axis=0), copy=False)))
    return len(off_diagonal) - matches


def num_label_issues(labels, pred_probs, *, confident_joint=None,
                     estimation_method: str = "off_diagonal",
                     chunk_size: int | None = None, multi_label: bool = False) -> int:
    """Estimate how many examples are mislabelled.

    Parameters
    ----------
    labels : array_like of int, shape (N,)
    pred_probs : array_like of float, shape (N, K)
    confident_joint : array_like, shape (K, K), optional
        Used only with ``estimation_method="off_diagonal_custom"`` (required there).
    estimation_method : {"off_diagonal", "off_diagonal_calibrated", "off_diagonal_custom"}
        ``off_diagonal`` counts the (uncalibrated) confident joint's off-diagonal examples
        whose top prediction is not their given label; the other two use
        ``N * (1 - trace(joint))``.
    chunk_size : int, optional
    multi_label : bool, default False
        ``labels`` are lists of class indices: the number of examples that the
        ``confident_learning`` filter flags in some class (a given ``(K, 2, 2)``
        confident_joint is used there).

    Returns
    -------
    int
    """
    if isinstance(confident_joint, np.ndarray) and estimation_method != "off_diagonal_custom":
        warnings.warn("The supplied confident_joint is ignored: it is recomputed from labels and "
                      "pred_probs. Use estimation_method='off_diagonal_custom' to use it.",
                      stacklevel=2)
    if multi_label:
        from .multilabel import find_multilabel_issues

        return int(np.sum(find_multilabel_issues(labels, pred_probs, filter_by="confident_learning",
                                                 confident_joint=confident_joint)))
    if estimation_method not in ESTIMATION_METHODS:
        raise ValueError(
            f"{estimation_method!r} is not a valid estimation method: estimation_method must be "
            f"one of {ESTIMATION_METHODS}")
    labels, pred_probs = validate_inputs(labels, pred_probs, chunk_size=chunk_size)
    k = pred_probs.shape[1]
    groups = ClassGroups.from_labels(labels, k)
    if estimation_method == "off_diagonal":
        _, off = _compute_confident_joint(labels, pred_probs, groups, calibrate=False,
                                          chunk_size=chunk_size)
        return _count_off_diagonal_issues(labels, pred_probs, off)
    if estimation_method == "off_diagonal_calibrated":
        cj, _ = _compute_confident_joint(labels, pred_probs, groups, calibrate=True,
                                         chunk_size=chunk_size)
    else:
        if confident_joint is None:
            raise ValueError("estimation_method='off_diagonal_custom': you need to provide "
                             "pre-calculated confident_joint")
        cj = _check_square(confident_joint)
        if len(cj) != k:
            raise ValueError(f"confident_joint must be {k} x {k} to match pred_probs, got {cj.shape}")
    joint = _calibrate(cj, groups.counts)
    joint = joint / np.clip(float(np.sum(joint)), a_min=TINY_VALUE, a_max=None)
    return int(np.rint((1.0 - joint.trace()) * len(labels)).astype(int))
