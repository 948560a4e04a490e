"""cleanlab-shaped ``dataset`` module: class-level and dataset-level label health as DataFrames.

The tables have cleanlab's column names and cleanlab's row order: they are built row for row
in the same order and sorted with the same pandas call, so tied rows come out alike.
"""

from __future__ import annotations

import numpy as np

from ..core.dataset import _EPSILON
from ._inputs import labels_array
from .count import estimate_joint, num_label_issues

_NO_EXAMPLES = ("num_examples is unknown: provide labels, or a confident_joint, or num_examples "
                "together with joint")


def _num_examples(labels=None, confident_joint=None) -> int:
    if labels is None and confident_joint is None:
        raise ValueError(_NO_EXAMPLES)
    return len(labels) if labels is not None else np.sum(confident_joint)


def _reject_multi_label(multi_label: bool, instead: str) -> None:
    if multi_label:
        raise ValueError(f"For multi-label data, call fastclean.compat.multilabel_classification."
                         f"dataset.{instead}() instead")


def _joint(labels, pred_probs, joint, confident_joint):
    if joint is not None:
        return np.asarray(joint)
    if labels is not None:
        labels = labels_array(labels)
    return estimate_joint(labels, pred_probs, confident_joint=confident_joint)


def rank_classes_by_label_quality(labels=None, pred_probs=None, *, class_names=None,
                                  num_examples=None, joint=None, confident_joint=None,
                                  multi_label=False):
    """Classes ordered by label quality, worst first, as a DataFrame.

    Columns: ``Class Index``, ``Label Issues``, ``Inverse Label Issues``, ``Label Noise``,
    ``Inverse Label Noise``, ``Label Quality Score`` (``Class Name`` first when
    ``class_names`` is given). Works without labels from ``joint`` and ``num_examples``.

    Returns
    -------
    pandas.DataFrame
    """
    import pandas as pd

    _reject_multi_label(multi_label, "rank_classes_by_multilabel_quality")
    joint = _joint(labels, pred_probs, joint, confident_joint)
    if num_examples is None:
        num_examples = _num_examples(labels=labels)
    given_noise = joint.sum(axis=1) - joint.diagonal()
    true_noise = joint.sum(axis=0) - joint.diagonal()
    given_rate = given_noise / np.clip(joint.sum(axis=1), a_min=_EPSILON, a_max=None)
    true_rate = true_noise / np.clip(joint.sum(axis=0), a_min=_EPSILON, a_max=None)
    df = pd.DataFrame({
        "Class Index": np.arange(len(joint)),
        "Label Issues": (given_noise * num_examples).round().astype(int),
        "Inverse Label Issues": (true_noise * num_examples).round().astype(int),
        "Label Noise": given_rate,
        "Inverse Label Noise": true_rate,
        "Label Quality Score": 1 - given_rate,
    })
    if class_names is not None:
        df.insert(loc=0, column="Class Name", value=class_names)
    return df.sort_values(by="Label Quality Score", ascending=True).reset_index(drop=True)


