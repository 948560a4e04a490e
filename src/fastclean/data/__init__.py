"""Datasets: the built-ins (digits, MNIST test, COVID tweets, Noisy Imagenette/Imagewoof), image
folders and CSV/TSV files, loaded into :class:`LabelledDataset`; downloads with checksums.

Importing this package is cheap: pandas, PIL and scikit-learn are imported by the loaders that
need them. Downloading lives in :mod:`fastclean.data.download`, the built-in sources in
:mod:`fastclean.data.sources`, test fixtures in :mod:`fastclean.data.synthetic`.
"""

from .builtin import BUILTIN_DATASETS, BuiltinDataset
from .dataset import SPLITS, LabelledDataset
from .load import load_dataset
from .splits import SPLIT_CHOICES, select_split

__all__ = [
    "BUILTIN_DATASETS", "BuiltinDataset", "LabelledDataset", "SPLITS", "SPLIT_CHOICES",
    "load_dataset", "select_split",
]
