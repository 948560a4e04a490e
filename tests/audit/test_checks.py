"""fastclean.audit: each check on small data, Datalab parity, nearest neighbours, bad input."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from fastclean.audit import (
    exact_duplicate_keys, exact_duplicates, find_data_issues, nearest_neighbors, normalise_text,
)
from fastclean.audit.checks import class_imbalance, conflicting_duplicates, cross_split_pairs
from fastclean.audit.groups import connected_groups


def _blobs(n=1500, d=48, seed=0):
    rng = np.random.default_rng(seed)
    centers = rng.standard_normal((6, d)) * 3
    labels = rng.integers(0, 3, n)
    x = centers[rng.integers(0, 6, n)] + rng.standard_normal((n, d))
    x[5] = x[3]                                        # exact copy
    x[7] = x[3] + 1e-3                                 # near copy
    x[100:120] = x[200:220] + 0.02 * rng.standard_normal((20, d))
    x[-3:] = rng.standard_normal((3, d)) * 40           # far away
    return x.astype(np.float32), labels


def _datalab(x, labels):
    pytest.importorskip("datasets", reason="cleanlab[datalab] is a dev dependency")
    from cleanlab import Datalab

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lab = Datalab(data={"label": labels}, label_name="label", verbosity=0)
        lab.find_issues(features=x, issue_types={"near_duplicate": {}, "outlier": {},
                                                 "class_imbalance": {}})
    return lab


@pytest.mark.parametrize("seed", [0, 1])
def test_datalab_mode_matches_cleanlab_datalab(seed):
    x, labels = _blobs(seed=seed)
    labels[:12] = 2
    labels[labels == 2] = np.where(np.arange((labels == 2).sum()) < 12, 2, 0)  # class 2 is rare
    lab = _datalab(x, labels)
    ours = find_data_issues(x, labels, mode="datalab", backend="exact")
    issues = lab.get_issues()
    for name in ("near_duplicate", "outlier", "class_imbalance"):
        theirs = issues[f"is_{name}_issue"].to_numpy()
        assert theirs.any() or name == "outlier"
        np.testing.assert_array_equal(ours.flags[name], theirs, err_msg=name)
        np.testing.assert_allclose(ours.scores[name], issues[f"{name}_score"].to_numpy(), atol=1e-5)
    sets = lab.get_info("near_duplicate")["near_duplicate_sets"]
    their_pairs = {(min(i, j), max(i, j)) for i, s in enumerate(sets) for j in s}
    table = ours.table[ours.table["issue_type"] == "near_duplicate"]
    groups = dict(zip(table["index"], table["group"]))
    # Every Datalab pair lies inside one of our sets.
    assert all(groups[i] == groups[j] for i, j in their_pairs)


def test_near_duplicates_are_grouped_and_listed_with_their_partner():
    x, labels = _blobs()
    res = find_data_issues(x, labels, backend="exact")
    near = res.table[res.table["issue_type"] == "near_duplicate"]
    g = dict(zip(near["index"], near["group"]))
    assert g[3] == g[5] == g[7]
    assert all(g[100 + i] == g[200 + i] for i in range(20))
    assert len({g[100 + i] for i in range(20)}) == 20
    # Exact copy: distance 0, score 0.
    assert near.loc[near["index"] == 5, "score"].item() == 0
    assert set(near["other_index"]) <= set(near["index"])
    outl = res.table[res.table["issue_type"] == "outlier"]
    assert {len(x) - 3, len(x) - 2, len(x) - 1} <= set(outl["index"])


def test_group_ids_do_not_depend_on_pair_order():
    pairs = np.array([[5, 9], [1, 2], [2, 7], [9, 3]])
    a = connected_groups(10, pairs)
    b = connected_groups(10, pairs[::-1, ::-1])
    np.testing.assert_array_equal(a, b)
    assert a[1] == a[2] == a[7] == 0 and a[3] == a[5] == a[9] == 1 and a[0] == -1


def test_exact_duplicates_of_normalised_text():
    assert normalise_text("  Hello\t\nWORLD  ") == "hello world"
    keys = exact_duplicate_keys(texts=["Hello  world", "hello world ", "hello, world", "HELLO WORLD"])
    np.testing.assert_array_equal(exact_duplicates(keys), [[0, 1], [0, 3]])


def test_exact_duplicates_of_images_and_files(tmp_path):
    images = np.zeros((3, 4, 4), np.uint8)
    images[1, 0, 0] = 1
    assert exact_duplicates(exact_duplicate_keys(images=images)).tolist() == [[0, 2]]
    for name, data in (("a", b"x"), ("b", b"y"), ("c", b"x")):
        (tmp_path / name).write_bytes(data)
    paths = [tmp_path / "a", tmp_path / "b", tmp_path / "c", tmp_path / "missing", tmp_path / "missing"]
    # Unreadable files are never duplicates of each other.
    assert exact_duplicates(exact_duplicate_keys(paths=paths)).tolist() == [[0, 2]]
    with pytest.raises(ValueError, match="exactly one"):
        exact_duplicate_keys(texts=["a"], images=images)


def test_cross_split_pairs_and_conflicting_labels():
    groups = np.array([0, 0, -1, 1, 1, 1, 2, 2])
    splits = ["train", "test", "train", "train", "train", "valid", "test", "test"]
    pairs = cross_split_pairs(groups, splits)
    assert pairs.tolist() == [[0, 1], [1, 0], [3, 5], [4, 5], [5, 3]]
    labels = np.array([1, 0, 0, 2, 2, 1, 3, 3])
    conf = conflicting_duplicates(groups, labels)
    assert conf.is_issue.tolist() == [True, True, False, True, True, True, False, False]
    assert conf.suggested.tolist()[:6] == [0, 0, -1, 2, 2, 2]  # tie 0/1 → smaller label
    assert conf.minority.tolist()[:6] == [True, False, False, False, False, True]
    np.testing.assert_allclose(conf.scores[3:6], [2 / 3, 2 / 3, 1 / 3])


def test_class_imbalance_flags_only_a_class_far_below_one_over_k():
    labels = np.array([0] * 500 + [1] * 480 + [2] * 20)
    res = class_imbalance(labels, 3)
    assert res.flagged and res.rarest_class == 2 and res.is_issue.sum() == 20
    assert not class_imbalance(np.array([0] * 50 + [1] * 40 + [2] * 30), 3).is_issue.any()


def test_exact_and_approximate_neighbours_agree(monkeypatch):
    pytest.importorskip("faiss")
    # Embedding-like data: clusters in an 8-dimensional subspace of 64 dimensions, plus noise.
    rng = np.random.default_rng(0)
    z = rng.standard_normal((40, 8))[rng.integers(0, 40, 4000)] * 2 + rng.standard_normal((4000, 8))
    x = (z @ rng.standard_normal((8, 64)) + 0.3 * rng.standard_normal((4000, 64))).astype(np.float32)
    exact = nearest_neighbors(x, 10, backend="exact")
    brute = 1 - (x / np.linalg.norm(x, axis=1, keepdims=True)) @ (x / np.linalg.norm(x, axis=1, keepdims=True)).T
    np.fill_diagonal(brute, np.inf)
    np.testing.assert_allclose(exact.distances, np.sort(brute, axis=1)[:, :10], atol=1e-5)
    approx = nearest_neighbors(x, 10, backend="ivf", threads=2)
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(approx.indices, exact.indices)])
    assert recall > 0.9
    assert (approx.indices != np.arange(len(x))[:, None]).all()
    one = nearest_neighbors(x, 10, backend="ivf", threads=1)
    np.testing.assert_array_equal(one.indices, approx.indices)
    np.testing.assert_array_equal(one.distances, approx.distances)


@pytest.mark.parametrize("bad, match", [
    (np.array([[1.0, np.nan], [0.0, 1.0]]), "NaN or inf"),
    (np.array([[1.0, np.inf], [0.0, 1.0]]), "NaN or inf"),
    (np.array([[0.0, 0.0], [0.0, 1.0]]), "all-zero"),
    (np.array([[1.0, 2.0]]), "at least 2"),
    (np.zeros(5), "2-D"),
])
def test_bad_features_raise_naming_the_argument(bad, match):
    with pytest.raises(ValueError, match=match) as info:
        find_data_issues(bad, np.zeros(len(bad), int))
    assert "features" in str(info.value)


def test_zero_vector_is_fine_under_euclidean_and_k_larger_than_data_is_clipped():
    x = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]], np.float32)
    nbrs = nearest_neighbors(x, 50, metric="euclidean")
    assert nbrs.k == 2 and nbrs.indices.shape == (3, 2)
    res = find_data_issues(x, np.array([0, 1, 1]), k=50, metric="euclidean")
    assert res.settings["k_used"] == 2
    with pytest.raises(ValueError, match="k: must be >= 1"):
        nearest_neighbors(x, 0, metric="euclidean")
    with pytest.raises(TypeError, match="k: expected an int"):
        nearest_neighbors(x, 2.5, metric="euclidean")


def test_bad_checks_and_mode():
    with pytest.raises(ValueError, match="checks: unknown 'dupes'"):
        find_data_issues(np.eye(3), checks="duplicates,dupes")
    with pytest.raises(ValueError, match="mode"):
        find_data_issues(np.eye(3), mode="cleanlab")


def test_without_features_only_label_checks_run():
    labels = np.array([0] * 96 + [1] * 4)  # 4 % < 0.1 / K = 5 %
    res = find_data_issues(None, labels, n_classes=2)
    assert set(res.flags) == {"class_imbalance"}
    assert res.counts["class_imbalance"] == 4


def test_importing_the_audit_package_imports_no_torch_and_no_faiss():
    import subprocess
    import sys

    code = ("import sys, fastclean.audit, fastclean.data_issues; "
            "print(sorted(m for m in ('torch', 'faiss', 'sklearn') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
