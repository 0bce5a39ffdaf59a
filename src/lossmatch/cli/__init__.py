"""The ``lossmatch`` command line: a typer app with one module per subcommand.

Each subcommand module defines ``register(app)``; ``main()`` maps exceptions to one line and an exit code:
0 ok, 1 findings, 2 usage error or invalid input (any :class:`~lossmatch.errors.LossmatchError`, unreadable
files), 3 internal error. ``LOSSMATCH_DEBUG=1`` shows tracebacks.
"""

from __future__ import annotations

import importlib
import os
import sys

import typer

from lossmatch import __version__
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
    return app


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    app = build_app()
    debug = os.environ.get("LOSSMATCH_DEBUG") == "1"
    try:
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
        if isinstance(exc, (LossmatchError, OSError, UnicodeDecodeError)):
            _fail(str(exc), EXIT_USAGE)
        if _is_usage_error(exc):
            exc.show()
            sys.exit(EXIT_USAGE)
        _fail(f"internal error: {type(exc).__name__}: {exc} (set LOSSMATCH_DEBUG=1 for the traceback)", EXIT_INTERNAL)
    sys.exit(code if isinstance(code, int) else EXIT_OK)


def _is_usage_error(exc: Exception) -> bool:
    """typer's (vendored) click usage and parameter errors: they know how to show themselves."""
    return callable(getattr(exc, "show", None)) and isinstance(getattr(exc, "exit_code", None), int)


def _fail(message: str, code: int) -> None:
    sys.stderr.write(f"lossmatch: error: {message}\n")
    sys.exit(code)
