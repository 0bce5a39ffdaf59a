"""``lossmatch score``: predictions + labels -> the metrics that fit the task, calibration and warnings."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any

import numpy as np
import typer

from lossmatch.cli._output import FORMAT_METAVAR, Format, echo, emit_json, resolve_format, warn


class InputKindOption(str, Enum):
    auto = "auto"
    logits = "logits"
    probs = "probs"
    log_probs = "log_probs"


class TaskOption(str, Enum):
    binary = "binary"
    multiclass = "multiclass"
    multilabel = "multilabel"


def register(app: typer.Typer) -> None:
    @app.command("score", short_help="Score predictions: task-fitting metrics, calibration, warnings.")
    def score_command(
        predictions: Path = typer.Argument(..., metavar="PREDICTIONS", help="Scores: .npy .npz .csv .tsv .parquet, (n,) or (n, C); no pickles."),
        labels: Path = typer.Argument(..., metavar="LABELS", help="Labels: class indices, one-hot, multi-hot, strings or label sets "
                                                "(.csv .tsv .parquet .npy .npz .arff .jsonl or plain text)."),
        input_kind: InputKindOption = typer.Option(InputKindOption.auto, "--input-kind", metavar="auto|logits|probs|log_probs", help="What the scores are."),
        task: TaskOption = typer.Option(None, "--task", metavar="binary|multiclass|multilabel", help="Task; inferred from the labels when left out."),
        threshold: float = typer.Option(0.5, "--threshold", metavar="T", help="Decision threshold per output (multi-label, binary accuracy)."),
        column: list[str] = typer.Option(None, "--column", metavar="NAME", help="Label column(s) of a table (repeat for several)."),
        pred_column: list[str] = typer.Option(None, "--pred-column", metavar="NAME", help="Score column(s) of a table, or the NPZ array."),
        label_sep: str = typer.Option(None, "--label-sep", metavar="SEP", help="Separator of label sets in one string, e.g. '|' "
                                      "(found without it when the strings recombine a small set of labels)."),
        no_split: bool = typer.Option(False, "--no-split", help="Read each label string as one class, never as a label set."),
        fit_fraction: float = typer.Option(None, "--fit-fraction", metavar="SHARE", help="Fit the temperature on this share of the rows "
                                           "(a seeded split) and score calibration on the rest; default: fit and "
                                           "score on every row (in-sample)."),
        fit_seed: int = typer.Option(0, "--fit-seed", metavar="N", help="Seed of the --fit-fraction split."),
        plot: Path = typer.Option(None, "--plot", metavar="FILE", help="Write a reliability diagram (PNG) to this file."),
        fmt: Format = typer.Option(Format.text, "--format", metavar=FORMAT_METAVAR, help="Output format."),
        json_flag: bool = typer.Option(False, "--json", help="Alias of --format json."),
    ) -> None:
        """Score predictions against labels: task-fitting metrics, calibration before/after temperature, warnings."""
        from lossmatch._io import check_writable
        from lossmatch.metrics import score

        if plot is not None:
            check_writable(plot, "--plot", kind="file")
        target = read_target(labels, column=list(column) if column else None, label_sep=label_sep, no_split=no_split)
        scores = read_scores(predictions, column=list(pred_column) if pred_column else None)
        report = score(target, scores, task=task.value if task else None, input_kind=input_kind.value,
                       threshold=threshold, fit_fraction=fit_fraction, seed=fit_seed)
        if plot is not None:
            write_plot(report, plot, title=predictions.name)
        doc = {"predictions": str(predictions), "labels": str(labels), **report.to_dict()}
        if resolve_format(fmt, json_flag) == "json":
            emit_json(doc)
        else:
            echo(render_text(doc))
            for warning in report.warnings:
                warn(warning)


def read_scores(path: Path, *, column: list[str] | None = None) -> np.ndarray:
    from lossmatch._messages import expected
    from lossmatch.errors import DataError
    from lossmatch.labels import load_array

    scores = load_array(path, column=(column[0] if column and len(column) == 1 else column), what="predictions")
    if scores.dtype.kind not in "biuf":
        raise DataError(expected("predictions", "be numeric scores", f"dtype {scores.dtype} in '{path.name}'"))
    return scores.astype(np.float64)


def read_target(path: Path, *, column: list[str] | None = None, label_sep: str | None = None,
                no_split: bool = False) -> np.ndarray:
    """Labels as class indices ``(n,)`` or a 0/1 matrix ``(n, C)``.

    Numeric labels are used as they are (class ``k`` is score column ``k``); strings and label sets are mapped
    to sorted classes through :mod:`lossmatch.labels`, so score column ``k`` must be the ``k``-th sorted class.
    """
    from lossmatch._messages import expected
    from lossmatch.errors import DataError
    from lossmatch.labels import encode, infer, read_labels
    from lossmatch.labels._infer import identifier_warning, split_guess
    from lossmatch.metrics._evaluate import hard_labels

    raw = read_labels(path, column=(column[0] if column and len(column) == 1 else column))
    if isinstance(raw, np.ndarray) and raw.dtype.kind in "biuf":
        return hard_labels(raw, name="labels", where=f" in '{path.name}'")
    report = infer(raw, label_sep=label_sep, no_split=no_split, source=path.name)
    for caveat in (split_guess(report), identifier_warning(report)):
        if caveat is not None:
            warn(f"labels of '{path.name}': {caveat}")
    if report.task not in ("binary", "multiclass", "multilabel") or report.encoding.startswith("soft"):
        raise DataError(expected("labels", "fit a binary, multiclass or multilabel task with hard labels",
                                 f"{report.task} labels ({report.encoding}) in '{path.name}'"))
    return encode(raw, report)


def write_plot(report: Any, path: Path, *, title: str) -> None:
    """The reliability diagram, written atomically (a temporary file renamed into place)."""
    import matplotlib.pyplot as plt

    from lossmatch._io import atomic_path
    from lossmatch.metrics import reliability_figure

    fig = reliability_figure(report, title=title)
    try:
        with atomic_path(path) as tmp:
            fig.savefig(tmp, format="png", dpi=100, bbox_inches="tight")
    finally:
        plt.close(fig)


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4f}"


def render_text(doc: dict[str, Any]) -> str:
    cal = doc["calibration"]
    width = max(len(name) for name in doc["metrics"])
    lines = [
        f"{doc['predictions']} vs {doc['labels']}: {doc['n_samples']} rows, {doc['task']}, {doc['n_classes']} "
        f"{'labels' if doc['task'] == 'multilabel' else 'classes'}",
        f"  scores read as {doc['input_kind']} ({doc['input_kind_evidence']})",
        "metrics:",
        *(f"  {name:<{width}}  {_fmt(value)}" for name, value in doc["metrics"].items()),
        "calibration:",
        f"  ece    {_fmt(cal['ece'])} -> {_fmt(cal['ece_after_temperature'])} after temperature T = {cal['temperature']:.3f}",
        f"  nll    {_fmt(cal['nll'])} -> {_fmt(cal['nll_after_temperature'])}",
        f"  brier  {_fmt(cal['brier'])} -> {_fmt(cal['brier_after_temperature'])}",
        f"  {doc['temperature_fit']['note']}",
    ]
    return "\n".join(lines)
