"""lossmatch.metrics equals scikit-learn on the same arrays; ECE, temperature and input-kind detection."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm

from lossmatch.errors import DataError
from lossmatch.metrics import (apply_temperature, brier_score, detect_input_kind, evaluate, expected_calibration_error,
                               fit_temperature, per_label_f1, reliability_curve)

RNG = np.random.default_rng(0)


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_multiclass_metrics_equal_sklearn():
    z = RNG.normal(size=(300, 8)) * 2
    y = (z + RNG.normal(size=z.shape) * 2).argmax(axis=1)
    p = _softmax(z)
    got = evaluate(y, z)  # logits, detected
    predicted = p.argmax(axis=1)
    assert got["top1_accuracy"] == pytest.approx(skm.accuracy_score(y, predicted))
    assert got["top5_accuracy"] == pytest.approx(skm.top_k_accuracy_score(y, p, k=5))
    assert got["f1_macro"] == pytest.approx(skm.f1_score(y, predicted, average="macro"))
    assert got["precision_macro"] == pytest.approx(skm.precision_score(y, predicted, average="macro", zero_division=0))
    assert got["recall_macro"] == pytest.approx(skm.recall_score(y, predicted, average="macro"))
    assert got["log_loss"] == pytest.approx(skm.log_loss(y, p))
    onehot = np.eye(8)[y]
    assert got["binary_accuracy"] == pytest.approx(((p >= 0.5) == onehot).mean())
    assert evaluate(y, p, input_kind="probs") == pytest.approx(got)


def test_one_sigmoid_unit_metrics_equal_sklearn():
    p1 = RNG.random(200)
    y = (RNG.random(200) < p1).astype(int)
    got = evaluate(y, p1[:, None], task="binary", input_kind="probs")
    assert got["top1_accuracy"] == pytest.approx(skm.accuracy_score(y, p1 >= 0.5))
    assert got["binary_accuracy"] == pytest.approx(skm.accuracy_score(y, p1 >= 0.5))
    assert got["log_loss"] == pytest.approx(skm.log_loss(y, np.column_stack([1 - p1, p1])))
    assert got["roc_auc"] == pytest.approx(skm.roc_auc_score(y, p1))


def test_binary_accuracy_exposes_inflation():
    y = RNG.integers(0, 10, 500)
    p = np.full((500, 10), 0.05)  # predicts nothing: top-1 is chance, binary accuracy counts 9 zeros per row
    p[np.arange(500), RNG.integers(0, 10, 500)] = 0.55
    got = evaluate(y, p, task="multiclass", input_kind="probs")
    assert got["binary_accuracy"] > 0.8 > 0.2 > got["top1_accuracy"]


def test_multilabel_metrics_equal_sklearn():
    y = (RNG.random((200, 6)) < 0.3).astype(int)
    p = np.clip(y * 0.6 + RNG.random((200, 6)) * 0.5, 0, 1)
    got = evaluate(y, p, input_kind="probs")
    predicted = (p >= 0.5).astype(int)
    assert got["exact_match"] == pytest.approx(skm.accuracy_score(y, predicted))
    assert got["hamming_loss"] == pytest.approx(skm.hamming_loss(y, predicted))
    assert got["f1_micro"] == pytest.approx(skm.f1_score(y, predicted, average="micro"))
    assert got["f1_macro"] == pytest.approx(skm.f1_score(y, predicted, average="macro"))
    assert got["average_precision_macro"] == pytest.approx(skm.average_precision_score(y, p, average="macro"))
    assert got["roc_auc_macro"] == pytest.approx(skm.roc_auc_score(y, p, average="macro"))
    assert got["log_loss"] == pytest.approx(np.mean([skm.log_loss(y[:, j], p[:, j], labels=[0, 1]) for j in range(6)]))
    assert per_label_f1(y, p) == pytest.approx(list(skm.f1_score(y, predicted, average=None)))


def test_binary_one_unit_and_two_unit_heads_get_the_same_metrics():
    y = RNG.integers(0, 2, 150)
    p1 = np.clip(0.3 * y + RNG.random(150) * 0.7, 0, 1)
    one = evaluate(y, p1[:, None], task="binary", input_kind="probs")
    two = evaluate(y, np.column_stack([1 - p1, p1]), task="binary", input_kind="probs")
    assert one == pytest.approx(two)
    assert one["roc_auc"] == pytest.approx(skm.roc_auc_score(y, p1))
    assert one["f1"] == pytest.approx(skm.f1_score(y, (p1 >= 0.5).astype(int)))


def test_ece_against_a_hand_computed_reference():
    # binary pooled view, two bins: (0, .5] holds p=.2,.4 (y 0,1) and (.5, 1] holds p=.6,.8,1.0 (y 1,1,0)
    p = np.array([0.2, 0.4, 0.6, 0.8, 1.0])
    y = np.array([0, 1, 1, 1, 0])
    reference = 2 / 5 * abs(0.5 - 0.3) + 3 / 5 * abs(2 / 3 - 0.8)
    assert expected_calibration_error(y, p, task="binary", n_bins=2) == pytest.approx(reference)
    curve = reliability_curve(y, p, task="binary", n_bins=2)
    assert curve["count"] == [2, 3]
    # top-label view for multiclass
    probs = np.array([[0.9, 0.1], [0.6, 0.4], [0.3, 0.7]])
    labels = np.array([0, 1, 1])
    assert expected_calibration_error(labels, probs, task="multiclass", n_bins=1) == pytest.approx(abs(2 / 3 - (0.9 + 0.6 + 0.7) / 3))
    assert brier_score(labels, probs) == pytest.approx(np.mean(((probs - np.eye(2)[labels]) ** 2).sum(axis=1)))


def test_fit_temperature_recovers_overconfidence_and_lowers_nll():
    true_logits = RNG.normal(size=(4000, 5)) * 1.5
    y = np.array([RNG.choice(5, p=row) for row in _softmax(true_logits)])
    overconfident = true_logits * 3
    t = fit_temperature(overconfident, y)
    assert t == pytest.approx(3.0, rel=0.12)
    assert skm.log_loss(y, _softmax(apply_temperature(overconfident, t))) < skm.log_loss(y, _softmax(overconfident))
    assert fit_temperature(overconfident, y) == t  # deterministic


@pytest.mark.parametrize("make, kind, ambiguous", [
    (lambda z: _softmax(z), "probs", False),
    (lambda z: 1 / (1 + np.exp(-z)), "probs", True),
    (lambda z: np.log(_softmax(z)), "log_probs", False),
    (lambda z: z * 3, "logits", False),
    (lambda z: -np.abs(z[:, :1]), "logits", True),
])
def test_detect_input_kind(make, kind, ambiguous):
    found = detect_input_kind(make(RNG.normal(size=(50, 4))))
    assert (found.kind, found.ambiguous) == (kind, ambiguous)
    assert found.evidence


def test_bad_input_is_one_line():
    with pytest.raises(DataError, match="one row per target row"):
        evaluate(np.zeros(3, int), np.zeros((4, 2)))
    with pytest.raises(DataError, match="finite"):
        evaluate(np.zeros(2, int), np.array([[np.nan, 1.0], [0.0, 1.0]]))
    with pytest.raises(DataError, match=r"\[0, 1\]"):
        evaluate(np.zeros(2, int), np.array([[2.0, -1.0], [0.0, 1.0]]), input_kind="probs")
