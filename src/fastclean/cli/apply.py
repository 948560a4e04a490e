"""``fastclean apply RUN --out DIR``: the given labels with a review's decisions applied."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .common import app, console, handle_errors, reserve_out


@app.command("apply")
@handle_errors
def apply_command(
    run_dir: Path = typer.Argument(..., help="A run directory written by `fastclean find`."),
    out: Path = typer.Option(..., "--out", help="Directory to create: corrected label files + changes.csv."),
    decisions: Optional[Path] = typer.Option(
        None, "--decisions", help="An exported decisions CSV (fastclean review --export); "
        "default: the run's review.sqlite."),
    data_dir: Optional[Path] = typer.Option(
        None, "--data-dir", help="Where the built-in datasets are (default: as recorded by find, "
        "else $FASTCLEAN_DATA)."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace --out if it exists."),
) -> None:
    """Write the labels with accepted / relabelled / dropped decisions applied, in the data's own format."""
    from ..apply import apply_decisions, apply_inputs

    reserve_out(out, overwrite=overwrite, kind="apply", inputs=apply_inputs(run_dir, decisions, data_dir))
    result = apply_decisions(run_dir, out, decisions=decisions, data_dir=data_dir, overwrite=overwrite)
    c = result.counts
    console.print(
        f"{result.n_examples} examples: {c['accept']} accepted, {c['relabel']} relabelled, "
        f"{c['drop']} dropped, {c['keep']} kept, {c['none']} undecided; "
        f"{result.n_changed} labels changed or dropped")
    console.print(f"wrote [bold]{out}[/bold]: {', '.join(result.files)}")
