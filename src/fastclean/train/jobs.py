"""Run the bench's trainings side by side, and remember every finished one on disk.

A bench is dozens of small, independent fits. Small fastai models gain almost nothing from a
second torch thread (a 3-epoch small-CNN fit on 8000 MNIST images: 31.4 s with one thread,
32.4 s with two), so the cores are better spent on separate fits: :class:`JobRunner` runs
jobs in ``jobs`` single-threaded worker processes, or inline when ``jobs`` is 1.

:class:`ResultCache` keeps each finished fit's score (JSON) and each detection's
probabilities (``.npy``) under ``<cache root>/bench/``, keyed by everything that determines
them (the inputs' content, the labels and rows trained on, the learner spec, loss and seed).
A bench killed after twenty minutes resumes where it stopped, and two cells that train on the
same labels (pseudo-label that relabels nothing is prune) train once.
"""

from __future__ import annotations

import json
import os
import time
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import asdict
from typing import Any, Callable

import numpy as np

from ..atomic import atomic_write_bytes
from ..data.dataset import LabelledDataset
from ..models.cache import array_digest, cache_root, digest, load_npy, save_npy
from ..models.threads import limited_threads, single_threaded_pool

#: Bump when training or scoring changes, so old cached scores are not reused.
CACHE_VERSION = "2"  # 2: every fit single-threaded (results independent of threads and jobs)


def fit_and_score(train: LabelledDataset, labels: np.ndarray, keep: np.ndarray, valid: LabelledDataset,
                  spec, loss: str, seed: int) -> dict[str, float]:
    """Fit one learner on ``train``'s rows ``keep`` with ``labels`` and score it on ``valid``.

    Returns
    -------
    dict
        ``accuracy`` on ``valid``'s (clean) labels and ``seconds`` of fit + prediction.
    """
    from .experiment import accuracy, fit_model, predict

    t = time.perf_counter()
    kept = train.subset(np.flatnonzero(keep))
    learn = fit_model(kept, np.asarray(labels)[keep], valid, spec, loss=loss, seed=seed)
    acc = accuracy(predict(learn, valid, spec), valid.labels)
    return {"accuracy": float(acc), "seconds": time.perf_counter() - t}


def timed(fn: Callable, *args, **kwargs) -> tuple[Any, float]:
    """``(fn(*args, **kwargs), seconds)``: a picklable wrapper for detection jobs."""
    t = time.perf_counter()
    return fn(*args, **kwargs), time.perf_counter() - t


def _inline(fn: Callable, *args, **kwargs) -> Any:
    with limited_threads():
        return fn(*args, **kwargs)


class JobRunner:
    """Submit picklable jobs to ``jobs`` single-threaded processes, or run them inline.

    Inline jobs run single-threaded too (:func:`~fastclean.models.threads.limited_threads`), so a
    job's result is the same whichever way it runs.

    Parameters
    ----------
    jobs : int
        Worker processes; 1 runs each job in this process at submission.

    Examples
    --------
    >>> with JobRunner(1) as runner:
    ...     runner.submit(sum, [1, 2]).result()
    3
    """

    def __init__(self, jobs: int = 1):
        if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
            raise ValueError(f"jobs: expected a positive int, got {jobs!r}")
        self.jobs = jobs
        self._pool: ProcessPoolExecutor | None = None
        if jobs > 1:
            self._pool = single_threaded_pool(jobs)

    def submit(self, fn: Callable, *args, **kwargs) -> Future:
        """Start ``fn(*args, **kwargs)``; the returned future holds its result or exception."""
        if self._pool is not None:
            return self._pool.submit(fn, *args, **kwargs)
        future: Future = Future()
        try:
            future.set_result(_inline(fn, *args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller through the future
            if isinstance(exc, KeyboardInterrupt):
                raise
            future.set_exception(exc)
        return future

    def close(self, *, cancel: bool = False) -> None:
        """Shut the workers down (cancelling queued jobs when ``cancel``)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=cancel)
            self._pool = None

    def __enter__(self) -> "JobRunner":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close(cancel=exc_type is not None)


class ResultCache:
    """Finished fits (JSON) and detections (``.npy``) of benches, keyed by their inputs.

    Parameters
    ----------
    cache_dir : path, optional
        Cache root (default ``$FASTCLEAN_CACHE`` or ``~/.cache/fastclean``); entries go to
        ``<root>/bench``.
    enabled : bool
        ``False`` makes every lookup miss and every store a no-op.
    """

    def __init__(self, cache_dir: str | os.PathLike | None = None, *, enabled: bool = True):
        self.root = cache_root(cache_dir) / "bench"
        self.enabled = enabled

    @staticmethod
    def fit_key(train: LabelledDataset, labels: np.ndarray, keep: np.ndarray, valid: LabelledDataset,
                spec, loss: str, seed: int) -> str:
        """Key of one fit: inputs, labels and rows trained on, validation set, spec, loss, seed."""
        keep = np.asarray(keep, dtype=bool)
        return digest("fit", CACHE_VERSION, train.content_hash(), array_digest(np.asarray(labels)[keep]),
                      array_digest(keep), valid.content_hash(), array_digest(valid.labels),
                      json.dumps(asdict(spec), sort_keys=True), loss, seed)

    @staticmethod
    def detection_key(train: LabelledDataset, method: str, loss: str, folds: int, seed: int) -> str:
        """Key of one detection's out-of-sample probabilities (``method`` names the model and spec)."""
        return digest("detect", CACHE_VERSION, train.content_hash(), array_digest(train.labels),
                      method, loss, folds, seed)

    def get_fit(self, key: str) -> dict[str, float] | None:
        """A stored fit result, or ``None``."""
        if not self.enabled:
            return None
        try:
            return json.loads((self.root / f"{key}.json").read_text())
        except (OSError, ValueError):
            return None

    def put_fit(self, key: str, result: dict[str, float]) -> None:
        """Store a fit result atomically."""
        if self.enabled:
            self.root.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(self.root / f"{key}.json", json.dumps(result).encode())

    def get_probs(self, key: str) -> tuple[np.ndarray, float] | None:
        """Stored probabilities and the seconds they took, or ``None``."""
        if not self.enabled:
            return None
        probs = load_npy(self.root / f"{key}.npy")
        if probs is None:
            return None
        seconds = self.get_fit(f"{key}.seconds")
        return probs, float(seconds["seconds"]) if seconds else 0.0

    def put_probs(self, key: str, probs: np.ndarray, seconds: float) -> None:
        """Store a detection's probabilities (and its duration) atomically."""
        if self.enabled:
            save_npy(self.root / f"{key}.npy", probs)
            self.put_fit(f"{key}.seconds", {"seconds": seconds})
