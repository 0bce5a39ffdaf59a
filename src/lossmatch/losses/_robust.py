"""Alternatives to cross-entropy on softmax outputs: the noise-robust GCE and SCE, and mean squared error.

All three take logits, form ``log_softmax`` once (so they are finite for any finite logits) and accept the
targets of :func:`softmax_focal_loss`: integer indices (``ignore_index``, torch's weighted mean) or one-hot/soft
float rows (``"mean"`` over rows). Each is written as a per-class term ``l_c`` (the loss if class ``c`` were the
label) combined with the target exactly as cross-entropy combines ``-log p_c``, including torch's form of label
smoothing for index targets, so ``weight``, ``ignore_index`` and smoothing mean the same thing as in
:func:`sparse_categorical_cross_entropy_with_logits`.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from lossmatch._validation import expected
from lossmatch.errors import ConfigError, LossmatchValueError
from lossmatch.losses._categorical import (
    _class_last,
    _index_loss,
    _pick,
    check_index_inputs,
    check_scores,
    check_soft_target,
)
from lossmatch.losses._common import reduce, smoothing_as_uniform, upcast, warn_if_probabilities


def _check_inputs(loss: str, logits: torch.Tensor, target: torch.Tensor, *, class_dim: int, weight: torch.Tensor | None,
                  ignore_index: int, label_smoothing: float, reduction: str, soft: bool) -> int:
    dim = check_scores("logits", logits, class_dim, weight, reduction=reduction, label_smoothing=label_smoothing)
    if soft:
        if ignore_index != -100:
            raise LossmatchValueError(expected("ignore_index", "be left at -100 with one-hot or soft targets "
                                               "(there is no index to ignore)", str(ignore_index),
                                               "Give a zero row or a 0 in `weight` to drop rows or classes."))
        check_soft_target("logits", logits, target, dim)
    else:
        check_index_inputs("logits", logits, target, dim, ignore_index)
    warn_if_probabilities(logits, loss=loss, class_dim=dim)
    return dim


def _is_soft(target: torch.Tensor) -> bool:
    return isinstance(target, torch.Tensor) and target.is_floating_point()


def _smoothed_rows(target: torch.Tensor, soft: bool, num_classes: int, ignore_index: int, eps: float,
                   dtype: torch.dtype) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Float target rows ``(..., C)`` (smoothed with the uniform ``eps``) and the valid mask of index targets."""
    if soft:
        y, valid = target.to(dtype), None
    else:
        valid = target != ignore_index
        y = F.one_hot(torch.where(valid, target, 0).long(), num_classes).to(dtype)
    if eps:
        y = y * (1.0 - eps) + eps / num_classes
    if valid is not None:
        y = y * valid.unsqueeze(-1)
    return y, valid


def _combine(terms: torch.Tensor, target: torch.Tensor, soft: bool, weight: torch.Tensor | None, ignore_index: int,
             eps: float, reduction: str) -> torch.Tensor:
    """Per-class terms ``(..., C)`` combined with the target as cross-entropy combines ``-log p_c``.

    Soft rows: ``sum_c w_c y_c l_c``, mean over rows. Index targets: ``w_t l_t`` with torch's weighted mean, and
    with smoothing torch's ``(1 - eps) w_t l_t + eps / C sum_c w_c l_c``.
    """
    num_classes = terms.shape[-1]
    w = None if weight is None else weight.to(terms.dtype)
    if soft:
        y, _ = _smoothed_rows(target, True, num_classes, ignore_index, eps, terms.dtype)
        if w is not None:
            y = y * w
        return reduce((y * terms).sum(-1), reduction)
    picked, valid, safe_target = _pick(terms, target, ignore_index)
    smoothing_term = None
    if eps:
        smoothing_term = (terms * w).sum(-1) if w is not None else terms.sum(-1)
    return _index_loss(picked, valid, safe_target, weight, reduction, smoothing_term, eps, num_classes)


class _TrueClassLogProb(torch.autograd.Function):
    """``log softmax(x)[t]`` along the last dimension from one softmax pass, with the closed-form backward
    ``d log p_t / dx = onehot(t) - p``.

    torch's ``log_softmax`` backward recomputes ``exp`` over every logit; the softmax kept from the forward pass
    makes the backward one multiply and a scatter (~2x faster for N x 1000 logits on CPU). ``log p_t`` is read from
    ``p_t`` where that is accurate; rows whose ``p_t`` is below 2^-60 (or 0 in fp32) are recomputed with
    ``log_softmax``, so very unlikely classes keep their exact log-probability.
    """

    @staticmethod
    def forward(ctx, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        probs = torch.softmax(logits, dim=-1)
        index = target.unsqueeze(-1)
        log_pt = probs.gather(-1, index).squeeze(-1).log()
        tail = log_pt < _LOG_TAIL
        if bool(tail.any()):
            rows = tail.nonzero(as_tuple=True)
            log_pt[rows] = torch.log_softmax(logits[rows], dim=-1).gather(-1, index[rows]).squeeze(-1)
        ctx.save_for_backward(probs, index)
        return log_pt

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, grad: torch.Tensor) -> tuple[torch.Tensor, None]:
        probs, index = ctx.saved_tensors
        grad = grad.unsqueeze(-1)
        return (probs * -grad).scatter_add_(-1, index, grad), None


