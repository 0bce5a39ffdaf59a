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
                  "average_precision_macro", "f1", "roc_auc", "average_precision"}  # the last three: binary, of class 1

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


def test_labels_most_rows_carry_are_imbalanced_but_get_no_pos_weight_below_1():
    y = np.zeros((100, 2), int)
    y[:90, 0] = 1
    y[:60, 1] = 1
    report = infer(y)
    rec = recommend(report)
    assert report.imbalance_ratio == pytest.approx(9.0)  # label 0: 90 positives per 10 negatives
    assert rec.pos_weight is None and not any("pos_weight" in note for note in rec.notes)
    y[4:, 1] = 0  # label 1 now rare: 24 negatives per positive
    rec = recommend(infer(y))
    np.testing.assert_allclose(rec.pos_weight, [10 / 90, 24.0], rtol=1e-3)
    assert any(note.startswith("Rare labels (up to 24.00 negatives per positive)") for note in rec.notes)


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


@pytest.mark.parametrize("labels", [
    np.tile(np.arange(1, 5), 6),  # 1-based multiclass
    np.tile([1, 2, 2], 8),  # 1-based binary
    np.tile([-1, 1, 1], 8),  # signed binary
    np.tile([0, 2, 5, 5], 6),  # gaps
])
def test_snippets_map_the_labels_they_talk_about(labels):
    report = advise(labels)
    raw = torch.as_tensor(labels)
    encoded = torch.as_tensor(encode(labels, report))
    namespace = {"in_features": 8}
    exec(report.snippets["pytorch"], namespace)  # noqa: S102 - our own generated code
    torch.testing.assert_close(namespace["to_targets"](raw), encoded)
    assert "lossmatch.labels.encode(y, report)" in report.snippets["pytorch"]
    logits = namespace["head"](torch.randn(len(labels), 8))
    expected_loss = (torch.nn.functional.cross_entropy(logits, encoded) if report.task == "multiclass" else
                     torch.nn.functional.binary_cross_entropy_with_logits(logits.squeeze(-1), encoded.float()))
    torch.testing.assert_close(namespace["loss_fn"](logits, raw), expected_loss)
    keras_namespace = {"in_features": 8}
    pytest.importorskip("keras")
    exec(report.snippets["keras"], keras_namespace)  # noqa: S102
    np.testing.assert_array_equal(keras_namespace["to_targets"](labels), encoded.numpy())
    assert "# model.fit(x, to_targets(y))" in report.snippets["keras"]


def test_string_label_snippets_name_encode_and_what_it_returns():
    multiclass = advise(np.array(["cat", "dog", "bird", "cat"])).snippets
    multilabel = advise(["a|b", "a", "b", ""] * 3).snippets
    for code in (*multiclass.values(), *multilabel.values()):
        assert "lossmatch.labels.encode(y, report) returns" in code and "to_targets" not in code
        assert max(len(line) for line in code.splitlines()) <= 120
    assert "int64 class indices 0..C-1" in multiclass["pytorch"]
    assert "int64 0/1 matrix (N, C)" in multilabel["keras"]


def test_metrics_for_rare_positives_put_pr_auc_and_f1_before_accuracy():
    rare = recommend(infer(np.r_[np.zeros(95, int), np.ones(5, int)]))
    assert rare.metrics[:2] == ("average_precision", "f1") and rare.metrics[-1] == "binary_accuracy"
    assert any("95.0%" in note for note in rare.notes)
    common = recommend(infer(np.r_[np.zeros(60, int), np.ones(40, int)]))
    assert common.metrics[0] == "binary_accuracy"
    sparse = np.zeros((200, 20), int)
    sparse[np.arange(200), np.arange(200) % 20] = 1  # one label of 20 per row: 5% of the entries
    sparse[::3, 0] = 1
    rec = recommend(infer(sparse))
    assert rec.metrics[0] == "average_precision_macro" and rec.metrics.index("f1_micro") < rec.metrics.index("exact_match")
    assert all(name in lossmatch.metrics.evaluate(np.r_[np.zeros(95, int), np.ones(5, int)], np.linspace(0, 1, 100),
                                                  task="binary", input_kind="probs") for name in rare.metrics)


def test_threshold_note_matches_what_pos_weight_does_to_the_optimum():
    """Weighted BCE on a constant logit: the optimum reports w p / (w p + 1 - p), so an output of 0.5 means p = 1/(1+w)
    and sigmoid(logit - log w) is p again, as the note says."""
    y = np.r_[np.zeros(95, int), np.ones(5, int)]
    rec = recommend(infer(y))
    w = rec.pos_weight
    (note,) = [n for n in rec.notes if "pos_weight moves the 0.5 threshold" in n]
    assert f"1/(1 + {w:.2f}) = {1 / (1 + w):.2f}" in note and f"log({w:.2f}) = {np.log(w):.2f}" in note
    assert "validation data" in note and "precision_recall_curve" in note
    logit = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    target = torch.as_tensor(y, dtype=torch.float64)
    optimizer = torch.optim.LBFGS([logit], line_search_fn="strong_wolfe")

    def closure():
        optimizer.zero_grad()
        loss = lossmatch.binary_cross_entropy_with_logits(logit.expand(len(y)), target, pos_weight=torch.tensor(w))
        loss.backward()
        return loss

    for _ in range(5):
        optimizer.step(closure)
    p = y.mean()
    assert torch.sigmoid(logit).item() == pytest.approx(w * p / (w * p + 1 - p), abs=1e-6)
    assert torch.sigmoid(logit - np.log(w)).item() == pytest.approx(p, abs=1e-6)
    assert "choose it on validation data" in advise(y).snippets["pytorch"]


def test_advise_text_prints_ratios_and_weights_with_two_decimals(capsys):
    from lossmatch.cli.advise import render_text

    text = render_text(advise(np.r_[np.zeros(86, int), np.ones(14, int)]).to_dict())
    prose, code = text.split("PyTorch:")
    assert "imbalance ratio: 6.14" in prose and "pos_weight: 6.14" in prose and "6.1429" not in prose
    assert "pos_weight = torch.tensor(6.1429)" in code  # code keeps the exact value
    assert "threshold: 0.50  (a starting point" in text


@pytest.mark.parametrize(("labels", "says"), [
    (np.array(["cat", "dog", "cat", "bird"]), "returns them as int64 (N,)"),
    (np.array(["a|b", "", "b", "a"] * 3), "returns it as int64 (N, C)"),
])
def test_string_notes_say_what_encode_returns(labels, says):
    report = advise(labels)
    (note,) = [n for n in report.recommendation.notes if "lossmatch.labels.encode(y, report)" in n]
    encoded = encode(labels, report)
    assert says in note and encoded.dtype == np.int64
    assert encoded.shape == ((len(labels),) if report.task != "multilabel" else (len(labels), report.n_classes))
