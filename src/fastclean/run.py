"""The run directory: the one place that writes and reads what ``fastclean find`` produces.

A run directory holds (DESIGN.md §3)::

    issues.csv        flagged examples, worst first
    examples.csv      every example: index, id, split, given/suggested label, quality, input ref
    pred_probs.npy    out-of-sample predicted probabilities, (N, K)
    labels.npy        given labels as int64, (N,)
    classes.json      class names, in label order
    summary.json      counts, estimated noise, per-class health, settings, timings, scores
    dataset.json      how to find the inputs again (modality, root, name) for review/report
    images.npy        only for in-memory image datasets (digits, MNIST): uint8 inputs
    report.html       written by :mod:`fastclean.report` when available

``train``, ``review`` and ``report`` read it back with :func:`read_run`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from . import core
from .atomic import atomic_output_dir
from .top3 import format_top3

ISSUE_COLUMNS = [
    "rank", "index", "id", "split", "given_label", "suggested_label", "confidence",
    "confidence_bucket", "label_quality", "given_label_prob", "top3",
]


def confidence_bucket(confidence: np.ndarray) -> np.ndarray:
    """Bucket model confidence (a probability) into ``"<60"``, ``"60-80"`` and ``"80+"``."""
    c = np.asarray(confidence, dtype=np.float64)
    out = np.full(c.shape, "80+", dtype=object)
    out[c < 0.8] = "60-80"
    out[c < 0.6] = "<60"
    return out


@dataclass
class FindResult:
    """Everything ``find`` computed for one dataset, ready to be written as a run directory."""

    labels: np.ndarray
    pred_probs: np.ndarray
    classes: list[str]
    issue_indices: np.ndarray          # ranked, worst first
    label_quality: np.ndarray          # per example, by ``rank_by`` (lower = more suspicious)
    ids: list[str] | None = None
    splits: Sequence[str] | None = None
    is_noisy: np.ndarray | None = None  # truth mask when noise was injected / is known
    true_labels: np.ndarray | None = None
    texts: list[str] | None = None
    paths: list[str] | None = None
    images: np.ndarray | None = None
    dataset: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    model: Any = None  # fitted text model, saved as model/model.joblib for the Predict page
    data_issues: Any = None             # data_issues.csv rows (fastclean.data_issues), optional


def summarize(result: FindResult) -> dict[str, Any]:
    """Compute ``summary.json``'s content: counts, noise estimates, health and scores."""
    labels, pred_probs = result.labels, result.pred_probs
    n = len(labels)
    health = core.label_health_summary(labels, pred_probs, class_names=result.classes)
    summary: dict[str, Any] = {
        "n_examples": int(n),
        "n_classes": len(result.classes),
        "n_issues": int(len(result.issue_indices)),
        "estimated_noise_rate": float(health["estimated_noise_rate"]),
        "overall_label_health_score": float(health["overall_label_health_score"]),
        "per_class": health["per_class"],
        "overlapping_classes": health["overlapping_classes"][:20],
        "estimated_noise_matrix": health["noise_matrix"],
        "dataset": result.dataset,
        "settings": result.settings,
        "timings": {k: round(float(v), 4) for k, v in result.timings.items()},
    }
    if result.is_noisy is not None:
        truth = np.asarray(result.is_noisy, dtype=bool)
        flagged = np.zeros(n, dtype=bool)
        flagged[result.issue_indices] = True
        scores = core.detection_scores(flagged, truth, label_quality=result.label_quality)
        summary.update(scores)
        summary["n_actual_noisy"] = int(truth.sum())
    if result.true_labels is not None:
        summary["true_noise_matrix"] = core.empirical_noise_matrix(
            labels, result.true_labels, n_classes=len(result.classes)
        ).tolist()
        summary["accuracy_vs_true_labels"] = float(
            np.mean(pred_probs.argmax(1) == np.asarray(result.true_labels))
        )
    summary["accuracy_vs_given_labels"] = float(np.mean(pred_probs.argmax(1) == labels))
    summary.update(result.extra)
    return summary


