"""Guards for what the review app reads from disk: image files and pickled models.

The app is a web server; anything it opens because of data in a run directory (a ``path``
column, a ``model/`` folder) is treated as untrusted. Images are served only from inside the
dataset root recorded in the run, and a pickle is loaded only when the user named that exact
file on the command line.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Sequence


def resolve_inside(root: str | os.PathLike | None, path: str | os.PathLike, *,
                   also: Sequence[str | os.PathLike] = ()) -> Path:
    """Resolve ``path`` (relative to ``root`` unless absolute) and check it lies inside ``root``.

    Symbolic links and ``..`` are resolved before the check, so neither can escape the root.
    ``also`` lists the folders the dataset's own symbolic links point into, recorded by
    ``find`` when it read the dataset (``dataset.json``'s ``link_roots``); files there are
    served too, so that an image ``find`` accepted is also shown.

    Parameters
    ----------
    root : path-like or None
        The dataset root recorded in the run (``dataset.json``'s ``root``).
    path : path-like
        The file the run refers to.

    Returns
    -------
    Path
        The resolved path, guaranteed to be inside the resolved ``root``.

    Raises
    ------
    PermissionError
        If ``root`` is missing or the resolved path is outside it.
    FileNotFoundError
        If the resolved path is inside ``root`` but is not a file.
    """
    if root is None or str(root) == "":
        raise PermissionError("path: the run records no dataset root, so no file can be served")
    root_resolved = Path(root).resolve()
    candidate = Path(path)
    if not candidate.is_absolute():
        candidate = root_resolved / candidate
    resolved = candidate.resolve()
    allowed = [root_resolved] + [Path(a).resolve() for a in also]
    if not any(resolved.is_relative_to(a) for a in allowed):
        raise PermissionError(f"path: {path} resolves outside the dataset root {root_resolved}")
    if not resolved.is_file():
        raise FileNotFoundError(f"path: {path} does not exist under the dataset root")
    return resolved


def check_pickle_allowed(path: str | os.PathLike, allowed: Iterable[str | os.PathLike]) -> Path:
    """Return ``path`` resolved if the user explicitly allowed unpickling it.

    Parameters
    ----------
    path : path-like
        The pickle about to be loaded.
    allowed : iterable of path-like
        The files named with ``--allow-pickle``.

    Returns
    -------
    Path

    Raises
    ------
    PermissionError
        If ``path`` is not one of ``allowed`` (compared after resolving both).
    """
    resolved = Path(path).resolve()
    if resolved not in {Path(a).resolve() for a in allowed}:
        raise PermissionError(
            f"model: refusing to unpickle {path}; loading a pickle runs code from it, so pass "
            f"--allow-pickle {path} if you trust this file"
        )
    return resolved
