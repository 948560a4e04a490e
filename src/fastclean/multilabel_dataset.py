"""``fastclean find DATASET --multi-label``: a CSV/TSV whose label column holds label sets.

Each cell of the label column lists an example's classes joined by a separator (``--label-sep``,
default ``|``; an empty cell is the empty set). The model is one-vs-rest: for every class, a
logistic regression on word 1-2-gram TF-IDF features of the text column says whether the
class applies, and K-fold cross-validation (``KFold(folds, shuffle=True, random_state=seed)``;
the vocabulary and the idf weights are fitted on the training folds only) makes every
probability out of sample. Then the multi-label confident-learning filter runs on the label
sets and :func:`fastclean.multilabel_run.write_multilabel_run` writes the run directory.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np

from .multilabel_run import DEFAULT_SEP, _split_cell, write_multilabel_run

#: Models ``--model`` accepts for a multi-label dataset.
MULTILABEL_MODELS = ("auto", "tfidf-logreg")


def load_multilabel_table(path, *, label_col=None, text_col=None, path_col=None,
                          split_col=None, split="train", sep=DEFAULT_SEP) -> dict[str, Any]:
    """Read a CSV/TSV of texts and label sets.

    Returns
    -------
    dict
        ``labels`` (sorted class-index lists), ``classes`` (names, sorted), ``texts``, ``ids``,
        ``splits`` (of the rows kept) and ``rows`` (their data row numbers).

    Raises
    ------
    ValueError
        A missing column, image paths (not supported for multi-label yet), an empty file or
        split, fewer than two classes, or an empty separator.
    """
    from .data.splits import check_split_arg, normalize_split_name
    from .data.table import _column, read_table

    if not sep:
        raise ValueError("label_sep: must not be empty")
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"dataset file not found: {path}")
    if path_col is not None:
        raise ValueError("path_col: multi-label datasets take a text column (--text-col); "
                         "image paths are not supported with --multi-label yet")
    check_split_arg(split)
    df = read_table(path)
    label_col = _column(df, "label_col", label_col, path, default=("labels", "label", "tags"))
    if label_col is None:
        raise ValueError(f"label_col: required for {path.name}; available columns: "
                         f"{', '.join(map(str, df.columns))}")
    text_col = _column(df, "text_col", text_col, path, default=("text", "Text"))
    if text_col is None:
        raise ValueError(f"text_col: required for a multi-label {path.name}; available columns: "
                         f"{', '.join(map(str, df.columns))}")
    split_col = _column(df, "split_col", split_col, path)
    if len(df) == 0:
        raise ValueError(f"dataset {str(path)!r} is empty: the file has a header but no rows")
    if split_col is None:
        splits = np.full(len(df), "train", dtype=object)
    else:
        raw = df[split_col].tolist()
        splits = np.asarray([normalize_split_name(v) for v in raw], dtype=object)
        bad = sorted({str(v) for v, s in zip(raw, splits) if s is None})
        if bad:
            raise ValueError(f"split_col: unknown split names {bad[:5]} in column {split_col!r}")
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
    ids = df[ids_col].to_numpy()[rows] if ids_col else rows
    return {
        "labels": [sorted({index[name] for name in row}) for row in sets],
        "classes": classes,
        "texts": [str(t) for t in df[text_col].to_numpy()[rows]],
        "ids": [str(i) for i in ids],
        "splits": [str(s) for s in splits[rows]],
        "rows": rows,
    }


def _one_vs_rest(seed: int):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import make_pipeline

    return make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True),
        OneVsRestClassifier(LogisticRegression(C=4.0, max_iter=1000, random_state=seed)),
    )


def cross_validated_multilabel_probs(texts, onehot, *, folds=5, seed=0) -> np.ndarray:
    """Out-of-sample one-vs-rest probabilities, shape (N, K), by K-fold cross-validation.

    A class that every training example of a fold has (or none has) gets that constant
    probability in the held-out fold, as scikit-learn's ``OneVsRestClassifier`` does.
    """
    import warnings

    from sklearn.model_selection import KFold

    n = len(texts)
    if folds > n:
        raise ValueError(f"folds: {folds} folds for {n} examples")
    texts = np.asarray(texts, dtype=object)
    onehot = np.asarray(onehot, dtype=np.int64)
    probs = np.zeros(onehot.shape, dtype=np.float64)
    for train, held in KFold(n_splits=folds, shuffle=True, random_state=seed).split(texts):
        model = _one_vs_rest(seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "Label k is present in all examples"
            model.fit(texts[train], onehot[train])
        probs[held] = model.predict_proba(texts[held])
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

    if model not in MULTILABEL_MODELS:
        raise ValueError(f"model: {model!r} cannot predict label sets; with --multi-label use "
                         f"one of {', '.join(MULTILABEL_MODELS)}")
    started = time.perf_counter()
    data = load_multilabel_table(path, label_col=label_col, text_col=text_col,
                                 path_col=path_col, split_col=split_col, split=split, sep=sep)
    loaded = time.perf_counter()
    onehot = multilabel_onehot(data["labels"], n_classes=len(data["classes"]))
    probs = cross_validated_multilabel_probs(data["texts"], onehot, folds=folds, seed=seed)
    fitted = time.perf_counter()
    return write_multilabel_run(
        out, data["labels"], probs, data["classes"], sep=sep, filter_by=filter_by,
        rank_by=rank_by, ids=data["ids"], splits=data["splits"], texts=data["texts"],
        dataset={"name": str(path), "modality": "text", "label_col": label_col,
                 "text_col": text_col, "split": split},
        settings={"model": "tfidf-logreg one-vs-rest", "folds": folds, "seed": seed,
                  "split": split},
        timings={"load": loaded - started, "pred_probs": fitted - loaded,
                 "total": time.perf_counter() - started},
        overwrite=overwrite)