def _examples_frame(result: FindResult):
    import pandas as pd

    labels, pred_probs, classes = result.labels, result.pred_probs, result.classes
    n = len(labels)
    suggested = pred_probs.argmax(axis=1)
    confidence = pred_probs[np.arange(n), suggested]
    top3_idx = np.argsort(-pred_probs, axis=1, kind="stable")[:, :3]
    top3 = [format_top3(classes, pred_probs[i], row) for i, row in enumerate(top3_idx)]
    flagged = np.zeros(n, dtype=bool)
    flagged[result.issue_indices] = True
    rank = np.zeros(n, dtype=np.int64)
    rank[result.issue_indices] = np.arange(1, len(result.issue_indices) + 1)
    df = pd.DataFrame(
        {
            "index": np.arange(n),
            "id": result.ids if result.ids is not None else [str(i) for i in range(n)],
            "split": list(result.splits) if result.splits is not None else [""] * n,
            "given_label": [classes[k] for k in labels],
            "suggested_label": [classes[k] for k in suggested],
            "confidence": np.round(confidence, 6),
            "confidence_bucket": confidence_bucket(confidence),
            "label_quality": np.round(result.label_quality, 6),
            "given_label_prob": np.round(pred_probs[np.arange(n), labels], 6),
            "top3": top3,
            "is_issue": flagged,
            "rank": rank,
        }
    )
    if result.is_noisy is not None:
        df["is_noisy"] = np.asarray(result.is_noisy, dtype=bool)
    if result.true_labels is not None:
        df["true_label"] = [classes[k] for k in result.true_labels]
    if result.texts is not None:
        df["text"] = result.texts
    if result.paths is not None:
        df["path"] = [str(p) for p in result.paths]
    return df


