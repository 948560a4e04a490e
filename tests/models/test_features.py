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


class DyingExtractor(CountingExtractor):
    """Raises on its ``die_at``-th call, like a run killed in the middle of an extraction."""

    def __init__(self, die_at):
        super().__init__()
        self.die_at = die_at

    def extract(self, dataset, *, progress=True):
        if self.calls + 1 == self.die_at:
            raise KeyboardInterrupt
        return super().extract(dataset, progress=progress)


def test_killed_extraction_resumes_at_the_first_missing_chunk(digits600, tmp_path, monkeypatch):
    import fastclean.models.features as features

    monkeypatch.setattr(features, "CHUNK_ROWS", 256)  # 600 rows → chunks of 256, 256, 88
    # One worker: chunks run in this process, where the extractor can die (on an idle machine the
    # automatic count would run them in a process pool).
    monkeypatch.setenv("FASTCLEAN_THREADS", "1")
    dying = DyingExtractor(die_at=3)
    with pytest.raises(KeyboardInterrupt):
        cached_features(dying, digits600, cache_dir=tmp_path, progress=False)
    path = feature_cache_path(dying, digits600, tmp_path)
    assert not path.exists()
    assert len(list(path.with_suffix(".parts").glob("*.npy"))) == 2

    resumed = CountingExtractor()
    feats = cached_features(resumed, digits600, cache_dir=tmp_path, progress=False)
    assert resumed.calls == 1  # only the last chunk
    np.testing.assert_array_equal(feats, digits600.images.reshape(600, -1).astype(np.float32))
    assert path.is_file() and not path.with_suffix(".parts").exists()
