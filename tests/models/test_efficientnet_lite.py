import numpy as np
import pytest

torch = pytest.importorskip("torch")

from fastclean.models.efficientnet_lite import INPUT_MEAN, INPUT_STD, EfficientNetLite0, load_pretrained  # noqa: E402
from fastclean.models.image_features import preprocess  # noqa: E402


def test_shipped_weights_load_strictly_into_our_architecture():
    net = load_pretrained()
    n_params = sum(p.numel() for p in net.parameters())
    assert 4_500_000 < n_params < 4_800_000  # EfficientNet-Lite0 has about 4.65 M parameters
    assert not net.training


def test_features_are_pooled_1280_vectors():
    net = EfficientNetLite0().eval()
    with torch.inference_mode():
        assert net.features(torch.zeros(2, 3, 224, 224)).shape == (2, 1280)


def test_pretrained_network_recognises_a_real_photo():
    from sklearn.datasets import load_sample_images
    from torchvision.models import ResNet18_Weights

    categories = ResNet18_Weights.IMAGENET1K_V1.meta["categories"]  # ImageNet names, offline
    china = load_sample_images().images[0]  # a photo of a Chinese palace
    with torch.inference_mode():
        logits = load_pretrained()(torch.from_numpy(preprocess(china, INPUT_MEAN, INPUT_STD))[None])
    top3 = [categories[i] for i in logits[0].topk(3).indices]
    assert "palace" in top3
