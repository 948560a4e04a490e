"""Noise-robust training strategies as label edits: what to train on, given CL's findings.

A strategy turns the given (noisy) labels and out-of-sample ``pred_probs`` into the labels a
model is trained on and the rows it keeps. numpy only; the fitting lives in
:mod:`fastclean.train.experiment`.

- ``baseline``: train on the given labels as they are (cross-entropy).
- ``label-smoothing``: the given labels, label-smoothing loss (no CL).
- ``prune``: drop the examples CL flags (by ``filter_by``) and train on the rest.
- ``pseudo-label``: flagged examples whose suggested label has confidence >= ``threshold`` get
  that label; the other flagged examples are dropped (or kept with their given label when
  ``keep_unconfident``).
- ``relabel``: every flagged example gets its suggested label, whatever the confidence, and
  nothing is dropped. At high noise out-of-sample confidence is diffuse (on MNIST at 50 %
  uniform noise no flagged example reaches 0.9), so pseudo-label at 0.9 degenerates into prune
  and throws away half the data; relabelling keeps it, at the detector's accuracy.
- ``ls+pseudo-label``: pseudo-label with the label-smoothing loss.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

STRATEGIES = ("baseline", "label-smoothing", "prune", "pseudo-label", "relabel", "ls+pseudo-label")
#: Strategies that need CL's flags (and therefore out-of-sample pred_probs).
CL_STRATEGIES = ("prune", "pseudo-label", "relabel", "ls+pseudo-label")
#: ``filter_by`` values of :func:`fastclean.core.find_label_issues`.
FILTER_BYS = ("prune_by_noise_rate", "prune_by_class", "both", "confident_learning",
              "predicted_neq_given", "low_normalized_margin", "low_self_confidence")


def check_filter_by(filter_by: str) -> str:
    """Return ``filter_by`` if confident learning knows it; ValueError naming the choices otherwise."""
    if filter_by not in FILTER_BYS:
        raise ValueError(f"filter_by: unknown filter {filter_by!r}; choose one of {', '.join(FILTER_BYS)}")
    return filter_by


@dataclass
class CleanedLabels:
    """The training labels a strategy produced.

    Attributes
    ----------
    labels : ndarray of int64, shape (N,)
        Label to train on for each original example (meaningful where ``keep``).
    keep : ndarray of bool, shape (N,)
        Examples that stay in the training set.
    flagged : ndarray of bool, shape (N,)
        Examples CL flagged (all false for strategies without CL).
    relabelled : ndarray of bool, shape (N,)
        Examples whose label was replaced by the model's suggestion.
    """

    labels: np.ndarray
    keep: np.ndarray
    flagged: np.ndarray
    relabelled: np.ndarray


def check_strategy(strategy: str) -> str:
    """Return ``strategy`` if known; ValueError naming the choices otherwise."""
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy: unknown strategy {strategy!r}; choose one of {', '.join(STRATEGIES)}")
    return strategy


def check_threshold(threshold: float) -> float:
    """Return ``threshold`` if it lies in (0, 1]; ValueError otherwise."""
    if not (isinstance(threshold, (int, float)) and 0.0 < float(threshold) <= 1.0):
        raise ValueError(f"threshold: must lie in (0, 1], got {threshold}")
    return float(threshold)


def strategy_loss(strategy: str, loss: str | None = None) -> str:
    """The loss a strategy trains with: ``ls`` for the label-smoothing ones, else ``loss`` or ``ce``."""
    if strategy in ("label-smoothing", "ls+pseudo-label"):
        return "ls"
    return loss or "ce"


def flag_issues(labels: np.ndarray, pred_probs: np.ndarray, filter_by: str) -> np.ndarray:
    """Boolean mask of the examples confident learning flags, by ``filter_by``."""
    from .. import core

    return np.asarray(core.find_label_issues(labels, pred_probs, filter_by=filter_by), dtype=bool)


def apply_strategy(strategy: str, labels: np.ndarray, pred_probs: np.ndarray | None = None, *,
                   flagged: np.ndarray | None = None, filter_by: str = "prune_by_noise_rate",
                   threshold: float = 0.9, keep_unconfident: bool = False) -> CleanedLabels:
    """Compute the labels and rows ``strategy`` trains on.

    Parameters
    ----------
    strategy : str
        One of :data:`STRATEGIES`.
    labels : ndarray of int, shape (N,)
        The given (noisy) labels.
    pred_probs : ndarray, shape (N, K), optional
        Out-of-sample predicted probabilities; required by the CL strategies.
    flagged : ndarray of bool, optional
        CL's flags if already computed; otherwise computed with ``filter_by``.
    filter_by : str
        Passed to :func:`fastclean.core.find_label_issues`.
    threshold : float
        Pseudo-label confidence threshold, in (0, 1] (``relabel`` ignores it).
    keep_unconfident : bool
        Pseudo-label: keep flagged examples below ``threshold`` with their given label
        instead of dropping them.

    Returns
    -------
    CleanedLabels

    Examples
    --------
    >>> import numpy as np
    >>> labels = np.array([0, 0, 1, 1])
    >>> apply_strategy("baseline", labels).keep.all()
    True
    """
    check_strategy(strategy)
    threshold = check_threshold(threshold)
    labels = np.asarray(labels, dtype=np.int64)
    n = len(labels)
    out_labels = labels.copy()
    keep = np.ones(n, dtype=bool)
    relabelled = np.zeros(n, dtype=bool)
    if strategy not in CL_STRATEGIES:
        return CleanedLabels(out_labels, keep, np.zeros(n, dtype=bool), relabelled)
    if pred_probs is None:
        raise ValueError(f"pred_probs: strategy {strategy!r} needs out-of-sample pred_probs")
    pred_probs = np.asarray(pred_probs)
    if pred_probs.shape[0] != n:
        raise ValueError(f"pred_probs: has {pred_probs.shape[0]} rows, labels has {n}")
    if flagged is None:
        flagged = flag_issues(labels, pred_probs, filter_by)
    flagged = np.asarray(flagged, dtype=bool)
    if strategy == "prune":
        keep &= ~flagged
    else:
        suggested = pred_probs.argmax(axis=1)
        if strategy == "relabel":
            confident = np.ones(n, dtype=bool)
        else:
            confident = pred_probs[np.arange(n), suggested] >= threshold
        relabelled = flagged & confident & (suggested != labels)
        out_labels[relabelled] = suggested[relabelled]
        if not keep_unconfident:
            keep &= ~(flagged & ~confident)
    return CleanedLabels(out_labels, keep, flagged, relabelled)
