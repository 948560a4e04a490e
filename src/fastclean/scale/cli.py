"""What ``fastclean find`` needs from :mod:`fastclean.scale`, in one import: cluster options,
the cluster held for the command, the fold runner, and the block-wise run for large arrays.
"""

from __future__ import annotations

from pathlib import Path

from .cluster import check_cluster_options, dask_client
from .run_dir import wants_chunked

__all__ = ["check_cluster_options", "use_cluster", "fold_runner", "wants_chunked",
           "find_chunked_run"]


def use_cluster(workers: int | None, scheduler: str | None, memory_limit: str | None, *,
                arrays: bool = False):
    """Start or connect the command's Dask cluster (None for one local worker), held until
    the command ends; inside, missing feature chunks are extracted as tasks.

    A local cluster starts in a thread while the command loads its data, and its workers
    import what their first task needs: torch (which every dataset model uses), or with
    ``arrays`` the block passes over pred_probs.
    """
    from ..cli.common import _held

    warm = ("fastclean.scale.engine",) if arrays else ("torch",)
    stack = _held.get()
    client = stack.enter_context(dask_client(workers, scheduler, memory_limit=memory_limit,
                                             background=True, warm=warm))
    if client is not None:
        from .folds import dask_feature_chunks

        stack.enter_context(dask_feature_chunks(client))
    return client


def fold_runner(client):
    """The cross-validation fold runner for ``client`` (None: folds run in this process)."""
    if client is None:
        return None
    from .folds import DaskJobRunner

    return DaskJobRunner(client)


def find_chunked_run(labels: Path, pred_probs: Path, out: Path, *, classes, renormalize: bool,
                     filter_by: str, rank_by: str, client, chunk_rows, overwrite: bool,
                     checks=None) -> Path:
    """``find --labels --pred-probs`` block by block (see :mod:`fastclean.scale.run_dir`)."""
    from ..cli.safety import load_array_noted
    from .run_dir import find_chunked_run as run

    if renormalize:
        raise ValueError("--renormalize is not supported for chunked pred_probs (.zarr, large "
                         ".npy, or a cluster); normalise the rows when writing the array")
    probs = pred_probs if Path(pred_probs).suffix.lower() in (".npy", ".zarr") \
        else load_array_noted(pred_probs, what="pred_probs")
    return run(load_array_noted(labels, what="labels"), probs, out, classes=classes,
               filter_by=filter_by, rank_by=rank_by, client=client, chunk_rows=chunk_rows,
               overwrite=overwrite, checks=checks,
               dataset={"name": None, "modality": "array", "labels_file": str(labels),
                        "pred_probs_file": str(pred_probs)})
