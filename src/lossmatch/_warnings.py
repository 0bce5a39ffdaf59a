"""Warnings that point at the user's line: the first frame outside lossmatch and the frameworks that call it.

A fixed ``stacklevel`` is right for one path only: the same check runs under a functional call, an
``nn.Module`` (``Module.__call__`` -> ``_call_impl`` -> ``forward``) and a Keras loss (``Loss.__call__`` ->
``call``), each a different number of frames deep, and a Lightning callback runs inside its loops. So the level is
counted at the time of the warning.
"""

from __future__ import annotations

import os
import sys
import warnings

_HERE = os.path.dirname(os.path.abspath(__file__)) + os.sep
_FRAMEWORKS = ("torch", "keras", "lightning", "pytorch_lightning")  # those not imported are skipped


def _internal_prefixes() -> tuple[str, ...]:
    prefixes = [_HERE]
    for name in _FRAMEWORKS:
        path = getattr(sys.modules.get(name), "__file__", None)
        if path:
            prefixes.append(os.path.dirname(os.path.abspath(path)) + os.sep)
    return tuple(prefixes)


def warn_at_user(message: str, category: type[Warning]) -> None:
    """``warnings.warn(message, category)`` attributed to the first caller outside lossmatch, torch and keras."""
    prefixes = _internal_prefixes()
    frame, level = sys._getframe(0), 1
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(prefixes):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)
