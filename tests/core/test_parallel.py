"""Row blocks run on threads give exactly the serial answer (and the reference's)."""

from __future__ import annotations

import importlib

import numpy as np
import pytest
from cleanlab import filter as cl_filter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fastclean.core import _parallel, find_label_issues, validate_pred_probs

from .conftest import make_problem


@pytest.fixture
def threaded(monkeypatch):
    """Every blocked pass on 3 threads, however small the input."""
    monkeypatch.setattr(_parallel, "MIN_PARALLEL_ELEMENTS", 0)
    # The margin-candidate sweep in many row ranges (each at least one block of rows).
    monkeypatch.setattr(importlib.import_module("fastclean.core.filter"),
                        "_CANDIDATE_RANGE_ROWS", 16)
    monkeypatch.setenv("FASTCLEAN_THREADS", "3")
    return monkeypatch


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**31 - 1), k=st.sampled_from([3, 20, 300]), ties=st.booleans(),
       chunk=st.sampled_from([None, 7, 64]),
       filter_by=st.sampled_from(["prune_by_noise_rate", "both", "confident_learning"]))
def test_threaded_blocks_match_serial_and_reference(threaded, seed, k, ties, chunk, filter_by):
    labels, probs = make_problem(seed, max(200, 4 * k), k, ties=ties, dtype=np.float32)
    kwargs = dict(filter_by=filter_by, return_indices_ranked_by="normalized_margin")
    ours = find_label_issues(labels, probs, chunk_size=chunk, **kwargs)
    threaded.setenv("FASTCLEAN_THREADS", "1")
    serial = find_label_issues(labels, probs, chunk_size=chunk, **kwargs)
    np.testing.assert_array_equal(ours, serial)
    np.testing.assert_array_equal(ours, cl_filter.find_label_issues(labels, probs, n_jobs=1,
                                                                    **kwargs))


def test_threaded_validation_reports_the_first_bad_row(threaded):
    probs = np.full((100, 4), 0.25)
    probs[70, 0] = np.nan
    probs[30] = [0.5, 0.5, 0.5, -0.5]
    with pytest.raises(ValueError, match="row 30 has a negative value"):
        validate_pred_probs(probs, chunk_size=10)
    probs[30] = 0.25
    probs[90] = [1.0, 0.5, 0.0, 0.0]
    with pytest.raises(ValueError, match="row 70 contains NaN"):
        validate_pred_probs(probs, chunk_size=10)


def test_a_forked_child_gets_its_own_threads(threaded):
    import multiprocessing

    labels, probs = make_problem(3, 400, 5, dtype=np.float32)
    expected = find_label_issues(labels, probs, chunk_size=16)  # the parent's pool exists now
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(1) as pool:
        got = pool.apply_async(find_label_issues, (labels, probs), {"chunk_size": 16}).get(60)
    np.testing.assert_array_equal(got, expected)


def test_context_variables_reach_the_threads(threaded):
    import contextvars

    from fastclean.core._parallel import map_in_order

    setting = contextvars.ContextVar("setting", default="default")
    setting.set("caller's")
    assert map_in_order(lambda i: (i, setting.get()), range(6), 10**9) == \
        [(i, "caller's") for i in range(6)]


def test_threaded_validation_keeps_a_lifted_probability_ceiling(threaded):
    from fastclean.core.validation import probability_ceiling

    probs = np.full((64, 2), 0.5)
    probs[40] = [1.00005, 0.0]  # sums to 1 within atol, above 1 + 1e-6
    with pytest.raises(ValueError, match="row 40"):
        validate_pred_probs(probs, chunk_size=8)
    with probability_ceiling(1.001):
        assert validate_pred_probs(probs, chunk_size=8) is probs


@pytest.mark.parametrize("rank_by, adjust", [(None, False), ("self_confidence", False),
                                             ("self_confidence", True),
                                             ("normalized_margin", True),
                                             ("confidence_weighted_entropy", False)])
def test_both_filters_beside_each_other_match_the_reference(threaded, rank_by, adjust):
    # filter_by="both" runs the class filter (and the check and scores of its rows) on a core
    # thread beside the noise-rate filter.
    labels, probs = make_problem(7, 3000, 12, ties=True, dtype=np.float32, noise=0.3)
    kwargs = dict(filter_by="both", return_indices_ranked_by=rank_by,
                  rank_by_kwargs={"adjust_pred_probs": True} if adjust else None)
    ours = find_label_issues(labels, probs, chunk_size=64, **kwargs)
    np.testing.assert_array_equal(ours, cl_filter.find_label_issues(labels, probs, n_jobs=1,
                                                                    **kwargs))
    threaded.setenv("FASTCLEAN_THREADS", "1")
    np.testing.assert_array_equal(find_label_issues(labels, probs, chunk_size=64, **kwargs), ours)
