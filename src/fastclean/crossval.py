"""Out-of-sample predicted probabilities: stratified K-fold, with a per-fold disk cache.

Confident learning needs every example scored by a model that never trained on it. Each
finished fold's predictions are written atomically under
``<cache root>/folds/<key>/fold<i>of<k>.npy``, keyed by the inputs, the labels, the model
configuration, the number of folds and the seed; a run killed at any point (even SIGKILL)
resumes with the folds it had finished and gives exactly the result of an uninterrupted run,
because fold ``i`` always trains with seed ``seed + i`` on the same rows.

Every fold is fitted single-threaded (:data:`~fastclean.models.threads.NUMERIC_THREADS`), so
the result does not depend on ``FASTCLEAN_THREADS`` or the load; when more cores are free the
folds run side by side in single-threaded processes instead.
"""

from __future__ import annotations

import os

import numpy as np

from .data.dataset import LabelledDataset
from .models.base import Model, take_rows
from .models.cache import array_digest, cache_root, digest, load_fitted, load_npy, save_fitted, save_npy
from .models.registry import get_model
from .models.threads import NUMERIC_THREADS, limited_threads, model_threads, single_threaded_pool

FOLDS_VERSION = "2"  # 2: folds fitted single-threaded, whatever the thread setting
SPLIT_VERSION = "1"  # fit_predict_split's cache (fitted model + test probabilities)


def _check_dataset(dataset: LabelledDataset, argument: str) -> None:
    if not isinstance(dataset, LabelledDataset):
        raise TypeError(f"{argument}: expected a LabelledDataset, got {type(dataset).__name__}")
    if len(dataset) == 0:
        raise ValueError(f"{argument}: dataset {dataset.name!r} is empty")
    labels = dataset.labels
    if labels.min() < 0 or labels.max() >= dataset.n_classes:
        raise ValueError(f"{argument}: labels must lie in [0, {dataset.n_classes}) "
                         f"(the number of classes), found {labels.min()}..{labels.max()}")


def stratified_folds(labels: np.ndarray, folds: int, seed: int) -> list[np.ndarray]:
    """Held-out rows of each of ``folds`` stratified, shuffled folds (sorted indices)."""
    from sklearn.model_selection import StratifiedKFold

    skf = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    return [np.sort(test) for _, test in skf.split(np.zeros(len(labels)), labels)]


def _check_class_sizes(dataset: LabelledDataset, folds: int) -> None:
    counts = np.bincount(dataset.labels, minlength=dataset.n_classes)
    small = [(dataset.classes[k], int(c)) for k, c in enumerate(counts) if 0 < c < folds]
    if small:
        listed = ", ".join(f"{name!r} ({c})" for name, c in small)
        raise ValueError(
            f"folds: {folds}-fold cross-validation needs at least {folds} examples per class; "
            f"too few for {listed}. Use fewer folds, or drop or merge these classes"
        )
    if np.count_nonzero(counts) < 2:
        raise ValueError(f"dataset {dataset.name!r}: labels hold a single class; "
                         "finding label issues needs at least two")


def fold_cache_dir(dataset: LabelledDataset, model: Model, *, folds: int, seed: int,
                   cache_dir: str | os.PathLike | None = None):
    """The folder where :func:`cross_val_pred_probs` keeps the finished folds of this run."""
    key = digest(FOLDS_VERSION, dataset.content_hash(), array_digest(dataset.labels),
                 dataset.n_classes, model.cache_key, folds, seed, f"threads{NUMERIC_THREADS}")
    return cache_root(cache_dir) / "folds" / key


