"""Noisy Imagenette and Noisy Imagewoof: Imagenette images with published noisy label columns.

The label file (``noisy_imagenette.csv`` / ``noisy_imagewoof.csv``) has the columns
``path, noisy_labels_1, noisy_labels_5, noisy_labels_25, noisy_labels_50, is_valid``. The clean
label is the WordNet id folder in ``path`` (``train/n01440764/…``); validation rows are never
noisy.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .dataset import LabelledDataset
from .images import check_images

#: The noise levels published as label columns.
NOISE_LEVELS = (1, 5, 25, 50)

IMAGENETTE_WNIDS = {
    "n01440764": "tench", "n02102040": "English springer", "n02979186": "cassette player",
    "n03000684": "chain saw", "n03028079": "church", "n03394916": "French horn",
    "n03417042": "garbage truck", "n03425413": "gas pump", "n03445777": "golf ball",
    "n03888257": "parachute",
}
IMAGEWOOF_WNIDS = {
    "n02086240": "Shih-Tzu", "n02087394": "Rhodesian ridgeback", "n02088364": "beagle",
    "n02089973": "English foxhound", "n02093754": "Border terrier",
    "n02096294": "Australian terrier", "n02099601": "golden retriever",
    "n02105641": "Old English sheepdog", "n02111889": "Samoyed", "n02115641": "dingo",
}


@dataclass(frozen=True)
class ImagenetteVariant:
    """Where one variant's files live and what it contains."""

    name: str          # built-in dataset name
    csv_name: str      # label file name
    folders: tuple     # image root folder names to look for, preferred first
    wnids: dict        # WordNet id → readable name

    @property
    def class_names(self) -> dict[str, str]:
        """WordNet id → readable name, for display."""
        return dict(self.wnids)


VARIANTS = {
    "noisy-imagenette": ImagenetteVariant(
        "noisy-imagenette", "noisy_imagenette.csv",
        ("imagenette2-160", "imagenette2-320", "imagenette2", "noisy_imagenette"), IMAGENETTE_WNIDS,
    ),
    "noisy-imagewoof": ImagenetteVariant(
        "noisy-imagewoof", "noisy_imagewoof.csv",
        ("imagewoof2-160", "imagewoof2-320", "imagewoof2"), IMAGEWOOF_WNIDS,
    ),
}


def check_noise_pct(noise_pct) -> int | None:
    """Validate ``noise_pct`` for the published label columns: None, 1, 5, 25 or 50."""
    if noise_pct is None:
        return None
    if isinstance(noise_pct, bool) or not isinstance(noise_pct, (int, float, np.integer,
                                                                  np.floating)):
        raise TypeError(f"noise_pct: expected a number, got {type(noise_pct).__name__}")
    if float(noise_pct) not in NOISE_LEVELS:
        raise ValueError(
            f"noise_pct: Noisy Imagenette/Imagewoof publish labels for "
            f"{', '.join(map(str, NOISE_LEVELS))} % noise only, got {noise_pct}"
        )
    return int(noise_pct)


def find_images_root(data_dir: str | os.PathLike, variant: ImagenetteVariant) -> Path | None:
    """The folder holding ``train/`` (and ``val/``) for ``variant``, or None if absent.

    ``data_dir`` may be the parent of ``imagenette2-160`` (the layout of the download cache) or
    of ``noisy_imagenette/`` (images next to the label CSV, as in ``../shared/data``), or that
    folder itself.
    """
    data_dir = Path(data_dir)
    for candidate in [data_dir / f for f in variant.folders] + [data_dir]:
        if (candidate / "train").is_dir():
            return candidate
    return None


def find_label_csv(data_dir: str | os.PathLike, variant: ImagenetteVariant,
                   images_root: Path | None) -> Path | None:
    """The label CSV: next to the images (as in the archives), else under ``noisy_imagenette/``."""
    data_dir = Path(data_dir)
    candidates = [data_dir / "noisy_imagenette" / variant.csv_name, data_dir / variant.csv_name]
    if images_root is not None:
        candidates.insert(0, images_root / variant.csv_name)
    return next((c for c in candidates if c.is_file()), None)


def _is_under_root(rel: str) -> bool:
    """True for a relative path that stays inside the folder it is relative to."""
    parts = rel.replace("\\", "/").split("/")
    return bool(rel) and not rel.startswith(("/", "\\")) and ":" not in parts[0] \
        and ".." not in parts and "" not in parts


