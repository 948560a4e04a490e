import numpy as np
import pandas as pd
from PIL import Image

from fastclean.data import load_dataset
from fastclean.data.imagenette import IMAGENETTE_WNIDS
from fastclean.data.synthetic import make_imagenette_like


def test_writes_the_imagenette_layout_and_label_csv(tmp_path):
    root = make_imagenette_like(tmp_path, n_per_class=4, n_valid_per_class=2, size=24)
    df = pd.read_csv(root / "noisy_imagenette.csv")
    assert list(df.columns) == ["path", "noisy_labels_1", "noisy_labels_5", "noisy_labels_25",
                                "noisy_labels_50", "is_valid"]
    assert len(df) == 10 * 6 and df["is_valid"].sum() == 10 * 2
    assert {p.split("/")[0] for p in df["path"]} == {"train", "val"}
    assert {p.split("/")[1] for p in df["path"]} == set(IMAGENETTE_WNIDS)
    with Image.open(root / df["path"][0]) as im:
        assert im.mode == "RGB" and im.size == (24, 24) and im.format == "JPEG"


def test_load_dataset_reads_it_with_the_requested_noise(tmp_path):
    root = make_imagenette_like(tmp_path, n_per_class=8, n_valid_per_class=2)
    ds = load_dataset("noisy-imagenette", data_dir=root, noise_pct=25)
    assert len(ds) == 80 and set(ds.splits) == {"train"}
    assert int((ds.labels != ds.true_labels).sum()) == 20
    both = load_dataset("noisy-imagenette", data_dir=root, noise_pct=25, split="all")
    assert len(both) == 100 and not (both.labels != both.true_labels)[both.splits == "valid"].any()


def test_images_show_the_digit_of_their_class(tmp_path):
    root = make_imagenette_like(tmp_path, n_per_class=3, n_valid_per_class=0, n_classes=2)
    ds = load_dataset("noisy-imagenette", data_dir=root)
    arrays = np.stack([np.asarray(Image.open(p).convert("L"), dtype=float) for p in ds.paths])
    # Zeros are rings (dark centre), ones are strokes (bright centre).
    centre = arrays[:, 12:20, 12:20].mean(axis=(1, 2))
    assert centre[ds.labels == 0].mean() < centre[ds.labels == 1].mean()


def test_same_seed_same_files(tmp_path):
    a = make_imagenette_like(tmp_path / "a", n_per_class=2, n_valid_per_class=1, seed=3)
    b = make_imagenette_like(tmp_path / "b", n_per_class=2, n_valid_per_class=1, seed=3)
    assert (a / "noisy_imagenette.csv").read_text() == (b / "noisy_imagenette.csv").read_text()
