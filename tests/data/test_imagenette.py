import os
import shutil

import numpy as np
import pandas as pd
import pytest

from fastclean.data.imagenette import (
    IMAGENETTE_WNIDS,
    IMAGEWOOF_WNIDS,
    check_noise_pct,
    load_noisy_imagenette,
)
from fastclean.data.synthetic import make_imagenette_like


@pytest.fixture(scope="module")
def real_layout(tmp_path_factory, data_dir):
    """The real label CSV with every listed image present (hard links to one tiny JPEG)."""
    from PIL import Image

    root = tmp_path_factory.mktemp("imagenette-real")
    images = root / "imagenette2-160"
    csv = data_dir / "noisy_imagenette" / "noisy_imagenette.csv"
    (root / "noisy_imagenette").mkdir()
    shutil.copy(csv, root / "noisy_imagenette" / "noisy_imagenette.csv")
    one = root / "one.jpg"
    Image.new("RGB", (4, 4), (10, 200, 30)).save(one)
    for rel in pd.read_csv(csv, usecols=["path"])["path"]:
        target = images / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(one, target)
    return root


def test_real_csv_loads_every_row_and_picks_the_published_column(real_layout, data_dir):
    df = pd.read_csv(data_dir / "noisy_imagenette" / "noisy_imagenette.csv").set_index("path")
    ds = load_noisy_imagenette(real_layout, noise_pct=25)
    assert len(ds) == len(df) and ds.skipped == []
    assert ds.classes == sorted(IMAGENETTE_WNIDS)
    assert (ds.splits == "valid").sum() == df["is_valid"].sum()
    # Train rows come first; the clean label is the folder in the path.
    assert ds.splits[0] == "train" and ds.splits[-1] == "valid"
    folders = [i.split("/")[1] for i in ds.ids]
    assert [ds.classes[t] for t in ds.true_labels] == folders
    assert [ds.classes[k] for k in ds.labels] == df.loc[ds.ids, "noisy_labels_25"].tolist()
    noisy = ds.labels != ds.true_labels
    assert not noisy[ds.splits == "valid"].any()
    # The column's noise rate on the training rows is about its name.
    assert abs(noisy[ds.splits == "train"].mean() * 100 - 25) < 2.5
    assert all(p.is_file() and ds.root in p.parents for p in ds.paths[:50])


@pytest.mark.parametrize("pct", [None, 1, 5, 50])
def test_noise_pct_selects_its_column_and_none_gives_clean_labels(tmp_path, pct):
    root = make_imagenette_like(tmp_path, n_per_class=10, n_valid_per_class=1, n_classes=4)
    df = pd.read_csv(root / "noisy_imagenette.csv").set_index("path")
    ds = load_noisy_imagenette(root, noise_pct=pct)
    if pct is None:
        np.testing.assert_array_equal(ds.labels, ds.true_labels)
    else:
        given = [ds.classes[k] for k in ds.labels]
        assert given == df.loc[ds.ids, f"noisy_labels_{pct}"].tolist()


@pytest.mark.parametrize("bad", [0, 10, 25.5, 100])
def test_unpublished_noise_levels_are_refused(bad):
    with pytest.raises(ValueError, match="1, 5, 25, 50"):
        check_noise_pct(bad)
    with pytest.raises(TypeError):
        check_noise_pct("25")


def test_missing_images_folder_says_what_to_do(tmp_path, data_dir):
    (tmp_path / "noisy_imagenette").mkdir()
    shutil.copy(data_dir / "noisy_imagenette" / "noisy_imagenette.csv", tmp_path / "noisy_imagenette")
    with pytest.raises(FileNotFoundError, match="imagenette2-160.*download"):
        load_noisy_imagenette(tmp_path)


def test_a_missing_image_is_named_or_skipped(tmp_path):
    root = make_imagenette_like(tmp_path, n_per_class=3, n_valid_per_class=1, n_classes=3)
    gone = next((root / "train").rglob("*.JPEG"))
    gone.unlink()
    with pytest.raises(FileNotFoundError, match=gone.name):
        load_noisy_imagenette(root, noise_pct=25)
    ds = load_noisy_imagenette(root, noise_pct=25, skip_bad=True)
    assert len(ds) == 3 * 4 - 1
    assert ds.skipped == [gone.relative_to(root).as_posix()]


def test_imagewoof_variant_reads_its_own_csv(tmp_path):
    root = make_imagenette_like(tmp_path, variant="noisy-imagewoof", n_per_class=2,
                                n_valid_per_class=1, n_classes=4)
    ds = load_noisy_imagenette(root, "noisy-imagewoof", noise_pct=50)
    assert set(ds.classes) <= set(IMAGEWOOF_WNIDS) and len(ds.classes) == 4
    assert len(ds) == 12 and ds.name == "noisy-imagewoof"
