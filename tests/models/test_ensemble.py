import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB

from fastclean.models.base import take_rows
from fastclean.models.ensemble import MeanEnsemble
from fastclean.models.sklearn_model import SklearnModel


def test_ensemble_averages_member_probabilities(digits600):
    a, b = SklearnModel(GaussianNB(), "nb"), SklearnModel(LogisticRegression(max_iter=300), "lr")
    ens = MeanEnsemble("both", [a, b])
    x, y = ens.prepare(digits600), digits600.labels
    train, test = np.arange(400), np.arange(400, 600)
    ens.fit(take_rows(x, train), y[train], n_classes=10)
    got = ens.predict_proba(take_rows(x, test))
    xa = a.prepare(digits600)
    expect = (a.predict_proba(xa[test]) + b.predict_proba(xa[test])) / 2
    np.testing.assert_allclose(got, expect)
    assert "nb" in ens.cache_key and "lr" in ens.cache_key
