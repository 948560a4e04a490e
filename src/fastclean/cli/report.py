"""``fastclean report DIR``: (re)write the self-contained ``report.html`` of a run or bench."""

from __future__ import annotations

from pathlib import Path

import typer

from .common import app, console, handle_errors


@app.command()
@handle_errors
def report(
    run_dir: Path = typer.Argument(
        ..., help="A run directory from `fastclean find` or a directory from `fastclean bench`."
    ),
    top_k: int = typer.Option(24, "--top-k", help="How many of the worst issues the gallery shows."),
) -> None:
    """Write DIR/report.html: summary, plots and the worst issues, viewable offline."""
    from ..report import write_report
    from .safety import probe_writable, writing

    probe_writable("report", run_dir, run_dir / "report.html")
    with console.status("writing report…"), writing("report", run_dir / "report.html"):
        out = write_report(run_dir, top_k=top_k)
    size_kb = out.stat().st_size / 1024
    console.print(f"wrote [bold]{out}[/bold] ({size_kb:,.0f} KB)")
