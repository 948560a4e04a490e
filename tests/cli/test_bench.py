"""``fastclean bench`` from the command line: the grid's outputs and bad input."""

from __future__ import annotations

import pandas as pd

from tests.helpers import invoke


def test_bench_on_miniature_noisy_imagenette_writes_the_reference_layout(tmp_path, imagenette_like):
    import torch

    torch.set_num_threads(1)
    out = tmp_path / "bench"
    res = invoke("bench", "noisy-imagenette", "--noise", "25", "50", "--data-dir", str(imagenette_like),
                 "--losses", "ls", "--filter-bys", "both", "--strategies", "baseline,pseudo-label",
                 "--arch", "small-cnn", "--size", "16", "--epochs", "1", "--folds", "2", "--bs", "8",
                 "--out", str(out))
    assert res.exit_code == 0, res.stderr
    results = pd.read_csv(out / "results.csv")
    assert set(results.noise_pct) == {0, 25, 50}
    preds = pd.read_csv(out / "imagenette_labelsmoothing" / "prune_noise_rate_class"
                        / "noisy50_train_predictions.csv")
    assert {"path", "noisy_labels_25", "noisy_labels_50", "is_valid", "predictions",
            "confidence"} <= set(preds.columns)
    assert preds.path.str.endswith(".JPEG").all()


def test_bench_rejects_a_bad_noise_list_without_output(tmp_path):
    res = invoke("bench", "digits", "--noise", "5", "abc", "--out", str(tmp_path / "b"))
    assert res.exit_code == 2 and "abc" in res.stderr
    assert not (tmp_path / "b").exists()


def test_bench_rejects_zero_jobs_in_one_line(tmp_path):
    res = invoke("bench", "digits", "--noise", "5", "--jobs", "0", "--out", str(tmp_path / "b"))
    assert res.exit_code == 2
    assert [line for line in res.stderr.splitlines() if line.strip()] == \
        ["error: jobs: expected a positive int, got 0"]
    assert not (tmp_path / "b").exists()
