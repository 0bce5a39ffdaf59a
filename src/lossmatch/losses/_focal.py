"""Focal losses: cross-entropy scaled by ``(1 - p_t)^gamma`` so easy examples count less.

The factor is formed from log-probabilities (``log(1 - p_t)`` never subtracts two probabilities), so it is
accurate where ``p_t`` is close to 1 and its gradient stays finite for any ``gamma >= 0``. With ``gamma = 0``
and no ``alpha`` both losses are exactly their cross-entropy siblings.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from lossmatch._validation import (
    check_positive,
    check_unit_interval,
    check_weight,
    expected,
)
from lossmatch.errors import ConfigError, LossmatchValueError
from lossmatch.losses._binary import _check_binary_inputs, _smooth_binary
from lossmatch.losses._categorical import (
    _class_last,
    _pick,
    check_index_inputs,
    check_scores,
    check_soft_target,
)
from lossmatch.losses._common import check_common_options, reduce, smoothing_as_uniform, upcast, warn_if_probabilities


def _check_focal_options(gamma: float, alpha: float | torch.Tensor | None, size: int, what: str) -> None:
    check_positive("gamma", gamma, allow_zero=True)
    if alpha is None:
        return
    if isinstance(alpha, torch.Tensor):
        check_weight("alpha", alpha, size, what)
        check_unit_interval("alpha", alpha)
    elif isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not 0.0 <= alpha <= 1.0:
        raise ConfigError(expected("alpha", f"be None, a float in [0, 1] or a ({size},) tensor", repr(alpha)))


def _focal_factor(log_one_minus_pt: torch.Tensor, gamma: float) -> torch.Tensor | float:
    # (1 - p_t)^gamma = exp(gamma * log(1 - p_t)); gamma = 0 is exactly 1 (no 0 * inf in the gradient).
    return 1.0 if gamma == 0 else torch.exp(gamma * log_one_minus_pt)


def _log1m_exp(log_p: torch.Tensor) -> torch.Tensor:
    """``log(1 - p)`` from ``log p``: ``1 - p = -expm1(log p)`` has no cancellation near p = 1."""
    return torch.log((-torch.expm1(log_p)).clamp_min(torch.finfo(log_p.dtype).tiny))


def sigmoid_focal_loss(
    logits: torch.Tensor,
    target: torch.Tensor,
    *,
    gamma: float = 2.0,
    alpha: float | torch.Tensor | None = None,
    weight: torch.Tensor | None = None,
    label_smoothing: float = 0.0,
    smoothing_convention: str = "uniform",
    reduction: str = "mean",
    validate: bool = True,
) -> torch.Tensor:
    r"""Sigmoid focal loss (Lin et al., 2017): BCE scaled by :math:`(1 - p_t)^\gamma`.

    .. math:: \ell = w\,\alpha_t\,(1 - p_t)^\gamma\,\mathrm{BCE}(x, y), \qquad
              1 - p_t = y\,\sigma(-x) + (1 - y)\,\sigma(x), \qquad \alpha_t = \alpha y + (1 - \alpha)(1 - y)

    :math:`\log(1 - p_t) = \log\sigma(x) - x y` for 0/1 targets and
    :math:`\log\sigma(x) + \mathrm{logaddexp}(\log y - x, \log(1 - y))` for soft ones: no probability is
    subtracted from 1.

    Args:
        logits: raw scores ``(*)``; fp16/bf16 are computed in fp32.
        target: same shape, 0/1 or soft in [0, 1].
        gamma: focusing parameter >= 0; 0 gives BCE.
        alpha: ``None`` (no balancing), a float in [0, 1] weighting the positives (torchvision and Keras use
            0.25), or a per-label ``(C,)`` tensor.
        weight: element weights broadcast to ``logits``.
        label_smoothing: targets become ``y (1 - eps) + eps / 2`` (Keras), applied before ``p_t``.
        smoothing_convention: ``"uniform"`` (the line above) or ``"others"`` (``y (1 - 2 eps) + eps``).
        reduction: ``"mean"`` over elements, ``"sum"`` or ``"none"``.
        validate: run the input checks.

    Returns:
        A scalar, or the element-wise loss for ``"none"``.

    Mismatch:
        As for :func:`binary_cross_entropy_with_logits`: probabilities passed as logits are warned about, and on
        single-label data a softmax loss is the matched choice.

    Example:
        >>> sigmoid_focal_loss(torch.tensor([3.0, -1.0]), torch.tensor([1.0, 1.0]), gamma=2.0)
        tensor(0.3510)

    References:
        Lin, Goyal, Girshick, He, Dollar. Focal Loss for Dense Object Detection. ICCV 2017.

    See also:
        :func:`softmax_focal_loss`, torchvision.ops.sigmoid_focal_loss,
        keras.losses.BinaryFocalCrossentropy(from_logits=True, apply_class_balancing=True).
    """
    if validate:
        _check_binary_inputs("logits", logits, target, weight)
        check_common_options(reduction=reduction, label_smoothing=label_smoothing)
        _check_focal_options(gamma, alpha, logits.shape[-1] if logits.dim() else 1, "label")
        warn_if_probabilities(logits, loss="sigmoid_focal_loss", class_dim=None)
    x = upcast(logits)
    label_smoothing = smoothing_as_uniform(label_smoothing, 2, smoothing_convention, validate=validate)
    y = _smooth_binary(target.to(x.dtype), label_smoothing)
    log_sigmoid = F.logsigmoid(x)
    xy = x * y
    loss = x - xy - log_sigmoid  # BCE with logits: (1 - y) x - log sigmoid(x)
    if gamma != 0:
        soft = label_smoothing > 0 or (y.is_floating_point() and bool(((y > 0) & (y < 1)).any()))
        if soft:
            log_one_minus_pt = log_sigmoid + torch.logaddexp(torch.log(y) - x, torch.log1p(-y))
        else:
            log_one_minus_pt = log_sigmoid - xy  # y=1: log sigmoid(-x); y=0: log sigmoid(x)
        loss = loss * _focal_factor(log_one_minus_pt, gamma)
    if alpha is not None:
        alpha_pos = alpha.to(x.dtype) if isinstance(alpha, torch.Tensor) else alpha
        loss = loss * ((1.0 - alpha_pos) + (2.0 * alpha_pos - 1.0) * y)  # alpha y + (1 - alpha)(1 - y)
    if weight is not None:
        loss = loss * weight.to(loss.dtype)
    return reduce(loss, reduction)


def softmax_focal_loss(
    logits: torch.Tensor,
    target: torch.Tensor,
    *,
    gamma: float = 2.0,
    alpha: float | torch.Tensor | None = None,
    weight: torch.Tensor | None = None,
    ignore_index: int = -100,
    label_smoothing: float = 0.0,
    smoothing_convention: str = "uniform",
    class_dim: int = -1,
    reduction: str = "mean",
    validate: bool = True,
) -> torch.Tensor:
    r"""Softmax focal loss: cross-entropy with each class term scaled by :math:`\alpha_c (1 - p_c)^\gamma`.

    .. math:: \ell_n = -\sum_c w_c\,\alpha_c\,(1 - p_{n,c})^\gamma\, y_{n,c} \log p_{n,c}

    For index targets this is :math:`-w_t \alpha_t (1 - p_t)^\gamma \log p_t`. Targets may be integer indices
    (like ``F.cross_entropy``; ``ignore_index`` applies, ``"mean"`` divides by the summed ``w_t``) or one-hot/soft
    float rows (``"mean"`` divides by the number of rows; ``ignore_index`` is not allowed). Label smoothing turns
    index targets into smoothed one-hot rows (Keras' CategoricalFocalCrossentropy convention).

    Args:
        logits: classes on ``class_dim`` (default last); fp16/bf16 are computed in fp32.
        target: integer indices (shape of ``logits`` without ``class_dim``) or float rows (shape of ``logits``).
        gamma: focusing parameter >= 0; 0 with ``alpha=None`` is exactly sparse/categorical cross-entropy.
        alpha: ``None``, a float (Keras uses 0.25) or a per-class ``(C,)`` tensor.
        weight: per-class weights ``(C,)``, with torch's weighted mean.
        ignore_index, label_smoothing, smoothing_convention, class_dim, reduction, validate: as in
            :func:`sparse_categorical_cross_entropy_with_logits`.

    Returns:
        A scalar, or the per-row loss for ``"none"``.

    Mismatch:
        As for :func:`sparse_categorical_cross_entropy_with_logits`; with multi-hot rows softmax can make at
        most one label likely, whatever the focusing.

    Example:
        >>> softmax_focal_loss(torch.tensor([[2.0, 0.5, -1.0]]), torch.tensor([0]), gamma=2.0)
        tensor(0.0111)

    References:
        Lin et al., ICCV 2017; keras.losses.CategoricalFocalCrossentropy.

    See also:
        :func:`sigmoid_focal_loss`, :func:`sparse_categorical_cross_entropy_with_logits`.
    """
    soft = isinstance(target, torch.Tensor) and target.is_floating_point()
    if validate:
        dim = check_scores("logits", logits, class_dim, weight, reduction=reduction, label_smoothing=label_smoothing)
        if soft:
            if ignore_index != -100:
                raise LossmatchValueError(expected("ignore_index", "be left at -100 with one-hot or soft targets "
                                                   "(there is no index to ignore)", str(ignore_index),
                                                   "Give a zero row or a 0 in `weight` to drop rows or classes."))
            check_soft_target("logits", logits, target, dim)
        else:
            check_index_inputs("logits", logits, target, dim, ignore_index)
        _check_focal_options(gamma, alpha, logits.shape[dim], "class")
        warn_if_probabilities(logits, loss="softmax_focal_loss", class_dim=dim)
    else:
        dim = class_dim % logits.dim()
    label_smoothing = smoothing_as_uniform(label_smoothing, logits.shape[dim], smoothing_convention, validate=validate)
    log_probs = F.log_softmax(_class_last(upcast(logits), dim), dim=-1)
    num_classes = log_probs.shape[-1]
    class_scale = weight.to(log_probs.dtype) if weight is not None else None
    if isinstance(alpha, torch.Tensor):
        alpha_vector = alpha.to(log_probs.dtype)
        class_scale = alpha_vector if class_scale is None else class_scale * alpha_vector
    elif alpha is not None:
        class_scale = torch.full((num_classes,), float(alpha), dtype=log_probs.dtype, device=log_probs.device) \
            if class_scale is None else class_scale * alpha

    if not soft and not label_smoothing:
        log_pt, valid, safe_target = _pick(log_probs, target, ignore_index)
        loss = -log_pt * _focal_factor(_log1m_exp(log_pt), gamma)
        if class_scale is not None:
            loss = loss * class_scale[safe_target]
        loss = loss * valid
        return reduce(loss, reduction, _index_denominator(weight, safe_target, valid, log_probs) if reduction == "mean" else None)

    if soft:
        y = _class_last(target, dim).to(log_probs.dtype)
        valid = None
    else:
        valid = target != ignore_index
        safe_target = torch.where(valid, target, 0).long()
        y = F.one_hot(safe_target, num_classes).to(log_probs.dtype) * valid.unsqueeze(-1)
    if label_smoothing:
        y = y * (1.0 - label_smoothing) + label_smoothing / num_classes
        if valid is not None:
            y = y * valid.unsqueeze(-1)
    terms = -y * log_probs * _focal_factor(_log1m_exp(log_probs), gamma)
    if class_scale is not None:
        terms = terms * class_scale
    loss = terms.sum(-1)
    if reduction == "mean" and valid is not None:
        return reduce(loss, reduction, _index_denominator(weight, safe_target, valid, log_probs))
    return reduce(loss, reduction)


def _index_denominator(weight: torch.Tensor | None, safe_target: torch.Tensor, valid: torch.Tensor,
                       like: torch.Tensor) -> torch.Tensor:
    """torch's weighted mean: the summed class weights of the non-ignored targets."""
    row_weight = valid.to(like.dtype)
    if weight is not None:
        row_weight = row_weight * weight.to(like.dtype)[safe_target]
    return row_weight.sum()
