"""GCE, SCE and softmax MSE: limits and identities with cross-entropy, torch oracles, float64 references."""

import pytest
import torch
import torch.nn.functional as F

import lossmatch as lm
import lossmatch.nn as lnn
from lossmatch.errors import ConfigError, LossmatchValueError, TargetFormatError

GEN = torch.Generator().manual_seed(7)
LOGITS = torch.randn(12, 5, generator=GEN, dtype=torch.float64) * 2
INDEX = torch.randint(0, 5, (12,), generator=GEN)
ONE_HOT = F.one_hot(INDEX, 5).double()
SOFT = torch.softmax(torch.randn(12, 5, generator=GEN, dtype=torch.float64), -1)
WEIGHT = torch.rand(5, generator=GEN, dtype=torch.float64) + 0.5
IGNORED = INDEX.clone()
IGNORED[[1, 4]] = -100


def _close(a, b, tol=1e-10):
    torch.testing.assert_close(a, b, rtol=tol, atol=tol)


# ----------------------------------------------------------------------------------------------------- GCE
@pytest.mark.parametrize("reduction", ("mean", "sum", "none"))
def test_gce_q0_is_cross_entropy_and_small_q_tends_to_it(reduction):
    ce = F.cross_entropy(LOGITS, IGNORED, weight=WEIGHT, reduction=reduction)
    _close(lm.generalized_cross_entropy_with_logits(LOGITS, IGNORED, q=0.0, weight=WEIGHT, reduction=reduction), ce)
    near = lm.generalized_cross_entropy_with_logits(LOGITS, IGNORED, q=1e-7, weight=WEIGHT, reduction=reduction)
    _close(near, ce, tol=1e-5)


def test_gce_q1_is_one_minus_p_true():
    p_true = torch.softmax(LOGITS, -1).gather(1, INDEX[:, None]).squeeze(1)
    _close(lm.generalized_cross_entropy_with_logits(LOGITS, INDEX, q=1.0, reduction="none"), 1 - p_true)


def test_gce_matches_its_formula_for_soft_targets_with_weights():
    p = torch.softmax(LOGITS, -1)
    expected = (WEIGHT * SOFT * (1 - p ** 0.7) / 0.7).sum(-1).mean()
    _close(lm.generalized_cross_entropy_with_logits(LOGITS, SOFT, weight=WEIGHT), expected)


@pytest.mark.parametrize("convention", ("uniform", "others"))
def test_gce_index_targets_equal_one_hot_rows_with_smoothing(convention):
    # torch's weighted mean divides by the summed weights; one-hot rows divide by the rows: compare unweighted sums
    by_index = lm.generalized_cross_entropy_with_logits(LOGITS, INDEX, q=0.5, label_smoothing=0.2,
                                                        smoothing_convention=convention, reduction="none")
    smoothed = lm.smooth_labels(ONE_HOT, 0.2, convention=convention)
    by_rows = lm.generalized_cross_entropy_with_logits(LOGITS, smoothed, q=0.5, reduction="none")
    _close(by_index, by_rows)


def test_gce_weighted_mean_divides_by_the_summed_weights_of_kept_rows():
    per_row = lm.generalized_cross_entropy_with_logits(LOGITS, IGNORED, weight=WEIGHT, reduction="none")
    kept = IGNORED != -100
    _close(lm.generalized_cross_entropy_with_logits(LOGITS, IGNORED, weight=WEIGHT), per_row.sum() / WEIGHT[IGNORED[kept]].sum())
    assert (per_row[~kept] == 0).all()


# ----------------------------------------------------------------------------------------------------- SCE
@pytest.mark.parametrize("target", (INDEX, IGNORED, SOFT), ids=("index", "ignored", "soft"))
def test_sce_alpha1_beta0_is_cross_entropy(target):
    ce = F.cross_entropy(LOGITS, target, weight=WEIGHT, label_smoothing=0.1)
    _close(lm.symmetric_cross_entropy_with_logits(LOGITS, target, alpha=1.0, beta=0.0, weight=WEIGHT, label_smoothing=0.1), ce)


