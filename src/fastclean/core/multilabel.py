"""Multi-label confident learning: every class as a one-vs-rest binary problem, all at once.

In multi-label data an example carries a *set* of classes. The reference (cleanlab 2.9's
``multi_label=True`` paths and ``cleanlab.multilabel_classification``) reduces it to K
binary problems: for class ``c`` the given label is ``c in labels[i]`` and the predicted
probabilities are ``[1 - p[i, c], p[i, c]]``; each binary problem is solved like a two-class
single-label one and the answers are combined. Same answers here, ties included, but the K
problems are solved together on ``(K, N)`` arrays instead of K separate full calls: the
confident joint, the margins and the scores are a handful of array operations over all
classes, and only the exact "n smallest" selections and the per-class means (whose float
sums the reference takes class by class) run per class, on one row of a contiguous array.

Labels are given as a list of class-index lists (``[[0, 3], [], [2], ...]``); functions
here also accept an ``(N, K)`` 0/1 indicator matrix.
"""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass

import numpy as np

from ._numerics import CLIPPING_LOWER_BOUND, CONFIDENT_THRESHOLDS_LOWER_BOUND, FLOATING_POINT_COMPARISON
from ._select import smallest_n, top_n_per_cell
from .count import _calibrate
from .filter import FILTER_BY, _LOW_SCORE, _PRUNING, _apply_num_to_remove, prune_counts
from .rank import RANK_METHODS

#: Default aggregation of the K per-class scores into one score per example.
DEFAULT_AGGREGATOR = {"method": "exponential_moving_average", "alpha": 0.8}
AGGREGATORS = ("exponential_moving_average", "softmin")
_MISSING_CLASS_THRESHOLD = 2


# --------------------------------------------------------------------------- inputs

def multilabel_onehot(labels, n_classes: int | None = None) -> np.ndarray:
    """Turn multi-label ``labels`` into an ``(N, K)`` boolean indicator matrix.

    Parameters
    ----------
    labels : sequence of sequences of int, or array_like of 0/1, shape (N, K)
        Class indices of every example (an example may have none), or an indicator matrix.
    n_classes : int, optional
        Number of classes K (default: the largest class index + 1).

    Returns
    -------
    numpy.ndarray of bool, shape (N, K)

    Raises
    ------
    TypeError
        If ``labels`` is not a sequence of sequences of integers.
    ValueError
        If it is empty, or a class index is negative or not below ``n_classes``.

    Examples
    --------
    >>> multilabel_onehot([[0, 2], [], [1]]).astype(int)
    array([[1, 0, 1],
           [0, 0, 0],
           [0, 1, 0]])
    """
    if isinstance(labels, np.ndarray) and labels.ndim == 2 and labels.dtype != object:
        if labels.dtype.kind not in "biuf" or not np.isin(labels, (0, 1)).all():
            raise ValueError("labels as a matrix must hold only 0 and 1 (one column per class)")
        if n_classes is not None and labels.shape[1] != n_classes:
            raise ValueError(f"labels must have {n_classes} columns, got {labels.shape[1]}")
        if labels.shape[0] == 0:
            raise ValueError("labels is empty: need at least one example")
        return labels.astype(bool)
    if isinstance(labels, (str, bytes)) or not hasattr(labels, "__len__"):
        raise TypeError("labels must be a list of lists of class indices when multi_label=True")
    n = len(labels)
    if n == 0:
        raise ValueError("labels is empty: need at least one example")
    try:
        lengths = np.fromiter((len(row) for row in labels), dtype=np.int64, count=n)
    except TypeError:
        raise TypeError("labels must be a list of lists of class indices when multi_label=True "
                        "(every element a list)") from None
    try:
        flat = np.fromiter(itertools.chain.from_iterable(labels), dtype=np.float64,
                           count=int(lengths.sum()))
    except (TypeError, ValueError):
        raise TypeError("labels must hold integer class indices") from None
    if flat.size and (not np.all(np.isfinite(flat)) or not np.all(np.mod(flat, 1) == 0)):
        raise ValueError("labels must hold integer class indices")
    idx = flat.astype(np.int64)
    if idx.size and idx.min() < 0:
        raise ValueError(f"labels must be class indices >= 0; found {int(idx.min())}")
    highest = int(idx.max()) + 1 if idx.size else 0
    k = highest if n_classes is None else n_classes
    if highest > k:
        raise ValueError(f"pred_probs must have at least {highest} columns, based on the largest "
                         "class index which appears in labels")
    onehot = np.zeros((n, k), dtype=bool)
    onehot[np.repeat(np.arange(n), lengths), idx] = True
    return onehot


