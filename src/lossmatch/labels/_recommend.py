"""Recommendation from a :class:`LabelReport`: the registry's loss, its activation, units, metrics and weights.

Loss facts (activation, target format, tasks) are read from :mod:`lossmatch.registry`; this module only
decides which entry fits the labels and which numbers (class weights, ``pos_weight``) the imbalance calls for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from lossmatch._messages import expected
from lossmatch.errors import ConfigError
from lossmatch.labels._infer import LabelReport, identifier_warning
from lossmatch.registry import PAIRINGS, get

__all__ = ["ModelCheck", "Recommendation", "check_model", "recommend"]

IMBALANCE_FOR_WEIGHTS = 3.0
RARE_POSITIVES = 0.1  # below this share of positives, ranking and F1 come before accuracy
LARGE_VOCABULARY = 32_768
ACTIVATIONS = ("sigmoid", "softmax", "linear")
_LABEL_FORMATS = {
    "binary": "float 0/1 targets of shape (N,) (or (N, 1))",
    "soft_binary": "float P(class 1) targets in [0, 1] of shape (N,)",
    "index": "int64 class indices 0..C-1 of shape (N,)",
    "one_hot": "float one-hot rows of shape (N, C)",
    "soft": "float rows of probabilities summing to 1, shape (N, C)",
    "multi_hot": "float 0/1 matrix of shape (N, C), one column per label",
}


@dataclass(frozen=True)
class Recommendation:
    loss: str
    activation: str
    output_units: int
    label_format: str
    metrics: tuple[str, ...]
    class_weight: tuple[float, ...] | None
    pos_weight: float | tuple[float, ...] | None
    threshold: float | None
    notes: tuple[str, ...]
    target: str = "index"

    def to_dict(self) -> dict[str, Any]:
        return {
            "loss": self.loss,
            "activation": self.activation,
            "output_units": self.output_units,
            "label_format": self.label_format,
            "metrics": list(self.metrics),
            "class_weight": list(self.class_weight) if self.class_weight is not None else None,
            "pos_weight": list(self.pos_weight) if isinstance(self.pos_weight, tuple) else self.pos_weight,
            "threshold": self.threshold,
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class ModelCheck:
    units: int
    activation: str
    matches: bool
    problems: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"units": self.units, "activation": self.activation, "matches": self.matches, "problems": list(self.problems)}


def _single_label_metrics(n_classes: int) -> tuple[str, ...]:
    top5 = ("top5_accuracy",) if n_classes > 5 else ()
    return ("top1_accuracy", *top5, "f1_macro", "precision_macro", "recall_macro", "log_loss", "ece")


_MULTILABEL_METRICS = ("exact_match", "hamming_loss", "f1_micro", "f1_macro", "roc_auc_macro", "average_precision_macro", "ece")
_RARE_MULTILABEL_METRICS = ("average_precision_macro", "f1_micro", "f1_macro", "roc_auc_macro", "hamming_loss",
                            "exact_match", "ece")
# binary: `f1`, `roc_auc` and `average_precision` (PR-AUC) score class 1, the positive class
_BINARY_METRICS = ("binary_accuracy", "f1", "roc_auc", "average_precision", "log_loss", "ece")
_RARE_BINARY_METRICS = ("average_precision", "f1", "roc_auc", "log_loss", "ece", "binary_accuracy")


def _round(values: Any) -> tuple[float, ...]:
    return tuple(round(float(v), 4) for v in values)


def num(value: float) -> str:
    """Every ratio and weight in advise's words has two decimals (JSON keeps four)."""
    return f"{value:.2f}"


def _threshold_note(pos_weight: float | tuple[float, ...]) -> str:
    """What pos_weight does to the 0.5 threshold, and how to choose one.

    Weighting the positive term by w moves the minimiser of the loss from p to w p / (w p + 1 - p): the model
    reports odds multiplied by w, so an output of 0.5 means a true probability of 1 / (1 + w), and
    sigmoid(logit - log w) is calibrated again (``tests/labels/test_recommend.py`` checks both).
    """
    if isinstance(pos_weight, tuple):
        low, high = min(pos_weight), max(pos_weight)
        where = (f"an output of 0.5 for label j means a probability of about 1/(1 + pos_weight[j]) "
                 f"({num(1 / (1 + high))} to {num(1 / (1 + low))} here)")
        pick, undo = "a threshold per label", "subtract log(pos_weight[j]) from logit j"
    else:
        where = f"an output of 0.5 means a probability of about 1/(1 + {num(pos_weight)}) = {num(1 / (1 + pos_weight))}"
        pick, undo = "the threshold", f"subtract log({num(pos_weight)}) = {num(math.log(pos_weight))} from the logit"
    return (f"pos_weight moves the 0.5 threshold: the weighted loss pushes the outputs up, so {where}. Choose {pick} "
            "on validation data (the one that maximises F1 on sklearn.metrics.precision_recall_curve, or that meets "
            f"the precision you need); for calibrated probabilities, {undo} before the sigmoid.")


