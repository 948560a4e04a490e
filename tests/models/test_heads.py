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


def _noisy_blobs(n_per_class: int, noise: float, seed: int = 0, dim: int = 200):
    """Ten Gaussian classes in many dimensions (few informative), a fraction of labels flipped."""
    centres = np.random.default_rng(99).normal(0, 1, (10, dim)) * (np.arange(dim) < 10)
    rng = np.random.default_rng(seed)
    y_true = np.repeat(np.arange(10), n_per_class)
    x = centres[y_true] * 1.5 + rng.normal(0, 1, (len(y_true), dim))
    y = y_true.copy()
    flip = rng.random(len(y)) < noise
    y[flip] = (y[flip] + rng.integers(1, 10, flip.sum())) % 10
    return x, y, y_true


def test_cv_head_regularises_more_when_labels_are_noisier():
    from fastclean.models.heads import CVLogisticRegressionHead

    chosen = []
    for noise in (0.0, 0.5):
        x, y, _ = _noisy_blobs(40, noise)
        chosen.append(CVLogisticRegressionHead().fit(x, y, n_classes=10, seed=0).C_)
    assert chosen[1] < chosen[0]


def test_cv_head_beats_c_1_out_of_sample_under_noise():
    from fastclean.models.heads import CVLogisticRegressionHead

    x, y, y_true = _noisy_blobs(60, 0.4, seed=1)
    xt, _, yt_true = _noisy_blobs(30, 0.0, seed=2)
    cv = CVLogisticRegressionHead().fit(x, y, n_classes=10)
    plain = LogisticRegressionHead(C=1.0).fit(x, y, n_classes=10)
    acc = lambda head: np.mean(head.predict_proba(xt).argmax(1) == yt_true)  # noqa: E731
    assert acc(cv) > acc(plain)
    # the walk stops past the minimum: the weakest C values are never fitted
    assert max(cv.inner_loss_) < max(cv.grid) and min(cv.inner_loss_, key=cv.inner_loss_.get) == cv.C_


def test_cv_head_gives_probabilities_over_all_classes_and_checks_its_arguments():
    from fastclean.models.heads import CVLogisticRegressionHead

    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(0, 1, (30, 5)), rng.normal(3, 1, (30, 5))])
    y = np.repeat([0, 2], 30)
    proba = CVLogisticRegressionHead().fit(x, y, n_classes=3).predict_proba(x)
    assert proba.shape == (60, 3) and np.all(proba[:, 1] == 0) and np.allclose(proba.sum(1), 1)
    for bad in (dict(grid=()), dict(grid=(0.1, -1)), dict(inner_folds=1), dict(patience=0)):
        with pytest.raises(ValueError, match=next(iter(bad))):
            CVLogisticRegressionHead(**bad)
