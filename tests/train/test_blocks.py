import numpy as np
import pytest

from fastclean.data.dataset import LabelledDataset
from fastclean.train.blocks import input_kind, make_dataloaders, make_test_dl


def _features_dataset(n=40, d=5):
    rng = np.random.default_rng(0)
    labels = np.arange(n) % 2
    return LabelledDataset(name="feats", modality="array", classes=["neg", "pos"], labels=labels,
                           ids=[str(i) for i in range(n)], splits=np.array(["train"] * n),
                           features=rng.normal(size=(n, d)).astype(np.float32) + labels[:, None])


def test_in_memory_images_give_grayscale_batches_in_unit_range(digits):
    train, valid = digits.subset(np.arange(100)), digits.subset(np.arange(100, 130))
    dls = make_dataloaders(train, valid, bs=16)
    x, y = dls.one_batch()
    assert tuple(x.shape) == (16, 1, 8, 8)
    assert 0.0 <= float(x.min()) and float(x.max()) <= 1.0
    assert len(dls.valid_ds) == 30


def test_vocab_keeps_the_dataset_class_order(digits):
    ds = digits.subset(np.arange(60))
    ds.classes = [str(k) for k in reversed(range(10))]
    dls = make_dataloaders(ds, ds.subset(np.arange(10)))
    assert list(dls.vocab) == ds.classes
    _, y = dls.valid.one_batch()
    assert np.array_equal(y.numpy(), ds.labels[:10])


def test_train_labels_override_the_given_labels(digits):
    ds = digits.subset(np.arange(50))
    override = np.full(50, 7)
    dls = make_dataloaders(ds, ds.subset(np.arange(5)), train_labels=override, bs=50)
    _, y = dls.train.one_batch()
    assert set(y.numpy().tolist()) == {7}


def test_rgb_option_repeats_grayscale_channels(digits):
    ds = digits.subset(np.arange(20))
    dls = make_dataloaders(ds, ds, rgb=True, bs=4)
    x, _ = dls.one_batch()
    assert x.shape[1] == 3


def test_feature_vectors_become_float_batches_and_test_dl_keeps_order():
    ds = _features_dataset()
    dls = make_dataloaders(ds, ds.subset(np.arange(8)), bs=8)
    x, _ = dls.one_batch()
    assert x.dtype.is_floating_point and tuple(x.shape) == (8, 5)
    (xb,) = make_test_dl(dls, ds.subset(np.arange(6)), bs=6).one_batch()
    assert np.allclose(xb.numpy(), ds.features[:6])


def test_text_only_dataset_is_refused_until_embedded():
    ds = LabelledDataset(name="t", modality="text", classes=["a", "b"], labels=[0, 1], ids=["0", "1"],
                         splits=["train", "train"], texts=["x", "y"])
    with pytest.raises(ValueError, match="embedded"):
        input_kind(ds)
