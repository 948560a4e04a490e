"""How many CPU threads model code may use.

Small matrix products and convolutions gain little from several threads, and when the cores
are shared they lose badly: on a loaded 2-core machine, a digits logistic regression took
16 s with two BLAS threads and 0.5 s with one. Fitting therefore runs single-threaded unless
``FASTCLEAN_THREADS`` says otherwise.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Iterator

THREADS_ENV = "FASTCLEAN_THREADS"


def model_threads() -> int:
    """Threads for model fitting and feature extraction: ``$FASTCLEAN_THREADS`` or 1."""
    value = os.environ.get(THREADS_ENV, "1")
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
