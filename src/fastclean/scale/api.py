"""Public confident-learning functions for row-chunked ``pred_probs``.

Each function takes the arguments of its in-memory namesake in :mod:`fastclean.core` and
returns exactly what that returns, plus three keywords: ``client`` (a
``distributed.Client``: blocks run as tasks on its cluster; default: the current client for a
dask array, else this process), ``chunk_rows`` (rows per block for ``.npy`` / numpy input) and
``chunk_size`` (rows per inner streaming step). ``pred_probs`` may be a ``dask.array`` chunked
along rows only, a ``zarr`` array, a path to a ``.zarr`` store or ``.npy`` file, or a numpy
array; ``labels`` an array or a ``.npy`` path.
"""

from __future__ import annotations

import numpy as np

from ..core import dataset as _dataset
from ..core._numerics import TINY_VALUE
from ..core.count import _calibrate, _check_square, estimate_latent
from ..core.rank import _check_method
from .engine import ChunkedCL
from .executors import DaskExecutor, SerialExecutor
from .sources import is_dask_array


def _executor(pred_probs, client):
    if client is not None:
        return DaskExecutor(client)
    if is_dask_array(pred_probs):
        try:
            from distributed import default_client

            return DaskExecutor(default_client())
        except (ImportError, ValueError):
            pass
    return SerialExecutor()


def _engine(labels, pred_probs, client=None, chunk_rows=None, chunk_size=None,
            renormalize=False) -> ChunkedCL:
    if renormalize:
        raise ValueError("renormalize=True is not supported for chunked pred_probs; "
                         "normalise the rows when writing the array")
    return ChunkedCL(labels, pred_probs, executor=_executor(pred_probs, client),
                     chunk_size=chunk_size, chunk_rows=chunk_rows)


def find_label_issues(labels, pred_probs, *, filter_by="prune_by_noise_rate",
                      return_indices_ranked_by=None, frac_noise=1.0,
                      num_to_remove_per_class=None, min_examples_per_class=1,
                      confident_joint=None, chunk_size=None, renormalize=False, client=None,
                      chunk_rows=None):
    """:func:`fastclean.core.find_label_issues` on row-chunked pred_probs (same answer).

    Parameters
    ----------
    labels, pred_probs, filter_by, return_indices_ranked_by, frac_noise,
    num_to_remove_per_class, min_examples_per_class, confident_joint, chunk_size
        As in :func:`fastclean.core.find_label_issues`.
    renormalize : bool, default False
        Not supported here (True raises ValueError).
    client : distributed.Client, optional
    chunk_rows : int, optional

    Returns
    -------
    numpy.ndarray
        Boolean mask, or ranked indices.
    """
    engine = _engine(labels, pred_probs, client, chunk_rows, chunk_size, renormalize)
    return engine.find_label_issues(
        filter_by=filter_by, return_indices_ranked_by=return_indices_ranked_by,
        frac_noise=frac_noise, num_to_remove_per_class=num_to_remove_per_class,
        min_examples_per_class=min_examples_per_class, confident_joint=confident_joint)


def get_label_quality_scores(labels, pred_probs, *, method="self_confidence",
                             adjust_pred_probs=False, chunk_size=None, client=None,
                             chunk_rows=None) -> np.ndarray:
    """:func:`fastclean.core.get_label_quality_scores` on row-chunked pred_probs.

    Returns
    -------
    numpy.ndarray, shape (N,)
    """
    _check_method(method)
    if adjust_pred_probs and method == "confidence_weighted_entropy":
        raise ValueError("adjust_pred_probs is not supported for "
                         "method='confidence_weighted_entropy'")
    engine = _engine(labels, pred_probs, client, chunk_rows, chunk_size)
    engine.scan()
    thresholds = engine.thresholds() if adjust_pred_probs else None
    return engine.scores(method, thresholds=thresholds)[0]


