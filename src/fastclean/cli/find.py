"""``fastclean find``: flag label issues from arrays or from a dataset."""

from __future__ import annotations

import json
import time
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from .common import app, console, handle_errors, reserve_out


class FilterBy(str, Enum):
    prune_by_noise_rate = "prune_by_noise_rate"
    prune_by_class = "prune_by_class"
    both = "both"
    confident_learning = "confident_learning"
    predicted_neq_given = "predicted_neq_given"
    low_normalized_margin = "low_normalized_margin"
    low_self_confidence = "low_self_confidence"
    calibrated_count = "calibrated_count"


class RankBy(str, Enum):
    self_confidence = "self_confidence"
    normalized_margin = "normalized_margin"
    confidence_weighted_entropy = "confidence_weighted_entropy"


class Split(str, Enum):
    train = "train"
    valid = "valid"
    test = "test"
    all = "all"


class NoiseType(str, Enum):
    uniform = "uniform"
    pair = "pair"


@app.command()
@handle_errors
def find(
    dataset: Optional[str] = typer.Argument(
        None, help="Built-in dataset name or a path (folder of class folders, .csv/.tsv). "
        "Omit it and give --labels/--pred-probs to search precomputed probabilities."
    ),
    out: Path = typer.Option(..., "--out", help="Run directory to create."),
    labels: Optional[Path] = typer.Option(None, "--labels", help="Given labels, .npy or .csv (ints)."),
    pred_probs: Optional[Path] = typer.Option(
        None, "--pred-probs", help="Out-of-sample predicted probabilities, .npy or .csv (N×K)."
    ),
    classes: Optional[Path] = typer.Option(None, "--classes", help="classes.json: list of class names."),
    filter_by: FilterBy = typer.Option(FilterBy.both, "--filter-by", help="How to select issues."),
    rank_by: RankBy = typer.Option(RankBy.normalized_margin, "--rank-by", help="How to rank them."),
    renormalize: bool = typer.Option(
        False, "--renormalize", help="Divide each pred_probs row by its sum instead of rejecting it."
    ),
    data_dir: Optional[Path] = typer.Option(
        None, "--data-dir", help="Local copies of the built-in datasets (default: $FASTCLEAN_DATA, "
        "then ~/.cache/fastclean/data, downloading when missing)."
    ),
    split: Split = typer.Option(Split.train, "--split", help="Which split to search."),
    noise: Optional[float] = typer.Option(
        None, "--noise", help="Percentage of labels to flip (noisy-imagenette: 1, 5, 25 or 50)."
    ),
    noise_type: NoiseType = typer.Option(NoiseType.uniform, "--noise-type"),
    seed: int = typer.Option(0, "--seed", help="Seed for noise and folds."),
    model: str = typer.Option("auto", "--model", help="Model for pred_probs (auto picks by data type)."),
    folds: int = typer.Option(5, "--folds", min=2, help="Cross-validation folds."),
    label_col: Optional[str] = typer.Option(None, "--label-col"),
    text_col: Optional[str] = typer.Option(None, "--text-col"),
    path_col: Optional[str] = typer.Option(None, "--path-col"),
    split_col: Optional[str] = typer.Option(None, "--split-col"),
    skip_bad: bool = typer.Option(False, "--skip-bad", help="Skip unreadable images (listed in summary.json)."),
    top: int = typer.Option(10, "--top", min=0, help="How many issues to print."),
    worst: int = typer.Option(0, "--worst", min=0,
                              help="Also print the N lowest-quality given labels, flagged or not."),
    overwrite: bool = typer.Option(
        False, "--overwrite", help="Replace --out if it is a fastclean find run (never another folder)."),
    discard_review: bool = typer.Option(
        False, "--discard-review", help="With --overwrite: also replace a run holding review decisions."),
    multi_label: bool = typer.Option(
        False, "--multi-label", help="Several classes per example: a DATASET .csv/.tsv whose "
        "--label-col cells hold label sets (one-vs-rest model on --text-col or --path-col images), or --labels "
        ".json (list of lists), .npy (object array) or .csv with --pred-probs."),
    label_sep: str = typer.Option("|", "--label-sep", help="Separator of classes in a --multi-label CSV cell."),
    checks: Optional[str] = typer.Option(
        None, "--checks", help="Comma-separated: labels, duplicates, outliers, imbalance (default: "
        "all; --labels/--pred-probs runs have no features, so only labels and imbalance)."
    ),
    workers: int = typer.Option(1, "--workers", help="Dask worker processes to start locally "
                                "(1: no Dask). Same results, same caches."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Use a running Dask "
                                            "cluster at this address (tcp://HOST:PORT)."),
    worker_memory: Optional[str] = typer.Option(None, "--worker-memory",
                                                help="Memory limit per local worker, e.g. 3GB."),
    chunk_rows: Optional[int] = typer.Option(None, "--chunk-rows", min=1,
                                             help="Rows per block of a .npy pred_probs."),
) -> None:
    """Find label issues and write a run directory (issues.csv, summary.json, report.html, …)."""
    from .. import run as run_module
    from ..audit import parse_checks
    from ..scale.cli import check_cluster_options, find_chunked_run, fold_runner, use_cluster, wants_chunked
    from .safety import check_find_args, dataset_inputs, load_array_noted as load_array, renormalize_hint

    check_find_args(dataset, labels, pred_probs, classes)
    check_cluster_options(workers, scheduler, worker_memory)
    wanted = parse_checks(checks)
    if multi_label and noise is not None:
        raise ValueError("--noise: not supported with --multi-label (label sets are used as given)")
    reserve_out(out, overwrite=overwrite, kind="find", discard_review=discard_review,
                inputs=dataset_inputs(dataset, data_dir) + [labels, pred_probs, classes])
    if multi_label:
        if dataset is not None:
            from ..multilabel_dataset import find_multilabel_in_table

            with console.status("cross-validating a one-vs-rest model"):
                summary = find_multilabel_in_table(
                    dataset, out, label_col=label_col, text_col=text_col, path_col=path_col,
                    split_col=split_col, split=split.value, sep=label_sep, model=model,
                    folds=folds, seed=seed, filter_by=filter_by.value, rank_by=rank_by.value,
                    overwrite=overwrite)
        else:
            summary = _find_multilabel(labels, pred_probs, classes, out, filter_by.value,
                                       rank_by.value, label_sep, label_col, overwrite)
        _print_multilabel(out, summary, top)
        return
    client = use_cluster(workers, scheduler, worker_memory, arrays=dataset is None)  # None: no Dask
    started = time.perf_counter()
    if dataset is None:
        if labels is None or pred_probs is None:
            raise ValueError("give a DATASET, or both --labels and --pred-probs")
        class_names = _read_classes(classes) if classes else None
        if wants_chunked(pred_probs, client is not None):  # block by block, no copy
            find_chunked_run(labels, pred_probs, out, classes=class_names, renormalize=renormalize,
                             filter_by=filter_by.value, rank_by=rank_by.value, client=client,
                             chunk_rows=chunk_rows, overwrite=overwrite, checks=wanted)
            print_run(out, top=top)
            return
        with renormalize_hint():
            result = run_module.find_from_probs(
                load_array(labels, what="labels"),
                load_array(pred_probs, what="pred_probs"),
                class_names,
                filter_by=filter_by.value,
                rank_by=rank_by.value,
                renormalize=renormalize,
            )
        result.dataset = {"name": None, "modality": "array", "labels_file": str(labels),
                          "pred_probs_file": str(pred_probs)}
        _data_issues_from_labels(result, wanted)
    else:
        if labels is not None or pred_probs is not None:
            raise ValueError("give either a DATASET or --labels/--pred-probs, not both")
        result = run_module.find_in_dataset(
            dataset,
            data_dir=data_dir,
            split=split.value,
            noise_pct=noise,
            noise_type=noise_type.value,
            seed=seed,
            model=model,
            folds=folds,
            filter_by=filter_by.value,
            rank_by=rank_by.value,
            label_col=label_col,
            text_col=text_col,
            path_col=path_col,
            split_col=split_col,
            skip_bad=skip_bad,
            checks=wanted,
            fold_runner=fold_runner(client),
        )
    result.timings["total"] = time.perf_counter() - started
    with console.status("writing run directory"):
        run_module.write_run(result, out, overwrite=overwrite)
    run = print_run(out, top=top)
    print_skipped(run.dataset.get("skipped") or [])
    _print_data_issue_counts(run.summary)
    if worst:
        print_worst(run.examples, worst)


