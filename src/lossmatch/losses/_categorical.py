"""Categorical cross-entropy: exactly one class per row, from logits (fused) or from probabilities.

The four public functions validate, bring the class dimension last, form log-probabilities and hand them to
one of two cores: ``_cross_entropy_soft`` (one-hot/soft targets) and ``_cross_entropy_index`` (class indices).
Both follow torch's semantics for weights, ``ignore_index`` and label smoothing.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from lossmatch._validation import (
    check_floating,
    check_index_target,
    check_same_shape,
    check_tensor,
    check_unit_interval,
    check_weight,
    expected,
    leading_rows,
    show_shape,
)
from lossmatch._warnings import warn_at_user
from lossmatch.errors import ConfigError, LossInputWarning, LossmatchTypeError, LossmatchValueError, TargetFormatError
from lossmatch.losses._common import (
    LOG_CLAMP,
    check_common_options,
    reduce,
    scale_temperature,
    smoothing_as_uniform,
    upcast,
    warn_if_probabilities,
)


# ---------------------------------------------------------------------------------------------- checks
def class_axis(scores: torch.Tensor, class_dim: int, name: str) -> int:
    if scores.dim() == 0:
        raise LossmatchValueError(expected(name, "have a class dimension", "a 0-d tensor"))
    if not -scores.dim() <= class_dim < scores.dim():
        raise ConfigError(expected("class_dim", f"index a dimension of `{name}` {show_shape(scores.shape)}", str(class_dim)))
    return class_dim % scores.dim()


def check_scores(name: str, scores: torch.Tensor, class_dim: int, weight: torch.Tensor | None, *, reduction: str,
                 label_smoothing: float, temperature: float = 1.0) -> int:
    """The checks every softmax loss starts with; returns the class dimension, normalised to be >= 0."""
    check_tensor(name, scores)
    check_floating(name, scores)
    dim = class_axis(scores, class_dim, name)
    check_weight("weight", weight, scores.shape[dim], "class")
    check_common_options(reduction=reduction, label_smoothing=label_smoothing, temperature=temperature)
    return dim


def check_soft_target(name: str, scores: torch.Tensor, target: torch.Tensor, dim: int) -> None:
    check_tensor("target", target)
    if not target.is_floating_point():
        if target.dim() == scores.dim() - 1:
            hint = "Integer class indices: did you mean `sparse_categorical_cross_entropy_with_logits`?"
        else:
            hint = "Use `target.float()` for one-hot targets given as integers."
        raise LossmatchTypeError(expected("target", "be one-hot or soft probabilities (floating dtype)",
                                          f"dtype {target.dtype} {show_shape(target.shape)}", hint))
    hint = None
    if target.dim() == scores.dim() - 1:
        hint = "Class indices stored as floats? Use `sparse_categorical_cross_entropy_with_logits(logits, target.long())`."
    check_same_shape("target", target, name, scores, hint)
    check_unit_interval("target", target)


def warn_if_not_distribution(target: torch.Tensor, dim: int, loss: str) -> None:
    """Categorical CE assumes each target row is a distribution; multi-hot rows are a task mismatch.

    Looks at the leading rows only: this is a warning, and the full check would cost a pass over the targets.
    """
    sums = leading_rows(target.detach(), dim).sum(dim=dim, dtype=torch.float32)
    if torch.allclose(sums, torch.ones_like(sums), atol=1e-3):
        return
    warn_at_user(
        f"`{loss}` expects each target row to sum to 1 (one class per row), but row sums range over "
        f"[{float(sums.min()):.4g}, {float(sums.max()):.4g}]. Multi-label targets need "
        "`binary_cross_entropy_with_logits`; rows of zeros contribute no loss.",
        LossInputWarning)


def check_index_inputs(name: str, scores: torch.Tensor, target: torch.Tensor, dim: int, ignore_index: int) -> None:
    check_tensor("target", target)
    expected_shape = scores.shape[:dim] + scores.shape[dim + 1:]
    if target.shape != expected_shape:
        hint = None
        if target.shape == scores.shape:
            hint = "One-hot or soft targets: did you mean `categorical_cross_entropy_with_logits`?"
        elif target.dim() == len(expected_shape) + 1 and target.shape[-1] == 1:
            hint = "Squeeze the unit dimension: `target.squeeze(-1)`."
        elif dim != 1 and scores.dim() > 2 and target.shape == scores.shape[:1] + scores.shape[2:]:
            hint = "The classes are on dimension 1 (torch's (N, C, d1, ...) layout): pass `class_dim=1`."
        raise TargetFormatError(expected("target", f"have shape {tuple(expected_shape)} (`{name}` without its class dimension {dim})",
                                         show_shape(target.shape), hint))
    check_index_target(target, scores.shape[dim], ignore_index)


def check_probs_rows(probs: torch.Tensor, dim: int, renormalize: bool, epsilon: float | None, loss: str) -> None:
    check_unit_interval("probs", probs, f"Did you pass logits? Use `{loss}_with_logits`.")
    if epsilon is not None and not 0 < epsilon < 0.5:
        raise ConfigError(expected("epsilon", "be None or a float in (0, 0.5)", repr(epsilon)))
    if renormalize:
        return
    sums = leading_rows(probs.detach(), dim).sum(dim=dim, dtype=torch.float32)
    if not torch.allclose(sums, torch.ones_like(sums), atol=1e-3):
        warn_at_user(
            f"`{loss}` expects probability rows summing to 1 (softmax outputs), but row sums range over "
            f"[{float(sums.min()):.4g}, {float(sums.max()):.4g}]. Sigmoid outputs are not a distribution over "
            "classes; pass `renormalize=True` to divide rows by their sum as Keras does.",
            LossInputWarning)


# ---------------------------------------------------------------------------------------------- cores
def _class_last(x: torch.Tensor, dim: int) -> torch.Tensor:
    return x if dim == x.dim() - 1 else x.movedim(dim, -1)


def log_probs_from_probs(probs: torch.Tensor, renormalize: bool, epsilon: float | None) -> torch.Tensor:
    """``log p`` along the last dimension: torch's clamp at -100, or Keras' renormalise-and-clip."""
    p = upcast(probs)
    if renormalize:
        p = p / p.sum(dim=-1, keepdim=True)
    return _log_clamped(p, epsilon)


def _log_clamped(p: torch.Tensor, epsilon: float | None) -> torch.Tensor:
    if epsilon is not None:
        return p.clamp(epsilon, 1.0 - epsilon).log()
    # torch's max(log p, -100), with p = 0 read as log(1) under the mask: the clamped term then has gradient 0
    # (torch's p.log().clamp_min(-100) gives 0 * inf = NaN there). Negative or NaN p still give NaN, as in torch.
    zero = p == 0
    return torch.where(zero, LOG_CLAMP, torch.where(zero, torch.ones_like(p), p).log().clamp_min(LOG_CLAMP))


def _cross_entropy_soft(log_probs: torch.Tensor, target: torch.Tensor, weight: torch.Tensor | None,
                        label_smoothing: float, reduction: str) -> torch.Tensor:
    """``-sum_c w_c y_c log p_c`` per row; ``mean`` divides by the number of rows (torch)."""
    y = target.to(log_probs.dtype)
    if label_smoothing:
        y = y * (1.0 - label_smoothing) + label_smoothing / log_probs.shape[-1]
    if weight is not None:
        y = y * weight.to(log_probs.dtype)
    return reduce(-(y * log_probs).sum(dim=-1), reduction)


def _pick(values: torch.Tensor, target: torch.Tensor, ignore_index: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """``values[..., target]`` with ignored entries read at class 0; returns (picked, valid, safe_target)."""
    valid = target != ignore_index
    safe_target = torch.where(valid, target, 0).long()
    return values.gather(-1, safe_target.unsqueeze(-1)).squeeze(-1), valid, safe_target


def _index_loss(nll: torch.Tensor, valid: torch.Tensor, safe_target: torch.Tensor, weight: torch.Tensor | None,
                reduction: str, smoothing_term: torch.Tensor | None = None, label_smoothing: float = 0.0,
                num_classes: int = 1) -> torch.Tensor:
    """Weight, mask and reduce a per-row NLL; ``mean`` divides by the summed ``w_t`` (torch's weighted mean).

    With smoothing, torch's form: ``(1 - eps) * w_t * nll + eps / C * sum_c -w_c log p_c``.
    """
    row_weight = valid.to(nll.dtype)
    if weight is not None:
        row_weight = row_weight * weight.to(nll.dtype)[safe_target]
    loss = nll * row_weight
    if smoothing_term is not None:
        loss = (1.0 - label_smoothing) * loss + (label_smoothing / num_classes) * smoothing_term * valid
    return reduce(loss, reduction, row_weight.sum() if reduction == "mean" else None)


def _cross_entropy_index(log_probs: torch.Tensor, target: torch.Tensor, weight: torch.Tensor | None,
                         ignore_index: int, label_smoothing: float, reduction: str) -> torch.Tensor:
    """``-w_t log p_t`` per row, plus torch's smoothing term."""
    if not label_smoothing:
        # torch's indexing kernel has exactly these semantics (weights, ignore_index, weighted mean)
        num_classes = log_probs.shape[-1]
        loss = F.nll_loss(log_probs.reshape(-1, num_classes), target.reshape(-1),
                          weight=None if weight is None else weight.to(log_probs.dtype),
                          ignore_index=ignore_index, reduction=reduction)
        return loss.reshape(target.shape) if reduction == "none" else loss
    picked, valid, safe_target = _pick(log_probs, target, ignore_index)
    smoothing_term = None
    if label_smoothing:
        smoothing_term = -(log_probs * weight.to(log_probs.dtype)).sum(-1) if weight is not None else -log_probs.sum(-1)
    return _index_loss(-picked, valid, safe_target, weight, reduction, smoothing_term, label_smoothing, log_probs.shape[-1])


# ---------------------------------------------------------------------------------------------- public
def categorical_cross_entropy_with_logits(
    logits: torch.Tensor,
    target: torch.Tensor,
    *,
    weight: torch.Tensor | None = None,
    label_smoothing: float = 0.0,
    smoothing_convention: str = "uniform",
    temperature: float = 1.0,
    class_dim: int = -1,
    reduction: str = "mean",
    validate: bool = True,
) -> torch.Tensor:
    r"""Softmax and cross-entropy fused, for one-hot or soft targets.

    .. math:: \ell_n = -\sum_c w_c\, y_{n,c} \log \mathrm{softmax}(x_n / T)_c,
              \qquad \log\mathrm{softmax}(x)_c = x_c - \log\textstyle\sum_k e^{x_k}

    computed with ``log_softmax`` (a log-sum-exp), so it is finite for any finite logits.

    Args:
        logits: ``(N, C)`` or any shape with the classes on ``class_dim`` (default last; torch's
            ``(N, C, d1, ...)`` is ``class_dim=1``); fp16/bf16 are computed in fp32.
        target: same shape, each row a distribution over the classes (one-hot or soft).
        weight: per-class weights ``(C,)``.
        label_smoothing: ``eps``; targets become ``(1 - eps) y + eps / C``.
        smoothing_convention: ``"uniform"`` (the line above: torch and Keras) or ``"others"`` (``1 - eps`` on
            the true class, ``eps / (C - 1)`` on each other one; ``eps <= (C - 1) / C``).
        temperature: logits are divided by it.
        class_dim: the class dimension of ``logits`` and ``target``.
        reduction: ``"mean"`` (over rows, as torch does for probability targets), ``"sum"`` or ``"none"``
            (one value per row: the shape of ``logits`` without ``class_dim``).
        validate: run the input checks.

    Returns:
        A scalar, or the per-row loss for ``"none"``.

    Mismatch:
        With multi-hot targets (several 1s in a row) softmax must split the probability mass between the true
        labels, so no label can be confidently on: it learns at most one label per row (a ``LossInputWarning``
        says the rows do not sum to 1). Softmax outputs passed as logits flatten the loss (warned).

    Example:
        >>> logits = torch.tensor([[2.0, 0.5, -1.0]])
        >>> categorical_cross_entropy_with_logits(logits, torch.tensor([[1.0, 0.0, 0.0]]))
        tensor(0.2413)

    See also:
        :func:`sparse_categorical_cross_entropy_with_logits` (index targets, less memory),
        torch.nn.CrossEntropyLoss with probability targets, keras.losses.CategoricalCrossentropy(from_logits=True),
        optax.softmax_cross_entropy.
    """
    loss_name = "categorical_cross_entropy_with_logits"
    if validate:
        dim = check_scores("logits", logits, class_dim, weight, reduction=reduction, label_smoothing=label_smoothing,
                           temperature=temperature)
        check_soft_target("logits", logits, target, dim)
        warn_if_probabilities(logits, loss=loss_name, class_dim=dim)
        warn_if_not_distribution(target, dim, loss_name)
    else:
        dim = class_dim % logits.dim()
    label_smoothing = smoothing_as_uniform(label_smoothing, logits.shape[dim], smoothing_convention, validate=validate)
    # torch's fused kernel for probability targets has exactly these semantics (weights, smoothing, mean over rows)
    scores = scale_temperature(_class_last(upcast(logits), dim), temperature)
    num_classes = scores.shape[-1]
    loss = F.cross_entropy(scores.reshape(-1, num_classes), _class_last(target, dim).reshape(-1, num_classes).to(scores.dtype),
                           weight=None if weight is None else weight.to(scores.dtype), label_smoothing=label_smoothing,
                           reduction=reduction)
    return loss.reshape(scores.shape[:-1]) if reduction == "none" else loss


def categorical_cross_entropy(
    probs: torch.Tensor,
    target: torch.Tensor,
    *,
    weight: torch.Tensor | None = None,
    label_smoothing: float = 0.0,
    smoothing_convention: str = "uniform",
    class_dim: int = -1,
    renormalize: bool = False,
    epsilon: float | None = None,
    reduction: str = "mean",
    validate: bool = True,
) -> torch.Tensor:
    r"""Cross-entropy on probabilities (softmax outputs), for one-hot or soft targets.

    .. math:: \ell_n = -\sum_c w_c\, y_{n,c} \log p_{n,c}

    Follows torch by default: no renormalisation and ``log p`` clamped at -100 (so ``p = 0`` is finite).
    ``renormalize=True`` divides each row by its sum and ``epsilon=1e-7`` clips to ``[eps, 1 - eps]`` before
    the log: together they are exactly Keras' ``CategoricalCrossentropy()`` (which always does both).

    Args:
        probs: probabilities, classes on ``class_dim``; rows should sum to 1 (warned otherwise unless
            ``renormalize``).
        target: same shape, one-hot or soft.
        weight, label_smoothing, smoothing_convention, class_dim, reduction, validate: as in
            :func:`categorical_cross_entropy_with_logits`.
        renormalize: divide rows by their sum first (Keras).
        epsilon: ``None`` (torch's clamp of the log at -100) or Keras' clip value, e.g. ``1e-7``.

    Returns:
        A scalar, or the per-row loss for ``"none"``.

    Mismatch:
        Sigmoid outputs are not a distribution: Keras renormalises them, so the loss sees only their ratios and
        nothing pulls the outputs of absent labels towards 0. Prefer the ``_with_logits`` form for stability.

    Example:
        >>> categorical_cross_entropy(torch.tensor([[0.7, 0.2, 0.1]]), torch.tensor([[1.0, 0.0, 0.0]]))
        tensor(0.3567)

    See also:
        :func:`categorical_cross_entropy_with_logits`, :func:`sparse_categorical_cross_entropy`,
        keras.losses.CategoricalCrossentropy().
    """
    if validate:
        dim = check_scores("probs", probs, class_dim, weight, reduction=reduction, label_smoothing=label_smoothing)
        check_soft_target("probs", probs, target, dim)
        check_probs_rows(probs, dim, renormalize, epsilon, "categorical_cross_entropy")
        warn_if_not_distribution(target, dim, "categorical_cross_entropy")
    else:
        dim = class_dim % probs.dim()
    label_smoothing = smoothing_as_uniform(label_smoothing, probs.shape[dim], smoothing_convention, validate=validate)
    log_probs = log_probs_from_probs(_class_last(probs, dim), renormalize, epsilon)
    return _cross_entropy_soft(log_probs, _class_last(target, dim), weight, label_smoothing, reduction)


def sparse_categorical_cross_entropy_with_logits(
    logits: torch.Tensor,
    target: torch.Tensor,
    *,
    weight: torch.Tensor | None = None,
    ignore_index: int = -100,
    label_smoothing: float = 0.0,
    smoothing_convention: str = "uniform",
    temperature: float = 1.0,
    class_dim: int = -1,
    reduction: str = "mean",
    validate: bool = True,
) -> torch.Tensor:
    r"""Softmax and cross-entropy fused, for integer class indices.

    .. math:: \ell_n = -w_{y_n} \log\mathrm{softmax}(x_n / T)_{y_n}

    With ``weight``, ``"mean"`` divides by :math:`\sum_n w_{y_n}` over non-ignored rows (torch's weighted mean).
    With label smoothing ``eps`` the loss is ``(1 - eps) * nll + eps / C * sum_c -w_c log p_c`` (torch's form).

    Args:
        logits: ``(N, C)`` or any shape with the classes on ``class_dim`` (default last; torch's
            ``(N, C, d1, ...)`` is ``class_dim=1``); fp16/bf16 are computed in fp32.
        target: integer indices in ``[0, C)``, the shape of ``logits`` without ``class_dim``; entries equal to
            ``ignore_index`` contribute nothing.
        weight: per-class weights ``(C,)``.
        ignore_index: the index to skip (torch's -100 by default).
        label_smoothing, smoothing_convention, temperature, class_dim, reduction, validate: as in
            :func:`categorical_cross_entropy_with_logits`.

    Returns:
        A scalar, or the per-element loss (0 where ignored) for ``"none"``.

    Mismatch:
        One-hot targets here are a shape error (use :func:`categorical_cross_entropy_with_logits`); softmax
        outputs passed as logits flatten the loss (warned); labels that start at 1 are out of range (hinted).

    Example:
        >>> logits = torch.tensor([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0]])
        >>> sparse_categorical_cross_entropy_with_logits(logits, torch.tensor([0, 2]))
        tensor(0.1755)

    See also:
        :func:`categorical_cross_entropy_with_logits`, :func:`linear_cross_entropy` (huge C),
        torch.nn.CrossEntropyLoss, keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        optax.softmax_cross_entropy_with_integer_labels.
    """
    loss_name = "sparse_categorical_cross_entropy_with_logits"
    if validate:
        dim = check_scores("logits", logits, class_dim, weight, reduction=reduction, label_smoothing=label_smoothing,
                           temperature=temperature)
        check_index_inputs("logits", logits, target, dim, ignore_index)
        warn_if_probabilities(logits, loss=loss_name, class_dim=dim)
    else:
        dim = class_dim % logits.dim()
    label_smoothing = smoothing_as_uniform(label_smoothing, logits.shape[dim], smoothing_convention, validate=validate)
    log_probs = F.log_softmax(scale_temperature(_class_last(upcast(logits), dim), temperature), dim=-1)
    return _cross_entropy_index(log_probs, target, weight, ignore_index, label_smoothing, reduction)


def sparse_categorical_cross_entropy(
    probs: torch.Tensor,
    target: torch.Tensor,
    *,
    weight: torch.Tensor | None = None,
    ignore_index: int = -100,
    label_smoothing: float = 0.0,
    smoothing_convention: str = "uniform",
    class_dim: int = -1,
    renormalize: bool = False,
    epsilon: float | None = None,
    reduction: str = "mean",
    validate: bool = True,
) -> torch.Tensor:
    r"""Cross-entropy on probabilities with integer class indices: ``-w_y log p_y``.

    torch's ``nll_loss(probs.log(), target)`` with the log clamped at -100; ``renormalize=True`` and
    ``epsilon=1e-7`` give Keras' ``SparseCategoricalCrossentropy()``. Options as in
    :func:`sparse_categorical_cross_entropy_with_logits` and :func:`categorical_cross_entropy`.

    Mismatch:
        Prefer the logits form: probabilities near 0 lose precision, and a probability of exactly 0 for the
        true class is clamped (torch) or clipped (Keras) rather than infinite.

    Example:
        >>> sparse_categorical_cross_entropy(torch.tensor([[0.7, 0.2, 0.1]]), torch.tensor([0]))
        tensor(0.3567)

    See also:
        :func:`sparse_categorical_cross_entropy_with_logits`, torch.nn.NLLLoss,
        keras.losses.SparseCategoricalCrossentropy().
    """
    if validate:
        dim = check_scores("probs", probs, class_dim, weight, reduction=reduction, label_smoothing=label_smoothing)
        check_index_inputs("probs", probs, target, dim, ignore_index)
        check_probs_rows(probs, dim, renormalize, epsilon, "sparse_categorical_cross_entropy")
    else:
        dim = class_dim % probs.dim()
    label_smoothing = smoothing_as_uniform(label_smoothing, probs.shape[dim], smoothing_convention, validate=validate)
    probs = _class_last(probs, dim)
    if label_smoothing:
        return _cross_entropy_index(log_probs_from_probs(probs, renormalize, epsilon), target, weight, ignore_index,
                                    label_smoothing, reduction)
    # Only the true class's probability is needed: take the log of N values, not N x C.
    picked, valid, safe_target = _pick(upcast(probs), target, ignore_index)
    if renormalize:
        picked = picked / upcast(probs).sum(dim=-1)
    return _index_loss(-_log_clamped(picked, epsilon), valid, safe_target, weight, reduction)
