"""linear_cross_entropy equals the naive F.cross_entropy(hidden @ weight.T + bias) in value and gradients."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

import lossmatch
from lossmatch import linear_cross_entropy
from lossmatch.errors import ConfigError, LossmatchTypeError, LossmatchValueError, TargetFormatError
from lossmatch.nn import LinearCrossEntropy

V, D = 37, 8  # V is not a multiple of any block size used below


def _naive(hidden, weight, target, *, bias=None, class_weight=None, **options):
    logits = hidden @ weight.T + (0 if bias is None else bias)
    loss = F.cross_entropy(logits.reshape(-1, weight.shape[0]), target.reshape(-1), weight=class_weight, **options)
    return loss.reshape(target.shape) if options.get("reduction") == "none" else loss


def _problem(dtype=torch.float32, *, bias=True, shape=(3, 7), seed=0):
    generator = torch.Generator().manual_seed(seed)
    hidden = torch.randn(*shape, D, generator=generator, dtype=dtype).requires_grad_()
    weight = (torch.randn(V, D, generator=generator, dtype=dtype) * 0.5).requires_grad_()
    b = torch.randn(V, generator=generator, dtype=dtype).requires_grad_() if bias else None
    target = torch.randint(0, V, shape, generator=generator)
    target.view(-1)[[2, target.numel() - 1]] = -100  # ignored rows
    return hidden, weight, b, target


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.15])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("chunk_size", [1, 4, 64])
def test_loss_and_gradients_equal_the_naive_computation(reduction, label_smoothing, weighted, bias, chunk_size):
    hidden, weight, b, target = _problem(bias=bias)
    class_weight = torch.rand(V, generator=torch.Generator().manual_seed(1)) + 0.2 if weighted else None
    options = dict(reduction=reduction, label_smoothing=label_smoothing)
    ours = linear_cross_entropy(hidden, weight, target, bias=b, class_weight=class_weight, chunk_size=chunk_size, **options)
    naive = _naive(hidden, weight, target, bias=b, class_weight=class_weight, **options)
    torch.testing.assert_close(ours, naive, rtol=1e-5, atol=1e-6)
    inputs = [t for t in (hidden, weight, b) if t is not None]
    upstream = torch.randn_like(naive)
    for got, want in zip(torch.autograd.grad(ours, inputs, upstream), torch.autograd.grad(naive, inputs, upstream)):
        torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-6)


def test_only_the_inputs_that_need_gradients_get_them():
    hidden, weight, b, target = _problem()
    weight.requires_grad_(False)
    loss = linear_cross_entropy(hidden, weight, target, bias=b, chunk_size=5)
    loss.backward()
    assert weight.grad is None and hidden.grad is not None and b.grad is not None
    assert torch.equal(hidden.grad.reshape(-1, D)[[2, 20]], torch.zeros(2, D))  # ignored rows get no gradient


def test_no_grad_forward_and_memory_budget_give_the_same_loss():
    hidden, weight, b, target = _problem()
    with torch.no_grad():
        small = linear_cross_entropy(hidden, weight, target, bias=b, memory_budget=V * 4 * 3)  # 3 rows per block
        default = linear_cross_entropy(hidden, weight, target, bias=b)
    torch.testing.assert_close(small, default)
    torch.testing.assert_close(default, _naive(hidden, weight, target, bias=b))


def test_second_backward_recomputes_the_same_gradients():
    hidden, weight, b, target = _problem(torch.float64)
    loss = linear_cross_entropy(hidden, weight, target, bias=b, label_smoothing=0.1, chunk_size=4)
    first = torch.autograd.grad(loss, [hidden, weight, b], retain_graph=True)
    second = torch.autograd.grad(loss, [hidden, weight, b])
    for a, c in zip(first, second):
        assert torch.equal(a, c)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_gradcheck_float64(reduction):
    hidden, weight, b, target = _problem(torch.float64, shape=(6,))
    class_weight = torch.rand(V, dtype=torch.float64, generator=torch.Generator().manual_seed(2)) + 0.1

    def fn(h, w, bias):
        return linear_cross_entropy(h, w, target, bias=bias, class_weight=class_weight, label_smoothing=0.2,
                                    reduction=reduction, chunk_size=4)

    assert torch.autograd.gradcheck(fn, (hidden, weight, b))


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_low_precision_inputs_are_computed_in_fp32(dtype):
    hidden, weight, b, target = _problem(torch.float64, shape=(64,))
    low = [t.detach().to(dtype).requires_grad_() for t in (hidden, weight, b)]
    reference = [t.detach().to(dtype).double().requires_grad_() for t in (hidden, weight, b)]  # same rounded inputs
    ours = linear_cross_entropy(*low[:2], target, bias=low[2], chunk_size=10)
    want = _naive(*reference[:2], target, bias=reference[2])
    assert ours.dtype == torch.float32
    torch.testing.assert_close(ours.double(), want, rtol=1e-5, atol=1e-6)
    ours.backward()
    want.backward()
    tolerance = 1e-2 if dtype == torch.bfloat16 else 2e-3  # gradients are returned in the input dtype
    for got, ref in zip(low, reference):
        assert got.grad.dtype == dtype
        torch.testing.assert_close(got.grad.double(), ref.grad, rtol=tolerance, atol=tolerance * 1e-2)


def test_extreme_logits_stay_finite():
    hidden = torch.tensor([[1e3, 0.0], [-1e3, 5.0]], requires_grad=True)
    weight = torch.tensor([[50.0, 0.0], [-50.0, 1.0], [0.0, 0.0]], requires_grad=True)
    target = torch.tensor([1, 0])
    loss = linear_cross_entropy(hidden, weight, target)
    loss.backward()
    naive = _naive(hidden.detach().double(), weight.detach().double(), target)
    torch.testing.assert_close(loss.double(), naive, rtol=1e-6, atol=0)
    assert torch.isfinite(hidden.grad).all() and torch.isfinite(weight.grad).all()


def test_all_rows_ignored_follows_torch():
    hidden, weight, b, _ = _problem()
    target = torch.full((3, 7), -100)
    assert torch.isnan(linear_cross_entropy(hidden, weight, target)).item()  # 0 / 0, as F.cross_entropy
    assert linear_cross_entropy(hidden, weight, target, reduction="sum").item() == 0.0
    loss = linear_cross_entropy(hidden, weight, target, reduction="sum")
    loss.backward()
    assert torch.count_nonzero(hidden.grad) == 0


def test_module_owns_the_classifier():
    torch.manual_seed(0)
    head = LinearCrossEntropy(D, V, label_smoothing=0.1, chunk_size=3)
    hidden = torch.randn(5, D)
    target = torch.tensor([0, 5, 36, -100, 2])
    loss = head(hidden, target)
    torch.testing.assert_close(loss, F.cross_entropy(head.logits(hidden), target, label_smoothing=0.1))
    loss.backward()
    assert head.weight.grad is not None and head.bias.grad is not None


def test_registry_entry_and_export():
    spec = lossmatch.registry.get("linear_cross_entropy")
    assert spec.fn is linear_cross_entropy and spec.target == "index"


@pytest.mark.parametrize(
    "change, error, words",
    [
        (dict(hidden=torch.randn(4, D + 1)), LossmatchValueError, "end in the 8 features"),
        (dict(weight=torch.randn(V, D, 1)), LossmatchValueError, "2-D"),
        (dict(target=torch.tensor([0.0, 1.0, 2.0, 3.0])), LossmatchTypeError, "integer class indices"),
        (dict(target=torch.tensor([0, 1, V, 3])), TargetFormatError, "[0, 36]"),
        (dict(target=torch.tensor([0, 1])), TargetFormatError, "have shape (4,)"),
        (dict(hidden=torch.randn(0, D), target=torch.zeros(0, dtype=torch.long)), LossmatchValueError, "at least one row"),
        (dict(bias=torch.randn(V + 1)), LossmatchValueError, f"({V},)"),
        (dict(class_weight=torch.ones(3)), LossmatchValueError, "one entry per class"),
        (dict(weight=torch.randn(V, D, dtype=torch.float64)), LossmatchTypeError, "dtype and device"),
        (dict(chunk_size=0), ConfigError, "positive number of rows"),
        (dict(memory_budget=-1), ConfigError, "positive number of bytes"),
        (dict(reduction="avg"), ConfigError, "reduction"),
    ],
)
def test_bad_input_gets_one_line(change, error, words):
    arguments = dict(hidden=torch.randn(4, D), weight=torch.randn(V, D), target=torch.tensor([0, 1, 2, 3]))
    arguments.update(change)
    hidden, weight, target = arguments.pop("hidden"), arguments.pop("weight"), arguments.pop("target")
    with pytest.raises(error) as info:
        linear_cross_entropy(hidden, weight, target, **arguments)
    message = str(info.value)
    assert words in message and "\n" not in message and message.startswith("Expected `")
