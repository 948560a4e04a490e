"""``fastclean train``: train a fastai model despite noisy labels with one strategy."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from .common import app, console, detector_option, folds_option, handle_errors, reserve_out


def learner_spec(arch: str, epochs: int, freeze_epochs: int, bs: int, lr: Optional[float],
                 size: Optional[int], pretrained: bool, eps: float, device: str, track: str):
    """The :class:`fastclean.train.LearnerSpec` the options describe, checked up front."""
    from ..train import LearnerSpec
    from ..train.experiment import resolve_device
    from ..train.learners import ARCHS

    if arch != "auto" and arch not in ARCHS:
        raise ValueError(f"arch: unknown architecture {arch!r}; choose auto or one of {', '.join(ARCHS)}")
    if track not in ("none", "wandb"):
        raise ValueError(f"track: unknown tracker {track!r}; choose none or wandb")
    if track == "wandb":
        try:
            import wandb  # noqa: F401
        except ImportError:
            raise ValueError("track: wandb is not installed (pip install wandb), or use --track none") from None
        check_wandb_login()
    check_numbers(epochs=epochs, freeze_epochs=freeze_epochs, bs=bs, lr=lr, size=size, eps=eps)
    resolve_device(device)
    return LearnerSpec(arch=arch, epochs=epochs, freeze_epochs=freeze_epochs, bs=bs, lr=lr, size=size,
                       pretrained=pretrained, eps=eps, device=device, track=track)


def check_numbers(*, epochs: int, freeze_epochs: int, bs: int, lr: Optional[float],
                  size: Optional[int], eps: float, max_train: Optional[int] = None,
                  folds: Optional[int] = None) -> None:
    """Refuse numeric options out of range, naming the option, before any work."""
    if epochs < 1:
        raise ValueError(f"--epochs: must be at least 1, got {epochs}")
    if freeze_epochs < 0:
        raise ValueError(f"--freeze-epochs: must be 0 or more, got {freeze_epochs}")
    if bs < 1:
        raise ValueError(f"--bs: batch size must be at least 1, got {bs}")
    if lr is not None and not lr > 0:
        raise ValueError(f"--lr: learning rate must be greater than 0, got {lr:g}")
    if size is not None and size < 1:
        raise ValueError(f"--size: must be at least 1, got {size}")
    if not 0 <= eps < 1:
        raise ValueError(f"--eps: label smoothing must lie in [0, 1), got {eps:g}")
    if max_train is not None and max_train < 1:
        raise ValueError(f"--max-train: must be at least 1, got {max_train}")
    if folds is not None and folds < 2:
        raise ValueError(f"--folds: need at least 2 folds, got {folds}")


def check_wandb_login() -> None:
    """Refuse ``--track wandb`` without a W&B API key before any work (wandb would ask for one,
    or fail after training started)."""
    import netrc

    if os.environ.get("WANDB_API_KEY") or os.environ.get("WANDB_MODE", "").lower() in ("offline", "disabled", "dryrun"):
        return
    with contextlib.suppress(OSError, netrc.NetrcParseError):
        hosts = netrc.netrc(os.environ.get("NETRC") or None).hosts
        if any("wandb" in host for host in hosts):
            return
    raise ValueError("--track wandb: no W&B API key; run `wandb login`, set WANDB_API_KEY, "
                     "or set WANDB_MODE=offline (or use --track none)")


def load_options(label_col, text_col, path_col, split_col) -> dict:
    """``load_dataset`` keyword arguments for the CSV/TSV column options that were given."""
    given = dict(label_col=label_col, text_col=text_col, path_col=path_col, split_col=split_col)
    return {k: v for k, v in given.items() if v is not None}


@app.command()
@handle_errors
def train(
    dataset: str = typer.Argument(..., help="Built-in dataset name or a path (folder, .csv/.tsv)."),
    out: Path = typer.Option(..., "--out", help="Directory to create (model/export.pkl, metrics.json, …)."),
    strategy: str = typer.Option(
        "baseline", "--strategy",
        help="baseline | label-smoothing | prune | pseudo-label | relabel | ls+pseudo-label."),
    noise: float = typer.Option(0.0, "--noise", help="Percentage of training labels to flip "
                                "(noisy-imagenette/woof: the published 1, 5, 25 or 50)."),
    noise_type: str = typer.Option("uniform", "--noise-type", help="uniform | pair."),
    seed: int = typer.Option(0, "--seed", help="Seeds noise, folds and training."),
    epochs: int = typer.Option(3, "--epochs", help="Epochs per model (after freeze epochs)."),
    freeze_epochs: int = typer.Option(1, "--freeze-epochs", help="Frozen epochs of fine_tune (pretrained only)."),
    loss: Optional[str] = typer.Option(None, "--loss", help="ce | ls (default: the strategy's)."),
    eps: float = typer.Option(0.1, "--eps", help="Label-smoothing strength for --loss ls."),
    filter_by: str = typer.Option("prune_by_noise_rate", "--filter-by", help="How CL flags issues."),
    threshold: float = typer.Option(0.9, "--threshold", help="Pseudo-label confidence threshold, in (0, 1]; a low one (0.01) relabels every flagged example."),
    keep_unconfident: bool = typer.Option(
        False, "--keep-unconfident", help="Pseudo-label: keep flagged examples below the threshold."),
    folds: Optional[int] = folds_option(),
    detector: str = detector_option(),
    arch: str = typer.Option("auto", "--arch", help="auto | small-cnn | resnet18 | resnet34 | "
                             "efficientnet-lite0 | mlp | awd-lstm."),
    pretrained: bool = typer.Option(False, "--pretrained", help="Start from ImageNet weights (downloads once)."),
    size: Optional[int] = typer.Option(None, "--size", help="Resize images on disk to SIZE×SIZE."),
    bs: int = typer.Option(64, "--bs", help="Batch size."),
    lr: Optional[float] = typer.Option(None, "--lr", help="Learning rate (default 1e-2 from scratch, 2e-3 fine-tune)."),
    max_train: Optional[int] = typer.Option(None, "--max-train", help="Train on a fixed stratified subset."),
    device: str = typer.Option("cpu", "--device", help="cpu | cuda | auto."),
    track: str = typer.Option("none", "--track", help="none | wandb (fastai WandbCallback)."),
    data_dir: Optional[Path] = typer.Option(None, "--data-dir", envvar="FASTCLEAN_DATA",
                                            help="Local copies of the built-in datasets."),
    label_col: Optional[str] = typer.Option(None, "--label-col"),
    text_col: Optional[str] = typer.Option(None, "--text-col"),
    path_col: Optional[str] = typer.Option(None, "--path-col"),
    split_col: Optional[str] = typer.Option(None, "--split-col"),
    overwrite: bool = typer.Option(
        False, "--overwrite", help="Replace --out if it is a fastclean train run (never another folder)."),
) -> None:
    """Train with a noise-robust strategy; score on a clean validation set."""
    from ..train import TrainConfig, run_training
    from ..train.output import write_training
    from .safety import data_dir_for, dataset_inputs, prepare_cache

    data_dir = data_dir_for(dataset, data_dir)
    spec = learner_spec(arch, epochs, freeze_epochs, bs, lr, size, pretrained, eps, device, track)
    check_numbers(epochs=epochs, freeze_epochs=freeze_epochs, bs=bs, lr=lr, size=size, eps=eps,
                  max_train=max_train, folds=folds)
    prepare_cache()
    config = TrainConfig(
        dataset=dataset, strategy=strategy, noise_pct=noise, noise_type=noise_type, seed=seed,
        loss=loss, filter_by=filter_by, threshold=threshold, keep_unconfident=keep_unconfident,
        folds=folds, max_train=max_train, data_dir=str(data_dir) if data_dir else None,
        load_kwargs=load_options(label_col, text_col, path_col, split_col), learner=spec,
        detector=detector,
    ).check()
    reserve_out(out, overwrite=overwrite, kind="train", inputs=dataset_inputs(dataset, data_dir))
    fits = [0]
    with console.status(f"training {strategy} on {dataset}") as status:
        def progress() -> None:
            fits[0] += 1
            status.update(f"training {strategy} on {dataset}: {fits[0]} model(s) fitted")

        if track == "wandb":
            import wandb

            try:
                wandb.init(project="fastclean", config=config.to_dict(), reinit=True)
            except Exception as exc:  # wandb raises its own error types (UsageError, CommError)
                raise ValueError(f"--track wandb: W&B could not start: {' '.join(str(exc).split())}") from None
        try:
            result = run_training(config, progress=progress)
        finally:
            if track == "wandb":
                wandb.finish()
        write_training(result, out, overwrite=overwrite)
    table = Table(title=f"{strategy} on {dataset} ({noise:g} % {noise_type} noise)", show_header=False)
    for key in ("clean_val_accuracy", "n_train", "n_kept", "n_flagged", "n_relabelled",
                "n_actual_noisy", "precision", "recall", "f1", "seconds"):
        value = result.metrics.get(key)
        if value is not None:
            table.add_row(key, f"{value:.4f}" if isinstance(value, float) else str(value))
    console.print(table)
    console.print(f"written: [bold]{out}[/bold]")
