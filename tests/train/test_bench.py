import json

import pandas as pd
import pytest

from fastclean.train.bench import RESULT_COLUMNS, BenchConfig, dataset_slug, run_bench
from fastclean.train.experiment import LearnerSpec


@pytest.fixture(scope="module")
def bench_dir(digits, tmp_path_factory):
    import torch

    torch.set_num_threads(1)
    out = tmp_path_factory.mktemp("bench") / "b"
    config = BenchConfig(dataset="digits", noise_levels=[25, 40], losses=["ce"],
                         filter_bys=["prune_by_noise_rate", "both"], strategies=["baseline", "prune"],
                         folds=2, max_train=200, learner=LearnerSpec(epochs=1, bs=32))
    run_bench(config, out, dataset=digits)
    return out


def test_results_csv_has_the_promised_columns_and_a_zero_noise_reference(bench_dir):
    results = pd.read_csv(bench_dir / "results.csv")
    assert list(results.columns[: len(RESULT_COLUMNS)]) == RESULT_COLUMNS
    ref = results[results.noise_pct == 0]
    assert list(ref.strategy) == ["baseline"] and ref.n_actual_noisy.iloc[0] == 0
    assert set(results.noise_pct) == {0, 25, 40}
    # per noise level: baseline + prune for each filter
    assert len(results[results.noise_pct == 25]) == 3
    assert (results.n_train == 200).all()


def test_detection_scores_match_the_prediction_files(bench_dir):
    results = pd.read_csv(bench_dir / "results.csv")
    row = results[(results.noise_pct == 25) & (results.filter_by == "both")].iloc[0]
    preds = pd.read_csv(bench_dir / "digits_no_labelsmoothing" / "prune_noise_rate_class"
                        / "noisy25_train_predictions.csv")
    assert preds.is_label_issue.sum() == row.n_flagged
    assert preds.is_noisy.sum() == row.n_actual_noisy
    tp = (preds.is_label_issue & preds.is_noisy).sum()
    assert row.precision == pytest.approx(tp / row.n_flagged)


def test_prediction_files_follow_the_reference_layout(bench_dir):
    folder = bench_dir / "digits_no_labelsmoothing" / "prune_noise_rate"
    preds = pd.read_csv(folder / "noisy40_train_predictions.csv")
    for col in ("id", "noisy_labels_25", "noisy_labels_40", "is_valid", "predictions", "confidence"):
        assert col in preds.columns
    assert len(preds) == 200 and preds.confidence.between(0, 1).all()
    assert not (bench_dir / "digits_labelsmoothing").exists()  # ls was not in the grid


def test_results_md_extends_the_reference_table(bench_dir):
    md = (bench_dir / "results.md").read_text()
    assert "actual noisy" in md and "1 epoch(s)" in md and "0 %-noise reference" in md
    assert "vs baseline" in md
    meta = json.loads((bench_dir / "metrics.json").read_text())
    assert meta["rows"] == 7 and meta["seconds"] > 0


def test_bench_options_are_checked_before_any_work(tmp_path):
    with pytest.raises(ValueError, match="filter_by"):
        BenchConfig(dataset="digits", filter_bys=["low_self_confidence"]).check()
    with pytest.raises(ValueError, match="loss"):
        BenchConfig(dataset="digits", losses=["hinge"]).check()
    with pytest.raises(ValueError, match="detector"):
        BenchConfig(dataset="digits", detector="oracle").check()


def test_find_model_detector_flags_what_find_would(digits, tmp_path):
    import numpy as np

    from fastclean import core
    from fastclean.crossval import cross_val_pred_probs
    from fastclean.train.experiment import prepare_data

    config = BenchConfig(dataset="digits", noise_levels=[30], losses=["ce"], filter_bys=["both"],
                         strategies=["prune"], folds=2, max_train=200, detector="logreg",
                         learner=LearnerSpec(epochs=1, bs=32))
    results = run_bench(config, tmp_path / "b", dataset=digits, cache_dir=tmp_path / "cache")
    train = prepare_data(digits, noise_pct=30, seed=0, max_train=200).train
    probs = cross_val_pred_probs(train, "logreg", folds=2, seed=0, cache_dir=tmp_path / "cache",
                                 progress=False)
    row = results[results.strategy == "prune"].iloc[0]
    assert row.n_flagged == int(np.sum(core.find_label_issues(train.labels, probs, filter_by="both")))
    assert row.n_kept == 200 - row.n_flagged
    assert "find model `logreg`" in (tmp_path / "b" / "results.md").read_text()


def test_dataset_slug_follows_the_reference_names():
    assert dataset_slug("noisy-imagenette") == "imagenette"
    assert dataset_slug("mnist-test") == "mnist_test"
