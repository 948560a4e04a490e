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


def test_cross_validated_c_is_chosen_from_the_grid_by_held_out_log_loss():
    from sklearn.metrics import log_loss
    from sklearn.model_selection import StratifiedKFold

    from fastclean.models.heads import CV_CS

    rng = np.random.default_rng(1)
    x = rng.normal(0, 1, (300, 20))
    y = (x[:, 0] + 0.5 * rng.normal(size=300) > 0).astype(int)
    flip = rng.random(300) < 0.25  # noisy labels: strong regularisation should win
    y[flip] = 1 - y[flip]
    head = LogisticRegressionHead(C="cv").fit(x, y, n_classes=2)
    chosen = head.pipeline[-1].C_[0]
    assert chosen in CV_CS
    # Recompute the held-out log-loss of every C by hand: the head chose the best one.
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    xs = StandardScaler().fit_transform(x)
    losses = []
    for c in CV_CS:
        folds = StratifiedKFold(3).split(xs, y)
        losses.append(np.mean([log_loss(y[te], LogisticRegression(C=c, max_iter=1000).fit(xs[tr], y[tr])
                                        .predict_proba(xs[te])) for tr, te in folds]))
    assert chosen == CV_CS[int(np.argmin(losses))]
    assert repr(head) == "logreg(C=cv)"


def test_cross_validated_c_falls_back_when_a_class_is_tiny():
    x = np.random.default_rng(0).normal(size=(20, 3))
    y = np.array([0] * 18 + [1] * 2)
    proba = LogisticRegressionHead(C="cv").fit(x, y, n_classes=2).predict_proba(x)
    assert proba.shape == (20, 2)


def test_logistic_head_rejects_unknown_c_words():
    with pytest.raises(ValueError, match="C"):
        LogisticRegressionHead(C="auto")
