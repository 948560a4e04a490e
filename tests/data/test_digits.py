import numpy as np

from fastclean.data.digits import load_digits_dataset


def test_digits_are_uint8_images_stretched_to_full_range():
    from sklearn.datasets import load_digits

    ds = load_digits_dataset()
    raw = load_digits()
    assert ds.modality == "image"
    assert ds.images.dtype == np.uint8 and ds.images.shape == (len(raw.target), 8, 8)
    assert ds.images.max() == 255 and ds.images.min() == 0
    # 16 (sklearn's maximum) maps to 255, 8 to the middle.
    assert (ds.images[raw.images == 16] == 255).all()
    assert (ds.images[raw.images == 8] == 128).all()
    np.testing.assert_array_equal(ds.labels, raw.target)


def test_digits_ids_are_row_indices_in_a_single_train_split():
    ds = load_digits_dataset()
    assert ds.ids[:3] == ["0", "1", "2"] and ds.ids[-1] == str(len(ds) - 1)
    assert set(ds.splits) == {"train"}
    assert ds.classes == [str(d) for d in range(10)]
