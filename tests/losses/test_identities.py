"""Identities between siblings: the equivalences users ask about, and reductions to the plain losses."""

import pytest
import torch
import torch.nn.functional as F

import lossmatch as lm


@pytest.fixture
def gen():
    return torch.Generator().manual_seed(1)


def test_two_class_softmax_ce_equals_sigmoid_bce_on_logit_difference(gen):
    logits = torch.randn(50, 2, generator=gen, dtype=torch.float64) * 3
    target = torch.randint(0, 2, (50,), generator=gen)
    softmax_ce = lm.sparse_categorical_cross_entropy_with_logits(logits, target, reduction="none")
    sigmoid_bce = lm.binary_cross_entropy_with_logits(logits[:, 1] - logits[:, 0], target.double(), reduction="none")
    torch.testing.assert_close(softmax_ce, sigmoid_bce)
    # and the gradients agree through the difference
    a = logits.clone().requires_grad_()
    b = logits.clone().requires_grad_()
    lm.sparse_categorical_cross_entropy_with_logits(a, target).backward()
    lm.binary_cross_entropy_with_logits(b[:, 1] - b[:, 0], target.double()).backward()
    torch.testing.assert_close(a.grad, b.grad)


def test_sparse_equals_one_hot(gen):
    logits = torch.randn(20, 6, generator=gen, dtype=torch.float64)
    target = torch.randint(0, 6, (20,), generator=gen)
    weight = torch.rand(6, generator=gen, dtype=torch.float64)
    one_hot = F.one_hot(target, 6).double()
    for reduction in ("sum", "none"):
        torch.testing.assert_close(
            lm.sparse_categorical_cross_entropy_with_logits(logits, target, weight=weight, reduction=reduction),
            lm.categorical_cross_entropy_with_logits(logits, one_hot, weight=weight, reduction=reduction))
    probs = torch.softmax(logits, -1)
    torch.testing.assert_close(lm.sparse_categorical_cross_entropy(probs, target),
                               lm.categorical_cross_entropy(probs, one_hot))
    # smoothing: index targets smoothed == smooth_labels(one-hot)
    torch.testing.assert_close(
        lm.sparse_categorical_cross_entropy_with_logits(logits, target, label_smoothing=0.3),
        lm.categorical_cross_entropy_with_logits(logits, lm.smooth_labels(target, 0.3, num_classes=6)))


def test_logits_and_probs_forms_agree(gen):
    logits = torch.randn(15, 4, generator=gen, dtype=torch.float64)
    target = torch.randint(0, 4, (15,), generator=gen)
    torch.testing.assert_close(lm.sparse_categorical_cross_entropy_with_logits(logits, target),
                               lm.sparse_categorical_cross_entropy(torch.softmax(logits, -1), target))
    multi_hot = (torch.rand(15, 4, generator=gen) > 0.5).double()
    torch.testing.assert_close(lm.binary_cross_entropy_with_logits(logits, multi_hot, label_smoothing=0.1),
                               lm.binary_cross_entropy(torch.sigmoid(logits), multi_hot, label_smoothing=0.1))


@pytest.mark.parametrize("reduction", ("mean", "sum", "none"))
def test_focal_with_gamma_zero_is_cross_entropy(gen, reduction):
    logits = torch.randn(30, 5, generator=gen, dtype=torch.float64)
    index = torch.randint(0, 5, (30,), generator=gen)
    index[3] = -100
    weight = torch.rand(5, generator=gen, dtype=torch.float64)
    for smoothing in (0.0, 0.2):
        torch.testing.assert_close(
            lm.softmax_focal_loss(logits, index, gamma=0.0, weight=weight, label_smoothing=smoothing, reduction=reduction),
            lm.sparse_categorical_cross_entropy_with_logits(logits, index, weight=weight, label_smoothing=smoothing, reduction=reduction))
    soft = torch.softmax(torch.randn(30, 5, generator=gen, dtype=torch.float64), -1)
    torch.testing.assert_close(lm.softmax_focal_loss(logits, soft, gamma=0.0, reduction=reduction),
                               lm.categorical_cross_entropy_with_logits(logits, soft, reduction=reduction))
    multi_hot = (torch.rand(30, 5, generator=gen) > 0.5).double()
    for target in (multi_hot, torch.rand(30, 5, generator=gen, dtype=torch.float64)):
        torch.testing.assert_close(lm.sigmoid_focal_loss(logits, target, gamma=0.0, reduction=reduction),
                                   lm.binary_cross_entropy_with_logits(logits, target, reduction=reduction))


