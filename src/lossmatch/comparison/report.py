"""report.html: one self-contained page (figures embedded as PNG data URIs, every user string escaped by
jinja2's autoescape), plus the same figures under ``figures/``.

The page opens with a summary across datasets (every run), then the sweep view (only with a grid), then a
section per dataset: its table, notes and :mod:`~lossmatch.comparison.figures`. It reads at a phone's width:
tables scroll inside their own box and an interval (``0.977 ±0.001``) never wraps.
"""

from __future__ import annotations

import base64
import math
import re
import struct
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from lossmatch._io import atomic_write_bytes, atomic_write_text
from lossmatch.comparison import dynamics, figures
from lossmatch.comparison.figures import STYLES, clip_interval
from lossmatch.comparison.stats import baseline_for

if TYPE_CHECKING:
    from lossmatch.comparison.run import CompareResult

HEADLINE = {"multilabel": ("f1_micro", "exact_match", "hamming_loss", "binary_accuracy", "f1_macro", "log_loss", "ece"),
            "single": ("top1_accuracy", "binary_accuracy", "f1_macro", "log_loss", "ece")}


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)[:60] or "dataset"


def _figures(result: CompareResult, dataset: dict[str, Any], setting: str = "") -> dict[str, bytes]:
    name, main = dataset["name"], dataset["main_metric"]
    runs = [r for r in result.runs if r.dataset == name and r.setting == setting]
    pairings = list(dict.fromkeys(r.pairing for r in runs))
    cells = {(s["pairing"], s["metric"]): s for s in result.summary if s["dataset"] == name and s["setting"] == setting}
    mine = [v for v in result.verdicts if v["dataset"] == name and v["setting"] == setting]
    drawn = {"differences": figures.differences(cells, mine, pairings, main), "loss": figures.loss_curves(runs),
             "curves": figures.metric_curves(runs, main), "reliability": figures.reliability(runs)}
    if dataset["task"] == "multilabel":
        drawn["per_label_f1"] = figures.per_label_f1(runs, dataset["label_names"])
    return {key: figures.png(fig) for key, fig in drawn.items() if fig is not None}


def _fmt(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:.3f}"


def _signed(value: float) -> str:
    """``+0.012``, ``-0.591``; a value that rounds to zero reads ``+0.000``, never ``-0.000``."""
    text = f"{value:+.3f}"
    return "+" + text[1:] if float(text) == 0.0 else text


def interval(mean: Any, low: Any, high: Any, *, metric: str = "", signed: bool = False) -> dict[str, str]:
    """How a mean and its 95% interval read in the tables: ``{"value": "0.977", "spread": "±0.001", "title":
    "95% interval [0.976, 0.979]"}``. A proportion's interval is clipped to [0, 1] (log loss to >= 0); a clipped,
    hence uneven, interval reads ``[0.000, 0.003]`` instead of a +- half-width. ``signed``: a paired difference
    (``+0.012``, never ``-0.000``; not clipped)."""
    def missing(value: Any) -> bool:  # None in results.json, NaN before
        return value is None or math.isnan(value)

    if missing(mean):
        return {"value": "n/a", "spread": "", "title": ""}
    shown = _signed if signed else _fmt
    if missing(low) or missing(high):
        return {"value": shown(mean), "spread": "", "title": "no interval (fewer than two seeds)"}
    clipped = (low, high) if signed else clip_interval(metric, low, high)  # a difference is not a proportion
    bounds = f"[{shown(clipped[0])}, {shown(clipped[1])}]"
    spread = f"±{(high - low) / 2:.3f}" if clipped == (low, high) else bounds
    return {"value": shown(mean), "spread": spread, "title": f"95% interval {bounds}"}


def _sweep(result: CompareResult) -> dict[str, Any] | None:
    """The sweep view, only when a grid gave several settings."""
    if len(result.settings) < 2:
        return None
    rows = []
    for row in result.sweep:
        deltas = [d["delta"] for d in row["deltas"] if d["delta"] is not None and not math.isnan(d["delta"])]
        rows.append({**row, "median": _signed(float(np.median(deltas))) if deltas else "n/a",
                     "low": _signed(min(deltas)) if deltas else "n/a", "high": _signed(max(deltas)) if deltas else "n/a"})
    figure = figures.png(figures.sweep(result.sweep, [d["name"] for d in result.datasets]), crop=True)
    return {"rows": rows, "figure": _embedded(figure)}


