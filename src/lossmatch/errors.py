"""The small exception tree every part of lossmatch raises, and the one warning category.

The CLI maps each class to one line on stderr and an exit code (see ``lossmatch.cli``):
``LossmatchError`` and its subclasses are the user's input and exit with 2; anything else is ours (3).
"""

from __future__ import annotations

__all__ = [
    "LossmatchError",
    "LossmatchTypeError",
    "LossmatchValueError",
    "TargetFormatError",
    "ConfigError",
    "DataError",
    "LossCheckError",
    "LossInputWarning",
]


class LossmatchError(Exception):
    """Base class of every error lossmatch raises on purpose."""


class LossmatchTypeError(LossmatchError, TypeError):
    """An argument has the wrong type or dtype (e.g. float class indices)."""


class LossmatchValueError(LossmatchError, ValueError):
    """An argument has the right type but the wrong shape or values."""


class TargetFormatError(LossmatchValueError):
    """Targets do not fit the format the loss or metric expects (shape, range, encoding)."""


class ConfigError(LossmatchValueError):
    """An option is invalid: unknown reduction, epsilon outside [0, 1), negative gamma, unknown name..."""


class DataError(LossmatchValueError):
    """A file or array given by the user cannot be read or does not hold what was expected."""


class LossCheckError(LossmatchError):
    """A training-time check (``lossmatch.LossCheck`` with ``on_error="raise"``) found a mismatch: training stops.

    ``finding`` is the :class:`lossmatch.checks.TrainingFinding` (rule ID, epoch, message, evidence, fix).
    """

    def __init__(self, finding: object) -> None:
        super().__init__(str(finding))
        self.finding = finding


class LossInputWarning(UserWarning):
    """The input looks wrong for the loss but could be intended (e.g. probabilities passed as logits).

    Silence it with ``warnings.filterwarnings("ignore", category=lossmatch.LossInputWarning)``.
    """
