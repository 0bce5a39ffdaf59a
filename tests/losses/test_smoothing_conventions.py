"""The two label smoothing conventions against hand-written targets, on every loss that smooths."""

import pytest
import torch
import torch.nn.functional as F

import lossmatch as lm
from lossmatch.errors import ConfigError

GEN = torch.Generator().manual_seed(3)
K = 4
LOGITS = torch.randn(6, K, generator=GEN, dtype=torch.float64)
INDEX = torch.tensor([0, 3, 1, 2, 2, 0])
ONE_HOT = F.one_hot(INDEX, K).double()
EPS = 0.3


def _hand(convention, eps=EPS, k=K, y=ONE_HOT):
    if convention == "uniform":
        return y * (1 - eps) + eps / k  # true class 1 - eps + eps / K, every other eps / K
    return y * (1 - eps) + (1 - y) * eps / (k - 1)  # true class 1 - eps, every other eps / (K - 1)


def _close(a, b):
    torch.testing.assert_close(a, b, rtol=1e-10, atol=1e-10)


def test_smooth_labels_writes_both_conventions():
    _close(lm.smooth_labels(ONE_HOT, EPS), _hand("uniform"))
    _close(lm.smooth_labels(ONE_HOT, EPS, convention="others"), _hand("others"))
    assert torch.allclose(lm.smooth_labels(INDEX, EPS, K, convention="others").sum(-1), torch.ones(6))


def _soft_ce(y):
    return -(y * torch.log_softmax(LOGITS, -1)).sum(-1)


@pytest.mark.parametrize("convention", ("uniform", "others"))
def test_categorical_losses_smooth_as_written(convention):
    expected = _soft_ce(_hand(convention))
    options = {"label_smoothing": EPS, "smoothing_convention": convention, "reduction": "none"}
    _close(lm.categorical_cross_entropy_with_logits(LOGITS, ONE_HOT, **options), expected)
    _close(lm.sparse_categorical_cross_entropy_with_logits(LOGITS, INDEX, **options), expected)
    probs = torch.softmax(LOGITS, -1)
    _close(lm.categorical_cross_entropy(probs, ONE_HOT, **options), expected)
    _close(lm.sparse_categorical_cross_entropy(probs, INDEX, **options), expected)
    _close(lm.softmax_focal_loss(LOGITS, INDEX, gamma=0.0, **options), expected)
    _close(lm.generalized_cross_entropy_with_logits(LOGITS, INDEX, q=0.0, **options), expected)
    hidden, weight = torch.randn(6, 3, generator=GEN, dtype=torch.float64), torch.randn(K, 3, generator=GEN, dtype=torch.float64)
    linear = lm.linear_cross_entropy(hidden, weight, INDEX, label_smoothing=EPS, smoothing_convention=convention, reduction="none")
    _close(linear, -(_hand(convention) * torch.log_softmax(hidden @ weight.T, -1)).sum(-1))


def test_uniform_is_torch_label_smoothing():
    _close(lm.sparse_categorical_cross_entropy_with_logits(LOGITS, INDEX, label_smoothing=EPS),
           F.cross_entropy(LOGITS, INDEX, label_smoothing=EPS))


@pytest.mark.parametrize("convention", ("uniform", "others"))
def test_binary_losses_smooth_each_output_as_two_classes(convention):
    y = (torch.rand(6, K, generator=GEN) > 0.5).double()
    smoothed = y * (1 - EPS) + EPS / 2 if convention == "uniform" else y * (1 - EPS) + (1 - y) * EPS
    options = {"label_smoothing": EPS, "smoothing_convention": convention, "reduction": "none"}
    expected = F.binary_cross_entropy_with_logits(LOGITS, smoothed, reduction="none")
    _close(lm.binary_cross_entropy_with_logits(LOGITS, y, **options), expected)
    _close(lm.binary_cross_entropy(torch.sigmoid(LOGITS), y, **options), expected)
    _close(lm.sigmoid_focal_loss(LOGITS, y, gamma=0.0, **options), expected)


def test_others_is_bounded_and_unknown_conventions_are_named():
    with pytest.raises(ConfigError, match=r"Expected `label_smoothing` to be at most \(K - 1\) / K = 0.75 for K = 4 with "
                                          r"smoothing_convention='others'.*but got 0.8"):
        lm.sparse_categorical_cross_entropy_with_logits(LOGITS, INDEX, label_smoothing=0.8, smoothing_convention="others")
    with pytest.raises(ConfigError, match="Expected `smoothing_convention` to be 'uniform'.*or 'others'.*but got 'keras'"):
        lm.categorical_cross_entropy_with_logits(LOGITS, ONE_HOT, label_smoothing=0.1, smoothing_convention="keras")
    with pytest.raises(ConfigError, match="smoothing_convention"):
        lm.smooth_labels(ONE_HOT, 0.1, convention="Others")
    # the bound itself is allowed: the true class gets exactly what each other class gets
    at_bound = lm.smooth_labels(ONE_HOT, 0.75, convention="others")
    _close(at_bound, torch.full_like(ONE_HOT, 0.25))
