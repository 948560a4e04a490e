"""Where fastclean keeps what it can recompute: features and finished cross-validation folds.

Everything is written through a temporary file and an atomic rename, so a process killed at
any moment leaves either the whole file or nothing.
"""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import numpy as np

from ..atomic import atomic_write_bytes

#: Environment variable that moves the cache root (default ``~/.cache/fastclean``).
CACHE_ENV = "FASTCLEAN_CACHE"


def cache_root(cache_dir: str | os.PathLike | None = None) -> Path:
    """Return the cache root: ``cache_dir``, else ``$FASTCLEAN_CACHE``, else ``~/.cache/fastclean``.

    Features live under ``<root>/features`` and cross-validation folds under ``<root>/folds``.
    """
    if cache_dir is not None:
        return Path(cache_dir).expanduser()
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    return Path.home() / ".cache" / "fastclean"


def digest(*parts: object) -> str:
    """A short, stable hex digest of ``parts`` (their ``str``), used as a cache key."""
    h = hashlib.sha256()
    for part in parts:
        h.update(str(part).encode())
        h.update(b"\0")
    return h.hexdigest()[:24]


def array_digest(array: np.ndarray) -> str:
    """A short digest of an array's dtype, shape and bytes."""
    array = np.ascontiguousarray(array)
    h = hashlib.sha256(f"{array.dtype.str}{array.shape}".encode())
    h.update(array.tobytes())
    return h.hexdigest()[:24]


def save_npy(path: Path, array: np.ndarray) -> None:
    """Write ``array`` to ``path`` (``.npy``) atomically, creating parent folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    np.save(buf, np.asarray(array), allow_pickle=False)
    atomic_write_bytes(path, buf.getvalue())


def load_npy(path: Path) -> np.ndarray | None:
    """Read an ``.npy`` written by :func:`save_npy`; ``None`` if absent or unreadable."""
    try:
        return np.load(path, allow_pickle=False)
    except (FileNotFoundError, ValueError, OSError, EOFError):
        return None


def save_fitted(path: Path, model) -> None:
    """Write a fitted model to ``path`` (joblib) atomically, creating parent folders.

    A model that cannot be pickled is not written: a rerun fits it again, nothing worse.
    """
    import pickle

    import joblib

    buffer = io.BytesIO()
    try:
        joblib.dump(model, buffer, compress=3)
    except (pickle.PicklingError, TypeError, AttributeError):
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, buffer.getvalue())


def load_fitted(path: Path):
    """Read a model written by :func:`save_fitted`; ``None`` if absent or unreadable (fit again)."""
    import joblib

    if not path.is_file():
        return None
    try:
        return joblib.load(path)
    except Exception:  # a damaged or stale entry
        return None


def check_cache_dir(cache_dir: str | os.PathLike | None = None) -> Path:
    """Create the cache root if needed and check it can be written, before any work.

    Raises
    ------
    PermissionError
        Naming ``$FASTCLEAN_CACHE`` (or the default folder) when the root cannot be created or
        written.
    """
    import tempfile

    root = cache_root(cache_dir)
    if cache_dir is not None:
        source = "cache_dir"
    elif os.environ.get(CACHE_ENV):
        source = CACHE_ENV
    else:
        source = "cache"
    try:
        root.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=root):
            pass
    except OSError as exc:
        raise PermissionError(
            f"{source}: cannot use {root} as the cache folder ({exc.strerror or exc}); "
            f"set {CACHE_ENV} to a writable folder") from None
    return root
