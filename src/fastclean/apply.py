"""Apply a review's decisions to a run's given labels and write them in the dataset's own format.

``fastclean find`` flags, a person reviews (``fastclean review``: accept, relabel, keep, drop),
and :func:`apply_decisions` closes the loop: the given labels with every decision applied,
written as files of the same kind the labels came from, plus ``changes.csv``. The originals are
never touched; the output is a new directory, written all or nothing.

What is written, by where the run's labels came from:

- the WNUT-2020 tweets (``covid-tweets``): ``train.tsv`` / ``valid.tsv`` / ``test.tsv`` for the
  splits the run covered, line for line as the originals (tab-separated, no quoting, the header
  line only where the original has it), with the label field replaced and dropped tweets left out;
- a ``.csv`` / ``.tsv`` file: the same file, label column replaced, dropped rows left out,
  ``.tsv`` edited line by line (no quoting), ``.csv`` rewritten with standard quoting;
- ``--labels`` arrays: ``labels.csv`` (``index, label``) and ``labels.npy`` (class indices) of
  the kept rows, with ``kept_indices.npy``;
- anything else (image folders, built-in image sets): ``labels.csv`` with ``id`` (the path
  relative to the dataset root, for images on disk) and ``label`` of the kept examples. Image
  files are never moved or copied.

``changes.csv`` lists every decided example: ``index, id, split, old_label, new_label,
decision`` (``new_label`` empty for ``drop``).
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .atomic import atomic_output_dir, check_output_dir
from .run import Run, read_run

#: Decisions a review can record (``review.store.ACTIONS``) and the exported "no decision".
DECISIONS = ("accept", "relabel", "keep", "drop", "none")
CHANGE_COLUMNS = ["index", "id", "split", "old_label", "new_label", "decision"]


@dataclass
class ApplyResult:
    """What :func:`apply_decisions` wrote."""

    out: Path
    files: list[str]
    n_examples: int
    counts: dict[str, int] = field(default_factory=dict)   # decision -> number of examples
    n_changed: int = 0                                       # label changed or dropped


# --------------------------------------------------------------------------------------------
# Decisions
# --------------------------------------------------------------------------------------------

def read_decisions_csv(path: str | os.PathLike, run: Run):
    """Read an exported decisions CSV (``fastclean review --export``) and check it against ``run``.

    The file needs ``id`` (or ``index``), ``final_label`` and ``decision`` columns; rows are
    matched to the run's examples by ``index`` when present, else by ``id``.

    Returns
    -------
    pandas.DataFrame
        One row per example of the run, columns ``index, id, split, original_label,
        final_label, decision``; examples the file does not mention keep their label.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        Missing columns, unknown decisions, labels that are not the run's classes, ids or
        indices that are not in the run, or an example listed twice.
    """
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"decisions: file not found: {path}")
    try:
        given = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise ValueError(f"decisions: cannot read {path} as CSV: {exc}") from None
    missing = [c for c in ("final_label", "decision") if c not in given.columns]
    if missing or not ({"id", "index"} & set(given.columns)):
        raise ValueError(f"decisions: {path.name} needs columns id (or index), final_label and "
                         f"decision; it has {', '.join(given.columns)}")
    frame = _base_frame(run)
    if "index" in given.columns:
        try:
            rows = given["index"].astype(np.int64).to_numpy()
        except ValueError:
            raise ValueError(f"decisions: column index of {path.name} holds non-integers") from None
        bad = rows[(rows < 0) | (rows >= len(frame))]
        if len(bad):
            raise ValueError(f"decisions: index {bad[0]} is not an example of the run "
                             f"(0..{len(frame) - 1})")
        if "id" in given.columns:
            wrong = np.flatnonzero(frame["id"].to_numpy()[rows] != given["id"].to_numpy())
            if len(wrong):
                raise ValueError(f"decisions: row {wrong[0] + 1} has index {rows[wrong[0]]} but id "
                                 f"{given['id'].iloc[wrong[0]]!r}; the run has "
                                 f"{frame['id'].iloc[rows[wrong[0]]]!r} there (another run?)")
    else:
        where = {i: k for k, i in enumerate(frame["id"])}
        unknown = [i for i in given["id"] if i not in where]
        if unknown:
            raise ValueError(f"decisions: id {unknown[0]!r} is not an example of the run")
        rows = np.array([where[i] for i in given["id"]], dtype=np.int64)
    if len(np.unique(rows)) != len(rows):
        raise ValueError(f"decisions: {path.name} lists an example more than once")
    decisions = given["decision"].str.strip().to_numpy()
    unknown = sorted(set(decisions) - set(DECISIONS))
    if unknown:
        raise ValueError(f"decisions: unknown decision {unknown[0]!r}; expected one of "
                         f"{', '.join(DECISIONS)}")
    finals = given["final_label"].to_numpy().astype(object)
    classes = set(run.classes)
    for k, (decision, label) in enumerate(zip(decisions, finals)):
        if decision == "drop":
            finals[k] = ""
        elif decision in ("keep", "none"):
            finals[k] = frame["original_label"].iloc[rows[k]]
        elif label not in classes:
            raise ValueError(f"decisions: row {k + 1}: final_label {label!r} is not one of the "
                             f"run's classes")
    frame.loc[rows, "final_label"] = finals
    frame.loc[rows, "decision"] = decisions
    return frame


def decided_labels(run: Run, decisions: str | os.PathLike | None = None):
    """The run's examples with their decisions: from ``decisions`` (a CSV) or the run's store.

    Returns
    -------
    pandas.DataFrame
        Columns ``index, id, split, original_label, final_label, decision``, one row per
        example, in run order; ``final_label`` is empty for dropped examples.
    """
    if decisions is not None:
        return read_decisions_csv(decisions, run)
    from .review.export import cleaned_labels

    frame = cleaned_labels(run)
    return frame[["index", "id", "split", "original_label", "final_label", "decision"]]


def _base_frame(run: Run):
    import pandas as pd

    ex = run.examples
    return pd.DataFrame({
        "index": ex["index"].astype(np.int64).to_numpy(),
        "id": ex["id"].astype(str).to_numpy(),
        "split": ex["split"].astype(str).to_numpy() if "split" in ex else "",
        "original_label": ex["given_label"].astype(str).to_numpy(),
        "final_label": ex["given_label"].astype(str).to_numpy(),
        "decision": "none",
    })


def changes_frame(frame):
    """``changes.csv``: every decided example, with its old and new label."""
    decided = frame[frame["decision"] != "none"]
    return decided.rename(columns={"original_label": "old_label", "final_label": "new_label"})[
        CHANGE_COLUMNS].reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Where the labels came from
# --------------------------------------------------------------------------------------------

def _source(run: Run) -> dict:
    """The run's record of how its dataset was loaded (``dataset.json``'s ``load``)."""
    return dict(run.dataset.get("load") or {})


def _tweets_folder(run: Run, data_dir: str | os.PathLike | None) -> Path:
    from .data.sources import resolve_data_dir
    from .data.tweets import TWEETS_DIR

    recorded = _source(run).get("data_dir")
    base, _ = resolve_data_dir(data_dir if data_dir is not None else recorded)
    folder = base / TWEETS_DIR
    if not folder.is_dir():
        raise FileNotFoundError(f"data_dir: the tweets are not in {folder} (pass --data-dir)")
    return folder


def input_paths(run: Run, data_dir: str | os.PathLike | None = None) -> list[Path]:
    """The files and folders the labels were read from, and the run itself (never written)."""
    paths = [run.path]
    source = _source(run).get("source")
    if run.dataset.get("name") == "covid-tweets":
        try:
            paths.append(_tweets_folder(run, data_dir))
        except FileNotFoundError:
            pass
    elif source and Path(source).exists():
        paths.append(Path(source))
    if run.dataset.get("root"):
        paths.append(Path(run.dataset["root"]))
    for key in ("labels_file", "pred_probs_file"):
        if run.dataset.get(key):
            paths.append(Path(run.dataset[key]))
    return paths


def apply_inputs(run_dir: str | os.PathLike, decisions: str | os.PathLike | None = None,
                 data_dir: str | os.PathLike | None = None) -> list[Path]:
    """Everything ``apply`` reads (run, data, decisions file): ``--out`` may not lie inside them."""
    return input_paths(read_run(run_dir), data_dir) + ([Path(decisions)] if decisions else [])


# --------------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------------

def _edit_tsv_lines(lines: list[str], label_field: int, new_labels: dict[int, str | None],
                    name: str) -> list[str]:
    """Replace field ``label_field`` of data line ``k`` by ``new_labels[k]`` (None drops it)."""
    out = []
    for k, line in enumerate(lines):
        if k not in new_labels:
            out.append(line)
            continue
        label = new_labels[k]
        if label is None:
            continue
        body = line.rstrip("\r\n")
        end = line[len(body):]
        fields = body.split("\t")
        if label_field >= len(fields):
            raise ValueError(f"{name}: data line {k + 1} has {len(fields)} fields, expected more")
        fields[label_field] = label
        out.append("\t".join(fields) + end)
    return out


def _read_lines(path: Path) -> list[str]:
    with open(path, encoding="utf-8", newline="") as fh:
        return fh.read().splitlines(keepends=True)


def _write_lines(path: Path, lines: list[str]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.writelines(lines)


def _new_labels(rows, frame) -> dict[int, str | None]:
    """Line number (in the source) → new label, or None for a dropped example."""
    out: dict[int, str | None] = {}
    for line, decision, final in zip(rows, frame["decision"], frame["final_label"]):
        out[int(line)] = None if decision == "drop" else str(final)
    return out


def _write_tweets(frame, run: Run, tmp: Path, data_dir) -> list[str]:
    from .data.tweets import _HEADER, TWEETS_FILES

    folder = _tweets_folder(run, data_dir)
    written = []
    for split, filename in TWEETS_FILES.items():
        part = frame[frame["split"] == split]
        if len(part) == 0:
            continue
        lines = _read_lines(folder / filename)
        header = 1 if lines and lines[0].rstrip("\r\n").split("\t") == _HEADER else 0
        data = lines[header:]
        if len(data) != len(part):
            raise ValueError(f"{filename}: {len(data)} tweets in {folder}, but the run has "
                             f"{len(part)} of split {split!r}; is this the same data?")
        ids = [line.split("\t", 1)[0] for line in data]
        run_ids = [i.split("#", 1)[0] for i in part["id"]]
        if ids != run_ids:
            raise ValueError(f"{filename}: tweet ids differ from the run's; is this the same data?")
        edited = _edit_tsv_lines(data, 2, _new_labels(range(len(part)), part), filename)
        _write_lines(tmp / filename, lines[:header] + edited)
        written.append(filename)
    return written


def _table_rows(df, run: Run, load: dict) -> np.ndarray:
    """The file row of each example of the run (ids as ``load_table`` made them)."""
    from .data.table import _ID_COLUMNS

    id_col = next((c for c in _ID_COLUMNS if c in df.columns and df[c].is_unique), None)
    if id_col is not None:
        keys = df[id_col].tolist()
    elif load.get("path_col") or (run.dataset.get("modality") == "image"):
        column = load.get("path_col") or next(c for c in ("path", "image", "file") if c in df.columns)
        keys = df[column].str.strip().tolist()
    else:
        keys = [str(i) for i in range(len(df))]
    where = {k: i for i, k in enumerate(keys)}
    missing = [i for i in run.examples["id"].astype(str) if i not in where]
    if missing:
        raise ValueError(f"dataset: example {missing[0]!r} of the run is not in "
                         f"{load.get('source')}; is this the same file?")
    return np.array([where[i] for i in run.examples["id"].astype(str)], dtype=np.int64)


def _write_table(frame, run: Run, tmp: Path) -> list[str]:
    from .data.table import read_table

    load = _source(run)
    path = Path(load["source"])
    df = read_table(path)
    label_col = load.get("label_col") or next(
        (c for c in ("label", "Label", "labels") if c in df.columns), None)
    if label_col not in df.columns:
        raise ValueError(f"dataset: no label column {label_col!r} in {path}")
    rows = _table_rows(df, run, load)
    if path.suffix.lower() == ".tsv":
        lines = _read_lines(path)
        edited = _edit_tsv_lines(lines[1:], list(df.columns).index(label_col),
                                 _new_labels(rows, frame), path.name)
        _write_lines(tmp / path.name, lines[:1] + edited)
    else:
        dropped = rows[(frame["decision"] == "drop").to_numpy()]
        kept = frame["decision"].to_numpy() != "drop"
        df.loc[rows[kept], label_col] = frame["final_label"].to_numpy()[kept]
        df = df.drop(index=dropped)
        df.to_csv(tmp / path.name, index=False, quoting=csv.QUOTE_MINIMAL)
    return [path.name]


def _write_arrays(frame, run: Run, tmp: Path) -> list[str]:
    kept = frame[frame["decision"] != "drop"]
    index = {c: k for k, c in enumerate(run.classes)}
    ids = np.array([index[c] for c in kept["final_label"]], dtype=np.int64)
    kept[["index"]].assign(label=kept["final_label"].to_numpy()).to_csv(tmp / "labels.csv", index=False)
    np.save(tmp / "labels.npy", ids)
    np.save(tmp / "kept_indices.npy", kept["index"].to_numpy(dtype=np.int64))
    return ["labels.csv", "labels.npy", "kept_indices.npy"]


def _write_labels_csv(frame, run: Run, tmp: Path) -> list[str]:
    kept = frame[frame["decision"] != "drop"]
    out = kept[["id", "split", "final_label"]].rename(columns={"final_label": "label"})
    if "path" in run.examples.columns:
        root = run.dataset.get("root")
        paths = run.examples["path"].astype(str).to_numpy()[kept["index"].to_numpy()]
        if root:
            paths = [os.path.relpath(p, root) for p in paths]
        out = out.assign(path=paths)[["path", "label", "id", "split"]]
    out.to_csv(tmp / "labels.csv", index=False)
    return ["labels.csv"]


def apply_decisions(
    run_dir: str | os.PathLike,
    out: str | os.PathLike,
    *,
    decisions: str | os.PathLike | None = None,
    data_dir: str | os.PathLike | None = None,
    overwrite: bool = False,
) -> ApplyResult:
    """Write the run's given labels with the review decisions applied, and ``changes.csv``.

    Parameters
    ----------
    run_dir : path-like
        A run directory from ``fastclean find``.
    out : path-like
        The directory to create (written to a temporary sibling and renamed at the end).
    decisions : path-like, optional
        An exported decisions CSV (``fastclean review --export``); by default the run's own
        ``review.sqlite`` (no decisions at all if nobody reviewed the run).
    data_dir : path-like, optional
        Where the built-in datasets are (default: the one the run recorded, else
        ``$FASTCLEAN_DATA``).
    overwrite : bool
        Replace ``out`` if it exists.

    Returns
    -------
    ApplyResult

    Raises
    ------
    FileNotFoundError
        No run at ``run_dir``, a missing decisions file or dataset.
    FileExistsError
        ``out`` exists and ``overwrite`` is false.
    ValueError
        ``out`` inside the run or the data, bad decisions, or data that no longer matches the
        run.

    Examples
    --------
    >>> apply_decisions("runs/tweets", "runs/tweets-corrected")  # doctest: +SKIP
    """
    run = read_run(run_dir)
    check_output_dir(out, overwrite=overwrite, kind="apply",
                     inputs=input_paths(run, data_dir) + ([Path(decisions)] if decisions else []))
    frame = decided_labels(run, decisions)
    name = run.dataset.get("name")
    source = _source(run).get("source")
    with atomic_output_dir(out, overwrite=overwrite, kind="apply") as tmp:
        if name == "covid-tweets":
            files = _write_tweets(frame, run, tmp, data_dir)
        elif source and Path(source).suffix.lower() in (".csv", ".tsv"):
            files = _write_table(frame, run, tmp)
        elif run.dataset.get("modality") == "array":
            files = _write_arrays(frame, run, tmp)
        else:
            files = _write_labels_csv(frame, run, tmp)
        changes_frame(frame).to_csv(tmp / "changes.csv", index=False)
    counts = {d: int((frame["decision"] == d).sum()) for d in DECISIONS}
    changed = int(((frame["decision"] == "drop") |
                   ((frame["decision"] != "none") & (frame["final_label"] != frame["original_label"]))).sum())
    return ApplyResult(out=Path(out), files=files + ["changes.csv"], n_examples=len(frame),
                       counts=counts, n_changed=changed)
