"""``load_dataset``: dispatch by name or path, splits, and the errors users see."""

from __future__ import annotations

import numpy as np
import pytest

from fastclean.data import BUILTIN_DATASETS, load_dataset


def test_builtin_names_are_the_promised_ones():
    assert list(BUILTIN_DATASETS) == ["digits", "mnist-test", "covid-tweets",
                                      "noisy-imagenette", "noisy-imagewoof"]


def test_unknown_name_lists_the_builtins():
    with pytest.raises(ValueError, match="unknown dataset 'mnist'.*digits, mnist-test, "
                                         "covid-tweets, noisy-imagenette, noisy-imagewoof"):
        load_dataset("mnist")


def test_missing_path_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        load_dataset(str(tmp_path / "nope.csv"))


@pytest.mark.parametrize("split,expected", [("train", 7000), ("valid", 1000), ("test", 2000),
                                            ("all", 10000)])
def test_covid_tweets_splits(split, expected, data_dir):
    ds = load_dataset("covid-tweets", data_dir=data_dir, split=split)
    assert len(ds) == expected and ds.classes == ["INFORMATIVE", "UNINFORMATIVE"]
    if split != "all":
        assert set(ds.splits) == {split}


def test_all_concatenates_train_valid_test_in_order(data_dir):
    parts = [load_dataset("covid-tweets", data_dir=data_dir, split=s)
             for s in ("train", "valid", "test")]
    whole = load_dataset("covid-tweets", data_dir=data_dir, split="all")
    assert whole.ids == sum((p.ids for p in parts), [])
    np.testing.assert_array_equal(whole.labels, np.concatenate([p.labels for p in parts]))


def test_data_dir_falls_back_to_the_environment(data_dir, monkeypatch):
    monkeypatch.setenv("FASTCLEAN_DATA", str(data_dir))
    assert len(load_dataset("mnist-test")) == 10000


def test_builtin_without_the_split_lists_what_it_has():
    with pytest.raises(ValueError, match="no 'test' split.*train"):
        load_dataset("digits", split="test")


def test_bad_split_value_is_refused():
    with pytest.raises(ValueError, match="split: expected one of"):
        load_dataset("digits", split="validation")


def test_noise_pct_only_applies_to_published_noisy_labels(tmp_path):
    with pytest.raises(ValueError, match="noise_pct.*inject_noise"):
        load_dataset("digits", noise_pct=25)
    (tmp_path / "d.csv").write_text("text,label\na,0\nb,1\n")
    with pytest.raises(ValueError, match="noise_pct"):
        load_dataset(tmp_path / "d.csv", noise_pct=25)


def test_noisy_imagenette_refuses_unpublished_noise(tmp_path):
    from fastclean.data.synthetic import make_imagenette_like

    root = make_imagenette_like(tmp_path, n_per_class=2, n_valid_per_class=0, n_classes=2)
    with pytest.raises(ValueError, match="1, 5, 25, 50"):
        load_dataset("noisy-imagenette", data_dir=root, noise_pct=10)
    # Checked before looking for files: no download is started for a bad argument.
    with pytest.raises(ValueError, match="1, 5, 25, 50"):
        load_dataset("noisy-imagewoof", data_dir=tmp_path / "nothing-here", noise_pct=10)


def test_column_arguments_are_refused_for_builtins_and_folders(tmp_path, image_writer):
    with pytest.raises(ValueError, match="label_col.*CSV/TSV"):
        load_dataset("digits", label_col="y")
    image_writer(tmp_path / "a" / "1.png")
    image_writer(tmp_path / "b" / "2.png")
    with pytest.raises(ValueError, match="text_col.*CSV/TSV"):
        load_dataset(tmp_path, text_col="t")


def test_paths_dispatch_to_folder_and_table_loaders(tmp_path, image_writer):
    image_writer(tmp_path / "imgs" / "train" / "a" / "1.png")
    image_writer(tmp_path / "imgs" / "train" / "b" / "2.png")
    image_writer(tmp_path / "imgs" / "val" / "b" / "3.png")
    folder = load_dataset(str(tmp_path / "imgs"), split="all")
    assert folder.modality == "image" and folder.splits.tolist() == ["train", "train", "valid"]
    (tmp_path / "t.tsv").write_text("text\tlabel\tsplit\nx\tp\ttrain\ny\tq\ttest\nz\tq\ttrain\n")
    table = load_dataset(tmp_path / "t.tsv", split_col="split", split="test")
    assert table.modality == "text" and table.texts == ["y"] and table.classes == ["p", "q"]


def test_data_dir_for_a_path_is_refused(tmp_path):
    (tmp_path / "d.csv").write_text("text,label\na,0\nb,1\n")
    with pytest.raises(ValueError, match="data_dir"):
        load_dataset(tmp_path / "d.csv", data_dir=tmp_path)


def test_wrong_argument_types_are_type_errors():
    with pytest.raises(TypeError, match="name_or_path"):
        load_dataset(42)
    with pytest.raises(TypeError, match="skip_bad"):
        load_dataset("digits", skip_bad="yes")


def test_load_dataset_never_imports_torch():
    import subprocess
    import sys

    code = ("import sys, fastclean.data as d, fastclean.noise; d.load_dataset('digits'); "
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
