import pytest

from fastclean.models import threads


@pytest.fixture(autouse=True)
def fresh_measurement(monkeypatch):
    monkeypatch.delenv(threads.THREADS_ENV, raising=False)
    threads.automatic_threads.cache_clear()
    yield
    threads.automatic_threads.cache_clear()


def test_environment_variable_wins(monkeypatch):
    monkeypatch.setenv(threads.THREADS_ENV, "3")
    monkeypatch.setattr(threads, "busy_cpus_elsewhere", lambda: 99)
    assert threads.model_threads() == 3


@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5"])
def test_bad_environment_value_names_the_variable(monkeypatch, value):
    monkeypatch.setenv(threads.THREADS_ENV, value)
    with pytest.raises(ValueError, match="FASTCLEAN_THREADS"):
        threads.model_threads()


@pytest.mark.parametrize("cpus, busy, expected", [(2, 0, 2), (2, 1, 1), (2, 7, 1), (8, 3, 5)])
def test_automatic_default_uses_the_idle_cores(monkeypatch, cpus, busy, expected):
    monkeypatch.setattr(threads, "usable_cpus", lambda: cpus)
    monkeypatch.setattr(threads, "busy_cpus_elsewhere", lambda: busy)
    assert threads.model_threads() == expected


def test_automatic_default_is_measured_once_per_process(monkeypatch):
    calls = []
    monkeypatch.setattr(threads, "busy_cpus_elsewhere", lambda: calls.append(1) or 0)
    threads.model_threads()
    threads.model_threads()
    assert len(calls) == 1


def test_busy_cpus_reads_a_non_negative_count():
    assert 0 <= threads.busy_cpus_elsewhere(samples=3, interval=0.001) < 10_000


def test_limited_threads_restores_torch_threads():
    torch = pytest.importorskip("torch")
    before = torch.get_num_threads()
    with threads.limited_threads(1) as n:
        assert n == 1 and torch.get_num_threads() == 1
    assert torch.get_num_threads() == before
