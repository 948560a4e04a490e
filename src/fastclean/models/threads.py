"""How many CPU threads model code may use.

More threads than idle cores is the expensive mistake: on a loaded 2-core machine a digits
logistic regression took 16 s with two BLAS threads and 0.5 s with one, and the small CNN
slowed 8-30x. On an idle machine, though, two threads cut MiniLM embedding nearly in half.
So unless ``FASTCLEAN_THREADS`` says otherwise, fastclean counts the cores other processes
are keeping busy when it first needs the number, and uses the rest (at least one).
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import time
from typing import Iterator

THREADS_ENV = "FASTCLEAN_THREADS"


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
    """Threads for model fitting and feature extraction.

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
    """Limit BLAS/OpenMP pools (and torch, once imported) to ``n`` threads inside the block."""
    from threadpoolctl import threadpool_limits

    n = model_threads() if n is None else n
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
