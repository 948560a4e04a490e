"""What the review app shows for one example: its image (from memory or from disk) or its text."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..run import Run
from .safety import resolve_inside

#: Images smaller than this (MNIST, digits) are enlarged, pixel for pixel, to be readable.
MIN_DISPLAY_SIDE = 224


def modality(run: Run) -> str:
    """``"image"`` or ``"text"`` (or ``"array"``): from ``dataset.json``, else from the columns."""
    recorded = run.dataset.get("modality")
    if recorded:
        return str(recorded)
    if run.images is not None or "path" in run.examples.columns:
        return "image"
    if "text" in run.examples.columns:
        return "text"
    return "array"


def label_sep(run: Run) -> str | None:
    """The separator of label sets for a multi-label run (``summary.json``), else None."""
    if run.summary.get("task") != "multi-label":
        return None
    return str(run.summary.get("label_sep") or run.summary.get("settings", {}).get("sep", "|"))


def example_image(run: Run, row: Any):
    """Return the image of one example as a PIL image, enlarged if it is tiny.

    ``row`` is a row of ``run.issues`` or ``run.examples``. In-memory images come from
    ``images.npy``; files come from the ``path`` column and must resolve inside the dataset
    root recorded in the run.

    Raises
    ------
    PermissionError
        If the file resolves outside the dataset root (or the run records no root).
    FileNotFoundError
        If the file does not exist.
    ValueError
        If the run has no image for this example.
    """
    from PIL import Image

    if run.images is not None:
        array = np.asarray(run.images[int(row["index"])])
        image = Image.fromarray(_to_uint8(array))
    elif "path" in row and str(row["path"]):
        path = resolve_inside(run.dataset.get("root"), str(row["path"]),
                              also=run.dataset.get("link_roots") or ())
        with Image.open(path) as opened:
            image = opened.convert("RGB")
    else:
        raise ValueError(f"example {row['index']}: the run holds no image for it")
    side = max(image.size)
    if side < MIN_DISPLAY_SIDE:
        scale = int(np.ceil(MIN_DISPLAY_SIDE / side))
        image = image.resize((image.size[0] * scale, image.size[1] * scale), Image.NEAREST)
    return image


def _to_uint8(array: np.ndarray) -> np.ndarray:
    # sklearn digits are stored as 0..16; stretch them so they are visible.
    top = int(array.max()) if array.size else 0
    if 0 < top <= 16:
        array = array.astype(np.float64) * (255.0 / 16.0)
    return np.clip(array, 0, 255).astype(np.uint8)


def parse_top3(top3: str) -> list[tuple[str, float]]:
    """Parse ``examples.csv``'s ``top3`` column (``"cat:0.700;dog:0.200;..."``), see
    :mod:`fastclean.top3`."""
    from ..top3 import parse_top3 as parse

    return parse(top3)
