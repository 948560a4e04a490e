"""``fastclean bench``: the detection × training grid at several noise levels."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from .common import app, console, detector_option, folds_option, handle_errors, reserve_out
from .train import check_numbers, learner_spec, load_options


def noise_levels(given: List[str], extra: List[str], ctx: Optional[typer.Context] = None) -> list[float]:
    """Noise levels from ``--noise 1 5 25 50`` (the values after the first arrive as extra args),
    ``--noise 1 --noise 5`` or ``--noise 1,5``.

    Extra arguments that look like options (``--epoch``) are unknown options, not noise levels:
    click hands them over with the levels because bench accepts extra arguments.
    """
    for text in extra:
        if str(text).startswith("--") or (str(text).startswith("-") and not _is_number(text)):
            from .common import unknown_option_message

            if ctx is None:
                raise ValueError(f"unknown option {text!r}")
            raise ValueError(unknown_option_message(str(text), ctx))
    levels = []
    for text in list(given) + list(extra):
        for part in str(text).split(","):
            if not part.strip():
                continue
            try:
                levels.append(float(part))
            except ValueError:
                raise ValueError(f"noise: {part!r} is not a percentage") from None
    repeated = sorted({level for level in levels if levels.count(level) > 1})
    if repeated:
        raise ValueError(f"--noise: {', '.join(f'{level:g}' for level in repeated)} given more than once")
    return levels


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
@handle_errors
def bench(
    ctx: typer.Context,
    dataset: str = typer.Argument(..., help="Built-in dataset name or a path."),
    noise: List[str] = typer.Option(..., "--noise", help="Noise levels in %, e.g. --noise 1 5 25 50."),
    out: Path = typer.Option(..., "--out", help="Directory to create (results.csv, results.md, …)."),
    noise_type: str = typer.Option("uniform", "--noise-type", help="uniform | pair."),
    seed: int = typer.Option(0, "--seed"),
    losses: str = typer.Option("ce,ls", "--losses", help="Detection/training losses, comma separated."),
    filter_bys: str = typer.Option("prune_by_noise_rate,both", "--filter-bys",
                                   help="CL filters, comma separated."),
    strategies: str = typer.Option("baseline,label-smoothing,prune,pseudo-label,relabel", "--strategies",
                                   help="Training strategies, comma separated."),
    threshold: float = typer.Option(0.9, "--threshold", help="Pseudo-label confidence threshold, in (0, 1]; a low one (0.01) relabels every flagged example."),
    keep_unconfident: bool = typer.Option(False, "--keep-unconfident"),
    folds: Optional[int] = folds_option(),
    detector: str = detector_option(),
    epochs: int = typer.Option(3, "--epochs", help="Epochs per model, the same for every model."),
    freeze_epochs: int = typer.Option(1, "--freeze-epochs"),
    arch: str = typer.Option("auto", "--arch"),
    pretrained: bool = typer.Option(False, "--pretrained"),
    size: Optional[int] = typer.Option(None, "--size"),
    bs: int = typer.Option(64, "--bs"),
    lr: Optional[float] = typer.Option(None, "--lr"),
    eps: float = typer.Option(0.1, "--eps"),
    max_train: Optional[int] = typer.Option(None, "--max-train", help="Fixed stratified training subset."),
    device: str = typer.Option("auto", "--device", help="auto (a GPU when there is one) | cpu | cuda."),
    data_dir: Optional[Path] = typer.Option(None, "--data-dir", envvar="FASTCLEAN_DATA"),
    label_col: Optional[str] = typer.Option(None, "--label-col"),
    text_col: Optional[str] = typer.Option(None, "--text-col"),
    path_col: Optional[str] = typer.Option(None, "--path-col"),
    split_col: Optional[str] = typer.Option(None, "--split-col"),
    jobs: Optional[int] = typer.Option(
        None, "--jobs", help="Fits at once, one single-threaded process each (default: the idle cores; 1 on a GPU)."),
    resume: bool = typer.Option(
        True, "--resume/--no-resume", help="Reuse fits and detections a killed or earlier run finished."),
    overwrite: bool = typer.Option(
        False, "--overwrite", help="Replace --out if it is a fastclean bench directory (never another folder)."),
) -> None:
    """Run the noise-robustness grid and write results.csv, results.md and per-noise predictions."""
    from ..train.bench import BenchConfig, run_bench

    split = lambda text: [part.strip() for part in text.split(",") if part.strip()]  # noqa: E731
    from .safety import data_dir_for

    data_dir = data_dir_for(dataset, data_dir)
    levels = noise_levels(noise, ctx.args, ctx)
    spec = learner_spec(arch, epochs, freeze_epochs, bs, lr, size, pretrained, eps, device, "none")
    check_numbers(epochs=epochs, freeze_epochs=freeze_epochs, bs=bs, lr=lr, size=size, eps=eps,
                  max_train=max_train, folds=folds)
    config = BenchConfig(
        dataset=dataset, noise_levels=levels, noise_type=noise_type, seed=seed,
        losses=split(losses), filter_bys=split(filter_bys), strategies=split(strategies),
        threshold=threshold, keep_unconfident=keep_unconfident, folds=folds, max_train=max_train,
        data_dir=str(data_dir) if data_dir else None,
        load_kwargs=load_options(label_col, text_col, path_col, split_col), learner=spec,
        detector=detector, jobs=jobs, resume=resume,
    ).check()
    from .safety import dataset_inputs, prepare_cache

    prepare_cache()
    reserve_out(out, overwrite=overwrite, kind="bench", inputs=dataset_inputs(dataset, data_dir))
    if console.is_terminal:
        with console.status(f"bench {dataset}") as status:
            results = run_bench(config, out, overwrite=overwrite,
                                progress=lambda msg: (console.log(msg), status.update(msg)))
    else:  # a log file: one line per finished model, no spinner frames
        results = run_bench(config, out, overwrite=overwrite, progress=console.log)
    console.print((out / "results.md").read_text())
    console.print(f"{len(results)} rows written to [bold]{out}[/bold]")
