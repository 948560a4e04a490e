"""Cleaned-label export: one row per example, decisions applied, written atomically."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fastclean.review.export import EXPORT_COLUMNS, cleaned_labels, export_cleaned_labels
from fastclean.review.store import CorrectionsStore
from fastclean.run import read_run


def _decide_three(run_dir):
    run = read_run(run_dir)
    store = CorrectionsStore(run_dir, run.classes)
    a, b, c = (run.issues.sort_values("rank").iloc[i] for i in range(3))
    store.decide(a["index"], a["id"], "accept", original_label=str(a["given_label"]),
                 final_label=str(a["suggested_label"]))
    store.decide(b["index"], b["id"], "drop", original_label=str(b["given_label"]))
    store.decide(c["index"], c["id"], "keep", original_label=str(c["given_label"]))
    store.undo()  # c goes back to "no decision"
    return run, a, b, c


def test_export_applies_the_latest_decisions(image_run, tmp_path):
    run, a, b, c = _decide_three(image_run)
    out = export_cleaned_labels(image_run, tmp_path / "cleaned.csv")
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(frame.columns) == EXPORT_COLUMNS
    assert len(frame) == len(run.examples)
    by_id = frame.set_index("id")
    assert by_id.loc[a["id"], "final_label"] == str(a["suggested_label"])
    assert by_id.loc[a["id"], "decision"] == "accept" and by_id.loc[a["id"], "decided_at"]
    assert by_id.loc[b["id"], "final_label"] == "" and by_id.loc[b["id"], "decision"] == "drop"
    assert by_id.loc[c["id"], "decision"] == "none"
    undecided = frame[frame["decision"] == "none"]
    assert (undecided["final_label"] == undecided["original_label"]).all()


def test_original_labels_match_the_run_labels(text_run):
    run = read_run(text_run)
    frame = cleaned_labels(run)
    assert list(frame["original_label"]) == [run.classes[k] for k in np.asarray(run.labels)]


def test_export_refuses_to_overwrite_without_permission(image_run, tmp_path):
    out = tmp_path / "cleaned.csv"
    out.write_text("keep me")
    with pytest.raises(FileExistsError, match="--overwrite"):
        export_cleaned_labels(image_run, out)
    assert out.read_text() == "keep me"
    export_cleaned_labels(image_run, out, overwrite=True)
    assert out.read_text().startswith("index,id,")


def test_export_into_a_missing_directory_fails_cleanly(image_run, tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        export_cleaned_labels(image_run, tmp_path / "no" / "cleaned.csv")
    assert not (tmp_path / "no").exists()


def test_export_of_a_non_run_directory_fails(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a fastclean run"):
        export_cleaned_labels(tmp_path, tmp_path / "cleaned.csv")
    assert not (tmp_path / "cleaned.csv").exists()


def test_exporting_an_unreviewed_run_keeps_every_label_and_creates_no_store(text_run, tmp_path):
    export_cleaned_labels(text_run, tmp_path / "cleaned.csv")
    frame = pd.read_csv(tmp_path / "cleaned.csv", dtype=str, keep_default_na=False)
    assert (frame["decision"] == "none").all()
    assert (frame["final_label"] == frame["original_label"]).all()
    assert not (text_run / "review.sqlite").exists()
