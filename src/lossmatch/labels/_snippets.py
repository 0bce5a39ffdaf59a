"""Ready-to-paste PyTorch and Keras code for a recommendation, with its exact numbers.

Each snippet expects ``in_features`` (the width of the layer before the head) to be defined, builds the head,
and defines the loss; the tests execute them. Labels the loss cannot take as they are (1-based, with gaps,
{-1, 1}) get a ``to_targets`` function that does the mapping the notes describe; labels held as strings are
mapped by :func:`lossmatch.labels.encode`, which the comments name with what it returns.
"""

from __future__ import annotations

import textwrap

from lossmatch.labels._infer import LabelReport
from lossmatch.labels._recommend import Recommendation
from lossmatch.registry import get

__all__ = ["snippets"]


def _floats(values: tuple[float, ...] | float) -> str:
    if isinstance(values, tuple):
        return "[" + ", ".join(repr(float(v)) for v in values) + "]"
    return repr(float(values))


MAX_LISTED_CLASSES = 50  # more classes than this are mapped with lossmatch.labels.encode, not a literal list


def snippets(report: LabelReport, rec: Recommendation) -> dict[str, str]:
    return {"pytorch": _pytorch(report, rec), "keras": _keras(report, rec)}


def _mapping(report: LabelReport, rec: Recommendation) -> str | None:
    """``one_based``, ``sorted_lookup``, ``signed`` or ``encode`` (strings) when the labels need mapping first."""
    if report.encoding in ("string", "delimited", "label_sets"):
        return "encode"
    if report.task not in ("binary", "multiclass") or rec.target not in ("index", "binary"):
        return None
    if report.encoding == "signed_binary":
        return "signed"
    if report.encoding != "index":
        return None
    classes = [int(c) for c in report.classes]
    if classes == list(range(len(classes))):
        return None
    if classes == list(range(1, len(classes) + 1)):
        return "one_based"
    return "sorted_lookup" if len(classes) <= MAX_LISTED_CLASSES else "encode"


def _encode_comment(report: LabelReport) -> list[str]:
    held = "label sets" if report.task == "multilabel" else "strings" if report.encoding == "string" else "labels"
    returns = ("an int64 0/1 matrix (N, C), one column per label" if report.task == "multilabel" else
               "int64 class indices 0..C-1")
    text = (f"y holds {held}: lossmatch.labels.encode(y, report) returns {returns} in the order of report.classes, "
            "where report = lossmatch.labels.infer(y) (or lossmatch.labels.advise(path))")
    return ["# " + line for line in textwrap.wrap(text, 110)]


def _to_targets(report: LabelReport, rec: Recommendation, torch: bool) -> list[str]:
    """Lines defining ``to_targets(y)`` (labels as in the file -> what the loss takes), or none."""
    mapping = _mapping(report, rec)
    if mapping in (None, "encode"):
        return []
    k = report.n_classes
    encode = "the same as lossmatch.labels.encode(y, report) returns"
    if mapping == "one_based":
        why, body = f"labels 1..{k} as in the file -> class indices 0..{k - 1} ({encode})", "y - 1"
    elif mapping == "signed":
        why, body = f"labels {{-1, 1}} -> the targets {{0, 1}} ({encode})", "(y + 1) // 2"
    else:
        why, body = (f"labels {list(report.classes)} -> their positions 0..{k - 1} in sorted order ({encode})",
                     "torch.searchsorted(classes, y)" if torch else "np.searchsorted(classes, y)")
    lines = []
    if mapping == "sorted_lookup":
        lines.append(f"classes = {'torch.tensor' if torch else 'np.array'}({[int(c) for c in report.classes]})")
    y = "y.long()" if torch else "np.asarray(y, dtype=np.int64)"
    lines += ["", "def to_targets(y):", f"    # {why}", f"    y = {y}", f"    return {body}"]
    return lines