def print_skipped(skipped: list, shown: int = 5) -> None:
    """Say how many unreadable inputs ``--skip-bad`` left out, and name the first few."""
    if not skipped:
        return
    first = ", ".join(str(s) for s in skipped[:shown])
    more = f" and {len(skipped) - shown} more" if len(skipped) > shown else ""
    console.print(f"skipped {len(skipped)} unreadable input(s): {first}{more} (all in summary.json)",
                  highlight=False, soft_wrap=True)


def _find_multilabel(labels, pred_probs, classes, out, filter_by, rank_by, sep, label_col,
                     overwrite) -> dict:
    """``find --multi-label``: label sets from --labels, probabilities from --pred-probs."""
    from ..multilabel_run import find_multilabel_run
    from .safety import load_array_noted as load_array

    if labels is None or pred_probs is None:
        raise ValueError("--multi-label: give a DATASET, or both --labels and --pred-probs")
    return find_multilabel_run(
        labels, load_array(pred_probs, what="pred_probs"), out,
        class_names=_read_classes(classes) if classes else None, sep=sep, label_col=label_col,
        filter_by=filter_by, rank_by=rank_by, overwrite=overwrite)


def _print_multilabel(out, summary, top) -> None:
    """Write the multi-label run's report.html, then print its worst label sets."""
    from ..report.multilabel import write_multilabel_report

    write_multilabel_report(out)
    console.print(f"{summary['n_issues']} of {summary['n_examples']} examples have a suspicious "
                  f"label set; written to {out}/issues.csv")
    if top:
        import csv

        with (out / "issues.csv").open(newline="") as fh:
            rows = list(csv.DictReader(fh))[:top]
        table = Table("rank", "index", "given", "suggested", "label_quality")
        for row in rows:
            table.add_row(row["rank"], row["index"], row["given_label"], row["suggested_label"],
                          row["label_quality"])
        console.print(table)


