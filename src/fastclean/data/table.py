"""A CSV or TSV file with a label column and a text or image-path column."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np

from .dataset import LabelledDataset
from .images import check_images
from .splits import canonical_labels, check_loaded, class_order, encode_labels, normalize_split_name

TABLE_SUFFIXES = (".csv", ".tsv")
_ID_COLUMNS = ("id", "Id", "ID")


def table_suffix(path: str | os.PathLike) -> str:
    """``.csv`` or ``.tsv`` for ``x.csv``, ``x.TSV``, ``x.csv.gz``…; otherwise the plain suffix."""
    suffixes = [s.lower() for s in Path(path).suffixes]
    if len(suffixes) >= 2 and suffixes[-1] == ".gz" and suffixes[-2] in TABLE_SUFFIXES:
        return suffixes[-2]
    return Path(path).suffix.lower()


def read_table(path: str | os.PathLike):
    """Read a .csv (standard quoting) or .tsv (no quoting) file as strings, nothing as NaN.

    TSV files are read with ``csv.QUOTE_NONE``: in tab-separated text, quote characters are
    content (tweets are full of them), and treating them as quoting silently merges rows.
    A gzip-compressed file (``.csv.gz``, or gzip content whatever the name) is read as is.
    """
    import pandas as pd

    from ..arrays import is_gzip

    path = Path(path)
    tsv = table_suffix(path) == ".tsv"
    try:
        return pd.read_csv(
            path, sep="\t" if tsv else ",", quoting=csv.QUOTE_NONE if tsv else csv.QUOTE_MINIMAL,
            dtype=str, keep_default_na=False, encoding="utf-8",
            compression="gzip" if is_gzip(path) else None,
        )
    except pd.errors.EmptyDataError:
        raise ValueError(f"dataset {str(path)!r} is empty: the file has no header and no rows")
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: cannot parse as {'TSV' if tsv else 'CSV'}: {exc}") from None


def _column(df, arg: str, name: str | None, path: Path, *, default: tuple = ()) -> str | None:
    """Resolve a column argument; with ``name`` None, take the first of ``default`` present."""
    if name is None:
        return next((c for c in default if c in df.columns), None)
    if name not in df.columns:
        raise ValueError(
            f"{arg}: column {name!r} not found in {path.name}; available columns: "
            f"{', '.join(map(str, df.columns))}{_tab_hint(df, path)}"
        )
    return name


def _tab_hint(df, path: Path) -> str:
    """A hint when a file read as CSV has tabs in its header: it is a TSV with the wrong name."""
    if table_suffix(path) == ".csv" and any("\t" in str(c) for c in df.columns):
        return f" ({path.name} looks tab-separated: name it .tsv)"
    return ""


def load_table(
    path: str | os.PathLike,
    *,
    label_col: str | None = None,
    text_col: str | None = None,
    path_col: str | None = None,
    split_col: str | None = None,
    skip_bad: bool = False,
) -> LabelledDataset:
    """Load a labelled CSV/TSV: text examples (``text_col``) or image files (``path_col``).

    Parameters
    ----------
    path : path-like
        A ``.csv`` or ``.tsv`` file with a header row.
    label_col : str, optional
        The label column; defaults to a column named ``label``.
    text_col, path_col : str, optional
        Exactly one: the text of each example, or the path of its image (relative paths are
        resolved against the file's folder). Without either, a column named ``text`` or
        ``path`` is used.
    split_col : str, optional
        A column of split names (``train``, ``valid``/``val``/``dev``, ``test``). Without it,
        every row is in split ``train``.
    skip_bad : bool
        Skip unreadable images, recording their ids in ``skipped``.

    Returns
    -------
    LabelledDataset
        Ids from an ``id`` column when it exists and is unique, else the data row numbers
        (0-based); for images, the paths as written in the file.

    Raises
    ------
    ValueError
        A missing column (named, with the available ones), empty labels, unknown split
        names, an empty file, a single class, or an unreadable image.
    """
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"dataset file not found: {path}")
    df = read_table(path)
    if text_col is not None and path_col is not None:
        raise ValueError("text_col and path_col: give one, not both")
    label_col = _column(df, "label_col", label_col, path, default=("label", "Label", "labels"))
    if label_col is None:
        raise ValueError(
            f"label_col: required for {path.name} (no column named 'label'); available "
            f"columns: {', '.join(map(str, df.columns))}{_tab_hint(df, path)}"
        )
    text_col = _column(df, "text_col", text_col, path,
                       default=("text", "Text") if path_col is None else ())
    path_col = _column(df, "path_col", path_col, path,
                       default=("path", "image", "file") if text_col is None else ())
    if text_col is None and path_col is None:
        raise ValueError(
            f"text_col or path_col: required for {path.name}; available columns: "
            f"{', '.join(map(str, df.columns))}"
        )
    split_col = _column(df, "split_col", split_col, path)
    if len(df) == 0:
        raise ValueError(f"dataset {str(path)!r} is empty: the file has a header but no rows")

    label_values = df[label_col].str.strip()
    empty = np.flatnonzero((label_values == "").to_numpy())
    if not len(empty):
        label_values = pd.Series(canonical_labels(label_values), index=label_values.index)
    if len(empty):
        raise ValueError(
            f"label_col: {len(empty)} rows of {path.name} have an empty {label_col!r} "
            f"(first: data row {empty[0]})"
        )
    splits = split_names(df, split_col)
    id_col = next((c for c in _ID_COLUMNS if c in df.columns and df[c].is_unique), None)
    ids = df[id_col].tolist() if id_col else [str(i) for i in range(len(df))]
    classes = class_order(label_values)

    texts = paths = root = None
    keep = np.ones(len(df), dtype=bool)
    skipped: list[str] = []
    if text_col is not None:
        modality = "text"
        texts = df[text_col].tolist()
    else:
        modality = "image"
        folder = path.parent.resolve()
        written = df[path_col].str.strip().tolist()
        paths = [(folder / p).resolve() for p in written]
        if id_col is None:
            ids = written
        keep, skipped = check_images(paths, ids, skip_bad=skip_bad)
        kept_paths = [p for p, k in zip(paths, keep) if k]
        if kept_paths and all(folder in p.parents for p in kept_paths):
            root = folder
        elif kept_paths:
            root = Path(os.path.commonpath([str(p.parent) for p in kept_paths]))
    rows = np.flatnonzero(keep)
    ds = LabelledDataset(
        name=str(path),
        modality=modality,
        classes=classes,
        labels=encode_labels(label_values.to_numpy()[rows], classes),
        ids=[str(ids[i]) for i in rows],
        splits=splits[rows],
        texts=[texts[i] for i in rows] if texts is not None else None,
        paths=[paths[i] for i in rows] if paths is not None else None,
        root=root,
        skipped=skipped,
    )
    return check_loaded(ds)


def split_names(df: object, split_col: str | None) -> np.ndarray:
    """Each row's split (``train``/``valid``/``test``) from ``split_col``; all ``train`` without one.

    Raises
    ------
    ValueError
        If ``split_col`` holds a name that is not a known spelling of a split.
    """
    if split_col is None:
        return np.full(len(df), "train", dtype=object)
    raw = df[split_col].tolist()
    splits = np.asarray([normalize_split_name(v) for v in raw], dtype=object)
    bad = sorted({str(v) for v, s in zip(raw, splits) if s is None})
    if bad:
        raise ValueError(
            f"split_col: unknown split names {bad[:5]} in column {split_col!r}; expected "
            "train, valid (val, validation, dev) or test"
        )
    return splits
