"""Tensor validation helpers of the losses, with the message template of :mod:`lossmatch._messages`.

Every message reads ``Expected `<name>` to <rule>, but got <what>.`` and may end with a hint. Shapes are
shown in full and at most ten offending values. Helpers raise the classes in :mod:`lossmatch.errors`:
``LossmatchTypeError`` for dtypes, ``TargetFormatError``/``LossmatchValueError`` for shapes and values,
``ConfigError`` for options.
"""

from __future__ import annotations

import math
from typing import Any

import torch

from lossmatch._messages import MAX_SHOWN, count, expected, show_shape, show_values  # noqa: F401 (re-exported)
from lossmatch.errors import ConfigError, LossmatchTypeError, LossmatchValueError, TargetFormatError

REDUCTIONS = ("mean", "sum", "none")


# ----------------------------------------------------------------------------------------- options
def check_reduction(reduction: str) -> None:
    if reduction not in REDUCTIONS:
        raise ConfigError(expected("reduction", f"be one of {', '.join(map(repr, REDUCTIONS))}", repr(reduction)))


def check_probability_option(name: str, value: float, *, upper_inclusive: bool = False) -> None:
    """``label_smoothing`` and similar knobs: a float in [0, 1) (or [0, 1])."""
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    ok = ok and 0.0 <= value and (value <= 1.0 if upper_inclusive else value < 1.0)
    if not ok:
        rule = "be a float in [0, 1]" if upper_inclusive else "be a float in [0, 1)"
        raise ConfigError(expected(name, rule, repr(value)))


def check_positive(name: str, value: float, *, allow_zero: bool = False) -> None:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    ok = ok and (value >= 0 if allow_zero else value > 0)
    if not ok:
        raise ConfigError(expected(name, "be a finite float >= 0" if allow_zero else "be a finite float > 0", repr(value)))


# ----------------------------------------------------------------------------------------- tensors
def check_tensor(name: str, value: Any) -> torch.Tensor:
    if not isinstance(value, torch.Tensor):
        hint = "Convert it with `torch.as_tensor(...)`." if hasattr(value, "__array__") or isinstance(value, (list, tuple)) else None
        raise LossmatchTypeError(expected(name, "be a torch.Tensor", type(value).__name__, hint))
    return value


def check_floating(name: str, value: torch.Tensor) -> None:
    if not value.is_floating_point():
        raise LossmatchTypeError(expected(name, "have a floating dtype", f"dtype {value.dtype}",
                                          f"Use `{name}.float()`."))


def check_finite(name: str, value: torch.Tensor) -> None:
    finite = torch.isfinite(value)
    if not bool(finite.all()):
        bad = value[~finite]
        raise TargetFormatError(expected(name, "contain only finite values", f"{count(bad.numel(), 'non-finite value')} {show_values(bad)}"))


def check_same_shape(name: str, value: torch.Tensor, other_name: str, other: torch.Tensor, hint: str | None = None) -> None:
    if value.shape != other.shape:
        raise TargetFormatError(expected(name, f"have the same shape as `{other_name}` {show_shape(other.shape)}",
                                         show_shape(value.shape), hint))


def check_unit_interval(name: str, value: torch.Tensor, hint: str | None = None) -> None:
    """Finite values in [0, 1] (probabilities, soft targets): one ``aminmax`` pass when all is well."""
    if value.numel() == 0 or value.dtype == torch.bool:
        return
    low, high = torch.aminmax(value.detach())
    if low >= 0 and high <= 1:  # NaN fails both comparisons and falls through to the diagnosis
        return
    if value.is_floating_point():
        check_finite(name, value)
    outside = (value < 0) | (value > 1)
    bad = value[outside]
    raise LossmatchValueError(expected(name, "contain values in [0, 1]", f"{count(bad.numel(), 'value')} outside it {show_values(bad)}", hint))


def leading_rows(value: torch.Tensor, dim: int, max_rows: int = 1024) -> torch.Tensor:
    """The first ``max_rows`` slices along the first non-class dimension: cheap evidence for warnings."""
    if value.dim() < 2:
        return value
    batch_dim = 1 if dim == 0 else 0
    return value.narrow(batch_dim, 0, min(max_rows, value.shape[batch_dim]))


def check_index_target(target: torch.Tensor, num_classes: int, ignore_index: int | None, hint: str | None = None) -> None:
    """Integer class indices in [0, num_classes), or ``ignore_index``."""
    if target.is_floating_point() or target.dtype == torch.bool or target.is_complex():
        raise LossmatchTypeError(expected("target", "hold integer class indices", f"dtype {target.dtype}",
                                          hint or "Use `target.long()` if the values are whole numbers; "
                                          "for one-hot or soft targets use `categorical_cross_entropy_with_logits`."))
    if target.numel() == 0:
        return
    low, high = torch.aminmax(target)
    if low >= 0 and high < num_classes:  # one pass when all is well (no ignored entries)
        return
    valid = (target >= 0) & (target < num_classes)
    if ignore_index is not None:
        valid |= target == ignore_index
    if not bool(valid.all()):
        bad = target[~valid]
        ignore = f" or ignore_index={ignore_index}" if ignore_index is not None else ""
        extra = ""
        if bool((bad == num_classes).all()) and int(target.min()) >= 1:
            extra = "Labels look 1-based: subtract 1."
        raise TargetFormatError(expected("target", f"hold class indices in [0, {num_classes - 1}]{ignore}",
                                         f"{count(bad.numel(), 'value')} outside {show_values(bad)}", extra or None))


def check_weight(name: str, weight: torch.Tensor | None, size: int, what: str) -> None:
    """A 1-D per-class (or per-label) weight vector of length ``size``."""
    if weight is None:
        return
    check_tensor(name, weight)
    if weight.dim() != 1 or weight.shape[0] != size:
        raise LossmatchValueError(expected(name, f"be a 1-D tensor with one entry per {what} ({size})", show_shape(weight.shape)))
    check_finite(name, weight)
    if bool((weight < 0).any()):
        raise LossmatchValueError(expected(name, "be non-negative", show_values(weight[weight < 0])))
