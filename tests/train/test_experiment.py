import numpy as np
import pytest

from fastclean.data.dataset import LabelledDataset
from fastclean.train.experiment import (
    LearnerSpec,
    TrainConfig,
    prepare_data,
    resolve_device,
    run_training,
)


def test_holdout_is_clean_and_noise_touches_training_rows_only(digits):
    data = prepare_data(digits, noise_pct=20, seed=0)
    assert data.valid_source.startswith("clean stratified 20%")
    assert len(data.valid) + len(data.train) == len(digits)
    assert np.array_equal(data.valid.labels, digits.labels[[int(i) for i in data.valid.ids]])
    rate = data.is_noisy.mean()
    assert 0.18 <= rate <= 0.22
    assert np.array_equal(data.is_noisy, data.train.labels != data.train.true_labels)


def test_holdout_is_the_same_whatever_the_noise_seed(digits):
    a = prepare_data(digits, noise_pct=10, seed=0)
    b = prepare_data(digits, noise_pct=50, seed=7)
    assert a.valid.ids == b.valid.ids


def test_a_valid_split_is_used_as_the_clean_validation_set(digits):
    ds = digits.subset(np.arange(200))
    ds.splits = np.array(["train"] * 150 + ["valid"] * 50, dtype=object)
    data = prepare_data(ds, noise_pct=30)
    assert data.valid_source == "valid split" and len(data.valid) == 50
    assert np.array_equal(data.valid.labels, ds.labels[150:])


def test_max_train_takes_a_fixed_stratified_subset(digits):
    data = prepare_data(digits, max_train=100)
    assert len(data.train) == 100
    assert np.bincount(data.train.labels, minlength=10).min() >= 9


@pytest.mark.parametrize("noise", [-1, 100, 150])
def test_noise_outside_0_100_is_rejected(digits, noise):
    with pytest.raises(ValueError, match="noise"):
        prepare_data(digits, noise_pct=noise)


def test_published_noise_levels_only_for_noisy_imagenette():
    with pytest.raises(ValueError, match="1, 5, 25 and 50"):
        TrainConfig(dataset="noisy-imagenette", noise_pct=10).check()


def test_cuda_without_a_gpu_is_a_clear_error():
    import torch

    if torch.cuda.is_available():
        assert resolve_device("cuda") == "cuda"
    else:
        with pytest.raises(ValueError, match="no GPU"):
            resolve_device("cuda")
    assert resolve_device("cpu") == "cpu"


def test_label_smoothing_strategy_refuses_ce_loss():
    with pytest.raises(ValueError, match="loss"):
        TrainConfig(dataset="digits", strategy="label-smoothing", loss="ce").check()


def test_prune_run_reports_consistent_counts_and_scores(digits):
    config = TrainConfig(dataset="digits", strategy="prune", noise_pct=30, folds=2, max_train=300,
                         learner=LearnerSpec(epochs=1, bs=32))
    result = run_training(config, dataset=digits)
    m = result.metrics
    assert m["n_train"] == 300 and m["n_actual_noisy"] == int(result.data.is_noisy.sum())
    assert m["n_kept"] == m["n_train"] - m["n_flagged"] > 0
    assert 0.0 <= m["precision"] <= 1.0 and 0.0 <= m["recall"] <= 1.0
    assert 0.0 <= m["clean_val_accuracy"] <= 1.0
    assert result.pred_probs.shape == (300, 10)
    assert result.config["learner"]["arch"] == "small-cnn"


def test_find_model_detector_gives_the_find_pipelines_pred_probs(digits, tmp_path):
    from fastclean.crossval import cross_val_pred_probs

    config = TrainConfig(dataset="digits", strategy="pseudo-label", noise_pct=30, folds=2, max_train=300,
                         threshold=0.5, detector="logreg", learner=LearnerSpec(epochs=1, bs=32))
    result = run_training(config, dataset=digits, cache_dir=tmp_path)
    expected = cross_val_pred_probs(result.data.train, "logreg", folds=2, seed=0, cache_dir=tmp_path,
                                    progress=False)
    np.testing.assert_allclose(result.pred_probs, expected, rtol=1e-6)
    assert result.metrics["n_relabelled"] > 0
    assert result.config["detector"] == "logreg"


def test_unknown_detector_is_rejected_before_any_work():
    with pytest.raises(ValueError, match="detector"):
        TrainConfig(dataset="digits", strategy="prune", detector="oracle").check()


def _toy_texts(repeat: int) -> LabelledDataset:
    """Two easy classes of short sentences, ``4 * repeat`` of each."""
    texts = [f"the weather is {w} today" for w in ("sunny", "warm", "bright", "clear")] * repeat + \
            [f"my code has a {w} bug" for w in ("nasty", "subtle", "new", "old")] * repeat
    n = len(texts)
    return LabelledDataset(name="toy", modality="text", classes=["weather", "code"],
                           labels=np.repeat([0, 1], n // 2), ids=[str(i) for i in range(n)],
                           splits=np.array(["train"] * n), texts=texts)


def test_texts_train_on_minilm_embeddings():
    ds = _toy_texts(repeat=6)
    result = run_training(TrainConfig(dataset="toy", learner=LearnerSpec(epochs=2, bs=8)), dataset=ds)
    assert result.config["learner"]["arch"] == "mlp"
    assert result.metrics["clean_val_accuracy"] >= 0.8


def test_awd_lstm_text_classifier_trains_on_raw_texts_offline():
    ds = _toy_texts(repeat=4)
    result = run_training(TrainConfig(dataset="toy", learner=LearnerSpec(arch="awd-lstm", epochs=1, bs=8)),
                          dataset=ds)
    assert result.config["learner"]["arch"] == "awd-lstm"
    assert result.learner.dls.vocab[0][:2] == ["xxunk", "xxpad"]
    assert 0.0 <= result.metrics["clean_val_accuracy"] <= 1.0
