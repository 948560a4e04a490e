"""``fastclean apply``: review decisions written back in the dataset's own format."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from fastclean.apply import apply_decisions
from fastclean.review.store import CorrectionsStore
from fastclean.run import find_in_dataset, read_run, write_run
from tests.helpers import SMALL_TWEETS_SIZES, invoke, small_tweets_test_run

def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def tweets_run(tmp_path_factory, data_dir):
    return small_tweets_test_run(tmp_path_factory.mktemp("apply"), data_dir)


@pytest.fixture
def reviewed(tweets_run, tmp_path):
    """A fresh copy of the tweets run with four decisions (and one undone) in its store."""
    template, data = tweets_run
    run_dir = tmp_path / "run"
    shutil.copytree(template, run_dir)
    run = read_run(run_dir)
    store = CorrectionsStore(run_dir, run.classes)
    ex = run.examples
    other = {c: next(o for o in run.classes if o != c) for c in run.classes}
    decisions = {0: "accept", 3: "relabel", 5: "drop", 7: "keep"}
    for i, action in decisions.items():
        given = ex["given_label"].iloc[i]
        store.decide(i, ex["id"].iloc[i], action, original_label=given,
                     final_label=other[given] if action in ("accept", "relabel") else None)
    store.decide(9, ex["id"].iloc[9], "drop", original_label=ex["given_label"].iloc[9])
    store.undo(9)
    return run_dir, data, decisions, other


def test_tweets_are_written_as_tsv_with_only_the_decided_lines_changed(reviewed, tmp_path):
    run_dir, data, decisions, other = reviewed
    before = digest(data)
    out = tmp_path / "corrected"
    result = apply_decisions(run_dir, out)
    assert digest(data) == before  # originals untouched
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["changes.csv", "test.tsv"]
    original = (data / "covid_tweets" / "test.tsv").read_text(encoding="utf-8").splitlines(keepends=True)
    written = (out / "test.tsv").read_text(encoding="utf-8").splitlines(keepends=True)
    assert len(written) == len(original) - 1  # one tweet dropped
    expected = []
    for k, line in enumerate(original):
        if decisions.get(k) == "drop":
            continue
        if decisions.get(k) in ("accept", "relabel"):
            tweet_id, text, label = line.rstrip("\n").split("\t")
            line = f"{tweet_id}\t{text}\t{other[label]}\n"
        expected.append(line)
    assert written == expected
    # Read back with the project's own reader (QUOTE_NONE): every tweet survives intact.
    from fastclean.data.tweets import read_wnut_tsv

    ids, texts, labels = read_wnut_tsv(out / "test.tsv")
    assert len(ids) == SMALL_TWEETS_SIZES["test.tsv"] - 1
    changes = pd.read_csv(out / "changes.csv", dtype=str, keep_default_na=False)
    assert list(changes.columns) == ["index", "id", "split", "old_label", "new_label", "decision"]
    assert dict(zip(changes["index"].astype(int), changes["decision"])) == decisions
    dropped = changes[changes["decision"] == "drop"]
    assert (dropped["new_label"] == "").all()
    assert result.counts["accept"] == 1 and result.counts["drop"] == 1 and result.counts["keep"] == 1
    assert result.n_changed == 3


def test_exported_decisions_csv_gives_the_same_files_as_the_store(reviewed, tmp_path):
    from fastclean.review.export import export_cleaned_labels

    run_dir, *_ = reviewed
    export = tmp_path / "decisions.csv"
    export_cleaned_labels(run_dir, export)
    apply_decisions(run_dir, tmp_path / "from-store")
    res = invoke("apply", str(run_dir), "--decisions", str(export), "--out", str(tmp_path / "from-csv"))
    assert res.exit_code == 0, res.output
    for name in ("test.tsv", "changes.csv"):
        assert (tmp_path / "from-store" / name).read_bytes() == (tmp_path / "from-csv" / name).read_bytes()


def test_a_train_split_run_writes_train_tsv_with_its_header(tweets_run, tmp_path):
    _, data = tweets_run
    result = find_in_dataset("covid-tweets", data_dir=data, split="train", model="tfidf-logreg",
                             folds=3, progress=False)
    run_dir = write_run(result, tmp_path / "run")
    run = read_run(run_dir)
    CorrectionsStore(run_dir, run.classes).decide(
        2, run.examples["id"].iloc[2], "drop", original_label=run.examples["given_label"].iloc[2])
    apply_decisions(run_dir, tmp_path / "out")
    original = (data / "covid_tweets" / "train.tsv").read_text(encoding="utf-8").splitlines(keepends=True)
    written = (tmp_path / "out" / "train.tsv").read_text(encoding="utf-8").splitlines(keepends=True)
    assert written == original[:3] + original[4:]  # header kept, data line 2 gone


def test_csv_dataset_keeps_its_columns_quoting_and_untouched_rows(tmp_path):
    rng = np.random.default_rng(0)
    words = ["good", "bad", 'say "hi"', "a, b", "fine"]
    rows = [{"id": f"r{i}", "text": f"{words[i % 5]} {i}", "label": "pos" if i % 2 else "neg",
             "note": "x,y" if i % 3 == 0 else ""} for i in range(60)]
    src = tmp_path / "data" / "texts.csv"
    src.parent.mkdir()
    pd.DataFrame(rows).to_csv(src, index=False)
    before = src.read_bytes()
    labels = np.array([0 if r["label"] == "neg" else 1 for r in rows])
    from fastclean import run as run_module

    result = run_module.find_from_probs(labels, rng.dirichlet([1, 1], size=60), ["neg", "pos"])
    result.ids = [r["id"] for r in rows]
    result.splits = ["train"] * 60
    result.dataset = {"name": str(src), "modality": "text", "root": None,
                      "load": {"source": str(src), "label_col": "label", "text_col": "text"}}
    run_dir = write_run(result, tmp_path / "run")
    store = CorrectionsStore(run_dir, ["neg", "pos"])
    store.decide(4, "r4", "relabel", original_label="neg", final_label="pos")
    store.decide(7, "r7", "drop", original_label="pos")
    apply_decisions(run_dir, tmp_path / "out")
    assert src.read_bytes() == before
    got = pd.read_csv(tmp_path / "out" / "texts.csv", dtype=str, keep_default_na=False)
    want = pd.DataFrame(rows).astype(str)
    want.loc[4, "label"] = "pos"
    want = want.drop(index=7).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want)


def test_tsv_dataset_is_edited_line_by_line(tmp_path):
    src = tmp_path / "data" / "t.tsv"
    src.parent.mkdir()
    lines = ["text\tlabel\n"] + [f'he said "no {i}\tl{i % 2}\n' for i in range(20)]
    src.write_text("".join(lines), encoding="utf-8")
    from fastclean.data import load_dataset

    ds = load_dataset(src)
    from fastclean import run as run_module

    result = run_module.find_from_probs(ds.labels, np.full((20, 2), 0.5), ds.classes)
    result.ids, result.splits = ds.ids, list(ds.splits)
    result.dataset = {"name": str(src), "modality": "text", "load": {"source": str(src)}}
    run_dir = write_run(result, tmp_path / "run")
    CorrectionsStore(run_dir, ds.classes).decide(1, ds.ids[1], "accept", original_label="l1",
                                                 final_label="l0")
    apply_decisions(run_dir, tmp_path / "out")
    written = (tmp_path / "out" / "t.tsv").read_text(encoding="utf-8").splitlines(keepends=True)
    assert written == lines[:2] + ['he said "no 1\tl0\n'] + lines[3:]


def test_labels_arrays_run_writes_csv_and_npy_of_the_kept_rows(tmp_path):
    rng = np.random.default_rng(1)
    labels = rng.integers(0, 3, 50)
    from fastclean import run as run_module

    result = run_module.find_from_probs(labels, rng.dirichlet([1, 1, 1], size=50))
    result.dataset = {"name": None, "modality": "array"}
    run_dir = write_run(result, tmp_path / "run")
    store = CorrectionsStore(run_dir, ["0", "1", "2"])
    new = (labels[10] + 1) % 3
    store.decide(10, "10", "relabel", original_label=str(labels[10]), final_label=str(new))
    store.decide(20, "20", "drop", original_label=str(labels[20]))
    apply_decisions(run_dir, tmp_path / "out")
    kept = np.delete(np.arange(50), 20)
    expected = labels.copy()
    expected[10] = new
    np.testing.assert_array_equal(np.load(tmp_path / "out" / "labels.npy"), expected[kept])
    np.testing.assert_array_equal(np.load(tmp_path / "out" / "kept_indices.npy"), kept)
    table = pd.read_csv(tmp_path / "out" / "labels.csv")
    np.testing.assert_array_equal(table["index"], kept)
    np.testing.assert_array_equal(table["label"], expected[kept])


def test_image_folder_run_gets_a_labels_csv_and_files_stay_put(tmp_path):
    from tests.review.runs import make_file_image_run

    root = tmp_path / "images"
    run_dir = make_file_image_run(tmp_path / "run", root)
    before = digest(root)
    run = read_run(run_dir)
    given = run.examples["given_label"].astype(str)
    CorrectionsStore(run_dir, run.classes).decide(
        0, run.examples["id"].iloc[0], "relabel", original_label=given.iloc[0],
        final_label=str((int(given.iloc[0]) + 1) % 10))
    apply_decisions(run_dir, tmp_path / "out")
    assert digest(root) == before
    table = pd.read_csv(tmp_path / "out" / "labels.csv", dtype=str)
    assert list(table.columns[:2]) == ["path", "label"]
    assert (root / table["path"].iloc[0]).is_file()
    assert table["label"].iloc[0] == str((int(given.iloc[0]) + 1) % 10)
    assert (table["label"].iloc[1:] == given.iloc[1:].to_numpy()).all()


@pytest.mark.parametrize("where", ["run", "data"])
def test_out_inside_the_inputs_is_refused(reviewed, where):
    run_dir, data, *_ = reviewed
    out = (run_dir if where == "run" else data / "covid_tweets") / "corrected"
    res = invoke("apply", str(run_dir), "--out", str(out))
    assert res.exit_code == 2
    assert "inside the input" in res.output and "Traceback" not in res.output
    assert not out.exists()


def test_bad_decisions_file_exits_2_and_writes_nothing(reviewed, tmp_path):
    run_dir, *_ = reviewed
    bad = tmp_path / "bad.csv"
    bad.write_text("id,final_label,decision\nnot-a-tweet,INFORMATIVE,accept\n")
    out = tmp_path / "out"
    res = invoke("apply", str(run_dir), "--decisions", str(bad), "--out", str(out))
    assert res.exit_code == 2 and "not-a-tweet" in res.output
    assert not out.exists()
    bad.write_text("id,final_label,decision\n" + read_run(run_dir).examples["id"].iloc[0] + ",CAT,relabel\n")
    res = invoke("apply", str(run_dir), "--decisions", str(bad), "--out", str(out))
    assert res.exit_code == 2 and "CAT" in res.output
    assert not out.exists()


def test_existing_out_needs_overwrite(reviewed, tmp_path):
    run_dir, *_ = reviewed
    out = tmp_path / "out"
    out.mkdir()
    res = invoke("apply", str(run_dir), "--out", str(out))
    assert res.exit_code == 2 and "exists" in res.output
    res = invoke("apply", str(run_dir), "--out", str(out), "--overwrite")
    assert res.exit_code == 0, res.output
    assert (out / "test.tsv").is_file()
