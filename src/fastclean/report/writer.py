"""Assemble and write ``report.html`` for a run directory or a bench directory."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

from .html import page

REPORT_NAME = "report.html"
DEFAULT_TOP_K = 24


def build_report(run_dir: str | os.PathLike, *, top_k: int = DEFAULT_TOP_K) -> str:
    """Build the self-contained HTML report of ``run_dir`` and return it as a string.

    ``run_dir`` is a ``find`` run directory (it holds ``summary.json``), a ``bench`` directory
    (it holds ``results.csv``), or both at once.

    Parameters
    ----------
    run_dir : str or path
        The directory to report on.
    top_k : int
        Number of issues shown in the gallery.

    Returns
    -------
    str
        The HTML page: inline CSS, base64 PNG images, no scripts, no external resources.

    Raises
    ------
    TypeError
        If ``run_dir`` is not a path or ``top_k`` not an int.
    ValueError
        If ``top_k`` is negative, or ``results.csv`` lacks a required column.
    FileNotFoundError
        If ``run_dir`` does not exist or is neither a run nor a bench directory.
    """
    path = _check_dir(run_dir)
    if isinstance(top_k, bool) or not isinstance(top_k, int):
        raise TypeError(f"top_k: expected an int, got {type(top_k).__name__}")
    if top_k < 0:
        raise ValueError(f"top_k: must be >= 0, got {top_k}")
    is_run = (path / "summary.json").is_file()
    is_bench = (path / "results.csv").is_file()
    if not (is_run or is_bench):
        raise FileNotFoundError(
            f"run_dir: {path} is neither a run directory (summary.json) nor a bench directory "
            "(results.csv)"
        )
    sections = []
    # Not the directory's name: write_run and bench call this on a temporary sibling.
    title, subtitles = "fastclean report", []
    if is_bench:
        from .bench_sections import bench_sections, read_results

        results = read_results(path / "results.csv")
        sections += bench_sections(path, results)
        names = ", ".join(dict.fromkeys(results["dataset"].astype(str))) or "no results"
        title = f"fastclean benchmark: {names}"
        subtitles.append(f"{len(results):,} results")
    if is_run:
        from ..run import read_run
        from .run_sections import run_sections, subtitle_of, title_of

        run = read_run(path)
        if run.summary.get("task") == "multi-label":
            from .multilabel import multilabel_sections, title_and_subtitle

            title, sub = title_and_subtitle(run)
            stamp = f"written {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC"
            return page(title, f"{sub} · {stamp}",
                        sections + multilabel_sections(run, top_k=top_k))
        sections += run_sections(run, top_k=top_k)
        from .rescore_section import rescore_section

        sections += [s for s in [rescore_section(path)] if s is not None]
        title = title_of(run)
        subtitles.append(subtitle_of(run))
    subtitles.append(f"written {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC")
    subtitle = " · ".join(subtitles)
    return page(title, subtitle, sections)


def write_report(run_dir: str | os.PathLike, *, top_k: int = DEFAULT_TOP_K) -> Path:
    """Write ``run_dir/report.html`` (atomically) and return its path.

    Called by ``write_run`` at the end of ``find``, by ``bench``, and by ``fastclean report``.
    See :func:`build_report` for the parameters and errors.

    Examples
    --------
    >>> from fastclean.report import write_report
    >>> write_report("demo-run")  # doctest: +SKIP
    PosixPath('demo-run/report.html')
    """
    html_text = build_report(run_dir, top_k=top_k)
    out = Path(run_dir) / REPORT_NAME
    _write_atomically(out, html_text.encode("utf-8"))
    return out


def _write_atomically(out: Path, data: bytes) -> None:
    # Like fastclean.atomic.atomic_write_bytes, but created with open() so the file gets the
    # user's umask permissions (mkstemp would make the report readable by its owner only).
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _check_dir(run_dir: str | os.PathLike) -> Path:
    if not isinstance(run_dir, (str, os.PathLike)):
        raise TypeError(f"run_dir: expected a path, got {type(run_dir).__name__}")
    path = Path(run_dir)
    if not path.exists():
        raise FileNotFoundError(f"run_dir: {path} does not exist")
    if not path.is_dir():
        raise NotADirectoryError(f"run_dir: {path} is not a directory")
    return path
