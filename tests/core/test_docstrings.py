"""The Examples sections of the core's public docstrings run and print what they claim."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["count", "dataset", "filter", "metrics", "multilabel", "rank", "validation"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_hold(name):
    module = importlib.import_module(f"fastclean.core.{name}")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    assert result.attempted > 0


def test_importing_fastclean_imports_neither_torch_nor_the_reference():
    import subprocess
    import sys

    code = ("import sys, fastclean; "
            "print(sorted(m for m in ('torch', 'fastai', 'cleanlab') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
