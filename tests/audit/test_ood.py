"""Outliers from pred_probs alone (no features): Datalab's rule, checked against Datalab."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from fastclean.audit import find_data_issues
from fastclean.audit.ood import pred_probs_outliers


def _probs(n=600, k=4, n_flat=12, seed=0):
    """Confident predictions, a few spread evenly (look like no class); class 3 is less sure."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, k, n)
    logits = rng.normal(0, 1, (n, k))
    logits[np.arange(n), labels] += np.where(labels == 3, 2.0, 5.0)
    logits[:n_flat] = rng.normal(0, 0.05, (n_flat, k))
    p = np.exp(logits)
    return p / p.sum(axis=1, keepdims=True), labels


@pytest.mark.parametrize("seed", [0, 1])
def test_matches_cleanlab_datalab_with_pred_probs_only(seed):
    pytest.importorskip("datasets", reason="cleanlab[datalab] is a dev dependency")
    from cleanlab import Datalab

    p, labels = _probs(seed=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lab = Datalab(data={"label": labels}, label_name="label", verbosity=0)
        lab.find_issues(pred_probs=p, issue_types={"outlier": {}})
    theirs = lab.get_issues()
    for mode in ("default", "datalab"):
        ours = find_data_issues(labels=labels, pred_probs=p, checks="outliers", mode=mode)
        np.testing.assert_allclose(ours.scores["outlier"], theirs["outlier_score"].to_numpy(),
                                   atol=1e-9)
        np.testing.assert_array_equal(ours.flags["outlier"], theirs["is_outlier_issue"].to_numpy())
        assert ours.settings["outlier_input"] == "pred_probs"
    # The evenly spread rows score low and are flagged more often than the rest.
    score, flag = ours.scores["outlier"], ours.flags["outlier"]
    assert score[:12].mean() < score[12:].mean() and flag[:12].mean() > flag[12:].mean()
    table = ours.table[ours.table["issue_type"] == "outlier"]
    assert table["score"].is_monotonic_increasing
    assert (table["given_label"].to_numpy() == labels[table["index"].to_numpy()]).all()


def test_features_win_over_pred_probs():
    p, labels = _probs()
    x = np.random.default_rng(0).standard_normal((len(labels), 5))
    res = find_data_issues(x, labels, pred_probs=p, checks="outliers", backend="exact")
    assert res.settings["outlier_input"] == "features"


def test_equal_rows_flag_nothing_and_missing_classes_are_fine():
    p = np.tile([0.7, 0.2, 0.1], (50, 1))
    labels = np.zeros(50, dtype=int)                  # classes 1 and 2 never given
    res = pred_probs_outliers(p, labels)
    assert not res.is_issue.any()
    assert np.all((res.scores >= 0) & (res.scores <= 1))


@pytest.mark.parametrize("p, labels, err, match", [
    (np.array([[0.5, np.nan], [0.5, 0.5]]), [0, 1], ValueError, "pred_probs"),
    (np.array([[1.5, -0.5], [0.5, 0.5]]), [0, 1], ValueError, "pred_probs"),
    (np.ones((3, 1)), [0, 0, 0], ValueError, "pred_probs"),
    (np.array([[1, 0], [0, 1]]), [0, 1], TypeError, "pred_probs"),
    (np.full((3, 2), 0.5), [0, 1], ValueError, "labels"),
])
def test_bad_input_raises_naming_the_argument(p, labels, err, match):
    with pytest.raises(err, match=match):
        pred_probs_outliers(p, labels)


def test_scores_by_blocks_equal_the_whole():
    from fastclean.audit.ood import block_scores
    from fastclean.core.count import get_confident_thresholds

    p, labels = _probs(n=500)
    whole = pred_probs_outliers(p, labels)
    t = get_confident_thresholds(labels, p)
    parts = np.concatenate([block_scores(p[:123], t), block_scores(p[123:], t)])
    np.testing.assert_array_equal(parts, whole.scores)
    res = find_data_issues(labels=labels, pred_probs_scores=parts, checks="outliers")
    np.testing.assert_array_equal(res.flags["outlier"], whole.is_issue)
    with pytest.raises(ValueError, match="pred_probs_scores"):
        find_data_issues(labels=labels, pred_probs_scores=parts[:-1], checks="outliers")
