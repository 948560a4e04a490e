"""Shared pieces of the CLI: the Typer app, the error policy and the rich console."""

from __future__ import annotations

import functools
import sys
from typing import Callable, TypeVar

import typer
from rich.console import Console

app = typer.Typer(
    name="fastclean",
    help="Find incorrect labels with confident learning and train good models despite them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)

#: Exceptions that mean "the user gave something wrong": exit 2, one line, no traceback.
USER_ERRORS = (ValueError, TypeError, FileNotFoundError, FileExistsError, NotADirectoryError,
               IsADirectoryError, PermissionError)

F = TypeVar("F", bound=Callable)


def fail(message: str, code: int = 2) -> "typer.Exit":
    """Print ``error: message`` as a single line on stderr and exit with ``code``."""
    one_line = " ".join(str(message).split())
    print(f"error: {one_line}", file=sys.stderr)
    raise typer.Exit(code)


def handle_errors(fn: F) -> F:
    """Decorate a command so that user errors exit 2 with one line on stderr.

    Anything else is a bug in fastclean and keeps its traceback.
    """

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except USER_ERRORS as exc:
            fail(str(exc) or exc.__class__.__name__)
        except KeyboardInterrupt:
            print("error: interrupted", file=sys.stderr)
            raise typer.Exit(130)

    return wrapper  # type: ignore[return-value]


def folds_option():
    """``--folds`` of train and bench: detection's cross-validation folds."""
    return typer.Option(None, "--folds", help="Folds for out-of-sample pred_probs "
                        "(default 5 with a find model, 3 with learners).")


def detector_option():
    """``--detector`` of train and bench: who scores the training labels out of sample."""
    return typer.Option(
        "auto", "--detector", help="Who flags issues: a find model (auto, cnn, minilm+tfidf, …; the "
        "same cross-validation as fastclean find, fold-cached), or learners (K-fold fastai learners "
        "with the training budget and loss, as in the reference experiments).")
