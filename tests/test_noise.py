"""Seeded label-noise injection."""

from __future__ import annotations

import math

import numpy as np
import pytest

from fastclean.noise import (
    flips_per_class,
    inject_noise,
    noise_matrix_from_labels,
    pair_noise_matrix,
    uniform_noise_matrix,
)

# Imbalanced classes, so that stratification and rounding are exercised.
LABELS = np.repeat(np.arange(5), [101, 37, 250, 9, 603])


def _expected_flips(n, pct):
    return math.floor(n * pct / 100 + 0.5)


@pytest.mark.parametrize("pct", [0, 1, 5, 12.5, 25, 50, 99])
@pytest.mark.parametrize("kind", ["uniform", "pair"])
def test_exact_number_of_labels_change(pct, kind):
    noisy, is_noisy = inject_noise(LABELS, 5, noise_pct=pct, noise_type=kind, seed=1)
    assert is_noisy.sum() == _expected_flips(len(LABELS), pct)
    np.testing.assert_array_equal(is_noisy, noisy != LABELS)
    assert noisy.dtype == np.int64 and noisy.min() >= 0 and noisy.max() < 5


def test_flips_are_stratified_by_class_size():
    _, is_noisy = inject_noise(LABELS, 5, noise_pct=25, seed=0)
    per_class = np.bincount(LABELS[is_noisy], minlength=5)
    share = np.bincount(LABELS, minlength=5) * 0.25
    assert (np.abs(per_class - share) < 1).all()


def test_uniform_flips_go_to_every_other_class_about_equally():
    labels = np.zeros(30000, dtype=int)
    noisy, is_noisy = inject_noise(labels, 4, noise_pct=60, seed=2)
    counts = np.bincount(noisy[is_noisy], minlength=4)
    assert counts[0] == 0
    assert np.allclose(counts[1:] / counts[1:].sum(), 1 / 3, atol=0.02)


def test_pair_flips_go_to_the_next_class():
    noisy, is_noisy = inject_noise(LABELS, 5, noise_pct=30, noise_type="pair", seed=0)
    np.testing.assert_array_equal(noisy[is_noisy], (LABELS[is_noisy] + 1) % 5)


def test_same_seed_same_result_and_another_seed_differs():
    a = inject_noise(LABELS, 5, noise_pct=25, seed=7)
    b = inject_noise(LABELS, 5, noise_pct=25, seed=7)
    c = inject_noise(LABELS, 5, noise_pct=25, seed=8)
    np.testing.assert_array_equal(a[0], b[0])
    assert not np.array_equal(a[1], c[1])


def test_input_labels_are_not_modified():
    labels = LABELS.copy()
    inject_noise(labels, 5, noise_pct=50, seed=0)
    np.testing.assert_array_equal(labels, LABELS)


def test_noise_matrix_mode_samples_its_columns():
    labels = np.repeat(np.arange(3), 20000)
    m = np.array([[0.7, 0.0, 0.1],
                  [0.3, 0.9, 0.0],
                  [0.0, 0.1, 0.9]])
    noisy, is_noisy = inject_noise(labels, 3, noise_matrix=m, seed=0)
    est = noise_matrix_from_labels(labels, noisy, 3)
    assert np.allclose(est, m, atol=0.01)
    assert est[2, 1] > 0.05 and est[0, 1] == 0  # zero-probability flips never happen


def test_identity_matrix_changes_nothing():
    noisy, is_noisy = inject_noise(LABELS, 5, noise_matrix=np.eye(5), seed=0)
    assert not is_noisy.any()


@pytest.mark.parametrize("pct", [-1, 100, 150, float("nan")])
def test_percentage_outside_0_100_is_refused(pct):
    with pytest.raises(ValueError, match=r"noise_pct.*\[0, 100\)"):
        inject_noise(LABELS, 5, noise_pct=pct)


def test_unknown_noise_type_is_refused():
    with pytest.raises(ValueError, match="noise_type.*uniform, pair, matrix"):
        inject_noise(LABELS, 5, noise_pct=10, noise_type="symmetric")


@pytest.mark.parametrize("matrix,match", [
    (np.eye(4), "shape"),
    (np.full((5, 5), 0.3), "sum to 1"),
    (-np.eye(5), ">= 0"),
    (np.full((5, 5), np.nan), "finite"),
])
def test_bad_noise_matrix_is_refused(matrix, match):
    with pytest.raises(ValueError, match=f"noise_matrix.*{match}"):
        inject_noise(LABELS, 5, noise_matrix=matrix)


def test_conflicting_arguments_are_refused():
    with pytest.raises(ValueError, match="noise_pct"):
        inject_noise(LABELS, 5, noise_pct=10, noise_matrix=np.eye(5))
    with pytest.raises(ValueError, match="pair"):
        inject_noise(LABELS, 5, noise_type="pair", noise_matrix=np.eye(5))
    with pytest.raises(ValueError, match="noise_pct: required"):
        inject_noise(LABELS, 5)


def test_bad_labels_and_classes_are_refused():
    with pytest.raises(ValueError, match=r"labels: values must lie in \[0, 5\)"):
        inject_noise([0, 5], 5, noise_pct=10)
    with pytest.raises(TypeError, match="labels: expected integer"):
        inject_noise([0.0, 1.0], 2, noise_pct=10)
    with pytest.raises(ValueError, match="labels: expected a 1-D"):
        inject_noise([[0, 1]], 2, noise_pct=10)
    with pytest.raises(ValueError, match="n_classes"):
        inject_noise([0, 0], 1, noise_pct=10)
    with pytest.raises(TypeError, match="seed"):
        inject_noise([0, 1], 2, noise_pct=10, seed=1.5)


def test_flips_per_class_never_exceeds_a_class_and_totals_exactly():
    rng = np.random.default_rng(0)
    for _ in range(200):
        counts = rng.integers(0, 40, size=rng.integers(2, 8))
        pct = float(rng.uniform(0, 99.9))
        flips = flips_per_class(counts, pct, rng)
        assert (flips <= counts).all() and (flips >= 0).all()
        assert flips.sum() == _expected_flips(counts.sum(), pct)


def test_helper_matrices_are_column_stochastic_with_the_right_diagonal():
    for m in (uniform_noise_matrix(4, 20), pair_noise_matrix(4, 20)):
        assert np.allclose(m.sum(axis=0), 1) and np.allclose(np.diag(m), 0.8)
    assert pair_noise_matrix(3, 10)[1, 0] == pytest.approx(0.1)
    assert uniform_noise_matrix(3, 10)[1, 0] == pytest.approx(0.05)


def test_pair_noise_matches_its_matrix():
    noisy, _ = inject_noise(LABELS, 5, noise_pct=20, noise_type="pair", seed=0)
    est = noise_matrix_from_labels(LABELS, noisy, 5)
    assert np.allclose(est, pair_noise_matrix(5, 20), atol=0.06)
