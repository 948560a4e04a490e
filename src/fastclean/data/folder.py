"""A folder of images in class sub-folders, optionally under train/valid/test split folders."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from .dataset import SPLITS, LabelledDataset
from .images import check_images, is_image_file
from .splits import check_loaded, class_order, encode_labels, normalize_split_name


def _subdirs(folder: Path) -> list[Path]:
    """Visible sub-folders of ``folder``, without symbolic links that loop back into the tree.

    A link to ``folder`` itself, to a folder inside it or to one of its ancestors would make a
    "class" that repeats images already counted (or the whole tree); links to folders
    elsewhere are followed like real folders.
    """
    top = folder.resolve()
    found = []
    for p in sorted(folder.iterdir()):
        if p.name.startswith(".") or not p.is_dir():
            continue
        if p.is_symlink():
            target = p.resolve()
            if target == top or top in target.parents or target in top.parents:
                continue
        found.append(p)
    return found


def _split_folders(root: Path) -> dict[str, Path] | None:
    """``{split: folder}`` if every top-level sub-folder is a split name, else None."""
    subdirs = _subdirs(root)
    named = {d: normalize_split_name(d.name) for d in subdirs}
    if not subdirs or any(s is None for s in named.values()):
        return None
    found: dict[str, Path] = {}
    for folder, split in named.items():
        if split in found:
            raise ValueError(
                f"{root}: both {found[split].name}/ and {folder.name}/ look like the {split!r} split"
            )
        found[split] = folder
    return found


def _class_images(folder: Path) -> list[tuple[str, Path]]:
    """(class name, image path) for every image in ``folder``'s class sub-folders, recursively."""
    items = []
    for class_dir in _subdirs(folder):
        for dirpath, dirnames, filenames in os.walk(class_dir):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for fn in sorted(filenames):
                if not fn.startswith(".") and is_image_file(fn):
                    items.append((class_dir.name, Path(dirpath) / fn))
    return items


def load_image_folder(path: str | os.PathLike, *, skip_bad: bool = False) -> LabelledDataset:
    """Load images laid out as ``root/<class>/<image>``, or ``root/<split>/<class>/<image>``.

    The split layout is used when every top-level sub-folder is a split name (``train``,
    ``valid``/``val``/``validation``, ``test``); otherwise all images are in split ``train``.
    Files whose suffix is not an image format are ignored; images with a known suffix that PIL
    cannot open are an error (or skipped with ``skip_bad``).

    Parameters
    ----------
    path : path-like
        The root folder.
    skip_bad : bool
        Skip unreadable images, recording their ids in ``skipped``.

    Returns
    -------
    LabelledDataset
        Modality ``"image"``; ``ids`` the paths relative to ``root``; classes the folder names
        (sorted; numerically when all are integers); rows ordered train, valid, test.

    Raises
    ------
    ValueError
        If no image is found, only one class is found, or an image cannot be read.
    """
    root = Path(path).resolve()
    if not root.is_dir():
        raise NotADirectoryError(f"not a folder: {path}")
    split_dirs = _split_folders(root)
    items: list[tuple[str, Path, str]] = []
    if split_dirs is None:
        items = [(c, p, "train") for c, p in _class_images(root)]
    else:
        for split in SPLITS:
            if split in split_dirs:
                items += [(c, p, split) for c, p in _class_images(split_dirs[split])]
    if not items:
        raise ValueError(
            f"dataset {str(path)!r} is empty: no images found in class sub-folders "
            "(expected <folder>/<class>/<image>)"
        )
    classes = class_order(c for c, _, _ in items)
    ids = [p.relative_to(root).as_posix() for _, p, _ in items]
    paths = [p for _, p, _ in items]
    keep, skipped = check_images(paths, ids, skip_bad=skip_bad)
    kept = [item for item, k in zip(items, keep) if k]
    ds = LabelledDataset(
        name=str(path),
        modality="image",
        classes=classes,
        labels=encode_labels([c for c, _, _ in kept], classes),
        ids=[i for i, k in zip(ids, keep) if k],
        splits=np.asarray([s for _, _, s in kept], dtype=object),
        paths=[p for _, p, _ in kept],
        root=root,
        skipped=skipped,
    )
    return check_loaded(ds)
