"""Embeddings for the data-issue checks (:mod:`fastclean.audit`), reusing what ``find`` computes.

- a model built on a cached extractor (EfficientNet-Lite0, ResNet, MiniLM, or the MiniLM member
  of ``minilm+tfidf``) → those cached features, no extra model pass;
- ready-made feature vectors (``modality="array"``) → themselves;
- small in-memory images (the CNN route: MNIST, digits) → grey pixels, background below 25 % of
  the brightest pixel zeroed, moved to their centre of mass, box-averaged to at most 16 × 16 and centred on the dataset's mean image: a cheap vector
  that a shift by a few pixels or re-noising barely moves;
- texts scored by TF-IDF only → TF-IDF (word 1–2-grams) reduced to 128 dimensions (SVD);
- images on disk scored by a model without features → EfficientNet-Lite0 features (cached).
"""

from __future__ import annotations

import os
from typing import Sequence

import numpy as np

from ..data.dataset import LabelledDataset
from .base import Model

#: Largest side of the pixel embedding of small in-memory images.
PIXEL_SIDE = 16
#: Dimensions kept from TF-IDF for texts without a sentence encoder.
TFIDF_DIMS = 128


def audit_features(
    dataset: LabelledDataset,
    model: Model | None = None,
    *,
    parts: Sequence[np.ndarray] | None = None,
    cache_dir: str | os.PathLike | None = None,
    progress: bool = True,
) -> tuple[np.ndarray, str]:
    """Return ``(features, name)``: one float32 row per example of ``dataset``.

    Parameters
    ----------
    dataset : LabelledDataset
    model : Model, optional
        The model ``find`` used; its cached extractor is reused when it has one.
    parts : sequence of row arrays, optional
        Row sets whose features were cached separately (``find --split test`` caches train+valid
        and test apart); they are looked up part by part and put back in row order.
    cache_dir : path, optional
    progress : bool

    Returns
    -------
    features : ndarray of float32, shape (N, D)
    name : str
        What the features are, for ``summary.json``.
    """
    extractor = _extractor_of(model)
    if extractor is None and dataset.features is not None:
        return np.ascontiguousarray(dataset.features, dtype=np.float32), "features"
    if extractor is None and dataset.images is not None:
        from ..audit.cache import cached_arrays, digest
        from .cache import cache_root

        key = f"pixels{PIXEL_SIDE}-v3-" + digest(np.asarray(dataset.images))
        feats = cached_arrays(cache_root(cache_dir) / "audit", key,
                              lambda: {"x": pixel_features(dataset.images)})["x"]
        return feats, f"pixels{PIXEL_SIDE}"
    if extractor is None and dataset.texts is not None:
        from ..audit.cache import cached_arrays
        from .cache import cache_root

        # Cached: the SVD of 10 000 tweets costs seconds, and a cached find must stay fast.
        key = f"tfidf-svd{TFIDF_DIMS}-v1-{dataset.content_hash()}"
        feats = cached_arrays(cache_root(cache_dir) / "audit", key,
                              lambda: {"x": tfidf_features(dataset.texts)})["x"]
        return feats, f"tfidf-svd{TFIDF_DIMS}"
    if extractor is None:
        from .image_features import EfficientNetLite0Extractor

        extractor = EfficientNetLite0Extractor()
    from .features import cached_features

    if not parts:
        parts = [np.arange(len(dataset))]
    out = None
    for rows in parts:
        feats = cached_features(extractor, dataset.subset(rows), cache_dir=cache_dir, progress=progress)
        if out is None:
            out = np.zeros((len(dataset), feats.shape[1]), dtype=np.float32)
        out[rows] = feats
    return out, extractor.name


def _extractor_of(model: Model | None):
    from .ensemble import MeanEnsemble
    from .feature_model import FeatureModel

    if isinstance(model, FeatureModel):
        return model.extractor
    if isinstance(model, MeanEnsemble):
        for member in model.members:
            if isinstance(member, FeatureModel):
                return member.extractor
    return None


def pixel_features(images: np.ndarray, side: int = PIXEL_SIDE) -> np.ndarray:
    """Grey images with a faint background zeroed, moved to their centre of mass, box-averaged to
    at most ``side`` pixels a side, flattened and mean-centred (a copy shifted by a few pixels or
    re-noised lands on nearly the same vector)."""
    from ..audit.images import centre_by_mass, suppress_background

    x = centre_by_mass(suppress_background(images))
    n, h, w = x.shape
    f = max(1, int(np.ceil(max(h, w) / side)))
    hp, wp = -(-h // f) * f, -(-w // f) * f
    if (hp, wp) != (h, w):
        x = np.pad(x, ((0, 0), (0, hp - h), (0, wp - w)))
    x = x.reshape(n, hp // f, f, wp // f, f).mean(axis=(2, 4)).reshape(n, -1)
    x /= 255.0
    x -= x.mean(axis=0, keepdims=True)
    # A small constant last column: an image equal to the mean image (all images alike) is not
    # the zero vector, which has no direction under cosine distance.
    return np.ascontiguousarray(np.hstack([x, np.full((n, 1), 1e-3, np.float32)]), dtype=np.float32)


def tfidf_features(texts: Sequence[str], dims: int = TFIDF_DIMS) -> np.ndarray:
    """TF-IDF of word 1–2-grams, reduced to ``dims`` dimensions by a seeded truncated SVD
    (plus a small constant column, so that an empty text is not a zero vector)."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    tfidf = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1).fit_transform(list(texts))
    dims = max(1, min(dims, tfidf.shape[1] - 1, tfidf.shape[0] - 1))
    reduced = TruncatedSVD(dims, random_state=0).fit_transform(tfidf)
    # A constant last column: texts with no word (empty) get a direction of their own instead
    # of the zero vector, which has none under cosine distance.
    return np.hstack([reduced, np.full((len(reduced), 1), 1e-3)]).astype(np.float32)

