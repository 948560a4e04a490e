"""The MNIST test set, read from its IDX files (optionally gzip-compressed) with numpy."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import numpy as np

from .dataset import LabelledDataset

MNIST_DIR = "mnist_test"
MNIST_IMAGES = "t10k-images-idx3-ubyte.gz"
MNIST_LABELS = "t10k-labels-idx1-ubyte.gz"

# IDX type codes (third magic byte) → big-endian numpy dtypes.
_IDX_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path: str | os.PathLike, *, expect_ndim: int | None = None) -> np.ndarray:
    """Read an IDX file (the MNIST format), gzip-compressed or raw.

    The header is a magic number ``0x0000TTDD`` (``TT`` the element type, ``DD`` the number of
    dimensions) followed by one big-endian uint32 size per dimension, then the data.

    Parameters
    ----------
    path : path-like
        ``.gz`` or raw IDX file; compression is detected from the content, not the name.
    expect_ndim : int, optional
        Refuse files with another number of dimensions (3 for images, 1 for labels).

    Returns
    -------
    ndarray
        In native byte order.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If the magic number, the dimensions or the data length are wrong.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"IDX file not found: {path}")
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise ValueError(f"{path}: corrupted gzip data ({exc})") from None
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_DTYPES:
        raise ValueError(f"{path}: not an IDX file (bad magic number {raw[:4].hex() or 'empty'})")
    dtype = np.dtype(_IDX_DTYPES[raw[2]])
    ndim = raw[3]
    if expect_ndim is not None and ndim != expect_ndim:
        raise ValueError(f"{path}: expected an IDX file with {expect_ndim} dimensions, got {ndim}")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"{path}: truncated IDX header")
    shape = tuple(int(d) for d in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(raw) - header != expected:
        raise ValueError(
            f"{path}: IDX header announces shape {shape} ({expected} bytes of data) but the file "
            f"holds {len(raw) - header}"
        )
    data = np.frombuffer(raw, dtype=dtype, offset=header).reshape(shape)
    return data.astype(dtype.newbyteorder("="), copy=True)


def load_mnist_test(root: str | os.PathLike) -> LabelledDataset:
    """Load the 10 000 MNIST test images from ``root/mnist_test``.

    All examples are in split ``"train"``: this is the set searched for label errors.

    Returns
    -------
    LabelledDataset
        Modality ``"image"``, uint8 ``images`` (10000, 28, 28), classes ``"0"`` … ``"9"``,
        ids the row indices.
    """
    folder = Path(root) / MNIST_DIR
    images = read_idx(folder / MNIST_IMAGES, expect_ndim=3).astype(np.uint8, copy=False)
    labels = read_idx(folder / MNIST_LABELS, expect_ndim=1).astype(np.int64)
    if len(images) != len(labels):
        raise ValueError(f"{folder}: {len(images)} images but {len(labels)} labels")
    if labels.size and (labels.min() < 0 or labels.max() > 9):
        raise ValueError(f"{folder / MNIST_LABELS}: labels outside 0..9")
    n = len(labels)
    return LabelledDataset(
        name="mnist-test",
        modality="image",
        classes=[str(d) for d in range(10)],
        labels=labels,
        ids=[str(i) for i in range(n)],
        splits=np.full(n, "train", dtype=object),
        images=images,
    )
