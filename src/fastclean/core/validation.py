"""Input checks for the confident-learning core, done once at the public boundary.

Every check reads the probabilities in row blocks, so validating a large (or memory-mapped)
``pred_probs`` never allocates more than one block of temporaries per thread (blocks may be
scanned on a few threads, see ``_parallel``), and float32 input is never copied to float64.
"""

from __future__ import annotations

import contextlib
import contextvars

import numpy as np

from ._parallel import core_threads, map_in_order

#: Default absolute tolerance on ``|row sum - 1|`` for ``pred_probs``.
DEFAULT_ATOL = 1e-4

#: How far above 1 a validated row can sum (the tolerance plus float rounding, generously).
#: Streaming passes use it to bound unseen probabilities by ``1 - max``.
ROW_SUM_SLACK = 1e-3

#: Largest accepted probability (the reference's 1 + 1e-6).
MAX_PROBABILITY = 1 + 1e-6

# The ceiling in force (see probability_ceiling); rows must still sum to 1 within atol.
_CEILING = contextvars.ContextVar("fastclean_probability_ceiling", default=MAX_PROBABILITY)


@contextlib.contextmanager
def probability_ceiling(limit: float):
    """Accept single probabilities up to ``limit`` inside the ``with`` block.

    The reference checks ``max(pred_probs) <= 1 + 1e-6`` only in some functions (finding and
    ranking issues, counting them) and not in others (the confident joint, the joint, the
    thresholds); :mod:`fastclean.compat` lifts the check where the reference does not make it.
    Rows must still sum to 1 within ``atol``, so no value can exceed ``1 + atol``.
    """
    token = _CEILING.set(float(limit))
    try:
        yield
    finally:
        _CEILING.reset(token)

#: Target number of probabilities per row block in the streaming passes (about 4 MB of float32).
_BLOCK_ELEMENTS = 1 << 18


