"""The experiment grid behind ``fastclean bench``: detection and training at several noise levels.

For each noise level (plus a 0 %-noise reference trained on the clean labels):

- training without CL: ``baseline`` (cross-entropy) and ``label-smoothing``;
- detection: K-fold out-of-sample ``pred_probs`` of the noisy training labels, by default once
  per level from the ``find`` model (``detector="auto"``: ``cnn`` for MNIST, ``minilm-layers+tfidf``
  for tweets; fold-cached and shared with ``fastclean find``), or with ``detector="learners"``
  for each loss in {ce, ls} from fastai learners trained with that loss (the reference
  experiments); for each ``filter_by`` in {prune_by_noise_rate, both}, the flagged examples
  scored against the known noise (precision, recall, F1);
- training with CL: ``prune``, ``pseudo-label`` and ``relabel`` on those flags, with each loss
  (so ``ls`` + ``pseudo-label`` is the label-smoothing + pseudo-label combination).

Every model gets the same :class:`LearnerSpec` (architecture, epochs, schedule) and is scored
on the same clean validation set. The fits are independent, so they run in parallel
single-threaded processes (:mod:`fastclean.train.jobs`), and each finished one is cached: a
killed bench resumes, and identical training sets are fitted once.
"""

from __future__ import annotations

import json
import os
import platform
import time
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from ..atomic import atomic_output_dir, check_output_dir
from ..data.dataset import LabelledDataset
from ..models.threads import model_threads
from . import strategies as strat
from .experiment import (
    PUBLISHED_NOISE_DATASETS,
    DetectionChoice,
    LearnerSpec,
    PreparedData,
    check_detector,
    check_noise,
    detection_scores,
    detector_probs,
    out_of_sample_probs,
    prepare_data,
    with_inputs,
)
from .jobs import JobRunner, ResultCache, fit_and_score, timed
from .learners import check_loss
from .output import write_json

RESULT_COLUMNS = [
    "dataset", "noise_pct", "loss", "filter_by", "strategy", "n_train", "n_actual_noisy",
    "n_flagged", "precision", "recall", "f1", "clean_val_accuracy",
]
#: Columns that depend on the machine and on what was cached, not on the command: they go to
#: ``timings.csv`` so that ``results.csv`` is the same file for the same command and seed.
TIMING_COLUMNS = ("seconds", "detection_seconds", "from_cache")
#: Columns that name a row in ``timings.csv`` (it lists the rows of ``results.csv`` in order).
TIMING_KEYS = ("dataset", "noise_pct", "loss", "filter_by", "strategy")
#: The grid's strategies that train on CL's flags.
CL_FIT_STRATEGIES = ("prune", "pseudo-label", "relabel")
#: Folder names of the reference layout, per ``filter_by``.
FILTER_DIRS = {"prune_by_noise_rate": "prune_noise_rate", "both": "prune_noise_rate_class"}
TRAIN_STRATEGIES = ("baseline", "label-smoothing", "prune", "pseudo-label", "relabel")


@dataclass
class BenchConfig(DetectionChoice):
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
    #: Cross-validation folds of detection; ``None``: 5 with a find model, 3 with learners.
    folds: int | None = None
    max_train: int | None = None
    data_dir: str | None = None
    load_kwargs: dict[str, Any] = field(default_factory=dict)
    learner: LearnerSpec = field(default_factory=LearnerSpec)
    #: Who scores the training labels out of sample. A :mod:`fastclean.models` name (``auto``,
    #: ``cnn``, ``minilm+tfidf`` …): the ``find`` pipeline's model (fold-cached; one detection
    #: per level, whatever the training loss). ``"learners"`` (or ``None``): K-fold fastai
    #: learners with the grid's budget, trained with each loss, as in the reference experiments.
    detector: str | None = "auto"
    #: Fits run at once, each in its own single-threaded process; ``None``: the idle cores
    #: (1 on a GPU).
    jobs: int | None = None
    #: Reuse finished fits and detections from the cache (``<cache>/bench``).
    resume: bool = True

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
        if self.folds is not None and self.folds < 2:
            raise ValueError(f"folds: need at least 2 folds, got {self.folds}")
        if self.uses_find_model:
            check_detector(self.detector)
        if self.jobs is not None and (isinstance(self.jobs, bool) or not isinstance(self.jobs, int)
                                      or self.jobs < 1):
            raise ValueError(f"jobs: expected a positive int, got {self.jobs!r}")
        return self


