"""Average the probabilities of several models (e.g. MiniLM and TF-IDF for tweets)."""

from __future__ import annotations

import os
from typing import Sequence

import numpy as np

from ..data.dataset import LabelledDataset
from .base import Model, take_rows


class MeanEnsemble(Model):
    """Mean of the members' predicted probabilities; each member prepares its own inputs.

    Parameters
    ----------
    name : str
    members : sequence of Model
    """

    version = "1"

    def __init__(self, name: str, members: Sequence[Model]):
        if not members:
            raise ValueError("members: expected at least one model")
        self.name = name
        self.members = list(members)

    def params_key(self) -> str:
        return "+".join(m.cache_key for m in self.members)

    def prepare(self, dataset: LabelledDataset, *, cache_dir: str | os.PathLike | None = None,
                progress: bool = True) -> "_Zipped":
        return _Zipped([m.prepare(dataset, cache_dir=cache_dir, progress=progress) for m in self.members])

    def fit(self, inputs: "_Zipped", labels: np.ndarray, *, n_classes: int, seed: int = 0) -> "MeanEnsemble":
        for m, x in zip(self.members, inputs.parts):
            m.fit(x, labels, n_classes=n_classes, seed=seed)
        return self

    def predict_proba(self, inputs: "_Zipped") -> np.ndarray:
        return np.mean([m.predict_proba(x) for m, x in zip(self.members, inputs.parts)], axis=0)


class _Zipped:
    """Members' inputs side by side, indexable by rows like one input."""

    def __init__(self, parts: list):
        self.parts = parts

    def __len__(self) -> int:
        return len(self.parts[0])

    def select_rows(self, rows) -> "_Zipped":
        return _Zipped([take_rows(p, rows) for p in self.parts])
