"""The one message template every lossmatch error uses, and its helpers; no torch here, so that the parts that
never touch a tensor (audit, advise, the CLI) stay quick to import.

Every message reads ``Expected `<name>` to <rule>, but got <what>.`` and may end with a hint. Shapes are shown in
full and at most ten offending values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

MAX_SHOWN = 10
# C0 and C1 control characters (ESC, BEL, CR, ...), DEL, and the bidirectional overrides that reorder what a
# terminal shows; a message that quotes user data shows them as escapes.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_CONTROL_BUT_NEWLINE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


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


def escape_control(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with control characters shown as escapes (``ESC`` -> ``\\x1b``), so that user data quoted in a
    message cannot clear the screen, set the title or move the cursor; ``keep_newlines`` (and tabs) for multi-line output."""
    pattern = _CONTROL_BUT_NEWLINE if keep_newlines else _CONTROL
    return pattern.sub(_escape_one, text)


def _escape_one(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def plain_text(value: Any) -> str:
    """User text for a matplotlib figure, shown as written: a ``$`` would start mathtext, and an unbalanced or
    malformed one (a label named ``$\\frac{$``) makes the figure fail to draw."""
    return str(value).replace("$", r"\$")
