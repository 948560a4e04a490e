"""The worker plugin of the local clusters that ``fastclean`` starts (imports distributed)."""

from __future__ import annotations

import os

from distributed.diagnostics.plugin import WorkerPlugin


class FastExit(WorkerPlugin):
    """A closing worker ends its process at once.

    Left to end normally, a worker that has imported torch took 3-4 s to exit on this
    project's 2-core machine (0.1 s without torch), all of it after its last task: the results
    are gathered and every cache file was written atomically by then. Only for clusters this
    process started (:func:`fastclean.scale.cluster.local_cluster`), never a user's workers.
    """

    name = "fastclean-fast-exit"

    def teardown(self, worker) -> None:
        os._exit(0)
