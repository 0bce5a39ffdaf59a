"""Keras 3 adapters: ``keras.losses.Loss`` subclasses that compute with lossmatch's functions.

They need the torch backend (``KERAS_BACKEND=torch``), are usable in ``model.compile(loss=...)``, and keep Keras'
names and ``from_logits`` flag as a front door: ``from_logits=True`` dispatches to the ``*_with_logits`` form,
``from_logits=False`` to the probabilities form with Keras' own conventions (renormalised rows, probabilities
clipped to ``[1e-7, 1 - 1e-7]``), so swapping ``keras.losses.X`` for ``lossmatch.keras.X`` changes no number.
What they add: ``pos_weight``, per-class ``weight``, ``temperature``, ``ignore_index``, the label smoothing
convention (``smoothing_convention="others"``), fp32 compute for half inputs, one-line input errors, the
double-activation warning, and losses Keras lacks (generalized and symmetric cross-entropy, softmax MSE on
logits, the two multi-class hinge forms). Keras applies its own reduction and
``sample_weight`` on the per-sample losses these return.
"""

from __future__ import annotations

from typing import Any, ClassVar

import keras
import torch

from lossmatch.errors import ConfigError
from lossmatch.losses import _binary, _categorical, _focal, _hinge, _robust

__all__ = [
    "BinaryCrossentropy",
    "BinaryFocalCrossentropy",
    "CategoricalCrossentropy",
    "CategoricalFocalCrossentropy",
    "GeneralizedCrossentropy",
    "Hinge",
    "MulticlassHinge",
    "SoftmaxMeanSquaredError",
    "SparseCategoricalCrossentropy",
    "SymmetricCrossentropy",
]

KERAS_EPSILON = 1e-7


class _Adapter(keras.losses.Loss):
    """Calls ``logits_fn`` or ``probs_fn`` with ``reduction="none"``; element-wise losses are averaged over
    the last axis, as Keras' binary losses do."""

    elementwise: ClassVar[bool] = False
    index_targets: ClassVar[bool] = False
    index_or_rows: ClassVar[bool] = False  # targets without the class axis are indices (Keras hands them over as floats)
    default_name: ClassVar[str] = "loss"

    def __init__(self, *, from_logits: bool = False, reduction: str = "sum_over_batch_size", name: str | None = None,
                 dtype: Any = None, **options: Any) -> None:
        if keras.backend.backend() != "torch":
            raise ConfigError(f"Expected the Keras backend to be 'torch' (set KERAS_BACKEND=torch before importing "
                              f"keras), but got {keras.backend.backend()!r}.")
        super().__init__(name=name or self.default_name, reduction=reduction, dtype=dtype)
        self.from_logits = from_logits
        self.options = options

    def _function_and_options(self) -> tuple[Any, dict[str, Any]]:
        raise NotImplementedError

    def call(self, y_true: Any, y_pred: Any) -> torch.Tensor:
        y_pred = torch.as_tensor(y_pred)
        y_true = torch.as_tensor(y_true, device=y_pred.device)
        sparse = self.index_or_rows and (y_true.dim() == y_pred.dim() - 1 or (
            y_true.dim() == y_pred.dim() and y_true.shape[-1] == 1 < y_pred.shape[-1]))
        if self.index_targets or sparse:
            if y_true.dim() == y_pred.dim() and y_true.shape[-1] == 1:
                y_true = y_true.squeeze(-1)
            y_true = y_true.long() if y_true.is_floating_point() else y_true
        elif y_true.dim() == y_pred.dim() - 1 and y_pred.shape[-1] == 1:
            y_true = y_true.unsqueeze(-1)
        function, options = self._function_and_options()
        loss = function(y_pred, y_true, reduction="none", **options)
        return loss.mean(dim=-1) if self.elementwise and loss.dim() > 0 else loss

    def get_config(self) -> dict[str, Any]:
        options = {k: v.tolist() if isinstance(v, torch.Tensor) else v for k, v in self.options.items()}
        return {**super().get_config(), "from_logits": self.from_logits, **options}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> _Adapter:
        config = dict(config)
        for key in ("weight", "pos_weight", "alpha"):
            if isinstance(config.get(key), list):
                config[key] = torch.tensor(config[key])
        return cls(**config)


class BinaryCrossentropy(_Adapter):
    """``keras.losses.BinaryCrossentropy`` computed by :func:`lossmatch.binary_cross_entropy_with_logits`
    (``from_logits=True``; also takes ``pos_weight`` and ``temperature``) or :func:`lossmatch.binary_cross_entropy`
    with Keras' 1e-7 clip."""

    elementwise = True
    default_name = "binary_crossentropy"

    def _function_and_options(self) -> tuple[Any, dict[str, Any]]:
        if self.from_logits:
            return _binary.binary_cross_entropy_with_logits, self.options
        return _binary.binary_cross_entropy, {"epsilon": KERAS_EPSILON, **self.options}


