"""The in-memory description of a labelled dataset that every layer above ``data`` consumes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal, Sequence

import numpy as np

Modality = Literal["image", "text", "array"]
SPLITS = ("train", "valid", "test")


@dataclass
class LabelledDataset:
    """A labelled dataset as loaded, before any model sees it.

    Exactly one of ``texts``, ``paths`` or ``images`` holds the inputs, according to
    ``modality``. Row ``i`` of every per-example field describes the same example.

    Parameters
    ----------
    name : str
        Built-in name (``"digits"``) or the path the user gave.
    modality : {"image", "text", "array"}
        ``image`` for photos on disk (``paths``) or in memory (``images``), ``text`` for
        strings, ``array`` for ready-made feature vectors.
    classes : list of str
        Class names; ``labels`` index into it.
    labels : ndarray of int64, shape (N,)
        The given (possibly noisy) labels.
    ids : list of str
        A stable identifier per example: a relative path, a tweet id, or the row index.
    splits : ndarray of str, shape (N,)
        ``"train"``, ``"valid"`` or ``"test"`` for each example.
    texts, paths, images, features
        The inputs (see above). ``images`` is uint8, (N, H, W) or (N, H, W, C).
    root : Path, optional
        Directory that every entry of ``paths`` lies under; the review app refuses to serve
        files outside it.
    true_labels : ndarray of int64, optional
        The clean labels where they are known (Noisy Imagenette, or after noise injection).
    skipped : list of str
        Ids of inputs that could not be read and were skipped (``--skip-bad``).
    """

    name: str
    modality: Modality
    classes: list[str]
    labels: np.ndarray
    ids: list[str]
    splits: np.ndarray
    texts: list[str] | None = None
    paths: list[Path] | None = None
    images: np.ndarray | None = None
    features: np.ndarray | None = None
    root: Path | None = None
    true_labels: np.ndarray | None = None
    skipped: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.labels = np.asarray(self.labels, dtype=np.int64)
        self.splits = np.asarray(self.splits, dtype=object)
        n = len(self.labels)
        if len(self.ids) != n or len(self.splits) != n:
            raise ValueError(
                f"dataset {self.name!r}: ids ({len(self.ids)}), splits ({len(self.splits)}) and "
                f"labels ({n}) must have the same length"
            )
        for attr in ("texts", "paths", "images", "features", "true_labels"):
            value = getattr(self, attr)
            if value is not None and len(value) != n:
                raise ValueError(f"dataset {self.name!r}: {attr} has {len(value)} rows, expected {n}")

    def __len__(self) -> int:
        return len(self.labels)

    @property
    def n_classes(self) -> int:
        return len(self.classes)

    def subset(self, rows: np.ndarray | Sequence[int]) -> "LabelledDataset":
        """Return the examples at ``rows`` (integer indices or a boolean mask), in that order."""
        idx = np.asarray(rows)
        if idx.dtype == bool:
            idx = np.flatnonzero(idx)

        def take(value):
            if value is None:
                return None
            if isinstance(value, np.ndarray):
                return value[idx]
            return [value[i] for i in idx]

        return replace(
            self,
            labels=self.labels[idx],
            ids=take(self.ids),
            splits=self.splits[idx],
            texts=take(self.texts),
            paths=take(self.paths),
            images=take(self.images),
            features=take(self.features),
            true_labels=take(self.true_labels),
        )

    def with_labels(self, labels: np.ndarray) -> "LabelledDataset":
        """Return a copy whose given labels are ``labels``; the inputs are shared, not copied."""
        return replace(self, labels=np.asarray(labels, dtype=np.int64))

    def content_hash(self) -> str:
        """A digest of the inputs (not the labels): the key of feature caches."""
        h = hashlib.sha256()
        h.update(self.modality.encode())
        if self.texts is not None:
            for t in self.texts:
                h.update(t.encode("utf-8", "surrogatepass"))
                h.update(b"\0")
        if self.paths is not None:
            for p in self.paths:
                p = Path(p)
                st = p.stat() if p.exists() else None
                h.update(str(p).encode())
                h.update(f"{st.st_size if st else -1}:{st.st_mtime_ns if st else -1}".encode())
        if self.images is not None:
            h.update(str(self.images.shape).encode())
            h.update(np.ascontiguousarray(self.images).tobytes())
        if self.features is not None:
            h.update(str(self.features.shape).encode())
            h.update(np.ascontiguousarray(self.features).tobytes())
        return h.hexdigest()[:24]
