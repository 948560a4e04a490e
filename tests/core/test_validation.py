"""Bad labels / pred_probs give clear errors naming the argument; good input is not copied."""

from __future__ import annotations

import numpy as np
import pytest

from fastclean.core import find_label_issues, validate_inputs, validate_labels, validate_pred_probs

GOOD_P = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
GOOD_Y = np.array([0, 1, 0])


@pytest.mark.parametrize("labels, probs, exc, match", [
    ([0, 1], GOOD_P, ValueError, "same length"),
    ([0, 1.5, 0], GOOD_P, ValueError, "labels must be integers"),
    (["a", "b", "a"], GOOD_P, TypeError, "labels"),
    ([0, 2, 0], GOOD_P, ValueError, r"labels must be in \[0, 2\)"),
    ([0, -1, 0], GOOD_P, ValueError, "negative label"),
    ([[0], [1], [0]], GOOD_P, ValueError, "labels must be 1-D"),
    (GOOD_Y, GOOD_P[:, 0], ValueError, "pred_probs must be 2-D"),
    (GOOD_Y, np.ones((3, 1)), ValueError, "at least 2 columns"),
    (GOOD_Y, np.array([[0.9, 0.1], [np.nan, 0.8], [0.6, 0.4]]), ValueError, "NaN or inf"),
    (GOOD_Y, np.array([[0.9, 0.1], [np.inf, 0.8], [0.6, 0.4]]), ValueError, "NaN or inf"),
    (GOOD_Y, np.array([[1.1, -0.1], [0.2, 0.8], [0.6, 0.4]]), ValueError, "non-negative"),
    (GOOD_Y, np.array([[0.9, 0.2], [0.2, 0.8], [0.6, 0.4]]), ValueError,
     r"sum to 1 within atol=0.0001.*renormalize=True"),
    ([], np.zeros((0, 2)), ValueError, "empty"),
    (GOOD_Y, np.array([["a", "b"]] * 3), TypeError, "pred_probs"),
])
def test_bad_input_raises_naming_the_argument(labels, probs, exc, match):
    with pytest.raises(exc, match=match):
        validate_inputs(labels, probs)
    with pytest.raises(exc, match=match):
        find_label_issues(labels, probs)


def test_renormalize_divides_rows_by_their_sums():
    probs = np.array([[2.0, 2.0], [1.0, 3.0], [3.0, 1.0]])
    _, fixed = validate_inputs(GOOD_Y, probs, renormalize=True)
    np.testing.assert_allclose(fixed.sum(axis=1), 1.0)
    np.testing.assert_allclose(fixed[1], [0.25, 0.75])
    assert find_label_issues(GOOD_Y, probs, renormalize=True).shape == (3,)


def test_tolerance_is_adjustable():
    probs = GOOD_P + np.array([0.001, 0.0])
    with pytest.raises(ValueError):
        validate_pred_probs(probs)
    assert validate_pred_probs(probs, atol=0.01) is probs


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float_input_is_returned_without_a_copy(dtype):
    probs = GOOD_P.astype(dtype)
    labels = GOOD_Y.astype(np.int64)
    y, p = validate_inputs(labels, probs)
    assert p is probs and p.dtype == dtype
    assert y is labels


def test_integral_float_and_bool_labels_become_int64():
    assert validate_labels([0.0, 1.0]).dtype == np.int64
    np.testing.assert_array_equal(validate_labels(np.array([True, False])), [1, 0])


def test_memmap_is_scanned_without_loading(tmp_path):
    path = tmp_path / "p.npy"
    np.save(path, np.tile(GOOD_P.astype(np.float32), (1000, 1)))
    mapped = np.load(path, mmap_mode="r")
    _, p = validate_inputs(np.tile(GOOD_Y, 1000), mapped, chunk_size=100)
    assert isinstance(p, np.memmap)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("chunk_size", [None, 3])
def test_row_top_gives_each_rows_max_and_first_argmax(dtype, chunk_size):
    rng = np.random.default_rng(0)
    probs = rng.dirichlet(np.ones(6), 50).astype(dtype)
    probs[::7] = 1 / 6  # all-tied rows: the first column wins, as with argmax
    probs /= probs.sum(axis=1, keepdims=True)
    labels, checked, top, arg = validate_inputs(rng.integers(0, 6, 50), probs,
                                                chunk_size=chunk_size, row_top=True)
    assert checked is probs
    np.testing.assert_array_equal(arg, probs.argmax(axis=1))
    np.testing.assert_array_equal(top, probs.max(axis=1))
    assert top.dtype == probs.dtype


def test_row_top_is_not_computed_when_renormalizing():
    probs = np.array([[2.0, 1.0], [1.0, 3.0]])
    _, renormed, top, arg = validate_inputs([0, 1], probs, renormalize=True, row_top=True)
    assert top is None and arg is None
    np.testing.assert_allclose(renormed.sum(axis=1), 1.0)


@pytest.mark.parametrize("layout", ["C", "F", "memmap"])
@pytest.mark.parametrize("chunk_size", [None, 7])
def test_label_probs_are_each_rows_probability_of_its_label(tmp_path, layout, chunk_size):
    rng = np.random.default_rng(1)
    probs = rng.dirichlet(np.ones(5), 60).astype(np.float32)
    labels = rng.integers(0, 5, 60)
    given = probs
    if layout == "F":
        given = np.asfortranarray(probs)
    elif layout == "memmap":
        np.save(tmp_path / "p.npy", probs)
        given = np.load(tmp_path / "p.npy", mmap_mode="r")
    y, checked, top, arg, sc = validate_inputs(labels, given, chunk_size=chunk_size,
                                               row_top=True, label_probs=True)
    np.testing.assert_array_equal(sc, probs[np.arange(60), labels])
    assert sc.dtype == probs.dtype
    np.testing.assert_array_equal(top, probs.max(axis=1))
    y2, _, sc2 = validate_inputs(labels, given, chunk_size=chunk_size, label_probs=True)
    np.testing.assert_array_equal(sc2, sc)
    np.testing.assert_array_equal(y2, y)


def test_label_probs_are_not_gathered_when_renormalizing():
    probs = np.array([[2.0, 1.0], [1.0, 3.0]])
    _, renormed, sc = validate_inputs([0, 1], probs, renormalize=True, label_probs=True)
    assert sc is None


@pytest.mark.parametrize("label_probs", [False, True])
def test_pred_probs_errors_come_before_label_errors(label_probs):
    bad_probs = np.array([[0.9, 0.1], [np.nan, 0.8], [0.6, 0.4]])
    with pytest.raises(ValueError, match="NaN or inf"):
        validate_inputs([0, 5, 0], bad_probs, label_probs=label_probs)
    with pytest.raises(ValueError, match=r"labels must be in \[0, 2\)"):
        validate_inputs([0, 5, 0], GOOD_P, label_probs=label_probs)
    with pytest.raises(TypeError, match="labels"):
        validate_inputs(["a", "b", "a"], GOOD_P, row_top=True, label_probs=label_probs)
