"""Shared CLI output: JSON to stdout (with ``schema_version`` first), hints and warnings to stderr."""

from __future__ import annotations

import json
import sys
from enum import Enum
from typing import Any

from lossmatch._messages import escape_control

SCHEMA_VERSION = 1


class Format(str, Enum):
    text = "text"
    json = "json"


def resolve_format(fmt: Format | str, json_flag: bool) -> str:
    """``--json`` is an alias of ``--format json``."""
    return "json" if json_flag else (fmt.value if isinstance(fmt, Format) else str(fmt))


def emit_json(payload: dict[str, Any]) -> None:
    """Write ``{"schema_version": 1, **payload}`` to stdout, one document, nothing else."""
    document = {"schema_version": SCHEMA_VERSION, **{k: v for k, v in payload.items() if k != "schema_version"}}
    sys.stdout.write(json.dumps(document, indent=2, allow_nan=False, default=_default) + "\n")


def _default(value: Any) -> Any:
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def stderr_console():
    from rich.console import Console

    return Console(stderr=True)


def stdout_console():
    from rich.console import Console

    return Console(soft_wrap=True)


def echo(text: str) -> None:
    """Text output to stdout, with the control characters of user data (labels, paths, code) escaped."""
    sys.stdout.write(escape_control(text.rstrip("\n"), keep_newlines=True) + "\n")


def hint(message: str) -> None:
    """One line to stderr, control characters escaped."""
    sys.stderr.write(escape_control(message.rstrip("\n")) + "\n")


def warn(message: str) -> None:
    hint(f"lossmatch: warning: {message}")


FORMAT_METAVAR = "text|json"
