"""Hinge losses: Weston-Watkins against torch's MultiMarginLoss, Crammer-Singer and binary hinge against their formulas."""

import pytest
import torch
import torch.nn.functional as F

import lossmatch as lm
import lossmatch.nn as lnn
from lossmatch.errors import ConfigError, LossmatchValueError, TargetFormatError

GEN = torch.Generator().manual_seed(11)
LOGITS = torch.randn(10, 4, generator=GEN, dtype=torch.float64) * 1.5
INDEX = torch.randint(0, 4, (10,), generator=GEN)
ONE_HOT = F.one_hot(INDEX, 4).double()
WEIGHT = torch.rand(4, generator=GEN, dtype=torch.float64) + 0.5


def _close(a, b, tol=1e-10):
    torch.testing.assert_close(a, b, rtol=tol, atol=tol)


@pytest.mark.parametrize("p", (1, 2))
@pytest.mark.parametrize("margin", (1.0, 0.5))
@pytest.mark.parametrize("reduction", ("mean", "sum", "none"))
@pytest.mark.parametrize("weighted", (False, True))
def test_weston_watkins_is_torch_multi_margin_loss(p, margin, reduction, weighted):
    weight = WEIGHT if weighted else None
    expected = torch.nn.MultiMarginLoss(p=p, margin=margin, weight=weight, reduction=reduction)(LOGITS, INDEX)
    _close(lm.multiclass_hinge_loss(LOGITS, INDEX, p=p, margin=margin, weight=weight, reduction=reduction), expected)
    _close(lm.multiclass_hinge_loss(LOGITS, ONE_HOT, p=p, margin=margin, weight=weight, reduction=reduction), expected)


def test_crammer_singer_charges_the_strongest_wrong_class():
    x_true = LOGITS.gather(1, INDEX[:, None]).squeeze(1)
    wrong = LOGITS.masked_fill(ONE_HOT.bool(), -float("inf")).amax(1)
    expected = (1.0 + wrong - x_true).clamp_min(0) * WEIGHT[INDEX]
    _close(lm.multiclass_hinge_loss(LOGITS, INDEX, form="crammer_singer", weight=WEIGHT, reduction="none"), expected)
    _close(lm.multiclass_hinge_loss(LOGITS, INDEX, form="crammer_singer", p=2),
           ((1.0 + wrong - x_true).clamp_min(0) ** 2).mean())


def test_ignored_rows_cost_nothing_and_leave_the_mean():
    target = INDEX.clone()
    target[[0, 3]] = -100
    rows = lm.multiclass_hinge_loss(LOGITS, target, reduction="none")
    assert (rows[[0, 3]] == 0).all()
    kept = target != -100
    _close(lm.multiclass_hinge_loss(LOGITS, target), torch.nn.MultiMarginLoss()(LOGITS[kept], target[kept]))


@pytest.mark.parametrize("form", ("weston_watkins", "crammer_singer"))
def test_gradcheck_and_extremes(form):
    x = LOGITS[:5].clone().requires_grad_()
    assert torch.autograd.gradcheck(lambda z: lm.multiclass_hinge_loss(z, INDEX[:5], form=form, p=2, weight=WEIGHT), (x,))
    for scale in (1e2, 1e4):
        big = (torch.randn(10, 4, generator=GEN) * scale).requires_grad_()
        loss = lm.multiclass_hinge_loss(big, INDEX, form=form)
        (grad,) = torch.autograd.grad(loss, big)
        assert torch.isfinite(loss) and torch.isfinite(grad).all()
    half = lm.multiclass_hinge_loss(LOGITS.half(), INDEX, form=form)
    assert half.dtype == torch.float32
    _close(half.double(), lm.multiclass_hinge_loss(LOGITS.half().double(), INDEX, form=form), tol=1e-5)


def test_binary_hinge_takes_zero_one_or_minus_one_one_targets():
    x = torch.tensor([2.0, 0.3, -0.5, 1.5], dtype=torch.float64)
    y = torch.tensor([1.0, 1.0, 0.0, 0.0], dtype=torch.float64)
    expected = (1 - (2 * y - 1) * x).clamp_min(0)
    _close(lm.binary_hinge_loss(x, y, reduction="none"), expected)
    _close(lm.binary_hinge_loss(x, 2 * y - 1, reduction="none"), expected)
    _close(lm.binary_hinge_loss(x, y.long(), p=2), (expected ** 2).mean())
    assert torch.autograd.gradcheck(lambda z: lm.binary_hinge_loss(z, y, p=2), (x.clone().requires_grad_(),))


