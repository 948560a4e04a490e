"""Dask clusters for the CLI: a local one (``--workers N``) or an existing one (``--scheduler``).

``--workers 1`` (the default) starts nothing: callers get ``None`` and run in this process.
"""

from __future__ import annotations

import contextlib
import re
import threading
from typing import Iterator

#: Seconds to wait for an existing scheduler before giving up.
CONNECT_TIMEOUT = 5

_ADDRESS = re.compile(r"^(tcp|tls|inproc|ws|wss|ucx)://[^\s/]+$")


def check_cluster_options(workers: int | None, scheduler: str | None,
                          memory_limit: str | None = None) -> None:
    """Reject contradictory or malformed options before anything is started or written."""
    if workers is not None and (isinstance(workers, bool) or workers < 1):
        raise ValueError(f"workers: expected a positive int, got {workers!r}")
    if scheduler is not None:
        if workers not in (None, 1):
            raise ValueError("give --workers (a local cluster) or --scheduler (an existing "
                             "cluster), not both")
        if not _ADDRESS.match(scheduler):
            raise ValueError(f"scheduler: expected an address like tcp://HOST:8786, "
                             f"got {scheduler!r}")
    if memory_limit is not None and not re.match(r"^\d+(\.\d+)?\s*[KMGT]?i?B?$", memory_limit,
                                                 re.IGNORECASE):
        raise ValueError(f"memory limit: expected a size like 3GB, got {memory_limit!r}")


@contextlib.contextmanager
def dask_client(workers: int | None = None, scheduler: str | None = None, *,
                memory_limit: str | None = None, timeout: float = CONNECT_TIMEOUT,
                background: bool = False, warm: tuple = ()) -> Iterator[object | None]:
    """A ``distributed.Client`` for the options, or None when one local worker is asked for.

    Parameters
    ----------
    workers : int, optional
        Start a ``LocalCluster`` of this many single-threaded worker processes (1 or None:
        no cluster, yield None).
    scheduler : str, optional
        Address of a running scheduler (``tcp://HOST:PORT``).
    memory_limit : str, optional
        Memory limit per local worker (``"3GB"``); default: dask's share of the machine.
    timeout : float
        Seconds to wait for ``scheduler``.
    background : bool, default False
        Start a local cluster in a thread and yield at once a :class:`StartingClient`, which
        waits for it on first use: the caller loads its data while the workers start.
    warm : tuple of str
        Modules each local worker imports as soon as it is up (``"torch"``), so that the
        first task does not pay for them; a module that is not installed is skipped.

    Raises
    ------
    ValueError
        Bad options, dask missing, or a scheduler that cannot be reached.
    """
    check_cluster_options(workers, scheduler, memory_limit)
    if scheduler is None and (workers is None or workers == 1):
        yield None
        return
    try:
        import distributed
    except ImportError:
        raise ValueError("--workers/--scheduler need dask: pip install 'fastclean[dask]'") \
            from None
    with contextlib.ExitStack() as stack:
        if scheduler is not None:
            try:
                client = distributed.Client(scheduler, timeout=timeout)
            except (OSError, TimeoutError) as exc:
                raise ValueError(f"scheduler: cannot connect to {scheduler} within {timeout:g} s "
                                 f"({type(exc).__name__})") from None
            stack.callback(client.close)
        elif background:
            client = StartingClient(workers, memory_limit, warm)
            stack.callback(client.close)
        else:
            client = _start_local_client(stack, workers, memory_limit, warm)
        yield client


class StartingClient:
    """The client of a local cluster that starts in a thread; any attribute waits for it.

    Parameters
    ----------
    workers : int
    memory_limit : str, optional
    warm : tuple of str
        Modules for the workers to import once they are up (see :func:`dask_client`).
    """

    def __init__(self, workers: int, memory_limit: str | None, warm: tuple = ()):
        self._stack = contextlib.ExitStack()
        self._client = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._start, args=(workers, memory_limit, warm),
                                        name="fastclean-cluster-start", daemon=True)
        self._thread.start()

    def _start(self, workers, memory_limit, warm) -> None:
        try:
            self._client = _start_local_client(self._stack, workers, memory_limit, warm)
        except BaseException as exc:  # raised again in the caller's thread on first use
            self._error = exc

    def result(self):
        """The ``distributed.Client``, once the cluster is up (raises what its start raised)."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._client

    def __getattr__(self, name: str):
        return getattr(self.result(), name)

    def close(self) -> None:
        """Close the client and the cluster (waits for the start to finish first)."""
        self._thread.join()
        self._stack.close()


def _start_local_client(stack: contextlib.ExitStack, workers: int, memory_limit: str | None,
                        warm: tuple):
    """A client of a new local cluster, both closed by ``stack``; its workers import ``warm``."""
    import distributed

    cluster = stack.enter_context(local_cluster(workers, memory_limit))
    client = distributed.Client(cluster)
    stack.callback(client.close)
    _warm_workers(client, warm)
    return client


def _warm_workers(client, modules: tuple) -> None:
    """Have every worker import ``modules`` now, without waiting for it."""
    if not modules:
        return
    import distributed

    for address in client.scheduler_info()["workers"]:
        future = client.submit(_import_modules, tuple(modules), workers=[address],
                               allow_other_workers=False, pure=False, priority=100)
        distributed.fire_and_forget(future)


def _import_modules(modules: tuple) -> None:
    import importlib

    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError:
            pass


#: Environment of local worker processes. Dask's default adds MALLOC_TRIM_THRESHOLD_=65536,
#: which makes glibc map fresh pages for every large temporary array: the block passes ran
#: 2x slower in a worker than in this process. Set the same on a real cluster's workers.
#: FASTCLEAN_THREADS=1 keeps the core's block passes on the worker's one thread too.
WORKER_ENVIRON = {"OMP_NUM_THREADS": 1, "MKL_NUM_THREADS": 1, "OPENBLAS_NUM_THREADS": 1,
                  "FASTCLEAN_THREADS": 1}


#: Dask settings of local clusters. The statistical profiler (a stack sample every 10 ms) and
#: the 20-100 ms monitoring ticks cost each idle worker ~0.04 CPU-s per second, the
#: scheduler (in this process) as much again; these settings bring that to ~0.005, and the
#: 2M x 100 chunked run took ~25 % less CPU in the workers and half as much here (measured
#: on this project's 2-core machine). The memory limit is checked every 0.5 s.
QUIET_CONFIG = {"distributed.worker.profile.enabled": False,
                "distributed.admin.tick.interval": "500ms",
                "distributed.worker.memory.monitor-interval": "500ms",
                "distributed.admin.system-monitor.interval": "2s"}


@contextlib.contextmanager
def local_cluster(workers: int, memory_limit: str | None = None):
    """A ``distributed.LocalCluster`` of ``workers`` single-threaded worker processes."""
    import dask
    import distributed

    from .worker_exit import FastExit

    with dask.config.set({"distributed.nanny.pre-spawn-environ": dict(WORKER_ENVIRON),
                          **QUIET_CONFIG}):
        cluster = distributed.LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True,
            memory_limit=memory_limit or "auto", dashboard_address=None, silence_logs=50,
            plugins={FastExit()})
    try:
        yield cluster
    finally:
        cluster.close()
