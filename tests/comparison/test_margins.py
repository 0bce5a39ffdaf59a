"""The verdict rule: beyond the interval AND beyond a margin for worse/better, inside +-margin for same."""

from __future__ import annotations

import math
import re

import pytest

from lossmatch.comparison.engine import RunResult
from lossmatch.comparison.margins import (DEFAULT_MARGINS, Margin, decide, margin_for, parse_margin, resolve_margins,
                                          seeds_warning)
from lossmatch.comparison.stats import verdicts
from lossmatch.errors import ConfigError

HIGHER, LOWER = dict(lower_is_better=False), dict(lower_is_better=True)


@pytest.mark.parametrize(("delta", "low", "high", "margin", "want"), [
    (-0.05, -0.07, -0.03, 0.01, "worse"),         # excludes 0, beyond the margin
    (0.05, 0.03, 0.07, 0.01, "better"),
    (0.002, -0.004, 0.008, 0.01, "same"),         # equivalence: the whole interval inside +-0.01
    (0.0, -0.01, 0.01, 0.01, "same"),             # boundary: an interval touching +-margin is inside
    (0.0, -0.011, 0.011, 0.01, "inconclusive"),   # includes 0, reaches beyond the margin
    (0.02, -0.01, 0.05, 0.01, "inconclusive"),    # beyond the margin but the interval includes 0
    (-0.005, -0.015, -0.001, 0.01, "inconclusive"),  # a real difference too small to matter, not inside the margin
    (0.01, 0.005, 0.015, 0.01, "inconclusive"),   # boundary: exactly at the margin is not beyond it
    (-0.003, -0.003, -0.003, 0.01, "same"),       # zero width (every seed equal), inside the margin: no difference
    (-0.03, -0.03, -0.03, 0.01, "worse"),         # zero width beyond the margin: the difference itself matters
    (0.0, 0.0, 0.0, 0.0, "same"),                 # a zero margin and no difference at all
    (-1e-9, -1.2e-9, -0.8e-9, 0.004, "same"),     # the old "-0.000 (-0.000 to -0.000): better"
    (0.1, math.nan, math.nan, 0.01, "inconclusive"),  # one seed: no interval
    (math.nan, math.nan, math.nan, 0.01, "inconclusive"),
    (0.05, 0.03, 0.07, math.nan, "inconclusive"),  # a relative margin of a NaN mean
])
def test_decide_higher_is_better(delta, low, high, margin, want):
    assert decide(delta, low, high, margin, **HIGHER) == want


def test_decide_flips_direction_for_lower_is_better_metrics():
    assert decide(0.05, 0.03, 0.07, 0.01, **LOWER) == "worse"
    assert decide(-0.05, -0.07, -0.03, 0.01, **LOWER) == "better"
    assert decide(0.001, -0.002, 0.004, 0.01, **LOWER) == "same"


def test_default_margins_are_the_documented_ones():
    table = resolve_margins()
    assert table["top1_accuracy"] == table["f1_micro"] == table["exact_match"] == Margin(0.01)
    assert table["hamming_loss"] == Margin(0.005)
    assert table["log_loss"] == table["ece"] == table["brier"] == Margin(0.05, relative=True, floor=0.005)
    assert margin_for("log_loss", table).absolute(0.2) == pytest.approx(0.01)
    assert margin_for("log_loss", table).absolute(-0.2) == pytest.approx(0.01)
    assert str(table["ece"]) == "5% (at least 0.005)"
    assert margin_for("a_new_metric", table) == Margin(0.01)


@pytest.mark.parametrize(("mean", "want"), [(0.01, 0.005), (0.05, 0.005), (0.1, 0.005), (0.2, 0.01), (0.6, 0.03)])
def test_relative_defaults_never_fall_below_the_floor(mean, want):
    """5% of a tiny ECE (0.01) is 0.0005: without the floor a +0.003 ECE would be 'worse'."""
    assert margin_for("ece", resolve_margins()).absolute(mean) == pytest.approx(want)
    assert math.isnan(Margin(0.05, relative=True, floor=0.005).absolute(math.nan))