def validate_multilabel_inputs(labels, pred_probs, *, allow_empty_labels: bool = False):
    """Check multi-label labels and pred_probs together.

    Parameters
    ----------
    labels : sequence of sequences of int, or array_like of 0/1, shape (N, K)
    pred_probs : array_like of float, shape (N, K)
        Per-class probabilities in [0, 1]; rows need not sum to 1.
    allow_empty_labels : bool, default False
        Accept labels in which no example has any class.

    Returns
    -------
    onehot : numpy.ndarray of bool, shape (N, K)
    pred_probs : numpy.ndarray of float32 or float64, shape (N, K)

    Raises
    ------
    TypeError, ValueError
        On malformed input; the message names the argument.
    """
    probs = pred_probs if isinstance(pred_probs, np.ndarray) else np.asarray(pred_probs)
    if probs.dtype == object or probs.dtype.kind not in "biuf":
        raise TypeError(f"pred_probs must be a numeric array, got dtype {probs.dtype}")
    if probs.ndim != 2:
        raise ValueError(f"pred_probs must be 2-D (N examples x K classes), got shape {probs.shape}")
    if probs.dtype not in (np.float32, np.float64):
        probs = probs.astype(np.float64)
    if isinstance(labels, (str, bytes)) or not hasattr(labels, "__len__"):
        raise TypeError("labels must be a list of lists of class indices when multi_label=True")
    if len(labels) != probs.shape[0]:
        raise ValueError(f"labels and pred_probs must have the same length, got {len(labels)} "
                         f"labels and {probs.shape[0]} rows of pred_probs")
    onehot = multilabel_onehot(labels, n_classes=probs.shape[1])
    if not allow_empty_labels and not onehot.any():
        raise ValueError("labels must give at least one class to at least one example")
    if probs.size:
        lo, hi = float(probs.min()), float(probs.max())
        if not (np.isfinite(lo) and np.isfinite(hi)):
            raise ValueError("pred_probs must be finite")
        if lo < -FLOATING_POINT_COMPARISON or hi > 1 + FLOATING_POINT_COMPARISON:
            raise ValueError("pred_probs values must be between 0 and 1")
    return onehot, probs


# --------------------------------------------------------------------------- binary problems

@dataclass
class BinaryProblems:
    """The K one-vs-rest problems, class by class along the first axis.

    ``p[c]`` is the probability of class c for every example, ``q[c] = 1 - p[c]`` (in the
    dtype of pred_probs), ``y[c]`` whether class c is given, ``counts[c] = (#not, #given)``.
    """

    p: np.ndarray
    q: np.ndarray
    y: np.ndarray
    counts: np.ndarray

    @classmethod
    def build(cls, onehot: np.ndarray, pred_probs: np.ndarray) -> "BinaryProblems":
        """Lay out validated inputs as ``(K, N)`` arrays."""
        p = np.ascontiguousarray(pred_probs.T)
        y = np.ascontiguousarray(onehot.T)
        n_given = np.count_nonzero(y, axis=1)
        counts = np.stack([y.shape[1] - n_given, n_given], axis=1).astype(np.int64)
        return cls(p=p, q=1 - p, y=y, counts=counts)

    @property
    def n_classes(self) -> int:
        return self.p.shape[0]

    def thresholds(self) -> list:
        """Per-class ``[threshold of 'not c', threshold of 'c']`` in the reference's dtypes."""
        out = []
        for c in range(self.n_classes):
            yc = self.y[c]
            values = [np.mean(self.q[c][~yc]) if self.counts[c, 0] else _MISSING_CLASS_THRESHOLD,
                      np.mean(self.p[c][yc]) if self.counts[c, 1] else _MISSING_CLASS_THRESHOLD]
            out.append(np.clip(values, a_min=CONFIDENT_THRESHOLDS_LOWER_BOUND, a_max=None))
        return out


def _cutoffs(thresholds: list) -> np.ndarray:
    # Each class's cut is computed in its own dtype (as the reference does), then widened
    # exactly to float64 so that one comparison serves every class.
    return np.array([np.asarray(t) - 1e-6 for t in thresholds], dtype=np.float64)


