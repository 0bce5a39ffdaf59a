"""Bad input gives a clear error from lossmatch.errors, never a silent wrong number; suspicious input warns."""

import warnings

import pytest
import torch
import torch.nn.functional as F

import lossmatch as lm
from lossmatch.errors import ConfigError, LossmatchTypeError, LossmatchValueError, TargetFormatError

LOGITS = torch.randn(6, 4, generator=torch.Generator().manual_seed(3))
INDEX = torch.tensor([0, 1, 2, 3, 0, 1])
ONE_HOT = F.one_hot(INDEX, 4).float()


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: lm.sparse_categorical_cross_entropy_with_logits(LOGITS, INDEX.float()), LossmatchTypeError,
         r"Expected `target` to hold integer class indices, but got dtype torch.float32"),
        (lambda: lm.sparse_categorical_cross_entropy_with_logits(LOGITS, INDEX + 1), TargetFormatError,
         r"in \[0, 3\].*but got 1 value outside \[4\]. Labels look 1-based: subtract 1."),
        (lambda: lm.sparse_categorical_cross_entropy_with_logits(LOGITS, INDEX - 2), TargetFormatError,
         r"but got 4 values outside \[-2, -1\]"),
        (lambda: lm.sparse_categorical_cross_entropy_with_logits(LOGITS, ONE_HOT), TargetFormatError,
         r"did you mean `categorical_cross_entropy_with_logits`"),
        (lambda: lm.sparse_categorical_cross_entropy_with_logits(LOGITS, INDEX[:, None]), TargetFormatError,
         r"target.squeeze\(-1\)"),
        (lambda: lm.sparse_categorical_cross_entropy_with_logits(torch.randn(2, 4, 3), torch.zeros(2, 3, dtype=torch.long)),
         TargetFormatError, r"pass `class_dim=1`"),
        (lambda: lm.sparse_categorical_cross_entropy_with_logits(LOGITS.long(), INDEX), LossmatchTypeError,
         r"Expected `logits` to have a floating dtype"),
        (lambda: lm.sparse_categorical_cross_entropy_with_logits(LOGITS.numpy(), INDEX), LossmatchTypeError,
         r"Expected `logits` to be a torch.Tensor, but got ndarray"),
        (lambda: lm.sparse_categorical_cross_entropy_with_logits(LOGITS, INDEX, weight=torch.ones(3)), LossmatchValueError,
         r"Expected `weight` to be a 1-D tensor with one entry per class \(4\)"),
        (lambda: lm.sparse_categorical_cross_entropy_with_logits(LOGITS, INDEX, class_dim=2), ConfigError,
         r"Expected `class_dim`"),
        (lambda: lm.categorical_cross_entropy_with_logits(LOGITS, INDEX), LossmatchTypeError,
         r"did you mean `sparse_categorical_cross_entropy_with_logits`"),
        (lambda: lm.categorical_cross_entropy_with_logits(LOGITS, ONE_HOT * float("nan")), TargetFormatError,
         r"Expected `target` to contain only finite values, but got 24 non-finite values \[nan\]"),
        (lambda: lm.categorical_cross_entropy_with_logits(LOGITS, ONE_HOT * 2), LossmatchValueError,
         r"Expected `target` to contain values in \[0, 1\]"),
        (lambda: lm.binary_cross_entropy_with_logits(LOGITS, ONE_HOT[:, :1]), TargetFormatError,
         r"Expected `target` to have the same shape as `logits` shape \(6, 4\), but got shape \(6, 1\)"),
        (lambda: lm.binary_cross_entropy_with_logits(LOGITS[:, :1], INDEX.float()), TargetFormatError,
         r"logits.squeeze\(-1\)"),
        (lambda: lm.binary_cross_entropy_with_logits(LOGITS, ONE_HOT * 2 - 1), LossmatchValueError,
         r"\{-1, 1\} labels map with `\(y \+ 1\) / 2`"),
        (lambda: lm.binary_cross_entropy(LOGITS, ONE_HOT), LossmatchValueError,
         r"Expected `probs` to contain values in \[0, 1\].*Use `binary_cross_entropy_with_logits`"),
        (lambda: lm.categorical_cross_entropy(LOGITS, ONE_HOT), LossmatchValueError, r"Expected `probs` to contain values in \[0, 1\]"),
        (lambda: lm.binary_cross_entropy_with_logits(LOGITS, ONE_HOT, reduction="avg"), ConfigError,
         r"Expected `reduction` to be one of 'mean', 'sum', 'none', but got 'avg'"),
        (lambda: lm.binary_cross_entropy_with_logits(LOGITS, ONE_HOT, label_smoothing=1.5), ConfigError, r"label_smoothing"),
        (lambda: lm.binary_cross_entropy_with_logits(LOGITS, ONE_HOT, temperature=0.0), ConfigError, r"temperature"),
        (lambda: lm.binary_cross_entropy(torch.sigmoid(LOGITS), ONE_HOT, epsilon=0.7), ConfigError, r"epsilon"),
        (lambda: lm.sigmoid_focal_loss(LOGITS, ONE_HOT, gamma=-1.0), ConfigError, r"Expected `gamma` to be a finite float >= 0"),
        (lambda: lm.sigmoid_focal_loss(LOGITS, ONE_HOT, alpha=1.5), ConfigError, r"Expected `alpha`"),
        (lambda: lm.softmax_focal_loss(LOGITS, ONE_HOT, ignore_index=0), LossmatchValueError,
         r"Expected `ignore_index` to be left at -100 with one-hot or soft targets"),
    ],
)
def test_bad_input_raises_one_clear_error(call, error, message):
    with pytest.raises(error, match=message) as info:
        call()
    assert str(info.value).startswith("Expected `")
    assert "\n" not in str(info.value)


