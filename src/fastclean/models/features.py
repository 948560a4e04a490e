"""Feature extractors and their on-disk cache.

An extractor maps a whole dataset to a float32 matrix ``(N, D)`` without looking at labels.
:func:`cached_features` stores that matrix under
``<cache root>/features/<extractor key>/<dataset content hash>.npy`` so the second run over
the same inputs (any labels, any noise, any number of folds) skips the extraction.

Extraction runs in chunks of :data:`CHUNK_ROWS` rows and each finished chunk is saved next to
the final file (``<hash>.parts/``), so a run killed after minutes of embedding resumes at the
first missing chunk instead of starting again. Chunks are extracted single-threaded (so
the features never depend on the thread setting or the load); with more cores free, missing
chunks are extracted side by side in single-threaded processes.
"""

from __future__ import annotations

import abc
import contextlib
import contextvars
import os
from contextlib import contextmanager
from typing import Iterator

import numpy as np

from ..data.dataset import LabelledDataset
from .cache import cache_root, load_npy, save_npy
from .threads import NUMERIC_THREADS, limited_threads, model_threads, single_threaded_pool

#: Rows extracted (and cached) at a time; a killed extraction loses at most one chunk.
CHUNK_ROWS = 1024


class FeatureExtractor(abc.ABC):
    """Maps a dataset's inputs to a ``(N, D)`` float32 feature matrix."""

    #: Short name, part of the cache key.
    name: str = "features"
    #: Bump when weights or preprocessing change, so old cache entries are not reused.
    version: str = "1"

    @property
    def cache_key(self) -> str:
        """Directory name of this extractor's cache entries (name, version, numeric threads)."""
        return f"{self.name}-v{self.version}-t{NUMERIC_THREADS}"

    def __getstate__(self) -> dict:
        # Loaded networks (private attributes) are rebuilt where the extractor is unpickled.
        return {k: (None if k.startswith("_") else v) for k, v in self.__dict__.items()}

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
    parts_dir = path.with_suffix(".parts")
    chunks = []
    runner = _CHUNK_RUNNER.get()
    with progress_bar(f"{extractor.name} features", len(dataset), progress) as advance:
        jobs = []
        for start in range(0, len(dataset), CHUNK_ROWS):
            stop = min(start + CHUNK_ROWS, len(dataset))
            part_path = parts_dir / f"{start:09d}-{stop:09d}.npy"
            part = load_npy(part_path)
            if part is None or part.shape[0] != stop - start:
                jobs.append((len(chunks), dict(extractor=extractor, path=part_path,
                                               dataset=dataset.subset(np.arange(start, stop)))))
                chunks.append(None)
                continue
            chunks.append(part)
            advance(stop - start)
        if jobs:
            if runner is None:  # here, or in single-threaded processes when cores are free
                runner = _process_runner(min(model_threads(), len(jobs)))
            for (i, _), part in zip(jobs, runner(extract_chunk, [job for _, job in jobs])):
                chunks[i] = part
                advance(len(part))
    feats = np.concatenate(chunks) if chunks else np.zeros((0, 0), np.float32)
    save_npy(path, feats)
    for part_path in parts_dir.glob("*.npy"):
        part_path.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        parts_dir.rmdir()
    return feats


def extract_chunk(*, extractor: FeatureExtractor, dataset: LabelledDataset, path) -> np.ndarray:
    """Features of one chunk of rows, saved at ``path`` (a part file of the cache).

    Single-threaded wherever it runs, so features never depend on the thread setting or load.
    """
    with limited_threads():
        part = extractor.extract(dataset, progress=False)
    part = np.ascontiguousarray(part, dtype=np.float32)
    if part.ndim != 2 or part.shape[0] != len(dataset):
        raise RuntimeError(f"{extractor.name} returned shape {part.shape} "
                           f"for {len(dataset)} examples")
    save_npy(path, part)
    return part


#: Where missing feature chunks are extracted: None (here, in order), or a callable
#: ``runner(extract_chunk, jobs) -> [extract_chunk(**job) for job in jobs]`` that
#: :mod:`fastclean.scale` sets to run them as Dask tasks (see :func:`chunk_runner`).
_CHUNK_RUNNER: contextvars.ContextVar = contextvars.ContextVar("chunk_runner", default=None)


@contextmanager
def chunk_runner(runner) -> Iterator[None]:
    """Extract missing feature chunks with ``runner`` inside the block (None: here)."""
    token = _CHUNK_RUNNER.set(runner)
    try:
        yield
    finally:
        _CHUNK_RUNNER.reset(token)


def _process_runner(workers: int):
    """A chunk runner: in order here (``workers`` ≤ 1), or in ``workers`` single-threaded processes."""
    def inline(fn, jobs):
        for job in jobs:
            yield fn(**job)

    def pooled(fn, jobs):
        with single_threaded_pool(workers) as pool:
            futures = [pool.submit(fn, **job) for job in jobs]
            for future in futures:
                yield future.result()

    return pooled if workers > 1 else inline


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
