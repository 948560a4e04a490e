"""The default outlier score (isolation forest, far-out fence): groups, determinism, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from fastclean.audit import find_data_issues, nearest_neighbors, outliers
from fastclean.audit.isolation import flag_anomalies, isolation_outliers


def _with_a_group_of_outliers(n=1200, d=16, n_out=40, seed=0):
    """Blobs of ordinary examples plus a tight group of ``n_out`` examples of another kind."""
    rng = np.random.default_rng(seed)
    centers = rng.standard_normal((5, d)) * 4
    x = centers[rng.integers(0, 5, n)] + rng.standard_normal((n, d))
    far = rng.standard_normal(d)
    far *= 25 / np.linalg.norm(far)
    group = far + 0.3 * rng.standard_normal((n_out, d))
    truth = np.r_[np.zeros(n, bool), np.ones(n_out, bool)]
    return np.vstack([x, group]).astype(np.float32), truth


def _precision_recall(flags, truth):
    tp = np.sum(flags & truth)
    return tp / max(flags.sum(), 1), tp / truth.sum()


@pytest.mark.parametrize("seed", [0, 1])
def test_a_group_of_outliers_is_found_where_the_knn_distance_misses_it(seed):
    x, truth = _with_a_group_of_outliers(seed=seed)
    # The k-NN distance (Datalab's score): each member's 10 nearest are the group itself.
    old = outliers(nearest_neighbors(x, 10, backend="exact"))
    assert _precision_recall(old.is_issue, truth)[1] < 0.5
    new = isolation_outliers(x)
    p, r = _precision_recall(new.is_issue, truth)
    assert p >= 0.95 and r >= 0.95
    # Through the API: the default mode uses it, the Datalab mode keeps the k-NN distance.
    ours = find_data_issues(x, checks="outliers", backend="exact")
    np.testing.assert_array_equal(ours.flags["outlier"], new.is_issue)
    assert ours.settings["outlier_method"] == "isolation"
    assert ours.settings["outlier_input"] == "features"
    datalab = find_data_issues(x, checks="outliers", mode="datalab", backend="exact")
    np.testing.assert_array_equal(datalab.flags["outlier"], old.is_issue)


def test_scores_are_deterministic_in_range_and_ordered():
    x, truth = _with_a_group_of_outliers(n=400, n_out=10)
    a, b = isolation_outliers(x, seed=3), isolation_outliers(x.astype(np.float64), seed=3)
    np.testing.assert_array_equal(a.scores, b.scores)
    np.testing.assert_array_equal(a.is_issue, b.is_issue)
    assert np.all((a.scores >= 0) & (a.scores < 1))
    np.testing.assert_allclose(a.scores, 1 - a.anomaly)
    # Flagged = anomaly above the cutoff; lower score = more unusual.
    np.testing.assert_array_equal(a.is_issue, a.anomaly > a.cutoff)
    assert a.scores[truth].mean() < a.scores[~truth].mean()
    q1, q3 = np.percentile(a.anomaly, [25, 75])
    assert a.cutoff == pytest.approx(q3 + 3 * (q3 - q1))


def test_fence_and_equal_scores():
    anomaly = np.r_[np.full(20, 0.4), 0.9]
    res = flag_anomalies(anomaly)                       # IQR 0: only what lies above Q3
    assert res.is_issue.tolist() == [False] * 20 + [True]
    assert not isolation_outliers(np.ones((30, 3))).is_issue.any()   # all rows equal
    lower = flag_anomalies(np.linspace(0, 1, 101), fence=0.0)
    assert lower.is_issue.sum() == 25


@pytest.mark.parametrize("bad, match", [
    (np.array([[0.0, 1.0], [np.nan, 1.0], [2.0, 2.0]]), "features: 1 rows hold NaN or inf"),
    (np.array([[0.0, 1.0], [np.inf, 1.0], [2.0, 2.0]]), "features: 1 rows hold NaN or inf"),
    (np.zeros((1, 4)), "features: need at least 2 examples"),
    (np.zeros(5), "features: expected a 2-D array"),
])
def test_bad_features_raise_naming_the_argument(bad, match):
    with pytest.raises(ValueError, match=match):
        isolation_outliers(bad)


def test_bad_settings_raise_naming_the_argument():
    x = np.random.default_rng(0).standard_normal((20, 3))
    with pytest.raises(ValueError, match="fence"):
        isolation_outliers(x, fence=-1)
    with pytest.raises(ValueError, match="n_trees"):
        isolation_outliers(x, n_trees=0)
    with pytest.raises(ValueError, match="subsample"):
        isolation_outliers(x, subsample=1)
    with pytest.raises(TypeError, match="n_trees"):
        isolation_outliers(x, n_trees=2.5)
    with pytest.raises(ValueError, match="outlier_method"):
        find_data_issues(x, outlier_method="lof")


def test_tiny_data_and_k_larger_than_the_data():
    x = np.array([[1.0, 0.0], [1.1, 0.0], [1.0, 0.1], [1.1, 0.1], [9.0, -9.0]])
    res = find_data_issues(x, k=50, checks="outliers", backend="exact")
    assert res.settings["k_used"] == 4
    assert res.flags["outlier"].shape == (5,)
    two = isolation_outliers(x[:2])                      # subsample clipped to the 2 rows
    assert two.scores.shape == (2,) and not two.is_issue.any()


def test_small_images_are_scored_on_their_raw_pixels():
    from sklearn.datasets import load_digits

    digits = (load_digits().images * 16).clip(0, 255).astype(np.uint8)
    rng = np.random.default_rng(0)
    # Photos-like images: a faint textured background everywhere, unlike a digit's black one.
    photos = rng.integers(10, 90, (15, 8, 8)).astype(np.uint8)
    images = np.concatenate([digits, photos])
    truth = np.r_[np.zeros(len(digits), bool), np.ones(15, bool)]
    feats = images.reshape(len(images), -1).astype(np.float32) - images.mean(0).reshape(1, -1)
    res = find_data_issues(feats, images=images, checks="outliers", backend="exact")
    assert res.settings["outlier_input"] == "pixels"
    p, r = _precision_recall(res.flags["outlier"], truth)
    assert p >= 0.9 and r >= 0.9
    table = res.table[res.table["issue_type"] == "outlier"]
    assert table["score"].is_monotonic_increasing
