import json

import pandas as pd
import pytest

from fastclean.train.experiment import LearnerSpec, TrainConfig, run_training
from fastclean.train.output import write_training


@pytest.fixture(scope="module")
def pseudo_run(digits):
    import torch

    torch.set_num_threads(1)
    config = TrainConfig(dataset="digits", strategy="pseudo-label", noise_pct=20, folds=2,
                         threshold=0.5, max_train=200, learner=LearnerSpec(epochs=1, bs=32))
    return run_training(config, dataset=digits)


def test_training_directory_holds_model_config_metrics_and_labels(pseudo_run, tmp_path):
    out = write_training(pseudo_run, tmp_path / "run")
    assert (out / "model" / "export.pkl").is_file()
    config = json.loads((out / "config.json").read_text())
    metrics = json.loads((out / "metrics.json").read_text())
    assert config["strategy"] == "pseudo-label" and config["threshold"] == 0.5
    assert metrics["clean_val_accuracy"] == pytest.approx(pseudo_run.metrics["clean_val_accuracy"])
    cleaned = pd.read_csv(out / "cleaned_labels.csv", dtype={"id": str, "given_label": str,
                                                           "cleaned_label": str, "true_label": str})
    assert len(cleaned) == 200
    relabelled = cleaned[cleaned.relabelled]
    assert (relabelled.cleaned_label != relabelled.given_label).all()
    assert cleaned.kept.sum() == metrics["n_kept"]


def test_exported_learner_loads_and_predicts_without_the_data(pseudo_run, tmp_path, digits):
    from fastai.learner import load_learner

    out = write_training(pseudo_run, tmp_path / "run")
    learn = load_learner(out / "model" / "export.pkl")
    assert len(learn.dls.train_ds) == 0
    label, _, probs = learn.predict((digits.images[0],))
    assert label in digits.classes and probs.shape == (10,)


def test_existing_output_is_not_replaced_without_overwrite(pseudo_run, tmp_path):
    (tmp_path / "run").mkdir()
    with pytest.raises(FileExistsError):
        write_training(pseudo_run, tmp_path / "run")
    assert list((tmp_path / "run").iterdir()) == []
