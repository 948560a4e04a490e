"""One training experiment: load → hold out clean validation → noise → CL → strategy → fit → score.

The pieces are usable on their own (fastai style): :func:`prepare_data` gives the noisy
training set and the clean validation set, :func:`out_of_sample_probs` the K-fold
predictions CL needs, :func:`fit_and_score` one model's clean-validation accuracy, and
:func:`run_training` chains them for ``fastclean train``.
"""

from __future__ import annotations

import os
import time
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from ..data.dataset import LabelledDataset
from ..models.device import DEVICES, resolve_device
from . import strategies as strat
from .learners import check_arch, check_loss
from .split import HOLDOUT_SEED, stratified_folds, stratified_holdout, stratified_subsample

#: Built-ins whose noise is a published label column (``noise_pct`` picks it).
PUBLISHED_NOISE_DATASETS = ("noisy-imagenette", "noisy-imagewoof")
NOISE_TYPES = ("uniform", "pair")
TRACKERS = ("none", "wandb")


@dataclass
class LearnerSpec:
    """How every model of an experiment is built and trained (the same budget for all).

    ``arch="auto"`` picks ``small-cnn`` for in-memory images, ``mlp`` for texts (on MiniLM
    embeddings), feature vectors and, on a CPU, images on disk (on their cached
    EfficientNet-Lite0 features, see :func:`with_inputs`); on a GPU, images on disk fine-tune
    the pretrained ``efficientnet-lite0`` with gradual unfreezing (the only ImageNet weights
    available offline).
    """

    arch: str = "auto"
    epochs: int = 3
    freeze_epochs: int = 1
    bs: int = 64
    lr: float | None = None
    size: int | None = None
    pretrained: bool = False
    eps: float = 0.1
    device: str = "cpu"
    track: str = "none"

    def resolved(self, ds: LabelledDataset) -> "LearnerSpec":
        """A copy with ``arch`` and ``size`` decided for ``ds`` and every field checked."""
        from dataclasses import replace

        if self.epochs < 1:
            raise ValueError(f"epochs: must be at least 1, got {self.epochs}")
        if self.freeze_epochs < 0:
            raise ValueError(f"freeze_epochs: must be 0 or more, got {self.freeze_epochs}")
        if self.bs < 1:
            raise ValueError(f"bs: batch size must be at least 1, got {self.bs}")
        if self.track not in TRACKERS:
            raise ValueError(f"track: unknown tracker {self.track!r}; choose none or wandb")
        arch, pretrained = self.arch, self.pretrained
        if arch == "auto":
            arch = "small-cnn" if ds.images is not None else "efficientnet-lite0" if ds.paths is not None else "mlp"
            pretrained = pretrained or arch == "efficientnet-lite0"
        check_arch(arch)
        if arch == "awd-lstm" and ds.texts is None:
            raise ValueError(f"arch: awd-lstm needs a text dataset, {ds.name!r} has no texts")
        size = self.size
        if size is None and ds.paths is not None:
            size = 224 if pretrained else 64
        return replace(self, arch=arch, size=size, pretrained=pretrained, device=resolve_device(self.device))

    @property
    def rgb(self) -> bool:
        """Three-channel images (ImageNet bodies)."""
        return self.arch not in ("small-cnn", "mlp", "awd-lstm")

    @property
    def text(self) -> bool:
        """The learner reads raw texts (AWD_LSTM) rather than embeddings."""
        return self.arch == "awd-lstm"


@dataclass
class PreparedData:
    """The noisy training set and the clean validation set of an experiment."""

    train: LabelledDataset          # labels: noisy; true_labels: clean
    valid: LabelledDataset          # labels: clean
    is_noisy: np.ndarray            # per training example
    noise_pct: float
    noise_type: str | None
    valid_source: str               # "valid split" or "clean stratified 20 % hold-out"
    info: dict[str, Any] = field(default_factory=dict)


