"""Run directories built from real data for the report tests.

pred_probs come from scikit-learn ``cross_val_predict`` (fast on 2 cores) on real inputs with
seeded injected noise; the run directory is written by the real ``write_run``.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

import numpy as np
import pytest

from fastclean.run import FindResult, find_from_probs, write_run


def _flip(labels: np.ndarray, n_classes: int, frac: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    noisy = labels.copy()
    rows = rng.choice(len(labels), size=int(round(frac * len(labels))), replace=False)
    noisy[rows] = (labels[rows] + rng.integers(1, n_classes, size=len(rows))) % n_classes
    return noisy


def _oof_probs(features, labels: np.ndarray, seed: int = 0) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from threadpoolctl import threadpool_limits

    model = LogisticRegression(max_iter=300)
    folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=seed)
    # One BLAS thread: on a shared 2-core machine more threads only oversubscribe (40x slower).
    with threadpool_limits(1):
        return cross_val_predict(model, features, labels, cv=folds, method="predict_proba")


def _with_truth(result: FindResult, true_labels: np.ndarray, **fields) -> FindResult:
    result.true_labels = true_labels
    result.is_noisy = result.labels != true_labels
    for name, value in fields.items():
        setattr(result, name, value)
    return result


def digits_result(noise: float = 0.15, seed: int = 0) -> FindResult:
    """sklearn's 1 797 real 8×8 digits, ``noise`` of the labels flipped, images kept in memory."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    truth = digits.target.astype(np.int64)
    labels = _flip(truth, 10, noise, seed)
    start = time.perf_counter()
    probs = _oof_probs(digits.data / 16.0, labels, seed)
    seconds = time.perf_counter() - start
    result = find_from_probs(labels, probs, [str(k) for k in range(10)])
    result.timings = {"pred_probs": seconds, **result.timings}
    images = np.round(digits.images * (255 / 16)).astype(np.uint8)
    result.settings.update({"model": "logistic-regression", "folds": 3, "noise_pct": 100 * noise,
                            "seed": seed})
    return _with_truth(
        result, truth, images=images, ids=[f"digit-{i}" for i in range(len(truth))],
        splits=["train"] * len(truth), dataset={"name": "digits", "modality": "image"},
    )


def tweets_result(data_dir: Path, n: int = 400, noise: float = 0.1, seed: int = 0) -> FindResult:
    """The first ``n`` real WNUT-2020 COVID tweets, TF-IDF + logistic regression."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    with open(data_dir / "covid_tweets" / "train.tsv", newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))[1 : n + 1]
    classes = ["INFORMATIVE", "UNINFORMATIVE"]
    ids = [r[0] for r in rows]
    texts = [r[1] for r in rows]
    truth = np.array([classes.index(r[2]) for r in rows], dtype=np.int64)
    labels = _flip(truth, 2, noise, seed)
    features = TfidfVectorizer(min_df=2, sublinear_tf=True).fit_transform(texts)
    result = find_from_probs(labels, _oof_probs(features, labels, seed), classes)
    result.settings.update({"model": "tfidf-logistic-regression", "folds": 3})
    return _with_truth(
        result, truth, texts=texts, ids=ids, splits=["train"] * n,
        dataset={"name": "covid-tweets", "modality": "text"},
    )


@pytest.fixture(scope="session")
def digits_run(tmp_path_factory) -> Path:
    """A real run directory: digits, 15 % injected noise, images in ``images.npy``."""
    return write_run(digits_result(), tmp_path_factory.mktemp("runs") / "digits")


@pytest.fixture(scope="session")
def tweets_run(tmp_path_factory, data_dir) -> Path:
    """A real run directory: 400 COVID tweets, 10 % injected noise, texts in the CSVs."""
    return write_run(tweets_result(data_dir), tmp_path_factory.mktemp("runs") / "tweets")


def synthetic_result(n: int, n_classes: int = 10, *, noise: float = 0.2, seed: int = 0,
                     classes: list[str] | None = None, **fields) -> FindResult:
    """A synthetic run of ``n`` rows (for size/speed and escaping checks), truth known."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, n_classes, size=n)
    alpha = np.full(n_classes, 0.3)
    probs = rng.dirichlet(alpha, size=n)
    probs[np.arange(n), truth] += 1.5  # the model mostly knows the true class
    probs /= probs.sum(1, keepdims=True)
    labels = _flip(truth, n_classes, noise, seed)
    names = classes if classes is not None else [f"class {k}" for k in range(n_classes)]
    result = find_from_probs(labels, probs, names)
    result.settings.update({"model": "synthetic", "folds": 5})
    return _with_truth(result, truth, dataset={"name": "synthetic", "modality": "array"}, **fields)


def bench_rows(seed: int = 0) -> list[dict]:
    """Rows shaped like ``fastclean bench``'s results.csv: a 0 % reference, then per noise level
    a baseline row (no filter_by) and one row per (filter_by, CL strategy), detection repeated."""
    rng = np.random.default_rng(seed)
    rows = [dict(dataset="digits", noise_pct=0, loss="ce", filter_by="", strategy="baseline",
                 n_train=1437, n_actual_noisy=0, clean_val_accuracy=0.96, seconds=2.0)]
    for noise in (1, 5, 25, 50):
        n_noisy = int(14.37 * noise)
        rows.append(dict(dataset="digits", noise_pct=noise, loss="ce", filter_by="",
                         strategy="baseline", n_train=1437, n_actual_noisy=n_noisy,
                         clean_val_accuracy=0.96 - noise / 120, seconds=2.0))
        for filter_by, p in (("both", 0.95), ("prune_by_noise_rate", 0.9)):
            det = dict(n_flagged=int(n_noisy * 1.05), precision=p - noise / 300,
                       recall=0.85 - noise / 500, f1=0.85 - noise / 400)
            for strategy, gain in (("prune", 0.02), ("label-smoothing", 0.005), ("pseudo-label", 0.03)):
                acc = 0.96 - noise / 120 + gain * noise / 25 + rng.normal(0, 0.003)
                rows.append(dict(dataset="digits", noise_pct=noise, loss="ce", filter_by=filter_by,
                                 strategy=strategy, n_train=1437, n_actual_noisy=n_noisy,
                                 clean_val_accuracy=acc, seconds=2.5, n_kept=1437 - n_noisy, **det))
    return rows
