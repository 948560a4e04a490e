"""Cross-validation folds and feature-extraction chunks as Dask tasks.

:class:`DaskJobRunner` is the ``fold_runner`` that :mod:`fastclean.crossval` accepts and the
chunk runner of :func:`fastclean.models.features.chunk_runner`. Each job runs in a worker with
a fixed thread count and writes its cache file there (the cache path must be shared by all
workers), exactly as the single-process loop does, so results and caches are the same.
"""

from __future__ import annotations

import contextlib
import copy
import threading

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
        #: Set, during a call, once fewer jobs are left than the cluster has threads (a worker
        #: will stay idle until the call ends), and when the call ends: the caller may start
        #: other work in this process then without slowing the jobs.
        self.idle = threading.Event()

    def __call__(self, fn, jobs: list) -> list:
        """``[fn(**job) for job in jobs]``, in order."""
        self.idle.clear()
        try:
            if not jobs:
                return []
            shared = {key: self.client.scatter(jobs[0][key], broadcast=True, hash=False)
                      for key in SHARED_KEYS if key in jobs[0]}
            futures = [self.client.submit(_run_job, fn, shared,
                                          {k: v for k, v in job.items() if k not in shared},
                                          self.threads, pure=False, retries=self.retries)
                       for job in jobs]
            self._signal_idle(futures)
            return self.client.gather(futures)
        finally:
            self.idle.set()

    def _signal_idle(self, futures: list) -> None:
        slots = sum(w.get("nthreads", 1) for w in self.client.scheduler_info()["workers"].values())
        left = [len(futures)]
        lock = threading.Lock()

        def done(_future):
            with lock:
                left[0] -= 1
                if left[0] < slots:
                    self.idle.set()

        if len(futures) < slots:
            self.idle.set()
        for future in futures:
            future.add_done_callback(done)



@contextlib.contextmanager
def dask_feature_chunks(client, threads: int = 1):
    """Inside the block, missing feature chunks are extracted as tasks on ``client``."""
    from ..models.features import chunk_runner

    with chunk_runner(DaskJobRunner(client, threads=threads)):
        yield
