"""The calibrated-count filter: as many flags as the calibrated confident joint, lowest self-confidence."""

import numpy as np
import pandas as pd

from fastclean import core
from tests.helpers import run_cli


def _noisy_probs(seed: int = 0, n: int = 2000, k: int = 5, noise: float = 0.1):
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, k, n)
    logits = rng.normal(0, 1, (n, k)) + 3.0 * np.eye(k)[truth]
    probs = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    labels = truth.copy()
    flip = rng.random(n) < noise
    labels[flip] = (labels[flip] + rng.integers(1, k, flip.sum())) % k
    return labels, probs, flip


def test_flags_the_calibrated_count_of_lowest_self_confidence():
    labels, probs, flip = _noisy_probs()
    mask = core.find_label_issues_by_calibrated_count(labels, probs)
    expected = core.num_label_issues(labels, probs, estimation_method="off_diagonal_calibrated")
    assert mask.sum() == expected
    conf = probs[np.arange(len(labels)), labels]
    assert conf[mask].max() <= conf[~mask].min()
    # it finds flips (the synthetic model is good), and the ranked form holds the same rows
    assert (mask & flip).sum() / flip.sum() > 0.8
    ranked = core.find_label_issues_by_calibrated_count(labels, probs, return_indices_ranked_by="normalized_margin")
    assert sorted(ranked) == list(np.nonzero(mask)[0])
    assert np.array_equal(ranked, core.order_label_issues(mask, labels, probs, rank_by="normalized_margin"))


def test_find_offers_it_as_a_filter(tmp_path):
    labels, probs, _ = _noisy_probs(1, n=400)
    np.save(tmp_path / "labels.npy", labels)
    np.save(tmp_path / "pred_probs.npy", probs)
    res = run_cli("find", "--labels", str(tmp_path / "labels.npy"), "--pred-probs", str(tmp_path / "pred_probs.npy"),
                  "--filter-by", "calibrated_count", "--out", str(tmp_path / "run"))
    assert res.returncode == 0, res.stderr
    issues = pd.read_csv(tmp_path / "run" / "issues.csv")
    assert sorted(issues["index"]) == list(np.nonzero(core.find_label_issues_by_calibrated_count(labels, probs))[0])
