"""``fastclean find --labels --pred-probs``: outputs, printing and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.helpers import run_cli


@pytest.fixture(scope="module")
def digits_probs(tmp_path_factory) -> tuple[Path, Path, np.ndarray, np.ndarray]:
    """Real digits with 10 % flipped labels and out-of-sample logistic-regression probabilities."""
    from sklearn.datasets import load_digits
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_predict

    x, y = load_digits(return_X_y=True)
    rng = np.random.default_rng(0)
    noisy = y.copy()
    flip = rng.choice(len(y), size=len(y) // 10, replace=False)
    noisy[flip] = (y[flip] + rng.integers(1, 10, size=len(flip))) % 10
    probs = cross_val_predict(LogisticRegression(max_iter=300), x / 16.0, noisy, cv=5, method="predict_proba")
    d = tmp_path_factory.mktemp("arrays")
    np.save(d / "labels.npy", noisy)
    np.save(d / "pred_probs.npy", probs)
    return d / "labels.npy", d / "pred_probs.npy", noisy, probs


def test_find_writes_the_promised_run_directory(digits_probs, tmp_path):
    labels_file, probs_file, noisy, probs = digits_probs
    out = tmp_path / "run"
    res = run_cli("find", "--labels", str(labels_file), "--pred-probs", str(probs_file), "--out", str(out))
    assert res.returncode == 0, res.stderr
    for name in ("issues.csv", "summary.json", "labels.npy", "pred_probs.npy", "classes.json"):
        assert (out / name).is_file(), name
    issues = pd.read_csv(out / "issues.csv")
    for col in ("rank", "index", "id", "split", "given_label", "suggested_label", "confidence",
                "confidence_bucket", "label_quality"):
        assert col in issues.columns
    assert list(issues["rank"]) == list(range(1, len(issues) + 1))
    assert set(issues["confidence_bucket"]) <= {"<60", "60-80", "80+"}
    # Worst first: ranked by normalized margin, so quality is non-decreasing down the file.
    assert np.all(np.diff(issues["label_quality"].to_numpy()) >= -1e-9)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["n_examples"] == len(noisy)
    assert summary["n_issues"] == len(issues)
    assert 0.03 < summary["estimated_noise_rate"] < 0.3
    np.testing.assert_array_equal(np.load(out / "labels.npy"), noisy)
    assert "Top 10" in res.stdout and "Summary" in res.stdout


def test_find_matches_the_library_call(digits_probs, tmp_path):
    import fastclean

    labels_file, probs_file, noisy, probs = digits_probs
    out = tmp_path / "run"
    res = run_cli("find", "--labels", str(labels_file), "--pred-probs", str(probs_file),
                  "--filter-by", "prune_by_noise_rate", "--rank-by", "self_confidence", "--out", str(out))
    assert res.returncode == 0, res.stderr
    expected = fastclean.find_label_issues(noisy, probs, filter_by="prune_by_noise_rate",
                                           return_indices_ranked_by="self_confidence")
    assert list(pd.read_csv(out / "issues.csv")["index"]) == list(expected)


def test_find_reads_csv_inputs_and_class_names(digits_probs, tmp_path):
    _, _, noisy, probs = digits_probs
    pd.DataFrame({"label": noisy}).to_csv(tmp_path / "labels.csv", index=False)
    pd.DataFrame(probs).to_csv(tmp_path / "probs.csv", index=False, header=False)
    names = [f"digit-{k}" for k in range(10)]
    (tmp_path / "classes.json").write_text(json.dumps(names))
    out = tmp_path / "run"
    res = run_cli("find", "--labels", str(tmp_path / "labels.csv"), "--pred-probs", str(tmp_path / "probs.csv"),
                  "--classes", str(tmp_path / "classes.json"), "--out", str(out))
    assert res.returncode == 0, res.stderr
    issues = pd.read_csv(out / "issues.csv")
    assert set(issues["given_label"]) <= set(names)
    assert json.loads((out / "classes.json").read_text()) == names


def _assert_clean_failure(res, out: Path, *needles: str) -> None:
    assert res.returncode == 2, (res.returncode, res.stdout, res.stderr)
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, res.stderr
    assert "Traceback" not in res.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    assert not out.exists()
    assert not [p for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.tmp")]


@pytest.mark.parametrize(
    "make_labels, make_probs, needles",
    [
        (lambda y: y[:-5], lambda p: p, ("labels", "length")),
        (lambda y: y + 0.5, lambda p: p, ("labels", "integer")),
        (lambda y: np.where(y == 0, 12, y), lambda p: p, ("labels", "[0, 10)")),
        (lambda y: y, lambda p: p[:, 0], ("pred_probs", "2-D")),
        (lambda y: y, lambda p: np.where(p == p.max(), np.nan, p), ("pred_probs", "NaN")),
        (lambda y: y, lambda p: np.where(p == p.max(), np.inf, p), ("pred_probs",)),
        (lambda y: y, lambda p: p - 0.01, ("pred_probs", "negative")),
        (lambda y: y, lambda p: p * 1.5, ("pred_probs", "sum", "renormalize")),
        (lambda y: np.zeros_like(y), lambda p: p[:, :1] / p[:, :1], ("class",)),
    ],
    ids=["length", "non-integer", "out-of-range", "1-D", "nan", "inf", "negative", "row-sums", "one-class"],
)
def test_bad_arrays_exit_2_with_one_line(digits_probs, tmp_path, make_labels, make_probs, needles):
    _, _, noisy, probs = digits_probs
    np.save(tmp_path / "l.npy", make_labels(noisy.copy()))
    np.save(tmp_path / "p.npy", make_probs(probs.copy()))
    out = tmp_path / "run"
    res = run_cli("find", "--labels", str(tmp_path / "l.npy"), "--pred-probs", str(tmp_path / "p.npy"), "--out", str(out))
    _assert_clean_failure(res, out, *needles)


def test_renormalize_option_accepts_unnormalised_rows(digits_probs, tmp_path):
    _, _, noisy, probs = digits_probs
    np.save(tmp_path / "p.npy", probs * 3.0)
    np.save(tmp_path / "l.npy", noisy)
    res = run_cli("find", "--labels", str(tmp_path / "l.npy"), "--pred-probs", str(tmp_path / "p.npy"),
                  "--renormalize", "--out", str(tmp_path / "run"))
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "run" / "issues.csv").exists()


def test_missing_file_not_an_array_and_existing_out(digits_probs, tmp_path):
    labels_file, probs_file, _, _ = digits_probs
    out = tmp_path / "run"
    res = run_cli("find", "--labels", str(tmp_path / "nope.npy"), "--pred-probs", str(probs_file), "--out", str(out))
    _assert_clean_failure(res, out, "labels", "not found")

    (tmp_path / "junk.npy").write_bytes(b"this is not numpy")
    res = run_cli("find", "--labels", str(labels_file), "--pred-probs", str(tmp_path / "junk.npy"), "--out", str(out))
    _assert_clean_failure(res, out, "pred_probs", "not a valid numpy")

    (tmp_path / "probs.txt").write_text("1 2 3")
    res = run_cli("find", "--labels", str(labels_file), "--pred-probs", str(tmp_path / "probs.txt"), "--out", str(out))
    _assert_clean_failure(res, out, "pred_probs", "unsupported")

    out.mkdir()
    (out / "keep.txt").write_text("mine")
    res = run_cli("find", "--labels", str(labels_file), "--pred-probs", str(probs_file), "--out", str(out))
    assert res.returncode == 2 and "already exists" in res.stderr and "--overwrite" in res.stderr
    assert (out / "keep.txt").read_text() == "mine"
    # --overwrite replaces fastclean runs only, never a folder of the user's
    res = run_cli("find", "--labels", str(labels_file), "--pred-probs", str(probs_file), "--out", str(out), "--overwrite")
    assert res.returncode == 2 and "not a fastclean run" in res.stderr
    assert (out / "keep.txt").read_text() == "mine"
    (out / "keep.txt").unlink()
    out.rmdir()
    assert run_cli("find", "--labels", str(labels_file), "--pred-probs", str(probs_file), "--out", str(out)).returncode == 0
    res = run_cli("find", "--labels", str(labels_file), "--pred-probs", str(probs_file), "--out", str(out), "--overwrite")
    assert res.returncode == 0, res.stderr
    assert (out / "issues.csv").exists()
