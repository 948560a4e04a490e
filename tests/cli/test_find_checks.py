"""``fastclean find --checks``: data_issues.csv, summary counts, and bad input."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from fastclean.data_issues import read_data_issues
from tests.helpers import invoke, run_cli


@pytest.fixture(scope="module")
def tweets_csv(tmp_path_factory, data_dir) -> Path:
    """300 real tweets (train 240 / test 60); two test tweets repeat train tweets (one re-cased
    with extra spaces), one of them with the other label; 8 labels of a third, rare class."""
    with open(data_dir / "covid_tweets" / "test.tsv", newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))[:300]
    texts = [r[1] for r in rows]
    labels = [r[2] for r in rows]
    splits = ["train"] * 240 + ["test"] * 60
    texts[250] = "  " + texts[3].upper() + "  "
    texts[251] = texts[4]
    labels[251] = "INFORMATIVE" if labels[4] == "UNINFORMATIVE" else "UNINFORMATIVE"
    for i in range(100, 108):
        labels[i] = "RARE"
    path = tmp_path_factory.mktemp("csv") / "tweets.csv"
    pd.DataFrame({"text": texts, "label": labels, "split": splits}).to_csv(path, index=False)
    return path


def _find(csv_path: Path, out: Path, *extra: str):
    return invoke("find", str(csv_path), "--text-col", "text", "--label-col", "label",
                  "--split-col", "split", "--split", "all", "--model", "tfidf-logreg",
                  "--folds", "2", "--out", str(out), *extra)


def test_all_checks_by_default(tweets_csv, tmp_path):
    out = tmp_path / "run"
    res = _find(tweets_csv, out)
    assert res.exit_code == 0, res.output
    table = read_data_issues(out)
    exact = table[table["issue_type"] == "exact_duplicate"]
    assert {3, 4, 250, 251} <= set(exact["index"])
    cross = table[table["issue_type"] == "cross_split_duplicate"]
    assert {(250, 3), (251, 4)} <= set(zip(cross["index"], cross["other_index"]))
    conflict = table[table["issue_type"] == "conflicting_duplicate"]
    assert {4, 251} <= set(conflict["index"]) and 3 not in set(conflict["index"])
    imbalance = table[table["issue_type"] == "class_imbalance"]
    assert set(imbalance["index"]) == set(range(100, 108))
    assert (imbalance["given_label"] == "RARE").all()
    summary = json.loads((out / "summary.json").read_text())
    counts = summary["data_issues"]["counts"]
    assert counts["class_imbalance"] == 8 and counts["exact_duplicate"] == len(exact)
    assert summary["settings"]["checks"] == ["labels", "duplicates", "outliers", "imbalance"]
    assert "data_issues" in summary["timings"]
    assert "data issues" in res.output
    settings = summary["data_issues"]["settings"]
    assert settings["outlier_method"] == "isolation" and settings["outlier_input"] == "features"
    report = (out / "report.html").read_text()
    assert "isolation-forest anomaly on the features, Q3 + 3.0 IQR" in report


def test_labels_only_writes_no_data_issues(tweets_csv, tmp_path):
    out = tmp_path / "run"
    res = _find(tweets_csv, out, "--checks", "labels")
    assert res.exit_code == 0, res.output
    assert not (out / "data_issues.csv").exists()
    assert "data_issues" not in json.loads((out / "summary.json").read_text())


def test_duplicates_only_flags_no_label_issue(tweets_csv, tmp_path):
    out = tmp_path / "run"
    res = _find(tweets_csv, out, "--checks", "duplicates")
    assert res.exit_code == 0, res.output
    assert len(pd.read_csv(out / "issues.csv")) == 0
    kinds = set(pd.read_csv(out / "data_issues.csv")["issue_type"])
    assert kinds and kinds <= {"exact_duplicate", "near_duplicate", "cross_split_duplicate",
                               "conflicting_duplicate"}


def test_probs_run_has_only_what_labels_allow(tmp_path):
    labels = np.array([0] * 60 + [1] * 37 + [2] * 3)  # 3 % < 0.1 / K
    probs = np.full((100, 3), 0.1)
    probs[np.arange(100), labels] = 0.8
    np.save(tmp_path / "l.npy", labels)
    np.save(tmp_path / "p.npy", probs)
    out = tmp_path / "run"
    res = invoke("find", "--labels", str(tmp_path / "l.npy"), "--pred-probs", str(tmp_path / "p.npy"),
                 "--out", str(out))
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out / "data_issues.csv")
    assert set(table["issue_type"]) == {"class_imbalance"}
    assert set(table["index"]) == set(range(97, 100))


def test_probs_run_lists_outliers_from_pred_probs(tmp_path):
    from fastclean.audit.ood import pred_probs_outliers

    rng = np.random.default_rng(0)
    labels = rng.integers(0, 3, 300)
    probs = np.full((300, 3), 0.02)
    probs[np.arange(300), labels] = 0.96
    probs[:5] = 1 / 3                                # the model recognises nothing in these
    np.save(tmp_path / "l.npy", labels)
    np.save(tmp_path / "p.npy", probs)
    out = tmp_path / "run"
    res = invoke("find", "--labels", str(tmp_path / "l.npy"),
                 "--pred-probs", str(tmp_path / "p.npy"), "--out", str(out))
    assert res.exit_code == 0, res.output
    table = read_data_issues(out)
    outl = table[table["issue_type"] == "outlier"]
    expected = np.flatnonzero(pred_probs_outliers(probs, labels).is_issue)
    assert set(outl["index"]) == set(expected) == set(range(5))
    summary = json.loads((out / "summary.json").read_text())
    assert summary["data_issues"]["counts"]["outlier"] == 5
    assert summary["data_issues"]["settings"]["outlier_input"] == "pred_probs"
    assert "Outliers (5)" in (out / "report.html").read_text()


def test_unknown_check_exits_2_with_one_line(tmp_path):
    np.save(tmp_path / "l.npy", np.array([0, 1, 0, 1]))
    np.save(tmp_path / "p.npy", np.full((4, 2), 0.5))
    out = tmp_path / "run"
    res = run_cli("find", "--labels", str(tmp_path / "l.npy"), "--pred-probs", str(tmp_path / "p.npy"),
                  "--checks", "labels,dupes", "--out", str(out))
    assert res.returncode == 2, res.stderr
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "checks" in lines[0] and "dupes" in lines[0], res.stderr
    assert not out.exists()
