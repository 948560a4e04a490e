"""Run the reference (cleanlab) in one process: its results do not depend on n_jobs, and
process pools forked per call would dominate the test time."""

from __future__ import annotations

import warnings

import pytest


@pytest.fixture(autouse=True)
def _reference_in_one_process(monkeypatch):
    import cleanlab.filter

    monkeypatch.setattr(cleanlab.filter, "psutil_exists", False)
    monkeypatch.setattr(cleanlab.filter.multiprocessing, "cpu_count", lambda: 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        yield
