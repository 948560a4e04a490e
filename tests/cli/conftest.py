"""Fixtures shared by the CLI tests."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def imagenette_like(tmp_path_factory):
    """A miniature Noisy Imagenette (real digit images as JPEGs under train/<wnid>/, val/<wnid>/)."""
    from fastclean.data.synthetic import make_imagenette_like

    return make_imagenette_like(tmp_path_factory.mktemp("imagenette"), n_per_class=8,
                                n_valid_per_class=2, n_classes=3, size=32)
