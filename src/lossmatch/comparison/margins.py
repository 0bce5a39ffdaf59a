"""The verdict rule: a difference is reported only when it is beyond its interval AND beyond a margin that matters.

Every metric has a smallest difference that matters (its *margin*): 0.01 absolute for accuracies, F1, exact
match, precision, recall, ROC-AUC and average precision; 0.005 for Hamming loss; 5% of the matched pairing's
mean for log loss, ECE and Brier, but never less than 0.005 (their *floor*). A share alone shrinks with the mean:
on a well-calibrated model (ECE 0.01) 5% is 0.0005, and an ECE 0.003 higher, far inside the noise of binning a
few hundred test rows, would read ``worse``; 0.005 is about the smallest ECE or log-loss (nats per row)
difference that changes which model one would ship. With ``delta`` the mean paired difference (pairing minus
matched) over seeds and ``[low, high]`` its 95% t interval:

- ``better`` / ``worse``: the interval excludes 0 and ``|delta|`` is beyond the margin (in the metric's
  direction: lower is better for losses, Hamming loss and ECE);
- ``same``: the whole interval lies within ``[-margin, +margin]`` (an equivalence test: two one-sided tests at
  the 2.5% level each);
- ``inconclusive``: anything else (a wide interval, a real difference too small to matter but not shown to be
  inside the margin, or no interval at all).

A zero-width interval (every seed gives the same difference) therefore only says ``worse`` or ``better`` when
the difference itself exceeds the margin. Margins are set per metric, per family or for every metric
(:func:`resolve_margins`; ``lossmatch compare --margin``); a margin given that way is used as given (``10%`` is
10% of the mean with no floor; an absolute value is the floor and the margin at once).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from lossmatch._messages import expected
from lossmatch.errors import ConfigError

VERDICTS = ("worse", "same", "better", "inconclusive")
MIN_RELIABLE_SEEDS = 3

RULE = ("worse/better: the 95% interval of the paired difference excludes 0 and the difference is beyond the "
        "metric's margin; same: the whole interval lies within +-margin (equivalence); otherwise inconclusive. "
        "A relative margin (5%) is a share of the matched pairing's mean; the default ones (log loss, ECE, Brier) "
        "are never less than 0.005.")


@dataclass(frozen=True)
class Margin:
    """The smallest difference that matters: ``value`` in the metric's units, or a share of the matched
    pairing's mean when ``relative``, then never less than ``floor`` (in the metric's units)."""

    value: float
    relative: bool = False
    floor: float = 0.0

    def absolute(self, baseline_mean: float) -> float:
        """The margin in the metric's units for a matched pairing whose mean is ``baseline_mean`` (NaN stays NaN)."""
        if not self.relative:
            return self.value
        share = self.value * abs(baseline_mean)
        return share if math.isnan(share) else max(share, self.floor)

    def __str__(self) -> str:
        if not self.relative:
            return f"{self.value:g}"
        return f"{self.value * 100:g}%" + (f" (at least {self.floor:g})" if self.floor else "")


RELATIVE_FLOOR = 0.005  # the least margin of log loss, ECE and Brier, whatever the matched mean (module docstring)
_ABSOLUTE_1PC = ("top1_accuracy", "top5_accuracy", "binary_accuracy", "exact_match", "f1", "f1_micro", "f1_macro",
                 "precision_macro", "recall_macro", "roc_auc", "roc_auc_macro", "average_precision",
                 "average_precision_macro")
DEFAULT_MARGINS: Mapping[str, Margin] = {
    **{name: Margin(0.01) for name in _ABSOLUTE_1PC},
    "hamming_loss": Margin(0.005),
    **{name: Margin(0.05, relative=True, floor=RELATIVE_FLOOR) for name in ("log_loss", "ece", "brier")},
}
FALLBACK = Margin(0.01)  # a metric without its own default
FAMILIES: Mapping[str, tuple[str, ...]] = {
    "accuracy": ("top1_accuracy", "top5_accuracy", "binary_accuracy"),
    "f1": ("f1", "f1_micro", "f1_macro"),
    "precision": ("precision_macro",),
    "recall": ("recall_macro",),
    "roc_auc": ("roc_auc", "roc_auc_macro"),
    "average_precision": ("average_precision", "average_precision_macro"),
}
EVERY_METRIC = "all"
KEYS = (EVERY_METRIC, *FAMILIES, *DEFAULT_MARGINS)


