"""Statistics over seeds: means with t intervals, paired differences against the matched pairing, verdicts.

Intervals are two-sided 95% Student-t intervals over seeds (``mean +- t(0.975, n-1) * sd / sqrt(n)``); the
paired difference uses each seed's pairing-minus-baseline value, so the shared initial weights and minibatch
order cancel. A verdict is ``better`` or ``worse`` only when the interval of the difference excludes 0 (in the
metric's direction: lower is better for losses, Hamming loss and ECE), otherwise ``same``. Each verdict
carries a plain-words explanation built from the measured numbers.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from lossmatch import registry
from lossmatch.comparison.engine import RunResult
from lossmatch.metrics import LOWER_IS_BETTER

CONFIDENCE = 0.95


def t_interval(values: Sequence[float]) -> tuple[float, float, float]:
    """``(mean, low, high)`` of a two-sided Student-t interval; NaN bounds for fewer than two values."""
    from scipy import stats

    data = np.asarray([v for v in values if not math.isnan(v)], dtype=np.float64)
    if len(data) == 0:
        return math.nan, math.nan, math.nan
    mean = float(data.mean())
    if len(data) < 2:
        return mean, math.nan, math.nan
    half = float(stats.t.ppf(0.5 + CONFIDENCE / 2, len(data) - 1) * data.std(ddof=1) / math.sqrt(len(data)))
    return mean, mean - half, mean + half


def baseline_for(task: str, pairings: Sequence[str]) -> str | None:
    """The matched pairing for the task among those compared (the first in registry order)."""
    for name in registry.PAIRINGS:
        if name in pairings and registry.PAIRINGS[name].is_matched(task):
            return name
    return None


def summarise(runs: Iterable[RunResult]) -> list[dict[str, Any]]:
    """Mean and t interval over seeds of every (setting, dataset, pairing, metric) cell."""
    by_cell: dict[tuple[str, str, str, str], list[float]] = defaultdict(list)
    for run in runs:
        for metric, value in run.metrics.items():
            by_cell[(run.setting, run.dataset, run.pairing, metric)].append(value)
    rows = []
    for (setting, dataset, pairing, metric), values in by_cell.items():
        mean, low, high = t_interval(values)
        rows.append({"dataset": dataset, "pairing": pairing, "metric": metric, "mean": mean, "ci_low": low,
                     "ci_high": high, "n": len(values), "setting": setting})
    return rows


def verdicts(runs: Sequence[RunResult], tasks: dict[str, str], n_classes: dict[str, int]) -> list[dict[str, Any]]:
    """Paired differences against the matched pairing per setting, dataset, pairing and metric."""
    out = []
    for setting in dict.fromkeys(r.setting for r in runs):
        by_run = {(r.dataset, r.pairing, r.seed): r for r in runs if r.setting == setting}
        out.extend({**row, "setting": setting} for row in _verdicts(by_run, tasks, n_classes))
    return out


def _verdicts(by_run: dict[tuple[str, str, int], RunResult], tasks: dict[str, str], n_classes: dict[str, int]) -> list[dict[str, Any]]:
    out = []
    for dataset, task in tasks.items():
        pairings = list(dict.fromkeys(p for (d, p, _) in by_run if d == dataset))
        baseline = baseline_for(task, pairings)
        if baseline is None:
            continue
        for pairing in pairings:
            if pairing == baseline:
                continue
            seeds = sorted(s for (d, p, s) in by_run if d == dataset and p == pairing and (d, baseline, s) in by_run)
            if not seeds:
                continue
            for metric in by_run[(dataset, pairing, seeds[0])].metrics:
                deltas = [by_run[(dataset, pairing, s)].metrics[metric] - by_run[(dataset, baseline, s)].metrics[metric]
                          for s in seeds]
                delta, low, high = t_interval(deltas)
                verdict = _verdict(metric, low, high)
                context = _Context(dataset, task, n_classes[dataset], pairing, baseline, metric, seeds, by_run)
                out.append({"dataset": dataset, "pairing": pairing, "baseline": baseline, "metric": metric,
                            "delta": delta, "ci_low": low, "ci_high": high, "verdict": verdict,
                            "explanation": explain(context, delta, low, high, verdict)})
    return out


def _verdict(metric: str, low: float, high: float) -> str:
    if math.isnan(low) or math.isnan(high) or low <= 0.0 <= high:
        return "same"
    up = low > 0.0
    return ("worse" if up else "better") if metric in LOWER_IS_BETTER else ("better" if up else "worse")


class _Context:
    def __init__(self, dataset, task, n_classes, pairing, baseline, metric, seeds, by_run):
        self.dataset, self.task, self.n_classes = dataset, task, n_classes
        self.pairing, self.baseline, self.metric, self.seeds = pairing, baseline, metric, seeds
        self._by_run = by_run

    def mean(self, pairing: str, key: str, extra: bool = False) -> float:
        values = [(self._by_run[(self.dataset, pairing, s)].extra if extra else self._by_run[(self.dataset, pairing, s)].metrics)
                  .get(key, math.nan) for s in self.seeds]
        return float(np.mean(values))


def explain(c: _Context, delta: float, low: float, high: float, verdict: str) -> str:
    """Plain words: the measured difference, then the pattern the numbers show, then why (from the registry)."""
    n = len(c.seeds)
    head = (f"{c.pairing} vs {c.baseline} on {c.dataset}: {c.metric} {delta:+.3f} "
            f"(95% t interval {low:+.3f} to {high:+.3f} over {n} seeds): {verdict}.")
    pattern = ""
    if c.metric == "binary_accuracy" and c.task != "multilabel":
        binary, top1 = c.mean(c.pairing, "binary_accuracy"), c.mean(c.pairing, "top1_accuracy")
        floor = 1.0 - 1.0 / c.n_classes
        pattern = (f" Its binary accuracy {binary:.3f} against top-1 accuracy {top1:.3f}: per-output accuracy counts "
                   f"the {c.n_classes - 1} correct zeros of every row, so predicting all zeros already scores {floor:.3f}; "
                   f"top-1 accuracy is the number to read.") if c.n_classes > 2 else ""
    elif c.task == "multilabel" and c.metric in ("f1_micro", "exact_match", "hamming_loss"):
        predicted, true = c.mean(c.pairing, "labels_per_row", extra=True), c.mean(c.pairing, "true_labels_per_row", extra=True)
        pattern = f" It predicts {predicted:.2f} labels per row at 0.5 where rows hold {true:.2f}."
        if registry.pairing(c.pairing).activation == "softmax":
            pattern += " Softmax outputs sum to 1, so at most one label can pass 0.5."
    elif c.task == "binary" and {c.pairing, c.baseline} == {"softmax+cce", "sigmoid+bce"}:
        pattern = (" A 2-unit softmax is a sigmoid of the difference of its two logits, so the two models are the same "
                   "family; any difference is optimisation noise.")
    why = "" if registry.pairing(c.pairing).is_matched(c.task) else " " + registry.pairing(c.pairing).explanation
    return head + pattern + why


def sweep_table(verdict_rows: Sequence[dict[str, Any]], main_metrics: dict[str, str]) -> list[dict[str, Any]]:
    """Per setting and mismatched pairing: on how many datasets it is worse / same / better than the matched
    pairing on each dataset's main metric, with the per-dataset differences and their intervals."""
    grouped: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in verdict_rows:
        if row["metric"] == main_metrics.get(row["dataset"]):
            grouped[(row["setting"], row["pairing"])].append(row)
    out = []
    for (setting, pairing), rows in grouped.items():
        counts = {v: sum(r["verdict"] == v for r in rows) for v in ("worse", "same", "better")}
        out.append({"setting": setting, "pairing": pairing, **counts, "datasets": len(rows),
                    "deltas": [{"dataset": r["dataset"], "baseline": r["baseline"], "metric": r["metric"],
                                "delta": r["delta"], "ci_low": r["ci_low"], "ci_high": r["ci_high"],
                                "verdict": r["verdict"]} for r in rows]})
    return out