def _row(config: BenchConfig, noise_pct: float, data: PreparedData, **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {col: None for col in RESULT_COLUMNS}
    row.update(dataset=config.dataset, noise_pct=noise_pct, n_train=len(data.train),
               n_actual_noisy=int(data.is_noisy.sum()))
    row.update(values)
    return row


@dataclass
class _Level:
    """One noise level of the grid: its data and what has been decided so far."""

    noise_pct: float
    data: PreparedData
    train: LabelledDataset      # with model inputs (e.g. text embeddings)
    valid: LabelledDataset
    predictions: dict = field(default_factory=dict)   # (loss, filter_by) -> (pred_probs, flagged)


class _Grid:
    """Plans the fits of a bench, runs them through a :class:`JobRunner`, collects the rows.

    Detections are submitted first (they take longest); each level's prune / pseudo-label fits
    are planned when its detection returns. A fit whose key is in the :class:`ResultCache`
    (an earlier, killed run) or already running (identical training set) is not run again.
    """

    def __init__(self, config: BenchConfig, spec: LearnerSpec, runner: JobRunner, cache: ResultCache,
                 note: Callable[[str], None], cache_dir=None):
        self.config, self.spec, self.runner, self.cache, self.note = config, spec, runner, cache, note
        self.cache_dir = cache_dir
        self.rows: list[tuple[tuple, dict[str, Any]]] = []
        self.waiting: dict[Future, list[Callable[[Any], None]]] = {}
        self.running_fits: dict[str, Future] = {}

    # -- submitting -------------------------------------------------------------------------
    def _when_done(self, future: Future, callback: Callable[[Any], None]) -> None:
        if future.done():  # inline jobs: record the result now, so a later kill cannot lose it
            callback(future.result())
        else:
            self.waiting.setdefault(future, []).append(callback)

    def fit(self, order: tuple, level: _Level, labels: np.ndarray, keep: np.ndarray, loss: str,
            row: dict[str, Any], label: str) -> None:
        """Plan one fit; its row is completed with the accuracy when the fit returns."""
        seed = self.config.seed
        key = ResultCache.fit_key(level.train, labels, keep, level.valid, self.spec, loss, seed)

        def finish(result: dict[str, float], from_cache: bool = False) -> None:
            if not from_cache:
                self.cache.put_fit(key, result)
            row.update(clean_val_accuracy=result["accuracy"], seconds=round(result["seconds"], 2),
                       from_cache=from_cache)
            self.rows.append((order, row))
            self.note(f"{label}: {result['accuracy']:.4f}{' (cached)' if from_cache else ''}")

        cached = self.cache.get_fit(key)
        if cached is not None:
            finish(cached, from_cache=True)
            return
        future = self.running_fits.get(key)
        if future is None:
            future = self.runner.submit(fit_and_score, level.train, labels, keep, level.valid,
                                        self.spec, loss, seed)
            self.running_fits[key] = future
            self._when_done(future, finish)
        else:  # the same training set is already being fitted: share its result
            self._when_done(future, lambda result: finish(result, from_cache=True))

    def detect(self, level: _Level, losses: Sequence[str], on_probs: Callable[[str, np.ndarray, float], None]) -> None:
        """Out-of-sample pred_probs for ``level``: once (find model) or per loss (fastai learners)."""
        config = self.config
        if config.uses_find_model:
            jobs = [(tuple(losses), f"find:{config.detector}", "-", detector_probs,
                     (level.data.train, config.detector),
                     dict(folds=config.resolved_folds, seed=config.seed, cache_dir=self.cache_dir))]
        else:
            jobs = [((loss,), f"learners:{json.dumps(asdict(self.spec), sort_keys=True)}", loss,
                     out_of_sample_probs, (level.train, self.spec),
                     dict(loss=loss, folds=config.resolved_folds, seed=config.seed)) for loss in losses]
        for for_losses, method, loss, fn, args, kwargs in jobs:
            key = ResultCache.detection_key(level.train, method, loss, config.resolved_folds, config.seed)

            def done(result, key=key, for_losses=for_losses, from_cache=False):
                probs, seconds = result
                probs = np.asarray(probs, dtype=np.float32)
                if not from_cache:
                    self.cache.put_probs(key, probs, seconds)
                for each in for_losses:
                    on_probs(each, probs, seconds)

            cached = self.cache.get_probs(key)
            if cached is not None:
                done(cached, from_cache=True)
            else:
                self._when_done(self.runner.submit(timed, fn, *args, **kwargs), done)

    # -- waiting ----------------------------------------------------------------------------
    def drain(self) -> None:
        """Wait for every submitted job, running callbacks (which may submit more) as they finish."""
        while self.waiting:
            finished, _ = wait(list(self.waiting), return_when=FIRST_COMPLETED)
            for future in finished:
                callbacks = self.waiting.pop(future)
                result = future.result()  # a failed fit stops the bench with its error
                for callback in callbacks:
                    callback(result)

    def sorted_rows(self) -> list[dict[str, Any]]:
        return [row for _, row in sorted(self.rows, key=lambda item: item[0])]


def _plan_level(grid: _Grid, index: int, level: _Level) -> None:
    """Plan one level's fits: baseline and label smoothing now, CL fits when detection returns."""
    config, data = grid.config, level.data
    noise_pct = level.noise_pct
    everything = np.ones(len(level.train), dtype=bool)
    reference = noise_pct == 0
    plain = [("baseline", "ce")] + ([("label-smoothing", "ls")] if not reference else [])
    for position, (strategy, loss) in enumerate(plain):
        if strategy not in config.strategies and not reference:
            continue
        row = _row(config, noise_pct, data, loss=loss, strategy=strategy, n_kept=len(level.train))
        grid.fit((index, 0, position), level, level.train.labels, everything, loss, row,
                 f"{noise_pct:g}% {strategy}")
    cl_strategies = [s for s in config.strategies if s in CL_FIT_STRATEGIES]
    if reference or not (cl_strategies or config.filter_bys):
        return

    def on_probs(loss: str, pred_probs: np.ndarray, seconds: float) -> None:
        grid.note(f"{noise_pct:g}% {loss} out-of-sample pred_probs: {seconds:.0f}s")
        li = list(config.losses).index(loss)
        for fi, filter_by in enumerate(config.filter_bys):
            flagged = strat.flag_issues(level.train.labels, pred_probs, filter_by)
            scores = detection_scores(flagged, data.is_noisy)
            level.predictions[(loss, filter_by)] = (pred_probs, flagged)
            common = dict(loss=loss, filter_by=filter_by, n_flagged=int(flagged.sum()), **scores,
                          detection_seconds=round(seconds, 2))
            if not cl_strategies:
                grid.rows.append(((index, 1, li, fi, 0),
                                  _row(config, noise_pct, data, strategy="detection-only", **common)))
            for si, strategy in enumerate(cl_strategies):
                cleaned = strat.apply_strategy(strategy, level.train.labels, pred_probs, flagged=flagged,
                                               threshold=config.threshold,
                                               keep_unconfident=config.keep_unconfident)
                row = _row(config, noise_pct, data, strategy=strategy, n_kept=int(cleaned.keep.sum()),
                           n_relabelled=int(cleaned.relabelled.sum()), **common)
                grid.fit((index, 1, li, fi, si), level, cleaned.labels, cleaned.keep, loss, row,
                         f"{noise_pct:g}% {loss} {filter_by} {strategy}")

    grid.detect(level, config.losses, on_probs)


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
        f"{config.resolved_folds}-fold out-of-sample pred_probs "
        f"({'find model `' + config.detector + '`' if config.uses_find_model else 'fastai learners, same budget'}); "
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
        cl = sub[sub.strategy.isin(CL_FIT_STRATEGIES)]
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

    Writes ``results.csv`` (:data:`RESULT_COLUMNS` + extras, less the machine-dependent
    :data:`TIMING_COLUMNS`, which go to ``timings.csv`` row for row), ``results.md``, ``config.json``,
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
    note = progress or (lambda _msg: None)
    if dataset is None and str(config.dataset) not in PUBLISHED_NOISE_DATASETS:
        from ..data import load_dataset

        # load once; published-noise datasets are reloaded per level (one label column each)
        dataset = load_dataset(config.dataset, data_dir=config.data_dir, split="all", **config.load_kwargs)
    levels: list[_Level] = []
    spec: LearnerSpec | None = None
    for noise_pct in [0.0] + [float(n) for n in config.noise_levels]:
        data = prepare_data(dataset if dataset is not None else config.dataset, noise_pct=noise_pct,
                            noise_type=config.noise_type, seed=config.seed, data_dir=config.data_dir,
                            max_train=config.max_train, load_kwargs=config.load_kwargs)
        if spec is None:
            spec = config.learner.resolved(with_inputs(data.train, cache_dir=cache_dir,
                                                       arch=config.learner.arch,
                                                       device=config.learner.device))
        levels.append(_Level(noise_pct, data,
                             with_inputs(data.train, cache_dir=cache_dir, arch=spec.arch, device=spec.device),
                             with_inputs(data.valid, cache_dir=cache_dir, arch=spec.arch, device=spec.device)))
    if config.jobs is not None:
        jobs = config.jobs
    else:  # idle cores on the CPU; one process drives a GPU (each would hold its own context)
        jobs = 1 if spec.device == "cuda" else model_threads()
    cache = ResultCache(cache_dir, enabled=config.resume)
    with JobRunner(jobs) as runner:
        grid = _Grid(config, spec, runner, cache, note, cache_dir)
        # detections first: they are the longest jobs, and the CL fits wait for them
        for index, level in sorted(enumerate(levels), key=lambda il: il[1].noise_pct == 0):
            _plan_level(grid, index, level)
        grid.drain()
    rows = grid.sorted_rows()
    per_level = {lvl.noise_pct: (lvl.data, lvl.predictions) for lvl in levels if lvl.noise_pct}
    results = pd.DataFrame(rows)
    results = results[RESULT_COLUMNS + [c for c in results.columns if c not in RESULT_COLUMNS]]
    meta = {
        "seconds": time.perf_counter() - t0,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU(s), {jobs} single-threaded "
                   f"job(s) at a time, device {spec.device}" if jobs > 1 else
                   f"{platform.machine()}, {os.cpu_count()} CPU(s), torch threads {model_threads()}, "
                   f"device {spec.device}",
        "validation": next(iter(per_level.values()))[0].valid_source if per_level else "",
        "n_valid": len(next(iter(per_level.values()))[0].valid) if per_level else 0,
        "n_train": len(next(iter(per_level.values()))[0].train) if per_level else 0,
    }
    noisy_columns = {lvl: d.train.labels for lvl, (d, _) in per_level.items()}
    slug = dataset_slug(config.dataset if dataset is None else dataset.name)
    with atomic_output_dir(out, overwrite=overwrite, kind="bench") as tmp:
        timing_cols = [c for c in TIMING_COLUMNS if c in results.columns]
        results.drop(columns=timing_cols).to_csv(tmp / "results.csv", index=False)
        results[list(TIMING_KEYS) + timing_cols].to_csv(tmp / "timings.csv", index=False)
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


def _write_report_if_available(folder: Path) -> None:
    try:
        from ..report import write_report
    except ImportError:
        return
    write_report(folder)
