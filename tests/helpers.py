"""Helpers shared by tests (importable as ``tests.helpers``)."""

from __future__ import annotations

import os
import subprocess
import sys

def run_cli(*args: str, env: dict | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run ``python -m fastclean`` in a subprocess, as a user would, capturing its output."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "fastclean", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
    )


def invoke(*args: str):
    """Run the Typer app in this process (``typer.testing.CliRunner``) with ``args``."""
    from typer.testing import CliRunner

    from fastclean.cli import app

    return CliRunner().invoke(app, list(args))
