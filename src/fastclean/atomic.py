"""Write outputs all-or-nothing, exclusively, and never over what the user owns.

An output directory (``--out`` of ``find``, ``train`` and ``bench``) goes through four steps:

1. :func:`check_out_path` refuses a path that is, contains or lies inside one of the command's
   inputs, or that is ``/``, the home folder, the current directory or one of its ancestors
   (compared after resolving symbolic links).
2. :func:`check_output_dir` refuses an existing ``out`` unless ``overwrite`` is given *and*
   ``out`` is a fastclean run of the same kind (it carries the :data:`RUN_MARKER` file, or has
   the exact layout of a run written before markers existed) *and* it holds no review
   decisions (``review.sqlite``), unless ``discard_review`` says to drop them.
3. :func:`reserve_output_dir` takes an exclusive lock (``fcntl.flock`` on ``.<name>.lock``
   beside ``out``; the kernel releases it if the process dies) and creates the temporary
   sibling ``.<name>.tmp-*`` *before any work*: a second run into the same ``out`` fails at
   once, and an unwritable ``out`` is found before minutes of work are spent.
4. :func:`atomic_output_dir` fills the temporary sibling and renames it into place; on any
   failure the temporary and trash directories are removed and ``out`` is left as it was.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

#: The file that marks a directory as a fastclean run (JSON: kind, version).
RUN_MARKER = ".fastclean-run"
#: The review app's corrections store inside a ``find`` run.
REVIEW_STORE = "review.sqlite"
#: Test hook: when set to a folder, a reserving process writes ``locked`` there once it holds
#: the lock and waits until ``release`` appears (used to test concurrent runs without sleeps).
PAUSE_ENV = "FASTCLEAN_TEST_PAUSE_AFTER_LOCK"

# Layouts of runs written before the marker existed: required files, and the other entries
# such a run may hold. A directory with anything else is not treated as a run.
_LEGACY_LAYOUTS = {
    "find": ({"summary.json", "labels.npy", "pred_probs.npy", "classes.json"},
             {"issues.csv", "examples.csv", "dataset.json", "images.npy", "report.html",
              REVIEW_STORE, REVIEW_STORE + "-wal", REVIEW_STORE + "-shm", REVIEW_STORE + "-journal"}),
    "train": ({"config.json", "metrics.json", "model"}, {"cleaned_labels.csv"}),
    "bench": ({"results.csv", "results.md", "config.json"}, {"metrics.json", "report.html"}),
}


class OutputLockedError(FileExistsError):
    """Another process is writing the same output directory."""


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("fastclean")
    except Exception:  # pragma: no cover - not installed (source tree on PYTHONPATH)
        return "unknown"


def _within(path: Path, other: Path) -> bool:
    """True if ``path`` is ``other`` or lies inside it (both resolved)."""
    return path == other or other in path.parents


def check_out_path(out: str | os.PathLike, *, inputs: Iterable[str | os.PathLike | None] = (),
                   what: str = "out") -> Path:
    """Refuse an output path that would put the user's files at risk.

    Parameters
    ----------
    out : path-like
        The output directory asked for.
    inputs : iterable of path-like or None
        The command's inputs (dataset folder or file, label/probability files, data folder).
        ``None`` entries and paths that do not exist are ignored.
    what : str
        The option's name, for messages.

    Returns
    -------
    Path
        ``out`` as given.

    Raises
    ------
    ValueError
        If ``out`` (symbolic links resolved) is ``/``, the home folder or one of its ancestors,
        the current directory or one of its ancestors, or is, contains or lies inside an input.
    """
    given = Path(out)
    resolved = given.expanduser().resolve()
    cwd = Path.cwd().resolve()
    if resolved == Path(resolved.anchor):
        raise ValueError(f"{what}: {given} is the filesystem root; choose a new folder for the run")
    if _within(cwd, resolved):
        where = "the current directory" if resolved == cwd else "an ancestor of the current directory"
        raise ValueError(f"{what}: {given} is {where}; choose a new folder for the run")
    home = Path.home().resolve()
    if _within(home, resolved):
        raise ValueError(f"{what}: {given} is your home folder or above it; choose a new folder for the run")
    for item in inputs:
        if item is None or str(item) == "":
            continue
        source = Path(item).expanduser()
        if not source.exists():
            continue
        src = source.resolve()
        if _within(src, resolved):
            relation = "is" if src == resolved else "contains"
            raise ValueError(f"{what}: {given} {relation} the input {source}; choose a folder outside your data")
        if src.is_dir() and _within(resolved, src):
            raise ValueError(f"{what}: {given} lies inside the input {source}; choose a folder outside your data")
    return given


def read_marker(path: str | os.PathLike) -> dict | None:
    """The run marker of directory ``path`` (``{"kind": ..., "version": ...}``), or None."""
    marker = Path(path) / RUN_MARKER
    if not marker.is_file():
        return None
    try:
        data = json.loads(marker.read_text())
    except (OSError, ValueError):
        return {"kind": None}
    return data if isinstance(data, dict) else {"kind": None}


def write_marker(path: str | os.PathLike, kind: str | None) -> None:
    """Mark directory ``path`` as a fastclean run of ``kind``."""
    (Path(path) / RUN_MARKER).write_text(json.dumps({"kind": kind or "output", "version": _version()}) + "\n")


def _legacy_kind(path: Path) -> str | None:
    """The kind of a run written before markers, recognised by its exact layout, or None."""
    try:
        names = {p.name for p in path.iterdir()}
    except OSError:
        return None
    for kind, (required, optional) in _LEGACY_LAYOUTS.items():
        rest = names - required - optional
        if kind == "bench":
            rest = {n for n in rest if not n.endswith("labelsmoothing")}
        if required <= names and not rest:
            return kind
    return None


def review_decisions(path: str | os.PathLike) -> int:
    """How many decisions ``path/review.sqlite`` holds (0 without a store; -1 if unreadable)."""
    store = Path(path) / REVIEW_STORE
    if not store.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=30)
        try:
            return int(conn.execute("SELECT COUNT(*) FROM decisions").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error as exc:
        if "no such table" in str(exc):
            return 0
        return -1


def _check_replaceable(out: Path, *, kind: str | None, discard_review: bool) -> None:
    if not out.is_dir():
        raise ValueError(f"out: {out} exists and is not a directory")
    if not any(out.iterdir()):
        return  # an empty folder holds nothing to lose
    marker = read_marker(out)
    found = marker.get("kind") if marker is not None else _legacy_kind(out)
    if marker is None and found is None:
        raise ValueError(
            f"out: {out} exists and is not a fastclean run (no {RUN_MARKER} file); --overwrite "
            "only replaces runs, so choose another --out or remove it yourself")
    if kind is not None and found not in (None, "output", kind):
        raise ValueError(f"out: {out} holds a fastclean {found} run, not a {kind} run; choose another --out")
    n = review_decisions(out)
    if n and not discard_review:
        held = "a review store that cannot be read" if n < 0 else f"{n} review decision(s)"
        raise ValueError(
            f"out: {out} holds {held} ({REVIEW_STORE}); export them first (fastclean review {out} "
            "--export FILE) and add --discard-review to replace the run, or choose another --out")


def check_output_dir(out: str | os.PathLike, *, overwrite: bool = False, kind: str | None = None,
                     discard_review: bool = False,
                     inputs: Iterable[str | os.PathLike | None] = ()) -> Path:
    """Validate an output directory before any work starts.

    Parameters
    ----------
    out : path-like
        The directory to create.
    overwrite : bool
        Allow replacing an existing fastclean run of the same ``kind``.
    kind : str, optional
        ``"find"``, ``"train"`` or ``"bench"``: the kind of run about to be written.
    discard_review : bool
        Allow replacing a run whose ``review.sqlite`` holds decisions.
    inputs : iterable of path-like
        The command's inputs, see :func:`check_out_path`.

    Raises
    ------
    FileExistsError
        If ``out`` exists and ``overwrite`` is false.
    ValueError
        If ``out`` is a dangerous path, exists and is not a directory or not a fastclean run,
        or holds review decisions and ``discard_review`` is false.
    """
    out = check_out_path(out, inputs=inputs)
    if os.path.lexists(out):
        if not out.is_dir():
            raise ValueError(f"out: {out} exists and is not a directory")
        if not overwrite:
            raise FileExistsError(f"out: {out} already exists (pass --overwrite to replace it)")
        _check_replaceable(out, kind=kind, discard_review=discard_review)
    return out


@dataclass
class Reservation:
    """An output directory being written: its lock, its temporary sibling, what to undo."""

    out: Path                      # absolute, as given (symbolic links not resolved)
    tmp: Path
    overwrite: bool
    kind: str | None
    discard_review: bool
    lock_fd: int
    lock_path: Path
    created: list[Path] = field(default_factory=list)
    published: bool = False


_ACTIVE: dict[str, Reservation] = {}


def _os_error(exc: OSError, what: str, path: Path) -> OSError:
    reason = exc.strerror or str(exc)
    return PermissionError(f"{what}: cannot write {path}: {reason}")


def _make_parents(folder: Path, out_given: str | os.PathLike) -> list[Path]:
    """Create ``folder`` and its missing parents; return those created (deepest last)."""
    missing = []
    probe = folder
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    created = []
    for path in reversed(missing):
        try:
            path.mkdir()
        except FileExistsError:
            continue
        except OSError as exc:
            _remove_created(created)
            raise PermissionError(
                f"out: cannot create {out_given}: {exc.strerror or exc} ({path})") from None
        created.append(path)
    if not folder.is_dir():
        raise NotADirectoryError(f"out: cannot create {out_given}: {folder} is not a directory")
    return created


def _remove_created(created: list[Path]) -> None:
    for path in reversed(created):
        with contextlib.suppress(OSError):
            path.rmdir()


def _lock(lock_path: Path, out_given) -> int:
    import fcntl

    for _ in range(10):
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise PermissionError(f"out: cannot write next to {out_given}: {exc.strerror or exc}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            holder = ""
            with contextlib.suppress(OSError, ValueError):
                pid = os.pread(fd, 32, 0).decode().strip()
                holder = f" (pid {int(pid)})" if pid else ""
            os.close(fd)
            if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise OutputLockedError(
                    f"out: another fastclean run is writing {out_given}{holder}; wait for it or "
                    "choose another --out") from None
            raise PermissionError(f"out: cannot lock {out_given}: {exc.strerror or exc}") from None
        # The holder before us may have removed the file after we opened it: lock the file
        # that is at the path now, or two processes could each hold a lock on a different file.
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(lock_path))
        except FileNotFoundError:
            same = False
        if same:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
            return fd
        os.close(fd)
    raise OutputLockedError(f"out: could not lock {out_given}; another fastclean run keeps writing it")


def _unlock(res: Reservation) -> None:
    with contextlib.suppress(OSError):
        os.unlink(res.lock_path)
    with contextlib.suppress(OSError):
        os.close(res.lock_fd)


def _recover_leftovers(out: Path) -> None:
    """Tidy what a killed writer of ``out`` left beside it; called with the lock held.

    No other fastclean process is writing ``out`` (we hold its lock), so ``.<name>.tmp-*`` are
    dead and removed. A ``.<name>.old-*/old`` is a run moved aside by a writer killed between
    its two renames: it is put back if ``out`` is missing, otherwise removed.
    """
    for entry in sorted(out.parent.glob(f".{glob_escape(out.name)}.old-*")):
        old = entry / "old"
        if old.exists() and not os.path.lexists(out):
            os.replace(old, out)
        shutil.rmtree(entry, ignore_errors=True)
    for entry in out.parent.glob(f".{glob_escape(out.name)}.tmp-*"):
        shutil.rmtree(entry, ignore_errors=True)


def glob_escape(name: str) -> str:
    """``name`` with glob's special characters escaped."""
    import glob

    return glob.escape(name)


