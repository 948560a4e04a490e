import resource
import sys

import numpy as np
import pytest

from fastclean.models.memory import _glibc, retained_heap


def _faults_of_big_allocations(rounds: int = 4) -> int:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(rounds):
        a = np.ones(64 * 2**20 // 8)  # 64 MB, above glibc's largest mmap threshold
        del a
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


@pytest.mark.skipif(not sys.platform.startswith("linux") or _glibc() is None, reason="glibc only")
def test_retained_heap_stops_refaulting_large_blocks_and_restores_the_defaults():
    outside = _faults_of_big_allocations()
    with retained_heap():
        _faults_of_big_allocations(1)  # the heap grows once
        inside = _faults_of_big_allocations()
    after = _faults_of_big_allocations()
    # (page-fault counts, not pages: the kernel may map such blocks with huge pages)
    assert inside * 10 < outside  # kept and reused instead of faulted in again each time
    assert inside * 10 < after  # defaults back: blocks are unmapped when freed
