"""``lossmatch advise``: read a label file, infer the task, recommend loss, head, metrics and weights."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from lossmatch.cli._output import FORMAT_METAVAR, Format, echo, emit_json, resolve_format

EXIT_MISMATCH = 1


class Activation(str, Enum):
    sigmoid = "sigmoid"
    softmax = "softmax"
    linear = "linear"


def register(app: typer.Typer) -> None:
    @app.command("advise", short_help="Infer the task from a label file; recommend loss, head and metrics.")
    def advise_command(
        labels: Path = typer.Argument(..., metavar="LABELS", help="Label file: .csv .tsv .parquet .npy .npz .arff .jsonl or plain text."),
        column: list[str] = typer.Option(None, "--column", metavar="NAME", help="Label column(s) of a table (repeat for several)."),
        labels_last: int = typer.Option(None, "--labels-last", metavar="N", help="ARFF: the last N attributes are the labels."),
        xml: Path = typer.Option(None, "--xml", metavar="FILE", help="ARFF: MULAN XML file naming the label attributes."),
        label_sep: str = typer.Option(None, "--label-sep", metavar="SEP", help="Separator of label sets in one string, e.g. '|' "
                                      "(found without it when the strings recombine a small set of labels)."),
        no_split: bool = typer.Option(False, "--no-split", help="Read each string as one class, never as a label set."),
        num_classes: int = typer.Option(None, "--num-classes", metavar="N", help="Number of classes, when some never occur."),
        model_units: int = typer.Option(None, "--model-units", metavar="N", help="Output units of your current model head."),
        model_activation: Activation = typer.Option(None, "--model-activation", metavar="sigmoid|softmax|linear", help="Activation of your current head."),
        fmt: Format = typer.Option(Format.text, "--format", metavar=FORMAT_METAVAR, help="Output format."),
        json_flag: bool = typer.Option(False, "--json", help="Alias of --format json."),
    ) -> None:
        """Infer the task from the labels and recommend the matched loss, head, metrics and weights."""
        from lossmatch.labels import advise

        report = advise(labels, column=list(column) if column else None, labels_last=labels_last, xml=xml,
                        label_sep=label_sep, no_split=no_split, num_classes=num_classes, model_units=model_units,
                        model_activation=model_activation.value if model_activation else None)
        if resolve_format(fmt, json_flag) == "json":
            emit_json(report.to_dict())
        else:
            echo(render_text(report.to_dict()))
        if report.model_check is not None and not report.model_check.matches:
            raise typer.Exit(EXIT_MISMATCH)


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _nums(values: float | list[float]) -> str:
    return f"[{', '.join(_num(v) for v in values)}]" if isinstance(values, list) else _num(values)


def render_text(doc: dict) -> str:
    rec = doc["recommendation"]
    classes = ", ".join(f"{c} ({doc['class_counts'][str(c)]})" for c in doc["classes"][:10])
    more = f", ... ({doc['n_classes'] - 10} more)" if doc["n_classes"] > 10 else ""
    lines = [
        f"{doc['source']}: {doc['n_samples']} rows, {doc['task']} ({doc['encoding']}), {doc['n_classes']} classes",
        f"  classes: {classes}{more}",
        (f"  imbalance ratio: {_num(doc['imbalance_ratio'])}   label cardinality: {_num(doc['label_cardinality'])}   "
         f"sklearn type_of_target: {doc['sklearn_type']}"),
        "evidence:",
        *(f"  - {line}" for line in doc["evidence"]),
        "recommendation:",
        f"  loss: {rec['loss']}   activation: {rec['activation']}   output units: {rec['output_units']}",
        f"  labels: {rec['label_format']}",
        f"  metrics: {', '.join(rec['metrics'])}",
    ]
    if rec["class_weight"] is not None:
        lines.append(f"  class_weight: {_nums(rec['class_weight'])}")
    if rec["pos_weight"] is not None:
        lines.append(f"  pos_weight: {_nums(rec['pos_weight'])}")
    if rec["threshold"] is not None:
        lines.append(f"  threshold: {_num(rec['threshold'])}" + ("  (a starting point: choose it on validation data, "
                                                                  "see the notes)" if rec["pos_weight"] is not None else ""))
    lines += [f"  note: {note}" for note in rec["notes"]]
    check = doc["model_check"]
    if check is not None:
        verdict = "matches the labels" if check["matches"] else "does NOT match the labels"
        lines.append(f"your head ({check['units']} units, {check['activation']}) {verdict}")
        lines += [f"  - {problem}" for problem in check["problems"]]
    lines += ["PyTorch:", *(f"    {line}" for line in doc["snippets"]["pytorch"].splitlines()),
              "Keras:", *(f"    {line}" for line in doc["snippets"]["keras"].splitlines())]
    return "\n".join(lines)
