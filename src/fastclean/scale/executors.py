"""Run one block function over every block: in this process, or as Dask tasks.

An executor has one method, ``map(fn, source, per_block, common)``, returning
``[fn(block_i, *per_block[i], *common) for i]`` in block order. Dask is imported only when a
:class:`DaskExecutor` is used.
"""

from __future__ import annotations

from .sources import BlockRef, ChunkedSource


def _call(fn, block, *args):
    if isinstance(block, BlockRef):
        block = block.load()
    return fn(block, *args)


def _call_packed(fn, block, packed: tuple, *common):
    return _call(fn, block, *packed, *common)


class SerialExecutor:
    """Every block in this process, one after the other (memory: one block at a time)."""

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

    def map(self, fn, source: ChunkedSource, per_block: list, common: tuple = ()) -> list:
        """``fn(block, *per_block[i], *common)`` for every block as tasks; results in order."""
        from dask import delayed

        # Shared arguments travel once, not once per task; per-block arguments go straight to
        # the workers instead of through the scheduler inside the task graph.
        shared = [self.client.scatter(c, broadcast=False) if _is_large(c) else c
                  for c in common]
        blocks = [source.task_input(i) for i in range(len(source))]
        # One scatter call per pass; hash=False: equal blocks must still be separate data.
        args = self.client.scatter([tuple(a) for a in per_block], hash=False) \
            if per_block else []
        tasks = [delayed(_call_packed, pure=False)(fn, blocks[i], args[i], *shared)
                 for i in range(len(source))]
        futures = self.client.compute(tasks, retries=self.retries)
        try:
            return self.client.gather(futures)
        finally:
            for f in futures:
                f.release()


def _is_large(value) -> bool:
    nbytes = getattr(value, "nbytes", 0)
    return nbytes > 1 << 16
