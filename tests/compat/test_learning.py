"""CleanLearning is a scikit-learn estimator and gives cleanlab 2.9.0 CleanLearning's results."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from cleanlab.classification import CleanLearning as ReferenceCleanLearning
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB
from sklearn.utils.estimator_checks import parametrize_with_checks

from fastclean.learning import CleanLearning, expected_failed_checks


def noisy_problem(seed: int, n: int = 400, k: int = 3):
    X, y = make_classification(n, n_features=8, n_informative=5, n_classes=k, random_state=seed)
    rng = np.random.default_rng(seed)
    flip = rng.random(n) < 0.15
    y = y.copy()
    y[flip] = rng.integers(0, k, int(flip.sum()))
    return X, y


# The checks that cannot apply are listed, with reasons, by expected_failed_checks (the
# array-API check skips itself unless SCIPY_ARRAY_API is set).
@parametrize_with_checks([CleanLearning(seed=0, cv_n_folds=3)],
                         expected_failed_checks=expected_failed_checks)
def test_sklearn_estimator_checks(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(estimator)


@pytest.mark.parametrize("clf, kwargs", [
    (LogisticRegression(max_iter=500), {}),
    (LogisticRegression(max_iter=500), {"filter_by": "both"}),
    (LogisticRegression(max_iter=500), {"filter_by": "confident_learning"}),
    (RandomForestClassifier(n_estimators=10, random_state=0), {}),
    (GaussianNB(), {"filter_by": "prune_by_class", "min_examples_per_class": 20}),
])
def test_same_issues_and_predictions_as_reference(clf, kwargs):
    X, y = noisy_problem(1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = ReferenceCleanLearning(clf, seed=3, find_label_issues_kwargs=dict(kwargs)).fit(X, y)
        ours = CleanLearning(clf, seed=3, find_label_issues_kwargs=dict(kwargs)).fit(X, y)
    pd.testing.assert_frame_equal(ours.get_label_issues(), ref.get_label_issues())
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))
    np.testing.assert_array_equal(ours.predict_proba(X), ref.predict_proba(X))
    assert ours.score(X, y) == ref.score(X, y)
    np.testing.assert_array_equal(ours.noise_matrix_, ref.noise_matrix)


def test_find_label_issues_alone_and_with_pred_probs_match_reference():
    X, y = noisy_problem(2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = ReferenceCleanLearning(seed=5).find_label_issues(X, y)
        ours = CleanLearning(seed=5).find_label_issues(X, y)
        pd.testing.assert_frame_equal(ours, ref)
        probs = np.random.default_rng(0).dirichlet(np.ones(3), len(y))
        pd.testing.assert_frame_equal(
            CleanLearning().find_label_issues(labels=y, pred_probs=probs),
            ReferenceCleanLearning().find_label_issues(labels=y, pred_probs=probs))


def test_string_labels_and_given_issues():
    X, y = noisy_problem(3)
    names = np.array(["cat", "dog", "eel"])[y]
    model = CleanLearning(seed=0).fit(X, names)
    assert set(model.predict(X)) <= set(names)
    mask = model.get_label_issues()["is_label_issue"].to_numpy()
    again = CleanLearning(seed=0).fit(X, names, label_issues=np.flatnonzero(mask))
    np.testing.assert_array_equal(again.predict(X), CleanLearning(seed=0).fit(
        X, names, label_issues=mask).predict(X))
    with pytest.raises(ValueError, match="not supported"):
        CleanLearning(find_label_issues_kwargs={"multi_label": True}).fit(X, y)
