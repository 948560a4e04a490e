"""``fastclean report DIR``: rewrites report.html; bad input exits 2 with one line."""

from __future__ import annotations

import numpy as np
import pytest

import fastclean.run as run_module
from fastclean.run import find_from_probs, write_run
from tests.helpers import run_cli


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    """A run directory from real digits (first 300), noisy labels, logistic-regression probs."""
    from sklearn.datasets import load_digits
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_predict
    from threadpoolctl import threadpool_limits

    x, y = load_digits(return_X_y=True)
    x, y = x[:300] / 16.0, y[:300]
    rng = np.random.default_rng(1)
    noisy = y.copy()
    flip = rng.choice(len(y), size=30, replace=False)
    noisy[flip] = (y[flip] + rng.integers(1, 10, size=30)) % 10
    with threadpool_limits(1):
        probs = cross_val_predict(LogisticRegression(max_iter=300), x, noisy, cv=3,
                                  method="predict_proba")
    result = find_from_probs(noisy, probs)
    with pytest.MonkeyPatch.context() as patch:  # the command under test writes the report
        patch.setattr(run_module, "_write_report_if_available", lambda run_dir: None)
        return write_run(result, tmp_path_factory.mktemp("cli") / "run")


def test_report_writes_the_report_of_an_existing_run(small_run):
    assert not (small_run / "report.html").exists()
    res = run_cli("report", str(small_run), "--top-k", "3")
    assert res.returncode == 0, res.stderr
    html = (small_run / "report.html").read_text(encoding="utf-8")
    assert html.count('<div class="item">') == 3
    assert "report.html" in res.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["/nonexistent/fastclean-run"], "does not exist"),
        (["{tmp}"], "neither a run directory"),
        (["{run}", "--top-k", "-2"], "top_k"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(small_run, tmp_path, args, message):
    before = {p.name: p.stat().st_mtime_ns for p in small_run.iterdir()}
    args = [a.format(tmp=tmp_path, run=small_run) for a in args]
    res = run_cli("report", *args)
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and message in lines[0]
    assert "Traceback" not in res.stderr
    assert list(tmp_path.iterdir()) == []
    assert {p.name: p.stat().st_mtime_ns for p in small_run.iterdir()} == before


def test_report_has_help():
    res = run_cli("report", "--help")
    assert res.returncode == 0 and "--top-k" in res.stdout
