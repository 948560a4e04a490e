"""Offline features for training: MiniLM sentence embeddings and EfficientNet-Lite0 image
features, cached on disk.

The fastai text classifier (AWD_LSTM) needs pretrained weights from the internet to be any
good; the offline option embeds each text once with the bundled all-MiniLM-L6-v2 model
(:class:`fastclean.models.text_features.MiniLMExtractor`, sharing its feature cache with
``fastclean find``) and trains a fastai MLP on the embeddings.
"""

from __future__ import annotations

import os
from dataclasses import replace

import numpy as np

from ..data.dataset import LabelledDataset


def embed_texts(ds: LabelledDataset, *, cache_dir: str | os.PathLike | None = None,
                progress: bool = False) -> LabelledDataset:
    """Return ``ds`` with ``features`` set to L2-normalised MiniLM embeddings of its texts.

    The embeddings are the last block of the features that ``find``'s default text model
    uses (:data:`fastclean.models.registry.MINILM_LAYERS`), normalised: the same vectors as
    ``MiniLMExtractor()`` gives, from the same cache entry, so ``train`` and its detector
    embed each text once.

    Raises
    ------
    ValueError
        If ``ds`` has no texts.
    """
    from ..models.features import cached_features
    from ..models.registry import MINILM_LAYERS
    from ..models.text_features import MiniLMExtractor

    if ds.texts is None:
        raise ValueError(f"dataset {ds.name!r}: no texts to embed")
    layers = cached_features(MiniLMExtractor(layers=MINILM_LAYERS), ds, cache_dir=cache_dir,
                             progress=progress)
    last = np.asarray(layers[:, -(layers.shape[1] // len(MINILM_LAYERS)):], dtype=np.float32)
    features = last / np.maximum(np.linalg.norm(last, axis=1, keepdims=True), 1e-12)
    return replace(ds, features=features.astype(np.float32))


def embed_images(ds: LabelledDataset, *, cache_dir: str | os.PathLike | None = None,
                 progress: bool = False) -> LabelledDataset:
    """Return ``ds`` with ``features`` set to its images' EfficientNet-Lite0 features (and no paths).

    The features are the ``find`` pipeline's (:class:`fastclean.models.image_features.EfficientNetLite0Extractor`,
    same disk cache), so a bench after ``fastclean find`` extracts nothing.

    Raises
    ------
    ValueError
        If ``ds`` has no image paths.
    """
    from ..models.features import cached_features
    from ..models.image_features import EfficientNetLite0Extractor

    if ds.paths is None:
        raise ValueError(f"dataset {ds.name!r}: no image paths to embed")
    features = cached_features(EfficientNetLite0Extractor(), ds, cache_dir=cache_dir, progress=progress)
    return replace(ds, features=np.asarray(features, dtype=np.float32), paths=None)