def test_sce_reverse_term_of_one_hot_rows_is_minus_a_times_one_minus_p():
    p_true = torch.softmax(LOGITS, -1).gather(1, INDEX[:, None]).squeeze(1)
    for target in (INDEX, ONE_HOT):
        rce = lm.symmetric_cross_entropy_with_logits(LOGITS, target, alpha=0.0, beta=1.0, log_clip=-4.0, reduction="none")
        _close(rce, 4.0 * (1 - p_true))


def test_sce_matches_its_formula_for_soft_targets():
    p = torch.softmax(LOGITS, -1)
    expected = (0.1 * -(SOFT * p.log()).sum(-1) - (p * SOFT.log().clamp_min(-4.0)).sum(-1)).mean()
    _close(lm.symmetric_cross_entropy_with_logits(LOGITS, SOFT), expected)


def test_sce_index_with_smoothing_equals_smoothed_rows():
    by_index = lm.symmetric_cross_entropy_with_logits(LOGITS, INDEX, label_smoothing=0.3, reduction="none")
    by_rows = lm.symmetric_cross_entropy_with_logits(LOGITS, lm.smooth_labels(ONE_HOT, 0.3), reduction="none")
    _close(by_index, by_rows)
    mean = lm.symmetric_cross_entropy_with_logits(LOGITS, IGNORED, weight=WEIGHT, label_smoothing=0.3)
    rows = lm.symmetric_cross_entropy_with_logits(LOGITS, IGNORED, weight=WEIGHT, label_smoothing=0.3, reduction="none")
    _close(mean, rows.sum() / WEIGHT[IGNORED[IGNORED != -100]].sum())


# ----------------------------------------------------------------------------------------------------- MSE
def test_softmax_mse_is_torch_mse_of_softmax_against_one_hot():
    expected = F.mse_loss(torch.softmax(LOGITS, -1), ONE_HOT)
    _close(lm.softmax_mse(LOGITS, INDEX), expected)
    _close(lm.softmax_mse(LOGITS, ONE_HOT), expected)


def test_softmax_mse_index_path_equals_rows_with_weights_and_ignored():
    rows = ONE_HOT.clone()
    expected = ((torch.softmax(LOGITS, -1) - rows) ** 2 * WEIGHT).mean(-1)
    expected[[1, 4]] = 0
    got = lm.softmax_mse(LOGITS, IGNORED, weight=WEIGHT, reduction="none")
    _close(got, expected)
    _close(lm.softmax_mse(LOGITS, IGNORED, weight=WEIGHT), expected.sum() / 10)


# ----------------------------------------------------------------------------------------------------- shared
CALLS = {
    "gce": lambda x, t, **k: lm.generalized_cross_entropy_with_logits(x, t, **k),
    "sce": lambda x, t, **k: lm.symmetric_cross_entropy_with_logits(x, t, **k),
    "mse": lambda x, t, **k: lm.softmax_mse(x, t, **k),
}


