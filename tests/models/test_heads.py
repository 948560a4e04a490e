import numpy as np
import pytest

from fastclean.models.heads import LogisticRegressionHead


def test_logistic_head_gives_probabilities_over_all_classes():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(0, 1, (50, 5)), rng.normal(3, 1, (50, 5))])
    y = np.repeat([0, 2], 50)
    proba = LogisticRegressionHead().fit(x, y, n_classes=3).predict_proba(x)
    assert proba.shape == (100, 3) and np.all(proba[:, 1] == 0)
    assert np.mean(proba.argmax(1) == y) > 0.95


def test_logistic_head_rejects_non_positive_c():
    with pytest.raises(ValueError, match="C"):
        LogisticRegressionHead(C=-1)
