"""A worker killed mid-run: Dask reruns its task elsewhere and the answer does not change."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import numpy as np

import fastclean.core as core
from fastclean.scale.engine import ChunkedCL, _count_adapter
from fastclean.scale.executors import DaskExecutor

from .conftest import tied_problem


def _kill_once(fn, marker: str, victim_start: int):
    """``fn`` that, the first time it sees the block starting at ``victim_start``, kills the
    worker process running it (the marker file makes every later attempt run normally)."""

    def run(block, *args):
        is_victim = any(type(a) is int and a == victim_start for a in args)
        if is_victim and not os.path.exists(marker):
            Path(marker).write_text(str(os.getpid()))
            os.kill(os.getpid(), signal.SIGKILL)
        return fn(block, *args)

    return run


class _KillingExecutor(DaskExecutor):
    def __init__(self, client, marker, victim_start, target):
        super().__init__(client)
        self.marker, self.victim_start, self.target = marker, victim_start, target

    def map_keep(self, fn, source, per_block, common=(), **kwargs):
        if fn is self.target:
            fn = _kill_once(fn, self.marker, self.victim_start)
        return super().map_keep(fn, source, per_block, common, **kwargs)


def test_killed_worker_is_retried_and_the_answer_is_unchanged(tmp_path):
    import cloudpickle
    import distributed

    # Worker processes cannot import this test module: ship its functions by value.
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    labels, probs = tied_problem(11, 6000, 5)
    np.save(tmp_path / "p.npy", probs)
    expected = core.find_label_issues(labels, probs, return_indices_ranked_by="self_confidence")
    marker = str(tmp_path / "killed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, silence_logs=50) as cluster, \
            distributed.Client(cluster, timeout=120) as client:
        client.wait_for_workers(2, timeout=120)
        # The worker dies in the confident-counting pass, taking with it the scan results it
        # kept for the later passes: Dask recomputes them and reruns the task.
        executor = _KillingExecutor(client, marker, victim_start=3000, target=_count_adapter)
        engine = ChunkedCL(labels, str(tmp_path / "p.npy"), executor=executor, chunk_rows=1000)
        got = engine.find_label_issues(return_indices_ranked_by="self_confidence")
    assert os.path.exists(marker)  # a worker really died counting block 3000:4000
    assert np.array_equal(expected, got)
