"""The *Data issues* page: keep / drop per duplicate set or outlier, in the same store, exported."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import fastclean.review
from fastclean.data.dataset import LabelledDataset
from fastclean.data_issues import audit_dataset
from fastclean.review.data_issue_queue import (
    decide_example, decide_set, duplicate_sets, outlier_queue, set_status,
)
from fastclean.review.export import cleaned_labels
from fastclean.review.store import CorrectionsStore
from fastclean.run import find_from_probs, read_run, write_run

APP = str(Path(fastclean.review.__file__).with_name("app.py"))


def make_dup_run(out: Path, cache: Path) -> Path:
    """300 real digits; row 299 is an exact copy of row 0 with another label, in the test split;
    row 298 a blank bright frame (an outlier)."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = digits.images[:300].astype(np.uint8)
    labels = digits.target[:300].astype(np.int64)
    images[299], labels[299] = images[0], (labels[0] + 1) % 10
    images[298] = 16  # a blank, bright frame: nothing like a digit
    splits = np.array(["train"] * 250 + ["test"] * 50, dtype=object)
    ds = LabelledDataset(name="digits-dup", modality="image", classes=[str(k) for k in range(10)],
                         labels=labels, ids=[f"digit-{i}" for i in range(300)], splits=splits,
                         images=images)
    probs = np.full((300, 10), 0.02)
    probs[np.arange(300), labels] = 0.82
    result = find_from_probs(labels, probs, ds.classes)
    result.ids, result.splits, result.images = ds.ids, list(splits), images
    result.dataset = {"name": "digits-dup", "modality": "image", "root": None}
    result.data_issues, info = audit_dataset(ds, np.arange(300), None, cache_dir=cache, progress=False)
    result.extra["data_issues"] = info
    return write_run(result, out)


@pytest.fixture
def dup_run(tmp_path) -> Path:
    return make_dup_run(tmp_path / "run", tmp_path / "cache")


def test_the_run_directory_holds_data_issues(dup_run):
    run = read_run(dup_run)
    table = run.data_issues
    assert table is not None
    exact = table[table["issue_type"] == "exact_duplicate"]
    assert set(exact["index"]) == {0, 299}
    cross = table[table["issue_type"] == "cross_split_duplicate"]
    assert set(zip(cross["index"], cross["other_index"])) == {(0, 299), (299, 0)}
    conflict = table[table["issue_type"] == "conflicting_duplicate"]
    assert set(conflict["index"]) == {0, 299}
    assert run.summary["data_issues"]["counts"]["exact_duplicate"] == 2
    html = (dup_run / "report.html").read_text()
    assert "Duplicate pairs" in html and "across splits" in html and "labels differ" in html


def test_set_decisions_go_to_the_same_store_and_the_export(dup_run):
    run = read_run(dup_run)
    sets = duplicate_sets(run)
    first = sets[0]
    assert list(first["index"]) == [0, 299] and first["split"].nunique() == 2
    store = CorrectionsStore(dup_run, run.classes)
    assert set_status(first, store.latest()) == "undecided"
    # An accepted relabel is not overridden by "keep" ...
    store.decide(0, "digit-0", "accept", original_label=str(run.labels[0]),
                 final_label=run.classes[(run.labels[0] + 2) % 10])
    assert decide_set(store, first, "keep_first") == 1       # ... but the copy is dropped
    latest = store.latest()
    assert latest[0].action == "accept" and latest[299].action == "drop"
    assert set_status(first, latest) == "decided"
    frame = cleaned_labels(run, store).set_index("index")
    assert frame.loc[299, "decision"] == "drop" and frame.loc[299, "final_label"] == ""
    assert "exact_duplicate" in frame.loc[299, "data_issues"]
    assert "cross_split_duplicate" in frame.loc[299, "data_issues"]
    assert frame.loc[5, "data_issues"] == ""
    with pytest.raises(ValueError, match="action"):
        decide_set(store, first, "keep_some")


def test_outliers_queue_and_decisions(dup_run):
    run = read_run(dup_run)
    queue = outlier_queue(run)
    assert 298 in set(queue["index"])
    assert list(queue["score"]) == sorted(queue["score"])
    store = CorrectionsStore(dup_run, run.classes)
    row = queue[queue["index"] == 298].iloc[0].to_dict()
    assert decide_example(store, row, "drop")
    assert store.latest()[298].action == "drop"
    assert not decide_example(store, {"index": -1, "id": "x", "given_label": "1"}, "drop")


def test_data_issues_page_in_the_app(monkeypatch, dup_run):
    monkeypatch.setattr(sys, "argv", [APP, str(dup_run)])
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, at.exception
    at.sidebar.radio(key="page").set_value("Data issues").run()
    assert not at.exception, at.exception
    assert any("across splits" in str(h.value) for h in at.subheader)
    next(b for b in at.button if b.key == "di_keep_first").click().run()
    assert not at.exception, at.exception
    conn = sqlite3.connect(dup_run / "review.sqlite")
    made = conn.execute("SELECT example_index, action FROM decisions ORDER BY seq").fetchall()
    conn.close()
    assert made == [(0, "keep"), (299, "drop")]
    at.radio(key="di_view").set_value("Outliers").run()
    assert not at.exception, at.exception
    assert any("lower = more unusual" in str(c.value) for c in at.caption)


def test_page_explains_a_run_without_data_issues(monkeypatch, image_run):
    monkeypatch.setattr(sys, "argv", [APP, str(image_run)])
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.sidebar.radio(key="page").set_value("Data issues").run()
    assert not at.exception, at.exception
    assert any("no data_issues.csv" in str(i.value) for i in at.info)


def test_outliers_of_a_probs_run_in_the_app(monkeypatch, tmp_path):
    """``find --labels/--pred-probs``: outliers from pred_probs, with no distance to show."""
    from tests.helpers import invoke

    labels = np.arange(120) % 3
    probs = np.full((120, 3), 0.02)
    probs[np.arange(120), labels] = 0.96
    probs[:4] = 1 / 3
    np.save(tmp_path / "l.npy", labels)
    np.save(tmp_path / "p.npy", probs)
    run_dir = tmp_path / "run"
    res = invoke("find", "--labels", str(tmp_path / "l.npy"),
                 "--pred-probs", str(tmp_path / "p.npy"), "--out", str(run_dir))
    assert res.exit_code == 0, res.output
    assert set(outlier_queue(read_run(run_dir))["index"]) == {0, 1, 2, 3}
    monkeypatch.setattr(sys, "argv", [APP, str(run_dir)])
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.sidebar.radio(key="page").set_value("Data issues").run()
    assert not at.exception, at.exception
    at.radio(key="di_view").set_value("Outliers").run()
    assert not at.exception, at.exception
    captions = [str(c.value) for c in at.caption]
    assert any("lower = more unusual" in c for c in captions)
    assert not any("nan" in c for c in captions)
