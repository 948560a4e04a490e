import numpy as np
import pytest

from fastclean.data.dataset import LabelledDataset
from fastclean.data.splits import class_order, normalize_split_name, select_split


def _ds(splits):
    n = len(splits)
    return LabelledDataset(name="t", modality="array", classes=["a", "b"],
                           labels=np.arange(n) % 2, ids=[str(i) for i in range(n)],
                           splits=np.asarray(splits, dtype=object),
                           features=np.arange(n, dtype=float)[:, None])


def test_all_orders_train_valid_test_stably():
    ds = select_split(_ds(["test", "train", "valid", "train", "test"]), "all")
    assert ds.splits.tolist() == ["train", "train", "valid", "test", "test"]
    assert ds.ids == ["1", "3", "2", "0", "4"]


def test_one_split_keeps_only_its_rows_and_all_classes():
    ds = select_split(_ds(["train", "test", "test"]), "test")
    assert ds.ids == ["1", "2"] and ds.classes == ["a", "b"]


def test_absent_split_lists_the_present_ones():
    with pytest.raises(ValueError, match="no 'valid' split.*train, test"):
        select_split(_ds(["train", "test"]), "valid")


def test_unknown_split_choice_is_refused():
    with pytest.raises(ValueError, match="split: expected one of train, valid, test, all"):
        select_split(_ds(["train"]), "val")


def test_split_aliases_and_class_order():
    assert [normalize_split_name(s) for s in ["Val", " dev", "TRAIN", "nope"]] == \
        ["valid", "valid", "train", None]
    assert class_order(["10", "9", "2"]) == ["2", "9", "10"]
    assert class_order(["b", "a", "10"]) == ["10", "a", "b"]
