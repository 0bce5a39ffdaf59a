"""The ``lossmatch`` command line: a typer app with one module per subcommand.

Each subcommand module defines ``register(app)``; ``main()`` maps exceptions to one line and an exit code:
0 ok, 1 findings, 2 usage error or invalid input (any :class:`~lossmatch.errors.LossmatchError`, unreadable
files), 3 internal error. ``LOSSMATCH_DEBUG=1`` shows tracebacks.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
import warnings

import typer

from lossmatch import __version__
from lossmatch._messages import escape_control
from lossmatch.errors import LossmatchError

# One line per subcommand module: `lossmatch.cli.<name>` with a `register(app)` function.
SUBCOMMANDS = (
    "losses",
    "advise",
    "audit",
    "compare",
    "score",
)

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def _version(value: bool) -> None:
    if value:
        typer.echo(f"lossmatch {__version__}")
        raise typer.Exit()


def build_app() -> typer.Typer:
    app = typer.Typer(
        name="lossmatch",
        help="Match the cross-entropy loss to the structure of the labels, and measure what a mismatch costs.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )

    @app.callback()
    def _root(
        version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ) -> None:
        """lossmatch: binary or categorical cross-entropy? Answers with measurements."""

    for name in SUBCOMMANDS:
        importlib.import_module(f"lossmatch.cli.{name}").register(app)
    from typer.core import TyperCommand

    from lossmatch.cli._help import Command

    for command in app.registered_commands:  # typer's default class, ours unless a subcommand chose its own
        if command.cls in (None, TyperCommand):
            command.cls = Command
    return app


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    app = build_app()
    debug = os.environ.get("LOSSMATCH_DEBUG") == "1"
    try:
        with warnings.catch_warnings():  # restores showwarning afterwards (main runs in-process in tests)
            if not debug:
                warnings.showwarning = _show_warning
            code = app(args=argv, prog_name="lossmatch", standalone_mode=False)
    except SystemExit:
        raise
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        _fail("aborted", EXIT_FINDINGS)
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except Exception as exc:
        if debug:
            raise
        if isinstance(exc, OSError) and exc.filename is not None and exc.strerror:
            _fail(f"{exc.filename}: {exc.strerror}", EXIT_USAGE)
        if isinstance(exc, (LossmatchError, OSError, UnicodeDecodeError)):
            _fail(str(exc), EXIT_USAGE)
        if _is_usage_error(exc):
            if type(exc).__name__ == "NoArgsIsHelpError":  # `lossmatch` alone: the help text
                exc.show()
                sys.exit(EXIT_USAGE)
            _fail(usage_message(exc), EXIT_USAGE)
        _fail(f"internal error: {type(exc).__name__}: {exc} (set LOSSMATCH_DEBUG=1 for the traceback)", EXIT_INTERNAL)
    sys.exit(code if isinstance(code, int) else EXIT_OK)


def _is_usage_error(exc: Exception) -> bool:
    """typer's (vendored) click usage and parameter errors."""
    return callable(getattr(exc, "format_message", None)) and isinstance(getattr(exc, "exit_code", None), int)


# typer checks option values with pydantic; its error types, as the rule the value broke
_PYDANTIC_RULES = {
    "float_parsing": "a number", "float_type": "a number", "finite_number": "a finite number",
    "int_parsing": "an integer", "int_type": "an integer", "int_from_float": "an integer",
    "int_parsing_size": "an integer of a sensible size", "bool_parsing": "true or false",
}
_BOUNDS = {"greater_than_equal": ("ge", ">="), "greater_than": ("gt", ">"), "less_than_equal": ("le", "<="),
           "less_than": ("lt", "<")}
_NOT_ONE_OF = re.compile(r"is not one of (.+?)\.?$")


def usage_message(exc: Exception) -> str:
    """One line for a usage error: ``Invalid value for '--threshold': expected a number, but got 'abc' (see
    lossmatch score --help)`` instead of click's usage block, hint and blank line."""
    message = exc.format_message().strip()  # type: ignore[attr-defined]
    cause = exc.__cause__
    if message.startswith("Invalid value for ") and callable(getattr(cause, "errors", None)):
        where = message.split(": ", 1)[0]
        error = cause.errors()[0]  # type: ignore[union-attr]
        rule = _PYDANTIC_RULES.get(error["type"])
        if error["type"] in _BOUNDS:
            key, sign = _BOUNDS[error["type"]]
            rule = f"a number {sign} {error.get('ctx', {}).get(key)}"
        choices = _NOT_ONE_OF.search(str(error.get("ctx", {}).get("error", "")))
        if choices:
            rule = f"one of {choices.group(1)}"
        if rule:
            message = f"{where}: expected {rule}, but got {str(error.get('input'))!r}"
    ctx = getattr(exc, "ctx", None)
    command = ctx.command_path if ctx is not None else "lossmatch"
    return f"{message.rstrip('.')} (see {command} --help)"


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Warnings raised while a command runs: one line each, like ours, with control characters escaped."""
    (file or sys.stderr).write(f"lossmatch: warning: {escape_control(str(message))}\n")


def _fail(message: str, code: int) -> None:
    """The one error line; control characters of quoted user data (terminal escapes, newlines) are escaped."""
    sys.stderr.write(f"lossmatch: error: {escape_control(message)}\n")
    sys.exit(code)