def check_noise(dataset: str, noise_pct: float, noise_type: str) -> None:
    """Validate the noise options (before any work). Raises ValueError naming the option."""
    if noise_type not in NOISE_TYPES:
        raise ValueError(f"noise_type: unknown noise type {noise_type!r}; choose uniform or pair")
    if not 0 <= noise_pct < 100:
        raise ValueError(f"noise: percentage must lie in [0, 100), got {noise_pct}")
    if str(dataset) in PUBLISHED_NOISE_DATASETS and noise_pct not in (0, 1, 5, 25, 50):
        raise ValueError(
            f"noise: {dataset} publishes noisy labels at 1, 5, 25 and 50 %, not {noise_pct:g}"
        )


def prepare_data(dataset: str | os.PathLike | LabelledDataset, *, noise_pct: float = 0.0,
                 noise_type: str = "uniform", seed: int = 0, data_dir: str | os.PathLike | None = None,
                 valid_frac: float = 0.2, max_train: int | None = None,
                 load_kwargs: dict[str, Any] | None = None) -> PreparedData:
    """Load ``dataset``, set a clean validation set aside and make the training labels noisy.

    The validation set is the dataset's own ``valid`` split when it has one, otherwise a
    fixed (seed :data:`HOLDOUT_SEED`), clean, stratified ``valid_frac`` of the examples. Noise
    is injected into the training rows only; for Noisy Imagenette / Imagewoof ``noise_pct``
    selects the published noisy label column instead.

    Parameters
    ----------
    dataset : str, path or LabelledDataset
        A built-in name, a path, or an already loaded dataset (labels taken as clean).
    noise_pct : float
        Percentage of training labels to flip (0 for none).
    noise_type : {"uniform", "pair"}
    seed : int
        Seeds the noise.
    data_dir : path, optional
        Local copies of the built-in datasets.
    valid_frac : float
        Size of the hold-out when the dataset has no validation split.
    max_train : int, optional
        Keep a fixed stratified subset of this many training examples (small budgets).
    load_kwargs : dict, optional
        Extra arguments of :func:`fastclean.data.load_dataset` (``label_col`` …).

    Returns
    -------
    PreparedData
    """
    name = dataset.name if isinstance(dataset, LabelledDataset) else str(dataset)
    check_noise(name, noise_pct, noise_type)
    published = name in PUBLISHED_NOISE_DATASETS
    if isinstance(dataset, LabelledDataset):
        full = dataset
    else:
        from ..data import load_dataset

        full = load_dataset(dataset, data_dir=data_dir, split="all",
                            noise_pct=(noise_pct or None) if published else None, **(load_kwargs or {}))
    true_full = full.true_labels if full.true_labels is not None else full.labels
    valid_rows = np.flatnonzero(full.splits == "valid")
    if len(valid_rows):
        train_rows = np.flatnonzero(full.splits == "train")
        if len(train_rows) == 0:
            train_rows = np.flatnonzero(full.splits != "valid")
        valid_source = "valid split"
    else:
        held = stratified_holdout(true_full, valid_frac, seed=HOLDOUT_SEED)
        valid_rows, train_rows = np.flatnonzero(held), np.flatnonzero(~held)
        valid_source = f"clean stratified {valid_frac:.0%} hold-out"
    valid = full.subset(valid_rows).with_labels(true_full[valid_rows])
    train = full.subset(train_rows)
    if max_train is not None and max_train < len(train):
        train = train.subset(stratified_subsample(true_full[train_rows], max_train))
    true_train = train.true_labels if train.true_labels is not None else train.labels.copy()
    if published or not noise_pct:
        noisy = train.labels
    else:
        from ..noise import inject_noise

        noisy, _ = inject_noise(true_train, full.n_classes, noise_pct=noise_pct,
                                noise_type=noise_type, seed=seed)
    train = train.with_labels(noisy)
    train.true_labels = np.asarray(true_train, dtype=np.int64)
    return PreparedData(
        train=train, valid=valid, is_noisy=np.asarray(noisy != true_train),
        noise_pct=float(noise_pct), noise_type=None if (published or not noise_pct) else noise_type,
        valid_source=valid_source,
        info={"dataset": name, "n_train": len(train), "n_valid": len(valid),
              "classes": list(full.classes)},
    )


