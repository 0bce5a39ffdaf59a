"""Pieces every loss shares: dtype upcasting, temperature, reductions, the double-activation warning."""

from __future__ import annotations

import torch

from lossmatch._validation import check_positive, check_probability_option, check_reduction, expected, leading_rows
from lossmatch._warnings import warn_at_user
from lossmatch.errors import ConfigError, LossInputWarning

_LOW_PRECISION = (torch.float16, torch.bfloat16)
# torch's probability losses clamp log(p) at -100 so that p = 0 gives a large finite loss, not inf.
LOG_CLAMP = -100.0
# Rows looked at first for the double-activation warning: real logits almost always leave [0, 1] within them.
PROBE_ROWS = 32


def upcast(x: torch.Tensor) -> torch.Tensor:
    """fp16/bf16 are computed in fp32 (the loss is returned in fp32); other dtypes are kept."""
    return x.float() if x.dtype in _LOW_PRECISION else x


def check_common_options(*, reduction: str, label_smoothing: float = 0.0, temperature: float = 1.0) -> None:
    check_reduction(reduction)
    check_probability_option("label_smoothing", label_smoothing, upper_inclusive=True)
    check_positive("temperature", temperature)


SMOOTHING_CONVENTIONS = ("uniform", "others")


def smoothing_as_uniform(label_smoothing: float, num_classes: int, convention: str, *, validate: bool = True) -> float:
    """The ``eps`` of the uniform convention that gives ``convention``'s smoothed targets over ``num_classes``.

    ``"uniform"`` (torch, Keras): ``(1 - eps) y + eps / K``, so the true class gets ``1 - eps + eps / K``.
    ``"others"``: ``1 - eps`` on the true class and ``eps / (K - 1)`` on each other one, i.e.
    ``(1 - eps) y + eps / (K - 1) (1 - y)``, which is the uniform form with ``eps K / (K - 1)``. Beyond
    ``eps = (K - 1) / K`` it would give the true class less than each other class, so that is its upper bound.
    Binary losses smooth each output as ``K = 2``.
    """
    if convention == "uniform" or not label_smoothing:
        if validate and convention not in SMOOTHING_CONVENTIONS:
            _unknown_convention(convention)
        return label_smoothing
    if convention != "others":
        _unknown_convention(convention)
    bound = (num_classes - 1) / num_classes
    if validate and label_smoothing > bound:
        raise ConfigError(expected("label_smoothing", f"be at most (K - 1) / K = {bound:.4g} for K = {num_classes} with "
                                   "smoothing_convention='others' (beyond it the true class gets less than each other "
                                   "class)", repr(label_smoothing)))
    return min(1.0, label_smoothing * num_classes / (num_classes - 1))


def _unknown_convention(convention: object) -> None:
    raise ConfigError(expected("smoothing_convention", "be 'uniform' (eps / K on every class) or 'others' (1 - eps on the "
                               "true class, eps / (K - 1) on each other one)", repr(convention)))


def scale_temperature(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    return logits if temperature == 1.0 else logits / temperature


def reduce(loss: torch.Tensor, reduction: str, denominator: torch.Tensor | None = None) -> torch.Tensor:
    """``mean`` divides by ``denominator`` when given (torch's weighted mean), else by the element count.

    A zero denominator (every target ignored, or all weights zero) gives NaN as torch does, with gradient 0:
    dividing by the zero itself would send ``0 * inf = NaN`` back through every term.
    """
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    if denominator is None:
        return loss.mean()
    nonzero = denominator != 0
    ratio = loss.sum() / torch.where(nonzero, denominator, torch.ones_like(denominator))
    return torch.where(nonzero, ratio, torch.full_like(ratio, float("nan")))


def warn_if_probabilities(logits: torch.Tensor, *, loss: str, class_dim: int | None) -> None:
    """Warn when a logits entry point receives what looks like probabilities (a double activation).

    Evidence: every value in [0, 1], not all equal, and, for softmax losses (``class_dim`` given), every row summing to 1.
    Sigmoid losses need at least 8 values before all-in-[0, 1] counts as evidence. The leading rows are
    checked first (``PROBE_ROWS``), so real logits cost one tiny pass; only an inconclusive probe reads the rest.
    """
    if logits.numel() < (2 if class_dim is not None else 8):
        return
    with torch.no_grad():
        for sample in (leading_rows(logits.detach(), class_dim or 0, PROBE_ROWS), logits.detach()):
            low, high = torch.aminmax(sample)
            if low < 0 or high > 1 or low == high:  # a constant tensor (Keras builds its losses on ones) is no evidence
                return
            if class_dim is not None:
                sums = sample.sum(dim=class_dim, dtype=torch.float32)
                if not torch.allclose(sums, torch.ones_like(sums), atol=1e-3):
                    return
    what = "probabilities (all values in [0, 1], rows summing to 1)" if class_dim is not None else "probabilities (all values in [0, 1])"
    activation = "softmax" if class_dim is not None else "sigmoid"
    from lossmatch.registry import REGISTRY

    probs_name = loss.removesuffix("_with_logits")
    alternative = f", or use `{probs_name}` on probabilities" if probs_name != loss and probs_name in REGISTRY else \
        f" (`{loss}` has no probabilities form: it applies {activation} itself)"
    warn_at_user(
        f"`{loss}` expects raw logits, but its input looks like {what}: applying {activation} twice flattens "
        f"the loss and its gradients. Pass the pre-{activation} outputs{alternative}.",
        LossInputWarning,
    )
