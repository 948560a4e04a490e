import numpy as np
import pytest

from fastclean.data.folder import load_image_folder


def _make_classes(root, writer, layout):
    for rel in layout:
        writer(root / rel, value=len(rel))


def test_class_subfolders_become_classes_and_ids_are_relative_paths(tmp_path, image_writer):
    _make_classes(tmp_path, image_writer, ["cat/1.png", "cat/2.jpg", "dog/a.png", "dog/sub/b.png"])
    (tmp_path / "cat" / "notes.txt").write_text("not an image, ignored")
    ds = load_image_folder(tmp_path)
    assert ds.classes == ["cat", "dog"]
    assert ds.ids == ["cat/1.png", "cat/2.jpg", "dog/a.png", "dog/sub/b.png"]
    assert ds.labels.tolist() == [0, 0, 1, 1]
    assert set(ds.splits) == {"train"} and ds.modality == "image"
    assert ds.root == tmp_path.resolve()
    assert all(p.is_absolute() and ds.root in p.parents for p in ds.paths)


def test_numeric_class_folders_sort_numerically(tmp_path, image_writer):
    _make_classes(tmp_path, image_writer, ["2/a.png", "10/b.png", "1/c.png"])
    assert load_image_folder(tmp_path).classes == ["1", "2", "10"]


def test_split_folders_give_splits_in_train_valid_test_order(tmp_path, image_writer):
    _make_classes(tmp_path, image_writer,
                  ["test/a/t.png", "val/a/v.png", "val/b/v2.png", "train/a/1.png", "train/b/2.png"])
    ds = load_image_folder(tmp_path)
    assert ds.splits.tolist() == ["train", "train", "valid", "valid", "test"]
    assert ds.classes == ["a", "b"]
    assert ds.ids[-1] == "test/a/t.png"


def test_corrupted_image_is_an_error_naming_it(tmp_path, image_writer):
    _make_classes(tmp_path, image_writer, ["a/1.png", "b/2.png"])
    (tmp_path / "b" / "broken.jpg").write_bytes(b"\xff\xd8 not really")
    with pytest.raises(ValueError, match="broken.jpg"):
        load_image_folder(tmp_path)


def test_skip_bad_drops_the_corrupted_image_and_records_it(tmp_path, image_writer):
    _make_classes(tmp_path, image_writer, ["a/1.png", "b/2.png", "b/3.png"])
    (tmp_path / "b" / "broken.jpg").write_bytes(b"\xff\xd8 not really")
    ds = load_image_folder(tmp_path, skip_bad=True)
    assert len(ds) == 3 and ds.skipped == ["b/broken.jpg"]
    assert "b/broken.jpg" not in ds.ids
    np.testing.assert_array_equal(ds.labels, [0, 1, 1])


def test_a_single_class_folder_is_refused(tmp_path, image_writer):
    _make_classes(tmp_path, image_writer, ["only/1.png", "only/2.png"])
    with pytest.raises(ValueError, match="single class.*'only'"):
        load_image_folder(tmp_path)


def test_a_folder_without_images_is_empty(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "readme.txt").write_text("x")
    with pytest.raises(ValueError, match="empty"):
        load_image_folder(tmp_path)
