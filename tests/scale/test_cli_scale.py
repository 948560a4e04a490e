"""``fastclean find`` with chunked inputs, local Dask workers, and bad cluster/chunk input."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tests.helpers import invoke, run_cli

from .conftest import tied_problem


def _summary(path):
    summary = json.loads((path / "summary.json").read_text())
    summary.pop("timings")
    summary.pop("dataset")
    return summary


@pytest.fixture(scope="module")
def arrays(tmp_path_factory):
    import zarr

    root = tmp_path_factory.mktemp("arrays")
    labels, probs = tied_problem(21, 5000, 6)
    np.save(root / "y.npy", labels)
    np.save(root / "p.npy", probs)
    store = zarr.create_array(store=str(root / "p.zarr"), shape=probs.shape, chunks=(700, 6),
                              dtype=probs.dtype)
    store[:] = probs
    return root


def test_zarr_and_two_workers_write_the_in_memory_issues(arrays, tmp_path):
    y = str(arrays / "y.npy")
    names = tmp_path / "classes.json"
    names.write_text(json.dumps(["cat", "dog;x", "a:b", "50%", "e", "f"]))
    base = invoke("find", "--labels", y, "--pred-probs", str(arrays / "p.npy"),
                  "--classes", str(names), "--out", str(tmp_path / "mem"))
    assert base.exit_code == 0, base.output
    chunked = invoke("find", "--labels", y, "--pred-probs", str(arrays / "p.zarr"),
                     "--classes", str(names), "--out", str(tmp_path / "zarr"))
    assert chunked.exit_code == 0, chunked.output
    dask = run_cli("find", "--labels", y, "--pred-probs", str(arrays / "p.npy"), "--workers", "2",
                   "--classes", str(names), "--chunk-rows", "900", "--out", str(tmp_path / "dask"))
    assert dask.returncode == 0, dask.stderr
    expected = (tmp_path / "mem" / "issues.csv").read_bytes()
    assert len(expected.splitlines()) > 100
    for name in ("zarr", "dask"):
        assert (tmp_path / name / "issues.csv").read_bytes() == expected
        assert (tmp_path / name / "data_issues.csv").read_bytes() == \
            (tmp_path / "mem" / "data_issues.csv").read_bytes()
        assert _summary(tmp_path / name) == _summary(tmp_path / "mem")
    assert not (tmp_path / "zarr" / "pred_probs.npy").exists()  # no copy of the input


def test_dataset_folds_on_two_workers_match_one_process(tmp_path, monkeypatch):
    common = ("find", "digits", "--noise", "10", "--model", "logreg", "--folds", "3")
    monkeypatch.setenv("FASTCLEAN_THREADS", "1")
    one = run_cli(*common, "--out", str(tmp_path / "one"),
                  env={"FASTCLEAN_CACHE": str(tmp_path / "cache1")})
    assert one.returncode == 0, one.stderr
    two = run_cli(*common, "--workers", "2", "--out", str(tmp_path / "two"),
                  env={"FASTCLEAN_CACHE": str(tmp_path / "cache2")})
    assert two.returncode == 0, two.stderr
    # data_issues.csv: on two workers the data checks run in this process alongside the folds.
    for name in ("issues.csv", "examples.csv", "data_issues.csv"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    assert json.loads((tmp_path / "two" / "summary.json").read_text())["data_issues"]["counts"] \
        == json.loads((tmp_path / "one" / "summary.json").read_text())["data_issues"]["counts"]
    folds1 = sorted((tmp_path / "cache1" / "folds").rglob("*.npy"))
    folds2 = sorted((tmp_path / "cache2" / "folds").rglob("*.npy"))
    assert [p.relative_to(tmp_path / "cache1") for p in folds1] == \
        [p.relative_to(tmp_path / "cache2") for p in folds2] and len(folds1) == 3
    for a, b in zip(folds1, folds2):
        assert a.read_bytes() == b.read_bytes()


def _bad(args, out, match):
    res = invoke(*args, "--out", str(out))
    assert res.exit_code == 2, res.output
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and match in lines[0], res.output
    assert not out.exists()


def test_bad_cluster_and_chunk_inputs_exit_2_with_one_line(arrays, tmp_path):
    import zarr

    y, p = str(arrays / "y.npy"), str(arrays / "p.npy")
    labels, probs = np.load(y), np.load(p)
    np.save(tmp_path / "short.npy", labels[:-3])
    cols = zarr.create_array(store=str(tmp_path / "cols.zarr"), shape=probs.shape,
                             chunks=(700, 3), dtype=probs.dtype)
    cols[:] = probs
    zarr.create_array(store=str(tmp_path / "flat.zarr"), shape=(len(labels),), chunks=(700,),
                      dtype="float32")
    zarr.create_array(store=str(tmp_path / "text.zarr"), shape=probs.shape, chunks=(700, 6),
                      dtype="complex64")
    out = tmp_path / "run"
    _bad(("find", "--labels", y, "--pred-probs", p, "--scheduler", "tcp://127.0.0.1:9"),
         out, "cannot connect")
    _bad(("find", "--labels", y, "--pred-probs", p, "--scheduler", "localhost"), out, "address")
    _bad(("find", "--labels", y, "--pred-probs", p, "--workers", "2", "--scheduler",
          "tcp://127.0.0.1:9"), out, "not both")
    _bad(("find", "--labels", y, "--pred-probs", p, "--workers", "0"), out, "workers")
    _bad(("find", "--labels", y, "--pred-probs", str(tmp_path / "cols.zarr")), out, "whole rows")
    _bad(("find", "--labels", y, "--pred-probs", str(tmp_path / "flat.zarr")), out, "2-D")
    _bad(("find", "--labels", y, "--pred-probs", str(tmp_path / "text.zarr")), out, "numeric")
    _bad(("find", "--labels", str(tmp_path / "short.npy"), "--pred-probs",
          str(arrays / "p.zarr")), out, "same length")
