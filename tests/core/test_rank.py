"""Label quality scores and issue ordering match cleanlab 2.9.0's rank module."""

from __future__ import annotations

import numpy as np
import pytest
from cleanlab import rank as cl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fastclean.core import get_label_quality_scores, order_label_issues

from .conftest import make_problem, problems

METHODS = ["self_confidence", "normalized_margin", "confidence_weighted_entropy"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problem=problems(), method=st.sampled_from(METHODS), adjust=st.booleans(),
       chunk=st.sampled_from([None, 5]))
def test_scores_and_order_match_reference(problem, method, adjust, chunk):
    labels, probs = problem
    adjust = adjust and method != "confidence_weighted_entropy"
    ours = get_label_quality_scores(labels, probs, method=method, adjust_pred_probs=adjust,
                                    chunk_size=chunk)
    ref = cl.get_label_quality_scores(labels, probs, method=method, adjust_pred_probs=adjust)
    assert ours.dtype == ref.dtype
    np.testing.assert_array_equal(ours, ref)
    mask = np.random.default_rng(len(labels)).random(len(labels)) < 0.5
    np.testing.assert_array_equal(order_label_issues(mask, labels, probs, rank_by=method),
                                  cl.order_label_issues(mask, labels, probs, rank_by=method))


def test_mislabelled_example_scores_lowest():
    probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.05, 0.95]])
    for method in METHODS:
        scores = get_label_quality_scores([0, 0, 0], probs, method=method)
        assert scores.argmin() == 2


def test_bad_method_and_mask_raise_value_error():
    labels, probs = make_problem(0, 20, 3)
    with pytest.raises(ValueError, match="method"):
        get_label_quality_scores(labels, probs, method="bad")
    with pytest.raises(ValueError, match="adjust_pred_probs"):
        get_label_quality_scores(labels, probs, method="confidence_weighted_entropy",
                                 adjust_pred_probs=True)
    with pytest.raises(ValueError, match="label_issues_mask"):
        order_label_issues(np.ones(5, bool), labels, probs)
    with pytest.raises(ValueError, match="rank_by"):
        order_label_issues(np.ones(20, bool), labels, probs, rank_by="bad")
