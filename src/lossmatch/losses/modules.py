"""``torch.nn.Module`` forms of the losses: they store options and call the functional form.

Tensor options (``weight``, ``pos_weight``, ``alpha``, ``class_weight``) are registered as buffers, so
``.to(device)`` and ``state_dict()`` carry them, as with torch's own loss modules. An unknown option name is a
``TypeError`` at construction; values are validated by the functional form on each call.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, ClassVar

import torch
from torch import nn

from lossmatch import losses

__all__ = [
    "BinaryCrossEntropy",
    "BinaryCrossEntropyWithLogits",
    "BinaryHingeLoss",
    "CategoricalCrossEntropy",
    "CategoricalCrossEntropyWithLogits",
    "GeneralizedCrossEntropyWithLogits",
    "LinearCrossEntropy",
    "MulticlassHingeLoss",
    "SigmoidFocalLoss",
    "SoftmaxFocalLoss",
    "SoftmaxMSE",
    "SparseCategoricalCrossEntropy",
    "SparseCategoricalCrossEntropyWithLogits",
    "SymmetricCrossEntropyWithLogits",
]


class _LossModule(nn.Module):
    """Holds keyword options for ``function`` and calls it in ``forward``."""

    function_name: ClassVar[str]

    @classmethod
    def function(cls, *args: Any, **kwargs: Any) -> torch.Tensor:
        return getattr(losses, cls.function_name)(*args, **kwargs)

    def __init__(self, **options: Any) -> None:
        super().__init__()
        accepted = _keyword_options(getattr(losses, type(self).function_name))
        unknown = sorted(set(options) - set(accepted))
        if unknown:
            raise TypeError(f"{type(self).__name__} got unexpected options {unknown}; it accepts {sorted(accepted)}")
        self._tensor_options = tuple(k for k, v in options.items() if isinstance(v, torch.Tensor))
        for key in self._tensor_options:
            self.register_buffer(key, options.pop(key))
        self.options = options

    def _all_options(self) -> dict[str, Any]:
        return {**self.options, **{key: getattr(self, key) for key in self._tensor_options}}

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return type(self).function(input, target, **self._all_options())

    def extra_repr(self) -> str:
        return ", ".join(f"{k}={v!r}" for k, v in self.options.items())


def _keyword_options(function: Callable[..., Any]) -> tuple[str, ...]:
    return tuple(name for name, p in inspect.signature(function).parameters.items() if p.kind is p.KEYWORD_ONLY)


class BinaryCrossEntropyWithLogits(_LossModule):
    """Module form of :func:`lossmatch.binary_cross_entropy_with_logits` (cf. ``nn.BCEWithLogitsLoss``)."""

    function_name = "binary_cross_entropy_with_logits"


class BinaryCrossEntropy(_LossModule):
    """Module form of :func:`lossmatch.binary_cross_entropy` (cf. ``nn.BCELoss``)."""

    function_name = "binary_cross_entropy"


class CategoricalCrossEntropyWithLogits(_LossModule):
    """Module form of :func:`lossmatch.categorical_cross_entropy_with_logits`."""

    function_name = "categorical_cross_entropy_with_logits"


class CategoricalCrossEntropy(_LossModule):
    """Module form of :func:`lossmatch.categorical_cross_entropy`."""

    function_name = "categorical_cross_entropy"


class SparseCategoricalCrossEntropyWithLogits(_LossModule):
    """Module form of :func:`lossmatch.sparse_categorical_cross_entropy_with_logits` (cf. ``nn.CrossEntropyLoss``)."""

    function_name = "sparse_categorical_cross_entropy_with_logits"


class SparseCategoricalCrossEntropy(_LossModule):
    """Module form of :func:`lossmatch.sparse_categorical_cross_entropy` (cf. ``nn.NLLLoss`` on ``log``)."""

    function_name = "sparse_categorical_cross_entropy"


class SigmoidFocalLoss(_LossModule):
    """Module form of :func:`lossmatch.sigmoid_focal_loss`."""

    function_name = "sigmoid_focal_loss"


class SoftmaxFocalLoss(_LossModule):
    """Module form of :func:`lossmatch.softmax_focal_loss`."""

    function_name = "softmax_focal_loss"


class GeneralizedCrossEntropyWithLogits(_LossModule):
    """Module form of :func:`lossmatch.generalized_cross_entropy_with_logits` (no torch equivalent)."""

    function_name = "generalized_cross_entropy_with_logits"


class SymmetricCrossEntropyWithLogits(_LossModule):
    """Module form of :func:`lossmatch.symmetric_cross_entropy_with_logits` (no torch equivalent)."""

    function_name = "symmetric_cross_entropy_with_logits"


class SoftmaxMSE(_LossModule):
    """Module form of :func:`lossmatch.softmax_mse` (cf. ``nn.MSELoss`` on ``torch.softmax(x, -1)`` and one-hot rows)."""

    function_name = "softmax_mse"


class MulticlassHingeLoss(_LossModule):
    """Module form of :func:`lossmatch.multiclass_hinge_loss` (cf. ``nn.MultiMarginLoss``)."""

    function_name = "multiclass_hinge_loss"


class BinaryHingeLoss(_LossModule):
    """Module form of :func:`lossmatch.binary_hinge_loss`."""

    function_name = "binary_hinge_loss"


class LinearCrossEntropy(_LossModule):
    """Module form of :func:`lossmatch.linear_cross_entropy`: ``forward(hidden, target)`` with the
    classifier's ``weight`` (and optional ``bias``) owned by the module as parameters.

    Example:
        >>> head = LinearCrossEntropy(in_features=64, num_classes=50_000)
        >>> loss = head(hidden, target)  # hidden (N, 64), target (N,)
    """

    function_name = "linear_cross_entropy"

    def __init__(self, in_features: int, num_classes: int, *, bias: bool = True, **options: Any) -> None:
        super().__init__(**options)
        linear = nn.Linear(in_features, num_classes, bias=bias)
        self.weight = linear.weight
        self.bias = linear.bias

    def forward(self, hidden: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return type(self).function(hidden, self.weight, target, bias=self.bias, **self._all_options())

    def logits(self, hidden: torch.Tensor) -> torch.Tensor:
        """The full ``(N, V)`` logits, for inference on small batches."""
        return nn.functional.linear(hidden, self.weight, self.bias)
