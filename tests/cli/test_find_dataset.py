"""``fastclean find DATASET``: real datasets end to end, and clear failures on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.helpers import run_cli


def _assert_exit_2_one_line(res, out: Path, *needles: str) -> str:
    assert res.returncode == 2, (res.returncode, res.stdout[-2000:], res.stderr[-2000:])
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in res.stderr, res.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    assert not out.exists()
    return lines[0]


def test_covid_tweets_with_injected_noise_reports_detection_scores(data_dir, tmp_path):
    out = tmp_path / "run"
    res = run_cli("find", "covid-tweets", "--data-dir", str(data_dir), "--noise", "25",
                  "--model", "tfidf-logreg", "--folds", "3", "--out", str(out))
    assert res.returncode == 0, res.stderr
    issues = pd.read_csv(out / "issues.csv", dtype={"id": str})
    summary = json.loads((out / "summary.json").read_text())
    assert summary["n_examples"] == 7000
    assert summary["n_actual_noisy"] == 1750
    # A real, weak-ish model still finds injected flips far better than chance (25 %).
    assert summary["precision"] > 0.5 and summary["recall"] > 0.3
    assert 0 < summary["f1"] <= 1 and 0 < summary["auprc"] <= 1
    assert set(issues["split"]) == {"train"}
    assert issues["text"].str.len().min() > 0
    assert issues["id"].str.fullmatch(r"\d+(#\d+)?").all()
    assert set(issues["given_label"]) <= {"INFORMATIVE", "UNINFORMATIVE"}
    assert "is_noisy" in issues.columns
    assert summary["settings"]["model"] == "tfidf-logreg"
    assert {"load", "pred_probs", "find_label_issues", "total"} <= set(summary["timings"])


def test_test_split_is_scored_by_a_model_fitted_on_train_and_valid(data_dir, tmp_path):
    out = tmp_path / "run"
    res = run_cli("find", "covid-tweets", "--data-dir", str(data_dir), "--split", "test",
                  "--model", "tfidf-logreg", "--out", str(out))
    assert res.returncode == 0, res.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["n_examples"] == 2000
    assert "train" in summary["settings"]["pred_probs_method"]
    examples = pd.read_csv(out / "examples.csv", dtype={"id": str})
    assert set(examples["split"]) == {"test"}
    assert summary["accuracy_vs_given_labels"] > 0.75


def test_digits_images_are_kept_for_review(tmp_path):
    out = tmp_path / "run"
    res = run_cli("find", "digits", "--noise", "10", "--model", "logreg", "--out", str(out))
    assert res.returncode == 0, res.stderr
    images = np.load(out / "images.npy")
    assert images.shape == (1797, 8, 8) and images.dtype == np.uint8
    summary = json.loads((out / "summary.json").read_text())
    assert summary["f1"] > 0.5


def test_unknown_dataset_lists_the_builtin_names(tmp_path):
    out = tmp_path / "run"
    res = run_cli("find", "no-such-dataset", "--out", str(out))
    line = _assert_exit_2_one_line(res, out)
    for name in ("digits", "mnist-test", "covid-tweets", "noisy-imagenette"):
        assert name in line


def test_csv_errors_name_the_problem(tmp_path):
    out = tmp_path / "run"
    table = tmp_path / "data.csv"
    pd.DataFrame({"sentence": ["good film", "bad film", "great", "awful"] * 5,
                  "label": ["pos", "neg", "pos", "neg"] * 5}).to_csv(table, index=False)
    res = run_cli("find", str(table), "--label-col", "sentiment", "--text-col", "sentence", "--out", str(out))
    _assert_exit_2_one_line(res, out, "sentiment")

    one_class = tmp_path / "one.csv"
    pd.DataFrame({"text": ["a", "b", "c"], "label": ["x", "x", "x"]}).to_csv(one_class, index=False)
    res = run_cli("find", str(one_class), "--out", str(out))
    _assert_exit_2_one_line(res, out, "class")

    empty = tmp_path / "empty.csv"
    empty.write_text("text,label\n")
    res = run_cli("find", str(empty), "--out", str(out))
    _assert_exit_2_one_line(res, out, "empty")


def test_published_noise_levels_only(data_dir, tmp_path):
    out = tmp_path / "run"
    res = run_cli("find", "noisy-imagenette", "--noise", "7", "--data-dir", str(data_dir), "--out", str(out))
    _assert_exit_2_one_line(res, out, "1, 5, 25")


def test_corrupted_image_is_named_or_skipped(tmp_path):
    from sklearn.datasets import load_digits
    from PIL import Image

    x, y = load_digits(return_X_y=True)
    root = tmp_path / "folder"
    for cls in (0, 1, 7):
        (root / f"c{cls}").mkdir(parents=True)
        for j, i in enumerate(np.flatnonzero(y == cls)[:6]):
            img = (x[i].reshape(8, 8) * 16).clip(0, 255).astype(np.uint8)
            Image.fromarray(img).resize((32, 32)).convert("RGB").save(root / f"c{cls}" / f"{j}.png")
    bad = root / "c1" / "broken.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n not really an image")
    out = tmp_path / "run"
    res = run_cli("find", str(root), "--folds", "2", "--out", str(out))
    _assert_exit_2_one_line(res, out, "broken.png")

    res = run_cli("find", str(root), "--folds", "2", "--skip-bad", "--out", str(out))
    assert res.returncode == 0, res.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["n_examples"] == 18
    assert any("broken.png" in s for s in summary["dataset"]["skipped"])
    assert summary["settings"]["model"] == "efficientnet-lite0"
    assert summary["dataset"]["root"] == str(root.resolve()) or summary["dataset"]["root"] == str(root)


def test_worst_lists_the_lowest_quality_labels_flagged_or_not(tmp_path):
    out = tmp_path / "run"
    res = run_cli("find", "digits", "--model", "logreg", "--worst", "7", "--out", str(out))
    assert res.returncode == 0, res.stderr
    assert "7 lowest-quality given labels" in res.stdout
    examples = pd.read_csv(out / "examples.csv")
    worst = examples.nsmallest(7, "label_quality")
    block = res.stdout[res.stdout.index("lowest-quality"):]
    for index, quality in zip(worst["index"], worst["label_quality"]):
        assert f"{quality:.4f}" in block and str(index) in block
