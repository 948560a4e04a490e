"""Read label and probability arrays from ``.npy`` or ``.csv`` files, with clear errors."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

SUPPORTED_SUFFIXES = (".npy", ".csv")


def load_array(path: str | os.PathLike, *, what: str, mmap: bool = False) -> np.ndarray:
    """Load a numeric array from a ``.npy`` or headerless/headed ``.csv`` file.

    Parameters
    ----------
    path : path-like
        The file to read.
    what : str
        The argument's name, used in error messages (``"labels"``, ``"pred_probs"``).
    mmap : bool
        Memory-map ``.npy`` files instead of reading them (for inputs larger than memory).

    Returns
    -------
    ndarray

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If the file is neither a numpy array nor a numeric CSV.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{what}: file not found: {path}")
    if path.is_dir():
        raise ValueError(f"{what}: {path} is a directory, expected a .npy or .csv file")
    suffix = path.suffix.lower()
    if suffix == ".npy":
        try:
            arr = np.load(path, mmap_mode="r" if mmap else None, allow_pickle=False)
        except (ValueError, OSError, EOFError) as exc:
            raise ValueError(f"{what}: {path} is not a valid numpy .npy file ({exc})") from None
        if not isinstance(arr, np.ndarray):
            raise ValueError(f"{what}: {path} does not hold a single numpy array")
        return arr
    if suffix == ".csv":
        return _load_csv(path, what)
    raise ValueError(
        f"{what}: unsupported file type {path.suffix or '(none)'!r} for {path}; "
        f"expected one of {', '.join(SUPPORTED_SUFFIXES)}"
    )


def _load_csv(path: Path, what: str) -> np.ndarray:
    import pandas as pd

    try:
        frame = pd.read_csv(path, header=None)
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ValueError(f"{what}: {path} is not a readable CSV file ({exc})") from None
    # A first row that is not numeric is a header.
    first = pd.to_numeric(frame.iloc[0], errors="coerce")
    if first.isna().any() and len(frame) > 1:
        frame = frame.iloc[1:]
    values = frame.apply(pd.to_numeric, errors="coerce")
    if values.isna().to_numpy().any() and not frame.isna().to_numpy().any():
        raise ValueError(f"{what}: {path} contains non-numeric values")
    arr = values.to_numpy()
    if arr.shape[1] == 1:
        arr = arr[:, 0]
        if np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)):
            arr = arr.astype(np.int64)
    return arr
