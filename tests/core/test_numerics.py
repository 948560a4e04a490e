"""Rounding that preserves row totals equals the reference, including its tie choices."""

from __future__ import annotations

import numpy as np
from cleanlab.internal.util import round_preserving_row_totals as reference
from hypothesis import given, settings
from hypothesis import strategies as st

from fastclean.core._numerics import round_preserving_row_totals


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), k=st.sampled_from([2, 3, 5, 8, 17, 40, 129, 300]), halves=st.booleans(),
       scaled=st.booleans(), fortran=st.booleans())
def test_row_rounding_matches_reference(seed, k, halves, scaled, fortran):
    rng = np.random.default_rng(seed)
    m = rng.integers(0, 6, (k, k)) * rng.random((k, k)) * (rng.random((k, k)) < 0.5)
    if halves:  # many exact .5 residuals: ties the reference breaks with its argsort
        m = np.round(m * 2) / 2
    if scaled and m.sum() > 0:
        m = m / m.sum() * rng.integers(10, 1000)
    if fortran:
        m = np.asfortranarray(m)
    ours = round_preserving_row_totals(m)
    np.testing.assert_array_equal(ours, reference(m))
    # Each row total is its float total rounded, either way on an exact .5 (the reference
    # rounds 26.5 up where np.round rounds to even).
    assert np.all(np.abs(ours.sum(axis=1) - m.sum(axis=1)) <= 0.5 + 1e-9)


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), k=st.sampled_from([2, 7, 50, 200, 600]),
       density=st.sampled_from([0.005, 0.02, 0.1]), transposed=st.booleans())
def test_row_rounding_of_sparse_count_matrices_matches_reference(seed, k, density, transposed):
    # Calibrated confident joints of many classes: mostly exact zeros (residual ties at 0)
    # plus a few fractional counts, scaled like the calibration does.
    rng = np.random.default_rng(seed)
    counts = rng.integers(1, 60, (k, k)) * (rng.random((k, k)) < density)
    np.fill_diagonal(counts, rng.integers(1, 80, k))
    m = counts / counts.sum(axis=1, keepdims=True) * rng.integers(1, 90, k)[:, None]
    m = m / m.sum() * rng.integers(k, 60 * k)
    if transposed:
        m = m.T
    np.testing.assert_array_equal(round_preserving_row_totals(m), reference(m))
