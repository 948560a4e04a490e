"""The experiment grid behind ``fastclean bench``: detection and training at several noise levels.

For each noise level (plus a 0 %-noise reference trained on the clean labels):

- training without CL: ``baseline`` (cross-entropy) and ``label-smoothing``;
- detection: for each loss in {ce, ls}, K-fold out-of-sample ``pred_probs`` from learners
  trained with that loss (or, with ``detector``, once from a ``find`` model such as ``cnn``
  or ``minilm+tfidf``, fold-cached); for each ``filter_by`` in {prune_by_noise_rate, both}, the flagged
  examples scored against the known noise (precision, recall, F1);
- training with CL: ``prune`` and ``pseudo-label`` on those flags, with the same loss (so
  ``ls`` + ``pseudo-label`` is the label-smoothing + pseudo-label combination).

Every model gets the same :class:`LearnerSpec` (architecture, epochs, schedule) and is scored
on the same clean validation set.
"""

from __future__ import annotations

import os
import platform
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from ..atomic import atomic_output_dir, check_output_dir
from ..data.dataset import LabelledDataset
from . import strategies as strat
from .experiment import (
    PUBLISHED_NOISE_DATASETS,
    LearnerSpec,
    PreparedData,
    accuracy,
    check_detector,
    check_noise,
    detection_scores,
    detector_probs,
    fit_model,
    out_of_sample_probs,
    predict,
    prepare_data,
    with_inputs,
)
from .learners import check_loss
from .output import write_json

RESULT_COLUMNS = [
    "dataset", "noise_pct", "loss", "filter_by", "strategy", "n_train", "n_actual_noisy",
    "n_flagged", "precision", "recall", "f1", "clean_val_accuracy", "seconds",
]
#: Folder names of the reference layout, per ``filter_by``.
FILTER_DIRS = {"prune_by_noise_rate": "prune_noise_rate", "both": "prune_noise_rate_class"}
TRAIN_STRATEGIES = ("baseline", "label-smoothing", "prune", "pseudo-label")


@dataclass
class BenchConfig:
    """The grid: noise levels × losses × filters × strategies, one training budget for all."""

    dataset: str
    noise_levels: Sequence[float] = (1, 5, 25, 50)
    noise_type: str = "uniform"
    seed: int = 0
    losses: Sequence[str] = ("ce", "ls")
    filter_bys: Sequence[str] = ("prune_by_noise_rate", "both")
    strategies: Sequence[str] = TRAIN_STRATEGIES
    threshold: float = 0.9
    keep_unconfident: bool = False
    folds: int = 3
    max_train: int | None = None
    data_dir: str | None = None
    load_kwargs: dict[str, Any] = field(default_factory=dict)
    learner: LearnerSpec = field(default_factory=LearnerSpec)
    #: A :mod:`fastclean.models` name (``cnn``, ``minilm+tfidf``, ``auto`` …): detection then uses
    #: the ``find`` pipeline's out-of-sample pred_probs (fold-cached) instead of fastai learners.
    detector: str | None = None

    def check(self) -> "BenchConfig":
        """Validate every option before any work. Raises ValueError naming the option."""
        if not self.noise_levels:
            raise ValueError("noise: give at least one noise level")
        for level in self.noise_levels:
            check_noise(self.dataset, level, self.noise_type)
        for loss in self.losses:
            check_loss(loss)
        for filter_by in self.filter_bys:
            if filter_by not in FILTER_DIRS:
                raise ValueError(f"filter_by: bench compares {', '.join(FILTER_DIRS)}, not {filter_by!r}")
        for strategy in self.strategies:
            if strategy not in TRAIN_STRATEGIES:
                raise ValueError(f"strategy: unknown strategy {strategy!r}; choose from {', '.join(TRAIN_STRATEGIES)}")
        strat.check_threshold(self.threshold)
        if self.folds < 2:
            raise ValueError(f"folds: need at least 2 folds, got {self.folds}")
        if self.detector is not None:
            check_detector(self.detector)
        return self


