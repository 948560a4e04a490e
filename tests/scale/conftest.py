"""Shared pieces of the chunked / Dask tests: tie-heavy problems and a small in-process cluster."""

from __future__ import annotations

import numpy as np
import pytest


def tied_problem(seed: int, n: int, k: int, dtype=np.float32, noise: float = 0.25):
    """Labels and pred_probs built from small integer counts: equal probabilities and equal
    margins are everywhere, so cuts often split ties."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, k, n)
    counts = rng.integers(0, 4, size=(n, k)).astype(float)
    counts[np.arange(n), truth] += rng.integers(0, 6, size=n)
    counts[counts.sum(axis=1) == 0, 0] = 1
    probs = (counts / counts.sum(axis=1, keepdims=True)).astype(dtype)
    labels = truth.copy()
    flip = rng.random(n) < noise
    labels[flip] = rng.integers(0, k, int(flip.sum()))
    return labels, probs


def smooth_problem(seed: int, n: int, k: int, dtype=np.float64, noise: float = 0.2):
    """Labels and softmax pred_probs of a K-class problem with label noise (few ties)."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, k, n)
    logits = rng.standard_normal((n, k)) * 1.5
    logits[np.arange(n), truth] += 2.0
    probs = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    labels = truth.copy()
    flip = rng.random(n) < noise
    labels[flip] = rng.integers(0, k, int(flip.sum()))
    return labels, probs.astype(dtype)


@pytest.fixture(scope="module")
def dask_client():
    """A small in-process Dask cluster (threads), shared by a module's tests."""
    import distributed
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                       dashboard_address=None)
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()
