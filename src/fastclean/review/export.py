"""Export the cleaned labels of a run: the given labels with every review decision applied."""

from __future__ import annotations

import os
from pathlib import Path

from ..atomic import atomic_write_bytes
from ..run import Run, read_run
from .store import STORE_NAME, CorrectionsStore

EXPORT_COLUMNS = ["index", "id", "split", "original_label", "final_label", "decision", "decided_at"]

#: ``decision`` of an example nobody decided on: it keeps its given label.
NO_DECISION = "none"


def cleaned_labels(run: Run, store: CorrectionsStore | None = None):
    """One row per example of the run: its original label, final label and decision.

    Parameters
    ----------
    run : Run
        The run, from :func:`fastclean.run.read_run`.
    store : CorrectionsStore, optional
        The decisions; by default the run directory's ``review.sqlite``, if there is one.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`EXPORT_COLUMNS` (plus ``data_issues``, the example's issue types from
        ``data_issues.csv``, when the run has one). ``final_label`` is empty for dropped
        examples; undecided examples keep their given label with decision ``"none"``.
    """
    import pandas as pd

    if store is not None:
        latest = store.latest()
    elif (run.path / STORE_NAME).exists():
        from .media import label_sep

        latest = CorrectionsStore(run.path, run.classes, label_sep=label_sep(run)).latest()
    else:
        latest = {}  # nobody reviewed this run yet; exporting must not create the store
    examples = run.examples
    frame = pd.DataFrame(
        {
            "index": examples["index"].astype("int64"),
            "id": examples["id"].astype(str),
            "split": examples["split"].astype(str) if "split" in examples else "",
            "original_label": examples["given_label"].astype(str),
            "final_label": examples["given_label"].astype(str),
            "decision": NO_DECISION,
            "decided_at": "",
        }
    ).set_index("index", drop=False)
    for index, decision in latest.items():
        if index not in frame.index:
            continue
        frame.loc[index, "final_label"] = decision.final_label or ""
        frame.loc[index, "decision"] = decision.action
        frame.loc[index, "decided_at"] = decision.decided_at
    frame = frame.reset_index(drop=True)[EXPORT_COLUMNS]
    if getattr(run, "data_issues", None) is not None:
        frame["data_issues"] = _data_issue_types(run.data_issues, len(frame))
    return frame


def _data_issue_types(table, n: int) -> list[str]:
    """Per run example, its data issue types (``data_issues.csv``) joined by ``;``."""
    types: list[list[str]] = [[] for _ in range(n)]
    for index, kind in zip(table["index"], table["issue_type"]):
        if 0 <= int(index) < n and kind not in types[int(index)]:
            types[int(index)].append(str(kind))
    return [";".join(t) for t in types]


def export_cleaned_labels(
    run_dir: str | os.PathLike, out: str | os.PathLike, *, overwrite: bool = False
) -> Path:
    """Write the cleaned labels of ``run_dir`` to the CSV file ``out``, atomically.

    Parameters
    ----------
    run_dir : path-like
        A run directory written by :func:`fastclean.run.write_run`.
    out : path-like
        The CSV file to write. Its directory must exist.
    overwrite : bool
        Replace ``out`` if it exists.

    Returns
    -------
    Path
        ``out``.

    Raises
    ------
    FileNotFoundError
        If ``run_dir`` is not a run directory or ``out``'s directory does not exist.
    FileExistsError
        If ``out`` exists and ``overwrite`` is false.
    ValueError
        If ``out`` is a directory.
    """
    out = Path(out)
    if out.is_dir():
        raise ValueError(f"export: {out} is a directory, expected a CSV file path")
    if out.exists() and not overwrite:
        raise FileExistsError(f"export: {out} already exists (pass --overwrite to replace it)")
    if not out.parent.is_dir():
        raise FileNotFoundError(f"export: directory {out.parent} does not exist")
    run = read_run(run_dir)
    frame = cleaned_labels(run)
    atomic_write_bytes(out, frame.to_csv(index=False).encode("utf-8"))
    return out
