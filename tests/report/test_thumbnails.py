"""Thumbnails: tiny images enlarged crisply, files read only under the dataset root."""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest
from PIL import Image
from sklearn.datasets import load_digits

from fastclean.report.thumbnails import THUMB_SIZE, array_thumbnail, file_thumbnail, resolve_under_root


def _decode(uri: str) -> Image.Image:
    img = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))
    img.load()
    return img


def test_tiny_grayscale_digit_is_enlarged_by_an_integer_factor_and_stretched():
    digit = load_digits().images[0].astype(np.uint8)  # 8x8, values 0..16
    img = _decode(array_thumbnail(digit))
    assert img.size == (8 * (THUMB_SIZE // 8),) * 2
    assert np.asarray(img).max() == 255


def test_large_colour_image_is_shrunk_to_the_thumbnail_size():
    rng = np.random.default_rng(0)
    img = _decode(array_thumbnail(rng.integers(0, 256, (300, 200, 3), dtype=np.uint8)))
    assert max(img.size) == THUMB_SIZE and img.mode == "RGB"


def test_array_of_wrong_shape_is_rejected():
    with pytest.raises(ValueError, match="image"):
        array_thumbnail(np.zeros((2, 3, 4, 5), np.uint8))


def test_file_thumbnail_is_a_small_jpeg(tmp_path):
    path = tmp_path / "x.png"
    Image.fromarray(np.random.default_rng(0).integers(0, 256, (400, 600, 3), np.uint8)).save(path)
    uri = file_thumbnail(path)
    assert uri.startswith("data:image/jpeg;base64,")
    assert max(_decode(uri).size) == THUMB_SIZE


def test_unreadable_or_missing_files_give_none(tmp_path):
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"not an image")
    assert file_thumbnail(bad) is None
    assert file_thumbnail(tmp_path / "missing.jpg") is None


def test_paths_resolve_only_under_the_root(tmp_path):
    root = tmp_path / "data"
    root.mkdir()
    assert resolve_under_root("a/b.png", root) == (root / "a" / "b.png").resolve()
    assert resolve_under_root(str(root / "c.png"), root) == (root / "c.png").resolve()
    assert resolve_under_root("../secret.png", root) is None
    assert resolve_under_root("/etc/passwd", root) is None
    assert resolve_under_root("relative.png", None) is None
