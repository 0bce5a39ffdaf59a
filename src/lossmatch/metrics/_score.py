"""``score``: predictions + labels -> the metrics that fit the task, calibration before and after a fitted
temperature, and warnings about the usual mistakes (an inflated metric, softmax on a multi-label task,
probabilities passed as logits).

The temperature is fitted on the rows it is scored on unless ``fit_fraction`` is given (then on a seeded share of
the rows, with calibration before and after it measured on the rest): in-sample, the after-temperature numbers
are optimistic, and the report says which it was. Logits are scaled directly; probabilities first go back to logit space: ``log p`` for softmax rows (logits up to
a per-row constant, which softmax ignores) and ``log(p / (1 - p))`` for sigmoid outputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lossmatch._messages import expected, plain_text, show_shape
from lossmatch.errors import ConfigError, DataError
from lossmatch.metrics._calibration import brier_score, expected_calibration_error, reliability_curve
from lossmatch.metrics._evaluate import _check, as_target, check_threshold, evaluate, infer_task, to_probabilities
from lossmatch.metrics._kind import InputKind, detect_input_kind
from lossmatch.metrics._temperature import apply_temperature, fit_temperature

INFLATION_GAP = 0.05  # binary_accuracy this far above top1_accuracy earns a warning
# Positives under 10% of rows (advise's threshold, labels._recommend.RARE_POSITIVES): there, predicting all
# negatives already scores >= 0.90 accuracy and ROC-AUC is carried by the many easy negatives, while PR-AUC and F1
# move only with how the positives are ranked and found (Saito & Rehmsmeier 2015, PLoS ONE 10(3): e0118432).
RARE_POSITIVES = 0.1
_HEADLINE = {"binary": ("top1_accuracy", "roc_auc"), "multiclass": ("top1_accuracy", "f1_macro"),
             "multilabel": ("f1_micro", "average_precision_macro")}
_RARE_HEADLINE = {"binary": ("average_precision", "f1"), "multilabel": ("average_precision_macro", "f1_macro")}
_CLIP = 1e-12


@dataclass(frozen=True)
class ScoreReport:
    """What :func:`score` measured; ``to_dict`` is the ``lossmatch score`` JSON (without ``schema_version``)."""

    input_kind: InputKind
    task: str
    n_samples: int
    n_classes: int
    metrics: dict[str, float]
    calibration: dict[str, float]
    warnings: tuple[str, ...] = ()
    reliability: dict[str, dict[str, list[float]]] = field(default_factory=dict, repr=False)
    temperature_fit: dict[str, Any] = field(default_factory=dict)
    headline: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "input_kind": self.input_kind.kind,
            "input_kind_evidence": self.input_kind.evidence,
            "task": self.task,
            "n_samples": self.n_samples,
            "n_classes": self.n_classes,
            "headline": list(self.headline),
            "metrics": {k: _finite(v) for k, v in self.metrics.items()},
            "calibration": {k: _finite(v) for k, v in self.calibration.items()},
            "temperature_fit": dict(self.temperature_fit),
            "warnings": list(self.warnings),
        }


def _finite(value: float) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)


def _as_logits(scores: np.ndarray, kind: str, sigmoid: bool) -> np.ndarray:
    if kind == "logits":
        return scores
    probs = to_probabilities(scores, kind, "multilabel" if sigmoid else "multiclass")
    probs = np.clip(probs, _CLIP, 1.0 - _CLIP if sigmoid else 1.0)
    return np.log(probs) - np.log1p(-probs) if sigmoid else np.log(probs)


def _calibration_view(probs: np.ndarray, view: str) -> np.ndarray:
    """What calibration is measured on: P(class 1) for binary tasks, normalised rows for multiclass (sigmoid
    outputs on a single-label task do not sum to 1), every output for multi-label."""
    if view == "multilabel":
        return probs
    if probs.ndim == 1 or probs.shape[1] == 1:
        return probs.reshape(-1)
    full = probs / np.clip(probs.sum(axis=1, keepdims=True), _CLIP, None)
    return full[:, 1] if view == "binary" else full


def _nll(target: np.ndarray, probs: np.ndarray, task: str) -> float:
    from sklearn.metrics import log_loss

    if task != "multiclass":  # mean BCE over every output
        p = np.clip(probs.ravel(), _CLIP, 1 - _CLIP)
        return float(log_loss((target.ravel() > 0).astype(np.int64), p, labels=[0, 1]))
    return float(log_loss(target, np.clip(probs, _CLIP, 1.0), labels=np.arange(probs.shape[1])))


def _warnings(target: np.ndarray, scores: np.ndarray, probs: np.ndarray, task: str, kind: InputKind,
              stated_kind: str, metrics: dict[str, float], threshold: float) -> list[str]:
    found = []
    n_outputs = 1 if probs.ndim == 1 else probs.shape[1]
    if task != "multilabel" and n_outputs > 2:
        top1, binary = metrics["top1_accuracy"], metrics["binary_accuracy"]
        if binary - top1 >= INFLATION_GAP:
            found.append(f"{binary:.2f} binary accuracy vs {top1:.2f} top-1: the {binary:.2f} counts correct zeros "
                         f"({n_outputs - 1} of every row's {n_outputs} outputs are 0); report top1_accuracy")
    if task == "multilabel":
        passing = (probs >= threshold).sum(axis=1)
        cardinality = float((target > 0).sum(axis=1).mean())
        if kind.rows_sum_to_one or (passing.max() <= 1 and cardinality > 1):
            why = "every row sums to 1" if kind.rows_sum_to_one else f"no row has more than one label >= {threshold:g}"
            found.append(f"predictions look like softmax outputs on a multi-label task ({why}; the labels average "
                         f"{cardinality:.2f} per row): softmax lets at most one label pass 0.5; use sigmoid outputs "
                         "with binary cross-entropy")
    if task == "multiclass" and kind.kind == "probs" and n_outputs > 2 and not kind.rows_sum_to_one:
        sums = scores.sum(axis=1)
        found.append(f"the scores look like sigmoid outputs on a single-label task (values in [0, 1], rows sum to "
                     f"{sums.min():.2f}..{sums.max():.2f}, not 1): top-1 and F1 use each row's largest output; log loss, "
                     "ECE and Brier use each row divided by its sum, and the temperature is fitted on log p as a "
                     "softmax. A single-label model should end in softmax (or give logits to a softmax loss)")
    if stated_kind == "logits" and scores.min() >= 0.0 and scores.max() <= 1.0:
        sums = " and rows sum to 1" if n_outputs > 1 and np.allclose(scores.sum(axis=1), 1.0, atol=1e-3) else ""
        found.append(f"input kind 'logits' was given, but every value lies in [0, 1]{sums}: these look like "
                     "probabilities passed as logits (the activation would be applied twice)")
    elif stated_kind == "auto" and kind.ambiguous:
        found.append(f"input kind read as {kind.kind}, but it is ambiguous ({kind.evidence}); state it (--input-kind)")
    return found


def _rare_positives(target: np.ndarray, task: str, metrics: dict[str, float]) -> tuple[tuple[str, ...], list[str]]:
    """The headline metrics (rare positives: PR-AUC and F1) and the warning that accuracy and ROC-AUC read high."""
    if task == "binary":
        y = target.argmax(axis=1) if target.ndim == 2 else target
        rate = float(np.mean(y == 1))
        if rate >= RARE_POSITIVES:
            return _HEADLINE[task], []
        return _RARE_HEADLINE[task], [
            f"positive rate {rate:.1%} (under {RARE_POSITIVES:.0%}): predicting all negatives scores accuracy "
            f"{1 - rate:.4f}, and ROC-AUC reads high on the many easy negatives; read average_precision (PR-AUC) and f1 "
            "first"]
    if task == "multilabel":
        rates = (target > 0).mean(axis=0)
        rare = np.flatnonzero(rates < RARE_POSITIVES)
        if rare.size == 0:
            return _HEADLINE[task], []
        lowest = int(rates.argmin())
        return _RARE_HEADLINE[task], [
            f"{rare.size} of {len(rates)} labels have a positive rate under {RARE_POSITIVES:.0%} (lowest {rates[lowest]:.1%}, "
            f"label {lowest}): predicting no label scores binary_accuracy {1 - float(rates.mean()):.4f} (that label alone "
            f"{1 - float(rates[lowest]):.4f}), and ROC-AUC reads high on the many easy negatives; read "
            "average_precision_macro (PR-AUC) and f1_macro first"]
    return _HEADLINE[task], []


def _split(n: int, fit_fraction: float | None, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``(rows the temperature is fitted on, rows calibration is scored on)``: all and all when ``fit_fraction`` is
    None, else a seeded random split."""
    rows = np.arange(n)
    if fit_fraction is None:
        return rows, rows
    if isinstance(fit_fraction, bool) or not isinstance(fit_fraction, (int, float)) or not 0.0 < fit_fraction < 1.0:
        raise ConfigError(expected("fit_fraction", "be a share of the rows in (0, 1), e.g. 0.5", repr(fit_fraction)))
    n_fit = int(round(n * fit_fraction))
    if not 1 <= n_fit <= n - 1:
        raise DataError(expected("fit_fraction", "leave at least one row to fit the temperature on and one to score",
                                 f"{fit_fraction:g} of {n} rows ({n_fit} to fit)"))
    order = np.random.default_rng(seed).permutation(n)
    return np.sort(order[:n_fit]), np.sort(order[n_fit:])


