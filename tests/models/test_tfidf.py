import numpy as np
import pytest

from fastclean.models.tfidf import TfidfLogReg


def test_tfidf_logreg_beats_the_majority_class_on_held_out_tweets(tweets300):
    model = TfidfLogReg()
    texts = model.prepare(tweets300)
    y = tweets300.labels
    model.fit(texts[:200], y[:200], n_classes=2)
    proba = model.predict_proba(texts[200:])
    assert proba.shape == (100, 2)
    np.testing.assert_allclose(proba.sum(1), 1.0)
    majority = max(np.mean(y[200:] == 0), np.mean(y[200:] == 1))
    assert np.mean(proba.argmax(1) == y[200:]) > majority


def test_tfidf_rejects_non_positive_regularisation():
    with pytest.raises(ValueError, match="C"):
        TfidfLogReg(C=0)


@pytest.mark.parametrize("ngrams", ["char", "word+char"])
def test_character_ngrams_also_beat_the_majority_class(tweets300, ngrams):
    model = TfidfLogReg(ngrams=ngrams)
    texts, y = model.prepare(tweets300), tweets300.labels
    model.fit(texts[:200], y[:200], n_classes=2)
    proba = model.predict_proba(texts[200:])
    np.testing.assert_allclose(proba.sum(1), 1.0)
    majority = max(np.mean(y[200:] == 0), np.mean(y[200:] == 1))
    assert np.mean(proba.argmax(1) == y[200:]) > majority
    assert model.cache_key != TfidfLogReg().cache_key


def test_tfidf_rejects_unknown_ngrams():
    with pytest.raises(ValueError, match="ngrams"):
        TfidfLogReg(ngrams="bytes")
