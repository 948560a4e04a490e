"""Fixtures for the data tests: small image files written on the fly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest


def write_image(path: Path, value: int = 128, size: int = 8, fmt: str | None = None) -> Path:
    """Write a small real RGB image (PNG or JPEG by suffix) and return its path."""
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(value)
    pixels = rng.integers(0, 256, size=(size, size, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(path, format=fmt)
    return path


@pytest.fixture
def image_writer():
    """The :func:`write_image` helper, for tests that build folders."""
    return write_image