def _pause_for_tests() -> None:
    folder = os.environ.get(PAUSE_ENV)
    if not folder:
        return
    import time

    Path(folder, "locked").write_text(str(os.getpid()))
    deadline = time.monotonic() + 300
    while not Path(folder, "release").exists() and time.monotonic() < deadline:
        time.sleep(0.02)


def _key(out: Path) -> str:
    return str(Path(os.path.abspath(out)))


@contextlib.contextmanager
def reserve_output_dir(out: str | os.PathLike, *, overwrite: bool = False, kind: str | None = None,
                       discard_review: bool = False,
                       inputs: Iterable[str | os.PathLike | None] = ()) -> Iterator[Reservation]:
    """Check ``out``, lock it and create its temporary sibling, before any work starts.

    Inside the block, :func:`atomic_output_dir` on the same ``out`` (in this process) fills the
    reserved temporary directory. When the block ends the lock is released, and whatever was not
    published (temporary directory, parents created for it) is removed.

    Raises
    ------
    OutputLockedError
        If another process holds the lock on ``out``.
    PermissionError
        If ``out``'s folder cannot be created or written (the message names ``out``).
    FileExistsError, ValueError
        See :func:`check_output_dir`.
    """
    given = out
    out = check_output_dir(out, overwrite=overwrite, kind=kind, discard_review=discard_review,
                           inputs=inputs)
    out = Path(os.path.abspath(out))
    created = _make_parents(out.parent, given)
    lock_path = out.parent / f".{out.name}.lock"
    try:
        fd = _lock(lock_path, given)
    except BaseException:
        _remove_created(created)
        raise
    res = None
    try:
        _recover_leftovers(out)
        # Checked again under the lock: another run may have published while we waited.
        check_output_dir(out, overwrite=overwrite, kind=kind, discard_review=discard_review)
        try:
            tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
        except OSError as exc:
            raise _os_error(exc, "out", Path(given)) from None
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o777 & ~umask)
        res = Reservation(out=out, tmp=tmp, overwrite=overwrite, kind=kind,
                          discard_review=discard_review, lock_fd=fd, lock_path=lock_path,
                          created=created)
        _ACTIVE[_key(out)] = res
        _pause_for_tests()
        yield res
    finally:
        _ACTIVE.pop(_key(out), None)
        if res is not None:
            shutil.rmtree(res.tmp, ignore_errors=True)
        published = res is not None and res.published
        if res is None:
            with contextlib.suppress(OSError):
                os.unlink(lock_path)
            with contextlib.suppress(OSError):
                os.close(fd)
        else:
            _unlock(res)
        if not published:
            _remove_created(created)