def load_noisy_imagenette(
    data_dir: str | os.PathLike,
    variant: str = "noisy-imagenette",
    *,
    noise_pct: int | None = None,
    skip_bad: bool = False,
) -> LabelledDataset:
    """Load Noisy Imagenette or Noisy Imagewoof from a local copy.

    Parameters
    ----------
    data_dir : path-like
        Folder holding ``imagenette2-160/`` (or the images root itself).
    variant : {"noisy-imagenette", "noisy-imagewoof"}
    noise_pct : {1, 5, 25, 50}, optional
        Which published noisy label column becomes ``labels``. None gives the clean labels.
    skip_bad : bool
        Skip missing or unreadable images (recorded in ``skipped``) instead of raising.

    Returns
    -------
    LabelledDataset
        Modality ``"image"``; ``paths`` absolute, ``ids`` the CSV's relative paths; classes the
        WordNet ids (sorted); ``true_labels`` the folder labels; splits ``train``/``valid``.

    Raises
    ------
    FileNotFoundError
        If the images or the label CSV are missing, or an image is missing.
    ValueError
        If ``noise_pct`` is not a published level or has no column in the CSV, a path of the
        CSV is not under the images root, or the CSV is malformed.
    """
    import pandas as pd

    if variant not in VARIANTS:
        raise ValueError(f"variant: expected one of {', '.join(VARIANTS)}, got {variant!r}")
    spec = VARIANTS[variant]
    noise_pct = check_noise_pct(noise_pct)
    images_root = find_images_root(data_dir, spec)
    if images_root is None:
        raise FileNotFoundError(
            f"{variant}: images not found under {data_dir} (looked for "
            f"{'/, '.join(spec.folders)}/ with a train/ folder); download and extract them, or "
            "leave data_dir and FASTCLEAN_DATA unset to download into the cache"
        )
    csv_path = find_label_csv(data_dir, spec, images_root)
    if csv_path is None:
        raise FileNotFoundError(f"{variant}: label file {spec.csv_name} not found under {data_dir}")
    df = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    missing = [c for c in ["path", "is_valid"] if c not in df.columns]
    if missing:
        raise ValueError(f"{csv_path}: missing columns {missing}; has {list(df.columns)}")
    if noise_pct is not None and f"noisy_labels_{noise_pct}" not in df.columns:
        have = [c for c in df.columns if c.startswith("noisy_labels_")]
        raise ValueError(f"noise_pct: {csv_path} has no column noisy_labels_{noise_pct} "
                         f"(noisy label columns: {', '.join(have) or 'none'})")
    if len(df) == 0:
        raise ValueError(f"{csv_path}: no rows")

    rel_paths = df["path"].tolist()
    outside = next((p for p in rel_paths if not _is_under_root(p)), None)
    if outside is not None:
        raise ValueError(f"{csv_path}: path {outside!r} is not under the images root "
                         f"{images_root} (expected relative paths such as train/<wnid>/<file>)")
    clean = [p.replace("\\", "/").split("/")[-2] if "/" in p else "" for p in rel_paths]
    given = clean if noise_pct is None else df[f"noisy_labels_{noise_pct}"].tolist()
    classes = sorted(set(clean))
    if "" in classes:
        raise ValueError(f"{csv_path}: some paths have no class folder (expected split/wnid/file)")
    index = {c: i for i, c in enumerate(classes)}
    unknown = sorted(set(given) - set(index))
    if unknown:
        raise ValueError(f"{csv_path}: noisy labels {unknown[:5]} are not among the classes")
    is_valid = df["is_valid"].str.strip().str.lower()
    if not is_valid.isin(["true", "false"]).all():
        raise ValueError(f"{csv_path}: is_valid must be True or False")

    labels = np.fromiter((index[g] for g in given), dtype=np.int64, count=len(given))
    true_labels = np.fromiter((index[c] for c in clean), dtype=np.int64, count=len(clean))
    splits = np.where(is_valid.to_numpy() == "true", "valid", "train").astype(object)
    root = images_root.resolve()
    paths = [root / p for p in rel_paths]
    keep, skipped = check_images(paths, rel_paths, skip_bad=skip_bad)
    # Train rows first, then valid, as for every other dataset.
    order = np.argsort(splits == "valid", kind="stable")
    order = order[keep[order]]
    return LabelledDataset(
        name=variant,
        modality="image",
        classes=classes,
        labels=labels[order],
        ids=[rel_paths[i] for i in order],
        splits=splits[order],
        paths=[paths[i] for i in order],
        root=root,
        true_labels=true_labels[order],
        skipped=skipped,
    )
