"""Shared pieces of the CLI: the Typer app, the error policy and the rich console."""

from __future__ import annotations

import contextlib
import contextvars
import difflib
import functools
import sys
from typing import Callable, TypeVar

import typer
from rich.console import Console

from .._warnings import quiet_known_warnings

quiet_known_warnings()

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


_held: contextvars.ContextVar = contextvars.ContextVar("fastclean_held_outputs")


def reserve_out(out, **kwargs):
    """Check, lock and reserve the command's ``--out`` now, before any work; hold it until the
    command ends. See :func:`fastclean.atomic.reserve_output_dir` for ``kwargs``."""
    from ..atomic import reserve_output_dir

    return _held.get().enter_context(reserve_output_dir(out, **kwargs))


def handle_errors(fn: F) -> F:
    """Decorate a command so that user errors exit 2 with one line on stderr.

    Anything else is a bug in fastclean and keeps its traceback. Outputs reserved with
    :func:`reserve_out` are released (lock, temporary folder) when the command ends, whatever
    the outcome.
    """

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            with contextlib.ExitStack() as stack:
                token = _held.set(stack)
                try:
                    return fn(*args, **kwargs)
                finally:
                    _held.reset(token)
        except USER_ERRORS as exc:
            fail(str(exc) or exc.__class__.__name__)
        except OSError as exc:  # disk full, read-only filesystem, ...: the user's environment
            fail(describe_os_error(exc))
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


def describe_os_error(exc: OSError) -> str:
    """One line for an ``OSError`` that names its file (``strerror: filename``)."""
    reason = exc.strerror or str(exc) or exc.__class__.__name__
    return f"{reason}: {exc.filename}" if exc.filename else reason


def unknown_option_message(option: str, ctx) -> str:
    """``unknown option '--epoch' (did you mean --epochs?)`` for the command of ``ctx``."""
    names = [name for param in ctx.command.params for name in getattr(param, "opts", [])
             if name.startswith("--")]
    close = difflib.get_close_matches(option.split("=", 1)[0], names, n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return f"unknown option {option!r}{hint}"


def run_app(args=None) -> int:
    """Run :data:`app` and return its exit code; usage errors become one ``error:`` line.

    Click's own report (usage line, hint line, a framed box) becomes a single line on stderr
    that still names the option and points at ``--help``.
    """
    try:  # typer >= 0.20 vendors click
        from typer._click import exceptions as cx
    except ImportError:  # pragma: no cover - older typer on click
        from click import exceptions as cx

    try:
        code = app(args=args, standalone_mode=False)
    except cx.UsageError as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":
            exc.show()
            return exc.exit_code
        where = f" (see {exc.ctx.command_path} --help)" if exc.ctx is not None else ""
        message = exc.format_message()
        if isinstance(exc, cx.NoSuchOption) and exc.ctx is not None:
            message = unknown_option_message(exc.option_name, exc.ctx)
        print("error: " + " ".join(message.split()) + where, file=sys.stderr)
        return exc.exit_code
    except cx.ClickException as exc:
        print("error: " + " ".join(exc.format_message().split()), file=sys.stderr)
        return exc.exit_code
    except typer.Abort:
        print("error: aborted", file=sys.stderr)
        return 1
    return code if isinstance(code, int) else 0
