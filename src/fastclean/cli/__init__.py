"""The ``fastclean`` command line: a thin Typer app over the library.

Each sub-command lives in its own module and registers itself on :data:`app`; this package
holds no algorithm. Errors the user can fix (bad arguments, bad files) leave with exit code 2
and one line on stderr, see :func:`fastclean.cli.common.handle_errors`.
"""

from __future__ import annotations

import importlib

from .common import app

# Sub-command modules, imported for their side effect of registering on ``app``. A module that
# is not written yet (or whose optional dependencies are missing) must not break the others.
_COMMAND_MODULES = ("find", "train", "bench", "review", "report")


def _register_commands() -> None:
    for name in _COMMAND_MODULES:
        try:
            importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise


_register_commands()


def main() -> None:
    """Entry point of the ``fastclean`` console script."""
    app()
