"""Issue 15: the CLI never destroys what the user owns, and fails in one line.

Each test is one item of the issue's list, as a user would meet it: through the console
script's entry point (in this process where the command fails or finishes in a moment, in a
subprocess where it matters: concurrent runs, real warnings, a whole image ``find``). The
checks: no data lost, no traceback, exit 2 with one line naming the path or option, nothing
half-written (no ``*.tmp-*``/``*.old-*``/lock files left behind).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from tests.helpers import run_cli


def _in_process(*args: str):
    """Run the CLI entry point in this process (for checks that fail before any work): the same
    code path as the console script, without a new interpreter per case."""
    import contextlib
    import io
    import types

    from fastclean.cli.common import run_app

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = run_app(list(args))
        except SystemExit as exc:
            code = exc.code
    return types.SimpleNamespace(returncode=code, stdout=out.getvalue(), stderr=err.getvalue())


def _one_line_exit_2(res, *needles: str) -> str:
    assert res.returncode == 2, (res.returncode, res.stdout[-2000:], res.stderr[-2000:])
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in res.stderr, res.stderr
    assert lines[0].startswith("error:"), lines[0]
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def _leftovers(folder: Path) -> list[str]:
    """Temporary, trash and lock entries fastclean may create beside an output."""
    return sorted(p.name for p in folder.iterdir()
                  if ".tmp-" in p.name or ".old-" in p.name or p.name.endswith(".lock"))


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def arrays(tmp_path_factory) -> tuple[Path, Path]:
    """Labels and (deliberately poor, valid) pred_probs for a fast ``find --labels --pred-probs``."""
    d = tmp_path_factory.mktemp("arrays")
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(3), 20)
    probs = rng.dirichlet(np.ones(3), size=len(labels))
    probs[np.arange(len(labels)), labels] += 2.0
    probs /= probs.sum(1, keepdims=True)
    np.save(d / "labels.npy", labels)
    np.save(d / "pred_probs.npy", probs)
    return d / "labels.npy", d / "pred_probs.npy"


def _find_arrays(arrays, out, *extra):
    labels, probs = arrays
    return _in_process("find", "--labels", str(labels), "--pred-probs", str(probs), "--out", str(out), *extra)


@pytest.fixture
def image_folder(tmp_path) -> Path:
    from PIL import Image

    root = tmp_path / "mydata"
    rng = np.random.default_rng(0)
    for name in ("cat", "dog"):
        (root / name).mkdir(parents=True)
        for i in range(4):
            Image.fromarray(rng.integers(0, 255, (8, 8, 3), dtype=np.uint8)).save(root / name / f"{i}.jpg")
    return root


# -- 1. --out may never be, contain or lie inside the input, nor ., .., /, home ------------------

def test_out_that_is_the_image_folder_is_refused_and_no_image_is_lost(image_folder):
    before = _snapshot(image_folder)
    res = run_cli("find", str(image_folder), "--out", str(image_folder), "--overwrite")
    _one_line_exit_2(res, str(image_folder), "input")
    assert _snapshot(image_folder) == before
    assert _leftovers(image_folder.parent) == []


def test_out_inside_the_image_folder_is_refused(image_folder):
    res = _in_process("find", str(image_folder), "--out", str(image_folder / "run"))
    _one_line_exit_2(res, "inside the input")
    assert not (image_folder / "run").exists()


def test_out_that_contains_a_csv_dataset_is_refused(tmp_path):
    data = tmp_path / "csvs"
    data.mkdir()
    (data / "train.csv").write_text("text,label\n" + "".join(f"t{i},{i % 2}\n" for i in range(20)))
    (data / "other.csv").write_text("keep me")
    before = _snapshot(data)
    res = _in_process("find", str(data / "train.csv"), "--out", str(data), "--overwrite")
    _one_line_exit_2(res, "contains the input")
    assert _snapshot(data) == before


@pytest.mark.parametrize("flag", ["--labels", "--pred-probs"])
def test_out_that_contains_the_label_or_probability_file_is_refused(arrays, tmp_path, flag):
    labels, probs = arrays
    folder = tmp_path / "inputs"
    folder.mkdir()
    given = folder / ("labels.npy" if flag == "--labels" else "pred_probs.npy")
    given.write_bytes((labels if flag == "--labels" else probs).read_bytes())
    other = probs if flag == "--labels" else labels
    args = {"--labels": str(given if flag == "--labels" else other),
            "--pred-probs": str(given if flag == "--pred-probs" else other)}
    res = _in_process("find", "--labels", args["--labels"], "--pred-probs", args["--pred-probs"],
                  "--out", str(folder), "--overwrite")
    _one_line_exit_2(res, "contains the input")
    assert given.exists()


@pytest.mark.parametrize("out", [".", ".."])
def test_out_that_is_the_current_directory_or_its_parent_is_refused(arrays, tmp_path, out, monkeypatch):
    cwd = tmp_path / "work" / "here"
    cwd.mkdir(parents=True)
    (cwd / "mine.txt").write_text("mine")
    monkeypatch.chdir(cwd)
    res = _find_arrays(arrays, out, "--overwrite")
    _one_line_exit_2(res, "current directory")
    assert (cwd / "mine.txt").read_text() == "mine"
    assert _leftovers(cwd) == [] and _leftovers(cwd.parent) == [] and _leftovers(cwd.parent.parent) == []


def test_out_that_is_the_home_folder_or_the_root_is_refused(arrays, tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    (home / "mine.txt").write_text("mine")
    monkeypatch.setenv("HOME", str(home))
    res = _find_arrays(arrays, home, "--overwrite")
    _one_line_exit_2(res, "home folder")
    assert (home / "mine.txt").read_text() == "mine"
    res = _find_arrays(arrays, "/", "--overwrite")
    _one_line_exit_2(res, "root")


def test_a_symlink_to_the_data_is_resolved_before_comparing(image_folder, tmp_path):
    link = tmp_path / "link"
    link.symlink_to(image_folder)
    before = _snapshot(image_folder)
    res = _in_process("find", str(image_folder), "--out", str(link), "--overwrite")
    _one_line_exit_2(res, "input")
    assert _snapshot(image_folder) == before


# -- 2. --overwrite replaces only a fastclean run, and never review decisions silently --------

def test_overwrite_replaces_a_marked_run_but_refuses_any_other_folder(arrays, tmp_path):
    out = tmp_path / "run"
    assert _find_arrays(arrays, out).returncode == 0
    marker = json.loads((out / ".fastclean-run").read_text())
    assert marker["kind"] == "find" and marker["version"]
    res = _find_arrays(arrays, out, "--overwrite")
    assert res.returncode == 0, res.stderr
    assert _leftovers(tmp_path) == []

    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine")
    res = _find_arrays(arrays, mine, "--overwrite")
    _one_line_exit_2(res, "not a fastclean run", ".fastclean-run")
    assert (mine / "notes.txt").read_text() == "mine"
    assert _leftovers(tmp_path) == []


def test_a_run_of_another_kind_is_not_replaced(arrays, tmp_path):
    out = tmp_path / "run"
    assert _find_arrays(arrays, out).returncode == 0
    (out / ".fastclean-run").write_text(json.dumps({"kind": "bench", "version": "x"}))
    res = _find_arrays(arrays, out, "--overwrite")
    _one_line_exit_2(res, "bench run")
    assert (out / "summary.json").exists()


def test_a_reviewed_run_is_not_replaced_unless_told_to_discard_the_decisions(arrays, tmp_path):
    from fastclean.review.store import CorrectionsStore

    out = tmp_path / "run"
    assert _find_arrays(arrays, out).returncode == 0
    classes = json.loads((out / "classes.json").read_text())
    store = CorrectionsStore(out, classes)
    store.decide(0, "0", "relabel", original_label=classes[0], final_label=classes[1])
    store_bytes = (out / "review.sqlite").read_bytes()

    res = _find_arrays(arrays, out, "--overwrite")
    line = _one_line_exit_2(res, "1 review decision", "--discard-review", "--export")
    assert str(out) in line
    assert (out / "review.sqlite").read_bytes() == store_bytes
    assert len(CorrectionsStore(out, classes)) == 1

    res = _find_arrays(arrays, out, "--overwrite", "--discard-review")
    assert res.returncode == 0, res.stderr
    assert not (out / "review.sqlite").exists()
    assert _leftovers(tmp_path) == []


# -- 3. two runs into one --out: exactly one wins, the other exits 2 at once -----------------

def _start_paused(arrays, out, pause: Path, *extra):
    labels, probs = arrays
    pause.mkdir()
    env = {**os.environ, "FASTCLEAN_TEST_PAUSE_AFTER_LOCK": str(pause)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "fastclean", "find", "--labels", str(labels), "--pred-probs", str(probs),
         "--out", str(out), *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.monotonic() + 300  # a bound against a hang, not a timing assumption
    while not (pause / "locked").exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the first run never took the lock"
        time.sleep(0.05)
    return proc


def test_a_second_concurrent_run_into_the_same_out_exits_2_at_once(arrays, tmp_path):
    out = tmp_path / "run"
    first = _start_paused(arrays, out, tmp_path / "pause")
    try:
        second = _find_arrays(arrays, out)
        _one_line_exit_2(second, "another fastclean run", str(out), f"pid {first.pid}")
        second = _find_arrays(arrays, out, "--overwrite")
        _one_line_exit_2(second, "another fastclean run")
        assert not out.exists()
    finally:
        (tmp_path / "pause" / "release").write_text("go")
        stdout, stderr = first.communicate(timeout=600)
    assert first.returncode == 0, stderr
    assert (out / "summary.json").exists()
    assert _leftovers(tmp_path) == []


def test_a_slow_run_never_replaces_a_folder_that_appeared_meanwhile(arrays, tmp_path):
    out = tmp_path / "run"
    first = _start_paused(arrays, out, tmp_path / "pause")
    out.mkdir()
    (out / "mine.txt").write_text("mine")
    (tmp_path / "pause" / "release").write_text("go")
    stdout, stderr = first.communicate(timeout=600)
    assert first.returncode == 2 and "Traceback" not in stderr, stderr
    assert "appeared" in stderr and str(out) in stderr
    assert sorted(p.name for p in out.iterdir()) == ["mine.txt"]
    assert _leftovers(tmp_path) == []


def test_a_lock_file_left_by_a_killed_run_does_not_block(arrays, tmp_path):
    out = tmp_path / "run"
    (tmp_path / ".run.lock").write_text("999999\n")  # no process holds it: flock is free
    res = _find_arrays(arrays, out)
    assert res.returncode == 0, res.stderr
    assert _leftovers(tmp_path) == []


# -- 4. review --export never overwrites the run's own files; damaged files are named ----------

def test_export_over_a_file_of_the_run_is_refused(arrays, tmp_path):
    out = tmp_path / "run"
    assert _find_arrays(arrays, out).returncode == 0
    before = _snapshot(out)
    for name in ("summary.json", "issues.csv", "labels.npy"):
        res = _in_process("review", str(out), "--export", str(out / name), "--overwrite")
        _one_line_exit_2(res, "--export", name, "file of the run")
    assert _snapshot(out) == before
    res = _in_process("review", str(out), "--export", str(out / "cleaned.csv"))
    assert res.returncode == 0, res.stderr


def test_a_damaged_summary_json_is_named(arrays, tmp_path):
    out = tmp_path / "run"
    assert _find_arrays(arrays, out).returncode == 0
    (out / "summary.json").write_text('{"n_examples": ')
    for args in (["review", str(out), "--export", str(tmp_path / "x.csv")], ["report", str(out)]):
        res = _in_process(*args)
        _one_line_exit_2(res, str(out / "summary.json"), "damaged")


# -- 6. unwritable outputs are found before any work, named as the user wrote them -------------

def test_an_unwritable_out_is_refused_before_any_work(tmp_path):
    bad_csv = tmp_path / "bad.csv"
    bad_csv.write_text("text,label\nonly one class,a\n")
    out = "/proc/fastclean-test/run"
    # The dataset would fail to load (a single class): the --out check must come first.
    res = _in_process("find", str(bad_csv), "--model", "tfidf-logreg", "--out", out)
    line = _one_line_exit_2(res, out)
    assert ".tmp-" not in line


def test_report_and_export_into_a_read_only_place_fail_in_one_line(arrays, tmp_path, monkeypatch):
    import errno

    import tempfile

    from typer.testing import CliRunner

    from fastclean.cli import app

    out = tmp_path / "run"
    assert _find_arrays(arrays, out).returncode == 0

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(tempfile, "TemporaryFile", read_only)
    for args, needle in ((["report", str(out)], str(out / "report.html")),
                         (["review", str(out), "--export", str(tmp_path / "x.csv")], str(tmp_path / "x.csv"))):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 2, result.output
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "Read-only file system" in lines[0] and needle in lines[0], lines


def test_review_host_that_does_not_resolve_fails_in_one_line(arrays, tmp_path):
    out = tmp_path / "run"
    assert _find_arrays(arrays, out).returncode == 0
    res = _in_process("review", str(out), "--host", "example.invalid")
    _one_line_exit_2(res, "--host", "example.invalid")


def test_train_track_wandb_without_an_api_key_fails_before_any_work(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    for name, value in {"HOME": str(home), "WANDB_API_KEY": "", "WANDB_MODE": "",
                        "NETRC": str(home / ".netrc")}.items():
        monkeypatch.setenv(name, value)
    out = tmp_path / "train"
    res = _in_process("train", "digits", "--track", "wandb", "--out", str(out))
    _one_line_exit_2(res, "--track wandb", "API key")
    assert not out.exists() and _leftovers(tmp_path) == []


# -- 5 + 9. --skip-bad catches truncated JPEGs and lists them; symlinks in an image folder ------

def _truncated_jpeg(path: Path) -> None:
    import io

    from PIL import Image

    buf = io.BytesIO()
    rng = np.random.default_rng(1)
    Image.fromarray(rng.integers(0, 255, (64, 64, 3), dtype=np.uint8)).save(buf, format="JPEG", quality=90)
    path.write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])


def test_a_jpeg_cut_after_its_header_is_unreadable_not_a_crash(image_folder):
    from fastclean.data import load_dataset

    _truncated_jpeg(image_folder / "dog" / "cut.jpg")
    with pytest.raises(ValueError, match="cut.jpg.*truncated"):
        load_dataset(image_folder)
    ds = load_dataset(image_folder, skip_bad=True)
    assert ds.skipped == ["dog/cut.jpg"] and len(ds) == 8


def test_find_skips_and_lists_bad_images_and_accepts_symlinked_ones_everywhere(image_folder, tmp_path):
    """One find over an image folder holding a truncated JPEG, a symlink loop at the top and an
    image linked from outside: the loop is no class, the cut JPEG is skipped and listed (stdout
    and report), the linked image is read by find and shown by the report and the review app."""
    from fastclean.report.thumbnails import resolve_under_root
    from fastclean.review.media import example_image
    from fastclean.run import read_run

    _truncated_jpeg(image_folder / "dog" / "cut.jpg")
    (image_folder / "loop").symlink_to(image_folder)            # a loop at the top
    (image_folder / "parent").symlink_to(image_folder.parent)   # an ancestor
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "far.jpg").write_bytes((image_folder / "cat" / "0.jpg").read_bytes())
    (image_folder / "cat" / "linked.jpg").symlink_to(elsewhere / "far.jpg")
    out = tmp_path / "run"
    res = run_cli("find", str(image_folder), "--skip-bad", "--model", "efficientnet-lite0", "--folds", "2",
                  "--out", str(out))
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr
    assert "skipped 1 unreadable input(s): dog/cut.jpg" in " ".join(res.stdout.split())
    assert "dog/cut.jpg" in (out / "report.html").read_text() and "Skipped inputs" in (out / "report.html").read_text()

    run = read_run(out)
    assert run.classes == ["cat", "dog"] and len(run.examples) == 9
    row = run.examples[run.examples["id"] == "cat/linked.jpg"].iloc[0]
    also = run.dataset["link_roots"]
    assert also == [str(elsewhere.resolve())]
    assert resolve_under_root(row["path"], run.dataset["root"], also=also) == (elsewhere / "far.jpg").resolve()
    assert example_image(run, row).size[0] > 0


def test_report_and_review_still_refuse_files_outside_the_root_and_link_roots(tmp_path):
    from fastclean.report.thumbnails import resolve_under_root
    from fastclean.review.safety import resolve_inside

    root, linked, other = tmp_path / "data", tmp_path / "linked", tmp_path / "other"
    for folder in (root, linked, other):
        folder.mkdir()
        (folder / "x.png").write_bytes(b"png")
    assert resolve_inside(root, linked / "x.png", also=[linked]) == (linked / "x.png").resolve()
    with pytest.raises(PermissionError):
        resolve_inside(root, other / "x.png", also=[linked])
    assert resolve_under_root(str(other / "x.png"), root, also=[linked]) is None


def test_class_names_with_separators_survive_the_top3_column(tmp_path):
    from fastclean.review.media import parse_top3
    from fastclean.run import find_from_probs, read_run, write_run

    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(3), 10)
    probs = rng.dirichlet(np.ones(3), size=30)
    classes = ["a;b", "c:d", "100%"]
    write_run(find_from_probs(labels, probs, classes), tmp_path / "run")
    run = read_run(tmp_path / "run")
    for cell, row in zip(run.examples["top3"], probs):
        pairs = parse_top3(cell)
        assert [name for name, _ in pairs] == [classes[k] for k in np.argsort(-row, kind="stable")[:3]]
        assert [p for _, p in pairs] == [round(float(v), 3) for v in np.sort(row)[::-1][:3]]


def test_train_prints_no_torch_future_warning(tmp_path):
    res = run_cli("train", "digits", "--epochs", "1", "--max-train", "100", "--out", str(tmp_path / "t"))
    assert res.returncode == 0, res.stderr
    assert "FutureWarning" not in res.stderr, res.stderr


# -- 7. values that must be rejected, in one line naming the option -------------------------

@pytest.mark.parametrize("args, needle", [
    (["train", "digits", "--lr", "-1"], "--lr"),
    (["train", "digits", "--lr", "0"], "--lr"),
    (["train", "digits", "--epochs", "0"], "--epochs"),
    (["train", "digits", "--bs", "0"], "--bs"),
    (["train", "digits", "--folds", "1"], "--folds"),
    (["train", "digits", "--eps", "1.5"], "--eps"),
    (["bench", "digits", "--noise", "10", "10"], "--noise"),
    (["bench", "digits", "--noise", "10", "--max-train", "0"], "--max-train"),
    (["find", "digits", "--top", "-1"], "--top"),
    (["find", "digits", "--worst", "-1"], "--worst"),
    (["find", "digits", "--folds", "1"], "--folds"),
])
def test_out_of_range_values_exit_2_in_one_line(tmp_path, args, needle):
    out = tmp_path / "out"
    res = _in_process(*args, "--out", str(out))
    _one_line_exit_2(res, needle)
    assert not out.exists() and _leftovers(tmp_path) == []


def test_classes_with_a_dataset_and_duplicate_class_names_are_refused(arrays, tmp_path):
    classes = tmp_path / "classes.json"
    classes.write_text(json.dumps(["a", "b", "c"]))
    res = _in_process("find", "digits", "--classes", str(classes), "--out", str(tmp_path / "r"))
    _one_line_exit_2(res, "--classes", "--labels")
    classes.write_text(json.dumps(["a", "b", "a"]))
    res = _find_arrays(arrays, tmp_path / "r", "--classes", str(classes))
    _one_line_exit_2(res, "classes", "'a'")
    assert not (tmp_path / "r").exists()


def test_labels_1_and_1_0_in_a_dataset_csv_are_one_class(tmp_path):
    from fastclean.data import load_dataset

    csv = tmp_path / "d.csv"
    csv.write_text("text,label\n" + "".join(f"t{i},{['1', '1.0', '2', '2.0', '01'][i % 5]}\n" for i in range(20)))
    ds = load_dataset(csv)
    assert ds.classes == ["1", "2", "01"] or ds.classes == ["01", "1", "2"]
    assert np.bincount(ds.labels).tolist().count(8) == 2  # 1 + 1.0, 2 + 2.0


def test_a_pandas_index_column_in_pred_probs_is_dropped_with_a_note(arrays, tmp_path):
    import pandas as pd

    labels, probs = arrays
    indexed = tmp_path / "probs.csv"
    pd.DataFrame(np.load(probs)).to_csv(indexed)  # with its unnamed 0..n-1 index column
    out = tmp_path / "run"
    res = _in_process("find", "--labels", str(labels), "--pred-probs", str(indexed), "--out", str(out))
    assert res.returncode == 0, res.stderr
    assert "note:" in res.stderr and "to_csv" in res.stderr and "Traceback" not in res.stderr
    assert len(json.loads((out / "classes.json").read_text())) == 3
    # a first column without a name that is not 0..n-1 is ambiguous: refused
    frame = pd.read_csv(indexed)
    frame.iloc[:, 0] = frame.iloc[:, 0] * 2
    frame.to_csv(indexed, index=False)
    res = _in_process("find", "--labels", str(labels), "--pred-probs", str(indexed), "--out", str(tmp_path / "r2"))
    _one_line_exit_2(res, "index=False")


# -- 8. messages that say what is wrong ----------------------------------------------------

def test_a_tsv_named_csv_is_recognised_in_the_message(tmp_path):
    tsv = tmp_path / "d.csv"
    tsv.write_text("id\ttext\tlabel\n" + "".join(f"{i}\tt{i}\t{i % 2}\n" for i in range(10)))
    res = _in_process("find", str(tsv), "--out", str(tmp_path / "r"))
    _one_line_exit_2(res, "tab-separated", ".tsv")
    res = _in_process("find", str(tsv), "--label-col", "label", "--out", str(tmp_path / "r"))
    _one_line_exit_2(res, "tab-separated")


def test_a_gzipped_csv_is_read_whatever_its_name(tmp_path):
    import gzip

    from fastclean.data import load_dataset

    text = "text,label\n" + "".join(f"t{i},{i % 2}\n" for i in range(10))
    for name in ("d.csv", "d.csv.gz"):
        (tmp_path / name).write_bytes(gzip.compress(text.encode()))
        ds = load_dataset(tmp_path / name)
        assert len(ds) == 10 and ds.classes == ["0", "1"]


def test_an_unknown_bench_option_is_named_with_a_suggestion(tmp_path):
    res = _in_process("bench", "digits", "--noise", "1", "--epoch", "1", "--out", str(tmp_path / "b"))
    _one_line_exit_2(res, "unknown option '--epoch'", "--epochs")
    res = _in_process("find", "digits", "--tpo", "1", "--out", str(tmp_path / "b"))
    _one_line_exit_2(res, "'--tpo'", "--top")


def test_an_unusable_cache_is_named(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("FASTCLEAN_CACHE", str(blocker / "cache"))
    res = _in_process("find", "digits", "--out", str(tmp_path / "r"))
    _one_line_exit_2(res, "FASTCLEAN_CACHE", str(blocker / "cache"))
    assert not (tmp_path / "r").exists()


def test_the_renormalize_hint_names_the_cli_option(arrays, tmp_path):
    labels, probs = arrays
    scaled = tmp_path / "scaled.npy"
    np.save(scaled, np.load(probs) * 1.5)
    res = _in_process("find", "--labels", str(labels), "--pred-probs", str(scaled), "--out", str(tmp_path / "r"))
    line = _one_line_exit_2(res, "--renormalize")
    assert "renormalize=True" not in line


@pytest.mark.parametrize("command", [["train"], ["bench", "--noise", "10"]])
def test_train_and_bench_apply_the_same_out_guard(tmp_path, command):
    data = tmp_path / "data"
    data.mkdir()
    csv = data / "d.csv"
    csv.write_text("text,label\n" + "".join(f"t{i},{i % 2}\n" for i in range(20)))
    before = _snapshot(data)
    res = _in_process(command[0], str(csv), *command[1:], "--out", str(data), "--overwrite")
    _one_line_exit_2(res, "contains the input")
    res = _in_process(command[0], str(csv), *command[1:], "--out", str(csv), "--overwrite")
    _one_line_exit_2(res, "is the input")
    assert _snapshot(data) == before and _leftovers(tmp_path) == []


def test_fastclean_data_does_not_break_train_and_bench_on_a_path_dataset(tmp_path, monkeypatch):
    from fastclean.cli.safety import data_dir_for

    csv = tmp_path / "d.csv"
    csv.write_text("text,label\na,0\n")
    monkeypatch.setenv("FASTCLEAN_DATA", str(tmp_path / "builtins"))
    # typer fills --data-dir of train/bench from $FASTCLEAN_DATA; a path dataset must not fail on it
    assert data_dir_for(str(csv), tmp_path / "builtins") is None
    assert data_dir_for("digits", tmp_path / "builtins") == tmp_path / "builtins"
    assert data_dir_for(str(csv), tmp_path / "given") == tmp_path / "given"  # given explicitly: kept
