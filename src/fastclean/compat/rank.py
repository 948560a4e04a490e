"""cleanlab-shaped ``rank`` module: label quality scores and the order of label issues."""

from __future__ import annotations

import warnings

import numpy as np

from .. import core
from ..core.rank import _scores_of_rows
from ._inputs import labels_array, pred_probs_array


def get_label_quality_scores(labels, pred_probs, *, method="self_confidence",
                             adjust_pred_probs=False) -> np.ndarray:
    """Label quality of every example (see :func:`fastclean.core.get_label_quality_scores`)."""
    return core.get_label_quality_scores(labels_array(labels), pred_probs_array(pred_probs),
                                         method=method, adjust_pred_probs=adjust_pred_probs)


def order_label_issues(label_issues_mask, labels, pred_probs, *, rank_by="self_confidence",
                       rank_by_kwargs=None) -> np.ndarray:
    """Indices of the flagged examples, worst first (see :func:`fastclean.core.order_label_issues`)."""
    return core.order_label_issues(np.asarray(label_issues_mask), labels_array(labels),
                                   pred_probs_array(pred_probs), rank_by=rank_by,
                                   rank_by_kwargs=rank_by_kwargs)


def _validated(labels, pred_probs):
    labels, probs = core.validate_inputs(labels_array(labels), pred_probs_array(pred_probs))
    return labels, probs


def get_self_confidence_for_each_label(labels, pred_probs) -> np.ndarray:
    """``pred_probs[i, labels[i]]`` for every example."""
    return _scores_of_rows(*_validated(labels, pred_probs), "self_confidence")


def get_normalized_margin_for_each_label(labels, pred_probs) -> np.ndarray:
    """``(p[label] - max other p + 1) / 2`` for every example."""
    return _scores_of_rows(*_validated(labels, pred_probs), "normalized_margin")


def get_confidence_weighted_entropy_for_each_label(labels, pred_probs) -> np.ndarray:
    """``log(1 + H / p[label]) / (H / p[label])`` with H the normalised entropy of the row."""
    return _scores_of_rows(*_validated(labels, pred_probs), "confidence_weighted_entropy")


_CLIP_LOW = 1e-6  # lower bound on probabilities inside the log-loss weighting
_WEIGHTINGS = ("uniform", "accuracy", "log_loss_search", "custom")


def _log_loss(labels, probs) -> float:
    from sklearn.metrics import log_loss

    return log_loss(labels, probs)


def _log_loss_weights(labels, pred_probs_list, t_values) -> np.ndarray:
    """The member weights ``exp(-t * log_loss)`` (normalised) of the t whose blend fits best."""
    best, best_weights = float("inf"), None
    losses = []
    for probs in pred_probs_list:
        clipped = np.clip(probs, a_min=_CLIP_LOW, a_max=None)
        clipped /= clipped.sum(axis=1)[:, np.newaxis]
        losses.append(_log_loss(labels, clipped))
    for t in t_values:
        member = [np.exp(-t * loss) for loss in losses]
        weights = np.array(member) / sum(member)
        blend = sum(weights[i] * p for i, p in enumerate(pred_probs_list))
        loss = _log_loss(labels, blend)
        if best > loss:
            best, best_weights = loss, weights.copy()
    return best_weights


def get_label_quality_ensemble_scores(labels, pred_probs_list, *, method="self_confidence",
                                      adjust_pred_probs=False,
                                      weight_ensemble_members_by="accuracy",
                                      custom_weights=None,
                                      log_loss_search_T_values=(1e-4, 1e-3, 1e-2, 1e-1, 1e0,
                                                                1e1, 1e2, 2e2),
                                      verbose=True) -> np.ndarray:
    """Label quality scores from several models' pred_probs, as a weighted average.

    Each member's scores are :func:`get_label_quality_scores`; they are averaged with weights
    ``"uniform"``, ``"accuracy"`` (each member's accuracy on the given labels, normalised),
    ``"log_loss_search"`` (``exp(-t * log_loss)``, normalised, for the t among
    ``log_loss_search_T_values`` whose weighted blend of pred_probs has the lowest log loss)
    or ``"custom"`` (``custom_weights``, one per member).

    Raises
    ------
    AssertionError
        If ``pred_probs_list`` is not a non-empty list, or ``custom_weights`` is missing or of
        the wrong length with ``"custom"`` (cleanlab's exception types).
    ValueError
        If ``custom_weights`` is given without ``"custom"``, or the weighting is unknown.
    """
    if not isinstance(pred_probs_list, list):
        raise AssertionError(f"pred_probs_list must be a list, got {type(pred_probs_list)}")
    if len(pred_probs_list) == 0:
        raise AssertionError("pred_probs_list is empty")
    if len(pred_probs_list) == 1:
        warnings.warn("pred_probs_list holds one member: use get_label_quality_scores instead")
    labels = labels_array(labels)
    for probs in pred_probs_list:
        _validated(labels, probs)
    if custom_weights is not None and weight_ensemble_members_by != "custom":
        raise ValueError("custom_weights is given: pass weight_ensemble_members_by='custom'")
    if weight_ensemble_members_by not in _WEIGHTINGS:
        # cleanlab computes every member's scores before it rejects the name; so do we.
        for probs in pred_probs_list:
            get_label_quality_scores(labels, probs, method=method,
                                     adjust_pred_probs=adjust_pred_probs)
        raise ValueError(f"weight_ensemble_members_by={weight_ensemble_members_by!r} is not one "
                         f"of {_WEIGHTINGS}")
    if weight_ensemble_members_by == "log_loss_search":
        weights = _log_loss_weights(labels, pred_probs_list, log_loss_search_T_values)
    scores = np.vstack([get_label_quality_scores(labels, probs, method=method,
                                                 adjust_pred_probs=adjust_pred_probs)
                        for probs in pred_probs_list]).T
    if verbose:
        print(f"Weighting scheme for ensemble: {weight_ensemble_members_by}")
    if weight_ensemble_members_by == "uniform":
        return scores.mean(axis=1)
    if weight_ensemble_members_by == "accuracy":
        accuracy = [(probs.argmax(axis=1) == labels).mean() for probs in pred_probs_list]
        weights = np.array(accuracy) / sum(accuracy)
    elif weight_ensemble_members_by == "custom":
        if custom_weights is None:
            raise AssertionError("custom_weights is None: pass one weight per member")
        if len(custom_weights) != len(pred_probs_list):
            raise AssertionError("custom_weights needs one weight per member of pred_probs_list")
        weights = custom_weights
    if verbose and weight_ensemble_members_by != "custom":
        for i, weight in enumerate(weights):
            print(f"  Model {i} weight   : {weight}")
    return (scores * weights).sum(axis=1)


def find_top_issues(quality_scores, *, top=10) -> np.ndarray:
    """Indices of the ``top`` lowest quality scores, lowest first (all when ``top`` is None).

    The order of tied scores is numpy's default ``argsort``, as in cleanlab.
    """
    quality_scores = np.asarray(quality_scores)
    if top is None or top > len(quality_scores):
        top = len(quality_scores)
    return quality_scores.argsort()[:top]


__all__ = [
    "get_label_quality_scores", "order_label_issues", "get_self_confidence_for_each_label",
    "get_normalized_margin_for_each_label", "get_confidence_weighted_entropy_for_each_label",
    "get_label_quality_ensemble_scores", "find_top_issues",
]