_LOG_TAIL = -60 * math.log(2)


def _true_class_log_prob(logits: torch.Tensor, target: torch.Tensor, ignore_index: int
                         ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """``(log p_t, valid, safe_target)`` of class-last ``logits``, ignored entries read at class 0."""
    valid = target != ignore_index
    safe_target = torch.where(valid, target, 0).long()
    return _TrueClassLogProb.apply(logits, safe_target), valid, safe_target


def _check_unit(name: str, value: float, *, low_open: bool = False) -> None:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and (0.0 < value if low_open else 0.0 <= value) \
        and value <= 1.0
    if not ok:
        raise ConfigError(expected(name, f"be a float in {'(0' if low_open else '[0'}, 1]", repr(value)))


def _gce_terms(log_probs: torch.Tensor, q: float) -> torch.Tensor:
    # (1 - p^q) / q = -expm1(q log p) / q: no cancellation as q -> 0, where it tends to -log p (cross-entropy)
    return -log_probs if q == 0 else -torch.expm1(q * log_probs) / q


def generalized_cross_entropy_with_logits(
    logits: torch.Tensor,
    target: torch.Tensor,
    *,
    q: float = 0.7,
    weight: torch.Tensor | None = None,
    ignore_index: int = -100,
    label_smoothing: float = 0.0,
    smoothing_convention: str = "uniform",
    class_dim: int = -1,
    reduction: str = "mean",
    validate: bool = True,
) -> torch.Tensor:
    r"""Generalized cross-entropy (Zhang & Sabuncu, 2018): a loss between cross-entropy and MAE, robust to label noise.

    .. math:: \ell_n = \frac{1 - p_{n,y_n}^{\,q}}{q}, \qquad p_n = \mathrm{softmax}(x_n), \qquad
              \frac{\partial \ell}{\partial x} = p_y^{\,q}\, \frac{\partial(-\log p_y)}{\partial x}

    ``q -> 0`` is cross-entropy ``-log p_y`` (``q = 0`` computes exactly that); ``q = 1`` is ``1 - p_y``, the
    mean absolute error against the one-hot row up to a factor 2. The gradient is cross-entropy's scaled by
    ``p_y^q``: an example the model finds unlikely (often a wrong label) pulls with a bounded force instead of
    one that grows without bound as ``p_y -> 0``. ``p^q`` is ``exp(q log p)``, so saturated logits are finite.
    Soft rows give ``sum_c y_c (1 - p_c^q) / q``.

    Args:
        logits: classes on ``class_dim`` (default last); fp16/bf16 are computed in fp32.
        target: integer indices (shape of ``logits`` without ``class_dim``) or one-hot/soft float rows.
        q: in [0, 1]; 0.7 is the paper's choice.
        weight: per-class weights ``(C,)``, with torch's weighted mean for index targets.
        ignore_index: index targets to skip (index targets only).
        label_smoothing, smoothing_convention: as in :func:`categorical_cross_entropy_with_logits`.
        class_dim, reduction, validate: as in :func:`sparse_categorical_cross_entropy_with_logits`.

    Returns:
        A scalar, or the per-row loss for ``"none"``.

    Mismatch:
        Like every softmax loss it models exactly one class per row: multi-hot targets need a sigmoid loss.
        The bounded gradient that resists noise also slows learning from hard clean examples; on clean data
        expect about cross-entropy's accuracy after more epochs.

    Example:
        >>> logits = torch.tensor([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0]])
        >>> generalized_cross_entropy_with_logits(logits, torch.tensor([0, 2]), q=0.7)
        tensor(0.1638)

    References:
        Zhang, Sabuncu. Generalized Cross Entropy Loss for Training Deep Neural Networks with Noisy Labels.
        NeurIPS 2018.

    See also:
        :func:`symmetric_cross_entropy_with_logits`, :func:`sparse_categorical_cross_entropy_with_logits`.
        torch, Keras and optax have no equivalent.
    """
    soft = _is_soft(target)
    if validate:
        dim = _check_inputs("generalized_cross_entropy_with_logits", logits, target, class_dim=class_dim, weight=weight,
                            ignore_index=ignore_index, label_smoothing=label_smoothing, reduction=reduction, soft=soft)
        _check_unit("q", q)
    else:
        dim = class_dim % logits.dim()
    eps = smoothing_as_uniform(label_smoothing, logits.shape[dim], smoothing_convention, validate=validate)
    scores = _class_last(upcast(logits), dim)
    if not soft and not eps:  # only the true class's term is needed
        log_pt, valid, safe_target = _true_class_log_prob(scores, target, ignore_index)
        return _index_loss(_gce_terms(log_pt, q), valid, safe_target, weight, reduction)
    return _combine(_gce_terms(F.log_softmax(scores, dim=-1), q), target, soft, weight, ignore_index, eps, reduction)


def symmetric_cross_entropy_with_logits(
    logits: torch.Tensor,
    target: torch.Tensor,
    *,
    alpha: float = 0.1,
    beta: float = 1.0,
    log_clip: float = -4.0,
    weight: torch.Tensor | None = None,
    ignore_index: int = -100,
    label_smoothing: float = 0.0,
    smoothing_convention: str = "uniform",
    class_dim: int = -1,
    reduction: str = "mean",
    validate: bool = True,
) -> torch.Tensor:
    r"""Symmetric cross-entropy (Wang et al., 2019): cross-entropy plus reverse cross-entropy, robust to label noise.

    .. math:: \ell_n = \alpha\, \Big(-\sum_c y_{n,c} \log p_{n,c}\Big)
              + \beta\, \Big(-\sum_c p_{n,c} \max(\log y_{n,c}, A)\Big)

    The reverse term swaps the roles of prediction and label, with ``log 0`` read as ``A = log_clip``; for a
    one-hot row it is ``-A (1 - p_y)``, bounded like MAE. ``alpha=1, beta=0`` is cross-entropy. The reverse
    term of index targets is computed from ``log p_y`` (``1 - p_y = -expm1(log p_y)``), so it is accurate as
    ``p_y -> 1``. Each row's reverse term is weighted by ``sum_c w_c y_c`` (``w_y`` for index targets).

    Args:
        logits: classes on ``class_dim`` (default last); fp16/bf16 are computed in fp32.
        target: integer indices (shape of ``logits`` without ``class_dim``) or one-hot/soft float rows; with label
            smoothing the reverse term reads the smoothed rows.
        alpha, beta: weights of the cross-entropy and reverse terms, >= 0 (the paper's CIFAR-10 choice: 0.1, 1.0).
        log_clip: ``A < 0``, the value of ``log 0`` (the paper uses -4).
        weight, ignore_index, label_smoothing, smoothing_convention, class_dim, reduction, validate: as in
            :func:`generalized_cross_entropy_with_logits`.

    Returns:
        A scalar, or the per-row loss for ``"none"``.

    Mismatch:
        As for :func:`generalized_cross_entropy_with_logits`: one class per row.

    Example:
        >>> logits = torch.tensor([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0]])
        >>> symmetric_cross_entropy_with_logits(logits, torch.tensor([0, 2]))
        tensor(0.6540)

    References:
        Wang, Ma, Chen, Luo, Yi, Bailey. Symmetric Cross Entropy for Robust Learning with Noisy Labels. ICCV 2019.

    See also:
        :func:`generalized_cross_entropy_with_logits`, :func:`categorical_cross_entropy_with_logits`.
        torch, Keras and optax have no equivalent.
    """
    soft = _is_soft(target)
    if validate:
        dim = _check_inputs("symmetric_cross_entropy_with_logits", logits, target, class_dim=class_dim, weight=weight,
                            ignore_index=ignore_index, label_smoothing=label_smoothing, reduction=reduction, soft=soft)
        for name, value in (("alpha", alpha), ("beta", beta)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value < math.inf:
                raise ConfigError(expected(name, "be a finite float >= 0", repr(value)))
        if isinstance(log_clip, bool) or not isinstance(log_clip, (int, float)) or not -math.inf < log_clip < 0:
            raise ConfigError(expected("log_clip", "be a finite float < 0 (the value of log 0)", repr(log_clip)))
    else:
        dim = class_dim % logits.dim()
    eps = smoothing_as_uniform(label_smoothing, logits.shape[dim], smoothing_convention, validate=validate)
    scores = _class_last(upcast(logits), dim)
    if not soft and not eps:
        log_pt, valid, safe_target = _true_class_log_prob(scores, target, ignore_index)
        reverse = -log_clip * -torch.expm1(log_pt)  # -A (1 - p_y), from log p_y
        return _index_loss(-alpha * log_pt + beta * reverse, valid, safe_target, weight, reduction)
    log_probs = F.log_softmax(scores, dim=-1)
    num_classes = log_probs.shape[-1]
    w = None if weight is None else weight.to(log_probs.dtype)
    y, valid = _smoothed_rows(target, soft, num_classes, ignore_index, eps, log_probs.dtype)
    row_weight = (y * w).sum(-1) if w is not None else y.sum(-1)
    # max(log y, A) = log(max(y, e^A)): no log of 0 and no -inf anywhere
    reverse = -(log_probs.exp() * y.clamp_min(math.exp(log_clip)).log()).sum(-1) * row_weight
    forward = -((y * w if w is not None else y) * log_probs).sum(-1)
    loss = alpha * forward + beta * reverse
    if soft:
        return reduce(loss, reduction)
    denominator = None
    if reduction == "mean":
        safe_target = torch.where(valid, target, 0).long()
        denominator = (w[safe_target] * valid).sum() if w is not None else valid.sum().to(loss.dtype)
    return reduce(loss, reduction, denominator)


def softmax_mse(
    logits: torch.Tensor,
    target: torch.Tensor,
    *,
    weight: torch.Tensor | None = None,
    ignore_index: int = -100,
    label_smoothing: float = 0.0,
    smoothing_convention: str = "uniform",
    class_dim: int = -1,
    reduction: str = "mean",
    validate: bool = True,
) -> torch.Tensor:
    r"""Mean squared error between the softmax probabilities and the target rows (the Brier score over ``C``).

    .. math:: \ell_n = \frac{1}{C} \sum_c w_c\, (p_{n,c} - y_{n,c})^2, \qquad p_n = \mathrm{softmax}(x_n)

    What ``Dense(C, activation="softmax")`` with ``keras.losses.MeanSquaredError()`` computes (and
    ``F.mse_loss(torch.softmax(x, -1), one_hot)``); ``C`` times it is the multi-class Brier score. For index
    targets it is formed without a one-hot row: ``sum_c w_c p_c^2 - 2 w_y p_y + w_y``. ``"mean"`` averages over
    the (non-ignored) rows; the class weights scale each class's squared error, they are not a weighted mean.

    Args:
        logits: classes on ``class_dim`` (default last); fp16/bf16 are computed in fp32.
        target: integer indices or one-hot/soft float rows.
        weight, ignore_index, label_smoothing, smoothing_convention, class_dim, reduction, validate: as in
            :func:`generalized_cross_entropy_with_logits` (``weight`` as above).

    Returns:
        A scalar, or the per-row loss for ``"none"`` (0 where ignored).

    Mismatch:
        The gradient through the softmax vanishes when the model is confidently wrong (``p_y -> 0``), so training
        starts slowly and stalls on hard examples, and the probabilities are less well calibrated than
        cross-entropy's: a proper scoring rule, but a weak push away from 0.

    Example:
        >>> softmax_mse(torch.tensor([[2.0, 0.5, -1.0]]), torch.tensor([0]))
        tensor(0.0261)

    See also:
        :func:`categorical_cross_entropy_with_logits`; keras.losses.MeanSquaredError() on softmax outputs,
        F.mse_loss(torch.softmax(x, -1), one_hot).
    """
    soft = _is_soft(target)
    if validate:
        dim = _check_inputs("softmax_mse", logits, target, class_dim=class_dim, weight=weight, ignore_index=ignore_index,
                            label_smoothing=label_smoothing, reduction=reduction, soft=soft)
    else:
        dim = class_dim % logits.dim()
    eps = smoothing_as_uniform(label_smoothing, logits.shape[dim], smoothing_convention, validate=validate)
    probs = torch.softmax(_class_last(upcast(logits), dim), dim=-1)
    num_classes = probs.shape[-1]
    w = None if weight is None else weight.to(probs.dtype)
    if not soft and not eps:
        p_t, valid, safe_target = _pick(probs, target, ignore_index)
        w_t = w[safe_target] if w is not None else 1.0
        squares = (probs.square() * w).sum(-1) if w is not None else probs.square().sum(-1)
        loss = (squares - 2.0 * w_t * p_t + w_t) / num_classes * valid
    else:
        y, valid = _smoothed_rows(target, soft, num_classes, ignore_index, eps, probs.dtype)
        errors = (probs - y).square()
        loss = (errors * w if w is not None else errors).mean(-1)
        if valid is not None:
            loss = loss * valid
    if reduction == "mean" and valid is not None:
        return reduce(loss, reduction, valid.sum().to(loss.dtype))
    return reduce(loss, reduction)
