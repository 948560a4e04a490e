"""``fastclean review DIR``: start the review app, or export the cleaned labels without it."""

from __future__ import annotations

import ipaddress
import os
import sys
from pathlib import Path
from typing import List, Optional

import typer

from .common import app, console, handle_errors

LOOPBACK_NAMES = {"localhost"}


def is_loopback(host: str) -> bool:
    """True if ``host`` only accepts connections from this machine."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_host(host: str) -> None:
    """Refuse a ``--host`` this machine cannot resolve, before starting the server."""
    import socket

    try:
        socket.getaddrinfo(host, None)
    except (socket.gaierror, UnicodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ValueError(f"--host: cannot resolve {host!r} ({reason})") from None


def check_export_target(export: Path, run_path: Path, dataset: dict) -> None:
    """Refuse an ``--export`` file that would replace a file of the run or the dataset file."""
    target = export.expanduser().resolve()
    run_dir = run_path.resolve()
    if target.exists() and run_dir in target.parents:
        raise ValueError(f"--export: {export} is a file of the run {run_path}; export to a file "
                         "outside the run directory")
    source = dataset.get("name") if isinstance(dataset, dict) else None
    if source and Path(str(source)).is_file() and Path(str(source)).resolve() == target:
        raise ValueError(f"--export: {export} is the run's input dataset; export to another file")


def streamlit_command(
    run_dir: Path, *, port: int, host: str, allow_pickle: list[Path]
) -> list[str]:
    """The ``streamlit run`` command line that serves the review app for ``run_dir``."""
    from .. import review

    script = Path(review.__file__).with_name("app.py")
    command = [
        sys.executable, "-m", "streamlit", "run", str(script),
        "--server.port", str(port),
        "--server.address", host,
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
        "--server.runOnSave", "false",
        "--client.toolbarMode", "minimal",
        "--", str(run_dir),
    ]
    for path in allow_pickle:
        command += ["--allow-pickle", str(path)]
    return command


@app.command()
@handle_errors
def review(
    run_dir: Path = typer.Argument(..., help="A run directory written by `fastclean find`."),
    port: int = typer.Option(8501, "--port", help="Port of the app."),
    host: str = typer.Option(
        "127.0.0.1", "--host",
        help="Address to bind. The default accepts only this machine; anything else exposes "
        "the labels and the decisions to the network.",
    ),
    export: Optional[Path] = typer.Option(
        None, "--export", help="Write the cleaned labels to this CSV and exit (no browser)."
    ),
    overwrite: bool = typer.Option(False, "--overwrite", help="Let --export replace a file."),
    allow_pickle: List[Path] = typer.Option(
        [], "--allow-pickle",
        help="Let the Predict page unpickle this model file (e.g. DIR/model/export.pkl). "
        "Unpickling runs code from the file: name only files you trust.",
    ),
) -> None:
    """Review flagged examples in a browser; every decision goes to DIR/review.sqlite."""
    from ..review.export import export_cleaned_labels
    from ..run import read_run

    if not 1 <= port <= 65535:
        raise ValueError(f"--port: expected 1..65535, got {port}")
    run = read_run(run_dir)
    if export is None:
        check_host(host)
    for path in allow_pickle:
        if not path.is_file():
            raise FileNotFoundError(f"--allow-pickle: {path} is not a file")
    if export is not None:
        from .safety import probe_writable, writing

        check_export_target(export, run.path, run.dataset)
        probe_writable("--export", export.parent, export)
        with writing("--export", export):
            written = export_cleaned_labels(run.path, export, overwrite=overwrite)
        console.print(f"wrote cleaned labels of {len(run.examples)} examples to {written}")
        return
    if not os.access(run.path, os.W_OK):
        raise PermissionError(f"review: cannot write review.sqlite into {run.path}")
    if not _has_streamlit():
        raise ValueError("review: the app needs Streamlit: pip install 'fastclean[app]'")
    if not is_loopback(host):
        print(
            f"warning: --host {host} exposes the review app (labels, examples, decisions) to "
            f"other machines; anyone who can reach it can change decisions",
            file=sys.stderr,
        )
    command = streamlit_command(run.path.resolve(), port=port, host=host,
                                allow_pickle=[p.resolve() for p in allow_pickle])
    console.print(f"review app for {run.path} at http://{host}:{port} (Ctrl+C to stop)")
    sys.stdout.flush()
    # Replace this process, so that the server's pid is ours and signals reach it directly.
    os.execv(command[0], command)


def _has_streamlit() -> bool:
    import importlib.util

    return importlib.util.find_spec("streamlit") is not None
