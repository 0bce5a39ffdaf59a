"""Stability: gradcheck in float64, extreme logits, half precision against float64, fuzzed shapes and values."""

import warnings

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import lossmatch as lm


@pytest.fixture
def gen():
    return torch.Generator().manual_seed(2)


def _gradcheck(fn, logits):
    assert torch.autograd.gradcheck(fn, (logits,), eps=1e-6, atol=1e-6)


def test_gradcheck_all_logits_losses(gen):
    logits = torch.randn(4, 5, generator=gen, dtype=torch.float64, requires_grad=True)
    index = torch.tensor([0, 3, -100, 4])
    soft = torch.softmax(torch.randn(4, 5, generator=gen, dtype=torch.float64), -1)
    binary = torch.rand(4, 5, generator=gen, dtype=torch.float64)
    weight = torch.rand(5, generator=gen, dtype=torch.float64) + 0.5
    _gradcheck(lambda x: lm.sparse_categorical_cross_entropy_with_logits(x, index, weight=weight, label_smoothing=0.1, temperature=1.5), logits)
    _gradcheck(lambda x: lm.categorical_cross_entropy_with_logits(x, soft, weight=weight, label_smoothing=0.1), logits)
    _gradcheck(lambda x: lm.binary_cross_entropy_with_logits(x, binary, pos_weight=weight, label_smoothing=0.1), logits)
    _gradcheck(lambda x: lm.sigmoid_focal_loss(x, binary, gamma=1.5, alpha=0.3), logits)
    _gradcheck(lambda x: lm.sigmoid_focal_loss(x, binary.round(), gamma=0.5), logits)
    _gradcheck(lambda x: lm.softmax_focal_loss(x, index, gamma=2.0, alpha=weight / 2), logits)
    _gradcheck(lambda x: lm.softmax_focal_loss(x, soft, gamma=2.0, label_smoothing=0.1), logits)


def test_gradcheck_probs_losses(gen):
    probs = torch.softmax(torch.randn(4, 3, generator=gen, dtype=torch.float64), -1).requires_grad_()
    index = torch.tensor([0, 2, 1, 1])
    one_hot = torch.nn.functional.one_hot(index, 3).double()
    _gradcheck(lambda p: lm.sparse_categorical_cross_entropy(p, index), probs)
    _gradcheck(lambda p: lm.categorical_cross_entropy(p, one_hot, renormalize=True, epsilon=1e-7), probs)
    _gradcheck(lambda p: lm.binary_cross_entropy(p, one_hot, label_smoothing=0.2), probs)


@pytest.mark.parametrize("scale", (1e2, 1e4))
def test_extreme_logits_give_finite_values_and_gradients(gen, scale):
    logits = (torch.randn(8, 6, generator=gen) * scale).requires_grad_()
    index = torch.randint(0, 6, (8,), generator=gen)
    multi_hot = (torch.rand(8, 6, generator=gen) > 0.5).float()
    soft = torch.rand(8, 6, generator=gen)
    calls = [
        lambda x: lm.sparse_categorical_cross_entropy_with_logits(x, index, label_smoothing=0.1),
        lambda x: lm.categorical_cross_entropy_with_logits(x, torch.softmax(soft, -1)),
        lambda x: lm.binary_cross_entropy_with_logits(x, multi_hot, pos_weight=torch.full((6,), 3.0)),
        lambda x: lm.sigmoid_focal_loss(x, soft, gamma=0.5, alpha=0.25),
        lambda x: lm.sigmoid_focal_loss(x, multi_hot, gamma=2.0),
        lambda x: lm.softmax_focal_loss(x, index, gamma=0.5),
        lambda x: lm.softmax_focal_loss(x, torch.softmax(soft, -1), gamma=2.0),
    ]
    for call in calls:
        logits.grad = None
        loss = call(logits)
        loss.backward()
        assert torch.isfinite(loss), call
        assert torch.isfinite(logits.grad).all(), call


def test_extreme_logits_match_float64_reference():
    logits = torch.tensor([[1e4, -1e4, 0.0], [-1e4, 1e4, 30.0]])
    target = torch.tensor([1, 0])
    # true class at -1e4 below the max: loss = 2e4 exactly, in float32 too
    loss = lm.sparse_categorical_cross_entropy_with_logits(logits, target, reduction="none")
    torch.testing.assert_close(loss, torch.tensor([2e4, 2e4]))
    bce = lm.binary_cross_entropy_with_logits(torch.tensor([1e4, -1e4, 1e4]), torch.tensor([0.0, 1.0, 1.0]), reduction="none")
    torch.testing.assert_close(bce, torch.tensor([1e4, 1e4, 0.0]))


