"""The bench's parallel fits and its resumable cache of finished fits and detections."""

import numpy as np
import pandas as pd
import pytest

import fastclean.train.bench as bench_module
from fastclean.train.bench import BenchConfig, run_bench
from fastclean.train.experiment import LearnerSpec
from fastclean.train.jobs import JobRunner


def _config(**overrides):
    values = dict(dataset="digits", noise_levels=[30], losses=["ce"], filter_bys=["both"],
                  strategies=["baseline", "prune", "pseudo-label"], folds=2, max_train=240,
                  detector="logreg", threshold=1.0, learner=LearnerSpec(epochs=1, bs=32), jobs=1)
    values.update(overrides)
    return BenchConfig(**values)


class CountingFits:
    """Wraps the real fit so a test can count calls, or die on the n-th like a killed run."""

    def __init__(self, real, die_at=None):
        self.real, self.die_at, self.calls = real, die_at, 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        if self.calls == self.die_at:
            raise KeyboardInterrupt
        return self.real(*args, **kwargs)


def test_two_worker_processes_give_the_inline_results(digits, tmp_path, monkeypatch):
    monkeypatch.setenv("FASTCLEAN_THREADS", "1")  # the workers are single-threaded too
    inline = run_bench(_config(jobs=1, resume=False), tmp_path / "a", dataset=digits, cache_dir=tmp_path / "c1")
    parallel = run_bench(_config(jobs=2, resume=False), tmp_path / "b", dataset=digits, cache_dir=tmp_path / "c2")
    cols = ["noise_pct", "strategy", "loss", "filter_by", "n_flagged", "n_kept", "clean_val_accuracy"]
    pd.testing.assert_frame_equal(inline[cols], parallel[cols])
    assert "2 single-threaded job(s)" in (tmp_path / "b" / "results.md").read_text()
    # the result file itself is the same bytes; only timings.csv knows how long each fit took
    assert (tmp_path / "a" / "results.csv").read_bytes() == (tmp_path / "b" / "results.csv").read_bytes()
    timings = pd.read_csv(tmp_path / "b" / "timings.csv")
    assert len(timings) == len(parallel) and (timings.seconds.dropna() > 0).all()


def test_identical_training_sets_are_fitted_once(digits, tmp_path, monkeypatch):
    fits = CountingFits(bench_module.fit_and_score)
    monkeypatch.setattr(bench_module, "fit_and_score", fits)
    results = run_bench(_config(), tmp_path / "b", dataset=digits, cache_dir=tmp_path / "c")
    cl = results[results.strategy.isin(["prune", "pseudo-label"])]
    # threshold 1.0 relabels nothing: pseudo-label drops exactly what prune drops
    assert (cl.n_relabelled.fillna(0) == 0).all() and cl.n_kept.nunique() == 1
    assert cl.clean_val_accuracy.nunique() == 1
    # the 0 % reference, the 30 % baseline, and prune (pseudo-label reuses its result)
    assert fits.calls == 3


def test_a_killed_bench_resumes_with_the_fits_it_finished(digits, tmp_path, monkeypatch):
    first = CountingFits(bench_module.fit_and_score, die_at=3)
    monkeypatch.setattr(bench_module, "fit_and_score", first)
    with pytest.raises(KeyboardInterrupt):
        run_bench(_config(strategies=["baseline", "prune"]), tmp_path / "b", dataset=digits,
                  cache_dir=tmp_path / "c")
    assert not (tmp_path / "b").exists()  # nothing half-written

    second = CountingFits(first.real)
    monkeypatch.setattr(bench_module, "fit_and_score", second)
    resumed = run_bench(_config(strategies=["baseline", "prune"]), tmp_path / "b", dataset=digits,
                        cache_dir=tmp_path / "c")
    assert second.calls == 1  # only the fit that was killed
    assert resumed.from_cache.sum() == 2
    assert "from_cache" not in pd.read_csv(tmp_path / "b" / "results.csv").columns

    fresh = run_bench(_config(strategies=["baseline", "prune"], resume=False), tmp_path / "fresh",
                      dataset=digits, cache_dir=tmp_path / "c2")
    np.testing.assert_allclose(resumed.clean_val_accuracy, fresh.clean_val_accuracy)


def test_jobs_must_be_a_positive_int():
    with pytest.raises(ValueError, match="jobs"):
        _config(jobs=0).check()
    with pytest.raises(ValueError, match="jobs"):
        JobRunner(0)


def test_inline_runner_hands_errors_back_through_the_future():
    with JobRunner(1) as runner:
        future = runner.submit(int, "not a number")
    with pytest.raises(ValueError):
        future.result()