def with_inputs(ds: LabelledDataset, *, cache_dir: str | os.PathLike | None = None,
                arch: str = "auto", device: str = "cpu") -> LabelledDataset:
    """``ds`` ready for a DataBlock: texts are embedded (MiniLM) when there is nothing else,
    unless ``arch`` reads raw texts (``awd-lstm``); images on disk are replaced by their
    cached EfficientNet-Lite0 features when ``arch`` is ``auto`` or ``mlp`` on a CPU (the
    reference's takeaway: pretrained networks as feature extractors; fine-tuning the whole
    network is for a GPU)."""
    if arch == "awd-lstm":
        return ds
    if ds.images is None and ds.paths is None and ds.features is None and ds.texts is not None:
        from .features import embed_texts

        return embed_texts(ds, cache_dir=cache_dir)
    if ds.images is None and ds.paths is not None and arch in ("auto", "mlp") \
            and resolve_device(device) == "cpu":
        from .features import embed_images

        return embed_images(ds, cache_dir=cache_dir)
    return ds


def _callbacks(spec: LearnerSpec) -> list:
    if spec.track == "none":
        return []
    from .tracking import wandb_callback

    return [wandb_callback(log_preds=False, log_model=False)]


def fit_model(train: LabelledDataset, labels: np.ndarray, valid: LabelledDataset, spec: LearnerSpec,
              *, loss: str = "ce", seed: int = 0):
    """Fit a fastai learner on ``train`` with ``labels``, monitoring ``valid``.

    Returns
    -------
    fastai.learner.Learner
    """
    from .blocks import make_dataloaders
    from .learners import build_learner, fit

    dls = make_dataloaders(train, valid, train_labels=labels, rgb=spec.rgb, size=spec.size,
                           bs=spec.bs, seed=seed, device=spec.device, text=spec.text)
    learn = build_learner(dls, spec.arch, loss=loss, eps=spec.eps, pretrained=spec.pretrained,
                          seed=seed, cbs=_callbacks(spec))
    fit(learn, spec.epochs, freeze_epochs=spec.freeze_epochs, lr=spec.lr)
    return learn


def predict(learn, ds: LabelledDataset, spec: LearnerSpec) -> np.ndarray:
    """Probabilities of ``learn`` for every example of ``ds``, in order."""
    from .blocks import make_test_dl
    from .learners import predict_probs

    return predict_probs(learn, make_test_dl(learn.dls, ds, rgb=spec.rgb, text=spec.text))


def out_of_sample_probs(train: LabelledDataset, spec: LearnerSpec, *, loss: str = "ce",
                        folds: int = 3, seed: int = 0, progress=None) -> np.ndarray:
    """K-fold out-of-sample predicted probabilities for ``train``'s (noisy) labels.

    Each fold is scored by a learner trained (same ``spec``) on the other folds.

    Returns
    -------
    ndarray of float32, shape (N, K)
    """
    fold = stratified_folds(train.labels, folds, seed=seed)
    probs = np.zeros((len(train), train.n_classes), dtype=np.float32)
    for f in range(folds):
        held = np.flatnonzero(fold == f)
        rest = np.flatnonzero(fold != f)
        fit_on = train.subset(rest)
        learn = fit_model(fit_on, fit_on.labels, train.subset(held), spec, loss=loss, seed=seed + f)
        probs[held] = predict(learn, train.subset(held), spec)
        if progress is not None:
            progress()
    return probs