def _publish(res: Reservation) -> None:
    out = res.out
    if os.path.lexists(out):
        if not res.overwrite:
            raise FileExistsError(f"out: {out} appeared while this run was working; it was left as it is")
        _check_replaceable(out, kind=res.kind, discard_review=res.discard_review)
        trash = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        try:
            os.replace(out, trash / "old")
            try:
                os.replace(res.tmp, out)
            except BaseException:
                os.replace(trash / "old", out)
                raise
        finally:
            shutil.rmtree(trash, ignore_errors=True)
    else:
        os.rename(res.tmp, out)
    res.published = True


@contextlib.contextmanager
def atomic_output_dir(out: str | os.PathLike, *, overwrite: bool = False,
                      kind: str | None = None) -> Iterator[Path]:
    """Yield a fresh temporary directory that replaces ``out`` only if the block succeeds.

    On any exception the temporary directory is removed and ``out`` is left as it was, so a
    failed or interrupted command never leaves a half-written output behind. The published
    directory carries the :data:`RUN_MARKER`. If ``out`` was reserved by
    :func:`reserve_output_dir` in this process, its lock and temporary directory are used;
    otherwise ``out`` is checked, locked and reserved for the duration of the block.
    """
    res = _ACTIVE.get(_key(Path(out)))
    if res is None:
        with reserve_output_dir(out, overwrite=overwrite, kind=kind) as res:
            yield res.tmp
            write_marker(res.tmp, kind)
            _publish(res)
        return
    if res.published:
        raise FileExistsError(f"out: {out} was already written by this command")
    # A fresh, empty directory even if an earlier block failed halfway.
    shutil.rmtree(res.tmp, ignore_errors=True)
    res.tmp.mkdir()
    try:
        yield res.tmp
        write_marker(res.tmp, kind or res.kind)
        _publish(res)
    except BaseException:
        shutil.rmtree(res.tmp, ignore_errors=True)
        raise


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and an atomic rename."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