def find_overlapping_classes(labels=None, pred_probs=None, *, asymmetric=False, class_names=None,
                             num_examples=None, joint=None, confident_joint=None,
                             multi_label=False):
    """Pairs of classes the labels confuse most, by joint probability, as a DataFrame.

    Columns: ``Class Index A``, ``Class Index B``, ``Num Overlapping Examples``,
    ``Joint Probability`` (``Class Name A/B`` first when ``class_names`` is given). Symmetric
    pairs (``A < B``, ``P(A, B) + P(B, A)``) unless ``asymmetric``.

    Returns
    -------
    pandas.DataFrame
    """
    import pandas as pd

    _reject_multi_label(multi_label, "common_multilabel_issues")
    joint = _joint(labels, pred_probs, joint, confident_joint)
    if num_examples is None:
        num_examples = _num_examples(labels=labels, confident_joint=confident_joint)
    k = len(joint)
    rows, cols = np.divmod(np.arange(k * k), k)
    if asymmetric:
        keep = rows != cols
        values = joint.reshape(-1)
    else:
        keep = rows < cols
        values = (np.triu(joint) + np.tril(joint).T).reshape(-1)
    df = pd.DataFrame({"Class Index A": rows[keep].astype(np.int64),
                       "Class Index B": cols[keep].astype(np.int64),
                       "Joint Probability": np.asarray(values[keep], dtype=float)})
    df.insert(loc=2, column="Num Overlapping Examples",
              value=(df["Joint Probability"] * num_examples).round().astype(int))
    if class_names is not None:
        names = list(class_names)
        df.insert(loc=0, column="Class Name A", value=[names[i] for i in df["Class Index A"]])
        df.insert(loc=1, column="Class Name B", value=[names[i] for i in df["Class Index B"]])
    return df.sort_values(by="Joint Probability", ascending=False).reset_index(drop=True)


def overall_label_health_score(labels=None, pred_probs=None, *, num_examples=None,
                               confident_joint=None, joint=None, multi_label=False,
                               verbose=True) -> float:
    """One number: the estimated fraction of correct labels (1 - issues / N).

    From labels and pred_probs it counts the issues; without them it is the trace of the
    joint (from ``joint`` or a ``confident_joint``).
    """
    _reject_multi_label(multi_label, "overall_multilabel_health_score")
    if num_examples is None:
        num_examples = _num_examples(labels=labels, confident_joint=confident_joint)
    if pred_probs is None or labels is None:
        joint = _joint(labels, pred_probs, joint, confident_joint)
        score = joint.trace()
        n_issues = (num_examples * (1 - score)).round().astype(int)
    else:
        n_issues = num_label_issues(labels, pred_probs, confident_joint=confident_joint)
        score = 1 - n_issues / num_examples
    if verbose:
        print(f" * About {100 * (1 - score):.1f}% ({n_issues} of {num_examples}) of the labels "
              "look wrong.\n * Overall label health score:", round(float(score), 4))
    return score


def health_summary(labels=None, pred_probs=None, *, asymmetric=False, class_names=None,
                   num_examples=None, joint=None, confident_joint=None, multi_label=False,
                   verbose=True) -> dict:
    """Class quality, overlapping classes and the overall score in one dict.

    Returns
    -------
    dict
        ``overall_label_health_score`` (float), ``joint`` (K x K array),
        ``classes_by_label_quality`` and ``overlapping_classes`` (DataFrames as returned by
        :func:`rank_classes_by_label_quality` and :func:`find_overlapping_classes`).
    """
    _reject_multi_label(multi_label, "multilabel_health_summary")
    joint = _joint(labels, pred_probs, joint, confident_joint)
    if num_examples is None:
        num_examples = _num_examples(labels=labels)
    classes = rank_classes_by_label_quality(labels, pred_probs, class_names=class_names,
                                            num_examples=num_examples, joint=joint,
                                            confident_joint=confident_joint)
    overlaps = find_overlapping_classes(labels, pred_probs, asymmetric=asymmetric,
                                        class_names=class_names, num_examples=num_examples,
                                        joint=joint, confident_joint=confident_joint)
    if verbose:
        print(f"Label health of a dataset with {num_examples:,} examples and {len(joint)} classes\n")
        print("Classes by label quality (worst first):")
        print(classes.to_string(), "\n")
        print("Class pairs the labels confuse most:")
        print(overlaps.head(20).to_string(), "\n")
    score = overall_label_health_score(labels, pred_probs, num_examples=num_examples,
                                       confident_joint=confident_joint, verbose=verbose)
    return {"overall_label_health_score": score, "joint": joint,
            "classes_by_label_quality": classes, "overlapping_classes": overlaps}


__all__ = ["rank_classes_by_label_quality", "find_overlapping_classes",
           "overall_label_health_score", "health_summary"]