@dataclass
class BinaryCounts:
    """Confident counting of all K binary problems."""

    raw: np.ndarray  # (K, 2, 2) int64, [class, true guess, given] (the reference's layout)
    off_diagonal: np.ndarray | None  # (K, N) bool, when asked for
    any_counted: np.ndarray  # (K,) bool

    def confident_joint(self, c: int) -> np.ndarray:
        """Class c's 2 x 2 confident joint ``[given, true]`` (diagonal floored at 1)."""
        if self.any_counted[c]:
            cj = self.raw[c].copy().T
        else:
            cj = np.zeros((2, 2), dtype=np.int64)
        np.fill_diagonal(cj, cj.diagonal().clip(min=1))
        return cj


def binary_counts(bp: BinaryProblems, thresholds: list | None = None, *,
                  off_diagonal: bool = True) -> BinaryCounts:
    """Count confident (given, true) pairs for every class in one pass over ``(K, N)``.

    An example is confidently "c" when ``p >= t_c - 1e-6`` and confidently "not c" when
    ``1 - p >= t_not - 1e-6``; when both hold the larger probability wins ("not c" on a tie).
    """
    if thresholds is None:
        thresholds = bp.thresholds()
    cuts = _cutoffs(thresholds)
    not_c = bp.q >= cuts[:, :1]
    is_c = bp.p >= cuts[:, 1:]
    # Confidently "c": only "c" qualifies, or both do and p wins; else confidently "not c".
    both = not_c & is_c
    rows, cols = np.nonzero(both)
    is_c[rows, cols] = bp.p[rows, cols] > bp.q[rows, cols]
    not_c &= ~is_c
    y = bp.y
    raw = np.empty((bp.n_classes, 2, 2), dtype=np.int64)
    raw[:, 1, 1] = np.count_nonzero(is_c & y, axis=1)
    raw[:, 1, 0] = np.count_nonzero(is_c, axis=1) - raw[:, 1, 1]
    raw[:, 0, 1] = np.count_nonzero(not_c & y, axis=1)
    raw[:, 0, 0] = np.count_nonzero(not_c, axis=1) - raw[:, 0, 1]
    off = ((is_c & ~y) | (not_c & y)) if off_diagonal else None
    return BinaryCounts(raw=raw, off_diagonal=off, any_counted=raw.reshape(-1, 4).sum(axis=1) > 0)


