"""All-or-nothing output directories."""

from __future__ import annotations

import pytest

from fastclean.atomic import atomic_output_dir, atomic_write_bytes, check_output_dir


def test_output_appears_only_when_the_block_succeeds(tmp_path):
    out = tmp_path / "run"
    with atomic_output_dir(out) as tmp:
        (tmp / "a.txt").write_text("x")
        assert not out.exists()
    assert (out / "a.txt").read_text() == "x"
    assert [p.name for p in tmp_path.iterdir()] == ["run"]


def test_failure_leaves_nothing_behind(tmp_path):
    out = tmp_path / "run"
    with pytest.raises(RuntimeError):
        with atomic_output_dir(out) as tmp:
            (tmp / "a.txt").write_text("x")
            raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_existing_output_needs_overwrite_and_survives_a_failed_overwrite(tmp_path):
    out = tmp_path / "run"
    with atomic_output_dir(out, kind="find") as tmp:
        (tmp / "old.txt").write_text("old")
    with pytest.raises(FileExistsError, match="--overwrite"):
        check_output_dir(out)
    with pytest.raises(RuntimeError):
        with atomic_output_dir(out, overwrite=True, kind="find"):
            raise RuntimeError("boom")
    assert (out / "old.txt").read_text() == "old"
    with atomic_output_dir(out, overwrite=True, kind="find") as tmp:
        (tmp / "new.txt").write_text("new")
    assert sorted(p.name for p in out.iterdir()) == [".fastclean-run", "new.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["run"]


def test_overwrite_refuses_a_folder_that_is_not_a_run(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "photo.jpg").write_bytes(b"mine")
    with pytest.raises(ValueError, match="not a fastclean run"):
        check_output_dir(out, overwrite=True)
    with pytest.raises(ValueError, match="not a fastclean run"):
        with atomic_output_dir(out, overwrite=True):
            pass
    assert (out / "photo.jpg").read_bytes() == b"mine"
    assert [p.name for p in tmp_path.iterdir()] == ["mine"]


def test_a_run_written_before_markers_is_recognised_by_its_exact_layout(tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    for name in ("summary.json", "labels.npy", "pred_probs.npy", "classes.json", "issues.csv"):
        (out / name).write_text("x")
    check_output_dir(out, overwrite=True, kind="find")
    (out / "holiday.jpg").write_text("mine")
    with pytest.raises(ValueError, match="not a fastclean run"):
        check_output_dir(out, overwrite=True, kind="find")


def test_out_may_not_be_or_hold_an_input(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "x.csv").write_text("a")
    for out, inputs in ((data, [data]), (data / "run", [data]), (data, [data / "x.csv"])):
        with pytest.raises(ValueError, match="input"):
            check_output_dir(out, inputs=inputs)
    check_output_dir(tmp_path / "run", inputs=[data, None, tmp_path / "missing"])


def test_the_lock_is_exclusive_and_released(tmp_path):
    from fastclean.atomic import OutputLockedError, reserve_output_dir

    out = tmp_path / "run"
    with reserve_output_dir(out, kind="find") as res:
        assert res.tmp.is_dir() and res.tmp.parent == tmp_path
        with pytest.raises(OutputLockedError, match="another fastclean run"):
            with reserve_output_dir(out, kind="find"):
                pass
        with atomic_output_dir(out, kind="find") as tmp:
            assert tmp == res.tmp
            (tmp / "a.txt").write_text("x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]
    with pytest.raises(FileExistsError):
        with reserve_output_dir(out, kind="find"):
            pass


def test_parents_created_for_a_failed_output_are_removed(tmp_path):
    out = tmp_path / "a" / "b" / "run"
    with pytest.raises(RuntimeError):
        with atomic_output_dir(out):
            raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_output_path_that_is_a_file_is_rejected(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(ValueError, match="not a directory"):
        check_output_dir(f, overwrite=True)


def test_atomic_write_bytes_replaces_content(tmp_path):
    target = tmp_path / "f.bin"
    atomic_write_bytes(target, b"one")
    atomic_write_bytes(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in tmp_path.iterdir()] == ["f.bin"]


def test_leftovers_of_a_killed_writer_are_tidied_and_a_moved_run_put_back(tmp_path):
    from fastclean.atomic import reserve_output_dir

    out = tmp_path / "run"
    with atomic_output_dir(out, kind="find") as tmp:
        (tmp / "a.txt").write_text("mine")
    # killed between "move the old run aside" and "rename the new one in"
    (tmp_path / ".run.old-abc").mkdir()
    out.rename(tmp_path / ".run.old-abc" / "old")
    (tmp_path / ".run.tmp-def").mkdir()
    (tmp_path / ".run.tmp-def" / "half.csv").write_text("x")
    with pytest.raises(FileExistsError):
        with reserve_output_dir(out, kind="find"):
            pass
    assert (out / "a.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]
