"""Miniature copies of real dataset layouts, built from real digit images, for tests.

:func:`make_imagenette_like` writes an Imagenette-shaped folder (``train/<wnid>/*.JPEG``,
``val/<wnid>/*.JPEG`` and the noisy label CSV) small enough to train on in seconds, so that
``load_dataset("noisy-imagenette", data_dir=root, noise_pct=25)`` and everything downstream
can be tested without the 100 MB download.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from .imagenette import NOISE_LEVELS, VARIANTS


def _digit_images(source: str, data_dir) -> tuple[np.ndarray, np.ndarray]:
    if source == "digits":
        from .digits import load_digits_dataset
        ds = load_digits_dataset()
    elif source == "mnist-test":
        from .mnist import load_mnist_test
        from .sources import resolve_data_dir
        ds = load_mnist_test(resolve_data_dir(data_dir)[0])
    else:
        raise ValueError(f"source: expected 'digits' or 'mnist-test', got {source!r}")
    return ds.images, ds.labels


def make_imagenette_like(
    root: str | os.PathLike,
    *,
    n_per_class: int = 8,
    n_valid_per_class: int = 2,
    n_classes: int = 10,
    variant: str = "noisy-imagenette",
    size: int = 32,
    source: str = "digits",
    data_dir: str | os.PathLike | None = None,
    seed: int = 0,
) -> Path:
    """Write a miniature Noisy Imagenette (or Imagewoof) under ``root``.

    Digit ``k`` images play the role of the ``k``-th WordNet id of the variant (sorted). They
    are resized to ``size`` × ``size`` and saved as RGB JPEG. The label CSV has the real file's
    columns: ``path``, ``noisy_labels_1/5/25/50`` (uniform noise on the train rows, seeded) and
    ``is_valid`` (validation rows are never noisy, as in the original).

    Parameters
    ----------
    root : path-like
        Folder to create (may exist; existing files with the same names are overwritten).
        Pass it as ``data_dir`` to :func:`fastclean.data.load_dataset`.
    n_per_class, n_valid_per_class : int
        Training and validation images per class.
    n_classes : int
        How many of the variant's 10 classes to use (2..10).
    variant : {"noisy-imagenette", "noisy-imagewoof"}
    size : int
        Side of the square images in pixels.
    source : {"digits", "mnist-test"}
        Where the images come from; ``mnist-test`` reads ``data_dir``/``$FASTCLEAN_DATA``.
    seed : int
        Seeds the choice of images and the noisy labels.

    Returns
    -------
    Path
        ``root``.
    """
    from PIL import Image

    from ..noise import inject_noise

    if variant not in VARIANTS:
        raise ValueError(f"variant: expected one of {', '.join(VARIANTS)}, got {variant!r}")
    if not 2 <= int(n_classes) <= 10:
        raise ValueError(f"n_classes: expected 2..10, got {n_classes}")
    if n_per_class < 1 or n_valid_per_class < 0:
        raise ValueError("n_per_class must be >= 1 and n_valid_per_class >= 0")
    spec = VARIANTS[variant]
    wnids = sorted(spec.wnids)[:n_classes]
    images, labels = _digit_images(source, data_dir)
    rng = np.random.default_rng(seed)
    root = Path(root)
    rows: list[tuple[str, int, bool]] = []
    picked: dict[int, np.ndarray] = {}
    for k in range(n_classes):
        candidates = np.flatnonzero(labels == k)
        need = n_per_class + n_valid_per_class
        if len(candidates) < need:
            raise ValueError(f"n_per_class: only {len(candidates)} images of digit {k} available")
        picked[k] = rng.choice(candidates, size=need, replace=False)
    for is_valid, folder in ((False, "train"), (True, "val")):
        for k, wnid in enumerate(wnids):
            chosen = picked[k][n_per_class:] if is_valid else picked[k][:n_per_class]
            (root / folder / wnid).mkdir(parents=True, exist_ok=True)
            for j, idx in enumerate(chosen):
                rel = f"{folder}/{wnid}/{wnid}_{int(idx)}_{j}.JPEG"
                img = Image.fromarray(images[idx]).resize((size, size), Image.BILINEAR)
                img.convert("RGB").save(root / rel, quality=90)
                rows.append((rel, k, is_valid))

    true = np.asarray([k for _, k, _ in rows], dtype=np.int64)
    valid = np.asarray([v for _, _, v in rows], dtype=bool)
    columns = {}
    for pct in NOISE_LEVELS:
        noisy = true.copy()
        noisy[~valid], _ = inject_noise(true[~valid], n_classes, noise_pct=pct, seed=seed + pct)
        columns[f"noisy_labels_{pct}"] = [wnids[i] for i in noisy]
    lines = ["path," + ",".join(columns) + ",is_valid"]
    for i, (rel, _, is_valid) in enumerate(rows):
        noisy_cells = ",".join(columns[c][i] for c in columns)
        lines.append(f"{rel},{noisy_cells},{is_valid}")
    (root / spec.csv_name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root