class CategoricalCrossentropy(_Adapter):
    """``keras.losses.CategoricalCrossentropy`` (one-hot or soft targets)."""

    default_name = "categorical_crossentropy"

    def _function_and_options(self) -> tuple[Any, dict[str, Any]]:
        if self.from_logits:
            return _categorical.categorical_cross_entropy_with_logits, self.options
        return _categorical.categorical_cross_entropy, {"renormalize": True, "epsilon": KERAS_EPSILON, **self.options}


class SparseCategoricalCrossentropy(_Adapter):
    """``keras.losses.SparseCategoricalCrossentropy`` (integer targets; ``ignore_index`` and ``weight`` too)."""

    index_targets = True
    default_name = "sparse_categorical_crossentropy"

    def _function_and_options(self) -> tuple[Any, dict[str, Any]]:
        if self.from_logits:
            return _categorical.sparse_categorical_cross_entropy_with_logits, self.options
        return _categorical.sparse_categorical_cross_entropy, {"renormalize": True, "epsilon": KERAS_EPSILON, **self.options}


class BinaryFocalCrossentropy(_Adapter):
    """:func:`lossmatch.sigmoid_focal_loss` behind Keras' name. Logits only: pass ``from_logits=True``.

    Keras' ``apply_class_balancing=True, alpha=a`` is ``alpha=a`` here; ``alpha=None`` is no balancing.
    """

    elementwise = True
    default_name = "binary_focal_crossentropy"

    def _function_and_options(self) -> tuple[Any, dict[str, Any]]:
        if not self.from_logits:
            raise ConfigError("Expected `from_logits=True` for lossmatch.keras.BinaryFocalCrossentropy (the focal "
                              "factor is computed from logits), but got from_logits=False.")
        return _focal.sigmoid_focal_loss, self.options


class CategoricalFocalCrossentropy(_Adapter):
    """:func:`lossmatch.softmax_focal_loss` behind Keras' name (one-hot/soft or index targets); logits only."""

    default_name = "categorical_focal_crossentropy"

    def _function_and_options(self) -> tuple[Any, dict[str, Any]]:
        if not self.from_logits:
            raise ConfigError("Expected `from_logits=True` for lossmatch.keras.CategoricalFocalCrossentropy, but got "
                              "from_logits=False.")
        return _focal.softmax_focal_loss, self.options


class _LogitsOnly(_Adapter):
    """A loss with no probabilities form: ``from_logits=True`` is required (as for the focal adapters)."""

    function: ClassVar[Any]
    index_or_rows = True

    def _function_and_options(self) -> tuple[Any, dict[str, Any]]:
        if not self.from_logits:
            raise ConfigError(f"Expected `from_logits=True` for lossmatch.keras.{type(self).__name__} (it applies the "
                              "softmax itself: give the model a linear last layer), but got from_logits=False.")
        return type(self).function, self.options


class GeneralizedCrossentropy(_LogitsOnly):
    """:func:`lossmatch.generalized_cross_entropy_with_logits` (``q``, index or one-hot/soft targets); logits only."""

    function = staticmethod(_robust.generalized_cross_entropy_with_logits)
    default_name = "generalized_crossentropy"


class SymmetricCrossentropy(_LogitsOnly):
    """:func:`lossmatch.symmetric_cross_entropy_with_logits` (``alpha``, ``beta``, ``log_clip``); logits only."""

    function = staticmethod(_robust.symmetric_cross_entropy_with_logits)
    default_name = "symmetric_crossentropy"


class SoftmaxMeanSquaredError(_LogitsOnly):
    """:func:`lossmatch.softmax_mse`: ``keras.losses.MeanSquaredError()`` on the softmax of the logits (same numbers
    as a softmax layer with that loss); logits only."""

    function = staticmethod(_robust.softmax_mse)
    default_name = "softmax_mean_squared_error"


class MulticlassHinge(_Adapter):
    """:func:`lossmatch.multiclass_hinge_loss` on raw scores (``form``, ``margin``, ``p``, ``weight``); index or
    one-hot targets. ``from_logits`` is ignored: a hinge loss reads scores, not probabilities."""

    default_name = "multiclass_hinge"
    index_or_rows = True

    def _function_and_options(self) -> tuple[Any, dict[str, Any]]:
        return _hinge.multiclass_hinge_loss, self.options


class Hinge(_Adapter):
    """``keras.losses.Hinge`` (``p=2``: ``SquaredHinge``) computed by :func:`lossmatch.binary_hinge_loss`: 0/1 or
    -1/1 targets, the mean over the last axis. ``from_logits`` is ignored (raw scores)."""

    elementwise = True
    default_name = "hinge"

    def _function_and_options(self) -> tuple[Any, dict[str, Any]]:
        return _hinge.binary_hinge_loss, self.options
