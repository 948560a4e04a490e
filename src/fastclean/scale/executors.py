"""Run one block function over every block: in this process, or as Dask tasks.

An executor has one method, ``map(fn, source, per_block, common)``, returning
``[fn(block_i, *per_block[i], *common) for i]`` in block order. Dask is imported only when a
:class:`DaskExecutor` is used.
"""

from __future__ import annotations

import warnings

from .sources import BlockRef, ChunkedSource


def _call(fn, block, *args):
    if isinstance(block, BlockRef):
        block = block.load()
    return fn(block, *args)




class SerialExecutor:
    """Every block in this process, one after the other (memory: one block at a time)."""

    #: Results stay where they were computed (see :meth:`DaskExecutor.map_keep`).
    remote = False

    def map(self, fn, source: ChunkedSource, per_block: list, common: tuple = ()) -> list:
        """``fn(block, *per_block[i], *common)`` for every block, in order."""
        return [fn(source.load(i), *per_block[i], *common) for i in range(len(source))]


class DaskExecutor:
    """Every block as a task on a ``dask.distributed`` cluster.

    Parameters
    ----------
    client : distributed.Client
    retries : int, default 2
        Extra attempts of a task that raised (a task whose worker died is rescheduled by
        the scheduler in any case).
    """

    def __init__(self, client, retries: int = 2):
        self.client = client
        self.retries = retries

    remote = True

    def map(self, fn, source: ChunkedSource, per_block: list, common: tuple = ()) -> list:
        """``fn(block, *per_block[i], *common)`` for every block as tasks; results in order."""
        results, futures = self.map_keep(fn, source, per_block, common)
        for f in futures:
            f.release()
        return results

    def map_keep(self, fn, source: ChunkedSource, per_block: list, common: tuple = (),
                 show=None):
        """Like :meth:`map`, and also the results' futures, which later tasks may take as
        arguments instead of the data (the caller releases them; a result lost with its
        worker is recomputed from its task). With ``show``, the results returned here are
        ``show(result)``, computed where each result is (what the caller needs to see of a
        result it keeps remote: less to send)."""
        from dask import delayed

        # Arguments live in the task graph (the scheduler keeps them), so a task whose worker
        # died can run again elsewhere; data scattered to one worker would die with it.
        # Shared arguments are one graph key each, sent once per worker.
        shared = [delayed(c, pure=True) if _is_large(c) else c for c in common]
        tasks = [delayed(_call, pure=False)(fn, source.task_input(i), *per_block[i], *shared)
                 for i in range(len(source))]
        shown = [delayed(show, pure=False)(t) for t in tasks] if show is not None else []
        with warnings.catch_warnings():
            # Per-block arguments are a few bytes a row; dask warns about any large graph.
            warnings.filterwarnings("ignore", message=".*Large object.*")
            warnings.filterwarnings("ignore", message=".*large graph.*", category=UserWarning)
            futures = self.client.compute(tasks + shown, retries=self.retries)
        futures, shown = futures[:len(tasks)], futures[len(tasks):]
        try:
            results = self.client.gather(shown or futures)
        except BaseException:
            for f in futures:
                f.release()
            raise
        finally:
            for f in shown:
                f.release()
        return results, futures


def _is_large(value) -> bool:
    nbytes = getattr(value, "nbytes", 0)
    return nbytes > 1 << 16
