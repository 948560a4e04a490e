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


def is_gzip(path: str | os.PathLike) -> bool:
    """True if ``path`` starts with the gzip magic number (whatever its name)."""
    with open(path, "rb") as fh:
        return fh.read(2) == b"\x1f\x8b"


def _load_csv(path: Path, what: str) -> np.ndarray:
    import warnings

    import pandas as pd

    try:
        frame = pd.read_csv(path, header=None, compression="gzip" if is_gzip(path) else None)
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ValueError(f"{what}: {path} is not a readable CSV file ({exc})") from None
    # A first row that is not numeric is a header.
    first = pd.to_numeric(frame.iloc[0], errors="coerce")
    if first.isna().any() and len(frame) > 1:
        header = frame.iloc[0]
        frame = frame.iloc[1:]
        # pandas' to_csv() writes the index as an unnamed first column: 0, 1, 2, ...
        if frame.shape[1] > 1 and (pd.isna(header.iloc[0]) or str(header.iloc[0]).strip() in ("", "Unnamed: 0")):
            index = pd.to_numeric(frame.iloc[:, 0], errors="coerce").to_numpy()
            if np.array_equal(index, np.arange(len(frame))):
                warnings.warn(f"{what}: {path}'s first column is unnamed and holds the row numbers "
                              "0..n-1 (a pandas index written by to_csv()); it was dropped", stacklevel=3)
                frame = frame.iloc[:, 1:]
            else:
                raise ValueError(f"{what}: {path}'s first column has no name; if it is an index "
                                 "written by pandas' to_csv(), write the file with index=False")
    values = frame.apply(pd.to_numeric, errors="coerce")
    if values.isna().to_numpy().any() and not frame.isna().to_numpy().any():
        raise ValueError(f"{what}: {path} contains non-numeric values")
    arr = values.to_numpy()
    if arr.shape[1] == 1:
        arr = arr[:, 0]
        if np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)):
            arr = arr.astype(np.int64)
    return arr