def cross_val_pred_probs(
    dataset: LabelledDataset,
    model: str | Model = "auto",
    *,
    folds: int = 5,
    seed: int = 0,
    cache_dir: str | os.PathLike | None = None,
    progress: bool = True,
    fold_runner=None,
) -> np.ndarray:
    """Out-of-sample predicted probabilities for every example, by stratified K-fold.

    Each example is scored by a model fitted on the other ``folds - 1`` folds. Finished folds
    are cached on disk, so an interrupted run resumes where it stopped.

    Parameters
    ----------
    dataset : LabelledDataset
        Inputs and given labels.
    model : str or Model
        A name from :data:`fastclean.models.MODEL_NAMES` (``"auto"`` chooses by modality)
        or a :class:`~fastclean.models.Model`.
    folds : int
        Number of folds, at least 2.
    seed : int
        Seeds the fold split and each fold's training (fold ``i`` uses ``seed + i``).
    cache_dir : path, optional
        Cache root for features and folds (default ``$FASTCLEAN_CACHE`` or
        ``~/.cache/fastclean``).
    progress : bool
        Show rich progress bars for feature extraction and folds.
    fold_runner : callable, optional
        ``fold_runner(fit_fold, jobs)`` returns ``[fit_fold(**job) for job in jobs]`` in
        order, wherever it likes (``fastclean.scale`` runs them as Dask tasks); default: here,
        one after the other. Each job writes its fold's cache file, so results and caches
        are the same either way.

    Returns
    -------
    ndarray of float64, shape (N, K)
        Row ``i`` is the held-out probability of each class for example ``i``; K is
        ``dataset.n_classes``.

    Raises
    ------
    ValueError
        ``folds`` < 2 or larger than the dataset, an empty or single-class dataset, labels out
        of range, or a class with fewer than ``folds`` examples (named in the message).
    TypeError
        ``dataset`` is not a LabelledDataset.

    Examples
    --------
    >>> probs = cross_val_pred_probs(dataset, "cnn", folds=5, seed=0)  # doctest: +SKIP
    """
    _check_dataset(dataset, "dataset")
    if isinstance(folds, bool) or not isinstance(folds, (int, np.integer)) or folds < 2:
        raise ValueError(f"folds: expected an int >= 2, got {folds!r}")
    if folds > len(dataset):
        raise ValueError(f"folds: {folds} folds need at least {folds} examples, "
                         f"dataset {dataset.name!r} has {len(dataset)}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed: expected a non-negative int, got {seed!r}")
    _check_class_sizes(dataset, folds)
    model = get_model(model, dataset)

    held_out = stratified_folds(dataset.labels, folds, seed)
    where = fold_cache_dir(dataset, model, folds=folds, seed=seed, cache_dir=cache_dir)
    n_classes = dataset.n_classes
    pred_probs = np.full((len(dataset), n_classes), np.nan)
    todo = []
    for i, rows in enumerate(held_out):
        cached = load_npy(where / f"fold{i}of{folds}.npy")
        if cached is not None and cached.shape == (len(rows), n_classes):
            pred_probs[rows] = cached
        else:
            todo.append(i)
    if todo:
        from .models.features import progress_bar

        with limited_threads():
            inputs = model.prepare(dataset, cache_dir=cache_dir, progress=progress)
        jobs = {i: dict(model=model, inputs=inputs, labels=dataset.labels, test=held_out[i],
                        n_classes=n_classes, seed=int(seed) + i,
                        path=where / f"fold{i}of{folds}.npy") for i in todo}
        if fold_runner is not None:
            for i, probs in zip(todo, fold_runner(fit_fold, list(jobs.values()))):
                pred_probs[held_out[i]] = probs
            return pred_probs
        workers = min(model_threads(), len(todo))
        with progress_bar(f"{model.name}: {folds}-fold cross-validation", folds, progress) as advance:
            advance(folds - len(todo))
            if workers > 1:  # folds side by side, each in its own single-threaded process
                from concurrent.futures import as_completed

                with single_threaded_pool(workers) as pool:
                    futures = {pool.submit(fit_fold, **jobs[i]): i for i in todo}
                    for future in as_completed(futures):
                        pred_probs[held_out[futures[future]]] = future.result()
                        advance(1)
            else:
                for i in todo:
                    pred_probs[held_out[i]] = fit_fold(**jobs[i])
                    advance(1)
    return pred_probs


