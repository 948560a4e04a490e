"""Run independent row blocks on a few threads (numpy releases the GIL inside its loops).

Every block is computed exactly as it would be on one thread and the results come back in
block order, so the answer never depends on the number of threads: only the wall time does.
A whole independent step can also run beside the caller (:func:`start_beside`).
``FASTCLEAN_THREADS`` (when set) caps the threads, else the CPUs this process may use (at
most :data:`MAX_THREADS`).
"""

from __future__ import annotations

import contextvars
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Iterable, TypeVar

import numpy as np

T = TypeVar("T")

#: Upper bound on the threads used by the core (its passes are memory-bound).
MAX_THREADS = 4
#: Below this many elements per call, threads cost more than they save.
MIN_PARALLEL_ELEMENTS = 1 << 20

_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_pool_key: tuple[int, int] = (0, 0)  # (process id, threads): a forked child makes its own


def core_threads() -> int:
    """Threads the core may use: ``$FASTCLEAN_THREADS`` if set, else usable CPUs (<= 4)."""
    value = os.environ.get("FASTCLEAN_THREADS", "").strip()
    if value:
        try:
            n = int(value)
        except ValueError:
            n = 1
        return max(1, min(n, MAX_THREADS))
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MAX_THREADS))


def _executor(n: int) -> ThreadPoolExecutor:
    global _pool, _pool_key
    key = (os.getpid(), n)
    with _lock:
        if _pool is None or _pool_key != key:
            if _pool is not None and _pool_key[0] == key[0]:
                _pool.shutdown(wait=False)
            # A pool inherited through fork has no threads in this process: never reuse it.
            _pool = ThreadPoolExecutor(max_workers=n, thread_name_prefix="fastclean-core")
            _pool_key = key
        return _pool


def map_in_order(fn: Callable[..., T], items: Iterable, total_elements: int) -> list[T]:
    """``[fn(item) for item in items]``, on several threads when the work is large enough.

    Parameters
    ----------
    fn : callable
        Pure per-item work (it must not depend on the other items' results).
    items : iterable
    total_elements : int
        Rough number of array elements the calls touch together; small jobs stay serial.

    Returns
    -------
    list
        The results in the order of ``items``.
    """
    items = list(items)
    n = core_threads()
    if n == 1 or len(items) < 2 or total_elements < MIN_PARALLEL_ELEMENTS or _on_core_thread():
        return [fn(item) for item in items]
    # Context variables (settings such as validation's probability ceiling) follow the work
    # into the pool's threads: each call runs in its own copy of the caller's context.
    context = contextvars.copy_context()
    return list(_executor(n).map(lambda item: context.copy().run(fn, item), items))


def _on_core_thread() -> bool:
    # Work started from a pool thread runs there: waiting on the pool from it could deadlock.
    return threading.current_thread().name.startswith("fastclean-core")


def start_beside(fn: Callable[..., T], *args, total_elements: int):
    """Start ``fn(*args)`` on a core thread while the caller goes on.

    ``fn`` must not depend on what the caller does meanwhile; it may use
    :func:`map_in_order`, which then runs its items serially on that thread.

    Parameters
    ----------
    fn : callable
    *args
        Arguments for ``fn``.
    total_elements : int
        Rough number of array elements ``fn`` touches; small jobs are not started.

    Returns
    -------
    concurrent.futures.Future or None
        None when nothing was started (one thread, small work, or called from a core
        thread): the caller then does the work itself, in turn.
    """
    n = core_threads()
    if n == 1 or total_elements < MIN_PARALLEL_ELEMENTS or _on_core_thread():
        return None
    return _executor(n).submit(contextvars.copy_context().run, fn, *args)


class ScratchBuffers:
    """Reusable per-thread work buffers for the blocks of one pass.

    A fresh block-sized temporary per block is fresh memory from the system each time (large
    allocations are returned on free), and touching it page-faults; a pass that reuses one
    buffer per thread pays that once. Buffers live as long as this object (one call).
    """

    def __init__(self):
        self._local = threading.local()

    def get(self, name: str, rows: int, shape_tail: tuple, dtype) -> np.ndarray:
        """A C-contiguous ``(rows, *shape_tail)`` array of ``dtype`` for this thread (contents
        undefined); grows, never shrinks."""
        buffers = self._local.__dict__
        buf = buffers.get(name)
        dtype = np.dtype(dtype)
        if buf is None or len(buf) < rows or buf.dtype != dtype or buf.shape[1:] != shape_tail:
            buf = buffers[name] = np.empty((rows, *shape_tail), dtype=dtype)
        return buf[:rows]
