"""The compare report's figures, each a matplotlib ``Figure`` (the report turns them into PNG data URIs).

Every figure has axis labels with units and a legend; each pairing keeps one colour and one marker in every
figure and in the report's tables (:data:`STYLES`, in registry order, so a pairing's look does not depend on
which others were compared). Differences are drawn as dots with their 95% interval on an axis zoomed to the data,
with the verdict rule's margin as a band around 0.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from lossmatch import registry
from lossmatch._messages import plain_text

if TYPE_CHECKING:
    from lossmatch.comparison.engine import RunResult


@dataclass(frozen=True)
class Style:
    """How one pairing looks: a matplotlib ``colour`` and ``marker``, and the same marker as a text ``glyph``."""

    colour: str
    marker: str
    glyph: str


# tab10's colours with markers that have a text glyph of the same shape (for the tables); two to spare for pairings
# still to come (a test checks that every registered pairing has its own)
_LOOKS = [("#1f77b4", "o", "\u25cf"), ("#ff7f0e", "s", "\u25a0"), ("#2ca02c", "^", "\u25b2"),
          ("#d62728", "D", "\u25c6"), ("#9467bd", "v", "\u25bc"), ("#8c564b", "<", "\u25c0"),
          ("#e377c2", ">", "\u25b6"), ("#7f7f7f", "*", "\u2605"), ("#bcbd22", "p", "\u2b1f"),
          ("#17becf", "h", "\u2b22")]
STYLES: Mapping[str, Style] = {name: Style(*look) for name, look in zip(registry.PAIRINGS, _LOOKS)}

SPARSE_BIN = 20  # a reliability bin with fewer pooled rows: its frequency has a standard error up to 0.11
RELIABILITY_BINS = 15  # the equal-width bins of ``metrics.reliability_curve`` (its default, used by the engine)
PROPORTIONS = frozenset({"top1_accuracy", "top5_accuracy", "binary_accuracy", "exact_match", "hamming_loss", "f1",
                         "f1_micro", "f1_macro", "precision_macro", "recall_macro", "roc_auc", "roc_auc_macro",
                         "average_precision", "average_precision_macro", "ece", "brier"})


def clip_interval(metric: str, low: float, high: float) -> tuple[float, float]:
    """A metric's interval within the values it can take: [0, 1] for a proportion, >= 0 for log loss."""
    if metric in PROPORTIONS:
        return max(low, 0.0), min(high, 1.0)
    if metric == "log_loss":
        return max(low, 0.0), high
    return low, high


