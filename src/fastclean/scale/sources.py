"""Row-chunked sources of ``pred_probs``: a numpy array or memmap, a ``.npy`` file, a ``.zarr``
store or a ``dask.array``, seen as a list of row blocks.

Nothing here imports dask or zarr at module level; a zarr store is opened with zarr only when
one is given, a dask array is recognised by duck typing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: Default rows per block: about 64 MB of pred_probs per block.
_BLOCK_BYTES = 64 << 20


def is_dask_array(obj) -> bool:
    """Whether ``obj`` is a dask array (without importing dask)."""
    return type(obj).__module__.startswith("dask.") and hasattr(obj, "chunks") \
        and hasattr(obj, "dask")


def is_chunked_input(obj) -> bool:
    """Whether ``obj`` is a chunked input for :mod:`fastclean.scale`: a dask array, a zarr
    array, or a path to a ``.zarr`` store or ``.npy`` file."""
    if isinstance(obj, (str, os.PathLike)):
        return Path(obj).suffix.lower() in (".zarr", ".npy")
    if is_dask_array(obj):
        return True
    return type(obj).__module__.startswith("zarr") and hasattr(obj, "chunks")


@dataclass(frozen=True)
class BlockRef:
    """A picklable reference to rows ``start:stop`` of a file, read where it is loaded."""

    kind: str  # "npy" or "zarr"
    path: str
    start: int
    stop: int

    def load(self) -> np.ndarray:
        """Read the rows (a lazy memmap slice for .npy, decoded chunks for .zarr)."""
        if self.kind == "npy":
            return np.load(self.path, mmap_mode="r")[self.start:self.stop]
        import zarr

        return zarr.open_array(self.path, mode="r")[self.start:self.stop]


def _check_probs_array(shape, dtype, what: str) -> None:
    if len(shape) != 2:
        raise ValueError(f"pred_probs must be 2-D (N examples x K classes), got shape "
                         f"{tuple(shape)} in {what}")
    if shape[0] == 0:
        raise ValueError(f"pred_probs is empty: need at least one example ({what})")
    if shape[1] < 2:
        raise ValueError(f"pred_probs must have at least 2 columns (classes), got {shape[1]} "
                         f"in {what}")
    if np.dtype(dtype).kind not in "biuf":
        raise TypeError(f"pred_probs must be a numeric array, got dtype {dtype} in {what}")


def _even_bounds(n: int, rows: int) -> list:
    return [(s, min(n, s + rows)) for s in range(0, n, rows)]


class ChunkedSource:
    """``pred_probs`` as row blocks.

    Parameters
    ----------
    pred_probs : numpy.ndarray, dask array, zarr array, or path to ``.npy`` / ``.zarr``
    chunk_rows : int, optional
        Rows per block for numpy / ``.npy`` inputs (default: about 64 MB per block). Zarr
        stores and dask arrays keep their own row chunks.

    Raises
    ------
    ValueError, TypeError
        Wrong shape or dtype, a missing or unreadable file, or chunks that split columns.
    """

    def __init__(self, pred_probs, chunk_rows: int | None = None):
        self._dask = None
        self._array = None
        self._ref_kind = self._path = None
        if chunk_rows is not None and (isinstance(chunk_rows, bool)
                                       or not isinstance(chunk_rows, (int, np.integer))
                                       or chunk_rows < 1):
            raise ValueError(f"chunk_rows must be a positive int, got {chunk_rows!r}")
        if isinstance(pred_probs, (str, os.PathLike)):
            path = Path(pred_probs)
            if not path.exists():
                raise ValueError(f"pred_probs: file not found: {path}")
            suffix = path.suffix.lower()
            if suffix == ".npy":
                try:
                    arr = np.load(path, mmap_mode="r", allow_pickle=False)
                except (ValueError, OSError, EOFError) as exc:
                    raise ValueError(f"pred_probs: {path} is not a valid .npy file ({exc})") \
                        from None
                self._ref_kind, self._path, self._array = "npy", str(path), arr
                pred_probs = arr
            elif suffix == ".zarr":
                pred_probs = self._open_zarr(path)
                self._ref_kind, self._path = "zarr", str(path)
            else:
                raise ValueError(f"pred_probs: unsupported file type {suffix!r} for {path}; "
                                 "expected .npy or .zarr")
        what = self._path or type(pred_probs).__name__
        shape, dtype = tuple(pred_probs.shape), pred_probs.dtype
        _check_probs_array(shape, dtype, what)
        self.shape, self.dtype = shape, np.dtype(dtype)
        n, k = shape
        if is_dask_array(pred_probs):
            if len(pred_probs.chunks[1]) != 1:
                raise ValueError("pred_probs chunks must hold whole rows (one chunk across the "
                                 f"{k} columns), got column chunks {pred_probs.chunks[1]}")
            self._dask = pred_probs
            bounds = np.concatenate([[0], np.cumsum(pred_probs.chunks[0])])
            self.bounds = [(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:])]
        elif self._ref_kind == "zarr" or type(pred_probs).__module__.startswith("zarr"):
            rows, cols = pred_probs.chunks[:2]
            if cols != k:
                raise ValueError(f"pred_probs chunks must hold whole rows ({k} columns), got "
                                 f"chunks {tuple(pred_probs.chunks)} in {what}")
            if chunk_rows is not None:
                rows = max(rows, (chunk_rows // rows) * rows)
            self._array = pred_probs
            self.bounds = _even_bounds(n, int(rows))
        else:
            if self._array is None:
                self._array = pred_probs if isinstance(pred_probs, np.ndarray) \
                    else np.asarray(pred_probs)
            per_row = max(1, k * self.dtype.itemsize)
            rows = chunk_rows or max(1, _BLOCK_BYTES // per_row)
            self.bounds = _even_bounds(n, int(rows))

    @staticmethod
    def _open_zarr(path: Path):
        try:
            import zarr
        except ImportError:  # pragma: no cover - the dask extra installs zarr
            raise ValueError("pred_probs: reading .zarr needs zarr (pip install "
                             "'fastclean[dask]')") from None
        try:
            return zarr.open_array(str(path), mode="r")
        except Exception as exc:  # zarr raises many types for a bad store
            raise ValueError(f"pred_probs: {path} is not a readable zarr array "
                             f"({type(exc).__name__}: {exc})") from None

    def __len__(self) -> int:
        return len(self.bounds)

    def load(self, i: int) -> np.ndarray:
        """Block ``i`` in this process."""
        start, stop = self.bounds[i]
        if self._dask is not None:
            return np.asarray(self._dask.blocks[i].compute(scheduler="sync"))
        if self._ref_kind == "npy":
            # A fresh mapping per block: its pages leave this process's resident set with it.
            return BlockRef("npy", self._path, start, stop).load()
        return self._array[start:stop]

    def task_input(self, i: int):
        """What a remote task receives for block ``i``: a dask key, a file reference, or rows."""
        start, stop = self.bounds[i]
        if self._dask is not None:
            return self._dask.to_delayed()[i, 0]
        if self._ref_kind is not None:
            return BlockRef(self._ref_kind, self._path, start, stop)
        return np.asarray(self._array[start:stop])
