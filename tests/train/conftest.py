"""Small real datasets for the training tests: sklearn digits, in memory."""

from __future__ import annotations

import numpy as np
import pytest

from fastclean.data.dataset import LabelledDataset


@pytest.fixture(autouse=True)
def _one_thread():
    """Two shared cores: one torch thread per test process keeps the suite predictable."""
    import torch

    torch.set_num_threads(1)


@pytest.fixture(scope="session")
def digits() -> LabelledDataset:
    """The 1 797 real 8×8 digits as uint8 images (no validation split: hold-out applies)."""
    from sklearn.datasets import load_digits

    d = load_digits()
    images = np.clip(d.images * 16, 0, 255).astype(np.uint8)
    n = len(d.target)
    return LabelledDataset(name="digits", modality="image", classes=[str(k) for k in range(10)],
                           labels=d.target, ids=[str(i) for i in range(n)],
                           splits=np.array(["train"] * n), images=images)
