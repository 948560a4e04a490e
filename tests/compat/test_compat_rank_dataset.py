"""cleanlab 2.9's test_rank.py / test_dataset.py calls: fastclean.compat against cleanlab itself.

Ensemble scores, find_top_issues, find_label_issues_batched, and the functions where cleanlab
does not check that probabilities stay below 1 (the published IMDB pred_probs reach 1.00001).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from cleanlab import count as cl_count
from cleanlab import dataset as cl_dataset
from cleanlab import rank as cl_rank
from cleanlab.experimental.label_issues_batched import (
    find_label_issues_batched as cl_find_label_issues_batched,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fastclean.compat import count, dataset, rank
from fastclean.compat.experimental.label_issues_batched import find_label_issues_batched

from ..core.conftest import make_problem, problems

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def members(seed: int, n: int = 200, k: int = 4, m: int = 3):
    labels, base = make_problem(seed, n, k)
    rng = np.random.default_rng(seed + 1)
    out = []
    for _ in range(m):
        p = base * rng.uniform(0.5, 1.5, base.shape)
        out.append(p / p.sum(axis=1, keepdims=True))
    return labels, out


@pytest.mark.parametrize("weighting", ["uniform", "accuracy", "log_loss_search"])
@pytest.mark.parametrize("method,adjust", [("self_confidence", False), ("self_confidence", True),
                                           ("normalized_margin", True),
                                           ("confidence_weighted_entropy", False)])
def test_ensemble_scores_match_cleanlab(weighting, method, adjust):
    labels, probs = members(3)
    kw = dict(method=method, adjust_pred_probs=adjust, weight_ensemble_members_by=weighting,
              verbose=False)
    ours = rank.get_label_quality_ensemble_scores(labels, probs, **kw)
    ref = cl_rank.get_label_quality_ensemble_scores(labels, probs, **kw)
    np.testing.assert_array_equal(ours, ref)


def test_ensemble_custom_weights_match_cleanlab():
    labels, probs = members(5)
    w = np.array([0.2, 0.5, 0.3])
    kw = dict(weight_ensemble_members_by="custom", custom_weights=w, verbose=False)
    np.testing.assert_array_equal(rank.get_label_quality_ensemble_scores(labels, probs, **kw),
                                  cl_rank.get_label_quality_ensemble_scores(labels, probs, **kw))


@pytest.mark.parametrize("call", [
    lambda r, y, p: r.get_label_quality_ensemble_scores(y, np.stack(p), verbose=False),
    lambda r, y, p: r.get_label_quality_ensemble_scores(y, [], verbose=False),
    lambda r, y, p: r.get_label_quality_ensemble_scores(
        y, p, weight_ensemble_members_by="custom", verbose=False),
    lambda r, y, p: r.get_label_quality_ensemble_scores(
        y, p, weight_ensemble_members_by="custom", custom_weights=np.ones(2), verbose=False),
    lambda r, y, p: r.get_label_quality_ensemble_scores(
        y, p, weight_ensemble_members_by="accuracy", custom_weights=np.ones(3), verbose=False),
    lambda r, y, p: r.get_label_quality_ensemble_scores(
        y, p, weight_ensemble_members_by="nope", verbose=False),
])
def test_ensemble_errors_have_cleanlabs_types(call):
    labels, probs = members(7)
    with pytest.raises(Exception) as ref:
        quiet(call, cl_rank, labels, probs)
    with pytest.raises(ref.type):
        quiet(call, rank, labels, probs)


@given(st.integers(0, 2**31 - 1), st.sampled_from([None, 0, 3, 10_000]))
@SETTINGS
def test_find_top_issues_matches_cleanlab(seed, top):
    rng = np.random.default_rng(seed)
    scores = rng.integers(0, 5, rng.integers(1, 300)) / 4  # many ties
    np.testing.assert_array_equal(rank.find_top_issues(scores, top=top),
                                  cl_rank.find_top_issues(scores, top=top))


@given(problems(max_n=300, max_k=8), st.sampled_from([1, 7, 64, 10_000]),
       st.sampled_from([{}, {"adjust_pred_probs": True}, {"method": "normalized_margin"}]),
       st.sampled_from([{}, {"estimation_method": "off_diagonal_calibrated"}]))
@SETTINGS
def test_batched_label_issues_match_cleanlab(problem, batch_size, score_kw, issue_kw):
    labels, pred_probs = problem
    kw = dict(batch_size=batch_size, n_jobs=1, verbose=False, quality_score_kwargs=score_kw,
              num_issue_kwargs=issue_kw)
    ref = quiet(cl_find_label_issues_batched, labels=labels, pred_probs=pred_probs, **kw)
    ours = find_label_issues_batched(labels=labels, pred_probs=pred_probs, **kw)
    np.testing.assert_array_equal(ours, ref)


def test_batched_label_issues_from_files_and_mask(tmp_path):
    labels, pred_probs = make_problem(11, 500, 5, dtype=np.float32)
    np.save(tmp_path / "y.npy", labels)
    np.save(tmp_path / "p.npy", pred_probs)
    kw = dict(labels_file=str(tmp_path / "y.npy"), pred_probs_file=str(tmp_path / "p.npy"),
              batch_size=128, verbose=False, return_mask=True)
    np.testing.assert_array_equal(find_label_issues_batched(**kw),
                                  quiet(cl_find_label_issues_batched, **kw))
    with pytest.raises(ValueError):
        find_label_issues_batched(labels=labels, **kw)


def above_one(seed: int = 0):
    """pred_probs with a few entries of 1.00001, like the published IMDB file."""
    labels, probs = make_problem(seed, 400, 2)
    rows = np.arange(0, 400, 37)
    probs[rows] = 0.0
    probs[rows, labels[rows]] = 1.00001
    return labels, probs


def test_values_slightly_above_one_accepted_where_cleanlab_accepts_them():
    labels, probs = above_one()
    np.testing.assert_array_equal(count.compute_confident_joint(labels, probs),
                                  cl_count.compute_confident_joint(labels, probs))
    np.testing.assert_allclose(count.estimate_joint(labels, probs),
                               cl_count.estimate_joint(labels, probs), rtol=1e-12)
    np.testing.assert_allclose(count.get_confident_thresholds(labels, probs),
                               cl_count.get_confident_thresholds(labels, probs), rtol=1e-12)
    joint = cl_count.estimate_joint(labels=labels, pred_probs=probs)
    for asymmetric in (True, False):
        ours = dataset.find_overlapping_classes(joint=joint, asymmetric=asymmetric,
                                                num_examples=len(labels))
        ref = cl_dataset.find_overlapping_classes(joint=joint, asymmetric=asymmetric,
                                                  num_examples=len(labels))
        assert list(ours.columns) == list(ref.columns)
        np.testing.assert_allclose(ours.to_numpy(dtype=float), ref.to_numpy(dtype=float))
    ours = dataset.rank_classes_by_label_quality(labels=labels, pred_probs=probs)
    ref = cl_dataset.rank_classes_by_label_quality(labels=labels, pred_probs=probs)
    np.testing.assert_allclose(ours.to_numpy(dtype=float), ref.to_numpy(dtype=float))


def test_values_slightly_above_one_rejected_where_cleanlab_rejects_them():
    labels, probs = above_one()
    for fn in ("get_label_quality_scores",):
        with pytest.raises(ValueError):
            getattr(cl_rank, fn)(labels, probs)
        with pytest.raises(ValueError):
            getattr(rank, fn)(labels, probs)
    with pytest.raises(ValueError):
        cl_count.num_label_issues(labels, probs)
    with pytest.raises(ValueError):
        count.num_label_issues(labels, probs)
