"""fastclean.compat gives cleanlab 2.9.0's results *and types* for the calls they share."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from cleanlab import count as cl_count
from cleanlab import dataset as cl_dataset
from cleanlab import filter as cl_filter
from cleanlab import rank as cl_rank
from cleanlab.multilabel_classification import dataset as cl_ml_dataset
from cleanlab.multilabel_classification import filter as cl_ml_filter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fastclean
from fastclean.compat import count, dataset, filter, rank
from fastclean.compat.multilabel_classification import dataset as ml_dataset
from fastclean.compat.multilabel_classification import filter as ml_filter

from ..core.conftest import make_problem, problems
from ..core.test_multilabel import make_multilabel, multilabel_problems

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def tied_joint(k: int, seed: int) -> np.ndarray:
    """A joint distribution whose off-diagonal entries take only a few values (many ties)."""
    rng = np.random.default_rng(seed)
    joint = rng.integers(0, 3, (k, k)).astype(float) + np.eye(k) * 20
    return joint / joint.sum()


@SETTINGS
@given(problem=problems(max_k=12), names=st.booleans(), asymmetric=st.booleans())
def test_dataset_tables_equal_reference_including_row_order(problem, names, asymmetric):
    labels, probs = problem
    k = probs.shape[1]
    class_names = [f"c{i}" for i in range(k)] if names else None
    pd.testing.assert_frame_equal(
        dataset.rank_classes_by_label_quality(labels, probs, class_names=class_names),
        cl_dataset.rank_classes_by_label_quality(labels, probs, class_names=class_names))
    pd.testing.assert_frame_equal(
        dataset.find_overlapping_classes(labels, probs, class_names=class_names,
                                         asymmetric=asymmetric),
        cl_dataset.find_overlapping_classes(labels, probs, class_names=class_names,
                                            asymmetric=asymmetric))
    ours = dataset.health_summary(labels, probs, class_names=class_names, verbose=False)
    ref = cl_dataset.health_summary(labels, probs, class_names=class_names, verbose=False)
    assert ours.keys() == ref.keys()
    assert ours["overall_label_health_score"] == ref["overall_label_health_score"]
    np.testing.assert_array_equal(ours["joint"], ref["joint"])
    for key in ("classes_by_label_quality", "overlapping_classes"):
        pd.testing.assert_frame_equal(ours[key], ref[key])


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("asymmetric", [False, True])
def test_tables_without_labels_match_reference_on_tied_joints(seed, asymmetric):
    joint = tied_joint(7, seed)
    names = list("abcdefg")
    pd.testing.assert_frame_equal(
        fastclean.rank_classes_by_label_quality(joint=joint, num_examples=1000, class_names=names),
        cl_dataset.rank_classes_by_label_quality(joint=joint, num_examples=1000, class_names=names))
    pd.testing.assert_frame_equal(
        fastclean.find_overlapping_classes(joint=joint, num_examples=1000, asymmetric=asymmetric),
        cl_dataset.find_overlapping_classes(joint=joint, num_examples=1000, asymmetric=asymmetric))
    cj = np.round(joint * 1000).astype(int)
    pd.testing.assert_frame_equal(dataset.find_overlapping_classes(confident_joint=cj),
                                  cl_dataset.find_overlapping_classes(confident_joint=cj))
    assert (dataset.overall_label_health_score(confident_joint=cj, verbose=False)
            == cl_dataset.overall_label_health_score(confident_joint=cj, verbose=False))
    ours = dataset.health_summary(joint=joint, num_examples=1000, confident_joint=cj,
                                  verbose=False)
    ref = cl_dataset.health_summary(joint=joint, num_examples=1000, confident_joint=cj,
                                    verbose=False)
    assert ours["overall_label_health_score"] == ref["overall_label_health_score"]
    pd.testing.assert_frame_equal(ours["overlapping_classes"], ref["overlapping_classes"])


def test_missing_inputs_and_multi_label_raise_like_reference():
    for ours, ref in [(dataset.rank_classes_by_label_quality, cl_dataset.rank_classes_by_label_quality),
                      (dataset.find_overlapping_classes, cl_dataset.find_overlapping_classes)]:
        for kwargs in ({"joint": tied_joint(3, 0)}, {"multi_label": True}):
            with pytest.raises(ValueError):
                ref(**kwargs)
            with pytest.raises(ValueError):
                ours(**kwargs)


def test_probabilities_above_one_are_rejected_like_reference():
    labels, probs = make_problem(3, 200, 4)
    probs = probs.copy()
    probs[5] = [1.00001, 0.0, 0.0, 0.0]  # the row sums to 1 within 1e-4, the value is > 1
    with pytest.raises(ValueError):
        cl_filter.find_label_issues(labels, probs, n_jobs=1)
    with pytest.raises(ValueError):
        filter.find_label_issues(labels, probs)
    with pytest.raises(ValueError):
        fastclean.find_label_issues(labels, probs)
    # Renormalizing is the documented way out.
    assert fastclean.find_label_issues(labels, probs, renormalize=True).shape == (200,)


def test_ignored_confident_joint_warns_like_reference():
    labels, probs = make_problem(4, 300, 3)
    cj = count.compute_confident_joint(labels, probs)
    with pytest.warns(UserWarning):
        cl_filter.find_label_issues(labels, probs, filter_by="confident_learning",
                                    confident_joint=cj, n_jobs=1)
    with pytest.warns(UserWarning, match="confident_joint"):
        filter.find_label_issues(labels, probs, filter_by="confident_learning", confident_joint=cj)
    with pytest.warns(UserWarning, match="confident_joint"):
        count.num_label_issues(labels, probs, confident_joint=cj)


@pytest.mark.parametrize("filter_by", ["prune_by_noise_rate", "prune_by_class", "both"])
@pytest.mark.parametrize("remove", [1, 5])
def test_one_number_to_remove_applies_to_every_class(filter_by, remove):
    labels, probs = make_problem(5, 400, 4, noise=0.3)
    ours = filter.find_label_issues(labels, probs, filter_by=filter_by,
                                    num_to_remove_per_class=remove)
    ref = quiet(cl_filter.find_label_issues, labels, probs, filter_by=filter_by,
                num_to_remove_per_class=remove, n_jobs=1)
    np.testing.assert_array_equal(ours, ref)
    np.testing.assert_array_equal(
        ours, filter.find_label_issues(labels, probs, filter_by=filter_by,
                                       num_to_remove_per_class=[remove] * 4))


@SETTINGS
@given(problem=problems(max_k=10), filter_by=st.sampled_from(
    ["prune_by_noise_rate", "both", "confident_learning", "low_normalized_margin"]),
    rank_by=st.sampled_from(["self_confidence", "normalized_margin"]))
def test_rank_by_kwargs_n_jobs_and_verbose_match_reference(problem, filter_by, rank_by):
    labels, probs = problem
    kwargs = dict(filter_by=filter_by, return_indices_ranked_by=rank_by,
                  rank_by_kwargs={"adjust_pred_probs": True})
    ref = quiet(cl_filter.find_label_issues, labels, probs, n_jobs=1, **kwargs)
    np.testing.assert_array_equal(quiet(filter.find_label_issues, labels, probs, n_jobs=2,
                                        verbose=False, **kwargs), ref)
    mask = quiet(cl_filter.find_label_issues, labels, probs, n_jobs=1, filter_by=filter_by)
    np.testing.assert_array_equal(
        rank.order_label_issues(mask, labels, probs, rank_by=rank_by,
                                rank_by_kwargs={"adjust_pred_probs": True}),
        cl_rank.order_label_issues(mask, labels, probs, rank_by=rank_by,
                                   rank_by_kwargs={"adjust_pred_probs": True}))


def test_verbose_prints_the_count(capsys):
    labels, probs = make_problem(6, 200, 3, noise=0.3)
    found = filter.find_label_issues(labels, probs, verbose=True)
    assert str(int(found.sum())) in capsys.readouterr().out


def test_estimate_noise_matrices_has_cleanlabs_signature_and_meaning():
    from sklearn.datasets import make_classification

    X, y = make_classification(300, n_features=6, n_informative=4, n_classes=3, random_state=2)
    ours = fastclean.estimate_noise_matrices(X, y, seed=1, cv_n_folds=3)
    ref = cl_count.estimate_noise_matrices(X, y, seed=1, cv_n_folds=3)
    for a, b in zip(ours, ref):
        np.testing.assert_array_equal(a, b)
    py, nm, inv, cj, pp = count.estimate_py_noise_matrices_and_cv_pred_proba(X, y, seed=1)
    rpy, rnm, rinv, rcj, rpp = cl_count.estimate_py_noise_matrices_and_cv_pred_proba(X, y, seed=1)
    np.testing.assert_array_equal(pp, rpp)
    np.testing.assert_array_equal(cj, rcj)
    np.testing.assert_array_equal(nm, rnm)


@SETTINGS
@given(problem=multilabel_problems(max_k=6), names=st.booleans())
def test_multilabel_tables_equal_reference(problem, names):
    labels, probs = problem
    k = probs.shape[1]
    class_names = [f"c{i}" for i in range(k)] if names else None

    def both(ours, ref, **kwargs):
        try:
            expected = quiet(ref, labels=labels, pred_probs=probs, **kwargs)
        except ValueError:
            with pytest.raises(ValueError):
                quiet(ours, labels=labels, pred_probs=probs, **kwargs)
            return None
        return quiet(ours, labels=labels, pred_probs=probs, **kwargs), expected

    for ours, ref in [(ml_dataset.common_multilabel_issues, cl_ml_dataset.common_multilabel_issues),
                      (ml_dataset.rank_classes_by_multilabel_quality,
                       cl_ml_dataset.rank_classes_by_multilabel_quality)]:
        pair = both(ours, ref, class_names=class_names)
        if pair is not None:
            pd.testing.assert_frame_equal(*pair)
    pair = both(ml_dataset.overall_multilabel_health_score,
                cl_ml_dataset.overall_multilabel_health_score)
    if pair is not None:
        assert pair[0] == pair[1]
    pair = both(ml_dataset.multilabel_health_summary, cl_ml_dataset.multilabel_health_summary,
                verbose=False)
    if pair is not None:
        for key in pair[1]:
            if isinstance(pair[1][key], pd.DataFrame):
                pd.testing.assert_frame_equal(pair[0][key], pair[1][key])
            else:
                assert pair[0][key] == pair[1][key]


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("rank_by", [None, "self_confidence", "normalized_margin"])
def test_multilabel_per_class_and_counts_match_reference(seed, rank_by):
    labels, probs = make_multilabel(seed, 150, 4, ties=seed % 2 == 0)
    ours = quiet(ml_filter.find_multilabel_issues_per_class, labels, probs,
                 return_indices_ranked_by=rank_by)
    ref = quiet(cl_ml_filter.find_multilabel_issues_per_class, labels, probs,
                return_indices_ranked_by=rank_by, n_jobs=1)
    if rank_by is None:
        np.testing.assert_array_equal(ours, ref)
    else:
        for part_ours, part_ref in zip(ours, ref):
            for a, b in zip(part_ours, part_ref):
                np.testing.assert_array_equal(a, b)
    cj = count.compute_confident_joint(labels, probs, multi_label=True, calibrate=False)
    np.testing.assert_array_equal(
        count.calibrate_confident_joint(cj, labels, multi_label=True),
        cl_count.calibrate_confident_joint(cj, labels, multi_label=True))
    np.testing.assert_array_equal(count.estimate_joint(labels, probs, multi_label=True),
                                  cl_count.estimate_joint(labels, probs, multi_label=True))
    assert (count.num_label_issues(labels, probs, multi_label=True)
            == quiet(cl_count.num_label_issues, labels, probs, multi_label=True))
    np.testing.assert_array_equal(
        filter.find_predicted_neq_given(labels, probs, multi_label=True),
        cl_filter.find_predicted_neq_given(labels, probs, multi_label=True))


def test_multi_label_needs_a_list_like_reference():
    labels, probs = make_multilabel(1, 50, 3)
    with pytest.raises(TypeError):
        cl_filter.find_label_issues(np.array(labels, dtype=object), probs, multi_label=True)
    with pytest.raises(TypeError):
        filter.find_label_issues(np.array(labels, dtype=object), probs, multi_label=True)
