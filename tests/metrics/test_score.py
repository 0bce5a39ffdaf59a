"""score(): metrics, calibration before/after temperature and the warnings, on arrays with known answers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import log_loss

from lossmatch.errors import DataError
from lossmatch.metrics import evaluate, expected_calibration_error, score


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@pytest.fixture(scope="module")
def overconfident():
    """Labels drawn from softmax(z); the model reports 3 z, so the fitted temperature should be ~3."""
    rng = np.random.default_rng(0)
    z = rng.normal(size=(3000, 10)) * 1.5
    p = _softmax(z)
    y = (p.cumsum(axis=1) > rng.random((3000, 1))).argmax(axis=1)
    return y, 3.0 * z


def test_temperature_recovered_and_calibration_improves(overconfident):
    y, logits = overconfident
    report = score(y, logits)
    cal = report.calibration
    assert report.task == "multiclass" and report.n_classes == 10 and report.input_kind.kind == "logits"
    assert cal["temperature"] == pytest.approx(3.0, rel=0.1)
    assert cal["nll_after_temperature"] < cal["nll"] and cal["ece_after_temperature"] < cal["ece"] / 3
    assert cal["nll"] == pytest.approx(log_loss(y, _softmax(logits), labels=np.arange(10)))
    assert cal["ece"] == pytest.approx(expected_calibration_error(y, _softmax(logits)))
    assert report.metrics == evaluate(y, logits)


def test_probabilities_and_log_probabilities_give_the_logits_answer(overconfident):
    y, logits = overconfident
    reference = score(y, logits).calibration
    p = _softmax(logits)
    for scores, kind in ((p, "probs"), (np.log(p), "log_probs")):
        report = score(y, scores)
        assert report.input_kind.kind == kind
        for key, value in reference.items():
            assert report.calibration[key] == pytest.approx(value, rel=1e-3, abs=1e-4), (kind, key)


def test_inflated_binary_accuracy_is_warned_with_both_numbers(overconfident):
    y, logits = overconfident
    report = score(y, logits)
    top1, binary = report.metrics["top1_accuracy"], report.metrics["binary_accuracy"]
    assert binary - top1 > 0.2
    assert any(f"{binary:.2f} binary accuracy vs {top1:.2f} top-1" in w for w in report.warnings)


def test_good_model_is_not_warned_about_inflation():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 4, 500)
    logits = np.eye(4)[y] * 6 + rng.normal(size=(500, 4)) * 0.1
    assert not any("binary accuracy" in w for w in score(y, logits).warnings)


def _multilabel(seed=2, n=800, labels=6):
    rng = np.random.default_rng(seed)
    y = (rng.random((n, labels)) < 0.45).astype(np.int64)
    return y, rng.normal(size=(n, labels)) + 2.5 * (y - 0.5)


def test_softmax_on_multilabel_is_warned_and_sigmoid_is_not():
    y, z = _multilabel()
    softmax_report = score(y, _softmax(z))
    assert softmax_report.task == "multilabel"
    assert any("softmax outputs on a multi-label task" in w for w in softmax_report.warnings)
    assert (_softmax(z) >= 0.5).sum(axis=1).max() <= 1
    sigmoid_report = score(y, 1 / (1 + np.exp(-z)), input_kind="probs")
    assert not sigmoid_report.warnings
    assert sigmoid_report.metrics["f1_micro"] > softmax_report.metrics["f1_micro"] + 0.2


def test_multilabel_calibration_pools_every_output():
    y, z = _multilabel()
    report = score(y, z)
    p = 1 / (1 + np.exp(-z))
    assert report.calibration["nll"] == pytest.approx(log_loss(y.ravel(), p.ravel()))
    assert report.calibration["brier"] == pytest.approx(((p - y) ** 2).mean())
    assert report.n_classes == 6


def test_probabilities_passed_as_logits_are_warned(overconfident):
    y, logits = overconfident
    report = score(y, _softmax(logits), input_kind="logits")
    assert any("probabilities passed as logits" in w for w in report.warnings)


def test_binary_single_column_uses_probability_of_class_one():
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 1000)
    z = 4 * (y - 0.5) + rng.normal(size=1000) * 2
    report = score(y, z)
    p = 1 / (1 + np.exp(-z))
    assert report.task == "binary" and report.n_classes == 2
    assert report.calibration["ece"] == pytest.approx(expected_calibration_error(y, p, task="binary"))
    assert report.calibration["ece"] == pytest.approx(report.metrics["ece"])
    assert report.calibration["brier"] == pytest.approx(((p - y) ** 2).mean())
    two_column = score(y, np.column_stack([np.zeros_like(z), z]))
    assert two_column.calibration["ece"] == pytest.approx(report.calibration["ece"])
    assert two_column.calibration["temperature"] == pytest.approx(report.calibration["temperature"], rel=1e-3)


def test_ambiguous_input_kind_is_said():
    rng = np.random.default_rng(4)
    y = (rng.random((200, 3)) < 0.5).astype(int)
    report = score(y, rng.random((200, 3)))
    assert report.input_kind.ambiguous and any("ambiguous" in w for w in report.warnings)


@pytest.mark.parametrize("target, scores, words", [
    (np.zeros(5, int), np.zeros((4, 3)), "one row per target row"),
    (np.ones((5, 3), int), np.zeros((5, 4)), "one column per"),
    (np.zeros(3, int), np.array([[0.1, np.nan], [0, 1], [1, 0]]), "finite"),
])
def test_bad_arrays_raise_one_message(target, scores, words):
    with pytest.raises(DataError, match=words):
        score(target, scores)


def test_fit_fraction_fits_on_one_part_and_scores_the_other():
    rng = np.random.default_rng(1)
    z = rng.normal(size=(600, 4)) * 2
    y = (_softmax(z).cumsum(axis=1) > rng.random((600, 1))).argmax(axis=1)
    logits = 3 * z  # overconfident by T = 3
    report = score(y, logits, fit_fraction=0.5, seed=7)
    fit = report.temperature_fit
    assert fit == {"in_sample": False, "fit_fraction": 0.5, "seed": 7, "fit_rows": 300, "scored_rows": 300, "note": fit["note"]}
    order = np.random.default_rng(7).permutation(600)
    fit_rows, scored_rows = np.sort(order[:300]), np.sort(order[300:])
    from lossmatch.metrics import fit_temperature

    assert report.calibration["temperature"] == pytest.approx(fit_temperature(logits[fit_rows], y[fit_rows]))
    t = report.calibration["temperature"]
    held_out = _softmax(logits[scored_rows])
    after = _softmax(logits[scored_rows] / t)
    assert report.calibration["ece"] == pytest.approx(expected_calibration_error(y[scored_rows], held_out))
    assert report.calibration["ece_after_temperature"] == pytest.approx(expected_calibration_error(y[scored_rows], after))
    onehot = np.eye(4)[y[scored_rows]]
    assert report.calibration["brier"] == pytest.approx(((held_out - onehot) ** 2).sum(axis=1).mean())
    assert report.calibration["brier_after_temperature"] == pytest.approx(((after - onehot) ** 2).sum(axis=1).mean())
    assert report.calibration["brier_after_temperature"] < report.calibration["brier"]
    assert report.metrics["top1_accuracy"] == pytest.approx(float((logits.argmax(1) == y).mean()))  # every row
    in_sample = score(y, logits)
    assert in_sample.temperature_fit["in_sample"] and in_sample.temperature_fit["scored_rows"] == 600
    assert score(y, logits, fit_fraction=0.5, seed=7).calibration == report.calibration  # the seed fixes the split


def test_sigmoid_outputs_on_a_multiclass_task_are_explained():
    rng = np.random.default_rng(2)
    z = rng.normal(size=(200, 5)) * 2
    y = z.argmax(axis=1)
    sigmoid = 1 / (1 + np.exp(-z))
    report = score(y, sigmoid, task="multiclass")
    text = [w for w in report.warnings if "sigmoid outputs on a single-label task" in w]
    assert len(text) == 1 and "divided by its sum" in text[0]
    assert not any("sigmoid outputs on a single-label" in w for w in score(y, _softmax(z)).warnings)


def test_string_labels_and_label_sets_score_as_the_cli_reads_them():
    """score/evaluate in Python take what `lossmatch score` takes: strings as sorted classes, tag sets as a 0/1
    matrix, the same set detection (one place: lossmatch.labels.infer)."""
    rng = np.random.default_rng(0)
    names = np.array(["bird", "cat", "dog"])
    index = rng.integers(0, 3, 60)
    probs = rng.dirichlet([1.0, 1.0, 1.0], 60)
    assert score(list(names[index]), probs).metrics == score(index, probs).metrics
    fixture = Path(__file__).parents[1] / "labels" / "fixtures" / "kaggle_tags.csv"
    tags = [line.split(",", 1)[1] for line in fixture.read_text().splitlines()[1:]]  # 'news|sport', 'tech', '', ...
    matrix = np.array([[tag in row.split("|") for tag in ("art", "news", "sport", "tech")] for row in tags], dtype=np.int64)
    scores = rng.random((len(tags), 4))
    report = score(tags, scores, input_kind="probs")
    assert report.task == "multilabel" and report.n_classes == 4
    assert report.metrics == score(matrix, scores, input_kind="probs").metrics
    assert evaluate(tags, scores, input_kind="probs") == evaluate(matrix, scores, input_kind="probs")
    ragged = [row.split("|") if row else [] for row in tags]  # lists of labels of different lengths
    assert evaluate(ragged, scores, input_kind="probs") == evaluate(matrix, scores, input_kind="probs")


def test_a_guessed_split_is_warned_at_the_callers_line():
    tags = ["a", "b"] * 20 + ["a|b"] * 2
    with pytest.warns(UserWarning, match=r"a guess; pass --no-split .*\(in Python: no_split=True") as caught:
        score(tags, np.random.default_rng(0).random((42, 2)), input_kind="probs")
    assert caught[0].filename == __file__
    with pytest.raises(DataError, match="empty value"):
        score(["a", "", "b"] * 10, np.random.default_rng(0).random((30, 2)), no_split=True)


def test_rare_positives_put_pr_auc_and_f1_first_and_warn_with_the_all_negative_accuracy():
    rng = np.random.default_rng(0)
    y = (rng.random(1000) < 0.04).astype(int)
    report = score(y, rng.normal(size=1000) + 2 * y)
    rate = y.mean()
    assert report.headline == ("average_precision", "f1") and list(report.metrics)[:2] == ["average_precision", "f1"]
    assert list(report.to_dict()["metrics"])[:2] == ["average_precision", "f1"] and report.to_dict()["headline"] == ["average_precision", "f1"]
    (warning,) = [w for w in report.warnings if "positive rate" in w]
    assert f"positive rate {rate:.1%}" in warning and f"accuracy {1 - rate:.4f}" in warning and "ROC-AUC" in warning
    balanced = (rng.random(1000) < 0.3).astype(int)
    report = score(balanced, rng.normal(size=1000) + 2 * balanced)
    assert report.headline[0] == "top1_accuracy" and not any("positive rate" in w for w in report.warnings)


def test_a_rare_label_puts_macro_pr_auc_and_f1_first_on_multilabel():
    rng = np.random.default_rng(1)
    y = (rng.random((800, 3)) < [0.03, 0.4, 0.5]).astype(int)
    report = score(y, rng.normal(size=(800, 3)) + 2 * y)
    assert list(report.metrics)[:2] == ["average_precision_macro", "f1_macro"]
    (warning,) = [w for w in report.warnings if "positive rate" in w]
    assert warning.startswith(f"1 of 3 labels have a positive rate under 10% (lowest {y[:, 0].mean():.1%}, label 0)")
    assert f"binary_accuracy {1 - y.mean():.4f}" in warning
    common = (rng.random((800, 3)) < 0.4).astype(int)
    assert not any("positive rate" in w for w in score(common, rng.normal(size=(800, 3)) + 2 * common).warnings)
