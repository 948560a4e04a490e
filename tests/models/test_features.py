import numpy as np
import pytest

from fastclean.models.features import FeatureExtractor, cached_features, feature_cache_path


class CountingExtractor(FeatureExtractor):
    name = "counting"

    def __init__(self):
        self.calls = 0

    def extract(self, dataset, *, progress=True):
        self.calls += 1
        return dataset.images.reshape(len(dataset), -1).astype(np.float32)


def test_second_call_reuses_cached_features_without_running_the_extractor(digits600, tmp_path):
    ex = CountingExtractor()
    first = cached_features(ex, digits600, cache_dir=tmp_path, progress=False)
    second = cached_features(ex, digits600, cache_dir=tmp_path, progress=False)
    assert ex.calls == 1
    np.testing.assert_array_equal(first, second)
    assert feature_cache_path(ex, digits600, tmp_path).is_file()


def test_cache_is_keyed_by_content_not_labels(digits600, tmp_path):
    ex = CountingExtractor()
    cached_features(ex, digits600, cache_dir=tmp_path, progress=False)
    relabelled = digits600.with_labels(np.roll(digits600.labels, 1))
    cached_features(ex, relabelled, cache_dir=tmp_path, progress=False)
    assert ex.calls == 1
    cached_features(ex, digits600.subset(np.arange(100)), cache_dir=tmp_path, progress=False)
    assert ex.calls == 2


def test_cache_dir_defaults_to_fastclean_cache_environment(digits600, tmp_path, monkeypatch):
    monkeypatch.setenv("FASTCLEAN_CACHE", str(tmp_path / "envcache"))
    cached_features(CountingExtractor(), digits600, progress=False)
    assert list((tmp_path / "envcache" / "features").rglob("*.npy"))


def test_extractor_returning_wrong_rows_is_an_error(digits600, tmp_path):
    class Broken(CountingExtractor):
        def extract(self, dataset, *, progress=True):
            return np.zeros((3, 2))

    with pytest.raises(RuntimeError, match="shape"):
        cached_features(Broken(), digits600, cache_dir=tmp_path, progress=False)
