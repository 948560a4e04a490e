"""Dataset-level label health: per-class noise, overlapping classes, one overall score.

Plain numpy arrays and JSON-able dicts (no pandas), with the semantics of
``cleanlab.dataset`` and its row order (ties included). The cleanlab-named functions that
return DataFrames are in :mod:`fastclean.compat.dataset`.
"""

from __future__ import annotations

import numpy as np

from .count import (
    ClassGroups,
    _calibrate,
    _check_square,
    _compute_confident_joint,
    _count_off_diagonal_issues,
)
from ._numerics import TINY_VALUE
from .validation import validate_inputs

_EPSILON = 1e-6


def _joint(labels, pred_probs, confident_joint, groups):
    if confident_joint is None:
        cj, _ = _compute_confident_joint(labels, pred_probs, groups, calibrate=True)
    else:
        cj = _check_square(confident_joint)
        if len(cj) != pred_probs.shape[1]:
            raise ValueError(f"confident_joint must be {pred_probs.shape[1]} x "
                             f"{pred_probs.shape[1]}, got {cj.shape}")
        cj = _calibrate(cj, groups.counts)
    return cj / np.clip(float(np.sum(cj)), a_min=TINY_VALUE, a_max=None)


def _prepare(labels, pred_probs, confident_joint):
    labels, pred_probs = validate_inputs(labels, pred_probs)
    groups = ClassGroups.from_labels(labels, pred_probs.shape[1])
    return labels, pred_probs, groups, _joint(labels, pred_probs, confident_joint, groups)


def table_order(values: np.ndarray, *, ascending: bool) -> np.ndarray:
    """Row order of a table sorted by ``values`` the way pandas' default ``sort_values`` does.

    pandas sorts one column with numpy's default (non-stable) argsort, reversing the rows
    before and after for a descending sort; tied rows come out in that order.
    """
    values = np.asarray(values)
    index = np.arange(len(values))
    if ascending:
        return index[values.argsort(kind="quicksort")]
    return index[::-1][values[::-1].argsort(kind="quicksort")][::-1]


def _class_table(joint: np.ndarray, num_examples: int) -> dict:
    given_label_noise = joint.sum(axis=1) - joint.diagonal()
    true_label_noise = joint.sum(axis=0) - joint.diagonal()
    given_conditional = given_label_noise / np.clip(joint.sum(axis=1), a_min=_EPSILON, a_max=None)
    true_conditional = true_label_noise / np.clip(joint.sum(axis=0), a_min=_EPSILON, a_max=None)
    table = {
        "class": np.arange(len(joint)),
        "label_issues": (given_label_noise * num_examples).round().astype(int),
        "inverse_label_issues": (true_label_noise * num_examples).round().astype(int),
        "label_noise": given_conditional,
        "inverse_label_noise": true_conditional,
        "label_quality": 1 - given_conditional,
    }
    order = table_order(table["label_quality"], ascending=True)
    return {key: value[order] for key, value in table.items()}


def class_label_quality(labels, pred_probs, *, confident_joint=None) -> dict:
    """Per-class label noise and quality, worst class first.

    Parameters
    ----------
    labels : array_like of int, shape (N,)
    pred_probs : array_like of float, shape (N, K)
    confident_joint : array_like, shape (K, K), optional

    Returns
    -------
    dict of numpy.ndarray, each of shape (K,)
        ``class``, ``label_issues`` (estimated count of examples labelled k that are not k),
        ``inverse_label_issues``, ``label_noise`` (P(true != k | given = k)),
        ``inverse_label_noise`` (P(given != k | true = k)), ``label_quality``
        (1 - label_noise); sorted by ascending ``label_quality``.
    """
    labels, _, _, joint = _prepare(labels, pred_probs, confident_joint)
    return _class_table(joint, len(labels))


def _overlaps(joint: np.ndarray, num_examples: int) -> dict:
    sym = np.triu(joint) + np.tril(joint).T
    a, b = np.triu_indices(len(joint), k=1)
    prob = sym[a, b]
    order = table_order(prob, ascending=False)
    return {
        "class_a": a[order],
        "class_b": b[order],
        "n_overlap": (prob[order] * num_examples).round().astype(int),
        "joint_probability": prob[order],
    }


def overlapping_class_pairs(labels, pred_probs, *, confident_joint=None) -> dict:
    """Pairs of classes that the model confuses most, by symmetric joint probability.

    Parameters
    ----------
    labels : array_like of int, shape (N,)
    pred_probs : array_like of float, shape (N, K)
    confident_joint : array_like, shape (K, K), optional

    Returns
    -------
    dict of numpy.ndarray, each of shape (K * (K - 1) / 2,)
        ``class_a`` < ``class_b``, ``n_overlap`` (estimated examples), ``joint_probability``
        (``P(given=a, true=b) + P(given=b, true=a)``); sorted by descending probability.
    """
    labels, _, _, joint = _prepare(labels, pred_probs, confident_joint)
    return _overlaps(joint, len(labels))


