"""Detection scores and the empirical noise matrix."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import average_precision_score, precision_recall_fscore_support

from fastclean.core import detection_scores, empirical_noise_matrix


@settings(max_examples=60, deadline=None)
@given(data=st.data(), n=st.integers(1, 60))
def test_scores_agree_with_scikit_learn(data, n):
    flagged = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    noisy = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    quality = np.array(data.draw(st.lists(st.integers(0, 5), min_size=n, max_size=n))) / 5
    out = detection_scores(flagged, noisy, label_quality=quality)
    p, r, f, _ = precision_recall_fscore_support(noisy, flagged, average="binary",
                                                 zero_division=0)
    assert out["precision"] == pytest.approx(p)
    assert out["recall"] == pytest.approx(r)
    assert out["f1"] == pytest.approx(f)
    if noisy.any():
        assert out["auprc"] == pytest.approx(average_precision_score(noisy, -quality))
    else:
        assert np.isnan(out["auprc"])


def test_perfect_detection_scores_one():
    truth = np.array([True, False, True, False])
    out = detection_scores(truth, truth, label_quality=np.array([0.1, 0.9, 0.2, 0.8]))
    assert out["precision"] == out["recall"] == out["f1"] == out["auprc"] == 1.0


def test_empirical_noise_matrix_columns_are_conditional_on_true_class():
    true = np.array([0, 0, 0, 0, 1, 1])
    given = np.array([0, 0, 0, 1, 1, 1])
    nm = empirical_noise_matrix(given, true, 3)
    np.testing.assert_allclose(nm[:, 0], [0.75, 0.25, 0])
    np.testing.assert_allclose(nm[:, 1], [0, 1, 0])
    np.testing.assert_allclose(nm[:, 2], [0, 0, 0])


@pytest.mark.parametrize("call, exc, match", [
    (lambda: detection_scores([True], [True, False]), ValueError, "same length"),
    (lambda: detection_scores([0.5], [True]), TypeError, "flagged_mask"),
    (lambda: detection_scores([True], [True], label_quality=[1, 2]), ValueError, "label_quality"),
    (lambda: empirical_noise_matrix([0, 3], [0, 1], 3), ValueError, "given"),
    (lambda: empirical_noise_matrix([0, 1], [0, 1], 0), ValueError, "n_classes"),
])
def test_bad_arguments_are_rejected_naming_them(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