def test_a_tiny_ece_difference_on_a_well_calibrated_model_is_not_worse():
    runs = [r for s in range(5) for r in (_run("d", "softmax+cce", s, ece=0.010 + s * 1e-4),
                                          _run("d", "sigmoid+cce", s, ece=0.013 + s * 1.2e-4))]
    row = _found(runs)[("sigmoid+cce", "ece")]
    assert 0.002 < row["ci_low"] and row["ci_high"] < 0.004  # +0.003, an interval that excludes 0
    assert row["margin"] == pytest.approx(0.005) and row["margin_rule"] == "5% (at least 0.005)"
    assert row["verdict"] == "same"
    assert _found(runs, margins=resolve_margins({"ece": "5%"}))[("sigmoid+cce", "ece")]["verdict"] == "worse"
    assert resolve_margins({"ece": "5%"})["ece"].floor == 0.0  # a margin given is used as given
    assert _found(runs, margins=resolve_margins({"ece": 0.002}))[("sigmoid+cce", "ece")]["verdict"] == "worse"


def test_overrides_most_specific_key_wins():
    table = resolve_margins({"all": "0.03", "accuracy": 0.02, "binary_accuracy": "1%", "log_loss": "10%"})
    assert table["top1_accuracy"] == table["top5_accuracy"] == Margin(0.02)   # family beats all
    assert table["binary_accuracy"] == Margin(0.01, relative=True)             # metric beats family
    assert table["f1_macro"] == table["hamming_loss"] == table["ece"] == Margin(0.03)  # all beats the defaults
    assert table["log_loss"] == Margin(0.1, relative=True)
    assert resolve_margins({"f1": 0})["f1_micro"] == Margin(0.0)
    assert set(DEFAULT_MARGINS) <= set(resolve_margins())


@pytest.mark.parametrize("value", ["-0.01", "abc", "nan", "inf", "%", "", True, -1.0])
def test_bad_margin_values_are_one_line_errors(value):
    with pytest.raises(ConfigError, match=r"^Expected `margin.*`.*but got"):
        parse_margin(value)


def test_unknown_margin_key_is_an_error_naming_the_families():
    with pytest.raises(ConfigError, match=r"Expected `margin key` to be a metric name, a family \(accuracy, f1"):
        resolve_margins({"acuracy": 0.02})


def test_percent_and_plain_values():
    assert parse_margin("5%") == Margin(0.05, relative=True) and str(parse_margin("5%")) == "5%"
    assert parse_margin(" 0.02 ") == Margin(0.02) and str(Margin(0.02)) == "0.02"


def test_seeds_warning_below_three_seeds_only():
    assert "unreliable" in seeds_warning(2) and "1 degree of freedom" in seeds_warning(2)
    assert seeds_warning(3) is None and seeds_warning(5) is None


def _run(dataset, pairing, seed, extra=None, **metrics):
    return RunResult(dataset, pairing, seed, metrics, {}, {}, None, 3, {}, "batched", 0.0, extra=extra or {})


def _found(runs, task="multiclass", classes=10, margins=None):
    return {(v["pairing"], v["metric"]): v for v in verdicts(runs, {"d": task}, {"d": classes}, margins)}


def test_two_seeds_one_row_difference_with_zero_width_interval_is_not_worse():
    """The issue's case: --seeds 2, the pairing is one test row (of 360) worse on both seeds."""
    one_row = 1 / 360
    runs = [r for s in range(2) for r in (_run("d", "softmax+cce", s, top1_accuracy=0.95),
                                          _run("d", "softmax+bce", s, top1_accuracy=0.95 - one_row))]
    row = _found(runs)[("softmax+bce", "top1_accuracy")]
    assert row["ci_low"] == pytest.approx(row["ci_high"])  # zero width
    assert row["verdict"] == "same" and row["seeds"] == 2 and row["margin"] == 0.01
    assert _found(runs, margins=resolve_margins({"all": "0.001"}))[("softmax+bce", "top1_accuracy")]["verdict"] == "worse"


