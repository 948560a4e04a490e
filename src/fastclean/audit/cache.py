"""An optional on-disk cache of the label-free work: neighbours and pixel checks of near-duplicates.

Both depend only on the features (and images) and the settings, never on the labels, so a rerun
of ``find`` with other noise, seeds or folds reuses them. Files are written atomically
(temporary file + rename) under the directory given; a missing or unreadable entry is recomputed.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from pathlib import Path
from typing import Callable

import numpy as np


def digest(*parts: object) -> str:
    """A short hex digest of arrays (dtype, shape, bytes) and other values (``str``)."""
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, np.ndarray):
            arr = np.ascontiguousarray(part)
            h.update(f"{arr.dtype.str}{arr.shape}".encode())
            h.update(memoryview(arr).cast("B"))
        else:
            h.update(str(part).encode())
        h.update(b"\0")
    return h.hexdigest()[:24]


def cached_arrays(directory: str | os.PathLike | None, key: str,
                  compute: Callable[[], dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """Arrays stored under ``directory/key.npz``, computed by ``compute()`` when absent."""
    if directory is None:
        return compute()
    path = Path(directory) / f"{key}.npz"
    try:
        with np.load(path, allow_pickle=False) as data:
            return {name: data[name] for name in data.files}
    except (FileNotFoundError, OSError, ValueError, EOFError):
        pass
    arrays = compute()
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(buf.getvalue())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return arrays
