"""cleanlab-shaped ``experimental.label_issues_batched``: label issues from data read in batches.

Two passes over the rows, ``batch_size`` at a time (so ``.npy`` files can be memory-mapped):
the first keeps a running, count-weighted average of each class's confident threshold (the
mean self-confidence of the examples given that class, floored at 2e-6 after every batch),
the second scores every label and counts the examples whose predicted class clears its
threshold while differing from the given label. The issues are the lowest-scoring
examples, as many as were counted, less those whose given label is (within 1e-6) the
model's top class. Same results as cleanlab 2.9 for every ``batch_size`` and ``n_jobs``.
"""

from __future__ import annotations

import numpy as np

_TOLERANCE = 1e-6
_THRESHOLD_FLOOR = 2 * _TOLERANCE
_ABSENT_CLASS_THRESHOLD = 2  # above any probability: nothing counts for a class not in the batch
_CLIP_LOW = 1e-6


def _load(array, path, name):
    if path is None:
        return array
    if array is not None:
        raise ValueError(f"only specify one of: `{name}` or `{name}_file`")
    if not isinstance(path, str):
        raise ValueError(f"{name}_file must be a str: the path of a .npy file")
    return np.load(path, mmap_mode="r")


def _batch_thresholds(labels, probs, n_classes):
    present = set(np.unique(labels).tolist())
    values = [np.mean(probs[:, k][labels == k]) if k in present else _ABSENT_CLASS_THRESHOLD
              for k in range(n_classes)]
    return np.clip(values, a_min=_THRESHOLD_FLOOR, a_max=None)


def _scores(labels, probs, thresholds, method="self_confidence", adjust_pred_probs=False):
    from ..rank import get_label_quality_scores

    if not adjust_pred_probs:
        return get_label_quality_scores(labels, probs, method=method)
    if method == "confidence_weighted_entropy":
        raise ValueError(f"adjust_pred_probs is not currently supported for {method}.")
    adjusted = probs - thresholds
    adjusted += thresholds.max()
    adjusted /= adjusted.sum(axis=1, keepdims=True)
    return get_label_quality_scores(labels, adjusted, method=method)


def find_label_issues_batched(labels=None, pred_probs=None, *, labels_file=None,
                              pred_probs_file=None, batch_size=10000, n_jobs=1, verbose=True,
                              quality_score_kwargs=None, num_issue_kwargs=None,
                              return_mask=False) -> np.ndarray:
    """Indices of the label issues (or a boolean mask), reading the data in batches.

    Parameters
    ----------
    labels, pred_probs : array_like, optional
        Given labels (N,) and out-of-sample pred_probs (N, K); or give ``labels_file`` and
        ``pred_probs_file`` (``.npy`` paths, memory-mapped).
    batch_size : int, default 10000
        Rows per batch.
    n_jobs : int or None, default 1
        Accepted for cleanlab compatibility; the result never depends on it.
    verbose : bool, default True
        Print the counts.
    quality_score_kwargs : dict, optional
        ``method`` and ``adjust_pred_probs`` of the label quality score.
    num_issue_kwargs : dict, optional
        ``estimation_method``: ``"off_diagonal"`` (default) or ``"off_diagonal_calibrated"``.
    return_mask : bool, default False
        Return a boolean mask instead of indices.

    Returns
    -------
    numpy.ndarray
        Indices of the issues, ascending (or the (N,) mask).
    """
    labels = _load(labels, labels_file, "labels")
    pred_probs = _load(pred_probs, pred_probs_file, "pred_probs")
    if labels is None:
        raise ValueError("must provide one of: `labels` or `labels_file`")
    if pred_probs is None:
        raise ValueError("must provide one of: `pred_probs` or `pred_probs_file`")
    if len(labels) != len(pred_probs):
        raise ValueError(f"len(labels)={len(labels)} does not match "
                         f"len(pred_probs)={len(pred_probs)}")
    quality_score_kwargs = dict(quality_score_kwargs or {})
    num_issue_kwargs = dict(num_issue_kwargs or {})
    calibrated = num_issue_kwargs.get("estimation_method") == "off_diagonal_calibrated"
    n, k = len(labels), pred_probs.shape[1]
    batches = [(i, min(i + batch_size, n)) for i in range(0, n, batch_size)]

    thresholds, seen = np.zeros(k), np.zeros(k)
    for start, stop in batches:
        lab = np.asarray(labels[start:stop])
        counts = np.bincount(lab, minlength=k)[:k]
        batch = _batch_thresholds(lab, pred_probs[start:stop, :], k)
        thresholds = (seen * thresholds + counts * batch) / np.clip(seen + counts, a_min=1,
                                                                   a_max=None)
        thresholds = np.clip(thresholds, a_min=_THRESHOLD_FLOOR, a_max=None)
        seen += counts

    cut = thresholds - _TOLERANCE
    scores, n_issues = [], 0
    prune, class_counts, normalization = np.zeros(k), np.zeros(k), np.zeros(k)
    for start, stop in batches:
        lab = np.asarray(labels[start:stop])
        probs = pred_probs[start:stop, :]
        scores.append(_scores(lab, probs, thresholds, **quality_score_kwargs))
        predicted = np.argmax(probs, axis=1)
        confident = probs[np.arange(len(lab)), predicted] >= cut[predicted]
        if calibrated:
            class_counts += np.bincount(lab, minlength=k)[:k]
            normalization += np.bincount(lab[confident], minlength=k)[:k]
            prune += np.bincount(lab[confident & (predicted != lab)], minlength=k)[:k]
        else:
            n_issues += int(np.sum(confident & (predicted != lab)))
    if calibrated:
        n_issues = int(np.rint(np.sum(prune * class_counts
                                      / np.clip(normalization, a_min=_CLIP_LOW, a_max=None))))
    quality = np.asarray([s for batch in scores for s in batch])
    if verbose:
        print(f"Total number of examples whose labels have been evaluated: {n}")
    mask = np.zeros(n, dtype=bool)
    mask[quality.argsort()[:min(n_issues, n)]] = True
    all_labels = np.asarray(labels)
    nudged = np.array(pred_probs, copy=True)
    nudged[np.arange(n), all_labels] += _TOLERANCE
    mask[nudged.argmax(axis=1) == all_labels] = False
    return mask if return_mask else np.where(mask)[0]


__all__ = ["find_label_issues_batched"]
