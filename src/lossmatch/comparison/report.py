"""report.html: one self-contained page (figures embedded as PNG data URIs, every user string escaped by
jinja2's autoescape), plus the same figures under ``figures/``."""

from __future__ import annotations

import base64
import io
import math
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from lossmatch._io import atomic_write_bytes, atomic_write_text
from lossmatch._messages import plain_text
from lossmatch.comparison import dynamics
from lossmatch.comparison.stats import baseline_for

if TYPE_CHECKING:
    from lossmatch.comparison.run import CompareResult

HEADLINE = {"multilabel": ("f1_micro", "exact_match", "hamming_loss", "binary_accuracy", "f1_macro", "log_loss", "ece"),
            "single": ("top1_accuracy", "binary_accuracy", "f1_macro", "log_loss", "ece")}


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)[:60] or "dataset"


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    return buffer.getvalue()


def _figures(result: CompareResult, dataset: dict[str, Any], setting: str = "") -> dict[str, bytes]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    name, main = dataset["name"], dataset["main_metric"]
    runs = [r for r in result.runs if r.dataset == name and r.setting == setting]
    pairings = list(dict.fromkeys(r.pairing for r in runs))
    colours = dict(zip(pairings, plt.get_cmap("tab10").colors))
    figures = {}

    keys = ("loss", main, "grad_norm") if all(r.history.get("grad_norm") for r in runs) else ("loss", main)
    fig, axes = plt.subplots(1, len(keys), figsize=(4.5 * len(keys), 3.2))
    for pairing in pairings:
        member = [r for r in runs if r.pairing == pairing]
        for ax, key in zip(axes, keys):
            curves = np.array([r.history[key] for r in member])
            ax.plot(np.arange(1, curves.shape[1] + 1), curves.mean(axis=0), label=pairing, color=colours[pairing])
    axes[0].set(title="training loss (mean over seeds)", xlabel="epoch")
    axes[1].set(title=f"test {main} (mean over seeds)", xlabel="epoch")
    if len(keys) == 3:
        axes[2].set(title="mean gradient norm at the logits", xlabel="epoch", yscale="log")
    axes[1].legend(fontsize=8)
    figures["curves"] = _png(fig)
    plt.close(fig)

    cells = {(s["pairing"], s["metric"]): s for s in result.summary if s["dataset"] == name and s["setting"] == setting}
    fig, ax = plt.subplots(figsize=(4.5, 3.2))
    means = [cells[(p, main)]["mean"] for p in pairings]
    errors = [[m - (cells[(p, main)]["ci_low"] if cells[(p, main)]["ci_low"] is not None else m) for p, m in zip(pairings, means)],
              [(cells[(p, main)]["ci_high"] if cells[(p, main)]["ci_high"] is not None else m) - m for p, m in zip(pairings, means)]]
    ax.bar(pairings, means, yerr=np.nan_to_num(errors), color=[colours[p] for p in pairings], capsize=4)
    ax.set(title=f"{main}, 95% interval", ylim=(0, 1))
    ax.tick_params(axis="x", labelsize=8)
    figures["main"] = _png(fig)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(4.5, 3.2))
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", linewidth=1)
    for pairing in pairings:
        curve = next(r for r in runs if r.pairing == pairing).reliability
        ax.plot(curve["confidence"], curve["frequency"], marker="o", markersize=3, label=pairing, color=colours[pairing])
    ax.set(title="reliability (first seed)", xlabel="confidence", ylabel="observed frequency", xlim=(0, 1), ylim=(0, 1))
    ax.legend(fontsize=8)
    figures["reliability"] = _png(fig)
    plt.close(fig)

    if dataset["task"] == "multilabel":
        labels = dataset["label_names"]
        fig, ax = plt.subplots(figsize=(9, 3.2))
        width = 0.8 / len(pairings)
        for i, pairing in enumerate(pairings):
            f1 = np.mean([r.per_label_f1 for r in runs if r.pairing == pairing], axis=0)
            ax.bar(np.arange(len(labels)) + i * width, f1, width, label=pairing, color=colours[pairing])
        ax.set_xticks(np.arange(len(labels)) + 0.4 - width / 2, [plain_text(str(label)[:12]) for label in labels], rotation=60, fontsize=7)
        ax.set(title="per-label F1 (mean over seeds)", ylim=(0, 1))
        ax.legend(fontsize=8)
        figures["per_label_f1"] = _png(fig)
        plt.close(fig)
    return figures


