"""Noisy Imagenette from real images: the shared layout, --data-dir forms, and bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from fastclean.data import load_dataset
from fastclean.data.imagenette import load_noisy_imagenette

#: Real images per class copied for the tests: (train, valid).
PER_CLASS = (3, 1)


def copy_real_subset(data_dir: Path, dest: Path, per_class=PER_CLASS, *, noisy_per_class: int = 1) -> Path:
    """Copy a few real Noisy Imagenette images per class into ``dest/noisy_imagenette/``.

    The label CSV keeps the real columns; in each class ``noisy_per_class`` training rows get
    another class's label in every noisy column, so that the truth is known exactly.
    """
    src = data_dir / "noisy_imagenette"
    df = pd.read_csv(src / "noisy_imagenette.csv")
    df["wnid"] = df["path"].str.split("/").str[1]
    parts = []
    for valid, n in zip((False, True), per_class):
        sub = df[df["is_valid"] == valid]
        parts.append(sub.groupby("wnid", sort=True).head(n))
    rows = pd.concat(parts).reset_index(drop=True)
    wnids = sorted(rows["wnid"].unique())
    for col in [c for c in rows.columns if c.startswith("noisy_labels_")]:
        rows[col] = rows["wnid"]
        for k, wnid in enumerate(wnids):
            flip = rows.index[(rows["wnid"] == wnid) & ~rows["is_valid"]][:noisy_per_class]
            rows.loc[flip, col] = wnids[(k + 1) % len(wnids)]
    root = dest / "noisy_imagenette"
    for rel in rows["path"]:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(src / rel, root / rel)
    rows.drop(columns="wnid").to_csv(root / "noisy_imagenette.csv", index=False)
    return root


@pytest.fixture(scope="module")
def real_subset(tmp_path_factory, data_dir) -> Path:
    return copy_real_subset(data_dir, tmp_path_factory.mktemp("nette"))


def test_the_shared_layout_is_found_from_the_parent_folder_and_from_itself(real_subset):
    by_parent = load_noisy_imagenette(real_subset.parent, noise_pct=25)
    by_itself = load_noisy_imagenette(real_subset, noise_pct=25)
    assert by_parent.ids == by_itself.ids and len(by_parent) == 10 * sum(PER_CLASS)
    assert by_parent.root == real_subset.resolve()
    assert all(p.is_file() for p in by_parent.paths)
    # clean labels from the folder, one flip per class in train, valid never noisy
    folders = [i.split("/")[1] for i in by_parent.ids]
    assert [by_parent.classes[t] for t in by_parent.true_labels] == folders
    noisy = by_parent.labels != by_parent.true_labels
    assert noisy[by_parent.splits == "train"].sum() == 10 and not noisy[by_parent.splits == "valid"].any()


def test_fastclean_data_points_at_the_parent_of_noisy_imagenette(real_subset, monkeypatch):
    monkeypatch.setenv("FASTCLEAN_DATA", str(real_subset.parent))
    ds = load_dataset("noisy-imagenette", noise_pct=5, split="train")
    assert len(ds) == 10 * PER_CLASS[0] and set(ds.splits) == {"train"}


def test_the_real_shared_folder_is_found(data_dir):
    ds = load_dataset("noisy-imagenette", data_dir=data_dir, noise_pct=1, split="valid")
    assert len(ds) == 3925 and (ds.labels == ds.true_labels).all()


def _variant(real_subset: Path, tmp_path: Path) -> Path:
    root = tmp_path / "noisy_imagenette"
    shutil.copytree(real_subset, root)
    return root


def test_a_path_outside_the_images_root_is_refused(real_subset, tmp_path):
    root = _variant(real_subset, tmp_path)
    df = pd.read_csv(root / "noisy_imagenette.csv")
    for bad in ("../elsewhere/train/n01440764/x.JPEG", "/etc/passwd", "train//x.JPEG"):
        df.loc[3, "path"] = bad
        df.to_csv(root / "noisy_imagenette.csv", index=False)
        with pytest.raises(ValueError, match="not under the images root"):
            load_noisy_imagenette(root, noise_pct=25)


def test_a_noise_level_without_its_column_is_refused(real_subset, tmp_path):
    root = _variant(real_subset, tmp_path)
    df = pd.read_csv(root / "noisy_imagenette.csv").drop(columns="noisy_labels_50")
    df.to_csv(root / "noisy_imagenette.csv", index=False)
    with pytest.raises(ValueError, match="noise_pct.*noisy_labels_50"):
        load_noisy_imagenette(root, noise_pct=50)
    assert len(load_noisy_imagenette(root, noise_pct=25)) == len(df)  # other levels still load


def test_missing_and_unreadable_images_are_named_or_skipped(real_subset, tmp_path):
    root = _variant(real_subset, tmp_path)
    images = sorted((root / "train").rglob("*.JPEG"))
    images[0].unlink()
    images[1].write_bytes(b"not a jpeg")
    with pytest.raises(FileNotFoundError, match=images[0].name):
        load_noisy_imagenette(root, noise_pct=25)
    ds = load_noisy_imagenette(root, noise_pct=25, skip_bad=True)
    assert sorted(ds.skipped) == sorted(p.relative_to(root).as_posix() for p in images[:2])
    assert len(ds) == 10 * sum(PER_CLASS) - 2