def recommend(report: LabelReport) -> Recommendation:
    """The matched loss and head for ``report``, with metrics, weights and notes."""
    counts = np.asarray(report.class_counts, dtype=np.float64)
    notes: list[str] = []
    class_weight = pos_weight = threshold = None
    imbalanced = report.imbalance_ratio is not None and report.imbalance_ratio >= IMBALANCE_FOR_WEIGHTS
    if report.task == "binary" and report.encoding not in ("one_hot", "soft"):
        spec = get("binary_cross_entropy_with_logits")
        units, metrics, threshold = 1, _BINARY_METRICS, 0.5
        target = "soft_binary" if report.encoding == "soft_binary" else "binary"
        negatives, positives = counts[0], counts[1]
        notes.append(f"Equivalent: 2 units + softmax with `{get('sparse_categorical_cross_entropy_with_logits').name}` "
                     f"(the 2-class softmax is a sigmoid of the logit difference).")
        notes.append(f"Class 1 is {report.classes[1]!r}; class 0 is {report.classes[0]!r}.")
        rate = positives / max(negatives + positives, 1)
        if rate < RARE_POSITIVES:
            metrics = _RARE_BINARY_METRICS
            notes.append(f"Only {rate:.1%} of rows are positive: PR-AUC (average_precision) and F1 of class 1 come first; "
                         f"binary_accuracy comes last, as always predicting class 0 already scores {1 - rate:.1%}.")
        elif rate > 1 - RARE_POSITIVES:
            notes.append(f"{rate:.1%} of rows are class 1: F1 and PR-AUC score class 1, the common one; make the rare "
                         "class class 1 to read them for it.")
        if imbalanced and positives > 0:
            pos_weight = round(float(negatives / positives), 4)
            notes.append(f"Imbalance {num(report.imbalance_ratio)}:1: pos_weight = negatives/positives = "
                         f"{negatives:.0f}/{positives:.0f} = {num(pos_weight)}.")
            notes.append(_threshold_note(pos_weight))
    elif report.task == "multilabel":
        spec = get("binary_cross_entropy_with_logits")
        units, target, metrics, threshold = report.n_classes, "multi_hot", _MULTILABEL_METRICS, 0.5
        notes.append("One independent sigmoid per label; predict every label whose probability passes the threshold "
                     "(tune it per label on validation data for F1).")
        if report.single_label_share >= 0.99:
            notes.append(f"{report.single_label_share:.1%} of rows have exactly one label: softmax + "
                         "`categorical_cross_entropy_with_logits` fits if the rest are errors.")
        density = report.label_cardinality / max(report.n_classes, 1)
        if density < RARE_POSITIVES:
            metrics = _RARE_MULTILABEL_METRICS
            notes.append(f"Labels are sparse ({density:.1%} of the entries are positive): average_precision_macro "
                         "(PR-AUC) and F1 come first; predicting no label at all already has a hamming_loss of "
                         f"{num(density)}.")
        # pos_weight is for rare positives: imbalance_ratio also counts a label most rows carry (its rare side is
        # the negatives), which a weight below 1 would only blunt
        negatives = report.n_samples - counts
        rarest = float(np.max(negatives[counts > 0] / counts[counts > 0])) if (counts > 0).any() else 0.0
        if rarest >= IMBALANCE_FOR_WEIGHTS:
            pos_weight = _round(np.where(counts > 0, negatives / np.maximum(counts, 1), 1.0))
            notes.append(f"Rare labels (up to {num(rarest)} negatives per positive): per-label "
                         "pos_weight = negatives/positives" + ("; labels that never occur get 1.00." if (counts == 0).any() else "."))
            notes.append(_threshold_note(pos_weight))
    elif report.task == "multioutput":
        spec = get("sparse_categorical_cross_entropy_with_logits")
        units, target, metrics = int(sum(report.output_classes)), "index", _single_label_metrics(min(report.output_classes))
        notes.append(f"One softmax head per output ({report.n_outputs} heads with {', '.join(map(str, report.output_classes))} "
                     f"units, {units} in all), each trained with `{spec.name}`; sum the per-head losses.")
    else:
        soft_or_onehot = report.encoding in ("one_hot", "soft")
        large = report.n_classes >= LARGE_VOCABULARY and not soft_or_onehot
        name = ("linear_cross_entropy" if large else
                "categorical_cross_entropy_with_logits" if soft_or_onehot else "sparse_categorical_cross_entropy_with_logits")
        spec = get(name)
        units, target, metrics = report.n_classes, spec.target if not soft_or_onehot else report.encoding, _single_label_metrics(report.n_classes)
        if report.encoding == "one_hot":
            notes.append(f"Sparse saves memory: `{get('sparse_categorical_cross_entropy_with_logits').name}` with "
                         "`labels.argmax(-1)` computes the same loss from int64 indices.")
        if large:
            notes.append(f"{report.n_classes} classes: `{spec.name}` computes the exact sparse CE of the linear head "
                         "without materialising the N x C logits.")
        if imbalanced and report.encoding != "soft":
            from sklearn.utils.class_weight import compute_class_weight

            present = counts > 0
            weights = np.ones(report.n_classes)
            y = np.repeat(np.flatnonzero(present), counts[present].astype(np.int64))
            weights[present] = compute_class_weight("balanced", classes=np.flatnonzero(present), y=y)
            class_weight = _round(weights)
            notes.append(f"Imbalance {num(report.imbalance_ratio)}:1: class_weight 'balanced' = n_samples / "
                         f"(n_classes * count), from {num(min(class_weight))} to {num(max(class_weight))}.")
    if report.task not in spec.tasks and report.task != "multioutput":
        raise ConfigError(f"registry entry {spec.name!r} does not list task {report.task!r}")
    if identifier_warning(report) is not None:
        notes.insert(0, f"Every one of the {report.n_samples} rows has a label of its own: no class has a second row to "
                        "learn from, so this column is most likely an identifier or free text; check that it is the "
                        "label column (--column NAME, or column= in Python).")
    if report.encoding == "signed_binary":
        notes.append("Map the labels {-1, 1} to {0, 1} first: (y + 1) / 2.")
    if report.encoding == "string":
        notes.append(f"Map the labels to indices in the order of `classes` ({report.n_classes} classes, sorted): "
                     "lossmatch.labels.encode(y, report) returns them as int64 (N,).")
    elif report.encoding in ("label_sets", "delimited"):
        notes.append(f"Turn the label sets into a 0/1 matrix with one column per label of `classes` ({report.n_classes}, "
                     "sorted): lossmatch.labels.encode(y, report) returns it as int64 (N, C); empty sets are rows of zeros.")
    return Recommendation(spec.name, spec.activation, int(units), _LABEL_FORMATS[target], metrics, class_weight,
                          pos_weight, threshold, tuple(notes), target)


