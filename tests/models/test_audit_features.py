"""The data checks' text features (TF-IDF + SVD) are cached, so a cached ``find`` stays fast."""

import numpy as np

from fastclean.models import embeddings

from .conftest import tweets_dataset


def test_text_audit_features_are_computed_once_per_text_set(tmp_path, monkeypatch):
    ds = tweets_dataset(30)
    first, name = embeddings.audit_features(ds, None, cache_dir=tmp_path, progress=False)
    assert name.startswith("tfidf-svd") and first.shape[0] == 30

    def no_tfidf(texts, dims=embeddings.TFIDF_DIMS):
        raise AssertionError("computed again although cached")

    monkeypatch.setattr(embeddings, "tfidf_features", no_tfidf)
    again, _ = embeddings.audit_features(ds.with_labels(1 - ds.labels), None, cache_dir=tmp_path,
                                         progress=False)
    np.testing.assert_array_equal(first, again)
    other = ds.subset(np.arange(20))  # other texts: computed (and here refused)
    try:
        embeddings.audit_features(other, None, cache_dir=tmp_path, progress=False)
    except AssertionError as exc:
        assert "computed again" in str(exc)
    else:
        raise AssertionError("other texts were served from the cache")
