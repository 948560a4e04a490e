"""``find`` keeps its fitted text model (``model/model.joblib``) for the Predict page."""

from __future__ import annotations

import pickle

import joblib
import numpy as np
import pytest

from fastclean.models.predictor import MODEL_FILE, TextPredictor
from fastclean.run import find_in_dataset, read_run, write_run
from tests.helpers import small_tweets


@pytest.fixture(scope="module")
def data(tmp_path_factory, data_dir):
    return small_tweets(data_dir, tmp_path_factory.mktemp("predictor") / "data")


def test_test_split_run_saves_the_model_that_scored_the_test_split(data, tmp_path):
    result = find_in_dataset("covid-tweets", data_dir=data, split="test", model="tfidf-logreg",
                             progress=False)
    run_dir = write_run(result, tmp_path / "run")
    predictor = joblib.load(run_dir / MODEL_FILE)
    assert isinstance(predictor, TextPredictor)
    run = read_run(run_dir)
    # Unpickled (with its vocabulary cut to the kept n-grams) it still gives the run's probabilities.
    probs = predictor.predict_proba(run.examples["text"].tolist())
    np.testing.assert_allclose(probs, run.pred_probs, atol=1e-9)
    assert list(predictor.classes_) == [0, 1] and predictor.class_names == run.classes


def test_cross_validated_run_saves_a_model_fitted_on_every_example(data, tmp_path):
    from fastclean.data import load_dataset
    from fastclean.models import get_model

    result = find_in_dataset("covid-tweets", data_dir=data, split="train", model="tfidf-logreg",
                             folds=3, seed=3, progress=False)
    run_dir = write_run(result, tmp_path / "run")
    train = load_dataset("covid-tweets", data_dir=data, split="train")
    reference = get_model("tfidf-logreg").fit_dataset(train, seed=3)
    texts = ["Breaking: 1,203 new cases of COVID-19 in Ohio today", "stay home y'all", "!!!"]
    got = joblib.load(run_dir / MODEL_FILE).predict_proba(texts)
    np.testing.assert_allclose(got, reference.predict_proba(texts), atol=1e-9)
    assert got.shape == (3, 2) and np.allclose(got.sum(1), 1)
    assert "final_model" in read_run(run_dir).summary["timings"]
    # A rerun finds the fitted model in the fold cache and saves the same predictions.
    again = find_in_dataset("covid-tweets", data_dir=data, split="train", model="tfidf-logreg",
                            folds=3, seed=3, progress=False)
    import os
    from pathlib import Path

    assert list(Path(os.environ["FASTCLEAN_CACHE"]).glob("folds/*/final-model.joblib"))
    np.testing.assert_allclose(again.model.predict_proba(texts), got, atol=1e-12)


def test_pickled_tfidf_model_keeps_only_the_kept_ngrams(data):
    from fastclean.data import load_dataset
    from fastclean.models.tfidf import TfidfLogReg

    train = load_dataset("covid-tweets", data_dir=data, split="train")
    model = TfidfLogReg(ngrams="word+char").fit_dataset(train)
    texts = ["new cases confirmed today", "lol"]
    expected = model.predict_proba(texts)
    with_counts = len(pickle.dumps(dict(vars(model))))
    restored = pickle.loads(pickle.dumps(model))
    assert restored._vocabularies is None
    assert len(pickle.dumps(model)) < 0.8 * with_counts
    np.testing.assert_allclose(restored.predict_proba(texts), expected, atol=1e-12)


def test_minilm_extractor_pickles_without_its_weights():
    from fastclean.models.text_features import MiniLMExtractor

    extractor = MiniLMExtractor()
    extractor._load()
    assert len(pickle.dumps(extractor)) < 1000
    assert pickle.loads(pickle.dumps(extractor))._loaded is None


def test_no_model_is_saved_when_asked_not_to(data, tmp_path):
    result = find_in_dataset("covid-tweets", data_dir=data, split="test", model="tfidf-logreg",
                             progress=False, save_model=False)
    run_dir = write_run(result, tmp_path / "run")
    assert not (run_dir / MODEL_FILE).exists()


def test_a_single_string_is_refused(data, tmp_path):
    result = find_in_dataset("covid-tweets", data_dir=data, split="test", model="tfidf-logreg",
                             progress=False)
    with pytest.raises(TypeError, match="texts"):
        TextPredictor(result.model, result.classes).predict_proba("one tweet")
