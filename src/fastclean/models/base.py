"""The model interface that cross-validation drives.

A model turns a dataset into *inputs* once (:meth:`Model.prepare`: features from a cached
extractor, normalised pixel arrays, raw strings), then is fitted and scored on rows of those
inputs as many times as there are folds. Keeping the expensive, label-free step out of
``fit`` is what lets five folds share one feature extraction.
"""

from __future__ import annotations

import abc
import os
from typing import Any, Sequence

import numpy as np

from ..data.dataset import LabelledDataset

Inputs = Any  # an ndarray (N, ...) or a list of N items; see :func:`take_rows`


def take_rows(inputs: Inputs, rows: np.ndarray | Sequence[int]) -> Inputs:
    """Select ``rows`` of prepared inputs, whether an array or a list."""
    rows = np.asarray(rows)
    if hasattr(inputs, "select_rows"):
        return inputs.select_rows(rows)
    if isinstance(inputs, np.ndarray):
        return inputs[rows]
    return [inputs[i] for i in rows]


class Model(abc.ABC):
    """A classifier that gives predicted probabilities for a :class:`LabelledDataset`.

    Subclasses set :attr:`name` and :attr:`version` (bump it whenever preprocessing or
    training changes, so stale caches are not reused) and implement the three methods.
    """

    #: Registry name, e.g. ``"cnn"``.
    name: str = "model"
    #: Part of every cache key: change it when outputs would change.
    version: str = "1"

    @property
    def cache_key(self) -> str:
        """Identifies this model's configuration in cache keys."""
        return f"{self.name}-v{self.version}-{self.params_key()}"

    def params_key(self) -> str:
        """Hyper-parameters that change predictions, as a string (default: none)."""
        return ""

    @abc.abstractmethod
    def prepare(
        self,
        dataset: LabelledDataset,
        *,
        cache_dir: str | os.PathLike | None = None,
        progress: bool = True,
    ) -> Inputs:
        """Turn ``dataset``'s inputs into what :meth:`fit` and :meth:`predict_proba` take.

        Label-free and deterministic, so it runs once per dataset and may be cached.
        """

    @abc.abstractmethod
    def fit(self, inputs: Inputs, labels: np.ndarray, *, n_classes: int, seed: int = 0) -> "Model":
        """Fit on ``inputs`` (rows of :meth:`prepare`'s output) with integer ``labels``."""

    @abc.abstractmethod
    def predict_proba(self, inputs: Inputs) -> np.ndarray:
        """Return probabilities, shape ``(len(inputs), n_classes)``, rows summing to 1."""

    def fit_dataset(self, dataset: LabelledDataset, *, seed: int = 0, **kwargs) -> "Model":
        """Convenience: :meth:`prepare` then :meth:`fit` on the whole of ``dataset``."""
        inputs = self.prepare(dataset, **kwargs)
        return self.fit(inputs, dataset.labels, n_classes=dataset.n_classes, seed=seed)

    def predict_proba_dataset(self, dataset: LabelledDataset, **kwargs) -> np.ndarray:
        """Convenience: :meth:`prepare` then :meth:`predict_proba` on ``dataset``."""
        return self.predict_proba(self.prepare(dataset, **kwargs))


def full_proba(proba: np.ndarray, seen_classes: np.ndarray, n_classes: int) -> np.ndarray:
    """Expand probabilities over the classes a head saw in training to all ``n_classes``.

    A class absent from a training fold gets probability 0 for every test row.
    """
    out = np.zeros((proba.shape[0], n_classes), dtype=np.float64)
    out[:, seen_classes] = proba
    return out