def parse_margin(text: str | float, *, name: str = "margin") -> Margin:
    """``0.02`` or ``"0.02"`` -> absolute; ``"5%"`` -> 5% of the matched pairing's mean. Must be finite and >= 0."""
    relative = isinstance(text, str) and text.strip().endswith("%")
    raw = text.strip().removesuffix("%").strip() if isinstance(text, str) else text
    try:
        value = float(raw)
    except (TypeError, ValueError):
        value = math.nan
    if isinstance(text, bool) or not math.isfinite(value) or value < 0:
        raise ConfigError(expected(name, "be a number >= 0 (absolute, e.g. 0.02) or a percentage of the matched "
                                   "pairing's mean (e.g. 5%)", repr(text)))
    return Margin(value / 100 if relative else value, relative)


def resolve_margins(overrides: Mapping[str, str | float] | None = None) -> dict[str, Margin]:
    """The margin of every known metric after ``overrides`` ``{key: value}``: a key is a metric name
    (``top1_accuracy``), a family (``accuracy``, ``f1``, ``precision``, ``recall``, ``roc_auc``,
    ``average_precision``) or ``all``; the most specific key wins (metric, then family, then ``all``)."""
    overrides = dict(overrides or {})
    for key in overrides:
        if key not in KEYS:
            raise ConfigError(expected("margin key", f"be a metric name, a family ({', '.join(FAMILIES)}) or "
                                       f"{EVERY_METRIC!r}", repr(key)))
    parsed = {key: parse_margin(value, name=f"margin {key}") for key, value in overrides.items()}
    out = {}
    for metric, default in {**DEFAULT_MARGINS, "": FALLBACK}.items():
        families = [family for family, members in FAMILIES.items() if metric in members]
        chosen = next((parsed[k] for k in (metric, *families, EVERY_METRIC) if k in parsed), default)
        out[metric] = chosen
    return out


def margin_for(metric: str, margins: Mapping[str, Margin]) -> Margin:
    """``metric``'s margin in a :func:`resolve_margins` table (the fallback entry ``""`` for an unknown metric)."""
    return margins.get(metric, margins.get("", FALLBACK))


def decide(delta: float, low: float, high: float, margin: float, *, lower_is_better: bool) -> str:
    """``worse`` / ``same`` / ``better`` / ``inconclusive`` for a paired difference ``delta`` (pairing minus
    matched) with 95% interval ``[low, high]`` and the metric's absolute ``margin`` (see the module docstring)."""
    if any(math.isnan(v) for v in (delta, low, high, margin)):
        return "inconclusive"
    if -margin <= low and high <= margin:
        return "same"
    excludes_zero = low > 0.0 or high < 0.0
    if excludes_zero and abs(delta) > margin:
        up = delta > 0.0
        return ("worse" if up else "better") if lower_is_better else ("better" if up else "worse")
    return "inconclusive"


def seeds_warning(seeds: int) -> str | None:
    """The warning for fewer than :data:`MIN_RELIABLE_SEEDS` seeds, else None."""
    if seeds >= MIN_RELIABLE_SEEDS:
        return None
    freedom = max(seeds - 1, 0)
    return (f"{seeds} seeds: intervals from fewer than {MIN_RELIABLE_SEEDS} seeds are unreliable (a t interval over "
            f"{seeds} values has {freedom} degree{'' if freedom == 1 else 's'} of freedom); verdicts still need a "
            "difference beyond the margin, but use 5 seeds or more before acting on them.")