def order_label_issues(label_issues_mask, labels, pred_probs, *, rank_by="self_confidence",
                       client=None, chunk_rows=None) -> np.ndarray:
    """:func:`fastclean.core.order_label_issues` on row-chunked pred_probs.

    Returns
    -------
    numpy.ndarray of int64
    """
    _check_method(rank_by, "rank_by")
    engine = _engine(labels, pred_probs, client, chunk_rows)
    mask = np.asarray(label_issues_mask)
    if mask.dtype != bool or mask.shape != engine.labels.shape:
        raise ValueError(
            f"label_issues_mask must be a boolean array of shape {engine.labels.shape}, "
            f"got dtype {mask.dtype} and shape {mask.shape}")
    engine.scan()
    rows = np.nonzero(mask)[0]
    scores = engine.scores(rank_by, rows=rows)[0]
    return rows[np.argsort(scores)]


def get_confident_thresholds(labels, pred_probs, *, client=None, chunk_rows=None) -> np.ndarray:
    """:func:`fastclean.core.get_confident_thresholds` on row-chunked pred_probs.

    Returns
    -------
    numpy.ndarray, shape (K,)
    """
    return _engine(labels, pred_probs, client, chunk_rows).thresholds()


def compute_confident_joint(labels, pred_probs, *, thresholds=None, calibrate=True,
                            return_indices_of_off_diagonals=False, chunk_size=None,
                            client=None, chunk_rows=None):
    """:func:`fastclean.core.compute_confident_joint` on row-chunked pred_probs.

    Returns
    -------
    confident_joint : numpy.ndarray of int, shape (K, K)
    indices : numpy.ndarray of int
        Only when ``return_indices_of_off_diagonals``.
    """
    engine = _engine(labels, pred_probs, client, chunk_rows, chunk_size)
    k = engine.k
    if thresholds is not None:
        thresholds = np.asarray(thresholds)
        if thresholds.size != k:
            raise ValueError(f"thresholds must have one value per class ({k}), "
                             f"got {thresholds.size}")
        thresholds = thresholds.reshape(k)
    cj = engine.confident_joint(calibrate=calibrate, thresholds=thresholds)
    if return_indices_of_off_diagonals:
        return cj, engine.counts(thresholds)[1]
    return cj


def estimate_joint(labels, pred_probs, *, confident_joint=None, client=None,
                   chunk_rows=None) -> np.ndarray:
    """:func:`fastclean.core.estimate_joint` on row-chunked pred_probs.

    Returns
    -------
    numpy.ndarray of float, shape (K, K)
    """
    engine = _engine(labels, pred_probs, client, chunk_rows)
    if confident_joint is None:
        calibrated = engine.confident_joint(calibrate=True)
    else:
        calibrated = _calibrate(_check_square(confident_joint), engine.groups.counts)
    return calibrated / np.clip(float(np.sum(calibrated)), a_min=TINY_VALUE, a_max=None)


def estimate_noise_matrices_from_pred_probs(labels, pred_probs, *, thresholds=None,
                            converge_latent_estimates=True, client=None, chunk_rows=None):
    """:func:`fastclean.core.estimate_noise_matrices_from_pred_probs` on row-chunked pred_probs.

    Returns
    -------
    noise_matrix, inverse_noise_matrix : numpy.ndarray, shape (K, K)
    """
    engine = _engine(labels, pred_probs, client, chunk_rows)
    if thresholds is not None:
        thresholds = np.asarray(thresholds).reshape(engine.k)
    cj = engine.confident_joint(calibrate=True, thresholds=thresholds)
    _, nm, inv = estimate_latent(cj, engine.labels,
                                 converge_latent_estimates=converge_latent_estimates)
    return nm, inv