def _fit_note(n: int, fit_rows: np.ndarray, scored_rows: np.ndarray, fit_fraction: float | None, seed: int) -> dict[str, Any]:
    if fit_fraction is None:
        note = (f"temperature fitted on the same {n} rows it is scored on (in-sample: the after-T numbers are "
                "optimistic; --fit-fraction 0.5 fits on a seeded half and scores the rest)")
    else:
        note = (f"temperature fitted on {len(fit_rows)} rows (fit_fraction {fit_fraction:g}, seed {seed}); calibration "
                f"before and after it scored on the other {len(scored_rows)} rows")
    return {"in_sample": fit_fraction is None, "fit_fraction": fit_fraction, "seed": seed,
            "fit_rows": len(fit_rows), "scored_rows": len(scored_rows), "note": note}


def score(target: Any, scores: Any, *, task: str | None = None, input_kind: str = "auto", threshold: float = 0.5,
          n_bins: int = 15, fit_fraction: float | None = None, seed: int = 0, label_sep: str | None = None,
          no_split: bool = False) -> ScoreReport:
    """Metrics (:func:`~lossmatch.metrics.evaluate`), calibration before and after temperature scaling and warnings.

    Args:
        target: class indices ``(n,)``, one-hot ``(n, C)`` or multi-hot ``(n, L)``; or string labels and label
            sets (``"art|news"``, lists), read as ``lossmatch.labels.infer`` reads them, class ``k`` then the
            ``k``-th sorted one (:func:`~lossmatch.metrics._evaluate.as_target`).
        scores: ``(n,)``/``(n, 1)`` (binary) or ``(n, C)`` logits, probabilities or log-probabilities.
        task: ``binary``, ``multiclass`` or ``multilabel``; inferred from ``target`` and the score columns when None.
        input_kind: ``auto``, ``logits``, ``probs`` or ``log_probs``.
        threshold: decision threshold per output (multi-label predictions, ``binary_accuracy``).
        n_bins: equal-width bins of the ECE and the reliability curves.
        fit_fraction: fit the temperature on this share of the rows (a random split drawn from ``seed``) and
            measure calibration before and after it on the rest; None fits and scores on every row (in-sample).
            The metrics are on every row either way (a temperature changes no prediction).
        seed: the seed of that split.
        label_sep, no_split: how string labels split into label sets, as in ``lossmatch.labels.infer``.
    """
    check_threshold(threshold)
    target = as_target(target, label_sep=label_sep, no_split=no_split)
    scores = np.asarray(scores, dtype=np.float64)
    _check(target, scores, task, input_kind)
    task = task or infer_task(target, scores)
    if task == "multilabel" and target.shape != scores.shape:
        raise DataError(expected("predictions", f"have one column per label {show_shape(target.shape)}", show_shape(scores.shape)))
    if task != "multilabel" and scores.ndim == 2 and target.ndim == 2 and target.shape != scores.shape:
        raise DataError(expected("predictions", f"have one column per class {show_shape(target.shape)}", show_shape(scores.shape)))
    detected = detect_input_kind(scores)
    kind = detected if input_kind == "auto" else InputKind(input_kind, "stated by the caller")
    metrics = evaluate(target, scores, task=task, input_kind=kind.kind, threshold=threshold)
    probs = to_probabilities(scores, kind.kind, task)
    sigmoid = task == "multilabel" or probs.ndim == 1 or probs.shape[1] == 1
    view = "multilabel" if task == "multilabel" else ("binary" if task == "binary" else "multiclass")
    y = target.argmax(axis=1) if task != "multilabel" and target.ndim == 2 else target  # class indices
    logits = _as_logits(scores, kind.kind, sigmoid)
    fit_rows, scored_rows = _split(len(target), fit_fraction, seed)
    temperature = fit_temperature(logits[fit_rows], y[fit_rows], task="multilabel" if sigmoid else "multiclass")
    scaled = to_probabilities(apply_temperature(logits[scored_rows], temperature), "logits",
                              "multilabel" if sigmoid else "multiclass")
    y = y[scored_rows]
    before, after = _calibration_view(probs[scored_rows], view), _calibration_view(scaled, view)
    calibration = {
        "ece": expected_calibration_error(y, before, task=view, n_bins=n_bins),
        "ece_after_temperature": expected_calibration_error(y, after, task=view, n_bins=n_bins),
        "temperature": temperature,
        "nll": _nll(y, before, view),
        "nll_after_temperature": _nll(y, after, view),
        "brier": brier_score(y, before, task=view),
        "brier_after_temperature": brier_score(y, after, task=view),
    }
    n_classes = (scores.shape[1] if scores.ndim == 2 and scores.shape[1] > 1 else 2) if task != "multilabel" else target.shape[1]
    reliability = {"before": reliability_curve(y, before, task=view, n_bins=n_bins),
                   "after": reliability_curve(y, after, task=view, n_bins=n_bins)}
    headline, rare = _rare_positives(target, task, metrics)
    headline = tuple(name for name in headline if name in metrics)
    metrics = {**{name: metrics[name] for name in headline}, **metrics}  # the headline first, the keys unchanged
    return ScoreReport(kind, task, len(target), n_classes, metrics, calibration,
                       tuple(rare + _warnings(target, scores, probs, task, detected, input_kind, metrics, threshold)),
                       reliability, _fit_note(len(target), fit_rows, scored_rows, fit_fraction, seed), headline)


def reliability_figure(report: ScoreReport, title: str = "reliability"):
    """A matplotlib figure of the reliability curves before and after temperature scaling."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4.6, 4.2))
    ax.plot([0, 1], [0, 1], linestyle=":", color="grey", label="perfect calibration")
    cal = report.calibration
    for key, label in (("before", f"scores (ECE {cal['ece']:.3f})"),
                       ("after", f"T = {cal['temperature']:.2f} (ECE {cal['ece_after_temperature']:.3f})")):
        curve = report.reliability[key]
        ax.plot(curve["confidence"], curve["frequency"], marker="o", markersize=3, label=label)
    view = "top label" if report.task != "multilabel" and report.n_classes > 2 else "every output"
    ax.set(title=f"{plain_text(title)} ({view})", xlabel="confidence", ylabel="observed frequency", xlim=(0, 1), ylim=(0, 1))
    ax.legend(fontsize=8, loc="upper left")
    return fig