def png(fig, *, crop: bool = False) -> bytes:
    """``fig`` as PNG bytes, closed afterwards. The figures here lay themselves out (``tight_layout``); ``crop``
    (one more drawing pass) is for a figure with a legend outside its axes."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, **({"bbox_inches": "tight"} if crop else {}))
    plt.close(fig)
    return buffer.getvalue()


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _by_pairing(runs: Sequence[RunResult]) -> dict[str, list[RunResult]]:
    out: dict[str, list[RunResult]] = {}
    for run in runs:
        out.setdefault(run.pairing, []).append(run)
    return out


def _curves(member: Sequence[RunResult], key: str) -> np.ndarray:
    """Seeds x epochs, NaN-padded where early stopping ended a seed sooner."""
    length = max(len(r.history.get(key) or ()) for r in member)
    out = np.full((len(member), length), np.nan)
    for i, run in enumerate(member):
        values = run.history.get(key) or ()
        out[i, :len(values)] = values
    return out


def _line(ax, x, y, pairing: str, **kwargs) -> None:
    """A pairing's curve with its marker every few points, staggered by pairing so that lines lying on top of
    each other still show every pairing's markers."""
    style = STYLES[pairing]
    step = max(1, len(x) // 8)
    ax.plot(x, y, color=style.colour, marker=style.marker, markersize=4,
            markevery=(list(STYLES).index(pairing) % step, step), label=pairing, **kwargs)


def _value_axis(ax, values: np.ndarray) -> bool:
    """A log y axis where the finite values fall more than tenfold (the first epochs would flatten the rest),
    linear otherwise; on a log axis, ticks at 1, 2 and 5 times powers of ten (over two decades or less) labelled
    plainly (0.2, not 2x10^-1) and no unlabelled minor ticks. Returns whether the axis is logarithmic."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

    finite = values[np.isfinite(values)]
    log = bool(finite.size > 0 and finite.min() > 0 and finite.max() >= 10 * finite.min())
    ax.set_yscale("log" if log else "linear")
    if log:
        decades = math.log10(finite.max() / finite.min())
        ax.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0) if decades < 2 else (1.0,)))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
        ax.yaxis.set_minor_locator(NullLocator())
    return log


def loss_curves(runs: Sequence[RunResult]) -> Any:
    """Small multiples of the training loss, one panel per pairing on its own scale (a CCE on sigmoid outputs
    near 10 and a BCE near 0.6 are both readable): the mean over seeds, the seeds' range shaded."""
    plt = _pyplot()
    from matplotlib.ticker import MaxNLocator

    groups = _by_pairing(runs)
    columns = min(len(groups), 4)
    rows = math.ceil(len(groups) / columns)
    fig, axes = plt.subplots(rows, columns, figsize=(3.2 * columns, 2.5 * rows), squeeze=False)
    for ax, (pairing, member) in zip(axes.flat, groups.items()):
        curves = _curves(member, "loss")
        epochs = np.arange(1, curves.shape[1] + 1)
        with np.errstate(all="ignore"):
            _line(ax, epochs, np.nanmean(curves, axis=0), pairing)
            ax.fill_between(epochs, np.nanmin(curves, axis=0), np.nanmax(curves, axis=0), color=STYLES[pairing].colour,
                            alpha=0.2, linewidth=0)
        ax.set_title(pairing, color=STYLES[pairing].colour, fontsize=10)
        log = _value_axis(ax, curves)
        ax.set(xlabel="epoch", ylabel="loss (nats/row" + (", log)" if log else ")"))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    for ax in list(axes.flat)[len(groups):]:
        ax.set_visible(False)
    fig.suptitle(f"training loss per pairing, each on its own scale: mean over {max(len(m) for m in groups.values())} "
                 "seeds, shaded: their range", fontsize=10)
    fig.tight_layout()
    return fig


def metric_curves(runs: Sequence[RunResult], main: str) -> Any:
    """The test main metric per epoch and, when recorded, the mean gradient norm at the logits (on a log scale
    where it spans more than tenfold)."""
    plt = _pyplot()
    from matplotlib.ticker import MaxNLocator

    groups = _by_pairing(runs)
    gradients = all(r.history.get("grad_norm") for r in runs)
    fig, axes = plt.subplots(1, 2 if gradients else 1, figsize=(11 if gradients else 5.5, 3.4), squeeze=False)
    keys = [(main, f"test {main} (0-1)")] + ([("grad_norm", "mean |dL/dlogits|")] if gradients else [])
    for ax, (key, label) in zip(axes[0], keys):
        means = []
        for pairing, member in groups.items():
            curves = _curves(member, key)
            with np.errstate(all="ignore"):
                means.append(np.nanmean(curves, axis=0))
            _line(ax, np.arange(1, curves.shape[1] + 1), means[-1], pairing, alpha=0.85)
        # the gradient norms of different losses lie decades apart: a log axis when they do, labelled plainly
        log = key == "grad_norm" and _value_axis(ax, np.concatenate(means))
        ax.set(xlabel="epoch", ylabel=label + (" (log scale)" if log else ""))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(("test " + main if key == main else "gradient norm at the logits") + " (mean over seeds)",
                     fontsize=10)
    axes[0][-1].legend(fontsize=8, loc="center left", bbox_to_anchor=(1.02, 0.5), title="pairing")
    fig.tight_layout()
    return fig


def _dot_rows(ax, rows: Sequence[tuple[str, float, float, float]]) -> None:
    """One dot with its interval per ``(pairing, value, low, high)``, top to bottom."""
    for y, (pairing, value, low, high) in enumerate(rows):
        style = STYLES[pairing]
        low, high = (value if math.isnan(b) else b for b in (low, high))
        ax.errorbar([value], [y], xerr=[[value - low], [high - value]], fmt=style.marker, color=style.colour,
                    capsize=4, markersize=6, label=pairing)
    ax.set_yticks(range(len(rows)), [row[0] for row in rows])
    ax.set_ylim(len(rows) - 0.5, -0.5)


def _zoom(ax, values: Sequence[float], floor: float = 0.0) -> None:
    """x limits around ``values`` with 15% padding, at least ``floor`` wide."""
    finite = [v for v in values if not math.isnan(v)]
    if not finite:
        return
    low, high = min(finite), max(finite)
    pad = max((high - low) * 0.15, floor / 2, 1e-4)
    ax.set_xlim(low - pad, high + pad)


def differences(cells: Mapping[tuple[str, str], Mapping[str, Any]], verdicts: Sequence[Mapping[str, Any]],
                pairings: Sequence[str], metric: str) -> Any:
    """Left: each pairing's mean of ``metric`` with its 95% interval; right: the paired difference from the matched
    pairing with its interval, 0 and the margin band of the verdict rule. Both axes zoomed to the data."""
    plt = _pyplot()
    shown = [v for v in verdicts if v["metric"] == metric and v["delta"] is not None and not math.isnan(v["delta"])]
    fig, axes = plt.subplots(1, 2 if shown else 1, figsize=(10 if shown else 5, 0.45 * len(pairings) + 1.6),
                             squeeze=False)
    means = []
    for pairing in pairings:
        cell = cells[(pairing, metric)]
        if cell["mean"] is None or math.isnan(cell["mean"]):
            continue
        low, high = clip_interval(metric, _or(cell["ci_low"], cell["mean"]), _or(cell["ci_high"], cell["mean"]))
        means.append((pairing, cell["mean"], low, high))
    _dot_rows(axes[0][0], means)
    _zoom(axes[0][0], [b for row in means for b in row[1:]])
    axes[0][0].set(xlabel=f"{metric} (mean, 95% interval over seeds)", title=f"{metric} per pairing")
    if shown:
        ax = axes[0][1]
        rows = [(v["pairing"], v["delta"], _or(v["ci_low"], v["delta"]), _or(v["ci_high"], v["delta"])) for v in shown]
        margin = max(v["margin"] for v in shown)
        ax.axvspan(-margin, margin, color="#9aa3b2", alpha=0.25)
        ax.axvline(0.0, color="#5b6475", linewidth=1)
        _dot_rows(ax, rows)
        _zoom(ax, [b for row in rows for b in row[1:]] + [-margin, margin])
        for y, v in enumerate(shown):
            ax.annotate(v["verdict"], (1.0, y), xycoords=("axes fraction", "data"), xytext=(4, 0),
                        textcoords="offset points", va="center", fontsize=8, color="#5b6475")
        ax.set(xlabel=f"{metric} difference vs {shown[0]['baseline']} (pairing - matched)",
               title=f"paired difference (grey band: margin \u00b1{margin:.3g})")
    fig.tight_layout()
    return fig


def pooled_reliability(runs: Sequence[RunResult], n_bins: int = RELIABILITY_BINS) -> dict[str, list[float]]:
    """The reliability curves of ``runs`` (one pairing's seeds) pooled into the engine's equal-width bins: per
    non-empty bin the count-weighted mean confidence and observed frequency, and the pooled row count."""
    counts, conf, freq = np.zeros(n_bins), np.zeros(n_bins), np.zeros(n_bins)
    for run in runs:
        curve = run.reliability or {}
        for c, f, n in zip(curve.get("confidence", ()), curve.get("frequency", ()), curve.get("count", ())):
            # a bin's mean confidence lies inside the bin (edges[i], edges[i + 1]]; the first bin holds 0 too
            index = min(max(math.ceil(c * n_bins) - 1, 0), n_bins - 1)
            counts[index] += n
            conf[index] += c * n
            freq[index] += f * n
    filled = counts > 0
    return {"confidence": (conf[filled] / counts[filled]).tolist(), "frequency": (freq[filled] / counts[filled]).tolist(),
            "count": counts[filled].astype(int).tolist()}


def reliability(runs: Sequence[RunResult]) -> Any | None:
    """Reliability pooled over seeds per pairing, with the pooled rows per bin below; bins with fewer than
    :data:`SPARSE_BIN` rows are hollow. None when no pairing gives probabilities."""
    plt = _pyplot()
    curves = {p: pooled_reliability(member) for p, member in _by_pairing(runs).items()}
    curves = {p: c for p, c in curves.items() if c["count"]}
    if not curves:
        return None
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(5.6, 5.4), sharex=True, gridspec_kw={"height_ratios": (3, 1.3)})
    top.plot([0, 1], [0, 1], color="grey", linestyle=":", linewidth=1, label="perfect calibration")
    width = 1.0 / RELIABILITY_BINS / (len(curves) + 1)
    for k, (pairing, curve) in enumerate(curves.items()):
        style = STYLES[pairing]
        conf, freq, count = (np.asarray(curve[key], dtype=np.float64) for key in ("confidence", "frequency", "count"))
        sparse = count < SPARSE_BIN
        top.plot(conf, freq, color=style.colour, linewidth=1, alpha=0.8)
        top.scatter(conf[~sparse], freq[~sparse], color=style.colour, marker=style.marker, s=22, label=pairing, zorder=3)
        top.scatter(conf[sparse], freq[sparse], facecolors="white", edgecolors=style.colour, marker=style.marker, s=22,
                    zorder=3)
        bins = np.minimum(np.ceil(conf * RELIABILITY_BINS) - 1, RELIABILITY_BINS - 1).clip(0)
        bottom.bar(bins / RELIABILITY_BINS + (k + 0.5) * width, count, width, color=style.colour)
    top.scatter([], [], facecolors="white", edgecolors="grey", marker="o", s=22, label=f"bin with < {SPARSE_BIN} rows")
    top.set(title="reliability, pooled over seeds", ylabel="observed frequency (0-1)", xlim=(0, 1), ylim=(-0.02, 1.02))
    top.legend(fontsize=7, loc="upper left")
    bottom.set(xlabel="predicted confidence (0-1)", ylabel="rows per bin", yscale="log")
    bottom.axhline(SPARSE_BIN, color="grey", linestyle="--", linewidth=0.8)
    fig.tight_layout()
    return fig


