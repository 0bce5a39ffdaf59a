"""The one message template every lossmatch error uses, and its helpers; no torch here, so that the parts that
never touch a tensor (audit, advise, the CLI) stay quick to import.

Every message reads ``Expected `<name>` to <rule>, but got <what>.`` and may end with a hint. Shapes are shown in
full and at most ten offending values.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

MAX_SHOWN = 10


def expected(name: str, rule: str, got: str, hint: str | None = None) -> str:
    """The one message template: ``Expected `name` to rule, but got got.`` plus an optional hint."""
    message = f"Expected `{name}` to {rule}, but got {got}."
    return f"{message} {hint}" if hint else message


def show_values(values: Iterable[Any]) -> str:
    """Render at most ``MAX_SHOWN`` distinct values, sorted where possible, with a count of the rest."""
    if hasattr(values, "detach") and hasattr(values, "unique"):  # a torch tensor
        values = values.detach().flatten().unique().tolist()
    items = list({_short(v): v for v in values}.values())
    try:
        items.sort()
    except TypeError:
        pass
    shown = ", ".join(_short(v) for v in items[:MAX_SHOWN])
    extra = len(items) - MAX_SHOWN
    return f"[{shown}{f', ... ({extra} more)' if extra > 0 else ''}]"


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return repr(value) if isinstance(value, str) else str(value)


def count(n: int, noun: str) -> str:
    """``1 value``, ``3 values``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def show_shape(shape: Sequence[int]) -> str:
    return f"shape ({', '.join(str(int(s)) for s in shape)}{',' if len(shape) == 1 else ''})"
