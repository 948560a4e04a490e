"""Shared generators for the core tests: noisy-label problems with optional ties and gaps."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import strategies as st


def make_problem(seed: int, n: int, k: int, *, dtype=np.float64, ties: bool = False,
                 missing: int = 0, noise: float = 0.2, strength: float = 2.0):
    """Labels and pred_probs for a K-class problem with label noise.

    ``ties`` builds probabilities from small integer counts, so equal values (and equal
    margins across rows) are common; ``missing`` leaves that many classes without examples.
    """
    rng = np.random.default_rng(seed)
    present = np.sort(rng.permutation(k)[: max(2, k - missing)])
    truth = present[rng.integers(0, len(present), n)]
    truth[:2] = present[:2]  # at least two distinct labels, as the reference requires
    if ties:
        counts = rng.integers(0, 3, size=(n, k)).astype(float)
        counts[np.arange(n), truth] += rng.integers(1, 4, size=n)
        probs = counts / counts.sum(axis=1, keepdims=True)
    else:
        logits = rng.standard_normal((n, k)) * rng.uniform(0.5, 2.0)
        logits[np.arange(n), truth] += strength
        probs = np.exp(logits - logits.max(axis=1, keepdims=True))
        probs /= probs.sum(axis=1, keepdims=True)
    labels = truth.copy()
    flip = rng.random(n) < noise
    labels[flip] = present[rng.integers(0, len(present), int(flip.sum()))]
    labels[:2] = present[:2]
    return labels, probs.astype(dtype)


@st.composite
def problems(draw, max_n: int = 300, max_k: int = 50):
    """Hypothesis strategy: (labels, pred_probs) with every awkward feature switched on at times."""
    k = draw(st.integers(2, max_k))
    n = draw(st.integers(2, max_n))
    return make_problem(
        draw(st.integers(0, 2**31 - 1)), n, k,
        dtype=draw(st.sampled_from([np.float32, np.float64])),
        ties=draw(st.booleans()),
        missing=draw(st.integers(0, max(0, k - 2))) if draw(st.booleans()) else 0,
        noise=draw(st.sampled_from([0.0, 0.1, 0.3, 0.6])),
        strength=draw(st.sampled_from([0.5, 2.0, 5.0])),
    )


@pytest.fixture(autouse=True)
def _quiet_reference_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield
