"""Builders of run directories for the review tests, written by ``fastclean.run.write_run`` from real data.

- an in-memory image run: scikit-learn's digits, 10 % of labels flipped, pred_probs from a
  cross-validated logistic regression;
- a text run: real WNUT-2020 tweets, pred_probs from a cross-validated TF-IDF + logistic
  regression, with that model saved as ``model/model.joblib``;
- an image-file run: digits written as PNG files under a dataset root.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from fastclean.run import find_from_probs, write_run

N_DIGITS = 300
N_TWEETS = 300


def _flip(labels: np.ndarray, n_classes: int, fraction: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    noisy = labels.copy()
    rows = rng.choice(len(labels), size=int(fraction * len(labels)), replace=False)
    noisy[rows] = (labels[rows] + rng.integers(1, n_classes, size=len(rows))) % n_classes
    return noisy


def _digits(n: int):
    from sklearn.datasets import load_digits

    digits = load_digits()
    return digits.images[:n].astype(np.uint8), digits.target[:n].astype(np.int64)


def _cv_probs(estimator, x, labels) -> np.ndarray:
    from sklearn.model_selection import cross_val_predict

    return cross_val_predict(estimator, x, labels, cv=3, method="predict_proba")


def make_image_run(out: Path) -> Path:
    """Digits in memory (``images.npy``), with injected noise."""
    from sklearn.linear_model import LogisticRegression

    images, truth = _digits(N_DIGITS)
    labels = _flip(truth, 10, 0.1, seed=0)
    pixels = images.reshape(len(images), -1) / 16.0
    probs = _cv_probs(LogisticRegression(max_iter=500), pixels, labels)
    result = find_from_probs(labels, probs, [str(k) for k in range(10)])
    result.ids = [f"digit-{i}" for i in range(len(labels))]
    result.splits = ["train"] * 200 + ["test"] * (len(labels) - 200)
    result.images = images
    result.is_noisy = labels != truth
    result.true_labels = truth
    result.dataset = {"name": "digits", "modality": "image", "root": None}
    return write_run(result, out)


def read_tweets(data_dir: Path, n: int) -> tuple[list[str], list[str], list[str]]:
    """The first ``n`` tweets of the WNUT-2020 test split: ids, texts, labels."""
    with open(data_dir / "covid_tweets" / "test.tsv", newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))[:n]
    return [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]


def make_text_run(out: Path, data_dir: Path, *, save_model: bool = True) -> Path:
    """Real tweets; saves the fitted TF-IDF + logistic regression as ``model/model.joblib``."""
    import joblib
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    ids, texts, names = read_tweets(data_dir, N_TWEETS)
    classes = sorted(set(names))
    labels = np.array([classes.index(c) for c in names], dtype=np.int64)
    model = make_pipeline(TfidfVectorizer(min_df=2), LogisticRegression(max_iter=500))
    probs = _cv_probs(model, texts, labels)
    result = find_from_probs(labels, probs, classes)
    result.ids = ids
    result.splits = ["test"] * len(ids)
    result.texts = texts
    result.dataset = {"name": "covid-tweets", "modality": "text", "root": None}
    run = write_run(result, out)
    if save_model:
        (run / "model").mkdir()
        joblib.dump(model.fit(texts, labels), run / "model" / "model.joblib")
    return run


def make_file_image_run(out: Path, root: Path) -> Path:
    """Digits written as PNG files under ``root/<class>/``; the run refers to them by path."""
    from PIL import Image
    from sklearn.linear_model import LogisticRegression

    images, truth = _digits(120)
    labels = _flip(truth, 10, 0.15, seed=1)
    paths = []
    for i, (image, label) in enumerate(zip(images, labels)):
        path = root / str(label) / f"{i}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.fromarray((image * 15).astype(np.uint8)).save(path)
        paths.append(str(path))
    pixels = images.reshape(len(images), -1) / 16.0
    probs = _cv_probs(LogisticRegression(max_iter=500), pixels, labels)
    result = find_from_probs(labels, probs, [str(k) for k in range(10)])
    result.ids = [str(Path(p).relative_to(root)) for p in paths]
    result.splits = ["train"] * len(paths)
    result.paths = paths
    result.dataset = {"name": str(root), "modality": "image", "root": str(root)}
    return write_run(result, out)