def overall_label_health_score(labels, pred_probs, *, confident_joint=None) -> float:
    """One number for the dataset: 1 - (estimated label issues) / N.

    Parameters
    ----------
    labels : array_like of int, shape (N,)
    pred_probs : array_like of float, shape (N, K)
    confident_joint : array_like, shape (K, K), optional
        Accepted for symmetry; the estimate counts off-diagonal issues from pred_probs.

    Returns
    -------
    float
    """
    labels, pred_probs = validate_inputs(labels, pred_probs)
    groups = ClassGroups.from_labels(labels, pred_probs.shape[1])
    _, off = _compute_confident_joint(labels, pred_probs, groups, calibrate=False)
    return 1 - _count_off_diagonal_issues(labels, pred_probs, off) / len(labels)


def label_health_summary(labels, pred_probs, *, class_names=None, confident_joint=None) -> dict:
    """Everything about the dataset's label health, as JSON-able Python values.

    Parameters
    ----------
    labels : array_like of int, shape (N,)
    pred_probs : array_like of float, shape (N, K)
    class_names : sequence of str, optional
        Names of the K classes (default: ``"0"``, ``"1"``, ...).
    confident_joint : array_like, shape (K, K), optional

    Returns
    -------
    dict
        ``estimated_noise_rate`` (1 - trace of the estimated joint), ``overall_label_health_score``,
        ``n_issues_estimated``, ``per_class`` (list of dicts, worst class first: ``class``,
        ``class_index``, ``n_given``, ``n_issues_estimated``, ``n_inverse_issues_estimated``,
        ``label_noise``, ``inverse_label_noise``, ``label_quality``), ``overlapping_classes``
        (list of dicts sorted by ``joint_probability``: ``class_a``, ``class_b``,
        ``class_a_index``, ``class_b_index``, ``n_overlap``, ``joint_probability``; pairs
        with zero probability left out), ``noise_matrix`` (K x K lists,
        ``[given][true] = P(given | true)``).

    Examples
    --------
    >>> import numpy as np
    >>> s = label_health_summary([0, 0, 1, 1], np.array([[.9, .1], [.8, .2], [.3, .7], [.1, .9]]))
    >>> s["estimated_noise_rate"], s["overall_label_health_score"]
    (0.0, 1.0)
    """
    labels, pred_probs = validate_inputs(labels, pred_probs)
    n, k = pred_probs.shape
    if class_names is None:
        names = [str(i) for i in range(k)]
    else:
        names = [str(c) for c in class_names]
        if len(names) != k:
            raise ValueError(f"class_names must have one name per class ({k}), got {len(names)}")
    groups = ClassGroups.from_labels(labels, k)
    joint = _joint(labels, pred_probs, confident_joint, groups)
    _, off = _compute_confident_joint(labels, pred_probs, groups, calibrate=False)
    n_issues = _count_off_diagonal_issues(labels, pred_probs, off)
    return summary_from_joint(joint, n_issues, groups.counts, names)


def summary_from_joint(joint: np.ndarray, n_issues: int, class_counts: np.ndarray,
                       names: list) -> dict:
    """The :func:`label_health_summary` dict from the estimated joint and the issue count."""
    n, k = int(class_counts.sum()), len(joint)
    table = _class_table(joint, n)
    per_class = [
        {
            "class": names[int(c)],
            "class_index": int(c),
            "n_given": int(class_counts[c]),
            "n_issues_estimated": int(table["label_issues"][i]),
            "n_inverse_issues_estimated": int(table["inverse_label_issues"][i]),
            "label_noise": float(table["label_noise"][i]),
            "inverse_label_noise": float(table["inverse_label_noise"][i]),
            "label_quality": float(table["label_quality"][i]),
        }
        for i, c in enumerate(table["class"])
    ]
    pairs = _overlaps(joint, n)
    overlapping = [
        {
            "class_a": names[int(a)],
            "class_b": names[int(b)],
            "class_a_index": int(a),
            "class_b_index": int(b),
            "n_overlap": int(m),
            "joint_probability": float(p),
        }
        for a, b, m, p in zip(pairs["class_a"], pairs["class_b"], pairs["n_overlap"],
                              pairs["joint_probability"])
        if p > 0
    ]
    true_counts = joint.sum(axis=0)
    noise_matrix = joint / np.clip(true_counts, a_min=TINY_VALUE, a_max=None)
    return {
        "n_examples": int(n),
        "n_classes": int(k),
        "estimated_noise_rate": float(1.0 - joint.trace()),
        "overall_label_health_score": float(1 - n_issues / n),
        "n_issues_estimated": int(n_issues),
        "per_class": per_class,
        "overlapping_classes": overlapping,
        "noise_matrix": noise_matrix.tolist(),
    }
