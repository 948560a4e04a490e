import numpy as np
import pytest

from fastclean.train.strategies import apply_strategy, check_threshold, strategy_loss


@pytest.fixture
def case():
    labels = np.array([0, 0, 1, 1, 2, 2])
    pred_probs = np.array([
        [0.9, 0.05, 0.05],
        [0.05, 0.95, 0.0],   # flagged, confidently 1
        [0.1, 0.8, 0.1],
        [0.4, 0.35, 0.25],   # flagged, unconfidently 0
        [0.0, 0.1, 0.9],
        [0.1, 0.0, 0.9],
    ])
    flagged = np.array([False, True, False, True, False, False])
    return labels, pred_probs, flagged


def test_baseline_keeps_every_label_unchanged(case):
    labels, pred_probs, _ = case
    out = apply_strategy("baseline", labels, pred_probs)
    assert out.keep.all() and np.array_equal(out.labels, labels) and not out.flagged.any()


def test_prune_drops_exactly_the_flagged_examples(case):
    labels, pred_probs, flagged = case
    out = apply_strategy("prune", labels, pred_probs, flagged=flagged)
    assert np.array_equal(out.keep, ~flagged)
    assert np.array_equal(out.labels, labels)


def test_pseudo_label_relabels_confident_and_drops_unconfident(case):
    labels, pred_probs, flagged = case
    out = apply_strategy("pseudo-label", labels, pred_probs, flagged=flagged, threshold=0.9)
    assert out.labels[1] == 1 and out.relabelled[1]
    assert not out.keep[3]
    assert out.keep.sum() == 5


def test_pseudo_label_keep_unconfident_keeps_given_label(case):
    labels, pred_probs, flagged = case
    out = apply_strategy("pseudo-label", labels, pred_probs, flagged=flagged, threshold=0.9,
                         keep_unconfident=True)
    assert out.keep.all()
    assert out.labels[3] == labels[3]


def test_relabel_gives_every_flagged_example_its_suggestion_and_drops_nothing(case):
    labels, pred_probs, flagged = case
    out = apply_strategy("relabel", labels, pred_probs, flagged=flagged, threshold=0.99)
    assert out.keep.all()
    assert out.labels.tolist() == [0, 1, 1, 0, 2, 2]  # 1 → 1 (0.95) and 3 → 0 (only 0.4)
    assert out.relabelled.tolist() == [False, True, False, True, False, False]


def test_pseudo_label_threshold_one_relabels_nothing_below_certainty(case):
    labels, pred_probs, flagged = case
    out = apply_strategy("pseudo-label", labels, pred_probs, flagged=flagged, threshold=1.0)
    assert not out.relabelled.any()


def test_flags_are_computed_with_filter_by_when_not_given():
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(3), 30)
    pred_probs = np.full((90, 3), 0.05)
    pred_probs[np.arange(90), labels] = 0.9
    wrong = rng.choice(90, 9, replace=False)
    noisy = labels.copy()
    noisy[wrong] = (labels[wrong] + 1) % 3
    out = apply_strategy("prune", noisy, pred_probs, filter_by="both")
    assert set(np.flatnonzero(out.flagged)) == set(wrong)


@pytest.mark.parametrize("threshold", [0, -0.1, 1.5])
def test_threshold_outside_unit_interval_is_rejected(threshold):
    with pytest.raises(ValueError, match="threshold"):
        check_threshold(threshold)


def test_unknown_strategy_names_the_choices(case):
    labels, pred_probs, _ = case
    with pytest.raises(ValueError, match="strategy.*baseline"):
        apply_strategy("mixup", labels, pred_probs)


def test_cl_strategy_without_pred_probs_is_rejected(case):
    labels, _, _ = case
    with pytest.raises(ValueError, match="pred_probs"):
        apply_strategy("prune", labels)


def test_label_smoothing_strategies_train_with_ls_loss():
    assert strategy_loss("label-smoothing") == "ls"
    assert strategy_loss("ls+pseudo-label") == "ls"
    assert strategy_loss("prune", "ls") == "ls"
    assert strategy_loss("baseline") == "ce"
