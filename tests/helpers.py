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


#: Real tweets per split of the miniature WNUT copy (first lines of each real file).
SMALL_TWEETS_SIZES = {"train.tsv": 160, "valid.tsv": 40, "test.tsv": 80}


def small_tweets(data_dir, dest):
    """A data folder whose covid_tweets/*.tsv are the first lines of the real files, verbatim."""
    folder = dest / "covid_tweets"
    folder.mkdir(parents=True)
    for name, n in SMALL_TWEETS_SIZES.items():
        lines = (data_dir / "covid_tweets" / name).read_bytes().splitlines(keepends=True)
        header = 1 if lines[0].startswith(b"Id\t") else 0
        (folder / name).write_bytes(b"".join(lines[:header + n]))
    return dest


def small_tweets_test_run(base, data_dir):
    """``(run_dir, data_dir)``: a TF-IDF ``find --split test`` run on :func:`small_tweets` under ``base``."""
    from fastclean.run import find_in_dataset, write_run

    data = small_tweets(data_dir, base / "data")
    result = find_in_dataset("covid-tweets", data_dir=data, split="test", model="tfidf-logreg",
                             progress=False)
    return write_run(result, base / "run"), data
