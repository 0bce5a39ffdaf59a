"""Ready-to-paste PyTorch and Keras code for a recommendation, with its exact numbers.

Each snippet expects ``in_features`` (the width of the layer before the head) to be defined, builds the head,
and defines the loss; the tests execute them.
"""

from __future__ import annotations

from lossmatch.labels._infer import LabelReport
from lossmatch.labels._recommend import Recommendation
from lossmatch.registry import get

__all__ = ["snippets"]


def _floats(values: tuple[float, ...] | float) -> str:
    if isinstance(values, tuple):
        return "[" + ", ".join(repr(float(v)) for v in values) + "]"
    return repr(float(values))


def snippets(report: LabelReport, rec: Recommendation) -> dict[str, str]:
    return {"pytorch": _pytorch(report, rec), "keras": _keras(report, rec)}


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
    call = ", ".join([f"logits{squeeze}", f"target{cast}", *options])
    lines += ["", "def loss_fn(logits, target):", f"    # target: {rec.label_format}", f"    return lossmatch.{rec.loss}({call})"]
    if rec.threshold is not None:
        prob = "torch.sigmoid(logits)"
        lines += ["", "def predict(logits):", f"    return ({prob} > {rec.threshold:g}).long()"]
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
    if rec.class_weight is not None:
        weights = ", ".join(f"{i}: {w:g}" for i, w in enumerate(rec.class_weight))
        lines.append(f"class_weight = {{{weights}}}")
        lines.append("# model.fit(x, y, class_weight=class_weight)  # y: " + rec.label_format)
    else:
        lines.append("# model.fit(x, y)  # y: " + rec.label_format)
    return "\n".join(lines) + "\n"