@pytest.mark.parametrize("validate", (True, False))
@pytest.mark.parametrize("form", ("zero_one", "minus_one_one", "bool"))
def test_binary_hinge_gradient_is_minus_sign_inside_the_margin_and_zero_at_the_kink(validate, form):
    x = torch.tensor([2.0, 0.3, -0.5, 1.5, 1.0, -1.0], dtype=torch.float64, requires_grad=True)
    y = torch.tensor([1, 1, 0, 0, 1, 0])
    target = {"zero_one": y.double(), "minus_one_one": 2 * y.double() - 1, "bool": y.bool()}[form]
    (grad,) = torch.autograd.grad(lm.binary_hinge_loss(x, target, reduction="sum", validate=validate), x)
    # inside the margin (s x < 1) the gradient is -s; outside it and at the kink s x == 1 (the last two) it is 0
    _close(grad, torch.tensor([0.0, -1.0, 1.0, 1.0, 0.0, 0.0], dtype=torch.float64))


def test_validation():
    with pytest.raises(TargetFormatError, match="Expected `target` to hold class indices or one-hot rows"):
        lm.multiclass_hinge_loss(LOGITS, torch.softmax(LOGITS, -1))
    with pytest.raises(TargetFormatError, match=r"Expected `target` to hold class indices in \[0, 3\]"):
        lm.multiclass_hinge_loss(LOGITS, INDEX + 4)
    with pytest.raises(ConfigError, match="Expected `form` to be one of 'weston_watkins', 'crammer_singer'"):
        lm.multiclass_hinge_loss(LOGITS, INDEX, form="ww")
    with pytest.raises(ConfigError, match=r"Expected `p` to be 1 \(hinge\) or 2"):
        lm.multiclass_hinge_loss(LOGITS, INDEX, p=3)
    with pytest.raises(ConfigError, match="Expected `margin` to be a finite float > 0"):
        lm.binary_hinge_loss(LOGITS, ONE_HOT, margin=0.0)
    with pytest.raises(LossmatchValueError, match="Expected `target` to hold 0/1 or -1/1 labels, but got a mix"):
        lm.binary_hinge_loss(torch.zeros(3), torch.tensor([0.0, -1.0, 1.0]))
    with pytest.raises(LossmatchValueError, match="but got 1 value outside them"):
        lm.binary_hinge_loss(torch.zeros(3), torch.tensor([0.0, 0.5, 1.0]))
    with pytest.raises(TargetFormatError, match="Expected `target` to have the same shape"):
        lm.binary_hinge_loss(torch.zeros(3), torch.tensor([0.0, 1.0]))


@pytest.mark.parametrize("odd", [0.999, 1e-30, 0.5, float("nan"), 1.5, -0.5, 2.0])
@pytest.mark.parametrize("ones", [0, 1])
def test_one_odd_target_among_many_is_found(odd, ones):
    # a single soft value among a million labels: a float sum that rounds it away would let it through
    target = torch.full((1_000_000,), float(ones))
    target[123_456] = odd
    with pytest.raises(LossmatchValueError, match="but got 1 value outside them"):
        lm.binary_hinge_loss(torch.zeros_like(target), target)
    signs = 2 * target - 1
    signs[123_456] = odd
    with pytest.raises(LossmatchValueError, match="hold 0/1 or -1/1 labels"):
        lm.binary_hinge_loss(torch.zeros_like(target), signs)


@pytest.mark.parametrize("dtype", [torch.bool, torch.int64, torch.float16, torch.float64])
def test_label_dtypes_are_accepted(dtype):
    target = torch.tensor([0, 1, 1, 0]).to(dtype)
    x = torch.tensor([0.5, -0.5, 2.0, -3.0])
    _close(lm.binary_hinge_loss(x, target), torch.tensor((1.5 + 1.5 + 0 + 0) / 4, dtype=torch.float32))


def test_modules():
    _close(lnn.MulticlassHingeLoss(form="crammer_singer")(LOGITS, INDEX),
           lm.multiclass_hinge_loss(LOGITS, INDEX, form="crammer_singer"))
    _close(lnn.BinaryHingeLoss(margin=2.0)(LOGITS, ONE_HOT), lm.binary_hinge_loss(LOGITS, ONE_HOT, margin=2.0))