def _overview(result: CompareResult) -> dict[str, Any]:
    """The cross-dataset summary: per setting and dataset, the matched pairing's main metric and every other
    pairing's paired difference from it, with its interval and verdict."""
    pairings = list(dict.fromkeys(r.pairing for r in result.runs))
    rows = []
    for setting in result.settings:
        for dataset in result.datasets:
            name, main = dataset["name"], dataset["main_metric"]
            mine = {v["pairing"]: v for v in result.verdicts
                    if v["dataset"] == name and v["setting"] == setting and v["metric"] == main}
            here = [p for p in pairings if any(r.pairing == p and r.dataset == name and r.setting == setting
                                                for r in result.runs)]
            baseline = baseline_for(dataset["task"], here)
            cell = next((s for s in result.summary if s["dataset"] == name and s["setting"] == setting
                         and s["pairing"] == baseline and s["metric"] == main), None)
            matched = interval(cell["mean"], cell["ci_low"], cell["ci_high"], metric=main) if cell else interval(None, 0, 0)
            cells = []
            for pairing in pairings:
                v = mine.get(pairing)
                if pairing == baseline:
                    cells.append({"pairing": pairing, "kind": "matched"})
                elif v is None:
                    cells.append({"pairing": pairing, "kind": "missing"})
                else:
                    cells.append({"pairing": pairing, "kind": "difference", **interval(v["delta"], v["ci_low"], v["ci_high"], signed=True),
                                  "verdict": v["verdict"], "explanation": v["explanation"]})
            rows.append({"setting": setting, "dataset": dataset, "metric": main, "baseline": baseline,
                         "matched": matched, "cells": cells})
    return {"pairings": pairings, "rows": rows, "grid": len(result.settings) > 1}


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
        atomic_write_bytes(figures_dir / "sweep_effects.png", base64.b64decode(sweep["figure"]["data"]))
    environment = jinja2.Environment(loader=jinja2.PackageLoader("lossmatch.comparison", "templates"),
                                     autoescape=True, undefined=jinja2.StrictUndefined)
    html = environment.get_template("report.html.j2").render(result=result, sections=sections, opening=_opening(result),
                                                             sweep=sweep, overview=_overview(result), styles=STYLES,
                                                             sparse_bin=figures.SPARSE_BIN)
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
            shown = interval(cell["mean"], cell["ci_low"], cell["ci_high"], metric=metric)
            row.append({**shown, "verdict": v["verdict"] if v else "baseline",
                        "title": f"{shown['title']}. {v['explanation']}" if v else shown["title"]})
        rows.append({"pairing": pairing, "cells": row})
    notes = [v["explanation"] for v in mine if v["metric"] == dataset["main_metric"]]
    runs = [r for r in result.runs if r.dataset == name and r.setting == setting]
    notes = dynamics.notes(runs, dataset["main_metric"], baseline_for(dataset["task"], pairings)) + notes
    return {"dataset": dataset, "setting": setting, "metrics": metrics, "rows": rows, "notes": notes,
            "figures": {k: _embedded(v) for k, v in figures.items()}}


WIDE_FIGURE, READABLE_WIDTH = 800, 576  # pixels: a wider figure is shown at least this wide (it scrolls in its box)


def _embedded(data: bytes) -> dict[str, Any]:
    """A PNG for the page: base64 text, its pixel size (from the IHDR chunk) and the least width it is shown at.
    A figure wider than :data:`WIDE_FIGURE` keeps :data:`READABLE_WIDTH` on a phone and scrolls in its own box; a
    smaller one shrinks to fit; none is scaled up beyond its own size."""
    width, height = struct.unpack(">II", data[16:24])
    return {"data": base64.b64encode(data).decode("ascii"), "width": width, "height": height,
            "min_width": READABLE_WIDTH if width > WIDE_FIGURE else 0}