def check_detector(detector: str) -> str:
    """Return ``detector`` if :mod:`fastclean.models` knows it; ValueError naming the choices otherwise."""
    from ..models import MODEL_NAMES

    if detector != "auto" and detector not in MODEL_NAMES:
        raise ValueError(f"detector: unknown model {detector!r}; choose learners (fastai K-fold), "
                         f"auto or one of {', '.join(MODEL_NAMES)}")
    return detector


def detector_probs(train: LabelledDataset, detector: str, *, folds: int = 5, seed: int = 0,
                   cache_dir: str | os.PathLike | None = None) -> np.ndarray:
    """Out-of-sample pred_probs of ``train``'s (noisy) labels from a ``find`` model.

    The same K-fold cross-validation as ``fastclean find`` (:func:`fastclean.crossval.cross_val_pred_probs`,
    features and finished folds cached on disk), so detection reuses the strongest model of the
    ``find`` pipeline rather than a short fastai training run.

    Parameters
    ----------
    train : LabelledDataset
        The raw training set (images, paths or texts) with its noisy labels.
    detector : str
        ``auto`` or a :data:`fastclean.models.MODEL_NAMES` entry (``cnn``, ``minilm+tfidf`` …).
    folds, seed
        Cross-validation folds and seed.
    cache_dir : path, optional
        Feature and fold cache root.

    Returns
    -------
    ndarray of float32, shape (N, K)
    """
    from ..crossval import cross_val_pred_probs

    check_detector(detector)
    probs = cross_val_pred_probs(train, detector, folds=folds, seed=seed, cache_dir=cache_dir,
                                 progress=False)
    return np.asarray(probs, dtype=np.float32)


def accuracy(probs: np.ndarray, labels: np.ndarray) -> float:
    """Fraction of rows whose most probable class is ``labels``."""
    return float(np.mean(np.asarray(probs).argmax(axis=1) == np.asarray(labels)))


def detection_scores(flagged: np.ndarray, is_noisy: np.ndarray) -> dict[str, float]:
    """Precision, recall and F1 of ``flagged`` against the known noise (see :mod:`fastclean.core`)."""
    from .. import core

    scores = core.detection_scores(flagged, is_noisy)
    return {key: float(scores[key]) for key in ("precision", "recall", "f1")}


class DetectionChoice:
    """Mixin of configurations with ``detector`` and ``folds`` fields: what they resolve to."""

    detector: str | None
    folds: int | None

    @property
    def uses_find_model(self) -> bool:
        """Detection by a ``find`` model rather than by fastai learners."""
        return self.detector not in (None, "learners")

    @property
    def resolved_folds(self) -> int:
        """``folds``, or its default for the detector: 5 with a find model, 3 with learners."""
        if self.folds is not None:
            return self.folds
        return 5 if self.uses_find_model else 3


@dataclass
class TrainConfig(DetectionChoice):
    """Everything ``fastclean train`` needs; written as ``config.json``."""

    dataset: str
    strategy: str = "baseline"
    noise_pct: float = 0.0
    noise_type: str = "uniform"
    seed: int = 0
    loss: str | None = None            # None: the strategy's own (ls for label-smoothing)
    filter_by: str = "prune_by_noise_rate"
    threshold: float = 0.9
    keep_unconfident: bool = False
    folds: int | None = None           # None: 5 with a find model, 3 with learners
    max_train: int | None = None
    data_dir: str | None = None
    load_kwargs: dict[str, Any] = field(default_factory=dict)  # label_col, text_col, …
    learner: LearnerSpec = field(default_factory=LearnerSpec)
    #: A find model for detection (``auto``, ``cnn`` …), or ``"learners"`` / ``None``: K-fold
    #: fastai learners with the training budget and loss.
    detector: str | None = "auto"

    def check(self) -> "TrainConfig":
        """Validate the options that need no data. Raises ValueError naming the option."""
        strat.check_strategy(self.strategy)
        strat.check_threshold(self.threshold)
        strat.check_filter_by(self.filter_by)
        if self.loss is not None:
            check_loss(self.loss)
        if self.strategy in ("label-smoothing", "ls+pseudo-label") and self.loss == "ce":
            raise ValueError(f"loss: strategy {self.strategy!r} trains with label smoothing, not ce")
        check_noise(self.dataset, self.noise_pct, self.noise_type)
        if self.folds is not None and self.folds < 2:
            raise ValueError(f"folds: need at least 2 folds, got {self.folds}")
        if self.uses_find_model:
            check_detector(self.detector)
        return self

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class TrainResult:
    """What :func:`run_training` produced."""

    config: dict[str, Any]
    metrics: dict[str, Any]
    learner: Any
    data: PreparedData
    cleaned: strat.CleanedLabels
    pred_probs: np.ndarray | None


