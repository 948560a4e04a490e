"""The built-in datasets, by name."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Callable

from .dataset import LabelledDataset


@dataclass(frozen=True)
class BuiltinDataset:
    """A dataset fastclean knows how to obtain and load by name."""

    name: str
    modality: str
    splits: tuple[str, ...]
    description: str
    loader: Callable[..., LabelledDataset]
    needs_files: bool = True        # False for data shipped with a dependency (digits)
    published_noise: bool = False   # noise_pct selects a published noisy label column


def _digits(root, *, noise_pct, skip_bad):
    from .digits import load_digits_dataset
    return load_digits_dataset()


def _mnist(root, *, noise_pct, skip_bad):
    from .mnist import load_mnist_test
    return load_mnist_test(root)


def _tweets(root, *, noise_pct, skip_bad):
    from .tweets import load_covid_tweets
    return load_covid_tweets(root)


def _imagenette(variant: str):
    def load(root, *, noise_pct, skip_bad):
        from .imagenette import load_noisy_imagenette
        return load_noisy_imagenette(root, variant, noise_pct=noise_pct, skip_bad=skip_bad)
    return load


#: Built-in datasets by name. Iterating gives the names.
BUILTIN_DATASETS: dict[str, BuiltinDataset] = {
    "digits": BuiltinDataset(
        "digits", "image", ("train",),
        "scikit-learn's 1 797 handwritten digits, 8×8 grayscale (bundled, no download)",
        _digits, needs_files=False,
    ),
    "mnist-test": BuiltinDataset(
        "mnist-test", "image", ("train",),
        "the 10 000 MNIST test images, 28×28 grayscale (searched as one 'train' split)",
        _mnist,
    ),
    "covid-tweets": BuiltinDataset(
        "covid-tweets", "text", ("train", "valid", "test"),
        "WNUT-2020 Task 2 informative COVID-19 tweets, 7 000 / 1 000 / 2 000",
        _tweets,
    ),
    "noisy-imagenette": BuiltinDataset(
        "noisy-imagenette", "image", ("train", "valid"),
        "Imagenette 160 px with published 1/5/25/50 % noisy labels (10 easy ImageNet classes)",
        _imagenette("noisy-imagenette"), published_noise=True,
    ),
    "noisy-imagewoof": BuiltinDataset(
        "noisy-imagewoof", "image", ("train", "valid"),
        "Imagewoof 160 px with published 1/5/25/50 % noisy labels (10 dog breeds)",
        _imagenette("noisy-imagewoof"), published_noise=True,
    ),
}


def load_builtin(
    name: str,
    *,
    data_dir: str | os.PathLike | None = None,
    noise_pct=None,
    skip_bad: bool = False,
) -> LabelledDataset:
    """Load every split of built-in dataset ``name``, obtaining its files first if needed."""
    spec = BUILTIN_DATASETS[name]
    if noise_pct is not None and not spec.published_noise:
        raise ValueError(
            f"noise_pct: only noisy-imagenette and noisy-imagewoof have published noisy labels; "
            f"to add noise to {name!r}, use fastclean.noise.inject_noise"
        )
    if spec.published_noise:
        from .imagenette import check_noise_pct
        noise_pct = check_noise_pct(noise_pct)  # before any file is looked for or downloaded
    root = None
    if spec.needs_files:
        from .sources import ensure_dataset_files
        root = ensure_dataset_files(name, data_dir)
    return spec.loader(root, noise_pct=noise_pct, skip_bad=skip_bad)
