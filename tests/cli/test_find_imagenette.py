"""``fastclean find noisy-imagenette`` on a few dozen real images: end to end and bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from tests.data.test_noisy_imagenette_images import PER_CLASS, copy_real_subset
from tests.helpers import run_cli


@pytest.fixture(scope="module")
def real_subset(tmp_path_factory, data_dir) -> Path:
    return copy_real_subset(data_dir, tmp_path_factory.mktemp("nette-cli"))


def _exit_2_one_line(res, out: Path, *needles: str) -> str:
    assert res.returncode == 2, (res.returncode, res.stdout[-2000:], res.stderr[-2000:])
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in res.stderr, res.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    assert not out.exists()
    return lines[0]


def test_find_scores_the_training_images_with_fastclean_data(real_subset, tmp_path):
    out = tmp_path / "run"
    res = run_cli("find", "noisy-imagenette", "--noise", "25", "--folds", "3", "--out", str(out),
                  env={"FASTCLEAN_DATA": str(real_subset.parent)})
    assert res.returncode == 0, res.stderr
    summary = json.loads((out / "summary.json").read_text())
    examples = pd.read_csv(out / "examples.csv")
    assert summary["n_examples"] == 10 * PER_CLASS[0] and set(examples["split"]) == {"train"}
    assert summary["n_actual_noisy"] == 10
    assert summary["settings"]["model"] == "efficientnet-lite0"
    # pretrained features see through most of the 10 flips even with 20 training images
    assert summary["recall"] >= 0.5 and summary["precision"] >= 0.5
    assert all(Path(p).is_file() and "/train/" in p for p in examples["path"])


def _copy(real_subset: Path, tmp_path: Path) -> Path:
    root = tmp_path / "data" / "noisy_imagenette"
    shutil.copytree(real_subset, root)
    return root


def test_bad_label_files_exit_2_with_one_line_and_nothing_written(real_subset, tmp_path):
    root = _copy(real_subset, tmp_path)
    out = tmp_path / "run"
    csv = root / "noisy_imagenette.csv"
    df = pd.read_csv(csv)
    df.drop(columns="noisy_labels_5").to_csv(csv, index=False)
    res = run_cli("find", "noisy-imagenette", "--noise", "5", "--data-dir", str(root), "--out", str(out))
    _exit_2_one_line(res, out, "noisy_labels_5")

    df.loc[0, "path"] = "../../outside.JPEG"
    df.to_csv(csv, index=False)
    res = run_cli("find", "noisy-imagenette", "--noise", "5", "--data-dir", str(root.parent), "--out", str(out))
    _exit_2_one_line(res, out, "not under the images root", "outside.JPEG")


def test_missing_images_are_named_and_skip_bad_lists_them(real_subset, tmp_path):
    root = _copy(real_subset, tmp_path)
    out = tmp_path / "run"
    gone = sorted((root / "train").rglob("*.JPEG"))[4]
    gone.unlink()
    res = run_cli("find", "noisy-imagenette", "--noise", "1", "--data-dir", str(root), "--out", str(out))
    _exit_2_one_line(res, out, gone.name)
    res = run_cli("find", "noisy-imagenette", "--noise", "1", "--data-dir", str(root), "--skip-bad",
                  "--folds", "2", "--out", str(out))
    assert res.returncode == 0, res.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["dataset"]["skipped"] == [gone.relative_to(root).as_posix()]
    assert gone.name in res.stdout + res.stderr
