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
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import log_loss
    from sklearn.model_selection import StratifiedKFold

    from fastclean.models.heads import CV_CS

    rng = np.random.default_rng(1)
    x = rng.normal(0, 1, (300, 20))
    y = (x[:, 0] + 0.5 * rng.normal(size=300) > 0).astype(int)
    flip = rng.random(300) < 0.25  # noisy labels: strong regularisation should win
    y[flip] = 1 - y[flip]
    head = LogisticRegressionHead(C="cv", grid=CV_CS, patience=len(CV_CS), inner_tol=1e-7).fit(x, y, n_classes=2, seed=3)
    assert head.C_ in CV_CS and set(head.inner_loss_) == set(CV_CS)
    # Recompute the held-out log-loss of every C with scikit-learn: the head chose the best one.
    xs = ((x - x.mean(0)) / x.std(0)).astype(np.float32).astype(np.float64)
    losses = []
    for c in CV_CS:
        folds = StratifiedKFold(3, shuffle=True, random_state=3).split(xs, y)
        losses.append(sum(log_loss(y[te], LogisticRegression(C=c, tol=1e-8, max_iter=5000).fit(xs[tr], y[tr])
                                   .predict_proba(xs[te]), normalize=False) for tr, te in folds) / len(y))
    assert head.C_ == CV_CS[int(np.argmin(losses))]
    assert np.allclose([head.inner_loss_[c] for c in CV_CS], losses, atol=1e-3)


def test_multinomial_fit_matches_scikit_learn():
    from sklearn.linear_model import LogisticRegression

    from fastclean.models.logistic import fit_multinomial

    x, y, _ = _noisy_blobs(30, 0.2, dim=40)
    x = ((x - x.mean(0)) / x.std(0)).astype(np.float32)
    for c in (1e-3, 0.1):
        ours = fit_multinomial(x, y, 10, c, tol=1e-7).predict_proba(x)
        x64 = x.astype(np.float64)  # scikit-learn fits float32 inputs in float32
        theirs = LogisticRegression(C=c, tol=1e-10, max_iter=10000).fit(x64, y).predict_proba(x64)
        assert np.abs(ours - theirs).max() < 1e-4
    # two classes: scikit-learn's one-logit model, same C
    two = y < 2
    ours = fit_multinomial(x[two], y[two], 2, 0.01, tol=1e-8).predict_proba(x[two])
    theirs = LogisticRegression(C=0.01, tol=1e-10, max_iter=10000).fit(x64[two], y[two]).predict_proba(x64[two])
    assert np.abs(ours - theirs).max() < 1e-4
    ours = fit_multinomial(x, y, 10, 0.1, tol=1e-7).predict_proba(x)
    # started from another solution, the fit reaches the same optimum
    warm = fit_multinomial(x, y, 10, 0.1, start=fit_multinomial(x, y, 10, 1e-3).as_start(), tol=1e-7)
    assert np.abs(warm.predict_proba(x) - ours).max() < 1e-4


def test_cv_head_cache_key_names_its_settings():
    assert repr(LogisticRegressionHead(C="cv")) != repr(LogisticRegressionHead(C="cv", inner_tol=1e-4))
    assert repr(LogisticRegressionHead(C=0.5)) != repr(LogisticRegressionHead(C=0.25))


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
    for bad in (dict(grid=()), dict(grid=(0.1, -1)), dict(inner_folds=1), dict(patience=0),
                dict(inner_tol=0)):
        with pytest.raises(ValueError, match=next(iter(bad))):
            CVLogisticRegressionHead(**bad)