def block_rows(n_classes: int, chunk_size: int | None = None) -> int:
    """Return how many rows of ``pred_probs`` one streaming block holds.

    Parameters
    ----------
    n_classes : int
        Number of columns of ``pred_probs``.
    chunk_size : int or None
        Rows the caller allows in memory at once; ``None`` picks a cache-friendly default. The
        core's threads each hold one block, so a given ``chunk_size`` is shared among them.

    Returns
    -------
    int
        A positive number of rows.
    """
    if chunk_size is not None:
        if isinstance(chunk_size, bool) or not isinstance(chunk_size, (int, np.integer)):
            raise TypeError(f"chunk_size must be a positive int or None, got {chunk_size!r}")
        if chunk_size < 1:
            raise ValueError(f"chunk_size must be a positive int or None, got {chunk_size}")
        # Blocks run on up to core_threads() threads at once: keep the rows in flight (and so
        # the extra memory) within what the caller asked for.
        return max(1, int(chunk_size) // core_threads())
    k = max(1, n_classes)
    # Wide inputs get up to 16x larger blocks so that per-block overhead stays small.
    return max(1, _BLOCK_ELEMENTS // k, min(1024, (16 * _BLOCK_ELEMENTS) // k))


def validate_labels(labels, n_classes: int | None = None) -> np.ndarray:
    """Check given labels and return them as a 1-D int64 array.

    Parameters
    ----------
    labels : array_like of int, shape (N,)
        Class index of every example. Integral floats (``1.0``) are accepted.
    n_classes : int, optional
        If given, every label must lie in ``[0, n_classes)``.

    Returns
    -------
    numpy.ndarray of int64, shape (N,)
        The labels; no copy when they already are a contiguous int64 array.

    Raises
    ------
    TypeError
        If labels are not numeric (strings, objects, ...).
    ValueError
        If labels are empty, not 1-D, not integers, or out of range.
    """
    arr = np.asarray(labels)
    if arr.dtype == object or arr.dtype.kind in "USVMm":
        raise TypeError(f"labels must be integer class indices, got dtype {arr.dtype}")
    if arr.ndim != 1:
        raise ValueError(f"labels must be 1-D, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError("labels is empty: need at least one example")
    if arr.dtype.kind == "b":
        arr = arr.astype(np.int64)
    elif arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or not np.all(np.mod(arr, 1) == 0):
            raise ValueError("labels must be integers (class indices); found non-integer values")
        arr = arr.astype(np.int64)
    elif arr.dtype.kind == "c":
        raise TypeError(f"labels must be integer class indices, got dtype {arr.dtype}")
    lo, hi = int(arr.min()), int(arr.max())
    if lo < 0:
        raise ValueError(f"labels must be in [0, K); found negative label {lo}")
    if n_classes is not None and hi >= n_classes:
        raise ValueError(
            f"labels must be in [0, {n_classes}) for pred_probs with {n_classes} columns; "
            f"found label {hi}"
        )
    return np.ascontiguousarray(arr, dtype=np.int64)


def validate_pred_probs(
    pred_probs,
    *,
    renormalize: bool = False,
    atol: float = DEFAULT_ATOL,
    chunk_size: int | None = None,
    row_top: bool = False,
    given_labels: np.ndarray | None = None,
):
    """Check predicted class probabilities and return them as a float array.

    Parameters
    ----------
    pred_probs : array_like of float, shape (N, K)
        Out-of-sample predicted probabilities, one row per example. float32, float64 and
        ``numpy.memmap`` inputs are returned without a copy.
    renormalize : bool, default False
        Divide every row by its sum instead of rejecting rows that do not sum to 1
        (this makes one full copy).
    atol : float, default 1e-4
        Largest allowed ``|row sum - 1|`` when ``renormalize`` is False.
    chunk_size : int, optional
        Rows per block while scanning.
    row_top : bool, default False
        Also return every row's largest probability and its (first) column, found in the
        same pass while each block is in cache. Ignored (None, None) when renormalizing.
    given_labels : numpy.ndarray of int64, shape (N,), optional
        Validated labels (see :func:`validate_labels`): also return every row's probability
        of its label (``pred_probs[i, given_labels[i]]``), gathered in the same pass. None
        when renormalizing.

    Returns
    -------
    numpy.ndarray, shape (N, K)
        float32 or float64 probabilities (other numeric dtypes become float64).
    row_max, row_argmax : numpy.ndarray, shape (N,)
        Only when ``row_top``: in the dtype of pred_probs, and int16 (int64 beyond 32768
        columns).
    label_probs : numpy.ndarray, shape (N,)
        Only when ``given_labels`` is given: in the dtype of pred_probs.

    Raises
    ------
    TypeError
        If pred_probs is not numeric.
    ValueError
        If pred_probs is empty, not 2-D, has fewer than 2 columns, contains NaN, inf or
        negative values, values above 1 + 1e-6 (unless renormalizing), or has rows that do
        not sum to 1 within ``atol``.
    """
    arr = pred_probs if isinstance(pred_probs, np.ndarray) else np.asarray(pred_probs)
    if arr.dtype == object or arr.dtype.kind not in "biuf":
        raise TypeError(f"pred_probs must be a numeric array, got dtype {arr.dtype}")
    if arr.ndim != 2:
        raise ValueError(f"pred_probs must be 2-D (N examples x K classes), got shape {arr.shape}")
    n, k = arr.shape
    if n == 0:
        raise ValueError("pred_probs is empty: need at least one example")
    if k < 2:
        raise ValueError(f"pred_probs must have at least 2 columns (classes), got {k}")
    if arr.dtype not in (np.float32, np.float64):
        arr = arr.astype(np.float64)
    if not (isinstance(atol, (int, float)) and atol >= 0):
        raise ValueError(f"atol must be a non-negative number, got {atol!r}")
    step = block_rows(k, chunk_size)
    worst_row, worst_dev, zero_row = -1, -1.0, -1
    top = arg = label_probs = None
    if row_top and not renormalize:
        top = np.empty(n, dtype=arr.dtype)
        arg = np.empty(n, dtype=np.int16 if k <= 1 << 15 else np.int64)
    if given_labels is not None and not renormalize:
        label_probs = np.empty(n, dtype=arr.dtype)
    ceiling = _CEILING.get()  # read here: the blocks may be scanned on other threads

    def scan(start):
        # One block: the row max/argmax, then the checks. Returns an error message, or the
        # block's worst row-sum deviation and its first zero-sum row.
        block = np.asarray(arr[start:start + step])
        if arg is not None or label_probs is not None:
            flat = block.reshape(-1)
            base = np.arange(0, len(block) * k, k)
        if arg is not None:
            guess = block.argmax(axis=1)
            arg[start:start + step] = guess
            top[start:start + step] = flat[base + guess]
        if label_probs is not None:
            label_probs[start:start + step] = flat[base + given_labels[start:start + step]]
        # NaN and +-inf propagate into the row sum, so one reduction covers all three checks.
        # einsum's row sums are several times faster than ndarray.sum along rows (they only
        # decide the tolerance check, never a result).
        sums = np.einsum("ij->i", block)
        if block.min() < 0:
            row = start + int(np.nonzero((block < 0).any(axis=1))[0][0])
            return f"pred_probs must be non-negative; row {row} has a negative value"
        bad = ~np.isfinite(sums)
        if bad.any():
            row = start + int(np.nonzero(bad)[0][0])
            return f"pred_probs must be finite; row {row} contains NaN or inf"
        if not renormalize:
            # Like the reference, no probability may exceed 1 by more than 1e-6 (a row can
            # sum to 1 within atol and still hold a value of 1.00001).
            peak = top[start:start + step] if top is not None else block
            if peak.max() > ceiling:
                row = start + int(np.nonzero((block > ceiling).any(axis=1))[0][0])
                return (f"pred_probs values must be at most 1; row {row} has "
                        f"{float(block[row - start].max()):.8g}. Pass renormalize=True "
                        "to divide each row by its sum.")
        dev = np.abs(sums.astype(np.float64) - 1.0)
        i = int(dev.argmax())
        zeros = np.nonzero(sums == 0)[0]
        return start + i, float(dev[i]), float(sums[i]), start + int(zeros[0]) if len(zeros) else -1

    # Blocks may be scanned on several threads; their reports are read in row order, so the
    # error raised (the first bad row's) and the worst row are those of a serial scan.
    for report in map_in_order(scan, range(0, n, step), n * k):
        if isinstance(report, str):
            raise ValueError(report)
        row, dev, total, first_zero = report
        if dev > worst_dev:
            worst_row, worst_dev, worst_sum = row, dev, total
        if zero_row < 0 and first_zero >= 0:
            zero_row = first_zero
    if renormalize:
        if zero_row >= 0:
            raise ValueError(f"pred_probs row {zero_row} sums to 0 and cannot be renormalized")
        arr = arr / arr.sum(axis=1, keepdims=True)
    elif worst_dev > atol:
        raise ValueError(
            f"pred_probs rows must sum to 1 within atol={atol:g}; row {worst_row} sums to "
            f"{worst_sum:.6g}. Pass renormalize=True to divide each row by its sum."
        )
    if not row_top and given_labels is None:
        return arr
    return (arr, *((top, arg) if row_top else ()),
            *((label_probs,) if given_labels is not None else ()))


def validate_inputs(
    labels,
    pred_probs,
    *,
    renormalize: bool = False,
    atol: float = DEFAULT_ATOL,
    chunk_size: int | None = None,
    row_top: bool = False,
    label_probs: bool = False,
) -> tuple:
    """Check labels and pred_probs together.

    Parameters
    ----------
    labels : array_like of int, shape (N,)
        Given (possibly noisy) class index of every example.
    pred_probs : array_like of float, shape (N, K)
        Out-of-sample predicted probabilities.
    renormalize : bool, default False
        Divide rows of pred_probs by their sums instead of rejecting them.
    atol : float, default 1e-4
        Tolerance on row sums (see :func:`validate_pred_probs`).
    chunk_size : int, optional
        Rows per block while scanning pred_probs.
    row_top : bool, default False
        Also return each row's largest probability and its column
        (see :func:`validate_pred_probs`).
    label_probs : bool, default False
        Also return each row's probability of its given label (its self-confidence),
        gathered in the same pass; None when renormalizing.

    Returns
    -------
    labels : numpy.ndarray of int64, shape (N,)
    pred_probs : numpy.ndarray of float32 or float64, shape (N, K)
    row_max, row_argmax : numpy.ndarray, shape (N,)
        Only when ``row_top``.
    self_confidence : numpy.ndarray, shape (N,)
        Only when ``label_probs``.

    Raises
    ------
    TypeError, ValueError
        On any malformed input; the message names the argument.

    Examples
    --------
    >>> import numpy as np
    >>> y, p = validate_inputs([0, 1], np.array([[0.9, 0.1], [0.2, 0.8]]))
    >>> y.dtype, p.shape
    (dtype('int64'), (2, 2))
    """
    probs = pred_probs if isinstance(pred_probs, np.ndarray) else np.asarray(pred_probs)
    if probs.ndim != 2:
        raise ValueError(f"pred_probs must be 2-D (N examples x K classes), got shape {probs.shape}")
    lab = np.asarray(labels)
    if lab.ndim == 1 and len(lab) != probs.shape[0]:
        raise ValueError(
            f"labels and pred_probs must have the same length, got {len(lab)} labels and "
            f"{probs.shape[0]} rows of pred_probs"
        )
    if not label_probs:
        checked = validate_pred_probs(probs, renormalize=renormalize, atol=atol,
                                      chunk_size=chunk_size, row_top=row_top)
        probs = checked[0] if row_top else checked
        lab = validate_labels(lab, n_classes=probs.shape[1])
        return (lab, *checked) if row_top else (lab, probs)
    # Labels first, so that the scan can gather each row's label probability; an error in
    # them is raised after the scan, which reports any error in pred_probs first (as above).
    checked_labels = label_error = None
    try:
        checked_labels = validate_labels(lab, n_classes=probs.shape[1])
    except (TypeError, ValueError) as err:
        label_error = err
    checked = validate_pred_probs(probs, renormalize=renormalize, atol=atol,
                                  chunk_size=chunk_size, row_top=row_top,
                                  given_labels=checked_labels)
    if label_error is not None:
        raise label_error
    return (checked_labels, *checked)
