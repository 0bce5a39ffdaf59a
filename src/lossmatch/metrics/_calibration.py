"""Calibration: expected calibration error, reliability-diagram data and the Brier score.

Three views, one binning: binary/multi-label scores pool every output as ``(p, y)`` pairs and compare the mean
predicted probability with the observed frequency in each bin; multiclass scores use the top label
(``max p`` against whether the argmax is right). ``ECE = sum_b n_b / N * |observed_b - confidence_b|``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lossmatch._messages import expected
from lossmatch.errors import ConfigError

STRATEGIES = ("uniform", "quantile")


def _pairs(target: Any, probs: Any, task: str) -> tuple[np.ndarray, np.ndarray]:
    """(confidence, outcome) pairs for the task's view of calibration."""
    target, probs = np.asarray(target), np.asarray(probs, dtype=np.float64)
    if task == "multiclass" and probs.ndim == 2 and probs.shape[1] > 1:
        labels = target.argmax(axis=1) if target.ndim == 2 else target
        return probs.max(axis=1), (probs.argmax(axis=1) == labels).astype(np.float64)
    if task == "binary" and probs.ndim == 2 and probs.shape[1] == 2:
        probs = probs[:, 1]
    return probs.ravel(), (np.asarray(target).ravel() > 0).astype(np.float64)


def reliability_curve(target: Any, probs: Any, *, task: str = "multiclass", n_bins: int = 15,
                      strategy: str = "uniform") -> dict[str, list[float]]:
    """Per non-empty bin: mean ``confidence``, observed ``frequency`` (accuracy for the top label) and ``count``.

    ``strategy="uniform"`` uses equal-width bins on [0, 1]; ``"quantile"`` equal-mass bins.
    """
    if strategy not in STRATEGIES:
        raise ConfigError(expected("strategy", f"be one of {', '.join(STRATEGIES)}", repr(strategy)))
    if not isinstance(n_bins, int) or n_bins < 1:
        raise ConfigError(expected("n_bins", "be a positive integer", repr(n_bins)))
    confidence, outcome = _pairs(target, probs, task)
    if strategy == "uniform":
        edges = np.linspace(0.0, 1.0, n_bins + 1)
    else:
        edges = np.unique(np.quantile(confidence, np.linspace(0.0, 1.0, n_bins + 1)))
    # bin i holds (edges[i], edges[i + 1]]; the first bin also holds its left edge
    index = np.clip(np.searchsorted(edges, confidence, side="left") - 1, 0, len(edges) - 2)
    counts = np.bincount(index, minlength=len(edges) - 1)
    sum_conf = np.bincount(index, weights=confidence, minlength=len(edges) - 1)
    sum_out = np.bincount(index, weights=outcome, minlength=len(edges) - 1)
    filled = counts > 0
    return {"confidence": (sum_conf[filled] / counts[filled]).tolist(),
            "frequency": (sum_out[filled] / counts[filled]).tolist(),
            "count": counts[filled].astype(int).tolist()}


def expected_calibration_error(target: Any, probs: Any, *, task: str = "multiclass", n_bins: int = 15,
                               strategy: str = "uniform") -> float:
    """ECE (top-label for multiclass, pooled per output for binary and multi-label)."""
    curve = reliability_curve(target, probs, task=task, n_bins=n_bins, strategy=strategy)
    counts = np.asarray(curve["count"], dtype=np.float64)
    gaps = np.abs(np.asarray(curve["frequency"]) - np.asarray(curve["confidence"]))
    return float((counts * gaps).sum() / counts.sum())


def brier_score(target: Any, probs: Any, *, task: str = "multiclass") -> float:
    """Mean squared error between probabilities and the one-hot (or multi-hot) target, summed over outputs
    for multiclass (the original definition) and averaged over outputs for binary and multi-label."""
    target, probs = np.asarray(target), np.asarray(probs, dtype=np.float64)
    if task == "multiclass" and probs.ndim == 2 and probs.shape[1] > 1:
        onehot = np.eye(probs.shape[1])[target] if target.ndim == 1 else target
        return float(((probs - onehot) ** 2).sum(axis=1).mean())
    if task == "binary" and probs.ndim == 2 and probs.shape[1] == 2:
        probs = probs[:, 1]
    return float(((probs.ravel() - (target.ravel() > 0)) ** 2).mean())