def _data_issues_from_labels(result, wanted) -> None:
    """Labels and pred_probs alone: no features, so class imbalance and outliers from pred_probs."""
    from ..data_issues import labels_only

    if "labels" not in wanted:
        result.issue_indices = result.issue_indices[:0]
    if "imbalance" in wanted or "outliers" in wanted:
        result.data_issues, info = labels_only(result.labels, result.classes, wanted,
                                               result.pred_probs)
        result.timings["data_issues"] = info.pop("seconds")
        result.extra["data_issues"] = info
    result.settings["checks"] = list(wanted)


def _print_data_issue_counts(summary: dict) -> None:
    counts = summary.get("data_issues", {}).get("counts")
    if counts:
        console.print("data issues (examples): " + ", ".join(
            f"{kind.replace('_', ' ')} {n}" for kind, n in counts.items()) + "; see data_issues.csv")


def print_worst(examples, n: int) -> None:
    """Print the ``n`` examples whose given label has the lowest quality score, flagged or not.

    On nearly clean data CL flags few examples; this list is where a person looks for the
    remaining real errors (e.g. the known mistakes in MNIST's test set).
    """
    worst = examples.nsmallest(n, "label_quality", keep="first")
    table = Table(title=f"{len(worst)} lowest-quality given labels (flagged or not)")
    for name, justify in (("index", "right"), ("id", "left"), ("given → suggested", "left"),
                          ("quality", "right"), ("flagged", "left")):
        table.add_column(name, justify=justify, no_wrap=True)
    for _, row in worst.iterrows():
        table.add_row(str(row["index"]), str(row["id"]),
                      f"{row['given_label']} → {row['suggested_label']}",
                      f"{row['label_quality']:.4f}", "yes" if str(row["is_issue"]) == "True" else "no")
    console.print(table)