def fit_fold(*, model: Model, inputs, labels: np.ndarray, test: np.ndarray, n_classes: int,
             seed: int, path) -> np.ndarray:
    """Fit ``model`` on every row but ``test``, score ``test``, cache the fold at ``path``.

    Runs single-threaded (:func:`~fastclean.models.threads.limited_threads`), wherever it runs,
    so the fold's numbers do not depend on the process, the thread setting or the load.

    Returns
    -------
    ndarray of float64, shape (len(test), n_classes)
    """
    train = np.setdiff1d(np.arange(len(labels)), test, assume_unique=True)
    with limited_threads():
        model.fit(take_rows(inputs, train), labels[train], n_classes=n_classes, seed=seed)
        probs = _normalise(model.predict_proba(take_rows(inputs, test)), model.name)
    save_npy(path, probs)
    return probs


def split_cache_dir(train: LabelledDataset, test: LabelledDataset, model: Model, *, seed: int,
                    cache_dir: str | os.PathLike | None = None):
    """The folder where :func:`fit_predict_split` keeps its fitted model and test probabilities.

    Keyed by everything that determines them: the training inputs and labels, the test inputs
    (never their labels, which the model does not see), the classes, the model's name, version
    and parameters, the seed and the thread setting of the numerics.
    """
    key = digest(SPLIT_VERSION, train.content_hash(), array_digest(train.labels), test.content_hash(),
                 train.n_classes, model.cache_key, seed, f"threads{NUMERIC_THREADS}")
    return cache_root(cache_dir) / "split" / key


def fit_predict_split(
    train: LabelledDataset,
    test: LabelledDataset,
    model: str | Model = "auto",
    *,
    seed: int = 0,
    cache_dir: str | os.PathLike | None = None,
    progress: bool = True,
    return_model: bool = False,
):
    """Fit on ``train`` and return predicted probabilities for ``test``.

    For datasets with a training split (covid tweets: fit on train + valid, score test), this
    scores the test set out of sample with all the training data.

    The fitted model and the test probabilities are cached on disk
    (:func:`split_cache_dir`), each written atomically as soon as it exists: a rerun neither
    fits nor scores, and a run killed after the fit resumes by scoring.

    Parameters
    ----------
    train, test : LabelledDataset
        Must have the same ``classes``.
    model : str or Model
        As in :func:`cross_val_pred_probs`; ``"auto"`` chooses from ``train``.
    seed : int
    cache_dir : path, optional
    progress : bool
    return_model : bool
        Also return the fitted model (loaded from the cache when the run is cached).

    Returns
    -------
    probs : ndarray of float64, shape (len(test), K)
    model : Model
        Fitted on ``train``; only with ``return_model=True``.

    Raises
    ------
    ValueError
        Empty datasets, different class lists, or a single class in ``train``.
    """
    _check_dataset(train, "train")
    _check_dataset(test, "test")
    if list(train.classes) != list(test.classes):
        raise ValueError("test: its classes differ from train's "
                         f"({list(test.classes)[:5]} vs {list(train.classes)[:5]})")
    if len(np.unique(train.labels)) < 2:
        raise ValueError(f"train: dataset {train.name!r} holds a single class")
    model = get_model(model, train)
    where = split_cache_dir(train, test, model, seed=seed, cache_dir=cache_dir)
    probs = load_npy(where / "test-probs.npy")
    if probs is not None and probs.shape != (len(test), train.n_classes):
        probs = None
    if probs is not None and not return_model:
        return probs
    fitted = load_fitted(where / "model.joblib")
    if fitted is None:
        with limited_threads():
            x_train = model.prepare(train, cache_dir=cache_dir, progress=progress)
            model.fit(x_train, train.labels, n_classes=train.n_classes, seed=seed)
        fitted = model
        del x_train
        save_fitted(where / "model.joblib", fitted)
    if probs is None:
        with limited_threads():
            x_test = fitted.prepare(test, cache_dir=cache_dir, progress=progress)
            probs = _normalise(fitted.predict_proba(x_test), fitted.name)
        save_npy(where / "test-probs.npy", probs)
    return (probs, fitted) if return_model else probs


def _normalise(probs: np.ndarray, name: str) -> np.ndarray:
    probs = np.asarray(probs, dtype=np.float64)
    if not np.isfinite(probs).all():
        raise RuntimeError(f"model {name} produced non-finite probabilities")
    return probs / probs.sum(axis=1, keepdims=True)
