import numpy as np
import pytest

pytest.importorskip("torch")

from fastclean.models.cnn import SmallCNN  # noqa: E402


def test_one_epoch_on_600_digits_learns_far_above_chance(digits600):
    model = SmallCNN(epochs=3)
    x = model.prepare(digits600)
    assert x.shape == (600, 1, 8, 8) and abs(float(x.mean())) < 1e-4
    y = digits600.labels
    model.fit(x[:450], y[:450], n_classes=10, seed=0)
    proba = model.predict_proba(x[450:])
    assert proba.shape == (150, 10)
    np.testing.assert_allclose(proba.sum(1), 1.0, atol=1e-6)
    assert np.mean(proba.argmax(1) == y[450:]) > 0.5  # chance is 0.1


def test_same_seed_gives_identical_probabilities(digits600):
    x, y = SmallCNN().prepare(digits600), digits600.labels
    a = SmallCNN(epochs=1).fit(x[:300], y[:300], n_classes=10, seed=3).predict_proba(x[300:])
    b = SmallCNN(epochs=1).fit(x[:300], y[:300], n_classes=10, seed=3).predict_proba(x[300:])
    c = SmallCNN(epochs=1).fit(x[:300], y[:300], n_classes=10, seed=4).predict_proba(x[300:])
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_cnn_needs_in_memory_images(tweets300):
    with pytest.raises(ValueError, match="in-memory images"):
        SmallCNN().prepare(tweets300)


def test_cnn_rejects_bad_epochs():
    with pytest.raises(ValueError, match="epochs"):
        SmallCNN(epochs=0)


def test_cache_key_changes_with_hyper_parameters():
    assert SmallCNN(epochs=2).cache_key != SmallCNN(epochs=3).cache_key


def test_shift_moves_pixels_and_repeats_the_edge():
    import torch

    from fastclean.models.cnn import _shift

    x = torch.arange(16, dtype=torch.float32).reshape(1, 1, 4, 4)
    right = _shift(x, 0, 1)
    np.testing.assert_array_equal(right[0, 0, :, 1:], x[0, 0, :, :3])
    np.testing.assert_array_equal(right[0, 0, :, 0], x[0, 0, :, 0])
    up = _shift(x, -1, 0)
    np.testing.assert_array_equal(up[0, 0, :3], x[0, 0, 1:])
    np.testing.assert_array_equal(up[0, 0, 3], x[0, 0, 3])


def test_test_time_augmentation_averages_the_shifted_predictions(digits600):
    import torch

    from fastclean.models.cnn import TTA_SHIFTS, _shift

    x, y = SmallCNN().prepare(digits600), digits600.labels
    model = SmallCNN(epochs=1, tta=True).fit(x[:300], y[:300], n_classes=10, seed=0)
    got = model.predict_proba(x[300:])
    np.testing.assert_allclose(got.sum(1), 1.0, atol=1e-6)
    xt = torch.from_numpy(x[300:])
    with torch.inference_mode():
        each = [torch.softmax(model.net_(_shift(xt, dy, dx)).double(), 1).numpy()
                for dy, dx in ((0, 0), *TTA_SHIFTS)]
    np.testing.assert_allclose(got, np.mean(each, axis=0), rtol=1e-6, atol=1e-9)
    model.tta = False
    np.testing.assert_allclose(model.predict_proba(x[300:]), each[0], rtol=1e-6, atol=1e-9)


def test_tta_follows_augmentation_by_default_and_is_in_the_cache_key():
    assert SmallCNN(tta=True).cache_key != SmallCNN(tta=False).cache_key
    assert SmallCNN()._augments((1, 1, 28, 28)) and not SmallCNN()._augments((1, 1, 8, 8))
