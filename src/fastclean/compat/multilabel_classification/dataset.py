"""cleanlab-shaped ``multilabel_classification.dataset``: label health of multi-label data.

Tables have cleanlab's columns and are built and sorted the same way (same pandas sort on the
same row order), so tied rows come out in cleanlab's order.
"""

from __future__ import annotations

import numpy as np

from ...core.multilabel import (
    BinaryProblems,
    find_multilabel_issues,
    issues_per_class,
    validate_multilabel_inputs,
)
from .._inputs import pred_probs_array

_NO_EXAMPLES = ("num_examples is unknown: provide labels, or a confident_joint, or num_examples "
                "together with joint")


def _num_examples(labels=None, confident_joint=None) -> int:
    if labels is None and confident_joint is None:
        raise ValueError(_NO_EXAMPLES)
    return len(labels) if labels is not None else int(np.sum(np.asarray(confident_joint)[0]))


def _issue_counts(labels, pred_probs, confident_joint):
    onehot, probs = validate_multilabel_inputs(labels, pred_probs_array(pred_probs))
    bp = BinaryProblems.build(onehot, probs)
    if (bp.counts[:, 0] == 0).any():
        raise ValueError("Labels must contain at least 2 classes.")
    issues = issues_per_class(bp, confident_joint=confident_joint)
    wrongly_in = np.count_nonzero(issues & onehot, axis=0)
    wrongly_out = np.count_nonzero(issues & ~onehot, axis=0)
    return wrongly_in, wrongly_out


def common_multilabel_issues(labels=list, pred_probs=None, *, class_names=None,
                             confident_joint=None):
    """How often each class is wrongly given and wrongly missing, most frequent first.

    Columns: ``Class Index``, ``In Given Label``, ``In Suggested Label``, ``Num Examples``,
    ``Issue Probability`` (``Class Name`` first when ``class_names`` is given); two rows per
    class.

    Returns
    -------
    pandas.DataFrame
    """
    import pandas as pd

    num_examples = _num_examples(labels=labels, confident_joint=confident_joint)
    wrongly_in, wrongly_out = _issue_counts(labels, pred_probs, confident_joint)
    k = len(wrongly_in)
    counts = np.empty(2 * k, dtype=np.int64)
    counts[0::2], counts[1::2] = wrongly_in, wrongly_out
    columns = {}
    if class_names is not None:
        columns["Class Name"] = [class_names[c] for c in np.repeat(np.arange(k), 2)]
    columns["Class Index"] = np.repeat(np.arange(k), 2)
    columns["In Given Label"] = np.tile([True, False], k)
    columns["In Suggested Label"] = np.tile([False, True], k)
    columns["Num Examples"] = counts
    columns["Issue Probability"] = counts / num_examples
    return (pd.DataFrame(columns).sort_values(by=["Issue Probability"], ascending=False)
            .reset_index(drop=True))


def rank_classes_by_multilabel_quality(labels=None, pred_probs=None, *, class_names=None,
                                       joint=None, confident_joint=None):
    """Classes ordered by label quality (1 - rate of wrongly given), worst first.

    Columns: ``Class Index``, ``Label Issues``, ``Inverse Label Issues``, ``Label Noise``,
    ``Inverse Label Noise``, ``Label Quality Score`` (``Class Name`` first when given).
    As in cleanlab, a ``joint`` argument is passed on as the confident joint.

    Returns
    -------
    pandas.DataFrame
    """
    import pandas as pd

    issues = common_multilabel_issues(labels=labels, pred_probs=pred_probs,
                                      class_names=class_names, confident_joint=joint)
    num_examples = _num_examples(labels=labels, confident_joint=confident_joint)
    # Classes in order of first appearance in the sorted issue table, as cleanlab builds it.
    index = issues["Class Index"].to_numpy()
    _, first = np.unique(index, return_index=True)
    order = index[np.sort(first)]
    given = issues[issues["In Given Label"]].set_index("Class Index")["Issue Probability"]
    missing = issues[~issues["In Given Label"]].set_index("Class Index")["Issue Probability"]
    noise = given.loc[order].to_numpy()
    inverse = missing.loc[order].to_numpy()
    columns = {"Class Index": order}
    if class_names is not None:
        columns["Class Name"] = [class_names[c] for c in order]
    columns.update({
        "Label Issues": [int(v * num_examples) for v in noise],
        "Inverse Label Issues": [int(v * num_examples) for v in inverse],
        "Label Noise": noise,
        "Inverse Label Noise": inverse,
        "Label Quality Score": 1 - noise,
    })
    wanted = ["Class Name", "Class Index", "Label Issues", "Inverse Label Issues", "Label Noise",
              "Inverse Label Noise", "Label Quality Score"]
    if class_names is None:
        wanted = wanted[1:]
    return (pd.DataFrame(columns).sort_values(by="Label Quality Score", ascending=True)
            .reset_index(drop=True)[wanted])


def overall_multilabel_health_score(labels=None, pred_probs=None, *, confident_joint=None) -> float:
    """Fraction of examples whose label set is not flagged."""
    num_examples = _num_examples(labels=labels)
    issues = find_multilabel_issues(labels, pred_probs_array(pred_probs),
                                    confident_joint=confident_joint)
    return 1.0 - np.sum(issues) / num_examples


def multilabel_health_summary(labels=None, pred_probs=None, *, class_names=None,
                              num_examples=None, confident_joint=None, verbose=True) -> dict:
    """Class quality, common issues and the overall score of multi-label data in one dict.

    Returns
    -------
    dict
        ``overall_multilabel_health_score``, ``classes_by_multilabel_quality`` and
        ``common_multilabel_issues``.
    """
    if num_examples is None:
        num_examples = _num_examples(labels=labels)
    classes = rank_classes_by_multilabel_quality(labels=labels, pred_probs=pred_probs,
                                                 class_names=class_names,
                                                 confident_joint=confident_joint)
    common = common_multilabel_issues(labels=labels, pred_probs=pred_probs,
                                      class_names=class_names, confident_joint=confident_joint)
    score = overall_multilabel_health_score(labels=labels, pred_probs=pred_probs,
                                            confident_joint=confident_joint)
    if verbose:
        print(f"Label health of a multi-label dataset with {num_examples:,} examples\n")
        print("Classes by label quality (worst first):")
        print(classes.to_string(), "\n")
        print("Most common issues:")
        print(common.head(20).to_string(), "\n")
        print(" * Overall multi-label health score:", round(float(score), 4))
    return {"overall_multilabel_health_score": score,
            "classes_by_multilabel_quality": classes,
            "common_multilabel_issues": common}


__all__ = ["common_multilabel_issues", "rank_classes_by_multilabel_quality",
           "overall_multilabel_health_score", "multilabel_health_summary"]
