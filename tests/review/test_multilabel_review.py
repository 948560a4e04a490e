"""Reviewing a multi-label run: label sets shown as sets, relabelled to a set, exported."""

from __future__ import annotations

import shutil
import sqlite3
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import fastclean.review
from fastclean.review.export import cleaned_labels
from fastclean.review.store import CorrectionsStore
from fastclean.run import read_run
from tests.multilabel_data import write_multilabel_csv, write_multilabel_image_csv

APP = str(Path(fastclean.review.__file__).with_name("app.py"))


def make_multilabel_run(folder: Path) -> Path:
    """A multi-label text run: the toy topics CSV through ``find DATASET --multi-label``."""
    from fastclean.multilabel_dataset import find_multilabel_in_table

    folder.mkdir(parents=True, exist_ok=True)
    write_multilabel_csv(folder / "docs.csv", n=160, seed=2)
    find_multilabel_in_table(folder / "docs.csv", folder / "run", label_col="tags",
                             text_col="text", folds=4, seed=0)
    return folder / "run"


@pytest.fixture(scope="module")
def _template(tmp_path_factory) -> Path:
    return make_multilabel_run(tmp_path_factory.mktemp("ml-template"))


@pytest.fixture
def ml_run(_template, tmp_path) -> Path:
    return Path(shutil.copytree(_template, tmp_path / "run"))


def start(monkeypatch, run_dir: Path) -> AppTest:
    monkeypatch.setattr(sys, "argv", [APP, str(run_dir)])
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, at.exception
    return at


def stored(run_dir: Path) -> list[tuple]:
    conn = sqlite3.connect(run_dir / "review.sqlite")
    try:
        return conn.execute("SELECT example_index, action, original_label, final_label "
                            "FROM decisions ORDER BY seq").fetchall()
    finally:
        conn.close()


def test_issue_shows_given_and_suggested_sets_as_chips(monkeypatch, ml_run):
    at = start(monkeypatch, ml_run)
    first = read_run(ml_run).issues.sort_values("rank").iloc[0]
    shown = next(str(m.value) for m in at.markdown if "fastclean-labels" in str(m.value))
    for name in filter(None, str(first["given_label"]).split("|")):
        assert f">{name}</span>" in shown
    assert "Suggested set" in shown
    assert list(at.sidebar.radio(key="page").options) == ["Issues", "Export"]


def test_relabel_to_a_set_is_committed_and_exported(monkeypatch, ml_run):
    at = start(monkeypatch, ml_run)
    run = read_run(ml_run)
    first = run.issues.sort_values("rank").iloc[0]
    index = int(first["index"])
    chosen = [run.classes[-1], run.classes[0]]  # picked out of order: stored in class order
    at.multiselect(key=f"relabel_set_{index}").set_value(chosen).run()
    at.button(key="relabel").click().run()
    assert not at.exception, at.exception
    expected = "|".join(c for c in run.classes if c in chosen)
    assert stored(ml_run) == [(index, "relabel", str(first["given_label"]), expected)]
    frame = cleaned_labels(read_run(ml_run))
    row = frame[frame["index"] == index].iloc[0]
    assert (row["original_label"], row["final_label"], row["decision"]) == (
        str(first["given_label"]), expected, "relabel")


def test_accepting_the_empty_suggested_set_and_filtering_by_class(monkeypatch, ml_run):
    run = read_run(ml_run)
    at = start(monkeypatch, ml_run)
    wanted = run.classes[1]
    at.sidebar.multiselect(key="filter_given_label").set_value([wanted]).run()
    line = next(m.value for m in at.markdown if str(m.value).startswith("**#"))
    shown = run.issues[run.issues["id"] == line.split("`")[1]].iloc[0]
    assert wanted in str(shown["given_label"]).split("|")
    at.button(key="accept").click().run()
    assert stored(ml_run)[-1][1:] == ("accept", str(shown["given_label"]),
                                      str(shown["suggested_label"]))


def test_store_checks_every_class_of_a_set(ml_run):
    run = read_run(ml_run)
    store = CorrectionsStore(ml_run, run.classes, label_sep="|")
    store.decide(0, "doc0", "relabel", original_label="", final_label="")  # empty set is a set
    with pytest.raises(ValueError, match="wolf"):
        store.decide(0, "doc0", "relabel", original_label=run.classes[0],
                     final_label=f"{run.classes[1]}|wolf")


def test_image_multilabel_run_shows_the_image(monkeypatch, tmp_path):
    from fastclean.multilabel_dataset import find_multilabel_in_table

    write_multilabel_image_csv(tmp_path)
    find_multilabel_in_table(tmp_path / "digits.csv", tmp_path / "run", label_col="digits",
                             folds=3, seed=0)
    at = start(monkeypatch, tmp_path / "run")
    assert len(at.image) == 1
    assert not [e for e in at.error]