def run_training(config: TrainConfig, *, dataset: LabelledDataset | None = None,
                 cache_dir: str | os.PathLike | None = None, progress=None) -> TrainResult:
    """Run one strategy end to end and score it on the clean validation set.

    Parameters
    ----------
    config : TrainConfig
    dataset : LabelledDataset, optional
        Use this instead of loading ``config.dataset``.
    cache_dir : path, optional
        Feature cache (text embeddings).
    progress : callable, optional
        Called once per finished model fit.

    Returns
    -------
    TrainResult
    """
    config.check()
    t0 = time.perf_counter()
    data = prepare_data(dataset if dataset is not None else config.dataset,
                        noise_pct=config.noise_pct, noise_type=config.noise_type, seed=config.seed,
                        data_dir=config.data_dir, max_train=config.max_train,
                        load_kwargs=config.load_kwargs)
    device = config.learner.device
    train = with_inputs(data.train, cache_dir=cache_dir, arch=config.learner.arch, device=device)
    valid = with_inputs(data.valid, cache_dir=cache_dir, arch=config.learner.arch, device=device)
    spec = config.learner.resolved(train)
    loss = strat.strategy_loss(config.strategy, config.loss)
    pred_probs = None
    if config.strategy in strat.CL_STRATEGIES and config.uses_find_model:
        pred_probs = detector_probs(data.train, config.detector, folds=config.resolved_folds,
                                    seed=config.seed, cache_dir=cache_dir)
    elif config.strategy in strat.CL_STRATEGIES:
        pred_probs = out_of_sample_probs(train, spec, loss=loss, folds=config.resolved_folds,
                                         seed=config.seed, progress=progress)
    cleaned = strat.apply_strategy(config.strategy, train.labels, pred_probs,
                                   filter_by=config.filter_by, threshold=config.threshold,
                                   keep_unconfident=config.keep_unconfident)
    kept = train.subset(cleaned.keep)
    learn = fit_model(kept, cleaned.labels[cleaned.keep], valid, spec, loss=loss, seed=config.seed)
    if progress is not None:
        progress()
    val_acc = accuracy(predict(learn, valid, spec), valid.labels)
    metrics: dict[str, Any] = {
        "clean_val_accuracy": val_acc,
        "n_train": len(train),
        "n_valid": len(valid),
        "n_kept": int(cleaned.keep.sum()),
        "n_flagged": int(cleaned.flagged.sum()),
        "n_relabelled": int(cleaned.relabelled.sum()),
        "n_actual_noisy": int(data.is_noisy.sum()),
        "validation": data.valid_source,
        "seconds": round(time.perf_counter() - t0, 2),
    }
    if config.strategy in strat.CL_STRATEGIES:
        metrics.update(detection_scores(cleaned.flagged, data.is_noisy))
        metrics["noise_rate_after_cleaning"] = float(np.mean(
            cleaned.labels[cleaned.keep] != train.true_labels[cleaned.keep])) if cleaned.keep.any() else None
    resolved = config.to_dict()
    resolved["learner"] = asdict(spec)
    resolved["loss_used"] = loss
    return TrainResult(config=resolved, metrics=metrics, learner=learn, data=data,
                       cleaned=cleaned, pred_probs=pred_probs)
