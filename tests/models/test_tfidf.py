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


def _sklearn_reference(ngrams, C, train_texts, y, test_texts):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    vectorisers = []
    if "word" in ngrams:
        vectorisers.append(TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True))
    if "char" in ngrams:
        vectorisers.append(TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2,
                                           sublinear_tf=True))
    pipe = make_pipeline(make_union(*vectorisers), LogisticRegression(C=C, max_iter=2000, random_state=0))
    return pipe.fit(train_texts, y).predict_proba(test_texts)


@pytest.mark.parametrize("ngrams", ["word", "char", "word+char"])
def test_counting_once_gives_what_a_vectoriser_fitted_on_the_training_rows_gives(tweets300, ngrams):
    model = TfidfLogReg(C=0.5, ngrams=ngrams)
    counted, y = model.prepare(tweets300), tweets300.labels
    rng = np.random.default_rng(0)
    rows = rng.permutation(len(tweets300))
    train, test = rows[:220], rows[220:]
    texts = list(tweets300.texts)
    expected = _sklearn_reference(ngrams, 0.5, [texts[i] for i in train], y[train], [texts[i] for i in test])
    # rows of one prepared matrix (cross-validation) ...
    model.fit(counted.select_rows(train), y[train], n_classes=2, seed=0)
    np.testing.assert_allclose(model.predict_proba(counted.select_rows(test)), expected, atol=1e-9)
    # ... texts prepared separately (fit on one split, score another), and plain strings
    test_ds = tweets300.subset(test)
    np.testing.assert_allclose(model.predict_proba(model.prepare(test_ds)), expected, atol=1e-9)
    np.testing.assert_allclose(model.predict_proba([texts[i] for i in test]), expected, atol=1e-9)
