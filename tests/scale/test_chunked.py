"""Row-chunked confident learning returns exactly the in-memory answer, ties included."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import fastclean
import fastclean.core as core
from fastclean.core.filter import FILTER_BY
from fastclean.core.rank import RANK_METHODS
from fastclean.scale.engine import ChunkedCL

from .conftest import smooth_problem, tied_problem

PROBLEMS = {
    "tied-f32": lambda: tied_problem(0, 3000, 5),
    "tied-f64-k9": lambda: tied_problem(1, 2500, 9, dtype=np.float64),
    "smooth-k12": lambda: smooth_problem(2, 3000, 12, dtype=np.float32),
}


def _same(a, b):
    if isinstance(a, dict):
        assert a.keys() == b.keys()
        for key in a:
            _same(a[key], b[key])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y)
    else:
        a, b = np.asarray(a), np.asarray(b)
        assert a.dtype == b.dtype and a.shape == b.shape
        assert np.array_equal(a, b)


def test_importing_fastclean_and_core_imports_no_dask_or_zarr():
    code = ("import sys, fastclean, fastclean.core, fastclean.scale, fastclean.scale.api; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'dask', 'distributed', 'zarr'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("name", PROBLEMS)
@pytest.mark.parametrize("chunk_rows", [413, 1024])
def test_every_filter_and_ranking_matches_in_memory(name, chunk_rows):
    labels, probs = PROBLEMS[name]()
    engine = ChunkedCL(labels, probs, chunk_rows=chunk_rows)
    for filter_by in FILTER_BY:
        for ranked_by in (None,) + RANK_METHODS:
            expected = core.find_label_issues(labels, probs, filter_by=filter_by,
                                              return_indices_ranked_by=ranked_by)
            got = engine.find_label_issues(filter_by=filter_by,
                                           return_indices_ranked_by=ranked_by)
            _same(expected, got)


def test_ties_straddling_the_cut_are_exercised_and_match():
    # The merge must fall back to the whole class column for some cells here.
    from fastclean.core import blocks

    labels, probs = tied_problem(3, 6000, 4)
    seen = []
    original = blocks.merge_candidates

    def spy(parts, need):
        rows, unresolved = original(parts, need)
        seen.append(len(unresolved))
        return rows, unresolved

    blocks.merge_candidates = spy
    try:
        got = ChunkedCL(labels, probs, chunk_rows=777).find_label_issues(
            return_indices_ranked_by="self_confidence")
    finally:
        blocks.merge_candidates = original
    assert seen and seen[0] > 0
    _same(core.find_label_issues(labels, probs, return_indices_ranked_by="self_confidence"), got)


@pytest.mark.parametrize("options", [
    dict(frac_noise=0.5), dict(min_examples_per_class=300, filter_by="both"),
    dict(num_to_remove_per_class=[5, 0, 7, 100, 3], filter_by="prune_by_class"),
])
def test_pruning_options_match(options):
    labels, probs = tied_problem(4, 2000, 5)
    with _no_check():
        expected = core.find_label_issues(labels, probs, **options)
        got = fastclean.find_label_issues(labels, probs, chunk_rows=301, **options)
    _same(expected, got)


class _no_check:
    def __enter__(self):
        import warnings

        self._ctx = warnings.catch_warnings()
        self._ctx.__enter__()
        warnings.simplefilter("ignore")

    def __exit__(self, *exc):
        self._ctx.__exit__(*exc)


def test_npy_and_zarr_paths_match(tmp_path):
    import zarr
    labels, probs = tied_problem(5, 2500, 6)
    np.save(tmp_path / "p.npy", probs)
    np.save(tmp_path / "y.npy", labels)
    store = zarr.create_array(store=str(tmp_path / "p.zarr"), shape=probs.shape,
                              chunks=(600, 6), dtype=probs.dtype)
    store[:] = probs
    expected = core.find_label_issues(labels, probs, return_indices_ranked_by="normalized_margin")
    for source in (tmp_path / "p.npy", str(tmp_path / "p.zarr")):
        got = fastclean.find_label_issues(tmp_path / "y.npy", source,
                                          return_indices_ranked_by="normalized_margin")
        _same(expected, got)


def test_every_pred_probs_function_matches(tmp_path):
    labels, probs = tied_problem(6, 2000, 5)
    path = tmp_path / "p.npy"
    np.save(path, probs)
    cj = core.compute_confident_joint(labels, probs, calibrate=False)
    calls = [
        ("get_confident_thresholds", (), {}),
        ("compute_confident_joint", (), {}),
        ("compute_confident_joint", (), dict(calibrate=False, return_indices_of_off_diagonals=True)),
        ("compute_confident_joint", (), dict(thresholds=[0.3, 0.4, 0.5, 0.2, 0.6])),
        ("estimate_joint", (), {}),
        ("estimate_joint", (), dict(confident_joint=cj)),
        ("estimate_noise_matrices_from_pred_probs", (), {}),
        ("estimate_noise_matrices_from_pred_probs", (), dict(converge_latent_estimates=False)),
        ("num_label_issues", (), {}),
        ("num_label_issues", (), dict(estimation_method="off_diagonal_calibrated")),
        ("num_label_issues", (), dict(estimation_method="off_diagonal_custom",
                                      confident_joint=cj)),
        ("label_health_summary", (), dict(class_names="abcde")),
        ("class_label_quality", (), {}),
        ("overlapping_class_pairs", (), dict(confident_joint=cj)),
        ("overall_label_health_score", (), {}),
    ] + [("get_label_quality_scores", (), dict(method=m)) for m in RANK_METHODS] + [
        ("get_label_quality_scores", (), dict(method="normalized_margin", adjust_pred_probs=True)),
        ("get_label_quality_scores", (), dict(method="self_confidence", adjust_pred_probs=True)),
    ]
    for name, args, kwargs in calls:
        expected = getattr(core, name)(labels, probs, *args, **kwargs)
        got = getattr(fastclean, name)(labels, path, *args, chunk_rows=333, **kwargs)
        _same(expected, got)
    mask = core.find_label_issues(labels, probs)
    for rank_by in RANK_METHODS:
        _same(core.order_label_issues(mask, labels, probs, rank_by=rank_by),
              fastclean.order_label_issues(mask, labels, path, rank_by=rank_by))


def test_dask_cluster_matches_in_memory(dask_client, tmp_path):
    import dask.array as da
    labels, probs = tied_problem(7, 4000, 6)
    array = da.from_array(probs, chunks=(900, 6))
    np.save(tmp_path / "p.npy", probs)
    for filter_by in FILTER_BY:
        expected = core.find_label_issues(labels, probs, filter_by=filter_by,
                                          return_indices_ranked_by="normalized_margin")
        # A dask array uses the current client; a path goes to the cluster with client=.
        _same(expected, fastclean.find_label_issues(
            labels, array, filter_by=filter_by, return_indices_ranked_by="normalized_margin"))
        _same(expected, fastclean.find_label_issues(
            labels, tmp_path / "p.npy", filter_by=filter_by, client=dask_client,
            chunk_rows=700, return_indices_ranked_by="normalized_margin"))
    _same(core.label_health_summary(labels, probs), fastclean.label_health_summary(labels, array))


def test_bad_chunked_inputs_name_the_argument(tmp_path):
    import zarr
    import dask.array as da
    labels, probs = tied_problem(8, 500, 4)
    with pytest.raises(ValueError, match="labels and pred_probs"):
        fastclean.find_label_issues(labels[:-1], da.from_array(probs, chunks=(100, 4)))
    with pytest.raises(ValueError, match="whole rows"):
        fastclean.find_label_issues(labels, da.from_array(probs, chunks=(100, 2)))
    split = zarr.create_array(store=str(tmp_path / "cols.zarr"), shape=probs.shape,
                              chunks=(100, 2), dtype=probs.dtype)
    split[:] = probs
    with pytest.raises(ValueError, match="whole rows"):
        fastclean.find_label_issues(labels, tmp_path / "cols.zarr")
    flat = zarr.create_array(store=str(tmp_path / "flat.zarr"), shape=(500,), chunks=(100,),
                             dtype="float32")
    with pytest.raises(ValueError, match="2-D"):
        fastclean.find_label_issues(labels, tmp_path / "flat.zarr")
    cplx = zarr.create_array(store=str(tmp_path / "c.zarr"), shape=probs.shape,
                             chunks=(100, 4), dtype="complex64")
    with pytest.raises(TypeError, match="numeric"):
        fastclean.find_label_issues(labels, tmp_path / "c.zarr")
    with pytest.raises(ValueError, match="pred_probs"):
        fastclean.find_label_issues(labels, tmp_path / "missing.zarr")
    bad = probs.copy()
    bad[321, 0] = -0.5
    np.save(tmp_path / "neg.npy", bad)
    with pytest.raises(ValueError, match="row 321"):
        fastclean.find_label_issues(labels, tmp_path / "neg.npy", chunk_rows=100)
    with pytest.raises(ValueError, match="renormalize"):
        fastclean.find_label_issues(labels, tmp_path / "neg.npy", renormalize=True)