def _prediction_matches(bp: BinaryProblems, cls: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Whether the given side is (within 1e-6) the top prediction, at (class, row) pairs."""
    p, q, y = bp.p[cls, rows], bp.q[cls, rows], bp.y[cls, rows]
    bump = FLOATING_POINT_COMPARISON
    return np.where(y, p + bump > q, q + bump >= p)


def multilabel_confident_joint(bp: BinaryProblems, *, calibrate: bool = True,
                               thresholds: list | None = None):
    """The one-vs-rest confident joint, ``(K, 2, 2)``, and the per-class counts.

    Returns
    -------
    cj : numpy.ndarray of int64, shape (K, 2, 2)
    counts : BinaryCounts
    """
    counts = binary_counts(bp, thresholds)
    out = np.empty((bp.n_classes, 2, 2), dtype=np.int64)
    for c in range(bp.n_classes):
        cj = counts.confident_joint(c)
        out[c] = _calibrate(cj, bp.counts[c]) if calibrate else cj
    return out, counts


def _check_cj(confident_joint, k: int):
    if confident_joint is None:
        return None
    cj = np.asarray(confident_joint)
    if cj.shape == (k, k):
        warnings.warn("The recommended format for a multi-label confident_joint is (K, 2, 2) as "
                      "returned by compute_confident_joint(..., multi_label=True); a K x K "
                      "confident_joint is ignored.", stacklevel=3)
        return None
    if cj.shape != (k, 2, 2):
        raise ValueError(f"confident_joint must have shape ({k}, 2, 2), got {cj.shape}")
    return cj


def issues_per_class(bp: BinaryProblems, *, filter_by: str = "prune_by_noise_rate",
                     frac_noise: float = 1.0, num_to_remove_per_class=None,
                     min_examples_per_class: int = 1, confident_joint=None) -> np.ndarray:
    """Which (example, class) labels look wrong: an ``(N, K)`` boolean matrix.

    Each class is its own binary problem solved with the single-label semantics of
    :func:`fastclean.core.find_label_issues` (pruning filters only: the per-class filters
    ``confident_learning`` and ``predicted_neq_given`` are supported too).
    """
    if filter_by not in FILTER_BY or filter_by in _LOW_SCORE:
        raise ValueError(f"filter_by must be one of {[f for f in FILTER_BY if f not in _LOW_SCORE]} "
                         f"here, got {filter_by!r}")
    k, n = bp.p.shape
    cj_given = _check_cj(confident_joint, k)
    if filter_by == "confident_learning" and cj_given is not None:
        warnings.warn("The supplied confident_joint is ignored when filter_by='confident_learning'.",
                      stacklevel=3)
    counts = None
    if cj_given is None or filter_by == "confident_learning":
        counts = binary_counts(bp, off_diagonal=filter_by == "confident_learning")
    if filter_by == "confident_learning":
        issues = counts.off_diagonal.copy()
    elif filter_by == "predicted_neq_given":
        if (bp.counts[:, 1] == 0).any():
            # The reference validates each class's binary labels here without allowing a
            # single class, so a class that no example has is an error for this filter.
            c = int(np.flatnonzero(bp.counts[:, 1] == 0)[0])
            raise ValueError(f"class {c} is given to no example: filter_by='predicted_neq_given' "
                             "needs labels that contain at least 2 classes in every class's "
                             "one-vs-rest problem")
        issues = (bp.p > bp.q) != bp.y
    else:
        remove = None
        if num_to_remove_per_class is not None:
            remove = np.broadcast_to(np.asarray(num_to_remove_per_class), (k,))
        issues = np.zeros((k, n), dtype=bool)
        eligible = (bp.counts > min_examples_per_class) & (bp.counts > 1)
        if not eligible.all():
            warnings.warn("May not flag all label issues in some classes: too few examples on one "
                          "side (see min_examples_per_class)", stacklevel=3)
        need_rate = np.zeros((k, 2), dtype=np.int64)
        need_class = np.zeros((k, 2), dtype=np.int64)
        for c in range(k):
            if cj_given is not None:
                cj = cj_given[c]
            else:
                cj = _calibrate(counts.confident_joint(c), bp.counts[c])
            pcm = prune_counts(cj, min_examples_per_class, frac_noise)
            if remove is not None:
                pcm = _apply_num_to_remove(pcm, np.array([remove[c], 0]), bp.counts[c])
            # Rows given "not c" pruned as truly c (largest p - q), and vice versa; by class:
            # the rows with the lowest probability of their given side.
            need_rate[c] = [pcm[1, 0], pcm[0, 1]]
            need_class[c] = [bp.counts[c, 0] - pcm[0, 0], bp.counts[c, 1] - pcm[1, 1]]
        need_rate = np.where(eligible, np.maximum(need_rate, 0), 0)
        need_class = np.where(eligible, np.maximum(need_class, 0), 0)
        if filter_by in ("prune_by_noise_rate", "both"):
            margin = bp.p - bp.q  # exactly -(q - p): IEEE rounding is symmetric
            issues = _largest_per_side(bp, margin, need_rate)
            del margin
        if filter_by in ("prune_by_class", "both"):
            by_class = _largest_per_side(bp, None, need_class)
            issues = by_class if filter_by == "prune_by_class" else issues & by_class
    cls, rows = np.nonzero(issues)
    close = _prediction_matches(bp, cls, rows)
    issues[cls[close], rows[close]] = False
    return np.ascontiguousarray(issues.T)


# Sides up to this size are searched whole; larger ones through a sampled cut.
_SMALL_SIDE = 2048
# Rows sampled (of all N) to estimate each side's cut.
_SAMPLE_ROWS = 4096


def _sampled_cuts(values_of, side_masks, need: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Per (class, side): a value t such that, with high probability, at least ``need`` of the
    side's values are >= t (-inf for small sides or when the sample cannot tell)."""
    k = need.shape[0]
    n = side_masks[0].shape[1]
    step = max(1, n // _SAMPLE_ROWS)
    cuts = np.full((k, 2), -np.inf)
    for g in (0, 1):
        todo = np.flatnonzero((need[:, g] > 0) & (counts[:, g] > _SMALL_SIDE))
        if not len(todo):
            continue
        sample = values_of(g, todo, slice(None, None, step))
        in_side = side_masks[g][todo, ::step]
        for row, c in enumerate(todo):
            vals = sample[row][in_side[row]]
            expected = need[c, g] * len(vals) / counts[c, g]
            rank = int(np.ceil(expected + 3 * np.sqrt(expected) + 4))
            if rank <= len(vals):
                cuts[c, g] = np.partition(vals, len(vals) - rank)[len(vals) - rank]
    return cuts


def _largest_per_side(bp: BinaryProblems, margin, need: np.ndarray) -> np.ndarray:
    """Flag, per class and side, the ``need`` rows the reference's argsort puts first.

    Side 0 (rows without c) takes the largest ``margin`` (or, with ``margin=None``, the
    smallest ``1 - p``); side 1 (rows with c) the smallest margin (or smallest p). The
    reference argsorts the whole side once per class; here the candidates are the side's
    values at or above a cut estimated from a sample of rows (all of a small side), the
    ``need`` largest are picked among them for all classes at once, and that is exact
    whenever enough candidates pass the cut and no tie straddles the n-th value (every value
    left out is below the cut). The other (class, side) pairs repeat the reference's argsort
    on their full side.
    """
    k, n = bp.p.shape
    out = np.zeros((k, n), dtype=bool)
    if not need.any():
        return out
    # Wanted values: side 0 margin (or -q), side 1 -margin (or -p), as sign * array.
    arrays = (margin, margin) if margin is not None else (bp.q, bp.p)
    signs = (1, -1) if margin is not None else (-1, -1)
    sides = (~bp.y, bp.y)

    def values_of(g, rows, cols):
        return signs[g] * arrays[g][rows, cols]

    cuts = _sampled_cuts(values_of, sides, need, bp.counts)
    cells, values, rows = [], [], []
    for g in (0, 1):
        active = need[:, g] > 0
        if not active.any():
            continue
        a, sign, t = arrays[g], signs[g], cuts[:, g:g + 1]
        cand = (a >= t) if sign > 0 else (a <= -t)
        cand &= sides[g]
        cand &= active[:, None]
        c, r = np.nonzero(cand)
        cells.append(c * 2 + g)
        values.append(sign * a[c, r])
        rows.append(r)
    cells, values, rows = np.concatenate(cells), np.concatenate(values), np.concatenate(rows)
    flat_need = need.reshape(-1)
    selected, unresolved = top_n_per_cell(cells, values, flat_need)
    bad = np.zeros(2 * k, dtype=bool)
    bad[unresolved] = True
    keep = selected & ~bad[cells]
    out[cells[keep] // 2, rows[keep]] = True
    # Cells with enough candidates are unresolved only because tied values straddle the
    # n-th one (in the candidates, hence in the side): the reference's argsort decides.
    tied = np.bincount(cells, minlength=2 * k) >= flat_need
    for cell in np.flatnonzero(bad):
        c, g = divmod(int(cell), 2)
        side_rows = np.flatnonzero(sides[g][c])
        values_c = arrays[g][c][side_rows]
        # The reference argsorts the negated wanted values (its -margin, or the score).
        if signs[g] > 0:
            values_c = -values_c
        n_cell = int(flat_need[cell])
        if tied[cell]:
            out[c, side_rows[np.argsort(values_c)[:n_cell]]] = True
        else:
            out[c, side_rows[smallest_n(values_c, n_cell)]] = True
    return out


# --------------------------------------------------------------------------- scores

def _adjusted_binary(q: np.ndarray, p: np.ndarray, thresholds: np.ndarray):
    """Both columns of ``[q, p]`` after subtracting the class thresholds and renormalising."""
    a0 = q - thresholds[0]
    a1 = p - thresholds[1]
    top = thresholds.max()
    a0 += top
    a1 += top
    total = a0 + a1
    return a0 / total, a1 / total


def class_label_quality_scores(bp: BinaryProblems, *, method: str = "self_confidence",
                               adjust_pred_probs: bool = False) -> np.ndarray:
    """Per-class label quality of every example: an ``(N, K)`` float64 array.

    Each entry is the single-label score (``method``) of the binary problem of that class.
    """
    if method not in RANK_METHODS:
        raise ValueError(f"method must be one of {RANK_METHODS}, got {method!r}")
    if adjust_pred_probs and method == "confidence_weighted_entropy":
        raise ValueError("adjust_pred_probs is not supported for method='confidence_weighted_entropy'")
    if not adjust_pred_probs:
        # C order, as the reference fills its (N, K) array: later row sums depend on it.
        return np.ascontiguousarray(_binary_scores(bp.q, bp.p, bp.y, method).T, dtype=np.float64)
    # Adjusted probabilities take the dtype of each class's thresholds, so score class by class.
    out = np.empty(bp.y.T.shape, dtype=np.float64)
    for c, t in enumerate(bp.thresholds()):
        a0, a1 = _adjusted_binary(bp.q[c], bp.p[c], t)
        out[:, c] = _binary_scores(a0, a1, bp.y[c], method)
    return out


def _binary_scores(q: np.ndarray, p: np.ndarray, y: np.ndarray, method: str) -> np.ndarray:
    """Single-label scores of binary problems with probabilities ``[q, p]``, given ``y``."""
    if method == "self_confidence":
        return np.where(y, p, q)
    if method == "normalized_margin":
        return np.where(y, (p - q + 1) / 2, (q - p + 1) / 2)
    from scipy.special import xlogy

    sc = np.clip(np.where(y, p, q), a_min=CLIPPING_LOWER_BOUND, a_max=None)
    entropy = -(xlogy(q, q) + xlogy(p, p)) / np.log(2)
    ratio = entropy / sc
    clipped = np.clip(ratio, a_min=CLIPPING_LOWER_BOUND, a_max=None)
    return np.log(ratio + 1) / clipped


def exponential_moving_average(scores: np.ndarray, *, alpha: float | None = None) -> np.ndarray:
    """Aggregate each row's K scores: EMA over the scores sorted from highest to lowest.

    Parameters
    ----------
    scores : numpy.ndarray, shape (N, K)
    alpha : float in [0, 1], optional
        Weight of each newer (lower) score; default ``2 / (K + 1)``.

    Returns
    -------
    numpy.ndarray, shape (N,)
    """
    k = scores.shape[1]
    if alpha is None:
        alpha = float(2 / (k + 1))
    if not 0 <= alpha <= 1:
        raise ValueError(f"alpha must be in [0, 1], got {alpha}")
    ordered = np.sort(scores, axis=1)
    ema = ordered[:, k - 1]
    for i in range(k - 2, -1, -1):
        ema = alpha * ordered[:, i] + (1 - alpha) * ema
    return ema


def softmin(scores: np.ndarray, *, temperature: float = 0.1) -> np.ndarray:
    """Aggregate each row's K scores as a softmin-weighted mean (low scores dominate).

    Parameters
    ----------
    scores : numpy.ndarray, shape (N, K)
    temperature : float, default 0.1

    Returns
    -------
    numpy.ndarray, shape (N,)
    """
    x = (1 - scores) / max(temperature, 1e-6)
    x = x - np.max(x, axis=1, keepdims=True)
    weights = np.exp(x)
    weights = weights / np.sum(weights, axis=1, keepdims=True)
    return np.einsum("ij,ij->i", scores, weights)


def aggregate_scores(scores: np.ndarray, aggregator_kwargs: dict | None = None) -> np.ndarray:
    """One score per example from its K per-class scores.

    Parameters
    ----------
    scores : numpy.ndarray, shape (N, K)
    aggregator_kwargs : dict, optional
        ``{"method": "exponential_moving_average" | "softmin" | callable, **options}``;
        default EMA with ``alpha=0.8``.

    Returns
    -------
    numpy.ndarray, shape (N,)
    """
    kwargs = dict(DEFAULT_AGGREGATOR if aggregator_kwargs is None else aggregator_kwargs)
    method = kwargs.pop("method", "exponential_moving_average")
    kwargs.pop("axis", None)
    if callable(method):
        return method(scores, axis=1, **kwargs)
    if method == "exponential_moving_average":
        return exponential_moving_average(scores, alpha=kwargs.get("alpha"))
    if method == "softmin":
        return softmin(scores, temperature=kwargs.get("temperature", 0.1))
    raise ValueError(f"aggregator method must be one of {AGGREGATORS} or a callable, got {method!r}")


def multilabel_quality_scores(bp: BinaryProblems, *, method: str = "self_confidence",
                              adjust_pred_probs: bool = False,
                              aggregator_kwargs: dict | None = None) -> np.ndarray:
    """Overall label quality of each example's label set (lower = more likely wrong)."""
    if bp.n_classes < 2 or bp.y.all() or not bp.y.any():
        # As the reference's scorer: the label matrix must hold both 0s and 1s.
        raise ValueError("labels must be in multi-label format: at least 2 classes, and some "
                         "class given and some class missing somewhere")
    per_class = class_label_quality_scores(bp, method=method, adjust_pred_probs=adjust_pred_probs)
    return aggregate_scores(per_class, aggregator_kwargs)


# --------------------------------------------------------------------------- public

def _rank_kwargs(rank_by_kwargs) -> dict:
    kwargs = dict(rank_by_kwargs or {})
    unknown = set(kwargs) - {"adjust_pred_probs"}
    if unknown:
        raise ValueError(f"rank_by_kwargs accepts only 'adjust_pred_probs', got {sorted(unknown)}")
    return kwargs


def find_multilabel_issues(labels, pred_probs, *, filter_by: str = "prune_by_noise_rate",
                           return_indices_ranked_by: str | None = None, rank_by_kwargs=None,
                           frac_noise: float = 1.0, num_to_remove_per_class=None,
                           min_examples_per_class: int = 1, confident_joint=None) -> np.ndarray:
    """Flag examples whose label *set* is likely wrong (any class wrongly in or out).

    Parameters
    ----------
    labels : sequence of sequences of int, shape (N, ...)
        The given classes of every example, e.g. ``[[0, 3], [], [2]]``.
    pred_probs : array_like of float, shape (N, K)
        Out-of-sample probability of every class (rows need not sum to 1).
    filter_by : str, default "prune_by_noise_rate"
        As in :func:`fastclean.core.find_label_issues`, applied to every class one-vs-rest.
    return_indices_ranked_by : {None, "self_confidence", "normalized_margin", "confidence_weighted_entropy"}
        None returns a boolean mask; otherwise the flagged indices, worst first (per-class
        scores aggregated by an exponential moving average).
    rank_by_kwargs : dict, optional
        ``{"adjust_pred_probs": bool}`` for the ranking scores.
    frac_noise, min_examples_per_class
        As in :func:`fastclean.core.find_label_issues`.
    num_to_remove_per_class : int or array_like of int, shape (K,), optional
        Examples to flag per class (labelled with the class but not truly of it).
    confident_joint : array_like, shape (K, 2, 2), optional
        One-vs-rest confident joint (see :func:`compute_multilabel_confident_joint`).

    Returns
    -------
    numpy.ndarray
        Boolean mask of shape (N,), or int64 indices sorted by ascending label quality.

    Examples
    --------
    >>> import numpy as np
    >>> labels = [[0], [0], [1], [1], [0, 1], [1]]
    >>> p = np.array([[.9, .1], [.8, .2], [.1, .9], [.2, .8], [.9, .9], [.9, .1]])
    >>> find_multilabel_issues(labels, p).nonzero()[0]
    array([5])
    """
    rank_kwargs = _rank_kwargs(rank_by_kwargs)
    if return_indices_ranked_by is not None and return_indices_ranked_by not in RANK_METHODS:
        raise ValueError(f"return_indices_ranked_by must be None or one of {RANK_METHODS}, "
                         f"got {return_indices_ranked_by!r}")
    if filter_by not in FILTER_BY:
        raise ValueError(f"filter_by must be one of {FILTER_BY}, got {filter_by!r}")
    if isinstance(frac_noise, bool) or not isinstance(frac_noise, (int, float, np.floating)) \
            or not 0.0 <= frac_noise <= 1.0:
        raise ValueError(f"frac_noise must be a number in [0, 1], got {frac_noise!r}")
    if filter_by not in _PRUNING and num_to_remove_per_class is not None:
        raise ValueError(f"num_to_remove_per_class is not supported with filter_by={filter_by!r}")
    onehot, probs = validate_multilabel_inputs(labels, pred_probs)
    bp = BinaryProblems.build(onehot, probs)
    if (bp.counts[:, 0] == 0).any():
        c = int(np.flatnonzero(bp.counts[:, 0] == 0)[0])
        raise ValueError(f"class {c} is given to every example: its one-vs-rest problem has a "
                         "single class (labels must contain at least 2 classes)")
    if filter_by in _LOW_SCORE:
        n_errors = int(issues_per_class(bp, filter_by="confident_learning",
                                        confident_joint=confident_joint).any(axis=1).sum())
        scores = multilabel_quality_scores(bp)
        flagged = np.argsort(scores)[:n_errors]
        if return_indices_ranked_by is None:
            mask = np.zeros(len(scores), dtype=bool)
            mask[flagged] = True
            return mask
        mask = np.zeros(len(scores), dtype=bool)
        mask[flagged] = True
        sub = BinaryProblems.build(onehot[mask], probs[mask])
        sub_scores = multilabel_quality_scores(sub, method=return_indices_ranked_by, **rank_kwargs)
        # The reference pairs indices in score order with scores in index order; kept as is.
        return flagged[np.argsort(sub_scores)]
    per_class = issues_per_class(bp, filter_by=filter_by, frac_noise=frac_noise,
                                 num_to_remove_per_class=num_to_remove_per_class,
                                 min_examples_per_class=min_examples_per_class,
                                 confident_joint=confident_joint)
    mask = per_class.any(axis=1)
    if return_indices_ranked_by is None:
        return mask
    idx = np.flatnonzero(mask)
    scores = multilabel_quality_scores(bp, method=return_indices_ranked_by, **rank_kwargs)
    return idx[np.argsort(scores[idx])]


def get_multilabel_quality_scores(labels, pred_probs, *, method: str = "self_confidence",
                                  adjust_pred_probs: bool = False,
                                  aggregator_kwargs: dict | None = None) -> np.ndarray:
    """Label quality of every example's label set, in [0, 1] (lower = more likely wrong).

    Parameters
    ----------
    labels : sequence of sequences of int
    pred_probs : array_like of float, shape (N, K)
    method : {"self_confidence", "normalized_margin", "confidence_weighted_entropy"}
        Score of each class's binary problem.
    adjust_pred_probs : bool, default False
    aggregator_kwargs : dict, optional
        How the K class scores become one (default EMA, ``alpha=0.8``).

    Returns
    -------
    numpy.ndarray of float64, shape (N,)
    """
    onehot, probs = validate_multilabel_inputs(labels, pred_probs, allow_empty_labels=True)
    return multilabel_quality_scores(BinaryProblems.build(onehot, probs), method=method,
                                     adjust_pred_probs=adjust_pred_probs,
                                     aggregator_kwargs=aggregator_kwargs)


def compute_multilabel_confident_joint(labels, pred_probs, *, thresholds=None,
                                       calibrate: bool = True,
                                       return_indices_of_off_diagonals: bool = False):
    """The one-vs-rest confident joint of multi-label data, shape ``(K, 2, 2)``.

    Entry ``[c, i, j]`` counts examples whose given membership of class c is ``i`` and whose
    confidently predicted membership is ``j`` (0 = not in c, 1 = in c).

    Parameters
    ----------
    labels : sequence of sequences of int
    pred_probs : array_like of float, shape (N, K)
    thresholds : array_like, shape (2,) or (K, 2), optional
        Thresholds of every binary problem (default: mean self-confidences per class).
    calibrate : bool, default True
    return_indices_of_off_diagonals : bool, default False
        Also return, per class, the indices counted off the diagonal.

    Returns
    -------
    numpy.ndarray of int64, shape (K, 2, 2)
        And a list of K index arrays when ``return_indices_of_off_diagonals``.
    """
    onehot, probs = validate_multilabel_inputs(labels, pred_probs, allow_empty_labels=True)
    bp = BinaryProblems.build(onehot, probs)
    th = None
    if thresholds is not None:
        t = np.asarray(thresholds)
        th = [np.asarray(row) for row in np.broadcast_to(t, (bp.n_classes, 2))]
    cj, counts = multilabel_confident_joint(bp, calibrate=calibrate, thresholds=th)
    if return_indices_of_off_diagonals:
        return cj, [np.flatnonzero(row) for row in counts.off_diagonal]
    return cj


def multilabel_thresholds(labels, pred_probs) -> np.ndarray:
    """Per-class ``[threshold of 'not c', threshold of 'c']``, shape ``(K, 2)``."""
    onehot, probs = validate_multilabel_inputs(labels, pred_probs, allow_empty_labels=True)
    return np.array(BinaryProblems.build(onehot, probs).thresholds(), dtype=np.float64)
