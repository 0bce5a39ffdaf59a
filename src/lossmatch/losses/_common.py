"""Pieces every loss shares: dtype upcasting, temperature, reductions, the double-activation warning."""

from __future__ import annotations

import torch

from lossmatch._validation import check_positive, check_probability_option, check_reduction, leading_rows
from lossmatch._warnings import warn_at_user
from lossmatch.errors import LossInputWarning

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
    probs_name = loss.removesuffix("_with_logits")
    warn_at_user(
        f"`{loss}` expects raw logits, but its input looks like {what}: applying {activation} twice flattens "
        f"the loss and its gradients. Pass the pre-{activation} outputs, or use `{probs_name}` on probabilities.",
        LossInputWarning,
    )
