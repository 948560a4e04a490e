"""Shared fixtures: where the real data lives, and a runner for the installed CLI."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests draw the same examples on every run, so a CI result can be reproduced;
# HYPOTHESIS_PROFILE=explore draws fresh ones.
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

REPO = Path(__file__).resolve().parents[1]


def _data_dir() -> Path:
    env = os.environ.get("FASTCLEAN_DATA")
    if env:
        return Path(env)
    return REPO.parent / "shared" / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The real datasets (``../shared/data`` or ``$FASTCLEAN_DATA``)."""
    path = _data_dir()
    assert path.is_dir(), f"real test data not found at {path}; set FASTCLEAN_DATA"
    return path


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Keep feature/fold caches of tests out of the user's home."""
    cache = tmp_path_factory.getbasetemp() / "fastclean-cache"
    monkeypatch.setenv("FASTCLEAN_CACHE", str(cache))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