def _fmt(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:.3f}"


def _sweep_figure(result: CompareResult) -> bytes:
    """Effect size per dataset: the paired difference of each mismatched pairing against the matched one on
    the dataset's main metric, with its 95% interval; one panel per setting."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    table = result.sweep
    settings = list(dict.fromkeys(row["setting"] for row in table)) or [""]
    names = [d["name"] for d in result.datasets]
    pairings = list(dict.fromkeys(row["pairing"] for row in table))
    colours = dict(zip(pairings, plt.get_cmap("tab10").colors[2:]))
    fig, axes = plt.subplots(1, len(settings), figsize=(4.2 * len(settings), 0.45 * len(names) + 1.6), squeeze=False,
                             sharey=True)
    for ax, setting in zip(axes[0], settings):
        ax.axvline(0.0, color="grey", linewidth=1)
        for k, row in enumerate(r for r in table if r["setting"] == setting):
            for d in row["deltas"]:
                y = names.index(d["dataset"]) + (k - (len(pairings) - 1) / 2) * 0.18
                low, high = _or(d["ci_low"], d["delta"]), _or(d["ci_high"], d["delta"])
                ax.errorbar(d["delta"], y, xerr=[[d["delta"] - low], [high - d["delta"]]], fmt="o", markersize=3,
                            color=colours[row["pairing"]], label=row["pairing"] if d is row["deltas"][0] else None)
        ax.set_yticks(range(len(names)), [plain_text(name) for name in names], fontsize=8)
        ax.set(title=setting or "difference vs matched", xlabel="main metric, pairing - matched")
    axes[0][0].invert_yaxis()  # first dataset on top; the panels share the y axis, so invert it once
    fig.legend(*axes[0][-1].get_legend_handles_labels(), fontsize=7, loc="upper center", ncol=len(pairings),
               bbox_to_anchor=(0.5, -0.12))  # below the x labels (saved with bbox_inches="tight")
    data = _png(fig)
    plt.close(fig)
    return data


def _or(value: float | None, default: float) -> float:
    """``value``, or ``default`` where it is missing (None in results.json, NaN before)."""
    return default if value is None or math.isnan(value) else value


def _sweep(result: CompareResult) -> dict[str, Any] | None:
    """The sweep view, when there are several settings or datasets."""
    if len(result.settings) < 2 and len(result.datasets) < 2:
        return None
    rows = []
    for row in result.sweep:
        deltas = [d["delta"] for d in row["deltas"] if d["delta"] is not None and not math.isnan(d["delta"])]
        rows.append({**row, "median": _fmt(float(np.median(deltas))) if deltas else "n/a",
                     "low": _fmt(min(deltas)) if deltas else "n/a", "high": _fmt(max(deltas)) if deltas else "n/a"})
    return {"rows": rows, "figure": base64.b64encode(_sweep_figure(result)).decode("ascii")}


def _opening(result: CompareResult) -> list[str]:
    """The plain-words summary: per setting and dataset, the worse verdicts on the headline metric."""
    lines = []
    for setting in result.settings:
        prefix = f"[{setting}] " if setting else ""
        for dataset in result.datasets:
            name, main = dataset["name"], dataset["main_metric"]
            mine = [v for v in result.verdicts if v["dataset"] == name and v["setting"] == setting]
            on_main = [v for v in mine if v["metric"] == main]
            baseline = next((v["baseline"] for v in mine), "")
            said = []
            for verdict, words in (("worse", "worse"), ("better", "better"), ("same", "the same (within the margin)"),
                                   ("inconclusive", "inconclusive")):
                chosen = [v for v in on_main if v["verdict"] == verdict]
                if chosen:
                    said.append(f"{words} for " + ", ".join(f"{v['pairing']} ({v['delta']:+.3f})" for v in chosen))
            if said:
                lines.append(f"{prefix}{name} ({dataset['task']}): against {baseline}, {main} is {'; '.join(said)}.")
            cells = {(s["pairing"], s["metric"]): s["mean"] for s in result.summary
                     if s["dataset"] == name and s["setting"] == setting}
            binary = [v for (p, m), v in cells.items() if m == "binary_accuracy"]
            top1 = [v for (p, m), v in cells.items() if m == "top1_accuracy"]
            if dataset["task"] == "multiclass" and binary and top1:
                lines.append(f"{prefix}{name}: binary accuracy reads {min(binary):.3f}-{max(binary):.3f} where top-1 "
                             f"accuracy is {min(top1):.3f}-{max(top1):.3f}; it counts the {dataset['n_classes'] - 1} correct "
                             f"zeros of every row (predicting all zeros scores {1 - 1 / dataset['n_classes']:.3f}), so it "
                             "flatters any single-label model: read top-1.")
    return lines


def write_report(result: CompareResult, out: Path) -> Path:
    import jinja2

    figures_dir = out / "figures"
    figures_dir.mkdir(parents=True, exist_ok=True)
    sections = []
    for setting in result.settings:
        for dataset in result.datasets:
            sections.append(_section(result, dataset, setting, figures_dir))
    sweep = _sweep(result)
    if sweep is not None:
        atomic_write_bytes(figures_dir / "sweep_effects.png", base64.b64decode(sweep["figure"]))
    environment = jinja2.Environment(loader=jinja2.PackageLoader("lossmatch.comparison", "templates"),
                                     autoescape=True, undefined=jinja2.StrictUndefined)
    html = environment.get_template("report.html.j2").render(result=result, sections=sections, opening=_opening(result),
                                                             sweep=sweep)
    atomic_write_text(out / "report.html", html)
    return out / "report.html"


def _section(result: CompareResult, dataset: dict[str, Any], setting: str, figures_dir: Path) -> dict[str, Any]:
    name = dataset["name"]
    figures = _figures(result, dataset, setting)
    stem = _slug(f"{name}_{setting}" if setting else name)
    for key, data in figures.items():
        atomic_write_bytes(figures_dir / f"{stem}_{key}.png", data)
    task = "multilabel" if dataset["task"] == "multilabel" else "single"
    cells = {(s["pairing"], s["metric"]): s for s in result.summary if s["dataset"] == name and s["setting"] == setting}
    present = {metric for _, metric in cells}
    metrics = [m for m in HEADLINE[task] if m in present]
    pairings = list(dict.fromkeys(r.pairing for r in result.runs if r.dataset == name and r.setting == setting))
    mine = [v for v in result.verdicts if v["dataset"] == name and v["setting"] == setting]
    verdict = {(v["pairing"], v["metric"]): v for v in mine}
    not_defined = {(r.pairing, m) for r in result.runs if r.dataset == name and r.setting == setting
                   for m in r.extra.get("not_defined", ())}
    rows = []
    for pairing in pairings:
        row = []
        for metric in metrics:
            cell = cells[(pairing, metric)]
            v = verdict.get((pairing, metric))
            if (pairing, metric) in not_defined:
                v = {"verdict": "not defined", "explanation": f"{pairing} gives raw scores, not probabilities: {metric} is "
                                                              "not defined for it (not computed from a made-up transform)."}
            row.append({"mean": _fmt(cell["mean"]), "low": _fmt(cell["ci_low"]), "high": _fmt(cell["ci_high"]),
                        "verdict": v["verdict"] if v else "baseline", "title": v["explanation"] if v else ""})
        rows.append({"pairing": pairing, "cells": row})
    notes = [v["explanation"] for v in mine if v["metric"] == dataset["main_metric"]]
    runs = [r for r in result.runs if r.dataset == name and r.setting == setting]
    notes = dynamics.notes(runs, dataset["main_metric"], baseline_for(dataset["task"], pairings)) + notes
    return {"dataset": dataset, "setting": setting, "metrics": metrics, "rows": rows, "notes": notes,
            "figures": {k: base64.b64encode(v).decode("ascii") for k, v in figures.items()}}
