"""Where the built-in datasets come from, and where they are kept locally.

Resolution order for the data folder: the ``data_dir`` argument, else ``$FASTCLEAN_DATA``,
else the cache ``~/.cache/fastclean/data``. Only the cache is filled automatically: a folder
the user named is never written to, and missing files there are an error that says how to
get them.

Checksums: the TSV files and the Noisy Imagenette label CSVs are pinned by SHA-256. The MNIST
mirrors serve gzip files whose compressed bytes vary by mirror, so the pin is the SHA-256 of
the *decompressed* IDX data. The Imagenette/Imagewoof archives (hundreds of MB) publish no
checksum and could not be hashed offline; after unpacking they are checked for their
structure instead (``train/`` and ``val/``, the label CSV, and one image per CSV row).
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from .download import ChecksumError, ProgressFn, download_any, extract_tar

ENV_VAR = "FASTCLEAN_DATA"


@dataclass(frozen=True)
class RemoteFile:
    """One file of a dataset: mirrors, its place under the data folder, its checksums."""

    urls: tuple[str, ...]
    dest: str                       # relative to the data folder
    sha256: str | None = None       # of the bytes downloaded
    gunzip_sha256: str | None = None  # of the decompressed content (gzip files)


@dataclass(frozen=True)
class RemoteArchive:
    """A tar archive that unpacks to one folder, verified by structure after unpacking."""

    urls: tuple[str, ...]
    top: str                        # the folder the archive unpacks to
    sha256: str | None = None
    required: tuple[str, ...] = ()  # paths that must exist under ``top``
    label_csv: str | None = None    # a CSV listing one image per row under ``top``


@dataclass(frozen=True)
class Source:
    """How to obtain one built-in dataset."""

    name: str
    files: tuple[RemoteFile, ...] = ()
    archives: tuple[RemoteArchive, ...] = ()
    homepage: str = ""
    present: Callable[[Path], bool] | None = field(default=None, compare=False)

    def is_present(self, root: Path) -> bool:
        """True if ``root`` already holds this dataset."""
        if self.present is not None:
            return self.present(root)
        return all((root / f.dest).is_file() for f in self.files)


_WNUT = "https://raw.githubusercontent.com/VinAIResearch/COVID19Tweet/master"
_MNIST_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist",
    "https://storage.googleapis.com/cvdf-datasets/mnist",
    "http://yann.lecun.com/exdb/mnist",
)
_FASTAI = "https://s3.amazonaws.com/fast-ai-imageclas"


def _imagenette_present(top_names: tuple[str, ...]) -> Callable[[Path], bool]:
    def present(root: Path) -> bool:
        return any((root / t / "train").is_dir() for t in top_names) or (root / "train").is_dir()
    return present


SOURCES: dict[str, Source] = {
    "covid-tweets": Source(
        "covid-tweets",
        files=(
            RemoteFile((f"{_WNUT}/train.tsv",), "covid_tweets/train.tsv",
                       "096244645512bd93ccc7e6b1b8ffdadcf5ef547352b74e71923f510511d7b22d"),
            RemoteFile((f"{_WNUT}/valid.tsv",), "covid_tweets/valid.tsv",
                       "fa17a7c2c95885e6295542fccf45f8603afb7d23ec5eab95fd048dec23ad9298"),
            RemoteFile((f"{_WNUT}/test.tsv",), "covid_tweets/test.tsv",
                       "fd27da7e7ba8d1fcadb94675df1debef6f05ba44a3ca1cffbadff30fdce53add"),
        ),
        homepage="https://github.com/VinAIResearch/COVID19Tweet",
    ),
    "mnist-test": Source(
        "mnist-test",
        files=(
            RemoteFile(tuple(f"{m}/t10k-images-idx3-ubyte.gz" for m in _MNIST_MIRRORS),
                       "mnist_test/t10k-images-idx3-ubyte.gz",
                       gunzip_sha256="0fa7898d509279e482958e8ce81c8e77"
                                     "db3f2f8254e26661ceb7762c4d494ce7"),
            RemoteFile(tuple(f"{m}/t10k-labels-idx1-ubyte.gz" for m in _MNIST_MIRRORS),
                       "mnist_test/t10k-labels-idx1-ubyte.gz",
                       gunzip_sha256="ff7bcfd416de33731a308c3f266cc351"
                                     "222c34898ecbeaf847f06e48f7ec33f2"),
        ),
        homepage="http://yann.lecun.com/exdb/mnist/",
    ),
    "noisy-imagenette": Source(
        "noisy-imagenette",
        archives=(RemoteArchive((f"{_FASTAI}/imagenette2-160.tgz",), "imagenette2-160",
                                required=("train", "val", "noisy_imagenette.csv"),
                                label_csv="noisy_imagenette.csv"),),
        homepage="https://github.com/fastai/imagenette",
        present=_imagenette_present(("imagenette2-160", "imagenette2-320", "imagenette2",
                                     "noisy_imagenette")),
    ),
    "noisy-imagewoof": Source(
        "noisy-imagewoof",
        archives=(RemoteArchive((f"{_FASTAI}/imagewoof2-160.tgz",), "imagewoof2-160",
                                required=("train", "val", "noisy_imagewoof.csv"),
                                label_csv="noisy_imagewoof.csv"),),
        homepage="https://github.com/fastai/imagenette",
        present=_imagenette_present(("imagewoof2-160", "imagewoof2-320", "imagewoof2")),
    ),
}


def cache_data_dir() -> Path:
    """The download cache, ``~/.cache/fastclean/data`` (``$XDG_CACHE_HOME`` respected)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "fastclean" / "data"


