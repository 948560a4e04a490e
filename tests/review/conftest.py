"""Fixtures: fresh copies of real run directories (see ``tests/review/runs.py``)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from tests.review.runs import make_file_image_run, make_image_run, make_text_run


@pytest.fixture(autouse=True)
def _restore_main_module():
    """Streamlit's AppTest leaves the app script installed as ``sys.modules["__main__"]``;
    put pytest's back, so that later tests which spawn processes re-import the right module."""
    main = sys.modules.get("__main__")
    yield
    if main is not None:
        sys.modules["__main__"] = main


@pytest.fixture(scope="session")
def _image_run_template(tmp_path_factory) -> Path:
    return make_image_run(tmp_path_factory.mktemp("templates") / "digits-run")


@pytest.fixture(scope="session")
def _text_run_template(tmp_path_factory, data_dir) -> Path:
    return make_text_run(tmp_path_factory.mktemp("templates") / "tweets-run", data_dir)


@pytest.fixture(scope="session")
def _file_run_template(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("templates")
    return make_file_image_run(base / "files-run", base / "dataset-root")


@pytest.fixture
def image_run(_image_run_template, tmp_path) -> Path:
    """A fresh copy of the digits run (each test gets its own ``review.sqlite``)."""
    return Path(shutil.copytree(_image_run_template, tmp_path / "digits-run"))


@pytest.fixture
def text_run(_text_run_template, tmp_path) -> Path:
    """A fresh copy of the tweets run, with its saved model."""
    return Path(shutil.copytree(_text_run_template, tmp_path / "tweets-run"))


@pytest.fixture
def file_run(_file_run_template, tmp_path) -> Path:
    """A fresh copy of the image-file run; its dataset root is shared and read-only by use."""
    return Path(shutil.copytree(_file_run_template, tmp_path / "files-run"))
