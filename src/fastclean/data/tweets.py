"""WNUT-2020 Task 2: informative COVID-19 tweets, from its three TSV files."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np

from .dataset import LabelledDataset

TWEETS_DIR = "covid_tweets"
TWEETS_FILES = {"train": "train.tsv", "valid": "valid.tsv", "test": "test.tsv"}
TWEETS_CLASSES = ["INFORMATIVE", "UNINFORMATIVE"]
_HEADER = ["Id", "Text", "Label"]


def read_wnut_tsv(path: str | os.PathLike) -> tuple[list[str], list[str], list[str]]:
    """Read one WNUT-2020 TSV file into ids, texts and label names.

    Tweets contain quote characters that are *not* CSV quoting, so the file is parsed with
    ``csv.QUOTE_NONE``; default quoting silently merges rows (6 936 instead of 7 000 in
    ``train.tsv``). The header line ``Id Text Label`` is optional (only ``train.tsv`` has it).

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        If a line does not have exactly three tab-separated fields.
    """
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"tweets file not found: {path}")
    with open(path, encoding="utf-8") as fh:
        has_header = fh.readline().rstrip("\r\n").split("\t") == _HEADER
    try:
        df = pd.read_csv(
            path, sep="\t", quoting=csv.QUOTE_NONE, header=None, names=_HEADER,
            skiprows=1 if has_header else 0, dtype=str, keep_default_na=False,
            encoding="utf-8",
        )
    except pd.errors.ParserError as exc:
        raise ValueError(f"{path}: not a 3-column TSV (Id, Text, Label): {exc}") from None
    short = (df.isna().any(axis=1) | (df["Label"] == "")).to_numpy()
    if short.any():
        row = int(np.flatnonzero(short)[0])
        raise ValueError(f"{path}: data row {row + 1} has fewer than 3 tab-separated fields")
    return df["Id"].tolist(), df["Text"].tolist(), df["Label"].tolist()


def unique_ids(ids: list[str]) -> list[str]:
    """Make repeated ids unique: the second ``x`` becomes ``x#2``, the third ``x#3``.

    The WNUT files contain a few tweets twice (some in both train and test); an example's id
    must still name one row, for the review app and the corrections store.
    """
    seen: dict[str, int] = {}
    out = []
    for i in ids:
        seen[i] = seen.get(i, 0) + 1
        out.append(i if seen[i] == 1 else f"{i}#{seen[i]}")
    return out


def load_covid_tweets(root: str | os.PathLike) -> LabelledDataset:
    """Load the train (7 000), valid (1 000) and test (2 000) tweets from ``root/covid_tweets``.

    Returns
    -------
    LabelledDataset
        Modality ``"text"``, classes ``["INFORMATIVE", "UNINFORMATIVE"]``, ids the tweet ids
        (a repeated tweet gets ``#2``, see :func:`unique_ids`), rows ordered train, valid,
        test.
    """
    folder = Path(root) / TWEETS_DIR
    ids: list[str] = []
    texts: list[str] = []
    labels: list[int] = []
    splits: list[str] = []
    index = {c: i for i, c in enumerate(TWEETS_CLASSES)}
    for split, filename in TWEETS_FILES.items():
        f_ids, f_texts, f_labels = read_wnut_tsv(folder / filename)
        unknown = sorted(set(f_labels) - set(index))
        if unknown:
            raise ValueError(
                f"{folder / filename}: unknown labels {unknown[:5]}, expected {TWEETS_CLASSES}"
            )
        ids += f_ids
        texts += f_texts
        labels += [index[lab] for lab in f_labels]
        splits += [split] * len(f_ids)
    return LabelledDataset(
        name="covid-tweets",
        ids=unique_ids(ids),
        modality="text",
        classes=list(TWEETS_CLASSES),
        labels=np.asarray(labels, dtype=np.int64),
        splits=np.asarray(splits, dtype=object),
        texts=texts,
    )
