"""``load_dataset``: one entry point for built-in names, image folders and CSV/TSV files."""

from __future__ import annotations

import os
from pathlib import Path

from .builtin import BUILTIN_DATASETS, load_builtin
from .dataset import LabelledDataset
from .splits import check_loaded, check_split_arg, select_split
from .table import TABLE_SUFFIXES, table_suffix

_TABLE_ARGS = ("label_col", "text_col", "path_col", "split_col")


def load_dataset(
    name_or_path: str | os.PathLike,
    *,
    data_dir: str | os.PathLike | None = None,
    split: str = "train",
    label_col: str | None = None,
    text_col: str | None = None,
    path_col: str | None = None,
    split_col: str | None = None,
    noise_pct: float | None = None,
    skip_bad: bool = False,
) -> LabelledDataset:
    """Load a labelled dataset by built-in name or from a path.

    Parameters
    ----------
    name_or_path : str or path-like
        A name from :data:`BUILTIN_DATASETS` (``digits``, ``mnist-test``, ``covid-tweets``,
        ``noisy-imagenette``, ``noisy-imagewoof``), a folder of class sub-folders of images
        (optionally under ``train/``, ``valid/``\\|``val/``, ``test/``), or a ``.csv``/``.tsv``
        file.
    data_dir : path-like, optional
        Local copies of the built-in datasets. Defaults to ``$FASTCLEAN_DATA``, then the
        cache ``~/.cache/fastclean/data`` (downloaded into when missing). Built-ins only.
    split : {"train", "valid", "test", "all"}
        Which examples to return; ``"all"`` concatenates train, valid and test in that order.
    label_col, text_col, path_col, split_col : str, optional
        Columns of a CSV/TSV file (see :func:`fastclean.data.table.load_table`).
    noise_pct : {1, 5, 25, 50}, optional
        ``noisy-imagenette``/``noisy-imagewoof`` only: which published noisy label column to
        use as ``labels`` (None: the clean labels). For other datasets inject noise with
        :func:`fastclean.noise.inject_noise`.
    skip_bad : bool
        Skip unreadable or missing images (their ids go to ``dataset.skipped``) instead of
        raising.

    Returns
    -------
    LabelledDataset
        Classes cover every split, so a label means the same class whichever split is asked.

    Raises
    ------
    ValueError
        Unknown dataset name (the message lists the built-ins), bad ``split``, a missing
        column, an empty dataset, a single class, an unreadable image, or ``noise_pct`` where
        it does not apply.
    FileNotFoundError
        A path or a built-in's local files that do not exist.

    Examples
    --------
    >>> ds = load_dataset("digits")
    >>> len(ds), ds.classes[:3], ds.images.shape[1:]
    (1797, ['0', '1', '2'], (8, 8))
    """
    check_split_arg(split)
    if not isinstance(skip_bad, bool):
        raise TypeError(f"skip_bad: expected a bool, got {type(skip_bad).__name__}")
    table_args = {k: v for k, v in zip(_TABLE_ARGS, (label_col, text_col, path_col, split_col))
                  if v is not None}
    name = os.fspath(name_or_path) if isinstance(name_or_path, os.PathLike) else name_or_path
    if not isinstance(name, str):
        raise TypeError(f"name_or_path: expected a str or path, got {type(name).__name__}")

    if name in BUILTIN_DATASETS and not isinstance(name_or_path, os.PathLike):
        if table_args:
            raise ValueError(f"{', '.join(table_args)}: only apply to CSV/TSV files, not {name!r}")
        ds = load_builtin(name, data_dir=data_dir, noise_pct=noise_pct, skip_bad=skip_bad)
    else:
        ds = _load_path(name, table_args, data_dir=data_dir, noise_pct=noise_pct,
                        skip_bad=skip_bad)
    return select_split(check_loaded(ds), split)


def _load_path(name: str, table_args: dict, *, data_dir, noise_pct, skip_bad) -> LabelledDataset:
    path = Path(name).expanduser()
    if not path.exists():
        names = ", ".join(BUILTIN_DATASETS)
        if os.sep in name or "/" in name or table_suffix(path) in TABLE_SUFFIXES:
            raise FileNotFoundError(f"dataset: no such file or folder: {name} (built-ins: {names})")
        raise ValueError(
            f"dataset: unknown dataset {name!r}; expected one of {names}, or a path to a folder "
            "of class sub-folders or a .csv/.tsv file"
        )
    if data_dir is not None:
        raise ValueError("data_dir: only applies to built-in datasets, not to a path")
    if noise_pct is not None:
        raise ValueError(
            "noise_pct: only selects published noisy labels of noisy-imagenette/noisy-imagewoof; "
            "use fastclean.noise.inject_noise to add noise"
        )
    if path.is_dir():
        if table_args:
            raise ValueError(f"{', '.join(table_args)}: only apply to CSV/TSV files, not folders")
        from .folder import load_image_folder
        return load_image_folder(path, skip_bad=skip_bad)
    if table_suffix(path) in TABLE_SUFFIXES:
        from .table import load_table
        return load_table(path, skip_bad=skip_bad, **table_args)
    raise ValueError(
        f"dataset: {name} is neither a folder nor a .csv/.tsv file (.csv.gz and .tsv.gz are read too)"
    )
