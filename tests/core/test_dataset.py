"""Dataset health matches cleanlab 2.9.0's dataset module, as plain numpy and JSON."""

from __future__ import annotations

import json

import numpy as np
import pytest
from cleanlab import count as cl_count
from cleanlab import dataset as cl
from hypothesis import HealthCheck, given, settings

from fastclean.core import (
    class_label_quality,
    label_health_summary,
    overall_label_health_score,
    overlapping_class_pairs,
)

from .conftest import make_problem, problems


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problem=problems(max_k=12))
def test_class_ranking_overlaps_and_score_match_reference(problem):
    labels, probs = problem
    ours = class_label_quality(labels, probs)
    ref = cl.rank_classes_by_label_quality(labels, probs)
    # Same rows in the same order as the reference's (non-stable) pandas sort, ties included.
    np.testing.assert_array_equal(ours["class"], ref["Class Index"].to_numpy())
    np.testing.assert_array_equal(ours["label_issues"], ref["Label Issues"].to_numpy())
    np.testing.assert_array_equal(ours["inverse_label_issues"], ref["Inverse Label Issues"].to_numpy())
    np.testing.assert_array_equal(ours["label_noise"], ref["Label Noise"].to_numpy())
    np.testing.assert_array_equal(ours["inverse_label_noise"], ref["Inverse Label Noise"].to_numpy())
    np.testing.assert_array_equal(ours["label_quality"], ref["Label Quality Score"].to_numpy())

    pairs = overlapping_class_pairs(labels, probs)
    ref_pairs = cl.find_overlapping_classes(labels, probs)
    np.testing.assert_array_equal(pairs["class_a"], ref_pairs["Class Index A"].to_numpy())
    np.testing.assert_array_equal(pairs["class_b"], ref_pairs["Class Index B"].to_numpy())
    np.testing.assert_array_equal(pairs["n_overlap"], ref_pairs["Num Overlapping Examples"].to_numpy())
    np.testing.assert_array_equal(pairs["joint_probability"], ref_pairs["Joint Probability"].to_numpy())

    assert overall_label_health_score(labels, probs) == cl.overall_label_health_score(labels, probs)


def test_health_summary_is_json_serialisable_and_consistent():
    labels, probs = make_problem(7, 800, 5, noise=0.2)
    names = ["a", "b", "c", "d", "e"]
    summary = label_health_summary(labels, probs, class_names=names)
    json.dumps(summary)
    assert {"estimated_noise_rate", "overall_label_health_score", "per_class",
            "overlapping_classes", "noise_matrix"} <= summary.keys()
    assert [row["class"] for row in summary["per_class"]] != []
    quality = [row["label_quality"] for row in summary["per_class"]]
    assert quality == sorted(quality)
    assert sum(row["n_given"] for row in summary["per_class"]) == len(labels)
    assert {row["class"] for row in summary["per_class"]} == set(names)
    nm = np.array(summary["noise_matrix"])
    assert nm.shape == (5, 5)
    np.testing.assert_allclose(nm.sum(axis=0), 1.0)
    ref_joint = cl_count.estimate_joint(labels, probs)
    assert summary["estimated_noise_rate"] == pytest.approx(1 - np.trace(ref_joint))
    assert summary["overall_label_health_score"] == cl.overall_label_health_score(labels, probs)
    probs_overlap = [row["joint_probability"] for row in summary["overlapping_classes"]]
    assert probs_overlap == sorted(probs_overlap, reverse=True)


def test_noisier_dataset_scores_lower():
    clean = label_health_summary(*make_problem(1, 1000, 4, noise=0.0, strength=5.0))
    noisy = label_health_summary(*make_problem(1, 1000, 4, noise=0.4, strength=5.0))
    assert noisy["estimated_noise_rate"] > clean["estimated_noise_rate"]
    assert noisy["overall_label_health_score"] < clean["overall_label_health_score"]


def test_wrong_number_of_class_names_is_rejected():
    labels, probs = make_problem(1, 50, 3)
    with pytest.raises(ValueError, match="class_names"):
        label_health_summary(labels, probs, class_names=["a", "b"])