@pytest.mark.parametrize("dtype", (torch.float16, torch.bfloat16))
def test_half_precision_is_computed_in_float32(gen, dtype):
    logits64 = torch.randn(64, 10, generator=gen, dtype=torch.float64) * 5
    logits = logits64.to(dtype)
    reference = logits.double()  # the same rounded inputs, in float64
    index = torch.randint(0, 10, (64,), generator=gen)
    multi_hot = (torch.rand(64, 10, generator=gen) > 0.7)
    pairs = [
        (lambda x: lm.sparse_categorical_cross_entropy_with_logits(x, index, label_smoothing=0.1)),
        (lambda x: lm.binary_cross_entropy_with_logits(x, multi_hot)),
        (lambda x: lm.softmax_focal_loss(x, index)),
        (lambda x: lm.sigmoid_focal_loss(x, multi_hot)),
    ]
    for fn in pairs:
        half = logits.clone().requires_grad_()
        loss = fn(half)
        assert loss.dtype == torch.float32
        loss.backward()
        assert half.grad.dtype == dtype and torch.isfinite(half.grad.float()).all()
        ref = reference.clone().requires_grad_()
        expected = fn(ref)
        expected.backward()
        torch.testing.assert_close(loss.double(), expected, rtol=1e-6, atol=1e-6)
        grad_tol = 1e-3 if dtype == torch.float16 else 1e-2
        torch.testing.assert_close(half.grad.double(), ref.grad, rtol=grad_tol, atol=grad_tol * ref.grad.abs().max().item())


@settings(max_examples=60, deadline=None)
@given(
    batch=st.integers(1, 6),
    classes=st.integers(2, 7),
    extra=st.lists(st.integers(1, 3), max_size=2),
    scale=st.sampled_from([1e-3, 1.0, 30.0, 1e3]),
    smoothing=st.sampled_from([0.0, 0.1]),
    seed=st.integers(0, 2**31 - 1),
)
def test_fuzz_sparse_matches_torch_over_shapes(batch, classes, extra, scale, smoothing, seed):
    gen = torch.Generator().manual_seed(seed)
    logits = torch.randn(batch, classes, *extra, generator=gen, dtype=torch.float64) * scale
    target = torch.randint(0, classes, (batch, *extra), generator=gen)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", lm.LossInputWarning)
        ours = lm.sparse_categorical_cross_entropy_with_logits(logits, target, class_dim=1, label_smoothing=smoothing)
    expected = torch.nn.functional.cross_entropy(logits, target, label_smoothing=smoothing)
    torch.testing.assert_close(ours, expected)


