"""The ``fastclean`` command line: a thin Typer app over the library.

Each sub-command lives in its own module and registers itself on :data:`app`; this package
holds no algorithm. Errors the user can fix (bad arguments, bad files) leave with exit code 2
and one line on stderr, see :func:`fastclean.cli.common.handle_errors`.
"""

from __future__ import annotations

# Imported for their side effect of registering a command on ``app``; each module keeps its
# heavy imports (torch, fastai, streamlit) inside the command function.
from . import apply, bench, find, report, rescore, review, train  # noqa: F401
from .common import app, run_app


def main() -> None:
    """Entry point of the ``fastclean`` console script."""
    import sys

    sys.exit(run_app())
