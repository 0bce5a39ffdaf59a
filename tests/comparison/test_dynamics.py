"""Training-dynamics notes: read from the runs' own curves, under noise and for MSE's start."""

from __future__ import annotations

from lossmatch.comparison.dynamics import curve_facts, notes
from lossmatch.comparison.engine import RunResult


def _run(pairing, seed, curve, noise=0.4):
    history = {"loss": [1.0] * len(curve), "top1_accuracy": curve, "grad_norm": [0.5] * len(curve)}
    return RunResult("d", pairing, seed, {}, history, {}, None, 3, {"label_noise": noise, "noise": "symmetric"},
                     "batched", 0.0)


def test_peak_then_decline_is_measured_and_explained():
    runs = [_run("softmax+cce", s, [0.5, 0.9, 0.8, 0.7]) for s in (0, 1)]
    runs += [_run("softmax+gce", s, [0.3, 0.6, 0.88 + 0.01 * s, 0.89 + 0.01 * s]) for s in (0, 1)]
    facts = {f["pairing"]: f for f in curve_facts(runs, "top1_accuracy", "softmax+cce")}
    assert facts["softmax+cce"] == {"pairing": "softmax+cce", "final": 0.7, "best": 0.9, "best_epoch": 2, "epochs": 4,
                                    "epochs_to_95": 2, "grad_norm_first": 0.5, "grad_norm_last": 0.5}
    assert facts["softmax+gce"]["epochs_to_95"] == 3  # 0.885 >= 0.95 * 0.9 first at epoch 3
    text = notes(runs, "top1_accuracy", "softmax+cce")
    assert text[0].startswith("Trained on labels with 40% symmetric noise")
    assert "softmax+cce peaks at 0.900 (epoch 2) and ends at 0.700, 0.200 below its best (cross-entropy" in text[1]
    assert "softmax+gce ends at 0.895, at its best (GCE scales" in text[2]


def test_clean_runs_get_no_noise_note_and_mse_gets_its_start():
    runs = [_run("softmax+cce", 0, [0.91, 0.95], noise=0.0), _run("softmax+mse", 0, [0.2, 0.5, 0.91], noise=0.0)]
    assert notes(runs, "top1_accuracy", "softmax+cce") == [
        "softmax+mse took 3 epochs to reach 95% of softmax+cce's best top1_accuracy, softmax+cce 1."]
    assert notes([], "top1_accuracy", None) == []
