"""The real download code against a local HTTP server on 127.0.0.1."""

from __future__ import annotations

import functools
import hashlib
import http.server
import io
import tarfile
import threading

import pytest

from fastclean.data.download import (
    ChecksumError,
    DownloadError,
    download,
    download_any,
    extract_tar,
    sha256_file,
)

PAYLOAD = b"fastclean test payload\n" * 1000


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass


@pytest.fixture
def server(tmp_path):
    """Serve ``tmp_path/www`` on 127.0.0.1 from a thread; yields the base URL."""
    www = tmp_path / "www"
    www.mkdir()
    (www / "file.bin").write_bytes(PAYLOAD)
    handler = functools.partial(_QuietHandler, directory=str(www))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", www
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_good_checksum_gives_the_file(server, tmp_path):
    base, _ = server
    dest = tmp_path / "cache" / "file.bin"
    seen = []
    out = download(f"{base}/file.bin", dest, hashlib.sha256(PAYLOAD).hexdigest(),
                   chunk_size=4096, progress=lambda done, total: seen.append((done, total)))
    assert out == dest and dest.read_bytes() == PAYLOAD
    assert _leftovers(dest.parent) == ["file.bin"]
    assert seen[-1] == (len(PAYLOAD), len(PAYLOAD)) and len(seen) > 1


def test_wrong_checksum_fails_and_leaves_nothing(server, tmp_path):
    base, _ = server
    dest = tmp_path / "cache" / "file.bin"
    with pytest.raises(ChecksumError, match="checksum mismatch.*discarded"):
        download(f"{base}/file.bin", dest, "0" * 64)
    assert not dest.exists()
    assert _leftovers(dest.parent) == []


def test_wrong_checksum_keeps_an_existing_good_file(server, tmp_path):
    base, _ = server
    dest = tmp_path / "file.bin"
    dest.write_bytes(b"previous")
    with pytest.raises(ChecksumError):
        download(f"{base}/file.bin", dest, "f" * 64)
    assert dest.read_bytes() == b"previous" and _leftovers(tmp_path) == ["file.bin", "www"]


def test_http_404_is_a_download_error_naming_the_url(server, tmp_path):
    base, _ = server
    with pytest.raises(DownloadError, match=r"missing\.bin.*404"):
        download(f"{base}/missing.bin", tmp_path / "c" / "x", None)
    assert _leftovers(tmp_path / "c") == []


def test_unreachable_server_is_a_download_error(tmp_path):
    import socket

    with socket.socket() as s:  # a port with nothing listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(DownloadError, match="cannot download"):
        download(f"http://127.0.0.1:{port}/x", tmp_path / "x", None, timeout=5)
    assert _leftovers(tmp_path) == []


def test_malformed_sha256_is_refused_before_any_request(tmp_path):
    with pytest.raises(ValueError, match="sha256: expected 64 hexadecimal"):
        download("http://127.0.0.1:9/never", tmp_path / "x", "abc")


def test_download_any_falls_back_to_the_next_mirror(server, tmp_path):
    base, _ = server
    dest = tmp_path / "d" / "file.bin"
    download_any([f"{base}/gone.bin", f"{base}/file.bin"], dest,
                 hashlib.sha256(PAYLOAD).hexdigest())
    assert sha256_file(dest) == hashlib.sha256(PAYLOAD).hexdigest()


def _tgz(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def test_extract_tar_moves_the_verified_folder_into_place(tmp_path):
    archive = tmp_path / "a.tgz"
    archive.write_bytes(_tgz({"top/train/x.txt": b"1", "top/labels.csv": b"path\n"}))
    out = extract_tar(archive, tmp_path / "data", "top")
    assert (out / "train" / "x.txt").read_bytes() == b"1"
    assert _leftovers(tmp_path / "data") == ["top"]


def test_extract_tar_failing_verification_leaves_nothing(tmp_path):
    archive = tmp_path / "a.tgz"
    archive.write_bytes(_tgz({"top/x.txt": b"1"}))

    def verify(folder):
        raise ValueError("train/ missing")

    with pytest.raises(ValueError, match="train/ missing"):
        extract_tar(archive, tmp_path / "data", "top", verify=verify)
    assert _leftovers(tmp_path / "data") == []


def test_extract_tar_refuses_paths_escaping_the_folder(tmp_path):
    archive = tmp_path / "evil.tgz"
    archive.write_bytes(_tgz({"top/ok.txt": b"1", "../escape.txt": b"2"}))
    with pytest.raises(ValueError, match="cannot unpack"):
        extract_tar(archive, tmp_path / "data", "top")
    assert not (tmp_path / "escape.txt").exists()
