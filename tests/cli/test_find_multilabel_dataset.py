"""``fastclean find DATASET.csv --multi-label``: label sets in a CSV column, end to end."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from fastclean.core import find_label_issues
from tests.helpers import invoke
from tests.multilabel_data import write_multilabel_csv, write_multilabel_image_csv


def _rows(path):
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def ml_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ml")
    truth, given, wrong = write_multilabel_csv(folder / "docs.csv", n=200, seed=1, sep=";")
    out = folder / "run"
    result = invoke("find", str(folder / "docs.csv"), "--multi-label", "--label-col", "tags",
                    "--text-col", "text", "--label-sep", ";", "--folds", "4", "--seed", "3",
                    "--out", str(out))
    assert result.exit_code == 0, result.output
    return folder, out, given, wrong


def test_issues_csv_holds_label_sets_and_the_core_ranking(ml_run):
    folder, out, given, wrong = ml_run
    labels = json.loads((out / "labels.json").read_text())
    classes = json.loads((out / "classes.json").read_text())
    probs = np.load(out / "pred_probs.npy")
    summary = json.loads((out / "summary.json").read_text())
    expected = find_label_issues(labels, probs, multi_label=True, filter_by="both",
                                 return_indices_ranked_by="normalized_margin")
    rows = _rows(out / "issues.csv")
    assert [int(r["index"]) for r in rows] == expected.tolist()
    for r in rows:
        i = int(r["index"])
        assert r["given_label"] == given[i]  # the CSV cell, classes in name order
        assert r["id"] == f"doc{i}"
        assert r["suggested_label"] == ";".join(
            classes[c] for c in np.flatnonzero(probs[i] >= 0.5))
    assert summary["task"] == "multi-label" and summary["n_issues"] == len(rows)
    assert summary["label_sep"] == ";" and summary["settings"]["folds"] == 4
    # The flags are the injected errors, mostly (a separable toy problem).
    flagged = {int(r["index"]) for r in rows}
    assert len(flagged & set(wrong)) >= 0.7 * len(flagged)
    assert "Suspicious label sets" in (out / "report.html").read_text()


def test_probabilities_are_scikit_learns_out_of_sample_one_vs_rest(ml_run):
    from sklearn.model_selection import KFold, cross_val_predict

    from fastclean.multilabel_dataset import _one_vs_rest

    folder, out, _, _ = ml_run
    texts = [r["text"] for r in _rows(folder / "docs.csv")]
    labels = json.loads((out / "labels.json").read_text())
    onehot = np.zeros((len(labels), len(json.loads((out / "classes.json").read_text()))), int)
    for i, row in enumerate(labels):
        onehot[i, row] = 1
    ref = cross_val_predict(_one_vs_rest(3), np.asarray(texts, dtype=object), onehot,
                            cv=KFold(4, shuffle=True, random_state=3), method="predict_proba")
    np.testing.assert_allclose(np.load(out / "pred_probs.npy"), ref, rtol=1e-10, atol=1e-12)


def test_same_command_same_files(ml_run, tmp_path):
    folder, out, _, _ = ml_run
    again = tmp_path / "again"
    assert invoke("find", str(folder / "docs.csv"), "--multi-label", "--label-col", "tags",
                  "--text-col", "text", "--label-sep", ";", "--folds", "4", "--seed", "3",
                  "--out", str(again)).exit_code == 0
    for name in ("issues.csv", "examples.csv", "labels.json", "pred_probs.npy", "classes.json"):
        assert (again / name).read_bytes() == (out / name).read_bytes(), name


@pytest.mark.parametrize("extra,needle", [
    (["--path-col", "text"], "not both"),
    (["--model", "cnn"], "model"),
    (["--label-col", "nope"], "label_col"),
    (["--label-sep", ""], "label_sep"),
    (["--noise", "10"], "--noise"),
])
def test_bad_multilabel_dataset_exits_2_in_one_line(ml_run, tmp_path, extra, needle):
    folder = ml_run[0]
    out = tmp_path / "bad"
    args = ["find", str(folder / "docs.csv"), "--multi-label", "--text-col", "text", "--out",
            str(out)]
    if "--label-col" not in extra:
        args += ["--label-col", "tags"]
    result = invoke(*args, *extra)
    assert result.exit_code == 2, result.output
    assert needle in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_image_label_sets_from_a_csv_of_paths(tmp_path):
    rows = write_multilabel_image_csv(tmp_path)
    out = tmp_path / "run"
    result = invoke("find", str(tmp_path / "digits.csv"), "--multi-label", "--label-col", "digits",
                    "--folds", "3", "--out", str(out))
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    dataset = json.loads((out / "dataset.json").read_text())
    assert summary["settings"]["model"] == "efficientnet-lite0 one-vs-rest"
    assert dataset["modality"] == "image" and dataset["root"] == str(tmp_path.resolve())
    examples = _rows(out / "examples.csv")
    assert [r["given_label"] for r in examples] == [cells for _, cells in rows]
    assert examples[3]["path"] == str((tmp_path / "img" / "3.png").resolve())
    labels = json.loads((out / "labels.json").read_text())
    expected = find_label_issues(labels, np.load(out / "pred_probs.npy"), multi_label=True,
                                 filter_by="both", return_indices_ranked_by="normalized_margin")
    assert [int(r["index"]) for r in _rows(out / "issues.csv")] == expected.tolist()
