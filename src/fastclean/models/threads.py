"""How many CPU cores model code may use, and why each computation uses one thread.

Results must not depend on the machine. The number of threads inside one computation
changes its floating-point reductions (a torch convolution's weight gradient, a BLAS
product split across threads), and with them the trained model: on digits, the small CNN
flagged 186 examples with one torch thread and 188 with two (34 flags differed). So every
fit, prediction and feature extraction runs with :data:`NUMERIC_THREADS` (one) thread,
whatever ``FASTCLEAN_THREADS`` says, and the cores are used by running independent pieces
(cross-validation folds, feature chunks, bench fits) side by side in single-threaded
processes (:func:`single_threaded_pool`). The number of processes may follow the load; the
numbers do not.

More workers than idle cores is the expensive mistake: on a loaded 2-core machine a digits
logistic regression took 16 s with two BLAS threads and 0.5 s with one. So unless
``FASTCLEAN_THREADS`` says otherwise, fastclean counts the cores other processes are keeping
busy when it first needs the number, and uses the rest (at least one).
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import time
from typing import Iterator

THREADS_ENV = "FASTCLEAN_THREADS"

#: Threads inside every computation whose numbers could depend on it (fits, predictions,
#: feature extraction). Part of the fold and feature cache keys.
NUMERIC_THREADS = 1


def usable_cpus() -> int:
    """CPUs this process may run on (its affinity mask where the OS has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


def busy_cpus_elsewhere(samples: int = 5, interval: float = 0.01) -> int:
    """Cores other processes keep busy right now: the median runnable count, minus ourselves.

    Reads the run-queue length from ``/proc/loadavg`` (instantaneous, unlike the load
    averages, which lag a minute behind); falls back to the 1-minute load average elsewhere.
    """
    counts = []
    for i in range(samples):
        try:
            with open("/proc/loadavg") as f:
                running = int(f.read().split()[3].split("/")[0])
        except (OSError, ValueError, IndexError):
            return round(os.getloadavg()[0]) if hasattr(os, "getloadavg") else 0
        counts.append(running - 1)  # the reading process is running too
        if i + 1 < samples:
            time.sleep(interval)
    return max(0, sorted(counts)[len(counts) // 2])


@functools.lru_cache(maxsize=1)
def automatic_threads() -> int:
    """Idle cores when first asked (at least 1); measured once per process."""
    return max(1, usable_cpus() - busy_cpus_elsewhere())


def model_threads() -> int:
    """Cores fastclean may keep busy: how many single-threaded worker processes to run at once.

    ``$FASTCLEAN_THREADS`` when set, else :func:`automatic_threads`.

    Raises
    ------
    ValueError
        If ``$FASTCLEAN_THREADS`` is not a positive integer.
    """
    value = os.environ.get(THREADS_ENV)
    if value is None or value.strip() == "":
        return automatic_threads()
    try:
        n = int(value)
    except ValueError:
        raise ValueError(f"{THREADS_ENV}: expected a positive integer, got {value!r}") from None
    if n < 1:
        raise ValueError(f"{THREADS_ENV}: expected a positive integer, got {value!r}")
    return n


@contextlib.contextmanager
def limited_threads(n: int | None = None) -> Iterator[int]:
    """Limit BLAS/OpenMP pools (and torch, once imported) to ``n`` threads inside the block.

    ``n`` defaults to :data:`NUMERIC_THREADS`, so that what is computed inside never depends
    on ``FASTCLEAN_THREADS`` or on the load.
    """
    from threadpoolctl import threadpool_limits

    n = NUMERIC_THREADS if n is None else n
    torch = sys.modules.get("torch")
    before = torch.get_num_threads() if torch is not None else None
    with threadpool_limits(limits=n):
        if torch is not None:
            torch.set_num_threads(n)
        try:
            yield n
        finally:
            if torch is not None and before is not None:
                torch.set_num_threads(before)


def _single_threaded_worker() -> None:
    # Runs in each worker before torch is imported there: one thread per process.
    os.environ[THREADS_ENV] = "1"
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[var] = str(NUMERIC_THREADS)


def single_threaded_pool(workers: int):
    """A process pool of ``workers`` single-threaded (spawned) processes.

    Spawned rather than forked: a forked child inherits torch's OpenMP state and can hang.

    Returns
    -------
    concurrent.futures.ProcessPoolExecutor
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers: expected a positive int, got {workers!r}")
    return ProcessPoolExecutor(max_workers=workers, initializer=_single_threaded_worker,
                               mp_context=multiprocessing.get_context("spawn"))
