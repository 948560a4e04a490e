"""Feature extractors and their on-disk cache.

An extractor maps a whole dataset to a float32 matrix ``(N, D)`` without looking at labels.
:func:`cached_features` stores that matrix under
``<cache root>/features/<extractor key>/<dataset content hash>.npy`` so the second run over
the same inputs (any labels, any noise, any number of folds) skips the extraction.
"""

from __future__ import annotations

import abc
import os
from contextlib import contextmanager
from typing import Iterator

import numpy as np

from ..data.dataset import LabelledDataset
from .cache import cache_root, load_npy, save_npy


class FeatureExtractor(abc.ABC):
    """Maps a dataset's inputs to a ``(N, D)`` float32 feature matrix."""

    #: Short name, part of the cache key.
    name: str = "features"
    #: Bump when weights or preprocessing change, so old cache entries are not reused.
    version: str = "1"

    @property
    def cache_key(self) -> str:
        """Directory name of this extractor's cache entries."""
        return f"{self.name}-v{self.version}"

    @abc.abstractmethod
    def extract(self, dataset: LabelledDataset, *, progress: bool = True) -> np.ndarray:
        """Compute the features of every example of ``dataset``, in order."""


def feature_cache_path(extractor: FeatureExtractor, dataset: LabelledDataset,
                       cache_dir: str | os.PathLike | None = None):
    """Where :func:`cached_features` keeps ``extractor``'s features of ``dataset``."""
    return cache_root(cache_dir) / "features" / extractor.cache_key / f"{dataset.content_hash()}.npy"


def cached_features(
    extractor: FeatureExtractor,
    dataset: LabelledDataset,
    *,
    cache_dir: str | os.PathLike | None = None,
    progress: bool = True,
) -> np.ndarray:
    """Return ``extractor``'s features of ``dataset``, computing and caching them if needed.

    Parameters
    ----------
    extractor : FeatureExtractor
    dataset : LabelledDataset
    cache_dir : path, optional
        Cache root (default ``$FASTCLEAN_CACHE`` or ``~/.cache/fastclean``).
    progress : bool
        Show a progress bar while extracting.

    Returns
    -------
    ndarray of float32, shape (N, D)
    """
    path = feature_cache_path(extractor, dataset, cache_dir)
    cached = load_npy(path)
    if cached is not None and cached.shape[0] == len(dataset):
        return cached
    feats = np.ascontiguousarray(extractor.extract(dataset, progress=progress), dtype=np.float32)
    if feats.ndim != 2 or feats.shape[0] != len(dataset):
        raise RuntimeError(f"{extractor.name} returned shape {feats.shape} for {len(dataset)} examples")
    save_npy(path, feats)
    return feats


@contextmanager
def progress_bar(description: str, total: int, enabled: bool = True) -> Iterator:
    """A rich progress bar yielding ``advance(n)``; a no-op when ``enabled`` is false."""
    if not enabled:
        yield lambda n=1: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn(), transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n=1: bar.advance(task, n)
