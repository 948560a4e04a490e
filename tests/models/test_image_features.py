import urllib.error

import numpy as np
import pytest

pytest.importorskip("torch")

from fastclean.models.features import cached_features  # noqa: E402
from fastclean.models.image_features import (  # noqa: E402
    IMAGENET_MEAN, EfficientNetLite0Extractor, ResNetExtractor, WeightsUnavailableError, preprocess,
)


def test_preprocess_crops_to_224_and_normalises_with_imagenet_statistics():
    grey = np.full((40, 60), 255, np.uint8)
    x = preprocess(grey)
    assert x.shape == (3, 224, 224) and x.dtype == np.float32
    np.testing.assert_allclose(x[:, 0, 0], (1 - np.array(IMAGENET_MEAN)) / np.array([0.229, 0.224, 0.225]),
                               rtol=1e-5)


def test_efficientnet_lite_inputs_are_scaled_to_minus_one_one(monkeypatch):
    # The TensorFlow-trained Lite weights expect (pixel - 127.5) / 127.5, not ImageNet statistics.
    import torch

    seen = []

    class Spy:
        def features(self, x):
            seen.append(x.clone())
            return torch.zeros(len(x), 3)

    extractor = EfficientNetLite0Extractor()
    monkeypatch.setattr(extractor, "network", lambda: Spy())
    image = np.zeros((224, 224, 3), np.uint8)
    image[:, 112:] = 255
    from types import SimpleNamespace

    extractor.extract(SimpleNamespace(name="two", paths=None, images=np.stack([image, image])), progress=False)
    x = seen[0].numpy()
    assert x[:, :, :, :112].max() == -1.0 and x[:, :, :, 112:].min() == 1.0


def test_efficientnet_features_of_in_memory_images_are_cached(digits600, tmp_path):
    small = digits600.subset(np.arange(4))
    feats = cached_features(EfficientNetLite0Extractor(), small, cache_dir=tmp_path, progress=False)
    assert feats.shape == (4, 1280) and np.isfinite(feats).all()
    assert list((tmp_path / "features" / EfficientNetLite0Extractor().cache_key).glob("*.npy"))


def test_unreadable_image_file_is_named_in_the_error(tmp_path):
    bad = tmp_path / "broken.jpg"
    bad.write_bytes(b"not a jpeg")
    with pytest.raises(ValueError, match="broken.jpg"):
        preprocess(bad)


def test_resnet_without_reachable_weights_fails_with_a_clear_error(tmp_path, monkeypatch):
    import torch

    monkeypatch.setenv("TORCH_HOME", str(tmp_path))

    def offline(*args, **kwargs):
        raise urllib.error.URLError("no network")

    monkeypatch.setattr(torch.hub, "load_state_dict_from_url", offline)
    with pytest.raises(WeightsUnavailableError, match="resnet18.*could not be downloaded"):
        ResNetExtractor(18).network()


def test_resnet_depth_must_be_18_or_34():
    with pytest.raises(ValueError, match="depth"):
        ResNetExtractor(50)
