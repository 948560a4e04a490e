"""Checking that image files on disk can be opened, before any model touches them."""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Sequence

import numpy as np

#: File suffixes treated as images when scanning folders (compared lower-case).
IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".gif", ".tif", ".tiff", ".webp"})

_SKIP_HINT = "pass skip_bad=True (--skip-bad) to skip unreadable images"


def is_image_file(path: str | os.PathLike) -> bool:
    """True if ``path``'s suffix is a known image format (the content is not checked)."""
    return Path(path).suffix.lower() in IMAGE_EXTENSIONS


def image_problem(path: str | os.PathLike) -> str | None:
    """Say why ``path`` is not a readable image, or return None if it is.

    Uses PIL's ``verify()``, which parses the file's structure without decoding every pixel:
    it catches missing, empty, truncated-header and non-image files cheaply (and a PNG cut
    short, through its chunk checksums). A JPEG cut off after its header passes ``verify()``
    and fails only when decoded ("image file is truncated"), so a JPEG that does not end with
    its end-of-image marker is decoded in full here to find out.
    """
    from PIL import Image

    path = Path(path)
    if not path.is_file():
        return "file not found"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(path) as im:
                fmt = im.format
                im.verify()
            if fmt == "JPEG" and not _ends_with_jpeg_eoi(path):
                with Image.open(path) as im:
                    im.load()
    except Exception as exc:  # PIL raises OSError, SyntaxError, ValueError, DecompressionBomb...
        return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return None


def _ends_with_jpeg_eoi(path: Path) -> bool:
    """True if the file's last bytes (trailing padding aside) are the JPEG end marker FF D9."""
    with open(path, "rb") as fh:
        fh.seek(0, os.SEEK_END)
        size = fh.tell()
        fh.seek(max(0, size - 64))
        tail = fh.read().rstrip(b"\x00\r\n\t ")
    return tail.endswith(b"\xff\xd9")


def check_images(
    paths: Sequence[str | os.PathLike], ids: Sequence[str], *, skip_bad: bool
) -> tuple[np.ndarray, list[str]]:
    """Check every image; fail on the first unreadable one, or skip them all.

    Parameters
    ----------
    paths : sequence of path-like
        The image files.
    ids : sequence of str
        The identifier of each image, recorded for skipped ones.
    skip_bad : bool
        If true, unreadable images are dropped instead of raising.

    Returns
    -------
    keep : ndarray of bool
        Which images are readable.
    skipped : list of str
        The ids of the unreadable images (empty unless ``skip_bad``).

    Raises
    ------
    FileNotFoundError
        If an image file is missing and ``skip_bad`` is false.
    ValueError
        If an image file cannot be read and ``skip_bad`` is false.
    """
    keep = np.ones(len(paths), dtype=bool)
    skipped: list[str] = []
    for i, path in enumerate(paths):
        problem = image_problem(path)
        if problem is None:
            continue
        if not skip_bad:
            if problem == "file not found":
                raise FileNotFoundError(f"image not found: {path} ({_SKIP_HINT})")
            raise ValueError(f"cannot read image {path}: {problem} ({_SKIP_HINT})")
        keep[i] = False
        skipped.append(str(ids[i]))
    return keep, skipped
