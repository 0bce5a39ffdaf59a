"""Recommendations read from the registry, weights against scikit-learn, the model check, and snippets that run."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.utils.class_weight import compute_class_weight

import lossmatch
from lossmatch.labels import advise, check_model, encode, infer, recommend
from lossmatch.registry import REGISTRY

DESIGN_METRICS = {"top1_accuracy", "top5_accuracy", "binary_accuracy", "exact_match", "hamming_loss", "f1_micro",
                  "f1_macro", "precision_macro", "recall_macro", "log_loss", "ece", "roc_auc_macro",
                  "average_precision_macro"}

CASES = [
    ([0, 1, 1, 0], "binary_cross_entropy_with_logits", 1),
    (np.arange(30) % 7, "sparse_categorical_cross_entropy_with_logits", 7),
    (np.eye(4)[[0, 1, 2, 3, 1]], "categorical_cross_entropy_with_logits", 4),
    (np.array([[0.2, 0.8, 0.0], [0.5, 0.25, 0.25]]), "categorical_cross_entropy_with_logits", 3),
    (np.array([[1, 0, 1], [0, 1, 1], [1, 1, 0]]), "binary_cross_entropy_with_logits", 3),
    (np.array([[0, 2], [1, 0], [2, 1], [0, 0]]), "sparse_categorical_cross_entropy_with_logits", 6),
]


@pytest.mark.parametrize(("labels", "loss", "units"), CASES)
def test_loss_activation_units_from_registry(labels, loss, units):
    report = advise(labels)
    rec = report.recommendation
    assert (rec.loss, rec.output_units) == (loss, units)
    assert rec.activation == REGISTRY[loss].activation
    assert report.task in REGISTRY[loss].tasks or report.task == "multioutput"
    assert set(rec.metrics) <= DESIGN_METRICS
    if report.task in ("multiclass", "multioutput"):
        assert "binary_accuracy" not in rec.metrics and "top1_accuracy" in rec.metrics
    if report.task == "multilabel":
        assert rec.threshold == 0.5 and "exact_match" in rec.metrics


def test_one_hot_note_mentions_sparse():
    rec = recommend(infer(np.eye(3)[[0, 1, 2, 1]]))
    assert any("sparse_categorical_cross_entropy_with_logits" in note for note in rec.notes)


def test_class_weight_is_sklearn_balanced():
    y = np.r_[np.zeros(80, int), np.ones(15, int), np.full(5, 2)]
    rec = recommend(infer(y))
    expected = compute_class_weight("balanced", classes=np.arange(3), y=y)
    np.testing.assert_allclose(rec.class_weight, expected, atol=1e-4)
    assert recommend(infer(np.arange(90) % 3)).class_weight is None  # balanced labels: no weights


def test_pos_weight_binary_and_multilabel():
    rec = recommend(infer(np.r_[np.zeros(95, int), np.ones(5, int)]))
    assert rec.pos_weight == pytest.approx(19.0)
    y = np.zeros((100, 3), int)
    y[:50, 0] = 1
    y[:4, 1] = 1
    y[:2, 2] = 1
    rec = recommend(infer(y))
    np.testing.assert_allclose(rec.pos_weight, [1.0, 24.0, 49.0])


def test_large_vocabulary_points_to_linear_cross_entropy():
    y = np.arange(40_000)
    rec = recommend(infer(y))
    assert rec.loss == "linear_cross_entropy" and rec.output_units == 40_000
    assert any("materialising" in note for note in rec.notes)


def test_linear_cross_entropy_snippet_runs_and_equals_torch():
    report = advise(np.arange(40_000))
    namespace = {"in_features": 16}
    exec(report.snippets["pytorch"], namespace)  # noqa: S102
    hidden, target = torch.randn(32, 16), torch.randint(0, 40_000, (32,))
    head = namespace["head"]
    torch.testing.assert_close(namespace["loss_fn"](hidden, target),
                               torch.nn.functional.cross_entropy(head.logits(hidden), target))


@pytest.mark.parametrize(("labels", "units", "activation", "matches"), [
    ([0, 1, 1], 1, "sigmoid", True),
    ([0, 1, 1], 1, "linear", True),
    ([0, 1, 1], 2, "softmax", True),
    ([0, 1, 1], 1, "softmax", False),
    ([0, 1, 2], 3, "softmax", True),
    ([0, 1, 2], 3, "sigmoid", False),
    ([0, 1, 2], 4, "softmax", False),
    (np.array([[1, 0, 1], [0, 1, 1]]), 3, "sigmoid", True),
    (np.array([[1, 0, 1], [0, 1, 1]]), 3, "softmax", False),
])
def test_model_check(labels, units, activation, matches):
    report = infer(labels)
    check = check_model(report, recommend(report), units, activation)
    assert check.matches is matches
    assert bool(check.problems) is (not matches)


def test_model_check_explains_with_registry_pairings():
    report = infer(np.array([[1, 0, 1], [0, 1, 1]]))
    check = check_model(report, recommend(report), 3, "softmax")
    assert lossmatch.PAIRINGS["softmax+bce"].explanation in check.problems[0]


def _run_pytorch(report, labels):
    namespace = {"in_features": 8}
    exec(report.snippets["pytorch"], namespace)  # noqa: S102 - our own generated code
    target = torch.as_tensor(encode(labels, report))
    torch.manual_seed(0)
    hidden = torch.randn(target.shape[0], 8)
    if "heads" in namespace:
        return namespace, [head(hidden) for head in namespace["heads"]], target
    return namespace, namespace["head"](hidden), target


def test_pytorch_snippet_multilabel_equals_torch():
    y = np.zeros((40, 3), int)
    y[:20, 0] = 1
    y[:3, 1] = 1
    y[::2, 2] = 1
    report = advise(y)
    ns, logits, target = _run_pytorch(report, y)
    reference = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor([1.0, 37 / 3, 1.0]))(logits, target.float())
    torch.testing.assert_close(ns["loss_fn"](logits, target), reference, atol=1e-3, rtol=1e-3)


def test_pytorch_snippet_multiclass_weights_equal_torch():
    y = np.r_[np.zeros(40, int), np.ones(8, int), np.full(4, 2)]
    report = advise(y)
    ns, logits, target = _run_pytorch(report, y)
    weight = torch.tensor(report.recommendation.class_weight)
    reference = torch.nn.CrossEntropyLoss(weight=weight)(logits, target)
    torch.testing.assert_close(ns["loss_fn"](logits, target), reference)


def test_pytorch_snippet_binary_and_multioutput_run():
    y = np.array([0, 1, 1, 0, 1])
    ns, logits, target = _run_pytorch(advise(y), y)
    reference = torch.nn.BCEWithLogitsLoss()(logits.squeeze(-1), target.float())
    torch.testing.assert_close(ns["loss_fn"](logits, target), reference)
    assert ns["predict"](logits).shape == (5, 1)
    y = np.array([[0, 2], [1, 0], [2, 1], [0, 0]])
    ns, logits, target = _run_pytorch(advise(y), y)
    reference = sum(torch.nn.functional.cross_entropy(lg, target[:, j]) for j, lg in enumerate(logits))
    torch.testing.assert_close(ns["loss_fn"](logits, target), reference)


@pytest.mark.filterwarnings("error::lossmatch.LossInputWarning")  # Keras builds losses on a tensor of ones: no false alarm
def test_keras_snippets_compile():
    pytest.importorskip("keras")
    for labels in (np.array([[1, 0, 1], [0, 1, 0], [0, 0, 1], [0, 0, 1], [0, 0, 1], [0, 0, 1]]),
                   np.r_[np.zeros(40, int), np.ones(8, int), np.full(4, 2)]):
        report = advise(labels)
        namespace = {"in_features": 8}
        exec(report.snippets["keras"], namespace)  # noqa: S102
        model = namespace["model"]
        assert model.output_shape == (None, report.recommendation.output_units)
        x = (20 * np.random.default_rng(0).normal(size=(len(labels), 8))).astype("float32")
        y = encode(labels, report).astype("float32")
        assert np.isfinite(model.evaluate(x, y, verbose=0))
        if report.recommendation.class_weight is not None:
            assert namespace["class_weight"] == dict(enumerate(report.recommendation.class_weight))
