"""``fastclean rescore RUN --models …``: models on the original vs the corrected labels."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer
from rich.table import Table

from .common import app, console, handle_errors


@app.command(context_settings={"allow_extra_args": True})
@handle_errors
def rescore(
    ctx: typer.Context,
    run_dir: Path = typer.Argument(..., help="A reviewed run directory (e.g. find --split test)."),
    models: List[str] = typer.Option(
        ["run"], "--models", help="Models to score (--models run tfidf-logreg mine.csv): run (the "
        "run's own predictions), a model name (tfidf-logreg, minilm-logreg, auto, …: fitted on the "
        "other splits), another run directory, or a CSV with id and prediction columns."),
    decisions: Optional[Path] = typer.Option(
        None, "--decisions", help="An exported decisions CSV; default: the run's review.sqlite."),
    seed: int = typer.Option(0, "--seed", help="Seed of the models fitted here."),
    data_dir: Optional[Path] = typer.Option(None, "--data-dir", help="Where the built-in datasets are."),
) -> None:
    """Score models on the given and on the corrected labels; write RUN/rescore.csv and the report."""
    from ..rescore import rescore as rescore_run
    from ..rescore import write_rescore

    if ctx.args and any(a.startswith("-") for a in ctx.args):
        raise ValueError(f"unexpected option {next(a for a in ctx.args if a.startswith('-'))}")
    names = [m.strip() for text in list(models) + list(ctx.args) for m in str(text).split(",") if m.strip()]
    with console.status("scoring models…"):
        frame = rescore_run(run_dir, names, decisions=decisions, seed=seed, data_dir=data_dir)
        out = write_rescore(run_dir, frame)
    n0, n1 = int(frame["n_original"].iloc[0]), int(frame["n_corrected"].iloc[0])
    table = Table(title=f"Models on the original ({n0}) and corrected ({n1}) labels")
    for name, justify in (("model", "left"), ("acc original", "right"), ("acc corrected", "right"),
                          ("change", "right"), ("rank", "right"), ("F1 original", "right"),
                          ("F1 corrected", "right")):
        table.add_column(name, justify=justify)
    for _, r in frame.sort_values("rank_corrected", kind="stable").iterrows():
        moved = int(r["rank_change"])
        rank = f"{r['rank_original']} → {r['rank_corrected']}" + (f" ({moved:+d})" if moved else "")
        table.add_row(str(r["model"]), f"{r['accuracy_original']:.4f}", f"{r['accuracy_corrected']:.4f}",
                      f"{100 * r['accuracy_change']:+.2f} pts", rank,
                      f"{r['f1_original']:.4f}", f"{r['f1_corrected']:.4f}")
    console.print(table)
    console.print(f"wrote [bold]{out}[/bold] and {out.with_name('report.html')}")