def per_label_f1(runs: Sequence[RunResult], labels: Sequence[Any]) -> Any:
    """Per-label F1 (mean over seeds), a group of bars per label."""
    plt = _pyplot()
    groups = {p: m for p, m in _by_pairing(runs).items() if all(r.per_label_f1 is not None for r in m)}
    fig, ax = plt.subplots(figsize=(9, 3.4))
    width = 0.8 / max(len(groups), 1)
    for i, (pairing, member) in enumerate(groups.items()):
        f1 = np.mean([r.per_label_f1 for r in member], axis=0)
        ax.bar(np.arange(len(labels)) + i * width, f1, width, label=pairing, color=STYLES[pairing].colour)
    ax.set_xticks(np.arange(len(labels)) + 0.4 - width / 2, [plain_text(str(label)[:12]) for label in labels],
                  rotation=60, fontsize=7)
    ax.set(title="per-label F1 (mean over seeds)", xlabel="label", ylabel="F1 (0-1)", ylim=(0, 1))
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5), title="pairing")
    fig.tight_layout()
    return fig


def sweep(table: Sequence[Mapping[str, Any]], names: Sequence[str]) -> Any:
    """Per setting, a panel of each mismatched pairing's paired difference on each dataset's main metric with its
    95% interval, 0 and the widest margin band; the legend above the panels."""
    plt = _pyplot()
    settings = list(dict.fromkeys(row["setting"] for row in table)) or [""]
    pairings = list(dict.fromkeys(row["pairing"] for row in table))
    fig, axes = plt.subplots(1, len(settings), figsize=(4.2 * len(settings), 0.5 * len(names) + 1.8), squeeze=False,
                             sharey=True)
    margins = [d["margin"] for row in table for d in row["deltas"] if d["margin"] is not None]
    for ax, setting in zip(axes[0], settings):
        if margins:
            ax.axvspan(-max(margins), max(margins), color="#9aa3b2", alpha=0.25)
        ax.axvline(0.0, color="#5b6475", linewidth=1)
        for row in (r for r in table if r["setting"] == setting):
            k = pairings.index(row["pairing"])
            style = STYLES[row["pairing"]]
            for d in row["deltas"]:
                if d["delta"] is None or math.isnan(d["delta"]):
                    continue
                y = names.index(d["dataset"]) + (k - (len(pairings) - 1) / 2) * 0.18
                low, high = _or(d["ci_low"], d["delta"]), _or(d["ci_high"], d["delta"])
                ax.errorbar(d["delta"], y, xerr=[[d["delta"] - low], [high - d["delta"]]], fmt=style.marker,
                            markersize=4, color=style.colour, label=row["pairing"])
        ax.set_yticks(range(len(names)), [plain_text(name) for name in names], fontsize=8)
        ax.set(title=setting or "difference vs matched", xlabel="main metric difference (pairing - matched)")
    axes[0][0].invert_yaxis()  # first dataset on top; the panels share the y axis, so invert it once
    seen = {}
    for ax in axes[0]:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            seen.setdefault(label, handle)
    fig.legend(list(seen.values()), list(seen), fontsize=9, loc="lower center", ncol=min(len(seen), 4),
               bbox_to_anchor=(0.5, 1.0), title="pairing (grey band: margin)")
    fig.tight_layout()
    return fig


def _or(value: float | None, default: float) -> float:
    """``value``, or ``default`` where it is missing (None in results.json, NaN before)."""
    return default if value is None or math.isnan(value) else value
