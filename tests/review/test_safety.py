"""Image paths are confined to the dataset root; pickles need an explicit allow-list entry."""

from __future__ import annotations

import os

import pytest

from fastclean.review.safety import check_pickle_allowed, resolve_inside


@pytest.fixture
def root(tmp_path):
    root = tmp_path / "data"
    (root / "cats").mkdir(parents=True)
    (root / "cats" / "a.png").write_bytes(b"png")
    (tmp_path / "secret.txt").write_text("do not serve")
    return root


def test_relative_path_inside_the_root_resolves(root):
    assert resolve_inside(root, "cats/a.png") == (root / "cats" / "a.png").resolve()


def test_absolute_path_inside_the_root_resolves(root):
    assert resolve_inside(root, root / "cats" / "a.png") == (root / "cats" / "a.png").resolve()


@pytest.mark.parametrize("path", ["../secret.txt", "cats/../../secret.txt", "/etc/passwd"])
def test_paths_that_resolve_outside_the_root_are_refused(root, path):
    with pytest.raises(PermissionError, match="outside the dataset root"):
        resolve_inside(root, path)


def test_a_symlink_pointing_outside_the_root_is_refused(root):
    os.symlink(root.parent / "secret.txt", root / "cats" / "link.png")
    with pytest.raises(PermissionError, match="outside the dataset root"):
        resolve_inside(root, "cats/link.png")


def test_a_sibling_directory_sharing_the_root_prefix_is_refused(root):
    sibling = root.parent / (root.name + "-evil")
    sibling.mkdir()
    (sibling / "x.png").write_bytes(b"png")
    with pytest.raises(PermissionError):
        resolve_inside(root, sibling / "x.png")


def test_without_a_recorded_root_nothing_is_served(root):
    with pytest.raises(PermissionError, match="no dataset root"):
        resolve_inside(None, root / "cats" / "a.png")


def test_a_missing_file_inside_the_root_is_not_found(root):
    with pytest.raises(FileNotFoundError):
        resolve_inside(root, "cats/missing.png")


def test_pickle_must_be_named_explicitly(tmp_path):
    model = tmp_path / "model" / "export.pkl"
    model.parent.mkdir()
    model.write_bytes(b"not loaded")
    with pytest.raises(PermissionError, match="--allow-pickle"):
        check_pickle_allowed(model, [])
    with pytest.raises(PermissionError):
        check_pickle_allowed(model, [tmp_path / "other.pkl"])
    assert check_pickle_allowed(model, [tmp_path / "model" / ".." / "model" / "export.pkl"]) == model.resolve()
