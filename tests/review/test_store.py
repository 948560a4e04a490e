"""The corrections store: durable, append-only, undo as a new row, WAL."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

from fastclean.review.store import STORE_NAME, CorrectionsStore

CLASSES = ["cat", "dog", "fox"]


@pytest.fixture
def store(tmp_path) -> CorrectionsStore:
    return CorrectionsStore(tmp_path, CLASSES)


def test_store_file_uses_wal_journal(store):
    conn = sqlite3.connect(store.path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.path.name == STORE_NAME


def test_each_decision_is_visible_to_a_new_connection_at_once(store):
    store.decide(4, "a.png", "accept", original_label="cat", final_label="dog")
    # A fresh connection sees only committed data: the decision is already committed.
    rows = sqlite3.connect(store.path).execute(
        "SELECT example_index, action, final_label FROM latest_decisions").fetchall()
    assert rows == [(4, "accept", "dog")]


def test_keep_uses_the_given_label_and_drop_has_no_label(store):
    store.decide(1, "a", "keep", original_label="fox")
    store.decide(2, "b", "drop", original_label="cat", final_label="dog")
    latest = store.latest()
    assert latest[1].final_label == "fox"
    assert latest[2].final_label is None and latest[2].action == "drop"


def test_a_later_decision_on_the_same_example_wins(store):
    store.decide(7, "x", "accept", original_label="cat", final_label="dog")
    store.decide(7, "x", "relabel", original_label="cat", final_label="fox")
    assert store.latest()[7].final_label == "fox"
    assert len(store.history()) == 2


def test_undo_appends_a_row_and_restores_the_previous_decision(store):
    first = store.decide(7, "x", "accept", original_label="cat", final_label="dog")
    second = store.decide(7, "x", "drop", original_label="cat")
    undo = store.undo()
    assert undo.action == "undo" and undo.undoes == second.seq
    assert [d.seq for d in store.history()] == [first.seq, second.seq, undo.seq]
    assert store.latest()[7].seq == first.seq


def test_undo_walks_back_across_examples_newest_first(store):
    store.decide(1, "a", "keep", original_label="cat")
    store.decide(2, "b", "keep", original_label="dog")
    assert store.undo().example_index == 2
    assert store.undo().example_index == 1
    assert store.undo() is None
    assert store.latest() == {}
    assert len(store.history()) == 4


def test_undo_of_one_example_leaves_the_others(store):
    store.decide(1, "a", "keep", original_label="cat")
    store.decide(2, "b", "keep", original_label="dog")
    store.undo(example_index=1)
    assert list(store.latest()) == [2]


def test_reopening_the_store_shows_every_decision(store, tmp_path):
    for i in range(5):
        store.decide(i, f"id{i}", "accept", original_label="cat", final_label="fox")
    store.undo()
    reopened = CorrectionsStore(tmp_path, CLASSES)
    assert sorted(reopened.latest()) == [0, 1, 2, 3]
    assert len(reopened) == 4


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(action="approve", original_label="cat", final_label="dog"), "action"),
        (dict(action="relabel", original_label="cat", final_label="wolf"), "final_label"),
        (dict(action="relabel", original_label="cat"), "final_label"),
        (dict(action="keep", original_label="cow"), "original_label"),
    ],
)
def test_invalid_decisions_are_refused_and_not_stored(store, kwargs, message):
    with pytest.raises(ValueError, match=message):
        store.decide(0, "a", **kwargs)
    assert store.history() == []


def test_missing_run_dir_is_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match="run_dir"):
        CorrectionsStore(tmp_path / "nope", CLASSES)


def test_decisions_never_touch_the_run_label_files(image_run):
    from fastclean.run import read_run

    files = ["labels.npy", "issues.csv", "examples.csv", "pred_probs.npy", "summary.json"]
    before = {f: hashlib.sha256((image_run / f).read_bytes()).hexdigest() for f in files}
    run = read_run(image_run)
    store = CorrectionsStore(image_run, run.classes)
    row = run.issues.iloc[0]
    store.decide(int(row["index"]), row["id"], "accept", original_label=str(row["given_label"]),
                 final_label=str(row["suggested_label"]))
    store.undo()
    after = {f: hashlib.sha256((image_run / f).read_bytes()).hexdigest() for f in files}
    assert after == before


_WRITER = """
import sys
from fastclean.review.store import CorrectionsStore
store = CorrectionsStore(sys.argv[1], ["cat", "dog", "fox"])
for i in range(int(sys.argv[2]), int(sys.argv[2]) + 40):
    store.decide(i, f"id{i}", "keep", original_label="cat")
"""


def test_concurrent_writers_from_two_processes_lose_nothing(tmp_path):
    import subprocess
    import sys

    CorrectionsStore(tmp_path, CLASSES)
    writers = [subprocess.Popen([sys.executable, "-c", _WRITER, str(tmp_path), str(start)],
                                stderr=subprocess.PIPE, text=True) for start in (0, 40)]
    for writer in writers:
        _, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err
    assert sorted(CorrectionsStore(tmp_path, CLASSES).latest()) == list(range(80))
