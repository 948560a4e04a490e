"""``fastclean find --multi-label``: label sets from .json/.npy/.csv, issues.csv of label sets."""

from __future__ import annotations

import csv
import json

import numpy as np

from fastclean.core import find_label_issues
from tests.helpers import invoke

from ..core.test_multilabel import make_multilabel

NAMES = ["cat", "dog", "eel", "fox"]


def _inputs(tmp_path):
    labels, probs = make_multilabel(3, 300, 4)
    np.save(tmp_path / "p.npy", probs)
    (tmp_path / "l.json").write_text(json.dumps(labels))
    (tmp_path / "classes.json").write_text(json.dumps(NAMES))
    with (tmp_path / "l.csv").open("w") as fh:
        fh.write("id,tags\n")
        for i, row in enumerate(labels):
            fh.write(f"{i},{';'.join(NAMES[c] for c in row)}\n")
    objects = np.empty(len(labels), dtype=object)
    objects[:] = labels
    np.save(tmp_path / "l.npy", objects, allow_pickle=True)
    return labels, probs


def _issues(path):
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh))


def test_json_npy_and_csv_label_sets_give_the_core_ranking(tmp_path):
    labels, probs = _inputs(tmp_path)
    expected = find_label_issues(labels, probs, multi_label=True,
                                 return_indices_ranked_by="self_confidence")
    runs = {
        "json": ["--labels", str(tmp_path / "l.json")],
        "npy": ["--labels", str(tmp_path / "l.npy")],
        "csv": ["--labels", str(tmp_path / "l.csv"), "--label-col", "tags", "--label-sep", ";"],
    }
    for name, extra in runs.items():
        out = tmp_path / f"run-{name}"
        result = invoke("find", "--multi-label", *extra, "--pred-probs", str(tmp_path / "p.npy"),
                        "--classes", str(tmp_path / "classes.json"), "--rank-by",
                        "self_confidence", "--filter-by", "prune_by_noise_rate", "--out", str(out))
        assert result.exit_code == 0, result.output
        rows = _issues(out / "issues.csv")
        assert [int(r["index"]) for r in rows] == expected.tolist()
        for r in rows[:20]:
            given = labels[int(r["index"])]
            sep = ";" if name == "csv" else "|"  # sets are written with the separator given
            assert r["given_label"] == sep.join(NAMES[c] for c in given)
        summary = json.loads((out / "summary.json").read_text())
        assert summary["n_issues"] == len(expected) and summary["task"] == "multi-label"


def test_bad_multilabel_input_exits_2_and_writes_nothing(tmp_path):
    _inputs(tmp_path)
    (tmp_path / "bad.json").write_text(json.dumps([["cat"], ["wolf"]] + [[]] * 298))
    out = tmp_path / "run"
    result = invoke("find", "--multi-label", "--labels", str(tmp_path / "bad.json"),
                    "--pred-probs", str(tmp_path / "p.npy"), "--classes",
                    str(tmp_path / "classes.json"), "--out", str(out))
    assert result.exit_code == 2
    assert "wolf" in result.output and "Traceback" not in result.output
    assert not out.exists()
    result = invoke("find", "--multi-label", "--labels", str(tmp_path / "l.csv"),
                    "--pred-probs", str(tmp_path / "p.npy"), "--out", str(out))
    assert result.exit_code == 2 and "--label-col" in result.output
    assert not out.exists()


def test_report_of_a_multilabel_run_shows_label_sets(tmp_path):
    _inputs(tmp_path)
    out = tmp_path / "run"
    assert invoke("find", "--multi-label", "--labels", str(tmp_path / "l.json"), "--pred-probs",
                  str(tmp_path / "p.npy"), "--classes", str(tmp_path / "classes.json"),
                  "--out", str(out)).exit_code == 0
    (out / "report.html").unlink()
    result = invoke("report", str(out))
    assert result.exit_code == 0, result.output
    page = (out / "report.html").read_text()
    first = _issues(out / "issues.csv")[0]
    assert "Suspicious label sets" in page
    for name in first["given_label"].split("|"):
        assert f">{name}</span>" in page
