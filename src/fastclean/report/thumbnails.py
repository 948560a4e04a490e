"""Small embedded thumbnails (base64 ``data:`` URIs) from in-memory arrays or image files."""

from __future__ import annotations

import base64
import io
import os
from pathlib import Path
from typing import Sequence

import numpy as np

THUMB_SIZE = 128


def array_thumbnail(image: np.ndarray, size: int = THUMB_SIZE) -> str:
    """Encode one uint8 image, (H, W) or (H, W, C), as a PNG data URI at most ``size`` pixels.

    Tiny images (8×8 digits, 28×28 MNIST) are enlarged with nearest-neighbour so their pixels
    stay crisp; dim grayscale images (digits hold 0..16) are stretched to the full range.
    """
    from PIL import Image

    img = np.asarray(image)
    if img.ndim == 3 and img.shape[-1] == 1:
        img = img[..., 0]
    if img.ndim not in (2, 3):
        raise ValueError(f"image: expected (H, W) or (H, W, C), got shape {img.shape}")
    if img.dtype != np.uint8:
        img = np.clip(img, 0, 255).astype(np.uint8)
    if img.ndim == 2 and 0 < int(img.max()) < 128:
        img = (img.astype(np.float32) * (255.0 / img.max())).astype(np.uint8)
    pil = Image.fromarray(img)
    scale = size / max(pil.size)
    if scale > 1:
        factor = max(1, int(scale))
        pil = pil.resize((pil.width * factor, pil.height * factor), Image.NEAREST)
    else:
        pil.thumbnail((size, size))
    return _png_uri(pil)


def file_thumbnail(path: str | os.PathLike, size: int = THUMB_SIZE) -> str | None:
    """Encode the image file at ``path`` as a small JPEG data URI; ``None`` if it can't be read."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as pil:
            pil.draft("RGB", (size * 2, size * 2))  # JPEG: decode at reduced scale, much faster
            pil = pil.convert("RGB")
            pil.thumbnail((size, size))
    except (OSError, UnidentifiedImageError, ValueError):
        return None
    buf = io.BytesIO()
    pil.save(buf, format="JPEG", quality=80)
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def resolve_under_root(path: str, root: str | os.PathLike | None, *,
                       also: Sequence[str | os.PathLike] = ()) -> Path | None:
    """Resolve a ``path`` column entry against the dataset ``root``.

    Returns ``None`` when the file would lie outside ``root`` and outside the folders in
    ``also`` (where the dataset's own symbolic links point, recorded by ``find``): the report
    reads only the dataset's own files, whatever a run directory's CSV says. The same rule as
    the review app's :func:`fastclean.review.safety.resolve_inside`.
    """
    p = Path(path)
    if root is None:
        return p if p.is_absolute() else None
    root_path = Path(root).resolve()
    full = (p if p.is_absolute() else root_path / p).resolve()
    allowed = [root_path] + [Path(a).resolve() for a in also]
    if not any(full == a or a in full.parents for a in allowed):
        return None
    return full


def _png_uri(pil) -> str:
    buf = io.BytesIO()
    pil.save(buf, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
