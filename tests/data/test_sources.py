"""Resolution of the data folder, the source registry, and fetching into the cache."""

from __future__ import annotations

import functools
import gzip
import hashlib
import http.server
import threading
from pathlib import Path

import pytest

from fastclean.data import BUILTIN_DATASETS
from fastclean.data.download import ChecksumError
from fastclean.data.sources import (
    SOURCES,
    RemoteFile,
    Source,
    cache_data_dir,
    ensure_dataset_files,
    fetch_source,
    resolve_data_dir,
)


def _sha256sums(data_dir: Path) -> dict[str, str]:
    lines = (data_dir / "SHA256SUMS").read_text().splitlines()
    return {path: digest for digest, path in (line.split() for line in lines if line.strip())}


def test_pinned_checksums_match_the_shared_copies(data_dir):
    sums = _sha256sums(data_dir)
    for name in ("covid-tweets",):
        for f in SOURCES[name].files:
            assert f.sha256 == sums[f.dest]
    for f in SOURCES["mnist-test"].files:
        raw = gzip.decompress((data_dir / f.dest).read_bytes())
        assert hashlib.sha256(raw).hexdigest() == f.gunzip_sha256


def test_every_builtin_with_files_has_a_source_with_public_urls():
    for name, spec in BUILTIN_DATASETS.items():
        if not spec.needs_files:
            continue
        source = SOURCES[name]
        urls = [u for f in source.files for u in f.urls] + [u for a in source.archives
                                                           for u in a.urls]
        assert urls and all(u.startswith(("https://", "http://")) for u in urls)


def test_resolution_order_is_argument_then_env_then_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("FASTCLEAN_DATA", str(tmp_path / "env"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert resolve_data_dir(tmp_path / "arg") == (tmp_path / "arg", False)
    assert resolve_data_dir(None) == (tmp_path / "env", False)
    monkeypatch.delenv("FASTCLEAN_DATA")
    assert resolve_data_dir(None) == (tmp_path / "xdg" / "fastclean" / "data", True)
    assert cache_data_dir() == tmp_path / "xdg" / "fastclean" / "data"


def test_missing_files_in_a_user_folder_are_not_downloaded(tmp_path, monkeypatch):
    monkeypatch.delenv("FASTCLEAN_DATA", raising=False)
    with pytest.raises(FileNotFoundError, match=r"mnist-test: not found.*data_dir.*https://"):
        ensure_dataset_files("mnist-test", tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_present_files_are_used_in_place(data_dir):
    assert ensure_dataset_files("covid-tweets", data_dir) == data_dir


@pytest.fixture
def served(tmp_path):
    www = tmp_path / "www"
    www.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(www))
    handler.log_message = lambda *a: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", www
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_fetch_source_checks_gzip_content_and_discards_a_mismatch(served, tmp_path):
    base, www = served
    raw = b"\x00\x00\x08\x01\x00\x00\x00\x02\x07\x03"
    (www / "l.gz").write_bytes(gzip.compress(raw, mtime=0))
    good = Source("x", files=(RemoteFile((f"{base}/l.gz",), "x/l.gz",
                                         gunzip_sha256=hashlib.sha256(raw).hexdigest()),))
    bad = Source("x", files=(RemoteFile((f"{base}/l.gz",), "y/l.gz", gunzip_sha256="1" * 64),))
    root = tmp_path / "cache"
    fetch_source(good, root)
    assert gzip.decompress((root / "x" / "l.gz").read_bytes()) == raw
    with pytest.raises(ChecksumError, match="decompressed sha256"):
        fetch_source(bad, root)
    assert list((root / "y").iterdir()) == []


def test_cache_is_filled_from_the_mirror_then_loaded(served, tmp_path, monkeypatch, data_dir):
    """A covid-tweets download into an empty cache, served locally with the real files."""
    import dataclasses

    from fastclean.data import load_dataset, sources

    base, www = served
    for name in ("train.tsv", "valid.tsv", "test.tsv"):
        (www / name).write_bytes((data_dir / "covid_tweets" / name).read_bytes())
    local = dataclasses.replace(
        SOURCES["covid-tweets"],
        files=tuple(dataclasses.replace(f, urls=(f"{base}/{Path(f.dest).name}",))
                    for f in SOURCES["covid-tweets"].files),
    )
    monkeypatch.setitem(sources.SOURCES, "covid-tweets", local)
    monkeypatch.delenv("FASTCLEAN_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    ds = load_dataset("covid-tweets", split="valid")
    assert len(ds) == 1000
    assert (cache_data_dir() / "covid_tweets" / "train.tsv").is_file()


def _serve_archive(www: Path, tmp_path: Path, *, drop_one: bool) -> None:
    import tarfile

    from fastclean.data.synthetic import make_imagenette_like

    top = make_imagenette_like(tmp_path / "src" / "imagenette2-160", n_per_class=2,
                               n_valid_per_class=1, n_classes=3)
    if drop_one:
        next((top / "val").rglob("*.JPEG")).unlink()
    with tarfile.open(www / "imagenette2-160.tgz", "w:gz") as tar:
        tar.add(top, arcname="imagenette2-160")


@pytest.mark.parametrize("drop_one", [False, True])
def test_imagenette_archive_is_unpacked_into_the_cache_after_a_structure_check(
        served, tmp_path, monkeypatch, drop_one):
    import dataclasses

    from fastclean.data import load_dataset, sources

    base, www = served
    _serve_archive(www, tmp_path, drop_one=drop_one)
    spec = SOURCES["noisy-imagenette"]
    local = dataclasses.replace(spec, archives=tuple(
        dataclasses.replace(a, urls=(f"{base}/imagenette2-160.tgz",)) for a in spec.archives))
    monkeypatch.setitem(sources.SOURCES, "noisy-imagenette", local)
    monkeypatch.delenv("FASTCLEAN_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    cache = cache_data_dir()
    if drop_one:
        with pytest.raises(ValueError, match="1 of 9 images listed.*missing"):
            load_dataset("noisy-imagenette", noise_pct=25)
        assert list(cache.iterdir()) == []
    else:
        ds = load_dataset("noisy-imagenette", noise_pct=25, split="all")
        assert len(ds) == 9 and ds.root == (cache / "imagenette2-160").resolve()
        assert sorted(p.name for p in cache.iterdir()) == ["imagenette2-160"]
