"""Parity with torch's own losses over reductions, weights, pos_weight, ignore_index, smoothing, class_dim."""

import itertools

import pytest
import torch
import torch.nn.functional as F

import lossmatch as lm
import lossmatch.nn

REDUCTIONS = ("mean", "sum", "none")


@pytest.fixture
def gen():
    return torch.Generator().manual_seed(0)


def _close(a, b):
    torch.testing.assert_close(a, b, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("reduction,smoothing,weighted,ignore", list(itertools.product(REDUCTIONS, (0.0, 0.15), (False, True), (False, True))))
def test_sparse_logits_matches_cross_entropy(gen, reduction, smoothing, weighted, ignore):
    logits = torch.randn(12, 7, generator=gen, dtype=torch.float64)
    target = torch.randint(0, 7, (12,), generator=gen)
    if ignore:
        target[[1, 5]] = -100
    weight = torch.rand(7, generator=gen, dtype=torch.float64) + 0.1 if weighted else None
    ours = lm.sparse_categorical_cross_entropy_with_logits(logits, target, weight=weight, label_smoothing=smoothing, reduction=reduction)
    _close(ours, F.cross_entropy(logits, target, weight=weight, label_smoothing=smoothing, reduction=reduction))


def test_sparse_custom_ignore_index(gen):
    logits = torch.randn(10, 4, generator=gen, dtype=torch.float64)
    target = torch.randint(0, 4, (10,), generator=gen)
    target[0] = 3
    for reduction in REDUCTIONS:
        _close(lm.sparse_categorical_cross_entropy_with_logits(logits, target, ignore_index=3, reduction=reduction),
               F.cross_entropy(logits, target, ignore_index=3, reduction=reduction))


@pytest.mark.parametrize("reduction,smoothing,weighted", list(itertools.product(REDUCTIONS, (0.0, 0.2), (False, True))))
def test_soft_logits_matches_cross_entropy_probability_targets(gen, reduction, smoothing, weighted):
    logits = torch.randn(9, 5, generator=gen, dtype=torch.float64)
    target = torch.softmax(torch.randn(9, 5, generator=gen, dtype=torch.float64) * 2, dim=-1)
    weight = torch.rand(5, generator=gen, dtype=torch.float64) if weighted else None
    ours = lm.categorical_cross_entropy_with_logits(logits, target, weight=weight, label_smoothing=smoothing, reduction=reduction)
    _close(ours, F.cross_entropy(logits, target, weight=weight, label_smoothing=smoothing, reduction=reduction))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_class_dim_one_matches_torch_layout(gen, reduction):
    logits = torch.randn(3, 6, 4, 5, generator=gen, dtype=torch.float64)
    index = torch.randint(0, 6, (3, 4, 5), generator=gen)
    index[0, 0, 0] = -100
    _close(lm.sparse_categorical_cross_entropy_with_logits(logits, index, class_dim=1, reduction=reduction),
           F.cross_entropy(logits, index, reduction=reduction))
    soft = torch.softmax(torch.randn(3, 6, 4, 5, generator=gen, dtype=torch.float64), dim=1)
    _close(lm.categorical_cross_entropy_with_logits(logits, soft, class_dim=1, reduction=reduction),
           F.cross_entropy(logits, soft, reduction=reduction))
    probs = torch.softmax(logits, dim=1)
    _close(lm.sparse_categorical_cross_entropy(probs, index, class_dim=1, reduction=reduction),
           F.nll_loss(probs.log(), index, reduction=reduction))


@pytest.mark.parametrize("reduction,weighted", list(itertools.product(REDUCTIONS, (False, True))))
def test_sparse_probs_matches_nll_loss(gen, reduction, weighted):
    probs = torch.softmax(torch.randn(8, 4, generator=gen, dtype=torch.float64), dim=-1)
    target = torch.randint(0, 4, (8,), generator=gen)
    target[2] = -100
    weight = torch.rand(4, generator=gen, dtype=torch.float64) if weighted else None
    _close(lm.sparse_categorical_cross_entropy(probs, target, weight=weight, reduction=reduction),
           F.nll_loss(probs.log(), target, weight=weight, reduction=reduction))


@pytest.mark.parametrize("reduction,weighted,pos_weighted", list(itertools.product(REDUCTIONS, (False, True), (False, True))))
def test_bce_with_logits_matches_torch(gen, reduction, weighted, pos_weighted):
    logits = torch.randn(10, 6, generator=gen, dtype=torch.float64) * 4
    target = torch.rand(10, 6, generator=gen, dtype=torch.float64).round()
    target[0] = torch.rand(6, generator=gen, dtype=torch.float64)  # soft row
    weight = torch.rand(6, generator=gen, dtype=torch.float64) if weighted else None
    pos_weight = torch.rand(6, generator=gen, dtype=torch.float64) * 3 if pos_weighted else None
    _close(lm.binary_cross_entropy_with_logits(logits, target, weight=weight, pos_weight=pos_weight, reduction=reduction),
           F.binary_cross_entropy_with_logits(logits, target, weight=weight, pos_weight=pos_weight, reduction=reduction))


def test_bce_with_logits_scalar_pos_weight_and_temperature(gen):
    logits = torch.randn(20, generator=gen, dtype=torch.float64)
    target = (torch.rand(20, generator=gen) > 0.5).double()
    _close(lm.binary_cross_entropy_with_logits(logits, target, pos_weight=2.5, temperature=2.0),
           F.binary_cross_entropy_with_logits(logits / 2.0, target, pos_weight=torch.tensor(2.5, dtype=torch.float64)))


@pytest.mark.parametrize("reduction,weighted", list(itertools.product(REDUCTIONS, (False, True))))
def test_bce_probs_matches_torch(gen, reduction, weighted):
    probs = torch.rand(7, 3, generator=gen, dtype=torch.float64)
    probs[0, 0], probs[0, 1] = 0.0, 1.0  # torch clamps the logs at -100
    target = torch.rand(7, 3, generator=gen, dtype=torch.float64)
    weight = torch.rand(7, 1, generator=gen, dtype=torch.float64) if weighted else None
    torch.testing.assert_close(lm.binary_cross_entropy(probs, target, weight=weight, reduction=reduction),
                               F.binary_cross_entropy(probs, target, weight=weight, reduction=reduction))


@pytest.mark.parametrize("temperature", (0.5, 3.0))
def test_temperature_divides_logits(gen, temperature):
    logits = torch.randn(6, 4, generator=gen, dtype=torch.float64)
    target = torch.randint(0, 4, (6,), generator=gen)
    _close(lm.sparse_categorical_cross_entropy_with_logits(logits, target, temperature=temperature),
           F.cross_entropy(logits / temperature, target))


def test_bool_and_integer_binary_targets_are_accepted(gen):
    logits = torch.randn(16, generator=gen, dtype=torch.float64)
    target = torch.rand(16, generator=gen) > 0.5
    expected = F.binary_cross_entropy_with_logits(logits, target.double())
    _close(lm.binary_cross_entropy_with_logits(logits, target), expected)
    _close(lm.binary_cross_entropy_with_logits(logits, target.long()), expected)


def test_module_wrappers_match_functions_and_move_buffers(gen):
    logits = torch.randn(5, 3, generator=gen)
    target = torch.randint(0, 3, (5,), generator=gen)
    weight = torch.tensor([1.0, 2.0, 0.5])
    module = lm.nn.SparseCategoricalCrossEntropyWithLogits(weight=weight, label_smoothing=0.1)
    assert "weight" in dict(module.named_buffers())
    torch.testing.assert_close(module(logits, target), torch.nn.CrossEntropyLoss(weight=weight, label_smoothing=0.1)(logits, target))
    assert module.double().weight.dtype == torch.float64
    with pytest.raises(TypeError, match="unexpected options"):
        lm.nn.BinaryCrossEntropyWithLogits(ignore_index=3)
    bce = lm.nn.BinaryCrossEntropyWithLogits(pos_weight=torch.tensor([2.0, 1.0, 1.0]))
    multi_hot = (torch.rand(5, 3, generator=gen) > 0.5).float()
    torch.testing.assert_close(bce(logits, multi_hot), torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor([2.0, 1.0, 1.0]))(logits, multi_hot))