def num_label_issues(labels, pred_probs, *, confident_joint=None,
                     estimation_method="off_diagonal", chunk_size=None, client=None,
                     chunk_rows=None) -> int:
    """:func:`fastclean.core.num_label_issues` on row-chunked pred_probs.

    Returns
    -------
    int
    """
    from ..core.count import ESTIMATION_METHODS

    if estimation_method not in ESTIMATION_METHODS:
        raise ValueError(f"estimation_method must be one of {ESTIMATION_METHODS}, "
                         f"got {estimation_method!r}")
    engine = _engine(labels, pred_probs, client, chunk_rows, chunk_size)
    if estimation_method == "off_diagonal":
        return engine.counts()[2]
    if estimation_method == "off_diagonal_calibrated":
        cj = engine.confident_joint(calibrate=True)
    else:
        if confident_joint is None:
            raise ValueError("estimation_method='off_diagonal_custom' needs a confident_joint")
        cj = _check_square(confident_joint)
        if len(cj) != engine.k:
            raise ValueError(f"confident_joint must be {engine.k} x {engine.k} to match "
                             f"pred_probs, got {cj.shape}")
    joint = _calibrate(cj, engine.groups.counts)
    joint = joint / np.clip(float(np.sum(joint)), a_min=TINY_VALUE, a_max=None)
    return int(np.rint((1.0 - joint.trace()) * engine.n).astype(int))


def _joint(engine: ChunkedCL, confident_joint) -> np.ndarray:
    if confident_joint is None:
        cj = engine.confident_joint(calibrate=True)
    else:
        cj = _check_square(confident_joint)
        if len(cj) != engine.k:
            raise ValueError(f"confident_joint must be {engine.k} x {engine.k}, got {cj.shape}")
        cj = _calibrate(cj, engine.groups.counts)
    return cj / np.clip(float(np.sum(cj)), a_min=TINY_VALUE, a_max=None)


def class_label_quality(labels, pred_probs, *, confident_joint=None, client=None,
                                  chunk_rows=None) -> dict:
    """:func:`fastclean.core.class_label_quality` on row-chunked pred_probs.

    Returns
    -------
    dict of numpy.ndarray
    """
    engine = _engine(labels, pred_probs, client, chunk_rows)
    return _dataset._class_table(_joint(engine, confident_joint), engine.n)


def overlapping_class_pairs(labels, pred_probs, *, confident_joint=None, client=None,
                             chunk_rows=None) -> dict:
    """:func:`fastclean.core.overlapping_class_pairs` on row-chunked pred_probs.

    Returns
    -------
    dict of numpy.ndarray
    """
    engine = _engine(labels, pred_probs, client, chunk_rows)
    return _dataset._overlaps(_joint(engine, confident_joint), engine.n)


def overall_label_health_score(labels, pred_probs, *, confident_joint=None, client=None,
                               chunk_rows=None) -> float:
    """:func:`fastclean.core.overall_label_health_score` on row-chunked pred_probs.

    Returns
    -------
    float
    """
    engine = _engine(labels, pred_probs, client, chunk_rows)
    return 1 - engine.counts()[2] / engine.n


def label_health_summary(labels, pred_probs, *, class_names=None, confident_joint=None, client=None,
                   chunk_rows=None) -> dict:
    """:func:`fastclean.core.label_health_summary` on row-chunked pred_probs.

    Returns
    -------
    dict
    """
    engine = _engine(labels, pred_probs, client, chunk_rows)
    k = engine.k
    names = [str(i) for i in range(k)] if class_names is None else [str(c) for c in class_names]
    if len(names) != k:
        raise ValueError(f"class_names must have one name per class ({k}), got {len(names)}")
    joint = _joint(engine, confident_joint)
    return _dataset.summary_from_joint(joint, engine.counts()[2], engine.groups.counts, names)


#: The functions :mod:`fastclean` routes here when pred_probs is chunked.
CHUNKED_FUNCTIONS = (
    "find_label_issues", "get_label_quality_scores", "order_label_issues",
    "get_confident_thresholds", "compute_confident_joint", "estimate_joint",
    "estimate_noise_matrices_from_pred_probs", "num_label_issues", "class_label_quality",
    "overlapping_class_pairs", "overall_label_health_score", "label_health_summary",
)