@settings(max_examples=60, deadline=None)
@given(
    shape=st.lists(st.integers(1, 5), min_size=1, max_size=3),
    scale=st.sampled_from([1e-2, 1.0, 50.0, 1e4]),
    seed=st.integers(0, 2**31 - 1),
    gamma=st.sampled_from([0.0, 0.5, 2.0]),
)
def test_fuzz_binary_losses_finite_and_match_torch(shape, scale, seed, gamma):
    gen = torch.Generator().manual_seed(seed)
    logits = (torch.randn(*shape, generator=gen, dtype=torch.float64) * scale).requires_grad_()
    target = torch.rand(*shape, generator=gen, dtype=torch.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", lm.LossInputWarning)
        ours = lm.binary_cross_entropy_with_logits(logits, target).detach()
        focal = lm.sigmoid_focal_loss(logits, target, gamma=gamma)
    torch.testing.assert_close(ours, torch.nn.functional.binary_cross_entropy_with_logits(logits, target))
    focal.backward()
    assert torch.isfinite(focal) and torch.isfinite(logits.grad).all()
    assert focal.item() <= ours.item() * (1 + 1e-12) + 1e-12  # the focal factor is at most 1 (gamma=0: equal up to rounding)


def test_bce_gradients_flow_to_soft_targets_and_second_order(gen):
    logits = torch.randn(5, 3, generator=gen, dtype=torch.float64, requires_grad=True)
    teacher = torch.rand(5, 3, generator=gen, dtype=torch.float64, requires_grad=True)
    pos_weight = torch.rand(3, generator=gen, dtype=torch.float64) * 3
    # distillation: the soft targets need gradients too
    assert torch.autograd.gradcheck(lambda x, y: lm.binary_cross_entropy_with_logits(x, y, pos_weight=pos_weight), (logits, teacher))
    # the closed-form backward is itself differentiable
    assert torch.autograd.gradgradcheck(lambda x: lm.binary_cross_entropy_with_logits(x, teacher.detach(), pos_weight=pos_weight), (logits,))
    assert torch.autograd.gradgradcheck(lambda x: lm.binary_cross_entropy_with_logits(x, teacher.detach()), (logits,))


# ------------------------------------------------------------------- terms that contribute nothing: gradient 0
@pytest.mark.parametrize("smoothing", [0.0, 0.1])
def test_all_ignored_mean_is_nan_with_zero_gradient_like_torch(gen, smoothing):
    logits = torch.randn(4, 3, generator=gen, dtype=torch.float64, requires_grad=True)
    ignored = torch.full((4,), -100)
    for loss in (lm.sparse_categorical_cross_entropy_with_logits(logits, ignored, label_smoothing=smoothing),
                 lm.softmax_focal_loss(logits, ignored, label_smoothing=smoothing)):
        (grad,) = torch.autograd.grad(loss, logits)
        assert torch.isnan(loss)
        assert torch.equal(grad, torch.zeros_like(logits))
    reference = torch.nn.functional.cross_entropy(logits, ignored, label_smoothing=smoothing)
    assert torch.isnan(reference)
    assert torch.equal(torch.autograd.grad(reference, logits)[0], torch.zeros_like(logits))


def test_zero_weights_mean_has_zero_gradient():
    logits = torch.randn(4, 3, dtype=torch.float64, requires_grad=True)
    loss = lm.sparse_categorical_cross_entropy_with_logits(logits, torch.zeros(4, dtype=torch.long), label_smoothing=0.1,
                                                           weight=torch.tensor([0.0, 1.0, 1.0], dtype=torch.float64))
    assert torch.isnan(loss)
    assert torch.equal(torch.autograd.grad(loss, logits)[0], torch.zeros_like(logits))


def test_partly_ignored_mean_still_passes_gradcheck(gen):
    logits = torch.randn(4, 5, generator=gen, dtype=torch.float64, requires_grad=True)
    index = torch.tensor([-100, 3, -100, -100])
    _gradcheck(lambda x: lm.sparse_categorical_cross_entropy_with_logits(x, index, label_smoothing=0.2), logits)
    _gradcheck(lambda x: lm.softmax_focal_loss(x, index, gamma=2.0, label_smoothing=0.2), logits)


def test_probs_with_exact_zeros_give_finite_gradients_and_torch_values():
    probs = torch.tensor([[1.0, 0.0, 0.0], [0.2, 0.0, 0.8]], dtype=torch.float64, requires_grad=True)
    one_hot = torch.tensor([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]], dtype=torch.float64)
    index = torch.tensor([0, 1])
    cases = [
        (lm.categorical_cross_entropy(probs, one_hot), -(one_hot * probs.log().clamp_min(-100)).sum(-1).mean()),
        (lm.sparse_categorical_cross_entropy(probs, index), torch.nn.functional.nll_loss(probs.log().clamp_min(-100), index)),
        (lm.sparse_categorical_cross_entropy(probs, index, label_smoothing=0.1),
         torch.nn.functional.nll_loss(probs.log().clamp_min(-100), index) * 0.9
         - 0.1 / 3 * probs.log().clamp_min(-100).sum(-1).mean()),
    ]
    for loss, reference in cases:
        (grad,) = torch.autograd.grad(loss, probs)
        assert torch.isfinite(grad).all()
        assert torch.allclose(loss, reference.detach(), rtol=1e-12, atol=0)
    (grad,) = torch.autograd.grad(lm.categorical_cross_entropy(probs[:1], one_hot[:1]), probs)
    assert grad[0].tolist() == [-1.0, 0.0, 0.0]  # the p = 0 classes do not contribute
    (grad,) = torch.autograd.grad(lm.sparse_categorical_cross_entropy(probs, index), probs)
    assert grad[1].tolist() == [0.0, 0.0, 0.0]  # true class at p = 0: clamped at -100, as torch's value
