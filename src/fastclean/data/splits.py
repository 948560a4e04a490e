"""Choosing a split of a loaded dataset, and the checks every loader shares."""

from __future__ import annotations

import numpy as np

from .dataset import SPLITS, LabelledDataset

#: Values of ``split`` that :func:`fastclean.data.load_dataset` accepts.
SPLIT_CHOICES = (*SPLITS, "all")

#: Spellings of split names found in the wild, mapped to ours.
SPLIT_ALIASES = {
    "train": "train", "training": "train",
    "valid": "valid", "val": "valid", "validation": "valid", "dev": "valid",
    "test": "test", "testing": "test",
}


def normalize_split_name(value: str) -> str | None:
    """Return ``"train"``, ``"valid"`` or ``"test"`` for a split spelling, or None if unknown."""
    return SPLIT_ALIASES.get(str(value).strip().lower())


def check_split_arg(split: str) -> str:
    """Validate the ``split`` argument of :func:`~fastclean.data.load_dataset`."""
    if not isinstance(split, str) or split not in SPLIT_CHOICES:
        raise ValueError(f"split: expected one of {', '.join(SPLIT_CHOICES)}, got {split!r}")
    return split


def check_loaded(ds: LabelledDataset) -> LabelledDataset:
    """Refuse datasets that confident learning cannot work with: empty, or a single class."""
    if len(ds) == 0:
        skipped = f" ({len(ds.skipped)} unreadable inputs were skipped)" if ds.skipped else ""
        raise ValueError(f"dataset {ds.name!r} is empty: no labelled examples found{skipped}")
    if ds.n_classes < 2:
        found = f"only {ds.classes[0]!r}" if ds.classes else "none"
        raise ValueError(
            f"dataset {ds.name!r} has a single class ({found}); finding label errors needs at "
            "least 2 classes"
        )
    return ds


def select_split(ds: LabelledDataset, split: str) -> LabelledDataset:
    """Return the examples of one split, or all of them ordered train, valid, test.

    Classes are those of the whole dataset, so label ``k`` means the same class in every split.

    Raises
    ------
    ValueError
        If ``split`` is not a valid choice, or the dataset has no example in that split.
    """
    check_split_arg(split)
    if split == "all":
        order = np.argsort([SPLITS.index(s) for s in ds.splits], kind="stable")
        if np.array_equal(order, np.arange(len(ds))):
            return ds
        return ds.subset(order)
    mask = ds.splits == split
    if not mask.any():
        present = [s for s in SPLITS if (ds.splits == s).any()]
        raise ValueError(
            f"split: dataset {ds.name!r} has no {split!r} split (it has: {', '.join(present)}; "
            "or use 'all')"
        )
    if mask.all():
        return ds
    return ds.subset(mask)


def canonical_labels(values) -> list[str]:
    """Label strings with one spelling per integer: ``1.0`` and ``1.`` become ``"1"``.

    Applied only when every value is an integral number, as when ``--labels`` is read from a
    CSV file (:func:`fastclean.arrays.load_array` turns integral floats into ints): a column
    that mixes ``1`` and ``1.0`` then holds one class, not two. Integers keep their spelling
    (``"01"`` stays a zero-padded name); other labels are unchanged.
    """
    values = [str(v).strip() for v in values]
    out = []
    for v in values:
        try:
            x = float(v)
        except ValueError:
            return values
        if x != x or x in (float("inf"), float("-inf")) or x != int(x):
            return values
        out.append(v if v.lstrip("+-").isdigit() else str(int(x)))
    return out


def class_order(values) -> list[str]:
    """Sorted distinct label values as strings: numerically when they are all integers."""
    distinct = sorted({str(v) for v in values})
    try:
        return sorted(distinct, key=int)
    except ValueError:
        return distinct


def encode_labels(values, classes: list[str]) -> np.ndarray:
    """Map label strings to their index in ``classes``."""
    index = {c: i for i, c in enumerate(classes)}
    return np.fromiter((index[str(v)] for v in values), dtype=np.int64, count=len(values))