def test_focal_matches_its_definition(gen):
    logits = torch.randn(40, 3, generator=gen, dtype=torch.float64) * 2
    soft = torch.rand(40, 3, generator=gen, dtype=torch.float64)
    hard = (soft > 0.5).double()
    for target in (soft, hard):
        p = torch.sigmoid(logits)
        p_t = p * target + (1 - p) * (1 - target)
        alpha_t = 0.25 * target + 0.75 * (1 - target)
        expected = alpha_t * (1 - p_t) ** 1.5 * F.binary_cross_entropy_with_logits(logits, target, reduction="none")
        torch.testing.assert_close(lm.sigmoid_focal_loss(logits, target, gamma=1.5, alpha=0.25, reduction="none"), expected)
    index = torch.randint(0, 3, (40,), generator=gen)
    ce = F.cross_entropy(logits, index, reduction="none")
    alpha = torch.tensor([0.2, 0.3, 0.5], dtype=torch.float64)
    expected = alpha[index] * (1 - torch.exp(-ce)) ** 2 * ce
    torch.testing.assert_close(lm.softmax_focal_loss(logits, index, gamma=2.0, alpha=alpha, reduction="none"), expected)
    # one-hot rows give the same as indices
    torch.testing.assert_close(lm.softmax_focal_loss(logits, F.one_hot(index, 3).double(), gamma=2.0, alpha=alpha, reduction="none"), expected)


def test_smoothing_zero_is_plain(gen):
    logits = torch.randn(10, 4, generator=gen, dtype=torch.float64)
    target = torch.randint(0, 4, (10,), generator=gen)
    torch.testing.assert_close(lm.sparse_categorical_cross_entropy_with_logits(logits, target, label_smoothing=0.0),
                               F.cross_entropy(logits, target))
    multi_hot = (torch.rand(10, 4, generator=gen) > 0.5).double()
    torch.testing.assert_close(lm.binary_cross_entropy_with_logits(logits, multi_hot, label_smoothing=0.0),
                               F.binary_cross_entropy_with_logits(logits, multi_hot))


def test_bce_smoothing_moves_targets_towards_half(gen):
    logits = torch.randn(10, 4, generator=gen, dtype=torch.float64)
    multi_hot = (torch.rand(10, 4, generator=gen) > 0.5).double()
    torch.testing.assert_close(lm.binary_cross_entropy_with_logits(logits, multi_hot, label_smoothing=0.2),
                               F.binary_cross_entropy_with_logits(logits, multi_hot * 0.8 + 0.1))


def test_smooth_labels():
    smoothed = lm.smooth_labels(torch.tensor([0, 2]), 0.3, num_classes=3)
    torch.testing.assert_close(smoothed, torch.tensor([[0.8, 0.1, 0.1], [0.1, 0.1, 0.8]]))
    torch.testing.assert_close(smoothed.sum(-1), torch.ones(2))
    soft = torch.tensor([[0.5, 0.5, 0.0, 0.0]])
    torch.testing.assert_close(lm.smooth_labels(soft, 0.4), torch.tensor([[0.4, 0.4, 0.1, 0.1]]))
    with pytest.raises(lm.LossmatchValueError, match="num_classes"):
        lm.smooth_labels(torch.tensor([0, 1]), 0.1)
    with pytest.raises(lm.ConfigError, match="epsilon"):
        lm.smooth_labels(soft, 1.5)
