"""Statistics over seeds: means with t intervals, paired differences against the matched pairing, verdicts.

Intervals are two-sided 95% Student-t intervals over seeds (``mean +- t(0.975, n-1) * sd / sqrt(n)``); the
paired difference uses each seed's pairing-minus-baseline value, so the shared initial weights and minibatch
order cancel. A verdict needs statistical and practical evidence (:mod:`lossmatch.comparison.margins`):
``better`` or ``worse`` when the interval excludes 0 and the difference is beyond the metric's margin,
``same`` when the interval lies within +-margin, otherwise ``inconclusive``. Each verdict carries a plain-words
explanation built from the measured numbers and only the sentences that apply to the task.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from lossmatch import registry
from lossmatch.comparison.engine import RunResult
from lossmatch.comparison.margins import VERDICTS, Margin, decide, margin_for, resolve_margins
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


def verdicts(runs: Sequence[RunResult], tasks: dict[str, str], n_classes: dict[str, int],
             margins: Mapping[str, Margin] | None = None) -> list[dict[str, Any]]:
    """Paired differences against the matched pairing per setting, dataset, pairing and metric, each with its
    verdict under ``margins`` (:func:`~lossmatch.comparison.margins.resolve_margins`; the defaults when None)."""
    table = dict(margins) if margins is not None else resolve_margins()
    out = []
    for setting in dict.fromkeys(r.setting for r in runs):
        by_run = {(r.dataset, r.pairing, r.seed): r for r in runs if r.setting == setting}
        out.extend({**row, "setting": setting} for row in _verdicts(by_run, tasks, n_classes, table))
    return out


def _verdicts(by_run: dict[tuple[str, str, int], RunResult], tasks: dict[str, str], n_classes: dict[str, int],
              margins: Mapping[str, Margin]) -> list[dict[str, Any]]:
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
                if metric in by_run[(dataset, pairing, seeds[0])].extra.get("not_defined", ()):
                    continue  # no verdict on what the pairing cannot measure (a hinge model's log loss)
                deltas = [by_run[(dataset, pairing, s)].metrics[metric] - by_run[(dataset, baseline, s)].metrics[metric]
                          for s in seeds]
                delta, low, high = t_interval(deltas)
                rule = margin_for(metric, margins)
                margin = rule.absolute(float(np.mean([by_run[(dataset, baseline, s)].metrics[metric] for s in seeds])))
                verdict = decide(delta, low, high, margin, lower_is_better=metric in LOWER_IS_BETTER)
                context = _Context(dataset, task, n_classes[dataset], pairing, baseline, metric, seeds, by_run)
                out.append({"dataset": dataset, "pairing": pairing, "baseline": baseline, "metric": metric,
                            "delta": delta, "ci_low": low, "ci_high": high, "margin": margin, "margin_rule": str(rule),
                            "seeds": len(seeds), "verdict": verdict,
                            "explanation": explain(context, delta, low, high, verdict, margin)})
    return out


class _Context:
    def __init__(self, dataset, task, n_classes, pairing, baseline, metric, seeds, by_run):
        self.dataset, self.task, self.n_classes = dataset, task, n_classes
        self.pairing, self.baseline, self.metric, self.seeds = pairing, baseline, metric, seeds
        self._by_run = by_run

    def mean(self, pairing: str, key: str, extra: bool = False) -> float:
        values = [(self._by_run[(self.dataset, pairing, s)].extra if extra else self._by_run[(self.dataset, pairing, s)].metrics)
                  .get(key, math.nan) for s in self.seeds]
        return float(np.mean(values))


def _signed(value: float, digits: int) -> str:
    """``+0.012``; a value that rounds to zero reads ``+0.000``, never ``-0.000``."""
    text = f"{value:+.{digits}f}"
    return "+" + text[1:] if float(text) == 0.0 else text


def _digits(margin: float) -> int:
    """Decimals that show ``margin`` as it is (0.01 -> 3, 0.01005 -> 5) or to 3 significant figures, so that an
    interval bound beyond the margin never prints equal to it; at least 3."""
    if math.isnan(margin) or margin <= 0:
        return 3
    exact = next((d for d in range(3, 7) if abs(round(margin, d) - margin) < 1e-12), None)
    return exact if exact is not None else max(3, 2 - math.floor(math.log10(margin)))


def _reason(delta: float, low: float, high: float, verdict: str, margin: float, digits: int) -> str:
    m = f"{margin:.{digits}f}"
    if verdict in ("worse", "better"):
        return f"the interval excludes 0 and the difference is beyond the {m} margin"
    if verdict == "same":
        return f"the whole interval lies within +-{m}, a difference too small to matter"
    if math.isnan(low) or math.isnan(high):
        return "there is no interval to judge it by"
    if low > 0.0 or high < 0.0:
        return f"the difference is real but within the {m} margin, and the interval reaches beyond it; more seeds would tell"
    return f"the interval includes 0 and reaches beyond +-{m}, so neither a difference nor its absence is shown; more seeds would tell"


# What the mismatched pairing does to the outputs (for every reader), then how Keras and torch users write it;
# the sentence about at most one label passing 0.5 only where rows can hold several labels.
_LOSS_ON_OUTPUTS = {
    "softmax+bce": ("BCE on softmax outputs scores each output as its own yes/no against the target row "
                    "(Keras: a softmax layer with BinaryCrossentropy(); torch: nn.BCELoss() on torch.softmax(logits, dim=1))."),
    "sigmoid+cce": ("CCE on sigmoid outputs divides them by their sum before the log, so the loss sees only their "
                    "ratios: nothing pushes the wrong outputs down, and every output can sit above 0.5 "
                    "(Keras' CategoricalCrossentropy() does this division for probabilities; torch has no loss that "
                    "does it, and nn.NLLLoss on log(torch.sigmoid(logits)) never pushes the wrong outputs down either)."),
    "softmax+cce": ("Softmax makes the outputs compete, a model of exactly one class per row "
                    "(Keras: a softmax layer with CategoricalCrossentropy(); torch: nn.CrossEntropyLoss() on the logits)."),
    "sigmoid+bce": ("Sigmoid + BCE is one independent yes/no per output: nothing makes the classes compete, and "
                    "the outputs need not sum to 1 (Keras: a sigmoid layer with BinaryCrossentropy(); torch: "
                    "nn.BCEWithLogitsLoss() on the logits)."),
}
_AT_MOST_ONE = "Softmax outputs sum to 1, so at most one label can pass 0.5."


def pairing_words(pairing: str, task: str) -> str:
    """What a pairing does to the outputs on ``task`` (empty for the matched pairing): the last part of every
    explanation of its verdicts on that task, so the CLI can say it once per pairing."""
    spec = registry.pairing(pairing)
    if spec.is_matched(task):
        return ""
    words = _LOSS_ON_OUTPUTS.get(pairing, spec.explanation)
    if task == "multilabel" and spec.activation == "softmax":
        words += " " + _AT_MOST_ONE
    return words


def _why(c: _Context) -> str:
    words = pairing_words(c.pairing, c.task)
    return " " + words if words else ""


def explain(c: _Context, delta: float, low: float, high: float, verdict: str, margin: float = math.nan) -> str:
    """Plain words: the measured difference and why it earns its verdict, the pattern the numbers show, then what
    the pairing does to the outputs (only the sentences that apply to the task)."""
    n = len(c.seeds)
    digits = _digits(margin)
    head = (f"{c.pairing} vs {c.baseline} on {c.dataset}: {c.metric} {_signed(delta, digits)} "
            f"(95% t interval {_signed(low, digits)} to {_signed(high, digits)} over {n} seeds): {verdict}, "
            f"{_reason(delta, low, high, verdict, margin, digits)}.")
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
    elif c.task == "binary" and {c.pairing, c.baseline} == {"softmax+cce", "sigmoid+bce"}:
        pattern = (" A 2-unit softmax is a sigmoid of the difference of its two logits, so the two models are the same "
                   "family; any difference is optimisation noise.")
    return head + pattern + _why(c)


def sweep_table(verdict_rows: Sequence[dict[str, Any]], main_metrics: dict[str, str]) -> list[dict[str, Any]]:
    """Per setting and mismatched pairing: on how many datasets it is worse / same / better / inconclusive against the matched
    pairing on each dataset's main metric, with the per-dataset differences and their intervals."""
    grouped: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in verdict_rows:
        if row["metric"] == main_metrics.get(row["dataset"]):
            grouped[(row["setting"], row["pairing"])].append(row)
    out = []
    for (setting, pairing), rows in grouped.items():
        counts = {v: sum(r["verdict"] == v for r in rows) for v in VERDICTS}
        out.append({"setting": setting, "pairing": pairing, **counts, "datasets": len(rows),
                    "deltas": [{"dataset": r["dataset"], "baseline": r["baseline"], "metric": r["metric"],
                                "delta": r["delta"], "ci_low": r["ci_low"], "ci_high": r["ci_high"],
                                "margin": r["margin"], "verdict": r["verdict"]} for r in rows]})
    return out
