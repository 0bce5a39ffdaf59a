"""Hinge losses on raw scores (no activation): multi-class in its two standard forms, and binary for one unit.

A hinge loss asks the true class's score to beat the others by a margin and is 0 once it does; it gives
decision scores, not probabilities, so the log loss and the calibration of a hinge model are not defined.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from lossmatch._validation import (
    check_floating,
    check_positive,
    check_reduction,
    check_same_shape,
    check_tensor,
    count,
    expected,
    show_values,
)
from lossmatch.errors import ConfigError, LossmatchValueError, TargetFormatError
from lossmatch.losses._categorical import _class_last, check_index_inputs, check_scores
from lossmatch.losses._common import reduce, upcast

FORMS = ("weston_watkins", "crammer_singer")


def _check_hinge_options(margin: float, p: int) -> None:
    check_positive("margin", margin)
    if p not in (1, 2) or isinstance(p, bool):
        raise ConfigError(expected("p", "be 1 (hinge) or 2 (squared hinge)", repr(p)))


def _check_one_hot(target: torch.Tensor, scores: torch.Tensor, dim: int) -> None:
    check_same_shape("target", target, "logits", scores)
    ones = target == 1
    zero_or_one = ones | (target == 0)
    per_row = ones.sum(dim=dim)
    if not bool(zero_or_one.all()) or not bool((per_row == 1).all()):
        bad = target[~zero_or_one] if not bool(zero_or_one.all()) else per_row[per_row != 1].to(target.dtype)
        what = "values other than 0 and 1" if not bool(zero_or_one.all()) else "rows without exactly one 1 (counts)"
        raise TargetFormatError(expected("target", "hold class indices or one-hot rows (a hinge loss has no soft-target form)",
                                         f"{count(bad.numel(), 'entry')} with {what} {show_values(bad)}",
                                         "Pass `target.argmax(dim)` for one label per row."))


def multiclass_hinge_loss(
    logits: torch.Tensor,
    target: torch.Tensor,
    *,
    form: str = "weston_watkins",
    margin: float = 1.0,
    p: int = 1,
    weight: torch.Tensor | None = None,
    ignore_index: int = -100,
    class_dim: int = -1,
    reduction: str = "mean",
    validate: bool = True,
) -> torch.Tensor:
    r"""Multi-class hinge loss on raw scores, in its two standard forms.

    .. math:: \text{Weston-Watkins:}\quad \ell_n = \frac{w_{y}}{C} \sum_{c \ne y} \max(0,\ m - x_{y} + x_{c})^p
    .. math:: \text{Crammer-Singer:}\quad \ell_n = w_{y} \max\big(0,\ m + \max_{c \ne y} x_{c} - x_{y}\big)^p

    Weston-Watkins is exactly ``torch.nn.MultiMarginLoss(p, margin, weight)`` (including its division by ``C``
    and a ``"mean"`` that divides by the number of rows, not by the summed weights); Crammer-Singer charges only
    the strongest wrong class (``keras.losses.CategoricalHinge`` is it for ``m = 1`` when some wrong score is
    >= 0: Keras takes the maximum over ``(1 - y) x``, which reads the true class as a score of 0).

    Args:
        logits: raw scores, classes on ``class_dim`` (default last); fp16/bf16 are computed in fp32.
        target: integer class indices (shape of ``logits`` without ``class_dim``) or one-hot float rows.
        form: ``"weston_watkins"`` or ``"crammer_singer"``.
        margin: ``m > 0``.
        p: 1 (hinge) or 2 (squared hinge).
        weight: per-class weights ``(C,)``, scaling each row by its true class's weight.
        ignore_index: index targets to skip; ``"mean"`` divides by the rows kept.
        class_dim, reduction, validate: as in :func:`sparse_categorical_cross_entropy_with_logits`.

    Returns:
        A scalar, or the per-row loss for ``"none"`` (0 where ignored).

    Mismatch:
        Hinge scores are not probabilities: softmax or sigmoid of them is a made-up transform, so the log loss,
        ECE and per-output thresholds of a hinge model are not defined. Multi-label targets need one binary hinge
        per output (:func:`binary_hinge_loss`).

    Example:
        >>> logits = torch.tensor([[2.0, 1.5, -1.0], [0.1, 0.2, 3.0]])
        >>> multiclass_hinge_loss(logits, torch.tensor([0, 1]))
        tensor(0.8667)
        >>> multiclass_hinge_loss(logits, torch.tensor([0, 1]), form="crammer_singer")
        tensor(2.1500)

    References:
        Weston, Watkins. Support Vector Machines for Multi-Class Pattern Recognition. ESANN 1999.
        Crammer, Singer. On the Algorithmic Implementation of Multiclass Kernel-based Vector Machines. JMLR 2001.

    See also:
        :func:`binary_hinge_loss`, torch.nn.MultiMarginLoss, keras.losses.CategoricalHinge, optax.multiclass_hinge_loss.
    """
    soft = isinstance(target, torch.Tensor) and target.is_floating_point()
    if validate:
        dim = check_scores("logits", logits, class_dim, weight, reduction=reduction, label_smoothing=0.0)
        if form not in FORMS:
            raise ConfigError(expected("form", f"be one of {', '.join(map(repr, FORMS))}", repr(form)))
        _check_hinge_options(margin, p)
        check_tensor("target", target)
        if soft:
            _check_one_hot(target, logits, dim)
        else:
            check_index_inputs("logits", logits, target, dim, ignore_index)
    else:
        dim = class_dim % logits.dim()
    x = _class_last(upcast(logits), dim)
    if soft:
        target = _class_last(target, dim).argmax(-1)
    num_classes = x.shape[-1]
    valid = target != ignore_index
    safe_target = torch.where(valid, target, 0).long()
    if form == "weston_watkins":
        # torch's fused kernel has exactly this form (the division by C, p, margin, the weight of the true class)
        loss = F.multi_margin_loss(x.reshape(-1, num_classes), safe_target.reshape(-1), p=p, margin=margin,
                                   weight=None if weight is None else weight.to(x.dtype), reduction="none")
        loss = loss.reshape(safe_target.shape)
    else:
        x_t = x.gather(-1, safe_target.unsqueeze(-1)).squeeze(-1)
        strongest_wrong = x.scatter(-1, safe_target.unsqueeze(-1), -torch.inf).amax(-1)
        hinge = (margin + strongest_wrong - x_t).clamp_min(0.0)
        loss = hinge.square() if p == 2 else hinge
        if weight is not None:
            loss = loss * weight.to(loss.dtype)[safe_target]
    loss = loss * valid
    if reduction == "mean":
        return reduce(loss, reduction, valid.sum().to(loss.dtype))
    return reduce(loss, reduction)


def binary_hinge_loss(
    logits: torch.Tensor,
    target: torch.Tensor,
    *,
    margin: float = 1.0,
    p: int = 1,
    weight: torch.Tensor | None = None,
    reduction: str = "mean",
    validate: bool = True,
) -> torch.Tensor:
    r"""Binary hinge loss of one raw score per output: the linear SVM's loss.

    .. math:: \ell = w \max(0,\ m - s\,x)^p, \qquad s = 2y - 1 \in \{-1, 1\}

    Targets are 0/1 (mapped to -1/1 as Keras does) or -1/1. ``"mean"`` averages over all elements:
    ``keras.losses.Hinge()`` (``p=1``) and ``SquaredHinge()`` (``p=2``) for one output, and the mean over the
    outputs of a row for several.

    Args:
        logits: raw scores ``(*)``; fp16/bf16 are computed in fp32.
        target: same shape, all 0/1 or all -1/1.
        margin, p: as in :func:`multiclass_hinge_loss`.
        weight: element weights broadcast to ``logits``.
        reduction: ``"mean"`` over elements, ``"sum"`` or ``"none"``.
        validate: run the input checks.

    Returns:
        A scalar, or the element-wise loss for ``"none"``.

    Mismatch:
        The score is a margin, not a probability: a sigmoid of it is not calibrated, and log loss and ECE are not
        defined for it.

    Example:
        >>> binary_hinge_loss(torch.tensor([2.0, 0.3, -0.5]), torch.tensor([1.0, 1.0, 0.0]))
        tensor(0.4000)

    See also:
        :func:`multiclass_hinge_loss`, keras.losses.Hinge, keras.losses.SquaredHinge, optax.hinge_loss.
    """
    signed = None
    if validate:
        signed = _check_sign_target(logits, target, weight)
        _check_hinge_options(margin, p)
        check_reduction(reduction)
    x = upcast(logits)
    t = target.to(x.dtype)
    if signed is None:  # form unknown: 1 -> 1, 0 or -1 -> -1 (a scalar torch.where cost 15x more on CPU)
        sign = torch.sign(t - 0.5)
    else:  # the check told the form: -1/1 is the sign itself, 0/1 maps by 2t - 1 in one new tensor
        sign = t if signed else t.mul(2).sub_(1)
    # m - s x in one fused pass; relu's backward is one pass where clamp_min's costs three (1.6x the whole loss on
    # CPU). At the kink (s x == m) relu's subgradient is 0, which is Keras' too.
    loss = torch.addcmul(x.new_full((), margin), sign, x, value=-1).relu()
    loss = loss.square() if p == 2 else loss
    if weight is not None:
        loss = loss * weight.to(loss.dtype)
    return reduce(loss, reduction)


def _check_sign_target(logits: torch.Tensor, target: torch.Tensor, weight: torch.Tensor | None) -> bool:
    """Checks the binary hinge's inputs; returns whether the labels are -1/1 (else 0/1, or all 1)."""
    check_tensor("logits", logits)
    check_floating("logits", logits)
    check_tensor("target", target)
    check_same_shape("target", target, "logits", logits)
    negative = False
    if target.numel():
        values = target.to(torch.int8) if target.dtype == torch.bool else target
        f = (values if values.dtype in (torch.float32, torch.float64) else values.float()).reshape(-1)
        # One host sync over read-only reductions (temporaries and bool masks cost several times the loss on CPU).
        # Within [0, 1], v(1 - v) >= 0 and is 0 only at 0 and 1, and a float sum of non-negative terms is 0 only if
        # every term is, so the dot product is exact. NaN fails through the range check.
        low, high, off01 = torch.stack([*torch.aminmax(f), torch.dot(f, 1 - f)]).tolist()
        negative = low < 0
        if negative:  # -1/1 labels: within [-1, 1], 1 - v^2 is 0 only at -1 and 1 (a second sync, this form only)
            ok = low >= -1 and high <= 1 and torch.dot(1 - f, 1 + f).item() == 0
        else:
            ok = high <= 1 and off01 == 0
        if not ok:
            bad = values[(values != 0) & (values != 1) & (values != -1)]
            shown = f"{count(bad.numel(), 'value')} outside them {show_values(bad)}" if bad.numel() else "a mix of 0 and -1"
            raise LossmatchValueError(expected("target", "hold 0/1 or -1/1 labels", shown))
    if weight is not None:
        check_tensor("weight", weight)
        try:
            torch.broadcast_shapes(weight.shape, logits.shape)
        except RuntimeError:
            raise LossmatchValueError(expected("weight", f"broadcast to logits' shape {tuple(logits.shape)}",
                                               f"shape {tuple(weight.shape)}")) from None
    return negative
