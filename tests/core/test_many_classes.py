"""Fast paths for many classes (sparse calibration, numpy's pairwise sums) equal the reference.

The core's other tests draw at most 50 classes; the non-zero-only calibration starts at 256, so
these draw 256-520 classes over few examples: count matrices with a few entries per row, many
of them equal (equal counts in a row calibrate to equal values, and the reference's
non-stable argsort decides which of them is rounded), and probabilities with ties.
"""

from __future__ import annotations

import numpy as np
from cleanlab import count as cl_count
from cleanlab import filter as cl_filter
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from fastclean.core import calibrate_confident_joint, compute_confident_joint, find_label_issues
from fastclean.core._numerics import pairwise_sums, pairwise_sums_match_numpy

from .conftest import make_problem

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_pairwise_sums_reproduce_numpy_on_this_machine():
    # Required by the fast calibration; were it False, the dense path would be used.
    assert pairwise_sums_match_numpy()


@SETTINGS
@given(seed=st.integers(0, 2**31 - 1),
       length=st.sampled_from([1, 2, 7, 8, 9, 15, 16, 127, 128, 129, 130, 136, 255, 257, 1000,
                               1031, 5000]),
       n_rows=st.integers(1, 12), density=st.sampled_from([0.002, 0.05, 0.5, 1.0]),
       scale=st.sampled_from([1.0, 1e6]))
def test_pairwise_sums_equal_numpy_row_sums(seed, length, n_rows, density, scale):
    rng = np.random.default_rng(seed)
    dense = rng.random((n_rows, length)) * (rng.random((n_rows, length)) < density)
    dense *= scale ** rng.random((n_rows, length))
    r, c = np.nonzero(dense)
    got = pairwise_sums(r, c, dense[r, c], n_rows, length)
    np.testing.assert_array_equal(got, dense.sum(axis=1))
    # The whole matrix in memory order, as np.sum of it (and of its transposed view) adds it.
    flat = np.flatnonzero(dense)
    total = pairwise_sums(np.zeros(len(flat), dtype=np.int64), flat, dense.reshape(-1)[flat],
                          1, dense.size)[0]
    assert total == np.sum(dense) == np.sum(dense.T)


def _sparse_counts(rng, k, per_row, equal):
    cj = np.zeros((k, k), dtype=np.int64)
    np.fill_diagonal(cj, rng.integers(1, 60, k))
    for i in range(k):
        cols = rng.choice(k, size=rng.integers(0, per_row + 1), replace=False)
        # Equal counts in a row give equal calibrated values: ties for the rounding.
        cj[i, cols] += 1 if equal else rng.integers(1, 6, len(cols))
    return cj


@SETTINGS
@given(seed=st.integers(0, 2**31 - 1), k=st.sampled_from([256, 257, 300, 520]),
       per_row=st.sampled_from([1, 3, 8]), equal=st.booleans(), layout=st.sampled_from("CFTS"))
@example(seed=2227, k=257, per_row=8, equal=False, layout="C")  # total in given-major order
def test_calibration_of_sparse_count_matrices_matches_reference(seed, k, per_row, equal, layout):
    rng = np.random.default_rng(seed)
    cj = _sparse_counts(rng, k, per_row, equal)
    if layout == "F":
        cj = np.asfortranarray(cj)
    elif layout == "T":  # the layout the confident joint is computed in
        cj = np.ascontiguousarray(cj.T).T
    elif layout == "S":  # neither C nor F ordered (the dense path)
        wide = np.zeros((k, 2 * k), dtype=cj.dtype)
        wide[:, ::2] = cj
        cj = wide[:, ::2]
    # The reference sums the calibrated joint in the memory order of its input.
    labels = np.repeat(np.arange(k), rng.integers(1, 80, k))
    np.testing.assert_array_equal(calibrate_confident_joint(cj, labels),
                                  cl_count.calibrate_confident_joint(cj, labels))


@SETTINGS
@given(seed=st.integers(0, 2**31 - 1), k=st.sampled_from([64, 256, 300]),
       per_class=st.sampled_from([2, 5, 20]), ties=st.booleans(),
       dtype=st.sampled_from([np.float32, np.float64]),
       filter_by=st.sampled_from(["prune_by_noise_rate", "both", "prune_by_class",
                                  "confident_learning"]),
       rank_by=st.sampled_from([None, "self_confidence", "normalized_margin"]))
def test_find_label_issues_with_many_classes_matches_reference(seed, k, per_class, ties, dtype,
                                                               filter_by, rank_by):
    labels, probs = make_problem(seed, k * per_class, k, dtype=dtype, ties=ties, noise=0.3)
    if ties:  # duplicated rows as well as equal probabilities
        probs[1::7] = probs[::7][: len(probs[1::7])]
    kwargs = dict(filter_by=filter_by, return_indices_ranked_by=rank_by)
    ours = find_label_issues(labels, probs, **kwargs)
    ref = cl_filter.find_label_issues(labels, probs, n_jobs=1, **kwargs)
    np.testing.assert_array_equal(ours, ref)
    np.testing.assert_array_equal(compute_confident_joint(labels, probs),
                                  cl_count.compute_confident_joint(labels, probs))