def write_run(result: FindResult, out: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """Write ``result`` as a run directory at ``out``, atomically.

    Parameters
    ----------
    result : FindResult
        What ``find`` computed.
    out : path
        The run directory to create.
    overwrite : bool
        Replace ``out`` if it exists; otherwise an existing ``out`` raises ``FileExistsError``.

    Returns
    -------
    Path
        ``out``.
    """
    summary = summarize(result)
    examples = _examples_frame(result)
    issues = examples.iloc[np.asarray(result.issue_indices, dtype=np.int64)].copy()
    cols = ["rank"] + [c for c in examples.columns if c not in ("rank", "is_issue")]
    issues = issues[cols]
    with atomic_output_dir(out, overwrite=overwrite, kind="find") as tmp:
        issues.to_csv(tmp / "issues.csv", index=False)
        examples.to_csv(tmp / "examples.csv", index=False)
        np.save(tmp / "pred_probs.npy", np.asarray(result.pred_probs))
        np.save(tmp / "labels.npy", np.asarray(result.labels, dtype=np.int64))
        (tmp / "classes.json").write_text(json.dumps(list(result.classes), indent=1))
        (tmp / "summary.json").write_text(json.dumps(summary, indent=2, default=_json_default))
        (tmp / "dataset.json").write_text(json.dumps(result.dataset, indent=2, default=_json_default))
        if result.images is not None:
            np.save(tmp / "images.npy", np.asarray(result.images, dtype=np.uint8))
        if result.model is not None:
            from .models.predictor import save_predictor

            save_predictor(result.model, result.classes, tmp)
        if result.data_issues is not None:
            from .data_issues import write_data_issues

            write_data_issues(tmp, result.data_issues)
        _write_report_if_available(tmp)
    return Path(out)


def _write_report_if_available(run_dir: Path) -> None:
    try:
        from .report import write_report
    except ImportError:
        return
    write_report(run_dir)


def _json_default(value: Any) -> Any:
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot serialise {type(value).__name__} to JSON")


@dataclass
class Run:
    """A run directory read back into memory."""

    path: Path
    issues: Any            # pandas.DataFrame
    examples: Any          # pandas.DataFrame
    pred_probs: np.ndarray
    labels: Any            # int array; for a multi-label run, a list of class index lists
    classes: list[str]
    summary: dict[str, Any]
    dataset: dict[str, Any]
    images: np.ndarray | None
    data_issues: Any = None  # pandas.DataFrame of data_issues.csv, when the run has one


def read_run(path: str | os.PathLike) -> Run:
    """Read a run directory written by :func:`write_run`.

    Raises
    ------
    FileNotFoundError
        If ``path`` is not a run directory (no ``summary.json``).
    """
    import pandas as pd

    from .data_issues import read_data_issues

    path = Path(path)
    if not (path / "summary.json").is_file():
        raise FileNotFoundError(f"run: {path} is not a fastclean run directory (no summary.json)")
    dataset_file = path / "dataset.json"
    images_file = path / "images.npy"
    with _naming_the_file(path) as reading:
        summary = reading("summary.json", lambda: json.loads((path / "summary.json").read_text()))
        multi_label = summary.get("task") == "multi-label"  # labels.json: class index lists
        read = lambda name: reading(name, lambda: pd.read_csv(  # noqa: E731
            path / name, keep_default_na=False, dtype={"id": str}))
        load_json = lambda name: reading(name, lambda: json.loads((path / name).read_text()))  # noqa: E731
        return Run(
            path=path,
            issues=read("issues.csv"),
            examples=read("examples.csv") if (path / "examples.csv").exists() else read("issues.csv"),
            # A run over a .zarr pred_probs keeps no copy of it (fastclean.scale.run_dir).
            pred_probs=reading("pred_probs.npy", lambda: np.load(path / "pred_probs.npy", mmap_mode="r"))
            if (path / "pred_probs.npy").exists() else None,
            labels=reading("labels.json", lambda: json.loads((path / "labels.json").read_text()))
            if multi_label else reading("labels.npy", lambda: np.load(path / "labels.npy")),
            classes=load_json("classes.json"),
            summary=summary,
            dataset=load_json("dataset.json") if dataset_file.exists() else {},
            images=reading("images.npy", lambda: np.load(images_file, mmap_mode="r"))
            if images_file.exists() else None,
            data_issues=reading("data_issues.csv", lambda: read_data_issues(path)),
        )


class _naming_the_file:
    """Turn a damaged file of a run into a ValueError that names it (not a bare JSON error)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self):
        def reading(name: str, load):
            try:
                return load()
            except FileNotFoundError:
                raise FileNotFoundError(f"run: {self.path / name} is missing; the run is incomplete") from None
            except (ValueError, OSError, EOFError) as exc:  # JSONDecodeError, bad .npy, bad CSV
                if isinstance(exc, PermissionError):
                    raise
                reason = " ".join(str(exc).split())[:200]
                raise ValueError(f"run: {self.path / name} is damaged ({reason})") from None
        return reading

    def __exit__(self, *exc) -> None:
        return None


# --------------------------------------------------------------------------------------------
# The find pipeline: load → noise → pred_probs → issues → FindResult.
# --------------------------------------------------------------------------------------------

DEFAULT_FILTER_BY = "both"
DEFAULT_RANK_BY = "normalized_margin"
#: Built-ins whose noisy labels are published columns: ``noise_pct`` selects one, nothing is injected.
PUBLISHED_NOISE_DATASETS = ("noisy-imagenette", "noisy-imagewoof")


def link_roots(paths: Sequence[str] | None, root: str | os.PathLike | None) -> list[str]:
    """Folders outside ``root`` that the dataset's symbolically linked files point into.

    ``find`` reads an image through a link in the dataset folder; the report and the review app
    serve files only from inside the dataset root *or these folders*, so the images ``find``
    accepted are the images they show (and nothing a run's CSV names elsewhere).
    """
    if not paths or root is None:
        return []
    base = Path(root).resolve()
    found: set[Path] = set()
    for p in paths:
        target = Path(p).resolve()
        if target != base and base not in target.parents:
            found.add(target.parent)
    kept = [f for f in sorted(found) if not any(g in f.parents for g in found)]
    return [str(f) for f in kept]


def find_from_probs(
    labels: np.ndarray,
    pred_probs: np.ndarray,
    classes: Sequence[str] | None = None,
    *,
    filter_by: str = DEFAULT_FILTER_BY,
    rank_by: str = DEFAULT_RANK_BY,
    renormalize: bool = False,
    chunk_size: int | None = None,
    **kwargs: Any,
) -> FindResult:
    """Find label issues in given ``labels`` and out-of-sample ``pred_probs``.

    Parameters
    ----------
    labels : array-like of int, shape (N,)
    pred_probs : array-like of float, shape (N, K)
    classes : sequence of str, optional
        Class names; defaults to ``"0" … "K-1"``.
    filter_by, rank_by : str
        Passed to :func:`fastclean.find_label_issues` as ``filter_by`` and
        ``return_indices_ranked_by``.
    renormalize : bool
        Divide each row of ``pred_probs`` by its sum instead of rejecting rows that do not sum to 1.
    chunk_size : int, optional
        Process ``pred_probs`` in row chunks (bounded extra memory).

    Returns
    -------
    FindResult
    """
    import time

    t0 = time.perf_counter()
    labels, pred_probs = core.validate_inputs(labels, pred_probs, renormalize=renormalize)
    n_classes = pred_probs.shape[1]
    if classes is None:
        classes = [str(k) for k in range(n_classes)]
    classes = [str(c) for c in classes]
    if len(classes) != n_classes:
        raise ValueError(
            f"classes: {len(classes)} class names given but pred_probs has {n_classes} columns"
        )
    if filter_by == core.CALIBRATED_COUNT:  # fastclean's own filter (core/calibrated.py)
        ranked = core.find_label_issues_by_calibrated_count(labels, pred_probs,
                                                            return_indices_ranked_by=rank_by)
    else:
        ranked = core.find_label_issues(
            labels,
            pred_probs,
            filter_by=filter_by,
            return_indices_ranked_by=rank_by,
            chunk_size=chunk_size,
            **kwargs,
        )
    quality = core.get_label_quality_scores(labels, pred_probs, method=rank_by)
    seconds = time.perf_counter() - t0
    return FindResult(
        labels=labels,
        pred_probs=pred_probs,
        classes=list(classes),
        issue_indices=np.asarray(ranked, dtype=np.int64),
        label_quality=np.asarray(quality, dtype=np.float64),
        settings={"filter_by": filter_by, "rank_by": rank_by, "renormalize": renormalize},
        timings={"find_label_issues": seconds},
    )


def find_in_dataset(
    dataset: str | os.PathLike,
    *,
    data_dir: str | os.PathLike | None = None,
    split: str = "train",
    noise_pct: float | None = None,
    noise_type: str = "uniform",
    seed: int = 0,
    model: str = "auto",
    folds: int = 5,
    filter_by: str = DEFAULT_FILTER_BY,
    rank_by: str = DEFAULT_RANK_BY,
    label_col: str | None = None,
    text_col: str | None = None,
    path_col: str | None = None,
    split_col: str | None = None,
    skip_bad: bool = False,
    cache_dir: str | os.PathLike | None = None,
    progress: bool = True,
    save_model: bool = True,
    checks: str | Sequence[str] | None = None,
    fold_runner=None,
) -> FindResult:
    """Run the whole ``find`` pipeline on a dataset: load, inject noise, score out-of-sample, flag.

    Parameters
    ----------
    dataset : str or path
        A built-in name (see :data:`fastclean.data.BUILTIN_DATASETS`) or a path (folder of class
        sub-folders, or a .csv/.tsv file with ``label_col`` and ``text_col`` or ``path_col``).
    split : {"train", "valid", "test", "all"}
        Which examples to search. For ``"test"`` on a dataset that has a training split, the
        model is fitted on train (+ valid) and scores the test split: a test set's labels are
        checked by a model that never saw them. Otherwise K-fold cross-validation gives every
        example an out-of-sample probability.
    noise_pct : float, optional
        Percentage of labels to flip before searching (0–100); the truth is kept and the run
        reports precision, recall and F1. For ``noisy-imagenette``/``noisy-imagewoof`` it picks
        the published noisy label column instead (1, 5, 25 or 50).
    noise_type : {"uniform", "pair"}
    seed : int
        Seeds the noise and the folds.
    model : str
        ``"auto"`` or a name from :func:`fastclean.models.available_models`.
    folds : int
        Number of cross-validation folds.
    filter_by, rank_by : str
        See :func:`fastclean.find_label_issues`.
    save_model : bool
        For text datasets, keep the model fitted on the searched examples (``result.model``,
        written as ``model/model.joblib`` for the review app's Predict page).
    checks : str or sequence, optional
        Which checks to run: ``labels`` (confident learning), ``duplicates``, ``outliers``,
        ``imbalance`` (:mod:`fastclean.audit`); default all. Without ``labels`` no label issue
        is flagged (the probabilities are still computed and written).
    fold_runner : callable, optional
        Where the cross-validation folds run (see :func:`fastclean.crossval.cross_val_pred_probs`).

    Returns
    -------
    FindResult
    """
    import time

    from . import crossval, data, models
    from .audit import parse_checks
    from .noise import inject_noise

    checks = parse_checks(checks)
    timings: dict[str, float] = {}
    t = time.perf_counter()
    published_noise = str(dataset) in PUBLISHED_NOISE_DATASETS
    load_split = "all" if split == "test" else split
    full = data.load_dataset(
        dataset,
        data_dir=data_dir,
        split=load_split,
        label_col=label_col,
        text_col=text_col,
        path_col=path_col,
        split_col=split_col,
        noise_pct=noise_pct if published_noise else None,
        skip_bad=skip_bad,
    )
    timings["load"] = time.perf_counter() - t

    is_noisy_full: np.ndarray | None = None
    true_labels_full = full.true_labels
    if published_noise:
        if true_labels_full is not None:
            is_noisy_full = full.labels != true_labels_full
    elif noise_pct:
        noisy, is_noisy_full = inject_noise(
            full.labels, full.n_classes, noise_pct=noise_pct, noise_type=noise_type, seed=seed
        )
        true_labels_full = full.labels.copy()
        full = full.with_labels(noisy)

    model_name = models.auto_model_name(full) if model == "auto" else model
    estimator = models.get_model(model_name, full)
    data_checks = bool(set(checks) - {"labels"})

    def run_data_checks(rows, parts=None):
        from .data_issues import audit_dataset

        return audit_dataset(full, rows, estimator, checks=checks, parts=parts,
                             cache_dir=cache_dir, progress=progress)

    t = time.perf_counter()
    if split == "test":
        test_rows = np.flatnonzero(full.splits == "test")
        train_rows = np.flatnonzero(full.splits != "test")
        if len(test_rows) == 0:
            raise ValueError(f"split: dataset {full.name!r} has no test split")
        if len(train_rows) == 0:
            raise ValueError(f"split: dataset {full.name!r} has no train/valid split to fit on")
        target = full.subset(test_rows)
        # Cached with the fitted model: a rerun neither fits nor scores (crossval.split_cache_dir).
        pred_probs, fitted = crossval.fit_predict_split(
            full.subset(train_rows), target, estimator, seed=seed, cache_dir=cache_dir,
            progress=progress, return_model=True,
        )
        rows = test_rows
        method = "fit on train+valid, score test"
    else:
        target = full
        if fold_runner is not None and data_checks:
            # The data checks need no pred_probs: on a cluster they run here while the last
            # folds leave a worker idle (5 folds on 2 workers: the fifth runs alone).
            fold_runner = AlongsideFolds(fold_runner, lambda: run_data_checks(np.arange(len(full))))
        pred_probs = crossval.cross_val_pred_probs(
            full, estimator, folds=folds, seed=seed, cache_dir=cache_dir, progress=progress,
            fold_runner=fold_runner,
        )
        rows = np.arange(len(full))
        method = f"{folds}-fold stratified cross-validation"
    timings["pred_probs"] = time.perf_counter() - t
    # Waited for before anything else runs here (the core's threads, the final model).
    audit = fold_runner.result() if isinstance(fold_runner, AlongsideFolds) else None
    final_model = None
    if save_model and full.modality == "text":
        # The Predict page's model: for --split test the one that scored the test split,
        # otherwise one more fit, on every example searched.
        t = time.perf_counter()
        if split == "test":
            final_model = fitted
        else:
            from .models.predictor import fit_final_model

            final_model = fit_final_model(estimator, full, seed=seed, folds=folds, cache_dir=cache_dir)
        timings["final_model"] = time.perf_counter() - t

    result = find_from_probs(
        target.labels, pred_probs, full.classes, filter_by=filter_by, rank_by=rank_by
    )
    if "labels" not in checks:
        result.issue_indices = result.issue_indices[:0]
    if audit is None and data_checks:
        audit = run_data_checks(rows, [train_rows, test_rows] if split == "test" else None)
    if audit is not None:
        result.data_issues, info = audit
        timings["data_issues"] = info.pop("seconds")
        result.extra["data_issues"] = info
    result.settings["checks"] = list(checks)
    result.timings = {**timings, **result.timings}
    result.ids = list(target.ids)
    result.splits = list(target.splits)
    result.texts = target.texts
    result.paths = [str(p) for p in target.paths] if target.paths is not None else None
    result.images = target.images
    result.model = final_model
    if is_noisy_full is not None:
        result.is_noisy = np.asarray(is_noisy_full)[rows]
    if true_labels_full is not None:
        result.true_labels = np.asarray(true_labels_full)[rows]
    result.dataset = {
        "name": full.name,
        "modality": full.modality,
        "root": str(full.root) if full.root is not None else None,
        "split": split,
        "n_classes": full.n_classes,
        "skipped": list(full.skipped),
        "link_roots": link_roots(result.paths, full.root),
        "load": _load_record(dataset, data_dir, label_col=label_col, text_col=text_col,
                             path_col=path_col, split_col=split_col),
    }
    result.settings.update(
        {
            "dataset": str(dataset),
            "split": split,
            "noise_pct": noise_pct,
            "noise_type": noise_type if (noise_pct and not published_noise) else None,
            "seed": seed,
            "model": model_name,
            "folds": folds if split != "test" else None,
            "pred_probs_method": method,
        }
    )
    return result


class AlongsideFolds:
    """A fold runner that also runs ``work()`` in a thread of this process while the folds run.

    The thread starts when ``runner.idle`` is set (:class:`fastclean.scale.folds.DaskJobRunner`:
    once a worker has no fold left to run), so the work does not take a core from the folds;
    a runner without ``idle`` starts it at once. It runs in a copy of the caller's context
    (the feature-chunk runner stays in force). When every fold is cached the runner is never
    called and :meth:`result` runs the work itself.

    Parameters
    ----------
    runner : callable
        ``runner(fn, jobs)``, as :func:`fastclean.crossval.cross_val_pred_probs` takes it.
    work : callable
        No arguments; its return value is :meth:`result`'s.
    """

    def __init__(self, runner, work):
        self.runner, self.work = runner, work
        self._thread = None
        self._outcome: tuple = ()

    def __call__(self, fn, jobs: list) -> list:
        import contextvars
        import threading

        idle = getattr(self.runner, "idle", None)
        context = contextvars.copy_context()
        self._thread = threading.Thread(target=context.run, args=(self._run, idle),
                                        name="fastclean-alongside-folds", daemon=True)
        self._thread.start()
        return self.runner(fn, jobs)

    def _run(self, idle) -> None:
        if idle is not None:
            idle.wait()
        try:
            self._outcome = (True, self.work())
        except BaseException as exc:  # raised again by result(), in the caller's thread
            self._outcome = (False, exc)

    def result(self):
        """``work()``'s return value (waits for the thread; raises what the work raised)."""
        if self._thread is None:
            return self.work()
        self._thread.join()
        ok, value = self._outcome
        if not ok:
            raise value
        return value


def _load_record(dataset, data_dir, **columns) -> dict[str, Any]:
    """How the dataset was loaded, so that ``fastclean apply`` can find its files again."""
    from .data import BUILTIN_DATASETS
    from .data.sources import resolve_data_dir

    builtin = str(dataset) in BUILTIN_DATASETS and not isinstance(dataset, os.PathLike)
    record: dict[str, Any] = {
        "source": str(dataset) if builtin else str(Path(dataset).resolve()),
        "data_dir": str(resolve_data_dir(data_dir)[0].resolve()) if builtin else None,
    }
    record.update({k: v for k, v in columns.items() if v is not None})
    return record
