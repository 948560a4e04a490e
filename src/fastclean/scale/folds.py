"""Cross-validation folds as Dask tasks: the ``fold_runner`` that :mod:`fastclean.crossval`
accepts. Each fold fits in a worker with a fixed thread count and writes its fold cache file
there (the cache path must be shared by all workers), exactly as the single-process loop does.
"""

from __future__ import annotations

import copy


def _run_job(fit_fold, job: dict, threads: int):
    from ..models.threads import limited_threads

    job = dict(job, model=copy.deepcopy(job["model"]))  # a worker may hold one shared copy
    with limited_threads(threads):
        return fit_fold(**job)


class DaskFoldRunner:
    """Run fold jobs on a ``distributed.Client``; results in job order.

    Parameters
    ----------
    client : distributed.Client
    threads : int, default 1
        Threads each fold may use on its worker.
    retries : int, default 2
    """

    def __init__(self, client, threads: int = 1, retries: int = 2):
        self.client, self.threads, self.retries = client, threads, retries

    def __call__(self, fit_fold, jobs: list) -> list:
        """``[fit_fold(**job) for job in jobs]``, as tasks."""
        if not jobs:
            return []
        # The model and the inputs are the same for every fold: send them once.
        shared = {key: self.client.scatter(jobs[0][key], broadcast=True)
                  for key in ("model", "inputs", "labels")}
        futures = [self.client.submit(_run_job_shared, fit_fold, shared["model"],
                                      shared["inputs"], shared["labels"],
                                      {k: v for k, v in job.items()
                                       if k not in ("model", "inputs", "labels")},
                                      self.threads, pure=False, retries=self.retries)
                   for job in jobs]
        return self.client.gather(futures)


def _run_job_shared(fit_fold, model, inputs, labels, rest: dict, threads: int):
    return _run_job(fit_fold, dict(rest, model=model, inputs=inputs, labels=labels), threads)
