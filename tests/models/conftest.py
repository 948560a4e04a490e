"""Small real datasets for model tests: scikit-learn digits (in-memory images) and covid tweets."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np
import pytest

from fastclean.data.dataset import LabelledDataset

DATA = Path(os.environ.get("FASTCLEAN_DATA", Path(__file__).resolve().parents[3] / "shared" / "data"))


def digits_dataset(n: int | None = None) -> LabelledDataset:
    """The first ``n`` scikit-learn digits as uint8 8×8 images."""
    from sklearn.datasets import load_digits

    d = load_digits()
    n = len(d.target) if n is None else n
    images = np.round(d.images[:n] * 255 / 16).astype(np.uint8)
    return LabelledDataset(name="digits", modality="image", classes=[str(k) for k in range(10)],
                           labels=d.target[:n], ids=[str(i) for i in range(n)],
                           splits=np.array(["train"] * n), images=images)


def tweets_dataset(n: int) -> LabelledDataset:
    """The first ``n`` WNUT-2020 training tweets."""
    with open(DATA / "covid_tweets" / "train.tsv", newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))[1:n + 1]
    classes = ["INFORMATIVE", "UNINFORMATIVE"]
    return LabelledDataset(name="covid-tweets", modality="text", classes=classes,
                           labels=[classes.index(r[2]) for r in rows], ids=[r[0] for r in rows],
                           splits=np.array(["train"] * len(rows)), texts=[r[1] for r in rows])


@pytest.fixture
def digits600() -> LabelledDataset:
    return digits_dataset(600)


@pytest.fixture
def tweets300() -> LabelledDataset:
    return tweets_dataset(300)


@pytest.fixture(autouse=True)
def _one_thread_and_private_cache(tmp_path, monkeypatch):
    """Keep tests off the shared CPUs' other cores and out of the user's cache."""
    monkeypatch.setenv("FASTCLEAN_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:  # pragma: no cover
        pass
