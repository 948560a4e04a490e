import numpy as np

from fastclean.models.cache import array_digest, cache_root, digest, load_npy, save_npy


def test_cache_root_prefers_argument_then_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("FASTCLEAN_CACHE", str(tmp_path / "env"))
    assert cache_root(tmp_path / "arg") == tmp_path / "arg"
    assert cache_root() == tmp_path / "env"
    monkeypatch.delenv("FASTCLEAN_CACHE")
    assert cache_root().parts[-2:] == (".cache", "fastclean")


def test_save_npy_round_trips_and_leaves_no_temporary_files(tmp_path):
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    save_npy(tmp_path / "sub" / "a.npy", a)
    np.testing.assert_array_equal(load_npy(tmp_path / "sub" / "a.npy"), a)
    assert [p.name for p in (tmp_path / "sub").iterdir()] == ["a.npy"]


def test_load_npy_returns_none_for_missing_or_truncated_files(tmp_path):
    assert load_npy(tmp_path / "missing.npy") is None
    (tmp_path / "bad.npy").write_bytes(b"\x93NUMPY garbage")
    assert load_npy(tmp_path / "bad.npy") is None


def test_digests_change_with_content():
    assert digest("a", 1) != digest("a", 2)
    a = np.zeros(3)
    assert array_digest(a) != array_digest(a.astype(np.float32))
    assert array_digest(a) == array_digest(a.copy())
