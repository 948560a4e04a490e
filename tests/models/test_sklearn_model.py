import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB

from fastclean.models.sklearn_model import SklearnModel, default_inputs


def test_wraps_any_classifier_and_fills_classes_missing_from_training(digits600):
    model = SklearnModel(GaussianNB(), name="nb")
    x, y = model.prepare(digits600), digits600.labels
    keep = y != 9
    model.fit(x[keep], y[keep], n_classes=10)
    proba = model.predict_proba(x[:20])
    assert proba.shape == (20, 10)
    assert np.all(proba[:, 9] == 0)
    np.testing.assert_allclose(proba.sum(1), 1.0, atol=1e-5)


def test_estimator_is_cloned_so_the_original_stays_unfitted(digits600):
    est = LogisticRegression(max_iter=200)
    model = SklearnModel(est)
    model.fit(model.prepare(digits600), digits600.labels, n_classes=10)
    assert not hasattr(est, "coef_")


def test_estimator_without_predict_proba_is_a_type_error():
    from sklearn.svm import LinearSVC

    with pytest.raises(TypeError, match="predict_proba"):
        SklearnModel(LinearSVC())


def test_default_inputs_scale_pixels_and_pass_texts(digits600, tweets300):
    x = default_inputs(digits600)
    assert x.shape == (600, 64) and 0 <= x.min() and x.max() <= 1
    assert default_inputs(tweets300)[0] == tweets300.texts[0]
