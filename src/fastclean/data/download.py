"""Download files with checksum verification, and unpack archives, all-or-nothing.

A download streams into a temporary file next to its destination while hashing; only a file
whose SHA-256 matches is renamed into place. A failed or interrupted download leaves neither
a partial destination nor a temporary file behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import socket
import tarfile
import tempfile
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable, Sequence

ProgressFn = Callable[[int, "int | None"], None]
_SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")
USER_AGENT = "fastclean (+https://pypi.org/project/fastclean)"


class DownloadError(ValueError):
    """A file could not be downloaded (network error, HTTP error, truncated transfer)."""


class ChecksumError(DownloadError):
    """A downloaded file's SHA-256 differs from the expected one; the file was discarded."""


def sha256_file(path: str | os.PathLike, *, chunk_size: int = 1 << 20) -> str:
    """Hex SHA-256 digest of a file, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(chunk_size):
            h.update(chunk)
    return h.hexdigest()


def _check_sha256(sha256: str | None) -> str | None:
    if sha256 is None:
        return None
    if not isinstance(sha256, str) or not _SHA256.match(sha256):
        raise ValueError(f"sha256: expected 64 hexadecimal characters, got {sha256!r}")
    return sha256.lower()


def download(
    url: str,
    dest: str | os.PathLike,
    sha256: str | None,
    *,
    timeout: float = 60.0,
    chunk_size: int = 1 << 20,
    progress: ProgressFn | None = None,
) -> Path:
    """Download ``url`` to ``dest``, verifying its SHA-256 before it appears there.

    Parameters
    ----------
    url : str
        ``http://``, ``https://`` (or ``file://``) address.
    dest : path-like
        Final file path; its folder is created if needed. An existing file is replaced only
        by a verified download.
    sha256 : str or None
        Expected hex digest. None skips the check (for sources that publish none; verify the
        content another way).
    timeout : float
        Seconds to wait for the server on each network operation.
    chunk_size : int
        Bytes read and hashed at a time.
    progress : callable, optional
        Called as ``progress(bytes_so_far, total_or_None)`` after each chunk.

    Returns
    -------
    Path
        ``dest``.

    Raises
    ------
    ChecksumError
        If the digest differs; nothing is left at ``dest`` nor in its folder.
    DownloadError
        On network or HTTP errors, or a transfer shorter than announced.
    ValueError
        If ``sha256`` is malformed.

    Examples
    --------
    >>> download("https://example.org/data.tsv", "cache/data.tsv", "ab12…")  # doctest: +SKIP
    """
    expected = _check_sha256(sha256)
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    tmp = Path(tmp_name)
    try:
        h = hashlib.sha256()
        written = 0
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        with os.fdopen(fd, "wb") as out:
            try:
                with urllib.request.urlopen(request, timeout=timeout) as response:
                    length = response.headers.get("Content-Length")
                    total = int(length) if length and length.isdigit() else None
                    while chunk := response.read(chunk_size):
                        out.write(chunk)
                        h.update(chunk)
                        written += len(chunk)
                        if progress is not None:
                            progress(written, total)
            except (urllib.error.URLError, socket.timeout, ConnectionError, OSError) as exc:
                if isinstance(exc, urllib.error.HTTPError):
                    reason = f"HTTP {exc.code} {exc.reason}"
                else:
                    reason = getattr(exc, "reason", None) or exc
                raise DownloadError(f"cannot download {url}: {reason}") from exc
            out.flush()
            os.fsync(out.fileno())
        if total is not None and written != total:
            raise DownloadError(f"cannot download {url}: got {written} of {total} bytes")
        digest = h.hexdigest()
        if expected is not None and digest != expected:
            raise ChecksumError(
                f"checksum mismatch for {url}: expected sha256 {expected}, got {digest}; "
                "the download was discarded"
            )
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    return dest


def download_any(
    urls: Sequence[str],
    dest: str | os.PathLike,
    sha256: str | None,
    **kwargs,
) -> Path:
    """Try :func:`download` from each mirror in turn; raise the last error if all fail."""
    if not urls:
        raise ValueError("urls: at least one address is needed")
    error: DownloadError | None = None
    for url in urls:
        try:
            return download(url, dest, sha256, **kwargs)
        except DownloadError as exc:
            error = exc
    assert error is not None
    raise error


def extract_tar(
    archive: str | os.PathLike,
    dest_dir: str | os.PathLike,
    top: str,
    *,
    verify: Callable[[Path], None] | None = None,
) -> Path:
    """Unpack ``archive`` whose content sits under one folder ``top``, into ``dest_dir/top``.

    The archive is unpacked into a temporary folder beside the destination with tarfile's
    ``data`` filter (no absolute paths, links out of the tree or device files), checked with
    ``verify`` and only then renamed into place.

    Parameters
    ----------
    archive : path-like
        A ``.tar``, ``.tgz``/``.tar.gz`` or other tar file.
    dest_dir : path-like
        The folder that receives ``top``.
    top : str
        The archive's top-level folder name.
    verify : callable, optional
        ``verify(unpacked_top)`` raising ValueError if the content is not what was expected.

    Returns
    -------
    Path
        ``dest_dir / top``.

    Raises
    ------
    ValueError
        If the archive is not a readable tar, lacks ``top``, or fails ``verify``.
    """
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    final = dest_dir / top
    work = Path(tempfile.mkdtemp(prefix=f".{top}.extract-", dir=dest_dir))
    try:
        try:
            with tarfile.open(archive) as tar:
                tar.extractall(work, filter="data")
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise ValueError(f"{archive}: cannot unpack: {exc}") from exc
        unpacked = work / top
        if not unpacked.is_dir():
            raise ValueError(f"{archive}: expected a top-level folder {top!r} in the archive")
        if verify is not None:
            verify(unpacked)
        if final.exists():
            shutil.rmtree(final)
        os.replace(unpacked, final)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return final