def _pytorch(report: LabelReport, rec: Recommendation) -> str:
    lines = ["import torch", "import lossmatch", ""]
    if report.task == "multioutput":
        lines += [f"heads = torch.nn.ModuleList(torch.nn.Linear(in_features, k) for k in {tuple(report.output_classes)})",
                  "", "def loss_fn(logits_per_head, target):",
                  "    # target: int64 (N, outputs), one class index per output (lossmatch.labels.encode)",
                  f"    return sum(lossmatch.{rec.loss}(logits, target[:, j]) for j, logits in enumerate(logits_per_head))"]
        return "\n".join(lines) + "\n"
    if rec.loss == "linear_cross_entropy":
        lines += [f"head = lossmatch.nn.LinearCrossEntropy(in_features, {rec.output_units})  # owns the classifier weights",
                  "", "def loss_fn(hidden, target):",
                  "    # hidden: (N, in_features); target: int64 class indices (N,); no N x C logits are built",
                  "    return head(hidden, target.long())"]
        return "\n".join(lines) + "\n"
    lines.append(f"head = torch.nn.Linear(in_features, {rec.output_units})  # logits: no activation, the loss applies {rec.activation}")
    options = []
    if rec.class_weight is not None:
        lines.append(f"class_weight = torch.tensor({_floats(rec.class_weight)})")
        options.append("weight=class_weight")
    if rec.pos_weight is not None:
        lines.append(f"pos_weight = torch.tensor({_floats(rec.pos_weight)})")
        options.append("pos_weight=pos_weight")
    squeeze = ".squeeze(-1)" if rec.output_units == 1 else ""
    cast = ".long()" if rec.target == "index" else ".float()"
    mapped = _to_targets(report, rec, torch=True)
    lines += mapped
    target = f"to_targets(target){cast}" if mapped else f"target{cast}"
    call = ", ".join([f"logits{squeeze}", target, *options])
    comment = (f"    # target: the labels as in the file; to_targets makes them {rec.label_format}" if mapped else
               f"    # target: {rec.label_format}")
    lines += [""] + (_encode_comment(report) if _mapping(report, rec) == "encode" else [])
    lines += ["def loss_fn(logits, target):", comment, f"    return lossmatch.{rec.loss}({call})"]
    if rec.threshold is not None:
        prob = "torch.sigmoid(logits)"
        why = ("  # pos_weight moves the best threshold: choose it on validation data" if rec.pos_weight is not None
               else "")
        lines += ["", f"def predict(logits, threshold={rec.threshold:g}):{why}",
                  f"    return ({prob} > threshold).long()  # 0/1, one column per output"]
    return "\n".join(lines) + "\n"


def _keras(report: LabelReport, rec: Recommendation) -> str:
    spec = get(rec.loss)
    lines = ["import keras", ""]
    if report.task == "multioutput":
        spec = get(rec.loss)
        lines += ["inputs = keras.Input(shape=(in_features,))",
                  f"outputs = [keras.layers.Dense(k, name=f'output_{{j}}')(inputs) for j, k in enumerate({tuple(report.output_classes)})]",
                  "model = keras.Model(inputs, outputs)",
                  f"model.compile(optimizer='adam', loss=[{spec.keras_equivalent} for _ in outputs])",
                  "# model.fit(x, [y[:, j] for j in range(y.shape[1])])"]
        return "\n".join(lines) + "\n"
    loss = spec.keras_equivalent if spec.keras_equivalent.startswith("keras.") else get("sparse_categorical_cross_entropy_with_logits").keras_equivalent
    if rec.pos_weight is not None:
        lines = ["import keras", "import torch", "import lossmatch.keras", ""]
        loss = f"lossmatch.keras.BinaryCrossentropy(from_logits=True, pos_weight=torch.tensor({_floats(rec.pos_weight)}))"
    lines += ["inputs = keras.Input(shape=(in_features,))",
              f"logits = keras.layers.Dense({rec.output_units})(inputs)  # no activation: from_logits=True applies {rec.activation}",
              "model = keras.Model(inputs, logits)",
              f"model.compile(optimizer='adam', loss={loss})"]
    mapped = _to_targets(report, rec, torch=False)
    if mapped:
        lines[:1] = ["import keras", "import numpy as np"]
        lines += mapped + [""]
    y = "to_targets(y)" if mapped else "y"
    about = f"y: the labels as in the file; to_targets(y): {rec.label_format}" if mapped else f"y: {rec.label_format}"
    if _mapping(report, rec) == "encode":
        lines += _encode_comment(report)
        about = f"y = lossmatch.labels.encode(y, report), {rec.label_format}"
    if rec.class_weight is not None:
        weights = ", ".join(f"{i}: {w!r}" for i, w in enumerate(rec.class_weight))
        lines.append(f"class_weight = {{{weights}}}")
        lines.append(f"# model.fit(x, {y}, class_weight=class_weight)  # {about}")
    else:
        lines.append(f"# model.fit(x, {y})  # {about}")
    return "\n".join(lines) + "\n"
