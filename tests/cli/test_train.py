"""``fastclean train`` from the command line: outputs and bad input."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from tests.helpers import invoke


@pytest.mark.parametrize("args, message", [
    (["--strategy", "mixup"], "strategy"),
    (["--loss", "hinge"], "loss"),
    (["--threshold", "1.5"], "threshold"),
    (["--threshold", "0"], "threshold"),
    (["--noise-type", "spiral"], "noise_type"),
    (["--track", "tensorboard"], "track"),
    (["--filter-by", "vibes"], "filter_by"),
    (["--detector", "oracle"], "detector"),
])
def test_bad_options_exit_2_with_one_line_and_write_nothing(tmp_path, args, message):
    out = tmp_path / "out"
    res = invoke("train", "digits", "--out", str(out), *args)
    assert res.exit_code == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and message in lines[0]
    assert not out.exists()


def test_a_noise_level_the_label_file_lacks_is_refused(tmp_path, imagenette_like):
    res = invoke("train", "noisy-imagenette", "--noise", "10", "--data-dir", str(imagenette_like),
                 "--out", str(tmp_path / "o"))
    assert res.exit_code == 2 and "1, 5, 25 and 50" in res.stderr


def test_cuda_without_gpu_or_wandb_without_package_is_refused(tmp_path, monkeypatch):
    import sys

    import torch

    if not torch.cuda.is_available():
        res = invoke("train", "digits", "--device", "cuda", "--out", str(tmp_path / "o"))
        assert res.exit_code == 2 and "no GPU" in res.stderr
    monkeypatch.setitem(sys.modules, "wandb", None)  # as if it were not installed
    res = invoke("train", "digits", "--track", "wandb", "--out", str(tmp_path / "o"))
    assert res.exit_code == 2 and "wandb is not installed" in res.stderr
    assert not (tmp_path / "o").exists()


def test_train_on_miniature_noisy_imagenette_writes_model_metrics_and_labels(tmp_path, imagenette_like):
    import torch

    torch.set_num_threads(1)
    out = tmp_path / "run"
    res = invoke("train", "noisy-imagenette", "--data-dir", str(imagenette_like), "--noise", "25",
                 "--strategy", "pseudo-label", "--arch", "resnet18", "--size", "32", "--epochs", "1",
                 "--folds", "2", "--bs", "8", "--out", str(out))
    assert res.exit_code == 0, res.stderr
    assert (out / "model" / "export.pkl").is_file()
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["validation"] == "valid split" and metrics["n_valid"] == 6
    config = json.loads((out / "config.json").read_text())
    assert config["learner"]["arch"] == "resnet18" and config["noise_pct"] == 25
    cleaned = pd.read_csv(out / "cleaned_labels.csv")
    assert len(cleaned) == metrics["n_train"] == 24
    assert cleaned.id.str.startswith("train/").all()
    assert cleaned.is_noisy.sum() == metrics["n_actual_noisy"]


def test_track_wandb_logs_an_offline_run_with_fastais_callback(tmp_path):
    pytest.importorskip("wandb")
    from tests.helpers import run_cli

    out = tmp_path / "run"
    env = {"WANDB_MODE": "offline", "WANDB_DIR": str(tmp_path), "WANDB_SILENT": "true",
           "WANDB_CONSOLE": "off", "FASTCLEAN_THREADS": "1"}
    res = run_cli("train", "digits", "--track", "wandb", "--epochs", "1", "--max-train", "300",
                  "--out", str(out), env=env)
    assert res.returncode == 0, res.stderr[-2000:]
    runs = list((tmp_path / "wandb").glob("offline-run-*"))
    assert len(runs) == 1
    logs = list(runs[0].glob("run-*.wandb"))  # the run's record, for `wandb sync` later
    assert len(logs) == 1
    # fastai's recorder values went into it (protobuf keeps the keys as plain bytes)
    record = logs[0].read_bytes()
    for key in (b"train_loss", b"valid_loss", b"accuracy", b"epoch"):
        assert key in record
    config = json.loads((out / "config.json").read_text())
    assert config["learner"]["track"] == "wandb"
