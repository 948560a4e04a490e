import numpy as np
import pytest

from fastclean.train.split import stratified_folds, stratified_holdout, stratified_subsample


def test_holdout_is_stratified_and_fixed():
    labels = np.repeat([0, 1, 2], [100, 50, 10])
    a = stratified_holdout(labels, 0.2)
    assert [int(a[labels == k].sum()) for k in range(3)] == [20, 10, 2]
    assert np.array_equal(a, stratified_holdout(labels, 0.2))
    assert not np.array_equal(a, stratified_holdout(labels, 0.2, seed=1))


def test_holdout_fraction_must_be_a_proper_fraction():
    with pytest.raises(ValueError, match="frac"):
        stratified_holdout(np.arange(10) % 2, 1.0)


def test_subsample_keeps_class_proportions():
    labels = np.repeat([0, 1], [300, 100])
    idx = stratified_subsample(labels, 100)
    assert len(idx) == 100 and (labels[idx] == 1).sum() == 25


def test_folds_spread_each_class_evenly():
    labels = np.repeat([0, 1], [30, 9])
    fold = stratified_folds(labels, 3, seed=0)
    for k in (0, 1):
        counts = np.bincount(fold[labels == k], minlength=3)
        assert counts.max() - counts.min() <= 1