def check_model(report: LabelReport, recommendation: Recommendation, units: int, activation: str) -> ModelCheck:
    """Does the head the user has (``units`` outputs, ``activation``) fit the labels?"""
    if activation not in ACTIVATIONS:
        raise ConfigError(expected("model_activation", f"be one of {', '.join(ACTIVATIONS)}", repr(activation)))
    if not isinstance(units, int) or units < 1:
        raise ConfigError(expected("model_units", "be a positive integer", repr(units)))
    problems: list[str] = []
    want = recommendation.output_units
    single_label = report.task in ("binary", "multiclass", "multioutput")
    two_unit_binary = report.task == "binary" and units == 2
    if units != want and not two_unit_binary:
        problems.append(f"{units} output unit(s) but the labels have {want if report.task != 'binary' else '2 classes (1 unit)'}: "
                        f"use {want}.")
    if single_label and (activation == "sigmoid" and (units > 1 or report.task != "binary")):
        problems.append(f"sigmoid on single-label {report.task} labels: {PAIRINGS['sigmoid+cce'].explanation} "
                        f"Use softmax (or linear logits) with `{recommendation.loss}`." if report.task != "binary" else
                        f"sigmoid over {units} units treats the two classes as independent; use 1 sigmoid unit or 2 softmax units.")
    if report.task == "multilabel" and activation == "softmax":
        problems.append(f"softmax on multi-label labels: {PAIRINGS['softmax+bce'].explanation} Use sigmoid "
                        f"(or linear logits) with `{recommendation.loss}`.")
    if report.task == "binary" and units == 1 and activation == "softmax":
        problems.append("softmax over 1 unit is always 1.0: the model cannot learn. Use sigmoid (or 2 softmax units).")
    return ModelCheck(units, activation, not problems, tuple(problems))
