"""Cross-validation folds and feature-extraction chunks as Dask tasks.

:class:`DaskJobRunner` is the ``fold_runner`` that :mod:`fastclean.crossval` accepts and the
chunk runner of :func:`fastclean.models.features.chunk_runner`. Each job runs in a worker with
a fixed thread count and writes its cache file there (the cache path must be shared by all
workers), exactly as the single-process loop does, so results and caches are the same.
"""

from __future__ import annotations

import contextlib
import copy

#: Job arguments that are the same for every job: sent to each worker once.
SHARED_KEYS = ("model", "inputs", "labels", "extractor")


def _run_job(fn, shared: dict, rest: dict, threads: int):
    from ..models.threads import limited_threads

    job = dict(rest, **shared)
    if "model" in job:
        job["model"] = copy.deepcopy(job["model"])  # a worker holds one copy for its tasks
    with limited_threads(threads):
        return fn(**job)


class DaskJobRunner:
    """``runner(fn, jobs)`` returns ``[fn(**job) for job in jobs]``, run as Dask tasks.

    Parameters
    ----------
    client : distributed.Client
    threads : int, default 1
        Threads each job may use on its worker.
    retries : int, default 2
    """

    def __init__(self, client, threads: int = 1, retries: int = 2):
        self.client, self.threads, self.retries = client, threads, retries

    def __call__(self, fn, jobs: list) -> list:
        """``[fn(**job) for job in jobs]``, in order."""
        if not jobs:
            return []
        shared = {key: self.client.scatter(jobs[0][key], broadcast=True, hash=False)
                  for key in SHARED_KEYS if key in jobs[0]}
        futures = [self.client.submit(_run_job, fn, shared,
                                      {k: v for k, v in job.items() if k not in shared},
                                      self.threads, pure=False, retries=self.retries)
                   for job in jobs]
        return self.client.gather(futures)



@contextlib.contextmanager
def dask_feature_chunks(client, threads: int = 1):
    """Inside the block, missing feature chunks are extracted as tasks on ``client``."""
    from ..models.features import chunk_runner

    with chunk_runner(DaskJobRunner(client, threads=threads)):
        yield
