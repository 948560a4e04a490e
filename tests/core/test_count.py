"""Thresholds, confident joint, latent estimates and num_label_issues match cleanlab 2.9.0."""

from __future__ import annotations

import numpy as np
import pytest
from cleanlab import count as cl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fastclean.core import (
    calibrate_confident_joint,
    compute_confident_joint,
    estimate_joint,
    estimate_latent,
    estimate_noise_matrices_from_pred_probs,
    get_confident_thresholds,
    num_label_issues,
)

from .conftest import make_problem, problems


def fast(max_examples):
    return settings(max_examples=max_examples, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@fast(60)
@given(problem=problems(), calibrate=st.booleans(), chunk=st.sampled_from([None, 7]))
def test_confident_joint_and_off_diagonal_indices_match_reference(problem, calibrate, chunk):
    labels, probs = problem
    ours = compute_confident_joint(labels, probs, calibrate=calibrate,
                                   return_indices_of_off_diagonals=True, chunk_size=chunk)
    ref = cl.compute_confident_joint(labels, probs, calibrate=calibrate,
                                     return_indices_of_off_diagonals=True)
    np.testing.assert_array_equal(ours[0], ref[0])
    np.testing.assert_array_equal(ours[1], ref[1])
    np.testing.assert_array_equal(get_confident_thresholds(labels, probs),
                                  cl.get_confident_thresholds(labels, probs))


@fast(60)
@given(problem=problems(), method=st.sampled_from(["off_diagonal", "off_diagonal_calibrated",
                                                   "off_diagonal_custom"]))
def test_num_label_issues_matches_reference(problem, method):
    labels, probs = problem
    cj = cl.compute_confident_joint(labels, probs) if method == "off_diagonal_custom" else None
    ours = num_label_issues(labels, probs, confident_joint=cj, estimation_method=method)
    ref = cl.num_label_issues(labels, probs, confident_joint=cj, estimation_method=method)
    assert isinstance(ours, int)
    assert ours == ref


@fast(40)
@given(problem=problems(), py_method=st.sampled_from(["cnt", "eqn", "marginal", "marginal_ps"]),
       converge=st.booleans())
def test_latent_estimates_match_reference(problem, py_method, converge):
    labels, probs = problem
    cj = cl.compute_confident_joint(labels, probs)
    try:
        ref = cl.estimate_latent(cj, labels, py_method=py_method,
                                 converge_latent_estimates=converge)
    except np.linalg.LinAlgError:  # a singular noise matrix with py_method="eqn"
        with pytest.raises(np.linalg.LinAlgError):
            estimate_latent(cj, labels, py_method=py_method, converge_latent_estimates=converge)
        return
    ours = estimate_latent(cj, labels, py_method=py_method, converge_latent_estimates=converge)
    for a, b in zip(ours, ref):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(estimate_joint(labels, probs), cl.estimate_joint(labels, probs))
    np.testing.assert_array_equal(estimate_joint(labels, probs, confident_joint=cj),
                                  cl.estimate_joint(labels, probs, confident_joint=cj))
    np.testing.assert_array_equal(calibrate_confident_joint(cj, labels),
                                  cl.calibrate_confident_joint(cj, labels))


def test_noise_matrices_match_reference_estimates_from_probabilities():
    labels, probs = make_problem(2, 600, 5, noise=0.3)
    nm, inv = estimate_noise_matrices_from_pred_probs(labels, probs)
    _, ref_nm, ref_inv, _ = cl.estimate_py_and_noise_matrices_from_probabilities(labels, probs)
    np.testing.assert_array_equal(nm, ref_nm)
    np.testing.assert_array_equal(inv, ref_inv)
    np.testing.assert_allclose(nm.sum(axis=0), 1.0)


def test_calibrated_joint_rows_sum_to_class_counts():
    labels, probs = make_problem(1, 500, 7, noise=0.3)
    cj = compute_confident_joint(labels, probs)
    np.testing.assert_array_equal(cj.sum(axis=1), np.bincount(labels, minlength=7))


def test_class_without_examples_gets_unreachable_threshold():
    labels = np.array([0, 0, 1, 1])
    probs = np.array([[0.9, 0.05, 0.05], [0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.1, 0.8, 0.1]])
    assert get_confident_thresholds(labels, probs)[2] == 2.0
    assert compute_confident_joint(labels, probs, calibrate=False)[:2, 2].sum() == 0


@pytest.mark.parametrize("call, match", [
    (lambda: estimate_latent(np.ones((2, 3)), [0, 1]), "confident_joint"),
    (lambda: estimate_latent(np.eye(2), [0, 1], py_method="bad"), "py_method"),
    (lambda: calibrate_confident_joint(-np.eye(2), [0, 1]), "confident_joint"),
    (lambda: num_label_issues([0, 1], np.eye(2), estimation_method="bad"), "estimation_method"),
    (lambda: num_label_issues([0, 1], np.eye(2), estimation_method="off_diagonal_custom"),
     "confident_joint"),
    (lambda: compute_confident_joint([0, 1], np.eye(2), thresholds=[0.5]), "thresholds"),
])
def test_bad_arguments_raise_value_error_naming_them(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), size=st.integers(1, 700), k=st.integers(2, 12),
       dtype=st.sampled_from([np.float32, np.float64]))
def test_thresholds_of_equal_sized_classes_match_reference_bits(seed, size, k, dtype):
    # Equal-sized classes are averaged together as rows of one array; the bits must still
    # be those of one np.mean per class (pairwise sums differ from naive ones above 8 values).
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.repeat(np.arange(k), size))
    probs = rng.dirichlet(np.full(k, 0.3), len(labels)).astype(dtype)
    probs /= probs.sum(axis=1, keepdims=True)
    ours = get_confident_thresholds(labels, probs)
    ref = cl.get_confident_thresholds(labels, probs)
    assert ours.dtype == ref.dtype
    np.testing.assert_array_equal(ours.view(np.uint8), ref.view(np.uint8))