def resolve_data_dir(data_dir: str | os.PathLike | None = None) -> tuple[Path, bool]:
    """Pick the data folder: ``data_dir``, else ``$FASTCLEAN_DATA``, else the cache.

    Returns
    -------
    (Path, bool)
        The folder, and whether fastclean may download into it (only the cache).
    """
    if data_dir is not None:
        return Path(data_dir).expanduser(), False
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser(), False
    return cache_data_dir(), True


def _verify_gunzip(path: Path, expected: str) -> None:
    h = hashlib.sha256()
    try:
        with gzip.open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                h.update(chunk)
    except (OSError, EOFError) as exc:
        raise ChecksumError(f"{path.name}: downloaded file is not valid gzip ({exc})") from exc
    if h.hexdigest() != expected:
        raise ChecksumError(
            f"checksum mismatch for {path.name}: decompressed sha256 {h.hexdigest()}, expected "
            f"{expected}; the download was discarded"
        )


def _verify_archive(spec: RemoteArchive) -> Callable[[Path], None]:
    def verify(top: Path) -> None:
        missing = [r for r in spec.required if not (top / r).exists()]
        if missing:
            raise ValueError(f"{spec.urls[0]}: unpacked archive lacks {missing}")
        if spec.label_csv:
            import pandas as pd

            rel = pd.read_csv(top / spec.label_csv, usecols=["path"])["path"]
            absent = [p for p in rel if not (top / p).is_file()]
            if absent:
                raise ValueError(
                    f"{spec.urls[0]}: {len(absent)} of {len(rel)} images listed in "
                    f"{spec.label_csv} are missing from the archive (first: {absent[0]})"
                )
    return verify


@contextlib.contextmanager
def _progress_bar(name: str) -> Iterator[ProgressFn]:
    """A transient rich progress bar on stderr, fed by :func:`download`'s callback."""
    from rich.console import Console
    from rich.progress import DownloadColumn, Progress, TransferSpeedColumn

    with Progress(*Progress.get_default_columns(), DownloadColumn(), TransferSpeedColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(f"downloading {name}", total=None)

        def update(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def fetch_source(source: Source, root: Path, *, progress: ProgressFn | None = None) -> None:
    """Download (and unpack) every part of ``source`` into ``root``, verifying each.

    Without ``progress``, a progress bar is shown on stderr.
    """
    if progress is None:
        with _progress_bar(source.name) as bar:
            return fetch_source(source, root, progress=bar)
    for f in source.files:
        dest = root / f.dest
        if dest.is_file():
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        if f.gunzip_sha256 is None:
            download_any(f.urls, dest, f.sha256, progress=progress)
            continue
        # Verify the decompressed content before the file takes its final name.
        fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            download_any(f.urls, tmp, f.sha256, progress=progress)
            _verify_gunzip(tmp, f.gunzip_sha256)
            os.replace(tmp, dest)
        finally:
            tmp.unlink(missing_ok=True)
    for a in source.archives:
        if (root / a.top / "train").is_dir():
            continue
        root.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{a.top}.", suffix=".tgz.part", dir=root)
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            download_any(a.urls, tmp, a.sha256, progress=progress)
            extract_tar(tmp, root, a.top, verify=_verify_archive(a))
        finally:
            tmp.unlink(missing_ok=True)


def ensure_dataset_files(
    name: str,
    data_dir: str | os.PathLike | None = None,
    *,
    progress: ProgressFn | None = None,
) -> Path:
    """Return the data folder holding built-in dataset ``name``, downloading into the cache.

    Parameters
    ----------
    name : str
        A key of :data:`SOURCES`.
    data_dir : path-like, optional
        A local copy; see the module docstring for the resolution order.
    progress : callable, optional
        Passed to :func:`~fastclean.data.download.download`.

    Raises
    ------
    FileNotFoundError
        If the files are missing from a folder the user named (nothing is downloaded there).
    DownloadError, ChecksumError
        If downloading into the cache fails.
    """
    source = SOURCES[name]
    root, may_download = resolve_data_dir(data_dir)
    if source.is_present(root):
        return root
    if not may_download:
        urls = [u for f in source.files for u in f.urls[:1]] + [a.urls[0] for a in source.archives]
        raise FileNotFoundError(
            f"{name}: not found under {root} (from {'data_dir' if data_dir is not None else ENV_VAR});"
            f" expected {', '.join(f.dest for f in source.files) or source.archives[0].top + '/'}."
            f" Get it from {', '.join(urls)}, or leave data_dir and {ENV_VAR} unset to download"
            " it into the cache"
        )
    fetch_source(source, root, progress=progress)
    return root
