"""The data checks run alongside the folds (``fastclean.run.AlongsideFolds``)."""

import threading

import pytest

from fastclean.run import AlongsideFolds


class _Runner:
    """A fold runner with an ``idle`` event, like ``DaskJobRunner``."""

    def __init__(self):
        self.idle = threading.Event()

    def __call__(self, fn, jobs):
        return [fn(**job) for job in jobs]


def test_work_waits_for_idle_and_its_result_comes_back():
    runner, order = _Runner(), []

    def fit(i):
        order.append(f"fold{i}")
        if i == 1:
            runner.idle.set()  # one fold left: the work may start now
            work_started.wait(5)
        return i * 10

    work_started = threading.Event()

    def work():
        order.append("work")
        work_started.set()
        return "checked"

    wrapped = AlongsideFolds(runner, work)
    assert wrapped(fit, [{"i": 0}, {"i": 1}]) == [0, 10]
    assert wrapped.result() == "checked"
    assert order == ["fold0", "fold1", "work"]  # not before the runner said idle


def test_work_error_is_raised_by_result_and_no_runner_call_runs_it_here():
    def boom():
        raise ValueError("checks failed")

    wrapped = AlongsideFolds(_Runner(), boom)
    wrapped.runner.idle.set()
    wrapped(lambda: None, [])
    with pytest.raises(ValueError, match="checks failed"):
        wrapped.result()
    # Every fold cached: the runner is never called, result() does the work itself.
    assert AlongsideFolds(_Runner(), lambda: 42).result() == 42