def test_errors_are_builtin_subclasses():
    assert issubclass(TargetFormatError, ValueError) and issubclass(ConfigError, ValueError)
    assert issubclass(LossmatchTypeError, TypeError)


def test_many_bad_values_are_capped_at_ten():
    target = torch.arange(20, 40)
    with pytest.raises(TargetFormatError, match=r"20 values outside \[20, 21, .*, 29, \.\.\. \(10 more\)\]"):
        lm.sparse_categorical_cross_entropy_with_logits(torch.randn(20, 4), target)


def test_softmax_outputs_passed_as_logits_warn():
    probs = torch.softmax(LOGITS, -1)
    with pytest.warns(lm.LossInputWarning, match="looks like probabilities"):
        lm.sparse_categorical_cross_entropy_with_logits(probs, INDEX)
    with pytest.warns(lm.LossInputWarning, match="use `categorical_cross_entropy` on probabilities"):
        lm.categorical_cross_entropy_with_logits(probs, ONE_HOT)
    with pytest.warns(lm.LossInputWarning, match="applying sigmoid twice"):
        lm.binary_cross_entropy_with_logits(torch.sigmoid(LOGITS), ONE_HOT)


def test_no_warning_for_real_logits_or_when_silenced():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lm.sparse_categorical_cross_entropy_with_logits(LOGITS, INDEX)
        lm.binary_cross_entropy_with_logits(LOGITS, ONE_HOT)
        # values in [0, 1] whose rows do not sum to 1 are not evidence for softmax losses
        lm.sparse_categorical_cross_entropy_with_logits(torch.rand(6, 4) * 0.2, INDEX)
        warnings.filterwarnings("ignore", category=lm.LossInputWarning)
        lm.sparse_categorical_cross_entropy_with_logits(torch.softmax(LOGITS, -1), INDEX)


def test_multi_hot_targets_in_categorical_loss_warn():
    multi_hot = torch.tensor([[1.0, 1.0, 0.0, 0.0], [0.0, 1.0, 1.0, 1.0]])
    with pytest.warns(lm.LossInputWarning, match="expects each target row to sum to 1"):
        lm.categorical_cross_entropy_with_logits(torch.randn(2, 4), multi_hot)


def test_sigmoid_outputs_into_categorical_probs_warn_unless_renormalized():
    sigmoid = torch.sigmoid(LOGITS)
    with pytest.warns(lm.LossInputWarning, match="renormalize=True"):
        lm.categorical_cross_entropy(sigmoid, ONE_HOT)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lm.categorical_cross_entropy(sigmoid, ONE_HOT, renormalize=True, epsilon=1e-7)


def test_validate_false_skips_checks_but_computes_the_same():
    expected = lm.sparse_categorical_cross_entropy_with_logits(LOGITS, INDEX)
    torch.testing.assert_close(lm.sparse_categorical_cross_entropy_with_logits(LOGITS, INDEX, validate=False), expected)
