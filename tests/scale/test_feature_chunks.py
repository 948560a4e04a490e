"""Feature extraction by chunks as Dask tasks: the same features and the same cache file."""

from __future__ import annotations

import sys

import numpy as np

from fastclean.data.dataset import LabelledDataset
from fastclean.models import features as F


class _Squares(F.FeatureExtractor):
    """A toy extractor: per-row statistics of the (array) inputs."""

    name = "squares-test"

    def extract(self, dataset, *, progress=True):
        x = np.asarray(dataset.features, dtype=np.float64)
        return np.stack([x.sum(axis=1), (x ** 2).sum(axis=1), x.max(axis=1)], axis=1)


def _dataset(n=2600):
    rng = np.random.default_rng(0)
    feats = rng.standard_normal((n, 5)).astype(np.float32)
    return LabelledDataset(name="toy-features", modality="array", classes=["a", "b"],
                           labels=rng.integers(0, 2, n), ids=[str(i) for i in range(n)],
                           splits=np.array(["train"] * n), features=feats)


def test_chunks_on_a_cluster_give_the_same_features_and_cache(tmp_path, dask_client):
    import cloudpickle

    from fastclean.scale.folds import dask_feature_chunks

    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    ds = _dataset()
    here = F.cached_features(_Squares(), ds, cache_dir=tmp_path / "one", progress=False)
    with dask_feature_chunks(dask_client):
        there = F.cached_features(_Squares(), ds, cache_dir=tmp_path / "two", progress=False)
    assert here.shape == (len(ds), 3) and np.array_equal(here, there)
    one = F.feature_cache_path(_Squares(), ds, tmp_path / "one")
    two = F.feature_cache_path(_Squares(), ds, tmp_path / "two")
    assert one.read_bytes() == two.read_bytes()
    assert not two.with_suffix(".parts").exists()  # the parts were merged and removed
