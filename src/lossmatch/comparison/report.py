"""report.html: one self-contained page (figures embedded as PNG data URIs, every user string escaped by
jinja2's autoescape), plus the same figures under ``figures/``."""

from __future__ import annotations

import base64
import io
import math
import re
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from lossmatch._io import atomic_write_bytes, atomic_write_text

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


def _figures(result: CompareResult, dataset: dict[str, Any]) -> dict[str, bytes]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    name, main = dataset["name"], dataset["main_metric"]
    runs = [r for r in result.runs if r.dataset == name]
    pairings = list(dict.fromkeys(r.pairing for r in runs))
    colours = dict(zip(pairings, plt.get_cmap("tab10").colors))
    figures = {}

    fig, axes = plt.subplots(1, 2, figsize=(9, 3.2))
    for pairing in pairings:
        member = [r for r in runs if r.pairing == pairing]
        for ax, key in zip(axes, ("loss", main)):
            curves = np.array([r.history[key] for r in member])
            ax.plot(np.arange(1, curves.shape[1] + 1), curves.mean(axis=0), label=pairing, color=colours[pairing])
    axes[0].set(title="training loss (mean over seeds)", xlabel="epoch")
    axes[1].set(title=f"test {main} (mean over seeds)", xlabel="epoch")
    axes[1].legend(fontsize=8)
    figures["curves"] = _png(fig)
    plt.close(fig)

    cells = {(s["pairing"], s["metric"]): s for s in result.summary if s["dataset"] == name}
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
        ax.set_xticks(np.arange(len(labels)) + 0.4 - width / 2, [str(label)[:12] for label in labels], rotation=60, fontsize=7)
        ax.set(title="per-label F1 (mean over seeds)", ylim=(0, 1))
        ax.legend(fontsize=8)
        figures["per_label_f1"] = _png(fig)
        plt.close(fig)
    return figures


def _fmt(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:.3f}"


def _opening(result: CompareResult) -> list[str]:
    """The plain-words summary: per dataset, the worse verdicts on the headline metric."""
    lines = []
    for dataset in result.datasets:
        main = dataset["main_metric"]
        worse = [v for v in result.verdicts if v["dataset"] == dataset["name"] and v["verdict"] == "worse" and v["metric"] == main]
        baseline = next((v["baseline"] for v in result.verdicts if v["dataset"] == dataset["name"]), "")
        if worse:
            names = ", ".join(f"{v['pairing']} ({v['delta']:+.3f})" for v in worse)
            lines.append(f"{dataset['name']} ({dataset['task']}): against {baseline}, {main} is worse for {names}.")
        else:
            lines.append(f"{dataset['name']} ({dataset['task']}): no pairing is detectably worse than {baseline} on {main}.")
        cells = {(s["pairing"], s["metric"]): s["mean"] for s in result.summary if s["dataset"] == dataset["name"]}
        binary = [v for (p, m), v in cells.items() if m == "binary_accuracy"]
        top1 = [v for (p, m), v in cells.items() if m == "top1_accuracy"]
        if dataset["task"] == "multiclass" and binary and top1:
            lines.append(f"{dataset['name']}: binary accuracy reads {min(binary):.3f}-{max(binary):.3f} where top-1 accuracy "
                         f"is {min(top1):.3f}-{max(top1):.3f}; it counts the {dataset['n_classes'] - 1} correct zeros of "
                         f"every row (predicting all zeros scores {1 - 1 / dataset['n_classes']:.3f}), so it flatters any "
                         "single-label model: read top-1.")
    return lines


def write_report(result: CompareResult, out: Path) -> Path:
    import jinja2

    figures_dir = out / "figures"
    figures_dir.mkdir(parents=True, exist_ok=True)
    sections = []
    for dataset in result.datasets:
        figures = _figures(result, dataset)
        for key, data in figures.items():
            atomic_write_bytes(figures_dir / f"{_slug(dataset['name'])}_{key}.png", data)
        task = "multilabel" if dataset["task"] == "multilabel" else "single"
        present = {s["metric"] for s in result.summary if s["dataset"] == dataset["name"]}
        metrics = [m for m in HEADLINE[task] if m in present]
        pairings = list(dict.fromkeys(r.pairing for r in result.runs if r.dataset == dataset["name"]))
        cells = {(s["pairing"], s["metric"]): s for s in result.summary if s["dataset"] == dataset["name"]}
        verdict = {(v["pairing"], v["metric"]): v for v in result.verdicts if v["dataset"] == dataset["name"]}
        rows = []
        for pairing in pairings:
            row = []
            for metric in metrics:
                cell = cells[(pairing, metric)]
                v = verdict.get((pairing, metric))
                row.append({"mean": _fmt(cell["mean"]), "low": _fmt(cell["ci_low"]), "high": _fmt(cell["ci_high"]),
                            "verdict": v["verdict"] if v else "baseline", "title": v["explanation"] if v else ""})
            rows.append({"pairing": pairing, "cells": row})
        notes = [v["explanation"] for v in result.verdicts if v["dataset"] == dataset["name"] and v["metric"] == dataset["main_metric"]]
        sections.append({"dataset": dataset, "metrics": metrics, "rows": rows, "notes": notes,
                         "figures": {k: base64.b64encode(v).decode("ascii") for k, v in figures.items()}})
    environment = jinja2.Environment(loader=jinja2.PackageLoader("lossmatch.comparison", "templates"),
                                     autoescape=True, undefined=jinja2.StrictUndefined)
    html = environment.get_template("report.html.j2").render(result=result, sections=sections, opening=_opening(result))
    atomic_write_text(out / "report.html", html)
    return out / "report.html"