def test_relative_margin_is_a_share_of_the_matched_mean_and_recorded():
    runs = [r for s in range(3) for r in (_run("d", "softmax+cce", s, log_loss=0.20 + s * 1e-3),
                                          _run("d", "sigmoid+cce", s, log_loss=0.207 + 2 * s * 1e-3))]
    row = _found(runs)[("sigmoid+cce", "log_loss")]
    assert row["margin"] == pytest.approx(0.05 * 0.201) and row["margin_rule"] == "5% (at least 0.005)"
    assert row["verdict"] == "inconclusive"  # +0.008 (+0.0055 to +0.0105): excludes 0, within the margin, reaches beyond it
    assert "+0.00800 (95% t interval +0.00552 to +0.01048" in row["explanation"]
    assert "real but within the 0.01005 margin" in row["explanation"]
    assert _found(runs, margins=resolve_margins({"log_loss": "2%"}))[("sigmoid+cce", "log_loss")]["verdict"] == "worse"
    assert _found(runs, margins=resolve_margins({"log_loss": "10%"}))[("sigmoid+cce", "log_loss")]["verdict"] == "same"


def _sentences(text):
    return [s for s in re.split(r"(?<=[.:])\s+", text) if s]


@pytest.mark.parametrize("task", ["binary", "multiclass", "multilabel"])
def test_explanations_say_only_what_applies_and_nothing_twice(task):
    runs = []
    for seed in range(3):
        extra = {"labels_per_row": 1.0, "true_labels_per_row": 2.5}
        for pairing, shift in (("softmax+cce", 0.0), ("sigmoid+bce", 0.001), ("softmax+bce", -0.2), ("sigmoid+cce", -0.1)):
            runs.append(_run("d", pairing, seed, extra, top1_accuracy=0.8 + shift + seed / 100, f1_micro=0.6 + shift,
                             exact_match=0.3 + shift, hamming_loss=0.2 - shift, binary_accuracy=0.96 + shift / 10,
                             log_loss=0.4 - shift))
    found = verdicts(runs, {"d": task}, {"d": 2 if task == "binary" else 10})
    assert found
    for row in found:
        text = row["explanation"]
        sentences = _sentences(text)
        assert len(sentences) == len(set(sentences)), text
        assert ("at most one label can pass 0.5" in text) == (task == "multilabel" and row["pairing"].startswith("softmax")), text
        assert "Keras" in text and "torch" in text or row["pairing"] == "sigmoid+bce" and task != "multiclass", text
        assert f"{row['verdict']}, " in text
    if task == "multiclass":
        text = next(r["explanation"] for r in found if r["pairing"] == "softmax+bce" and r["metric"] == "binary_accuracy")
        assert "9 correct zeros" in text


def test_results_list_the_margin_of_every_metric_measured(monkeypatch):
    """A metric without its own default (one a later version adds) is listed with the fallback it was judged by."""
    import lossmatch
    from lossmatch.comparison import engine

    real = engine.TRAINERS["batched"]

    def with_new_metric(*args):
        import dataclasses

        return [dataclasses.replace(r, metrics={**r.metrics, "new_metric": 0.5}) for r in real(*args)]

    monkeypatch.setitem(engine.TRAINERS, "batched", with_new_metric)
    result = lossmatch.compare(["breast_cancer"], seeds=2, epochs=1, hidden=(4,), pairings=["softmax+cce", "sigmoid+cce"])
    assert result.config["margins"]["new_metric"] == "0.01" and result.config["margins"]["log_loss"] == "5% (at least 0.005)"
    assert set(result.config["margins"]) == set(result.runs[0].metrics)
