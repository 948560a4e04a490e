"""``fastclean find DATASET --multi-label``: a CSV/TSV whose label column holds label sets.

Each cell of the label column lists an example's classes joined by a separator (``--label-sep``,
default ``|``; an empty cell is the empty set). The model is one-vs-rest: for every class, a
logistic regression says whether the class applies, on word 1-2-gram TF-IDF features of the
text column, or on EfficientNet-Lite0 features (cached, as for single-label runs) of the image
files named in the path column. K-fold cross-validation (``KFold(folds, shuffle=True,
random_state=seed)``; the vocabulary, idf weights and feature scaling are fitted on the
training folds only) makes every probability out of sample. Then the multi-label
confident-learning filter runs on the label sets and
:func:`fastclean.multilabel_run.write_multilabel_run` writes the run directory.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import numpy as np

from .multilabel_run import DEFAULT_SEP, _split_cell, write_multilabel_run

#: Models ``--model`` accepts for a multi-label dataset: text, image.
MULTILABEL_MODELS = {"text": ("auto", "tfidf-logreg"), "image": ("auto", "efficientnet-lite0")}


def load_multilabel_table(path, *, label_col=None, text_col=None, path_col=None,
                          split_col=None, split="train", sep=DEFAULT_SEP) -> dict[str, Any]:
    """Read a CSV/TSV of texts (or image paths) and label sets.

    Returns
    -------
    dict
        ``labels`` (sorted class-index lists), ``classes`` (names, sorted), ``modality``,
        ``texts`` or ``paths`` (absolute, relative ones resolved against the file's folder)
        with ``root``, ``ids``, ``splits`` (of the rows kept) and ``rows`` (their data row
        numbers).

    Raises
    ------
    ValueError
        A missing column, both a text and a path column, an unreadable image, an empty file
        or split, fewer than two classes, or an empty separator.
    """
    from .data.splits import check_split_arg
    from .data.table import _column, read_table, split_names

    if not sep:
        raise ValueError("label_sep: must not be empty")
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"dataset file not found: {path}")
    if text_col is not None and path_col is not None:
        raise ValueError("text_col and path_col: give one, not both")
    check_split_arg(split)
    df = read_table(path)
    label_col = _column(df, "label_col", label_col, path, default=("labels", "label", "tags"))
    if label_col is None:
        raise ValueError(f"label_col: required for {path.name}; available columns: "
                         f"{', '.join(map(str, df.columns))}")
    text_col = _column(df, "text_col", text_col, path,
                       default=("text", "Text") if path_col is None else ())
    path_col = _column(df, "path_col", path_col, path,
                       default=("path", "image", "file") if text_col is None else ())
    if text_col is None and path_col is None:
        raise ValueError(f"text_col or path_col: required for {path.name}; available columns: "
                         f"{', '.join(map(str, df.columns))}")
    split_col = _column(df, "split_col", split_col, path)
    if len(df) == 0:
        raise ValueError(f"dataset {str(path)!r} is empty: the file has a header but no rows")
    splits = split_names(df, split_col)
    rows = np.arange(len(df)) if split == "all" else np.flatnonzero(splits == split)
    if not len(rows):
        raise ValueError(f"split: no example of {path.name} is in split {split!r}")
    sets = [_split_cell(str(cell), sep) for cell in df[label_col].to_numpy()[rows]]
    classes = sorted({name for row in sets for name in row})
    if len(classes) < 2:
        raise ValueError(f"label_col: {path.name} names {len(classes)} class(es) in {label_col!r} "
                         f"with --label-sep {sep!r}; finding label errors needs at least 2")
    index = {name: i for i, name in enumerate(classes)}
    ids_col = next((c for c in ("id", "Id", "ID") if c in df.columns and df[c].is_unique), None)
    ids = [str(i) for i in (df[ids_col].to_numpy()[rows] if ids_col else rows)]
    out = {
        "labels": [sorted({index[name] for name in row}) for row in sets],
        "classes": classes,
        "ids": ids,
        "splits": [str(s) for s in splits[rows]],
        "rows": rows,
    }
    if text_col is not None:
        out.update(modality="text", texts=[str(t) for t in df[text_col].to_numpy()[rows]])
        return out
    from .data.images import check_images

    folder = path.parent.resolve()
    paths = [(folder / str(p).strip()).resolve() for p in df[path_col].to_numpy()[rows]]
    check_images(paths, ids, skip_bad=False)
    root = folder if all(folder in p.parents for p in paths) else Path(
        os.path.commonpath([str(p.parent) for p in paths]))
    out.update(modality="image", paths=[str(p) for p in paths], root=str(root))
    return out


def _one_vs_rest(seed: int):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import make_pipeline

    return make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True),
        OneVsRestClassifier(LogisticRegression(C=4.0, max_iter=1000, random_state=seed)),
    )


def _image_one_vs_rest(seed: int):
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), OneVsRestClassifier(
        LogisticRegression(C=0.1, max_iter=2000, random_state=seed)))


def image_features(data: dict, *, cache_dir=None, progress: bool = True) -> np.ndarray:
    """EfficientNet-Lite0 features (N, 1280) of the images of :func:`load_multilabel_table`."""
    from .data.dataset import LabelledDataset
    from .models.features import cached_features
    from .models.image_features import EfficientNetLite0Extractor

    n = len(data["paths"])
    dataset = LabelledDataset(name=str(data["root"]), modality="image",
                              classes=list(data["classes"]), labels=np.zeros(n, dtype=np.int64),
                              ids=list(data["ids"]),
                              splits=np.asarray(data["splits"], dtype=object),
                              paths=[Path(p) for p in data["paths"]], root=Path(data["root"]))
    return cached_features(EfficientNetLite0Extractor(), dataset, cache_dir=cache_dir,
                           progress=progress)


def cross_validated_multilabel_probs(inputs, onehot, *, folds=5, seed=0,
                                     modality="text") -> np.ndarray:
    """Out-of-sample one-vs-rest probabilities, shape (N, K), by K-fold cross-validation.

    ``inputs`` are texts (``modality="text"``) or feature rows (``"image"``). A class that
    every training example of a fold has (or none has) gets that constant probability in the
    held-out fold, as scikit-learn's ``OneVsRestClassifier`` does.
    """
    import warnings

    from sklearn.model_selection import KFold

    n = len(inputs)
    if folds > n:
        raise ValueError(f"folds: {folds} folds for {n} examples")
    inputs = np.asarray(inputs, dtype=object) if modality == "text" else np.asarray(inputs)
    make = _one_vs_rest if modality == "text" else _image_one_vs_rest
    onehot = np.asarray(onehot, dtype=np.int64)
    probs = np.zeros(onehot.shape, dtype=np.float64)
    for train, held in KFold(n_splits=folds, shuffle=True, random_state=seed).split(inputs):
        model = make(seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "Label k is present in all examples"
            model.fit(inputs[train], onehot[train])
        probs[held] = model.predict_proba(inputs[held])
    return probs


def find_multilabel_in_table(path, out, *, label_col=None, text_col=None, path_col=None,
                             split_col=None, split="train", sep=DEFAULT_SEP, model="auto",
                             folds=5, seed=0, filter_by="prune_by_noise_rate",
                             rank_by="self_confidence", overwrite=False) -> dict:
    """Load a multi-label CSV/TSV, cross-validate a one-vs-rest model, write the run ``out``.

    Returns
    -------
    dict
        The summary written to ``summary.json``.
    """
    from .core.multilabel import multilabel_onehot

    known = sorted({m for names in MULTILABEL_MODELS.values() for m in names})
    if model not in known:
        raise ValueError(f"model: {model!r} cannot predict label sets; with --multi-label use "
                         f"one of {', '.join(known)}")
    started = time.perf_counter()
    data = load_multilabel_table(path, label_col=label_col, text_col=text_col,
                                 path_col=path_col, split_col=split_col, split=split, sep=sep)
    modality = data["modality"]
    if model not in MULTILABEL_MODELS[modality]:
        raise ValueError(f"model: {model!r} does not read {modality}; use one of "
                         f"{', '.join(MULTILABEL_MODELS[modality])}")
    loaded = time.perf_counter()
    onehot = multilabel_onehot(data["labels"], n_classes=len(data["classes"]))
    inputs = data["texts"] if modality == "text" else image_features(data)
    featured = time.perf_counter()
    probs = cross_validated_multilabel_probs(inputs, onehot, folds=folds, seed=seed,
                                             modality=modality)
    fitted = time.perf_counter()
    name = "tfidf-logreg" if modality == "text" else "efficientnet-lite0"
    dataset = {"name": str(path), "modality": modality, "label_col": label_col, "split": split}
    if modality == "image":
        dataset["root"] = data["root"]
    return write_multilabel_run(
        out, data["labels"], probs, data["classes"], sep=sep, filter_by=filter_by,
        rank_by=rank_by, ids=data["ids"], splits=data["splits"], texts=data.get("texts"),
        paths=data.get("paths"), dataset=dataset,
        settings={"model": f"{name} one-vs-rest", "folds": folds, "seed": seed,
                  "split": split},
        timings={"load": loaded - started, "features": featured - loaded,
                 "pred_probs": fitted - featured,
                 "total": time.perf_counter() - started},
        overwrite=overwrite)