def _row(config: BenchConfig, noise_pct: float, data: PreparedData, **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {col: None for col in RESULT_COLUMNS}
    row.update(dataset=config.dataset, noise_pct=noise_pct, n_train=len(data.train),
               n_actual_noisy=int(data.is_noisy.sum()))
    row.update(values)
    return row


def _fit_and_score(train: LabelledDataset, labels: np.ndarray, keep: np.ndarray, valid: LabelledDataset,
                   spec: LearnerSpec, loss: str, seed: int) -> tuple[float, float]:
    t = time.perf_counter()
    kept = train.subset(keep)
    learn = fit_model(kept, labels[keep], valid, spec, loss=loss, seed=seed)
    acc = accuracy(predict(learn, valid, spec), valid.labels)
    return acc, time.perf_counter() - t


def bench_noise_level(config: BenchConfig, noise_pct: float, spec: LearnerSpec, *,
                      dataset: LabelledDataset | None = None, cache_dir=None,
                      progress: Callable[[str], None] | None = None):
    """Run the grid at one noise level.

    Returns
    -------
    rows : list of dict
        One per (loss, filter_by, strategy), columns :data:`RESULT_COLUMNS` (+ extras).
    predictions : dict
        ``(loss, filter_by) -> DataFrame`` in the reference layout (see :func:`write_bench`).
    data : PreparedData
    """
    note = progress or (lambda _msg: None)
    data = prepare_data(dataset if dataset is not None else config.dataset, noise_pct=noise_pct,
                        noise_type=config.noise_type, seed=config.seed, data_dir=config.data_dir,
                        max_train=config.max_train, load_kwargs=config.load_kwargs)
    train = with_inputs(data.train, cache_dir=cache_dir, arch=spec.arch)
    valid = with_inputs(data.valid, cache_dir=cache_dir, arch=spec.arch)
    seed = config.seed
    rows: list[dict[str, Any]] = []
    everything = np.ones(len(train), dtype=bool)
    reference = noise_pct == 0
    plain = [("baseline", "ce")] + ([("label-smoothing", "ls")] if not reference else [])
    for strategy, loss in plain:
        if strategy not in config.strategies and not reference:
            continue
        acc, seconds = _fit_and_score(train, train.labels, everything, valid, spec, loss, seed)
        note(f"{noise_pct:g}% {strategy}: {acc:.4f}")
        rows.append(_row(config, noise_pct, data, loss=loss, strategy=strategy,
                         clean_val_accuracy=acc, seconds=round(seconds, 2), n_kept=len(train)))
    predictions: dict[tuple[str, str], Any] = {}
    cl_strategies = [s for s in config.strategies if s in ("prune", "pseudo-label")]
    if reference or not (cl_strategies or config.filter_bys):
        return rows, predictions, data
    shared_probs = None
    for loss in config.losses:
        t = time.perf_counter()
        if config.detector is None:
            pred_probs = out_of_sample_probs(train, spec, loss=loss, folds=config.folds, seed=seed)
        else:
            # the find model does not depend on the training loss: one detection per level
            if shared_probs is None:
                shared_probs = detector_probs(data.train, config.detector, folds=config.folds,
                                              seed=seed, cache_dir=cache_dir)
            pred_probs = shared_probs
        detect_seconds = time.perf_counter() - t
        note(f"{noise_pct:g}% {loss} out-of-sample pred_probs: {detect_seconds:.0f}s")
        for filter_by in config.filter_bys:
            flagged = strat.flag_issues(train.labels, pred_probs, filter_by)
            scores = detection_scores(flagged, data.is_noisy)
            predictions[(loss, filter_by)] = (pred_probs, flagged)
            common = dict(loss=loss, filter_by=filter_by, n_flagged=int(flagged.sum()), **scores,
                          detection_seconds=round(detect_seconds, 2))
            if not cl_strategies:
                rows.append(_row(config, noise_pct, data, strategy="detection-only", **common))
            for strategy in cl_strategies:
                cleaned = strat.apply_strategy(strategy, train.labels, pred_probs, flagged=flagged,
                                               threshold=config.threshold,
                                               keep_unconfident=config.keep_unconfident)
                acc, seconds = _fit_and_score(train, cleaned.labels, cleaned.keep, valid, spec, loss, seed)
                note(f"{noise_pct:g}% {loss} {filter_by} {strategy}: {acc:.4f}")
                rows.append(_row(config, noise_pct, data, strategy=strategy, clean_val_accuracy=acc,
                                 seconds=round(seconds, 2), n_kept=int(cleaned.keep.sum()),
                                 n_relabelled=int(cleaned.relabelled.sum()), **common))
    return rows, predictions, data


def predictions_frame(data: PreparedData, noisy_columns: dict[float, np.ndarray], pred_probs: np.ndarray,
                      flagged: np.ndarray):
    """One noise level's predictions in the reference layout (one row per training example).

    Columns: ``path`` (or ``id``), ``label`` (the clean one), ``noisy_labels_{N}`` for every
    level of the bench, ``is_valid``, ``predictions``, ``confidence``, plus ``is_label_issue``
    and ``is_noisy``.
    """
    import pandas as pd

    train = data.train
    classes = train.classes
    suggested = pred_probs.argmax(axis=1)
    frame = pd.DataFrame()
    if train.paths is not None:
        frame["path"] = [str(p) for p in train.paths]
    else:
        frame["id"] = list(train.ids)
    frame["label"] = [classes[k] for k in train.true_labels]
    for level in sorted(noisy_columns):
        frame[f"noisy_labels_{level:g}"] = [classes[k] for k in noisy_columns[level]]
    frame["is_valid"] = False
    frame["predictions"] = [classes[k] for k in suggested]
    frame["confidence"] = np.round(pred_probs[np.arange(len(suggested)), suggested], 6)
    frame["is_label_issue"] = flagged
    frame["is_noisy"] = data.is_noisy
    return frame


def dataset_slug(name: str) -> str:
    """The dataset's name as used in the reference folder names (``noisy-imagenette`` → ``imagenette``)."""
    base = Path(str(name)).stem if os.sep in str(name) else str(name)
    return base.removeprefix("noisy-").replace("-", "_")


def results_markdown(results, config: BenchConfig, spec: LearnerSpec, meta: dict[str, Any]) -> str:
    """``results.md``: the reference detection table extended, and every strategy's accuracy."""
    lines = [f"# fastclean bench: {config.dataset}", ""]
    lines += [
        f"- noise: {', '.join(f'{n:g}' for n in config.noise_levels)} % ({config.noise_type}), "
        f"seed {config.seed}; clean validation: {meta['validation']} ({meta['n_valid']} examples); "
        f"{meta['n_train']} training examples",
        f"- budget, the same for every model: arch `{spec.arch}`, {spec.epochs} epoch(s) "
        f"one-cycle{' after ' + str(spec.freeze_epochs) + ' frozen' if spec.pretrained else ''}, "
        f"batch {spec.bs}, {'pretrained' if spec.pretrained else 'from scratch'}; detection: "
        f"{config.folds}-fold out-of-sample pred_probs "
        f"({'fastai learners, same budget' if config.detector is None else 'find model `' + config.detector + '`'}); "
        f"pseudo-label threshold {config.threshold}"
        f"{' (unconfident flagged kept)' if config.keep_unconfident else ' (unconfident flagged dropped)'}",
        f"- machine: {meta['machine']}; total {meta['seconds']:.0f} s",
        "",
        "## Detection: actual noisy vs detected",
        "",
    ]
    det = results.dropna(subset=["filter_by"]).drop_duplicates(["noise_pct", "loss", "filter_by"])
    combos = [(loss, fb) for loss in config.losses for fb in config.filter_bys]
    header = ["noise %", "actual noisy"] + [
        f"{'ls' if loss == 'ls' else 'ce'} {FILTER_DIRS[fb]}: {col}"
        for loss, fb in combos for col in ("detected", "P", "R", "F1")]
    lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for level in config.noise_levels:
        sub = det[det.noise_pct == level]
        if sub.empty:
            continue
        cells = [f"{level:g}", str(int(sub.n_actual_noisy.iloc[0]))]
        for loss, fb in combos:
            r = sub[(sub.loss == loss) & (sub.filter_by == fb)]
            if r.empty:
                cells += ["", "", "", ""]
                continue
            r = r.iloc[0]
            cells += [str(int(r.n_flagged))] + [f"{r[c]:.3f}" for c in ("precision", "recall", "f1")]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "## Training: clean-validation accuracy", ""]
    trained = results.dropna(subset=["clean_val_accuracy"]).fillna({"filter_by": ""})
    ref = trained[trained.noise_pct == 0]
    ref_acc = float(ref.clean_val_accuracy.iloc[0]) if not ref.empty else None
    if ref_acc is not None:
        lines += [f"0 %-noise reference (baseline, clean labels): **{ref_acc:.4f}**", ""]
    lines += ["| noise % | strategy | loss | filter_by | kept | relabelled | accuracy | vs baseline | vs 0 % | seconds |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    for level in config.noise_levels:
        sub = trained[trained.noise_pct == level]
        base = sub[sub.strategy == "baseline"]
        base_acc = float(base.clean_val_accuracy.iloc[0]) if not base.empty else None
        for _, r in sub.iterrows():
            vs_base = f"{100 * (r.clean_val_accuracy - base_acc):+.2f}" if base_acc is not None else ""
            vs_ref = f"{100 * (r.clean_val_accuracy - ref_acc):+.2f}" if ref_acc is not None else ""
            kept, relabelled = (_count(r.get(col)) for col in ("n_kept", "n_relabelled"))
            lines.append(f"| {level:g} | {r.strategy} | {r.loss} | {r.filter_by or ''} | {kept} | {relabelled} | "
                         f"{r.clean_val_accuracy:.4f} | {vs_base} | {vs_ref} | {r.seconds:.1f} |")
    lines += ["", "## Best CL strategy vs baseline (points of accuracy)", ""]
    for level in config.noise_levels:
        sub = trained[trained.noise_pct == level]
        cl = sub[sub.strategy.isin(["prune", "pseudo-label"])]
        base = sub[sub.strategy == "baseline"]
        if cl.empty or base.empty:
            continue
        best = cl.loc[cl.clean_val_accuracy.idxmax()]
        gap_ref = f", {100 * (best.clean_val_accuracy - ref_acc):+.2f} vs 0 %" if ref_acc is not None else ""
        lines.append(f"- {level:g} %: {best.strategy} ({best.loss}, {best.filter_by}) "
                     f"{best.clean_val_accuracy:.4f}, {100 * (best.clean_val_accuracy - base.clean_val_accuracy.iloc[0]):+.2f} "
                     f"vs baseline{gap_ref}")
    return "\n".join(lines) + "\n"


def _count(value) -> str:
    """An integer cell, blank where the value is missing (None or NaN)."""
    return "" if value is None or value != value else str(int(value))


def run_bench(config: BenchConfig, out: str | os.PathLike, *, overwrite: bool = False,
              dataset: LabelledDataset | None = None, cache_dir=None,
              progress: Callable[[str], None] | None = None):
    """Run the whole grid and write ``out`` (all or nothing).

    Writes ``results.csv`` (:data:`RESULT_COLUMNS` + extras), ``results.md``, ``config.json``,
    ``metrics.json`` and ``<slug>_labelsmoothing|<slug>_no_labelsmoothing/
    prune_noise_rate|prune_noise_rate_class/noisy{N}_train_predictions.csv``; then the HTML
    report when :mod:`fastclean.report` provides ``write_report``.

    Returns
    -------
    pandas.DataFrame
        The results table.
    """
    import pandas as pd

    config.check()
    check_output_dir(out, overwrite=overwrite)
    t0 = time.perf_counter()
    if dataset is None and str(config.dataset) not in PUBLISHED_NOISE_DATASETS:
        from ..data import load_dataset

        # load once; published-noise datasets are reloaded per level (one label column each)
        dataset = load_dataset(config.dataset, data_dir=config.data_dir, split="all", **config.load_kwargs)
    rows: list[dict[str, Any]] = []
    per_level: dict[float, tuple[PreparedData, dict]] = {}
    spec: LearnerSpec | None = None
    for level in [0.0] + [float(n) for n in config.noise_levels]:
        if spec is None:
            probe = prepare_data(dataset if dataset is not None else config.dataset, noise_pct=0,
                                 data_dir=config.data_dir, max_train=config.max_train,
                                 load_kwargs=config.load_kwargs)
            spec = config.learner.resolved(with_inputs(probe.train, cache_dir=cache_dir,
                                                       arch=config.learner.arch))
        level_rows, predictions, data = bench_noise_level(config, level, spec, dataset=dataset,
                                                          cache_dir=cache_dir, progress=progress)
        rows += level_rows
        if level:
            per_level[level] = (data, predictions)
    results = pd.DataFrame(rows)
    results = results[RESULT_COLUMNS + [c for c in results.columns if c not in RESULT_COLUMNS]]
    meta = {
        "seconds": time.perf_counter() - t0,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU(s), torch threads {_torch_threads()}, "
                   f"device {spec.device}",
        "validation": next(iter(per_level.values()))[0].valid_source if per_level else "",
        "n_valid": len(next(iter(per_level.values()))[0].valid) if per_level else 0,
        "n_train": len(next(iter(per_level.values()))[0].train) if per_level else 0,
    }
    noisy_columns = {lvl: d.train.labels for lvl, (d, _) in per_level.items()}
    slug = dataset_slug(config.dataset if dataset is None else dataset.name)
    with atomic_output_dir(out, overwrite=overwrite) as tmp:
        results.to_csv(tmp / "results.csv", index=False)
        (tmp / "results.md").write_text(results_markdown(results, config, spec, meta))
        write_json(tmp / "config.json", {**asdict(config), "learner": asdict(spec)})
        write_json(tmp / "metrics.json", {**meta, "rows": len(results)})
        for level, (data, predictions) in per_level.items():
            for (loss, filter_by), (pred_probs, flagged) in predictions.items():
                folder = tmp / f"{slug}_{'labelsmoothing' if loss == 'ls' else 'no_labelsmoothing'}" / FILTER_DIRS[filter_by]
                folder.mkdir(parents=True, exist_ok=True)
                frame = predictions_frame(data, noisy_columns, pred_probs, flagged)
                frame.to_csv(folder / f"noisy{level:g}_train_predictions.csv", index=False)
        _write_report_if_available(tmp)
    return results


def _torch_threads() -> int:
    import torch

    return torch.get_num_threads()


def _write_report_if_available(folder: Path) -> None:
    try:
        from ..report import write_report
    except ImportError:
        return
    write_report(folder)
