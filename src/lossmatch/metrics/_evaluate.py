"""``evaluate``: the metric set that fits the task, thin over scikit-learn.

Scores are turned into probabilities first (softmax/sigmoid of logits, ``exp`` of log-probabilities). For
single-label tasks the prediction is the argmax and ``binary_accuracy`` thresholds every output at 0.5 against
the one-hot target (what Keras' ``binary_accuracy`` reports: it is shown to expose inflation, never as the
headline). Rows that do not sum to 1 (sigmoid outputs on a single-label task) are normalised for
``log_loss`` and ``ece`` only.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lossmatch._messages import expected, show_shape
from lossmatch.errors import ConfigError, DataError
from lossmatch.metrics._calibration import expected_calibration_error
from lossmatch.metrics._kind import detect_input_kind

TASKS = ("binary", "multiclass", "multilabel")
INPUT_KINDS = ("auto", "logits", "probs", "log_probs")
LOWER_IS_BETTER = frozenset({"hamming_loss", "log_loss", "ece", "brier"})
_EPS = 1e-15


def _softmax(z: np.ndarray) -> np.ndarray:
    shifted = z - z.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return np.exp(-np.logaddexp(0.0, -z))  # stable for large |z|


def to_probabilities(scores: np.ndarray, kind: str, task: str) -> np.ndarray:
    """Probabilities from logits (softmax for single-label scores with several columns, sigmoid otherwise)."""
    if kind == "probs":
        return scores
    if kind == "log_probs":
        return np.exp(scores)
    single_column = scores.ndim == 1 or scores.shape[1] == 1
    return _sigmoid(scores) if task == "multilabel" or single_column else _softmax(scores)


def infer_task(target: np.ndarray, scores: np.ndarray) -> str:
    if target.ndim == 2 and target.shape[1] > 1:
        if np.isin(target, (0, 1)).all() and (target.sum(axis=1) != 1).any():
            return "multilabel"
        return "multiclass" if target.shape[1] > 2 else "binary"
    classes = scores.shape[1] if scores.ndim == 2 else 2
    return "binary" if classes <= 2 and len(np.unique(target)) <= 2 else "multiclass"


def _check(target: np.ndarray, scores: np.ndarray, task: str | None, input_kind: str) -> None:
    if input_kind not in INPUT_KINDS:
        raise ConfigError(expected("input_kind", f"be one of {', '.join(INPUT_KINDS)}", repr(input_kind)))
    if task is not None and task not in TASKS:
        raise ConfigError(expected("task", f"be one of {', '.join(TASKS)}", repr(task)))
    if len(target) != len(scores):
        raise DataError(expected("scores", f"have one row per target row ({len(target)})", f"{len(scores)} rows"))
    if len(target) == 0:
        raise DataError(expected("target", "hold at least one row", "an empty array"))
    if scores.ndim not in (1, 2) or scores.dtype.kind not in "biuf":
        raise DataError(expected("scores", "be a numeric (n,) or (n, C) array", f"{show_shape(scores.shape)} dtype {scores.dtype}"))
    if not np.isfinite(scores).all():
        raise DataError(expected("scores", "be finite", f"{int((~np.isfinite(scores)).sum())} NaN/inf values"))


def as_target(target: Any, *, label_sep: str | None = None, no_split: bool = False) -> np.ndarray:
    """Numeric labels as they are (class ``k`` is score column ``k``); strings, label sets (``"art|news"``,
    lists) and any other non-numeric labels read as :func:`lossmatch.labels.infer` reads them (``label_sep``,
    ``no_split`` as there) and encoded: class ``k`` is then the ``k``-th sorted class or label. A split that is a
    guess, or labels all distinct (an identifier column), is said in a ``UserWarning``."""
    try:
        array = np.asarray(target)
    except ValueError:  # ragged lists of labels
        array = None
    if array is not None and array.dtype.kind in "biuf":
        return hard_labels(array)
    from lossmatch._warnings import warn_at_user
    from lossmatch.labels import encode, infer
    from lossmatch.labels._infer import identifier_warning, split_guess

    report = infer(target, label_sep=label_sep, no_split=no_split)
    for caveat in (split_guess(report), identifier_warning(report)):
        if caveat is not None:
            warn_at_user(f"labels: {caveat} (in Python: no_split=True, label_sep=SEP)", UserWarning)
    if report.task not in TASKS or report.encoding.startswith("soft"):
        raise DataError(expected("target", "hold hard labels of a binary, multiclass or multilabel task",
                                 f"{report.task} labels ({report.encoding})"))
    return encode(target, report)


def hard_labels(labels: np.ndarray, *, name: str = "target", where: str = "") -> np.ndarray:
    """Numeric labels as int64 class indices ``(n,)`` or a 0/1 matrix ``(n, C)``, or a one-line ``DataError``.

    The one check of numeric labels for ``score`` and ``evaluate`` in Python and ``lossmatch score`` (``where``
    names the file there): a ``(n, 1)`` column is ``(n,)``, ``{-1, 1}`` is ``{0, 1}``; NaN/inf, fractional values
    (soft targets: these metrics need a class per row), negative indices and matrices of other values are refused.
    """
    labels = np.asarray(labels)
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]
    if labels.size == 0:
        return labels.astype(np.int64)
    if labels.dtype.kind == "f":
        if not np.isfinite(labels).all():
            raise DataError(expected(name, "be finite", f"{int((~np.isfinite(labels)).sum())} NaN/inf values{where}"))
        if (labels != np.round(labels)).any():
            raise DataError(expected(name, "be hard labels (class indices, one-hot or multi-hot)",
                                     f"fractional values{where} (soft targets)",
                                     "Scoring needs a class per row; for soft targets, score against their argmax."))
    labels = labels.astype(np.int64)
    if labels.ndim == 2 and not np.isin(labels, (0, 1)).all():
        raise DataError(expected(name, "be a 0/1 matrix when it has several columns",
                                 f"values {sorted(np.unique(labels).tolist())[:10]}{where} (multi-output labels are not scored)"))
    if labels.ndim == 1 and labels.min() < 0:
        if set(np.unique(labels).tolist()) <= {-1, 1}:
            return (labels > 0).astype(np.int64)
        raise DataError(expected(name, "hold class indices >= 0", f"minimum {labels.min()}{where}"))
    return labels


def check_threshold(threshold: Any) -> None:
    """A decision threshold on probabilities: a number strictly between 0 and 1 (NaN is not one)."""
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float, np.integer, np.floating)) \
            or not 0.0 < float(threshold) < 1.0:
        raise ConfigError(expected("threshold", "be a probability in (0, 1)", repr(threshold)))


def evaluate(target: Any, scores: Any, *, task: str | None = None, input_kind: str = "auto", threshold: float = 0.5,
             k: int = 5, label_sep: str | None = None, no_split: bool = False) -> dict[str, float]:
    """Metrics for ``task`` (inferred from ``target`` when None), names as in DESIGN.md.

    Args:
        target: class indices ``(n,)`` (or one-hot ``(n, C)``) for single-label tasks; multi-hot ``(n, L)``; or
            string labels and label sets, read as ``lossmatch.labels.infer`` reads them (:func:`as_target`).
        scores: ``(n, C)`` (or ``(n,)``/``(n, 1)`` for binary) logits, probabilities or log-probabilities.
        task: ``binary``, ``multiclass`` or ``multilabel``.
        input_kind: ``auto`` (see :func:`detect_input_kind`), ``logits``, ``probs`` or ``log_probs``.
        threshold: per-output decision threshold for multi-label predictions and ``binary_accuracy``.
        k: top-k accuracy is reported when there are more than ``k`` classes.

    Returns:
        single-label: ``top1_accuracy``, ``top5_accuracy`` (C > k), ``binary_accuracy``, ``f1_macro``,
        ``precision_macro``, ``recall_macro``, ``log_loss``, ``ece`` (top-label; of P(class 1) for binary tasks) and
        for binary tasks also ``f1``, ``roc_auc`` and ``average_precision`` (PR-AUC), all of class 1; multilabel:
        ``exact_match``, ``hamming_loss``, ``binary_accuracy``, ``f1_micro``,
        ``f1_macro``, ``average_precision_macro`` and ``roc_auc_macro`` (over labels with both classes in
        ``target``; NaN when none), ``log_loss`` (mean per-label BCE), ``ece`` (pooled over labels).
    """
    check_threshold(threshold)
    target = as_target(target, label_sep=label_sep, no_split=no_split)
    scores = np.asarray(scores, dtype=np.float64)
    _check(target, scores, task, input_kind)
    task = task or infer_task(target, scores)
    kind = detect_input_kind(scores).kind if input_kind == "auto" else input_kind
    probs = to_probabilities(scores, kind, task)
    if kind == "probs" and ((probs < 0).any() or (probs > 1).any()):
        raise DataError(expected("scores", "hold probabilities in [0, 1] for input_kind='probs'",
                                 f"values in [{probs.min():.4g}, {probs.max():.4g}]"))
    if task == "multilabel":
        return _multilabel(target, probs, threshold)
    return _single_label(target, probs, task, threshold, k)


def _single_label(target: np.ndarray, probs: np.ndarray, task: str, threshold: float, k: int) -> dict[str, float]:
    from sklearn import metrics

    if target.ndim == 2:
        target = target.argmax(axis=1)
    target = target.astype(np.int64)
    single_output = probs.ndim == 1 or probs.shape[1] == 1
    n_classes = 2 if single_output else probs.shape[1]
    if target.min() < 0 or target.max() >= n_classes:  # before any indexing by class
        raise DataError(expected("target", f"hold class indices in [0, {n_classes - 1}] for {n_classes} score columns",
                                 f"values in [{target.min()}, {target.max()}]"))
    if single_output:  # one sigmoid output: P(class 1)
        p1 = probs.reshape(-1)
        outputs, onehot = p1[:, None], target[:, None]
        full = np.column_stack([1.0 - p1, p1])
    else:
        outputs, onehot = probs, np.eye(probs.shape[1], dtype=np.int64)[target]
        full = probs / np.clip(probs.sum(axis=1, keepdims=True), _EPS, None)
    labels = np.arange(n_classes)
    predicted = full.argmax(axis=1)
    # accuracies and the log loss are plain means, computed here: sklearn's input checks cost ~5x the arithmetic,
    # which adds up when compare scores dozens of models (tests hold them equal to sklearn's)
    result = {"top1_accuracy": np.mean(predicted == target)}
    if n_classes > k:
        result[f"top{k}_accuracy"] = metrics.top_k_accuracy_score(target, full, k=k, labels=labels)
    result["binary_accuracy"] = np.mean((outputs >= threshold) == onehot)
    precision, recall, f1, _ = metrics.precision_recall_fscore_support(target, predicted, labels=labels, average="macro",
                                                                      zero_division=0)  # one pass for the three
    result.update(f1_macro=f1, precision_macro=precision, recall_macro=recall)
    if task == "binary" and n_classes == 2:
        result["f1"] = metrics.f1_score(target, predicted, zero_division=0)
        both = len(np.unique(target)) == 2
        result["roc_auc"] = metrics.roc_auc_score(target, full[:, 1]) if both else float("nan")
        result["average_precision"] = metrics.average_precision_score(target, full[:, 1]) if both else float("nan")
    result["log_loss"] = -np.mean(np.log(np.clip(full[np.arange(len(target)), target], _EPS, 1.0)))
    if n_classes == 2 and task == "binary":  # P(class 1) against the observed frequency of class 1
        result["ece"] = expected_calibration_error(target, full[:, 1], task="binary")
    else:
        result["ece"] = expected_calibration_error(target, full, task="multiclass")
    return {key: float(value) for key, value in result.items()}


def _multilabel(target: np.ndarray, probs: np.ndarray, threshold: float) -> dict[str, float]:
    from sklearn import metrics

    if probs.shape != target.shape:
        raise DataError(expected("scores", f"have one column per label {show_shape(target.shape)}", show_shape(probs.shape)))
    y = (target > 0).astype(np.int64)
    predicted = (probs >= threshold).astype(np.int64)
    both = (y.min(axis=0) == 0) & (y.max(axis=0) == 1)  # ranking metrics are undefined for one-class labels
    result = {
        "exact_match": metrics.accuracy_score(y, predicted),
        "hamming_loss": metrics.hamming_loss(y, predicted),
        "f1_micro": metrics.f1_score(y, predicted, average="micro", zero_division=0),
        "f1_macro": metrics.f1_score(y, predicted, average="macro", zero_division=0),
        "average_precision_macro": metrics.average_precision_score(y[:, both], probs[:, both], average="macro") if both.any() else float("nan"),
        "roc_auc_macro": metrics.roc_auc_score(y[:, both], probs[:, both], average="macro") if both.any() else float("nan"),
        "log_loss": metrics.log_loss(y.ravel(), np.clip(probs.ravel(), _EPS, 1 - _EPS), labels=[0, 1]),
        "ece": expected_calibration_error(y, probs, task="multilabel"),
    }
    result["binary_accuracy"] = 1.0 - result["hamming_loss"]
    return {key: float(value) for key, value in result.items()}


def per_label_f1(target: Any, probs: Any, *, threshold: float = 0.5) -> list[float]:
    """F1 of each label of a multi-label problem at ``threshold``."""
    from sklearn import metrics

    y = (np.asarray(target) > 0).astype(np.int64)
    predicted = (np.asarray(probs) >= threshold).astype(np.int64)
    return [float(v) for v in metrics.f1_score(y, predicted, average=None, zero_division=0)]
