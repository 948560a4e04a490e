"""What every page of the review app needs: the run, its decision store, and the user's flags."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from ..run import Run, read_run
from .media import label_sep, modality
from .store import CorrectionsStore


@dataclass
class ReviewContext:
    """The run under review and the settings the app was started with."""

    run: Run
    store: CorrectionsStore
    modality: str
    allow_pickle: list[Path] = field(default_factory=list)


def parse_app_args(argv: Sequence[str]) -> argparse.Namespace:
    """Parse the arguments ``fastclean review`` passes to the app after ``--``.

    ``RUN_DIR [--allow-pickle PATH ...]``
    """
    parser = argparse.ArgumentParser(prog="fastclean-review-app")
    parser.add_argument("run_dir", type=Path)
    parser.add_argument("--allow-pickle", type=Path, action="append", default=[])
    return parser.parse_args(list(argv))


def load_context(run_dir: str | Path, allow_pickle: Sequence[str | Path] = ()) -> ReviewContext:
    """Read the run at ``run_dir`` and open (or create) its ``review.sqlite``.

    Raises
    ------
    FileNotFoundError
        If ``run_dir`` is not a run directory.
    """
    run = read_run(run_dir)
    return ReviewContext(
        run=run,
        store=CorrectionsStore(run.path, run.classes, label_sep=label_sep(run)),
        modality=modality(run),
        allow_pickle=[Path(p) for p in allow_pickle],
    )
