"""Multi-label confident learning gives cleanlab 2.9.0's exact answers, ties included."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from cleanlab import count as cl_count
from cleanlab import filter as cl_filter
from cleanlab.multilabel_classification import rank as cl_rank
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fastclean.core import find_label_issues
from fastclean.core.filter import FILTER_BY
from fastclean.core.multilabel import (
    compute_multilabel_confident_joint,
    find_multilabel_issues,
    get_multilabel_quality_scores,
    multilabel_onehot,
    multilabel_thresholds,
)

RANKS = [None, "self_confidence", "normalized_margin", "confidence_weighted_entropy"]


def make_multilabel(seed: int, n: int, k: int, *, ties: bool = False, dtype=np.float64,
                    absent: bool = False, noise: float = 0.1):
    """Labels (lists of class indices) and per-class probabilities with label noise.

    ``ties`` draws probabilities from quarters (many equal values and margins); ``absent``
    leaves one class out of every label set.
    """
    rng = np.random.default_rng(seed)
    truth = rng.random((n, k)) < rng.uniform(0.1, 0.5)
    if ties:
        probs = rng.integers(0, 5, (n, k)) / 4.0
    else:
        probs = np.clip(truth * rng.uniform(0.3, 0.7) + rng.random((n, k)) * 0.5, 0, 1)
    given = truth ^ (rng.random((n, k)) < noise)
    if absent:
        given[:, rng.integers(0, k)] = False
    given[0] = False
    given[0, 0] = True   # some class is given somewhere, and no class is given everywhere
    given[1] = False
    labels = [[int(c) for c in np.flatnonzero(row)] for row in given]
    return labels, probs.astype(dtype)


@st.composite
def multilabel_problems(draw, max_n: int = 200, max_k: int = 8):
    return make_multilabel(
        draw(st.integers(0, 2**31 - 1)), draw(st.integers(4, max_n)), draw(st.integers(2, max_k)),
        ties=draw(st.booleans()), dtype=draw(st.sampled_from([np.float32, np.float64])),
        absent=draw(st.booleans()), noise=draw(st.sampled_from([0.0, 0.05, 0.2, 0.4])))


def fast(max_examples):
    return settings(max_examples=max_examples, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def outcome(fn, *args, **kwargs):
    """The result, or the type of the exception raised (compared with the reference's)."""
    try:
        return quiet(fn, *args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - the type is what is compared
        return type(exc)


def assert_same_outcome(ours, ref):
    if isinstance(ref, type) or isinstance(ours, type):
        assert ours is ref
        return
    assert ours.dtype.kind == ref.dtype.kind
    np.testing.assert_array_equal(ours, ref)


@fast(120)
@given(problem=multilabel_problems(), filter_by=st.sampled_from(FILTER_BY),
       rank_by=st.sampled_from(RANKS), adjust=st.booleans())
def test_find_label_issues_matches_reference(problem, filter_by, rank_by, adjust):
    labels, probs = problem
    kwargs = dict(filter_by=filter_by, return_indices_ranked_by=rank_by)
    if adjust and rank_by not in (None, "confidence_weighted_entropy"):
        kwargs["rank_by_kwargs"] = {"adjust_pred_probs": True}
    ref = outcome(cl_filter.find_label_issues, labels, probs, multi_label=True, n_jobs=1, **kwargs)
    ours = outcome(find_label_issues, labels, probs, multi_label=True, **kwargs)
    assert_same_outcome(ours, ref)


@fast(40)
@given(problem=multilabel_problems(), frac=st.sampled_from([1.0, 0.5]),
       remove=st.sampled_from([None, 1, 3]), min_per_class=st.sampled_from([1, 5]))
def test_pruning_options_match_reference(problem, frac, remove, min_per_class):
    labels, probs = problem
    k = probs.shape[1]
    kwargs = dict(frac_noise=frac, min_examples_per_class=min_per_class,
                  num_to_remove_per_class=None if remove is None else [remove] * k)
    ref = outcome(cl_filter.find_label_issues, labels, probs, multi_label=True, n_jobs=1, **kwargs)
    assert_same_outcome(outcome(find_multilabel_issues, labels, probs, **kwargs), ref)


@fast(40)
@given(problem=multilabel_problems(), calibrate=st.booleans())
def test_confident_joint_thresholds_and_counts_match_reference(problem, calibrate):
    labels, probs = problem
    cj, off = compute_multilabel_confident_joint(labels, probs, calibrate=calibrate,
                                                 return_indices_of_off_diagonals=True)
    ref_cj, ref_off = cl_count.compute_confident_joint(
        labels, probs, calibrate=calibrate, multi_label=True, return_indices_of_off_diagonals=True)
    np.testing.assert_array_equal(cj, ref_cj)
    assert len(off) == len(ref_off)
    for a, b in zip(off, ref_off):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(multilabel_thresholds(labels, probs),
                                  cl_count.get_confident_thresholds(labels, probs, multi_label=True))
    # The estimate passes a given confident joint through the per-class filters.
    ref_joint_issues = outcome(cl_filter.find_label_issues, labels, probs, multi_label=True,
                               n_jobs=1, confident_joint=ref_cj)
    assert_same_outcome(outcome(find_multilabel_issues, labels, probs, confident_joint=cj),
                        ref_joint_issues)


@fast(40)
@given(problem=multilabel_problems(), method=st.sampled_from(RANKS[1:]), adjust=st.booleans(),
       aggregator=st.sampled_from([None, {"method": "exponential_moving_average", "alpha": None},
                                   {"method": "softmin", "temperature": 0.2}]))
def test_quality_scores_match_reference(problem, method, adjust, aggregator):
    labels, probs = problem
    adjust = adjust and method != "confidence_weighted_entropy"
    extra = {} if aggregator is None else {"aggregator_kwargs": aggregator}
    ours = get_multilabel_quality_scores(labels, probs, method=method, adjust_pred_probs=adjust,
                                         **extra)
    ref = cl_rank.get_label_quality_scores(labels, probs, method=method,
                                           adjust_pred_probs=adjust, **extra)
    np.testing.assert_array_equal(ours, ref)


def test_onehot_accepts_lists_and_indicator_matrices():
    onehot = multilabel_onehot([[0, 2], [], [1, 1]])
    np.testing.assert_array_equal(onehot, [[1, 0, 1], [0, 0, 0], [0, 1, 0]])
    np.testing.assert_array_equal(multilabel_onehot(onehot.astype(int)), onehot)


@pytest.mark.parametrize("labels, error", [
    ("abc", TypeError),
    ([[0], 1], TypeError),
    ([[0], ["a"]], TypeError),
    ([[0], [-1]], ValueError),
    ([[0], [3]], ValueError),
    ([[], []], ValueError),
])
def test_bad_multilabel_labels_are_rejected(labels, error):
    probs = np.full((2, 2), 0.5)
    with pytest.raises(error):
        find_multilabel_issues(labels, probs)


def test_probabilities_above_one_and_a_class_given_everywhere_are_rejected_like_reference():
    labels = [[0], [0, 1], [0]]
    probs = np.array([[0.9, 0.2], [0.8, 0.7], [0.7, 0.1]])
    for call in (lambda: cl_filter.find_label_issues(labels, probs, multi_label=True, n_jobs=1),
                 lambda: find_multilabel_issues(labels, probs)):
        with pytest.raises(ValueError):
            quiet(call)
    over = np.array([[0.9, 0.2], [0.8, 1.00001], [0.2, 0.1]])
    with pytest.raises(ValueError):
        find_multilabel_issues([[0], [1], [1]], over)


@pytest.mark.parametrize("seed, ties, dtype", [(0, False, np.float32), (1, True, np.float64),
                                               (2, True, np.float32)])
@pytest.mark.parametrize("filter_by", ["prune_by_noise_rate", "both"])
def test_large_classes_match_reference(seed, ties, dtype, filter_by):
    """Classes large enough for the sampled cut, with and without ties straddling it."""
    labels, probs = make_multilabel(seed, 5000, 4, ties=ties, dtype=dtype, noise=0.05)
    ref = quiet(cl_filter.find_label_issues, labels, probs, multi_label=True, n_jobs=1,
                filter_by=filter_by)
    np.testing.assert_array_equal(find_multilabel_issues(labels, probs, filter_by=filter_by), ref)
