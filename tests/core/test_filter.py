"""find_label_issues gives cleanlab 2.9.0's exact answer (mask and ranked order, ties included)."""

from __future__ import annotations

import numpy as np
import pytest
from cleanlab import count as cl_count
from cleanlab import filter as cl_filter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fastclean.core import compute_confident_joint, find_label_issues
from fastclean.core.filter import FILTER_BY

from .conftest import make_problem, problems

RANKS = [None, "self_confidence", "normalized_margin", "confidence_weighted_entropy"]
PRUNING = ["prune_by_noise_rate", "prune_by_class", "both"]


def fast(max_examples):
    return settings(max_examples=max_examples, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def reference(labels, probs, **kwargs):
    return cl_filter.find_label_issues(labels, probs, n_jobs=1, **kwargs)


def assert_same(ours, ref):
    assert ours.dtype.kind == ref.dtype.kind
    np.testing.assert_array_equal(ours, ref)


@fast(160)
@given(problem=problems(), filter_by=st.sampled_from(FILTER_BY), rank_by=st.sampled_from(RANKS))
def test_matches_reference_for_every_filter_and_ranking(problem, filter_by, rank_by):
    labels, probs = problem
    kwargs = dict(filter_by=filter_by, return_indices_ranked_by=rank_by)
    assert_same(find_label_issues(labels, probs, **kwargs), reference(labels, probs, **kwargs))


@fast(80)
@given(problem=problems(), filter_by=st.sampled_from(PRUNING),
       frac_noise=st.sampled_from([1.0, 0.8, 0.5, 0.1, 0.0]),
       min_examples=st.sampled_from([0, 1, 2, 5, 50]))
def test_matches_reference_with_frac_noise_and_min_examples(problem, filter_by, frac_noise,
                                                            min_examples):
    labels, probs = problem
    kwargs = dict(filter_by=filter_by, frac_noise=frac_noise,
                  min_examples_per_class=min_examples)
    assert_same(find_label_issues(labels, probs, **kwargs), reference(labels, probs, **kwargs))


@fast(40)
@given(seed=st.integers(0, 2**31 - 1), k=st.integers(2, 12), n=st.integers(30, 400),
       filter_by=st.sampled_from(PRUNING), ties=st.booleans(), data=st.data())
def test_matches_reference_with_num_to_remove_per_class(seed, k, n, filter_by, ties, data):
    labels, probs = make_problem(seed, n, k, ties=ties)
    counts = np.bincount(labels, minlength=k)
    if (counts == 0).any():  # the reference divides by zero for empty classes
        return
    remove = [data.draw(st.integers(0, int(c) // 2)) for c in counts]
    kwargs = dict(filter_by=filter_by, num_to_remove_per_class=remove)
    assert_same(find_label_issues(labels, probs, **kwargs), reference(labels, probs, **kwargs))


@fast(40)
@given(problem=problems(), filter_by=st.sampled_from(FILTER_BY),
       calibrate=st.booleans())
def test_matches_reference_with_a_given_confident_joint(problem, filter_by, calibrate):
    labels, probs = problem
    cj = cl_count.compute_confident_joint(labels, probs, calibrate=calibrate)
    kwargs = dict(filter_by=filter_by, confident_joint=cj)
    assert_same(find_label_issues(labels, probs, **kwargs), reference(labels, probs, **kwargs))


@fast(25)
@given(seed=st.integers(0, 2**31 - 1), k=st.sampled_from([3, 10, 30]),
       dtype=st.sampled_from([np.float32, np.float64]), ties=st.booleans(),
       filter_by=st.sampled_from(["prune_by_noise_rate", "both", "low_normalized_margin"]))
def test_matches_reference_on_larger_inputs(seed, k, dtype, ties, filter_by):
    # Classes large enough that the margin cut-offs come from a sample, not the whole class.
    labels, probs = make_problem(seed, 6000, k, dtype=dtype, ties=ties, noise=0.25)
    kwargs = dict(filter_by=filter_by, return_indices_ranked_by="normalized_margin")
    assert_same(find_label_issues(labels, probs, **kwargs), reference(labels, probs, **kwargs))


@fast(30)
@given(problem=problems(), filter_by=st.sampled_from(FILTER_BY), chunk=st.integers(1, 50))
def test_chunk_size_does_not_change_the_answer(problem, filter_by, chunk):
    labels, probs = problem
    whole = find_label_issues(labels, probs, filter_by=filter_by)
    np.testing.assert_array_equal(
        find_label_issues(labels, probs, filter_by=filter_by, chunk_size=chunk), whole)


def test_memmap_input_gives_the_same_ranked_issues(tmp_path):
    labels, probs = make_problem(3, 5000, 20, dtype=np.float32, noise=0.2)
    path = tmp_path / "p.npy"
    np.save(path, probs)
    mapped = np.load(path, mmap_mode="r")
    kwargs = dict(filter_by="both", return_indices_ranked_by="normalized_margin")
    np.testing.assert_array_equal(
        find_label_issues(labels, mapped, chunk_size=333, **kwargs),
        reference(labels, probs, **kwargs))


def test_result_does_not_depend_on_reference_n_jobs():
    labels, probs = make_problem(11, 3000, 8, ties=True)
    ours = find_label_issues(labels, probs, filter_by="both")
    np.testing.assert_array_equal(
        ours, cl_filter.find_label_issues(labels, probs, filter_by="both", n_jobs=2))


def test_chunked_float32_run_holds_under_a_quarter_of_the_input_in_extra_memory():
    import tracemalloc

    # A realistic model (most labels predicted well), as in the 1M x 100 benchmark.
    labels, probs = make_problem(5, 100_000, 100, dtype=np.float32, noise=0.1, strength=5.0)
    tracemalloc.start()
    find_label_issues(labels, probs, filter_by="both", return_indices_ranked_by="normalized_margin",
                      chunk_size=2000)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # A float64 copy alone would be twice the input.
    assert peak < 0.25 * probs.nbytes


def test_ranked_output_lists_exactly_the_flagged_examples():
    labels, probs = make_problem(8, 800, 6, noise=0.3)
    mask = find_label_issues(labels, probs)
    ranked = find_label_issues(labels, probs, return_indices_ranked_by="self_confidence")
    assert sorted(ranked.tolist()) == np.nonzero(mask)[0].tolist()
    quality = probs[ranked, labels[ranked]]
    assert np.all(np.diff(quality) >= 0)


def test_finds_most_injected_noise_on_an_easy_problem():
    rng = np.random.default_rng(0)
    truth = rng.integers(0, 4, 2000)
    probs = np.full((2000, 4), 0.02)
    probs[np.arange(2000), truth] = 0.94
    labels = truth.copy()
    flip = rng.random(2000) < 0.1
    labels[flip] = (labels[flip] + 1) % 4
    mask = find_label_issues(labels, probs)
    assert (mask == flip).mean() > 0.99


@pytest.mark.parametrize("kwargs, match", [
    (dict(filter_by="nope"), "filter_by"),
    (dict(return_indices_ranked_by="nope"), "return_indices_ranked_by"),
    (dict(frac_noise=1.5), "frac_noise"),
    (dict(min_examples_per_class=-1), "min_examples_per_class"),
    (dict(filter_by="confident_learning", num_to_remove_per_class=[1, 1]), "num_to_remove_per_class"),
    (dict(num_to_remove_per_class=[1, 1, 1]), "num_to_remove_per_class"),
    (dict(confident_joint=np.ones((3, 3))), "confident_joint"),
    (dict(chunk_size=0), "chunk_size"),
])
def test_bad_options_raise_value_error_naming_them(kwargs, match):
    labels, probs = make_problem(0, 50, 2)
    with pytest.raises(ValueError, match=match):
        find_label_issues(labels, probs, **kwargs)


def test_confident_joint_from_core_feeds_back_in():
    labels, probs = make_problem(4, 500, 5)
    cj = compute_confident_joint(labels, probs)
    np.testing.assert_array_equal(
        find_label_issues(labels, probs, confident_joint=cj), find_label_issues(labels, probs))


@fast(60)
@given(seed=st.integers(0, 2**31 - 1), dtype=st.sampled_from([np.float32, np.float64]),
       method=st.sampled_from([None, "self_confidence", "normalized_margin"]))
def test_check_and_scores_from_row_tops_equal_those_from_the_rows(seed, dtype, method):
    from fastclean.core.filter import _check_and_score

    rng = np.random.default_rng(seed)
    n, k = 300, 5
    probs = rng.integers(0, 4, (n, k)).astype(dtype)  # many ties
    probs[:, 0] += 1
    probs /= probs.sum(axis=1, keepdims=True)
    labels = rng.integers(0, k, n)
    # Label probabilities just below the max, so that adding 1e-6 reaches it exactly, passes
    # it or falls short, with the label before or after the argmax.
    near = rng.random(n) < 0.5
    top_col = probs.argmax(axis=1)
    for i in np.nonzero(near & (labels != top_col))[0]:
        step = rng.integers(-3, 4)
        value = probs[i, top_col[i]] - dtype(1e-6) + step * np.finfo(dtype).eps / 4
        probs[i, labels[i]] = min(value, probs[i, top_col[i]])
    flagged = np.arange(n)
    sc = probs[flagged, labels]
    top = probs.max(axis=1)
    arg = probs.argmax(axis=1).astype(np.int16)
    read = _check_and_score(labels, probs, flagged, method, None, None)
    from_top = _check_and_score(labels, probs, flagged, method, None, None, (top, arg), sc)
    np.testing.assert_array_equal(from_top[0], read[0])
    if method is not None:
        kept = ~read[0]  # scores matter for the rows kept
        np.testing.assert_array_equal(from_top[1][kept], read[1][kept])
        assert from_top[1].dtype == read[1].dtype
