"""Engines: batched equals sequential, the paired design, losses as Keras computes them, history metrics."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn import metrics as skm

from lossmatch.comparison.datasets import load_dataset
from lossmatch.comparison.engine import (TrainConfig, _history_metric, _StackedMLP, batch_orders, initial_parameters,
                                         pairing_loss, train_batched, train_sequential)
from lossmatch import registry

PAIRINGS = ("softmax+cce", "sigmoid+bce", "softmax+bce", "sigmoid+cce")
ALTERNATIVES = ("softmax+gce", "softmax+sce", "softmax+mse", "linear+hinge")


@pytest.mark.parametrize(("name", "pairings", "noise"), [
    ("breast_cancer", PAIRINGS, 0.0),
    ("emotions", PAIRINGS, 0.0),
    ("breast_cancer", PAIRINGS[:1] + ALTERNATIVES, 0.3),  # one batched step trains them all, on each seed's noisy labels
    ("emotions", ("sigmoid+bce", "linear+hinge"), 0.1),
])
def test_batched_and_sequential_engines_agree(name, pairings, noise):
    data = load_dataset(name)
    jobs = [(p, s) for p in pairings for s in (0, 1)]
    config = TrainConfig(hidden=(16,), epochs=3, batch_size=32, label_noise=noise, label_smoothing=0.1 if noise else 0.0)
    batched, sequential = train_batched(data, jobs, config), train_sequential(data, jobs, config)
    for a, b in zip(batched, sequential):
        assert (a.pairing, a.seed) == (b.pairing, b.seed)
        np.testing.assert_allclose(a.history["loss"], b.history["loss"], rtol=1e-4)
        np.testing.assert_allclose(a.history["grad_norm"], b.history["grad_norm"], rtol=1e-4)
        assert a.extra.keys() == b.extra.keys()
        for key, value in a.extra.items():
            assert value == (pytest.approx(b.extra[key], abs=1e-4) if isinstance(value, float) else b.extra[key]), key
        for key, value in a.metrics.items():
            assert value == pytest.approx(b.metrics[key], abs=1e-4, nan_ok=True), key


def test_label_noise_is_shared_by_the_pairings_of_a_seed_and_differs_between_seeds():
    data = load_dataset("digits")
    config = TrainConfig(hidden=(8,), epochs=1, label_noise=0.4)
    runs = train_batched(data, [(p, s) for p in ("softmax+cce", "softmax+gce") for s in (0, 1)], config)
    changed = {(r.pairing, r.seed): r.extra["label_noise_changed"] for r in runs}
    assert changed[("softmax+cce", 0)] == changed[("softmax+gce", 0)] == pytest.approx(0.4, abs=1e-3)
    clean = train_batched(data, [("softmax+cce", 0)], TrainConfig(hidden=(8,), epochs=1))[0]
    assert "label_noise_changed" not in clean.extra
    assert runs[0].history["loss"] != clean.history["loss"]  # trained on other labels; the test labels are the same rows


def test_hinge_has_no_probability_metrics_and_its_ranking_metrics_are_measured():
    data = load_dataset("digits")
    run = train_batched(data, [("linear+hinge", 0)], TrainConfig(hidden=(16,), epochs=5))[0]
    assert run.extra["not_defined"] == ["log_loss", "ece", "binary_accuracy"]
    assert all(np.isnan(run.metrics[m]) for m in run.extra["not_defined"])
    assert run.metrics["top1_accuracy"] > 0.9 and run.reliability["confidence"] == []


def test_hinge_on_multilabel_data_is_one_binary_hinge_per_label():
    """Each label is its own margin (Keras' Hinge() on multi-hot rows), not the first label of the row; the F1
    curve thresholds the raw scores at 0, as the final micro-F1 does."""
    import lossmatch.losses as lm
    from lossmatch.comparison.engine import task_pairing

    data = load_dataset("emotions")
    assert task_pairing("linear+hinge", data).loss == "binary_hinge_loss"
    assert task_pairing("linear+hinge", load_dataset("digits")).loss == "multiclass_hinge_loss"
    logits = torch.randn(2, 8, data.n_classes)
    target = torch.as_tensor(data.y_train[:8], dtype=torch.float32).expand(2, 8, -1)
    got = pairing_loss(task_pairing("linear+hinge", data), logits, target, 0.0)
    want = torch.stack([lm.binary_hinge_loss(logits[m], target[m]) for m in range(2)])
    torch.testing.assert_close(got, want)
    run = train_batched(data, [("linear+hinge", 0)], TrainConfig(hidden=(16,), epochs=15))[0]
    assert run.metrics["f1_micro"] == pytest.approx(run.history["f1_micro"][-1], abs=1e-6)
    assert run.metrics["f1_micro"] > 0.62  # 0.68; trained on each row's first label only it read 0.57


def test_stacked_mlp_backward_equals_autograd_of_each_model():
    """The hand-written backward (feature-major bmm, ReLU mask) against autograd through nn.Linear layers."""
    torch.set_default_dtype(torch.float64)
    try:
        sizes = [5, 7, 4, 3]
        models = [initial_parameters(seed, sizes) for seed in range(3)]
        mlp = _StackedMLP(models)
        x = torch.randn(3, 6, 5)
        logits = mlp.forward(x, keep=True).requires_grad_()
        target = torch.randn(3, 6, 3)
        loss = ((logits - target) ** 2).sum()
        (grad,) = torch.autograd.grad(loss, logits)
        mlp.backward(grad)
        for m, layers in enumerate(models):
            params = [p.clone().requires_grad_() for layer in layers for p in layer]
            h = x[m]
            for i in range(0, len(params), 2):
                h = h @ params[i] + params[i + 1]
                h = torch.relu(h) if i + 2 < len(params) else h
            torch.testing.assert_close(h, logits[m].detach())
            want = torch.autograd.grad(((h - target[m]) ** 2).sum(), params)
            for i, (w, b) in enumerate(mlp.grads):
                torch.testing.assert_close(w[m], want[2 * i].T)
                torch.testing.assert_close(b[m, :, 0], want[2 * i + 1])
    finally:
        torch.set_default_dtype(torch.float32)


def test_paired_design_shares_initial_weights_and_order_per_seed():
    assert all(torch.equal(a, b) for (a, _), (b, _) in zip(initial_parameters(3, [5, 4, 2]), initial_parameters(3, [5, 4, 2])))
    assert not torch.equal(initial_parameters(3, [5, 4, 2])[0][0], initial_parameters(4, [5, 4, 2])[0][0])
    first, again = batch_orders(1, 50), batch_orders(1, 50)
    assert all(torch.equal(next(first), next(again)) for _ in range(3))
    # zero epochs of difference: with lr ~ 0, every pairing of a seed predicts from the same initial model
    data = load_dataset("breast_cancer")
    runs = train_batched(data, [("softmax+cce", 0), ("softmax+bce", 0)], TrainConfig(hidden=(8,), epochs=1, lr=1e-12))
    assert runs[0].metrics["top1_accuracy"] == runs[1].metrics["top1_accuracy"]


def test_pairing_losses_match_keras_formulas():
    logits = torch.randn(2, 6, 4)
    target = torch.zeros(2, 6, 4)
    target[..., 0] = 1
    target[:, :3, 2] = 1  # multi-hot rows
    p_soft, p_sig = torch.softmax(logits, -1), torch.sigmoid(logits)
    clip = lambda p: p.clamp(1e-7, 1 - 1e-7)  # noqa: E731
    expected = {
        "softmax+cce": -(target * torch.log_softmax(logits, -1)).sum(-1).mean(-1),
        "sigmoid+bce": torch.nn.functional.binary_cross_entropy_with_logits(logits, target, reduction="none").mean(-1).mean(-1),
        "softmax+bce": -(target * clip(p_soft).log() + (1 - target) * (1 - clip(p_soft)).log()).mean(-1).mean(-1),
        "sigmoid+cce": -(target * clip(p_sig / p_sig.sum(-1, keepdim=True)).log()).sum(-1).mean(-1),
    }
    for name, want in expected.items():
        torch.testing.assert_close(pairing_loss(registry.pairing(name), logits, target, 0.0), want, rtol=1e-5, atol=1e-6)


def test_history_metric_equals_sklearn():
    rng = np.random.default_rng(0)
    y = (rng.random((40, 5)) < 0.4).astype(np.float32)
    probs = rng.random((3, 40, 5)).astype(np.float32)
    got = _history_metric(torch.tensor(probs), torch.tensor(y), "multilabel")
    want = [skm.f1_score(y, p >= 0.5, average="micro") for p in probs]
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-6)
    onehot = np.eye(5, dtype=np.float32)[rng.integers(0, 5, 40)]
    got = _history_metric(torch.tensor(probs), torch.tensor(onehot), "multiclass")
    np.testing.assert_allclose(got.numpy(), [skm.accuracy_score(onehot.argmax(1), p.argmax(1)) for p in probs])


def test_default_training_reproduces_the_known_patterns():
    # not hard-coded anywhere: these come out of training (yeast: 3 seeds, the default configuration)
    data = load_dataset("yeast")
    runs = train_batched(data, [(p, s) for p in ("sigmoid+bce", "softmax+cce") for s in range(3)], TrainConfig())
    by = {p: [r.metrics for r in runs if r.pairing == p] for p in ("sigmoid+bce", "softmax+cce")}
    hamming = np.mean([m["hamming_loss"] for m in by["sigmoid+bce"]])
    f1 = np.mean([m["f1_micro"] for m in by["sigmoid+bce"]])
    assert 0.19 <= hamming <= 0.25 and 0.57 <= f1 <= 0.65
    assert max(m["f1_micro"] for m in by["softmax+cce"]) < f1 - 0.3
    assert max(r.extra["labels_per_row"] for r in runs if r.pairing == "softmax+cce") <= 1.0


def test_jobs_in_any_order_come_back_in_that_order_with_the_same_numbers():
    data = load_dataset("breast_cancer")
    config = TrainConfig(hidden=(8,), epochs=2)
    jobs = [("sigmoid+cce", 1), ("softmax+cce", 0), ("sigmoid+bce", 1), ("softmax+cce", 1), ("sigmoid+bce", 0)]
    shuffled = train_batched(data, jobs, config)
    assert [(r.pairing, r.seed) for r in shuffled] == jobs
    alone = {(r.pairing, r.seed): r for r in train_batched(data, sorted(jobs), config)}
    for run in shuffled:
        assert run.metrics == pytest.approx(alone[(run.pairing, run.seed)].metrics, abs=1e-6)
        assert run.output_units == (1 if run.pairing == "sigmoid+bce" else 2)


def test_early_stopping_engines_agree_and_keep_the_best_epoch():
    data = load_dataset("emotions")
    jobs = [(p, s) for p in PAIRINGS for s in (0, 1)]
    config = TrainConfig(hidden=(16,), epochs=40, patience=2)
    batched, sequential = train_batched(data, jobs, config), train_sequential(data, jobs, config)
    stopped = 0
    for a, b in zip(batched, sequential):
        assert a.extra["epochs_run"] == b.extra["epochs_run"] and a.extra["best_epoch"] == b.extra["best_epoch"]
        val = a.extra["history_val_loss"]
        assert len(a.history["loss"]) == len(val) == a.extra["epochs_run"]
        best = a.extra["best_epoch"]
        assert min(val) == pytest.approx(val[best - 1]) == pytest.approx(a.extra["best_val_loss"])
        if a.extra["epochs_run"] < 40:
            stopped += 1
            assert a.extra["epochs_run"] == best + 2  # patience 2: two epochs without improvement after the best
        for key, value in a.metrics.items():
            assert value == pytest.approx(b.metrics[key], abs=1e-4, nan_ok=True), key
    assert stopped >= len(jobs) // 2  # 40 epochs on 391 training rows overfits: most models stop early


def test_early_stopping_restores_the_best_weights():
    """The evaluated model is the best epoch's: training to exactly that epoch without early stopping gives
    the same test metrics."""
    data = load_dataset("emotions")
    job = [("sigmoid+bce", 0)]
    run = train_batched(data, job, TrainConfig(hidden=(16,), epochs=40, patience=2))[0]
    assert run.extra["epochs_run"] < 40
    # the same split and schedule, stopped by hand at the best epoch (patience so large it never triggers)
    same = train_batched(data, job, TrainConfig(hidden=(16,), epochs=run.extra["best_epoch"], patience=1000))[0]
    assert run.metrics == pytest.approx(same.metrics, abs=1e-6)


@pytest.mark.parametrize("train", [train_batched, train_sequential])
def test_epoch_state_is_drawn_as_epochs_run_not_up_front(monkeypatch, train):
    """100,000 epochs asked for, early stopping after a few: one permutation per seed and epoch run, no more."""
    calls = []
    randperm = torch.randperm

    def counted(*args, **kwargs):
        calls.append(1)
        return randperm(*args, **kwargs)

    monkeypatch.setattr(torch, "randperm", counted)
    data = load_dataset("breast_cancer")
    runs = train(data, [("softmax+cce", 0), ("softmax+cce", 1)], TrainConfig(hidden=(4,), epochs=100_000, patience=1,
                                                                         lr=1e-12))
    ran = [run.extra["epochs_run"] for run in runs]
    assert max(ran) < 50 and len(calls) <= sum(ran) + 2 * max(ran)
    assert all(len(run.history["loss"]) == epochs for run, epochs in zip(runs, ran))