def _read_classes(path: Path) -> list[str]:
    if not path.exists():
        raise FileNotFoundError(f"classes: file not found: {path}")
    try:
        names = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise ValueError(f"classes: {path} is not valid JSON ({exc.msg})") from None
    if not isinstance(names, list) or not all(isinstance(n, (str, int)) for n in names):
        raise ValueError(f"classes: {path} must hold a JSON list of class names")
    names = [str(n) for n in names]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"classes: {path} names a class more than once: {', '.join(map(repr, repeated))}")
    return names


def print_run(out: Path, *, top: int = 10):
    """Print the worst issues and the summary of a run directory; return the run read."""
    from ..run import read_run

    run = read_run(out)
    issues = run.issues.head(top)
    table = Table(title=f"Top {len(issues)} of {len(run.issues)} label issues (worst first)")
    table.add_column("rank", justify="right", no_wrap=True, min_width=4)
    table.add_column("id", no_wrap=True, min_width=8, max_width=22, overflow="ellipsis")
    table.add_column("split", no_wrap=True, min_width=5)
    table.add_column("given → suggested", no_wrap=True, min_width=12, max_width=34, overflow="ellipsis")
    table.add_column("conf", justify="right", no_wrap=True, min_width=11)
    has_text = "text" in issues.columns
    has_truth = "is_noisy" in issues.columns
    if has_truth:
        table.add_column("noisy?", no_wrap=True, min_width=6)
    if has_text:
        table.add_column("text", no_wrap=True, overflow="ellipsis", max_width=max(20, console.width - 80))
    for _, row in issues.iterrows():
        cells = [
            str(row["rank"]), str(row["id"]), str(row["split"]),
            f"{row['given_label']} → {row['suggested_label']}",
            f"{row['confidence']:.2f} ({row['confidence_bucket']})",
        ]
        if has_truth:
            cells.append("yes" if str(row["is_noisy"]) == "True" else "no")
        if has_text:
            cells.append(" ".join(str(row["text"]).split()))
        table.add_row(*cells)
    console.print(table)
    s = run.summary
    summary = Table(title="Summary", show_header=False)
    summary.add_column("key")
    summary.add_column("value")
    rows = [
        ("examples", f"{s['n_examples']}"),
        ("classes", f"{s['n_classes']}"),
        ("issues flagged", f"{s['n_issues']} ({s['n_issues'] / max(s['n_examples'], 1):.1%})"),
        ("estimated noise rate", f"{s['estimated_noise_rate']:.1%}"),
        ("label health score", f"{s['overall_label_health_score']:.3f}"),
        ("accuracy vs given labels", f"{s['accuracy_vs_given_labels']:.2%}"),
    ]
    if "precision" in s:
        rows += [
            ("actually noisy", f"{s['n_actual_noisy']}"),
            ("precision", f"{s['precision']:.3f}"),
            ("recall", f"{s['recall']:.3f}"),
            ("f1", f"{s['f1']:.3f}"),
        ]
        if s.get("auprc") is not None:
            rows.append(("AUPRC of ranking", f"{s['auprc']:.3f}"))
    if "accuracy_vs_true_labels" in s:
        rows.append(("accuracy vs true labels", f"{s['accuracy_vs_true_labels']:.2%}"))
    rows.append(("total seconds", f"{s['timings'].get('total', float('nan')):.1f}"))
    for k, v in rows:
        summary.add_row(k, v)
    console.print(summary)
    console.print(f"run directory: [bold]{out}[/bold]")
    return run
