"""Checks the commands share before any work: what ``--out`` must not touch, the cache, notes.

Kept apart from the commands so that ``find``, ``train`` and ``bench`` apply the same rules.
"""

from __future__ import annotations

import contextlib
import os
import sys
import warnings
from pathlib import Path
from typing import Iterator, Optional


def dataset_inputs(dataset: Optional[str], data_dir: Optional[Path]) -> list:
    """The paths a command reads its dataset from, for :func:`fastclean.atomic.check_out_path`.

    A DATASET that names an existing file or folder is an input; a built-in name reads from
    ``--data-dir`` or ``$FASTCLEAN_DATA``.
    """
    inputs: list = [data_dir]
    if dataset is not None:
        path = Path(dataset).expanduser()
        if path.exists():
            inputs.append(path)
        else:
            inputs.append(os.environ.get("FASTCLEAN_DATA"))
    return inputs


def check_find_args(dataset, labels, pred_probs, classes) -> None:
    """``find``'s input combinations, checked before anything is reserved; the cache too."""
    if dataset is None:
        if labels is None or pred_probs is None:
            raise ValueError("give a DATASET, or both --labels and --pred-probs")
        return
    if labels is not None or pred_probs is not None:
        raise ValueError("give either a DATASET or --labels/--pred-probs, not both")
    if classes is not None:
        raise ValueError("--classes: only valid with --labels/--pred-probs; a DATASET names its own classes")
    prepare_cache()


def prepare_cache() -> None:
    """Check the feature/fold cache (``$FASTCLEAN_CACHE``) is usable before any work."""
    from ..models.cache import check_cache_dir

    check_cache_dir()


def load_array_noted(path: Path, *, what: str):
    """:func:`fastclean.arrays.load_array`, its notes (e.g. a dropped index column) on stderr."""
    from ..arrays import load_array

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        array = load_array(path, what=what)
    for warning in caught:
        print(f"note: {' '.join(str(warning.message).split())}", file=sys.stderr)
    return array


@contextlib.contextmanager
def renormalize_hint() -> Iterator[None]:
    """Say ``--renormalize`` where the library's message says ``renormalize=True``."""
    try:
        yield
    except ValueError as exc:
        text = str(exc)
        if "renormalize=True" not in text:
            raise
        raise ValueError(text.replace("Pass renormalize=True", "Pass --renormalize")
                         .replace("renormalize=True", "--renormalize")) from None


@contextlib.contextmanager
def writing(what: str, path: Path) -> Iterator[None]:
    """Report a failed write (read-only filesystem, disk full, ...) naming the user's ``path``,
    not the temporary file it failed on."""
    try:
        yield
    except (FileExistsError, IsADirectoryError, NotADirectoryError):
        raise
    except OSError as exc:
        raise PermissionError(f"{what}: cannot write {path}: {exc.strerror or exc}") from None


def probe_writable(what: str, folder: Path, shown: Path) -> None:
    """Check a file can be created in ``folder`` before any work; the message names ``shown``."""
    import tempfile

    if not folder.is_dir():
        return  # the command's own check says the folder is missing
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise PermissionError(f"{what}: cannot write {shown}: {exc.strerror or exc}") from None


def data_dir_for(dataset: str, data_dir: Optional[Path]) -> Optional[Path]:
    """``--data-dir`` as the loaders need it: ``$FASTCLEAN_DATA`` (which fills ``--data-dir`` of
    train and bench) is for built-in datasets and is dropped when DATASET is a path, instead of
    making every path dataset fail while the variable is set."""
    env = os.environ.get("FASTCLEAN_DATA")
    if data_dir is not None and env and str(data_dir) == env and Path(dataset).expanduser().exists():
        return None
    return data_dir
