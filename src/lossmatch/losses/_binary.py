"""Binary cross-entropy: one independent yes/no per output (binary and multi-label tasks)."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from lossmatch._validation import (
    check_floating,
    check_positive,
    check_same_shape,
    check_tensor,
    check_unit_interval,
    expected,
)
from lossmatch.errors import ConfigError, LossmatchValueError
from lossmatch.losses._common import (
    check_common_options,
    reduce,
    scale_temperature,
    smoothing_as_uniform,
    upcast,
    warn_if_probabilities,
)


def _check_binary_inputs(name: str, scores: torch.Tensor, target: torch.Tensor, weight: torch.Tensor | None) -> None:
    check_tensor(name, scores)
    check_tensor("target", target)
    check_floating(name, scores)
    hint = None
    if scores.dim() == target.dim() + 1 and scores.shape[-1] == 1:
        hint = f"Squeeze the unit dimension: `{name}.squeeze(-1)`."
    elif target.dim() == scores.dim() + 1 and target.shape[-1] == 1:
        hint = "Squeeze the unit dimension: `target.squeeze(-1)`."
    elif scores.dim() == target.dim() + 1 and scores.shape[:-1] == target.shape:
        hint = ("Integer class indices need a softmax loss: did you mean "
                "`sparse_categorical_cross_entropy_with_logits`?")
    check_same_shape("target", target, name, scores, hint)
    check_unit_interval("target", target, "Binary targets are 0/1 or soft probabilities; {-1, 1} labels map with `(y + 1) / 2`.")
    if weight is not None:
        check_tensor("weight", weight)
        try:
            torch.broadcast_shapes(weight.shape, scores.shape)
        except RuntimeError:
            raise LossmatchValueError(expected("weight", f"broadcast to {name}'s shape {tuple(scores.shape)}",
                                               f"shape {tuple(weight.shape)}")) from None


def _smooth_binary(target: torch.Tensor, label_smoothing: float, convention: str = "uniform",
                   validate: bool = True) -> torch.Tensor:
    # Keras' convention for BCE (torch has none, pytorch#91545): move every target towards 0.5, as the K = 2 case
    # of either categorical convention ("others" moves a 0/1 target to eps / 1 - eps).
    eps = smoothing_as_uniform(label_smoothing, 2, convention, validate=validate)
    return target if eps == 0 else target * (1.0 - eps) + 0.5 * eps


def binary_cross_entropy_with_logits(
    logits: torch.Tensor,
    target: torch.Tensor,
    *,
    weight: torch.Tensor | None = None,
    pos_weight: torch.Tensor | float | None = None,
    label_smoothing: float = 0.0,
    smoothing_convention: str = "uniform",
    temperature: float = 1.0,
    reduction: str = "mean",
    validate: bool = True,
) -> torch.Tensor:
    r"""Sigmoid and binary cross-entropy fused, computed in log-space.

    For logit :math:`x`, target :math:`y \in [0, 1]`, positive weight :math:`p` and element weight :math:`w`:

    .. math:: \ell = -w\,[\,p\,y \log\sigma(x) + (1 - y) \log(1 - \sigma(x))\,]
              = w\,[\,(1 - y)\,x - (1 + (p - 1)\,y) \log\sigma(x)\,]

    using :math:`\log(1 - \sigma(x)) = \log\sigma(x) - x`, so no probability is ever formed and the loss is
    finite for any finite logit.

    Args:
        logits: raw scores of any shape ``(*)``; fp16/bf16 are computed in fp32.
        target: same shape; 0/1 labels (bool, int or float) or soft probabilities in [0, 1].
        weight: rescales each element; broadcast to ``logits`` (e.g. per-label ``(C,)``).
        pos_weight: weight of the positive term, a scalar or per-label ``(C,)`` (``n_negative / n_positive``
            balances a label).
        label_smoothing: ``eps`` in [0, 1]; targets become ``y (1 - eps) + eps / 2`` (Keras' convention).
        smoothing_convention: ``"uniform"`` (the line above) or ``"others"`` (0/1 targets become
            ``eps`` / ``1 - eps``, i.e. ``y (1 - 2 eps) + eps``; ``eps <= 0.5``).
        temperature: logits are divided by it (> 0).
        reduction: ``"mean"`` (over all elements, as torch), ``"sum"`` or ``"none"`` (shape ``(*)``).
        validate: run the input checks (skip them in a hot loop once the data are known to be good).

    Returns:
        A scalar for ``"mean"``/``"sum"``, else the element-wise loss; fp32 for half-precision inputs.

    Mismatch:
        Feeding sigmoid (or softmax) outputs here applies the activation twice: every input lies in [0, 1],
        the effective probabilities stay in [0.5, 0.73], and the loss cannot go below ~0.31 (a
        ``LossInputWarning`` says so). On single-label multiclass data BCE treats each class as its own yes/no;
        it trains, but the "binary accuracy" it is usually paired with counts the correct zeros.

    Example:
        >>> logits = torch.tensor([[2.0, -1.0], [0.5, 3.0]])
        >>> target = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
        >>> binary_cross_entropy_with_logits(logits, target)
        tensor(0.3657)

    References:
        torch.nn.BCEWithLogitsLoss; keras.losses.BinaryCrossentropy(from_logits=True).

    See also:
        :func:`binary_cross_entropy` (probabilities), :func:`sigmoid_focal_loss`, optax.sigmoid_binary_cross_entropy.
    """
    if validate:
        _check_binary_inputs("logits", logits, target, weight)
        check_common_options(reduction=reduction, label_smoothing=label_smoothing, temperature=temperature)
        if pos_weight is not None and not isinstance(pos_weight, torch.Tensor):
            check_positive("pos_weight", pos_weight, allow_zero=True)
        warn_if_probabilities(logits, loss="binary_cross_entropy_with_logits", class_dim=None)
    x = scale_temperature(upcast(logits), temperature)
    y = _smooth_binary(target.to(x.dtype), label_smoothing, smoothing_convention, validate)
    if pos_weight is not None:
        pos_weight = torch.as_tensor(pos_weight, dtype=x.dtype, device=x.device)
    # torch's fused kernel evaluates exactly the identity above, (1 - y) x - (1 + (p - 1) y) log sigmoid(x),
    # with a closed-form backward; our part is the smoothing, temperature, upcasting and checks around it.
    return F.binary_cross_entropy_with_logits(x, y, weight=None if weight is None else weight.to(x.dtype),
                                              pos_weight=pos_weight, reduction=reduction)


def binary_cross_entropy(
    probs: torch.Tensor,
    target: torch.Tensor,
    *,
    weight: torch.Tensor | None = None,
    label_smoothing: float = 0.0,
    smoothing_convention: str = "uniform",
    epsilon: float | None = None,
    reduction: str = "mean",
    validate: bool = True,
) -> torch.Tensor:
    r"""Binary cross-entropy on probabilities (e.g. sigmoid outputs).

    .. math:: \ell = -w\,[\,y \log p + (1 - y) \log(1 - p)\,]

    By default each log is clamped at -100, as ``torch.nn.functional.binary_cross_entropy`` does, so
    ``p = 0`` or ``1`` gives a large finite loss. ``epsilon=1e-7`` instead clips ``p`` to ``[eps, 1 - eps]``
    first, which is what Keras' ``BinaryCrossentropy()`` computes: the two agree for ``p`` in
    ``[1e-7, 1 - 1e-7]`` and differ beyond it (Keras' loss saturates at ``-log(1e-7) = 16.1``).

    Args:
        probs: probabilities in [0, 1], any shape ``(*)``; fp16/bf16 are computed in fp32.
        target: same shape; 0/1 labels or soft probabilities.
        weight: rescales each element; broadcast to ``probs``.
        label_smoothing: ``eps``; targets become ``y (1 - eps) + eps / 2`` (Keras' convention).
        smoothing_convention: as in :func:`binary_cross_entropy_with_logits`.
        epsilon: ``None`` (torch: clamp the logs at -100) or the Keras clip, e.g. ``1e-7``.
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        validate: run the input checks.

    Returns:
        A scalar for ``"mean"``/``"sum"``, else the element-wise loss.

    Mismatch:
        Probabilities near 0 or 1 lose precision before the log: prefer
        :func:`binary_cross_entropy_with_logits` on the pre-sigmoid scores. Softmax outputs are valid inputs,
        but on single-label data the pairing inflates binary accuracy and on multi-label data softmax lets at
        most one label pass 0.5.

    Example:
        >>> binary_cross_entropy(torch.tensor([0.9, 0.2]), torch.tensor([1.0, 0.0]))
        tensor(0.1643)

    See also:
        :func:`binary_cross_entropy_with_logits`, torch.nn.BCELoss, keras.losses.BinaryCrossentropy().
    """
    if validate:
        _check_binary_inputs("probs", probs, target, weight)
        check_unit_interval("probs", probs, "Did you pass logits? Use `binary_cross_entropy_with_logits`.")
        check_common_options(reduction=reduction, label_smoothing=label_smoothing)
        if epsilon is not None and not 0 < epsilon < 0.5:
            raise ConfigError(expected("epsilon", "be None or a float in (0, 0.5)", repr(epsilon)))
    p = upcast(probs)
    y = _smooth_binary(target.to(p.dtype), label_smoothing, smoothing_convention, validate)
    if epsilon is not None:
        p = p.clamp(epsilon, 1.0 - epsilon)  # Keras' clip; the logs below then never reach the -100 clamp
    # torch's kernel: -(y max(log p, -100) + (1 - y) max(log1p(-p), -100)), with a closed-form backward
    loss = F.binary_cross_entropy(p, y, reduction="none")
    if weight is not None:
        loss = loss * weight.to(loss.dtype)
    return reduce(loss, reduction)