@pytest.mark.parametrize("name", CALLS)
@pytest.mark.parametrize("target", (IGNORED, SOFT), ids=("index", "soft"))
def test_gradcheck_float64(name, target):
    x = LOGITS[:6].clone().requires_grad_()
    t = target[:6]
    assert torch.autograd.gradcheck(lambda z: CALLS[name](z, t, weight=WEIGHT, label_smoothing=0.1), (x,), eps=1e-6, atol=1e-6)
    assert torch.autograd.gradcheck(lambda z: CALLS[name](z, t), (x,), eps=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", CALLS)
@pytest.mark.parametrize("scale", (1e2, 1e4))
@pytest.mark.parametrize("target", (INDEX, SOFT.float()), ids=("index", "soft"))
def test_extreme_logits_give_finite_values_and_gradients(name, scale, target):
    x = (torch.randn(12, 5, generator=GEN) * scale).requires_grad_()
    for smoothing in (0.0, 0.1):
        loss = CALLS[name](x, target, label_smoothing=smoothing)
        (grad,) = torch.autograd.grad(loss, x)
        assert torch.isfinite(loss) and torch.isfinite(grad).all()


@pytest.mark.parametrize("name", CALLS)
@pytest.mark.parametrize("dtype", (torch.float16, torch.bfloat16))
def test_half_precision_is_computed_in_fp32(name, dtype):
    x = LOGITS.to(dtype)
    got = CALLS[name](x, INDEX, weight=WEIGHT.float())
    assert got.dtype == torch.float32
    _close(got.double(), CALLS[name](x.double(), INDEX, weight=WEIGHT), tol=1e-5)


@pytest.mark.parametrize("name", CALLS)
def test_class_dim_1_layout(name):
    x = LOGITS.reshape(3, 4, 5).movedim(-1, 1)  # (N, C, d)
    t = INDEX.reshape(3, 4)
    _close(CALLS[name](x, t, class_dim=1, reduction="none"), CALLS[name](LOGITS, INDEX, reduction="none").reshape(3, 4))


@pytest.mark.parametrize("name", CALLS)
def test_validation_messages_match_the_other_softmax_losses(name):
    with pytest.raises(TargetFormatError, match=r"Expected `target` to hold class indices in \[0, 4\].*Labels look 1-based"):
        CALLS[name](LOGITS, torch.tensor([1, 2, 3, 4, 5] * 2 + [1, 5]))
    with pytest.raises(LossmatchValueError, match="Expected `ignore_index` to be left at -100"):
        CALLS[name](LOGITS, SOFT, ignore_index=0)
    with pytest.raises(ConfigError, match="Expected `reduction` to be one of"):
        CALLS[name](LOGITS, INDEX, reduction="avg")
    with pytest.raises(ConfigError, match="Expected `smoothing_convention` to be 'uniform'"):
        CALLS[name](LOGITS, INDEX, label_smoothing=0.1, smoothing_convention="torch")


def test_option_checks():
    with pytest.raises(ConfigError, match=r"Expected `q` to be a float in \[0, 1\], but got 1.5"):
        lm.generalized_cross_entropy_with_logits(LOGITS, INDEX, q=1.5)
    with pytest.raises(ConfigError, match="Expected `beta` to be a finite float >= 0"):
        lm.symmetric_cross_entropy_with_logits(LOGITS, INDEX, beta=-1.0)
    with pytest.raises(ConfigError, match="Expected `log_clip` to be a finite float < 0"):
        lm.symmetric_cross_entropy_with_logits(LOGITS, INDEX, log_clip=0.0)


@pytest.mark.parametrize(("module", "call"), [(lnn.GeneralizedCrossEntropyWithLogits(q=0.3), CALLS["gce"]),
                                              (lnn.SymmetricCrossEntropyWithLogits(alpha=0.5), CALLS["sce"]),
                                              (lnn.SoftmaxMSE(), CALLS["mse"])])
def test_modules_call_the_functions(module, call):
    options = module.options
    _close(module(LOGITS, INDEX), call(LOGITS, INDEX, **options))


def test_true_class_log_prob_is_exact_in_the_tail_and_its_gradient_is_cross_entropys():
    # p_t = e^-200 underflows in fp32: the row is recomputed in log space; rows near p_t = 1 read log p_t directly
    x = torch.tensor([[0.0, 200.0, 0.0], [5.0, -3.0, 0.0], [1e4, -1e4, 0.0]]).requires_grad_()
    t = torch.tensor([0, 0, 1])
    ours = lm.generalized_cross_entropy_with_logits(x, t, q=0.0, reduction="none")
    (ours_grad,) = torch.autograd.grad(ours.sum(), x)
    ce = F.cross_entropy(x, t, reduction="none")
    (ce_grad,) = torch.autograd.grad(ce.sum(), x)
    torch.testing.assert_close(ours, ce)
    torch.testing.assert_close(ours_grad, ce_grad)
    assert ours[0].item() == pytest.approx(200.0) and ours[2].item() == pytest.approx(2e4)


@pytest.mark.parametrize("name", CALLS)
def test_probabilities_passed_as_logits_are_warned_without_naming_a_missing_function(name):
    probs = torch.softmax(LOGITS, -1)
    with pytest.warns(lm.LossInputWarning, match="has no probabilities form: it applies softmax itself"):
        CALLS[name](probs, INDEX)
    with pytest.warns(lm.LossInputWarning, match="or use `sparse_categorical_cross_entropy` on probabilities"):
        lm.sparse_categorical_cross_entropy_with_logits(probs, INDEX)
