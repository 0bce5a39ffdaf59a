"""The runtime check: one forward pass of the user's model on the user's batch, then the output statistics
against what the loss expects (the same rules as the static pass, judged on measured facts).

Output classes: ``softmax`` (values in [0, 1], rows sum to 1), ``log_softmax`` (values <= 0, rows'
logsumexp is 0), ``sigmoid`` (values in [0, 1], rows do not sum to 1) and ``linear`` (anything else).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lossmatch._messages import expected, show_shape
from lossmatch.audit import catalogue as cat
from lossmatch.audit._judge import judge
from lossmatch.audit._values import Labels, Site, Tensor
from lossmatch.audit.rules import Finding, make_finding
from lossmatch.errors import ConfigError, DataError, LossmatchTypeError
from lossmatch.registry import REGISTRY

__all__ = ["check_model", "check_outputs", "loss_entry", "output_kind", "target_labels"]

PATH = "<model>"
TOLERANCE = 1e-3


@dataclass
class _NoFile:
    single_label: list[str] = field(default_factory=list)
    multi_label: list[str] = field(default_factory=list)
    standalone_keras: bool = False


class _Reporter:
    def __init__(self) -> None:
        self.facts = _NoFile()
        self.findings: dict[str, Finding] = {}

    def report(self, rule: str, node: Any, detail: str, evidence: list[str]) -> None:
        self.findings.setdefault(rule, make_finding(rule, PATH, 0, 0, detail, evidence))

    def describe(self, value: Any) -> str:
        return str(value.node if isinstance(value, Tensor) else value)


def check_model(model: Any, inputs: Any, loss: Any = None, target: Any = None) -> list[Finding]:
    """Run ``model`` once on a batch and check its outputs against ``loss`` and the batch's labels.

    ``model``: a ``torch.nn.Module`` or a Keras 3 model. ``inputs``: what the model is called with, or a
    DataLoader / ``tf.data`` style batch ``(inputs, target)`` or ``(inputs, target, sample_weight)`` (a list or
    tuple whose second item has as many rows as the inputs; ``target=`` not given). A model of several inputs
    gets them as a tuple with ``target=`` by keyword, or as a batch ``((a, b), target)``. ``loss``: a torch loss
    module (``nn.CrossEntropyLoss()``, a :mod:`lossmatch.nn` module), a Keras loss object, function or name, a
    lossmatch registry name, or ``None`` to use a compiled Keras model's loss. ``target``: the batch's labels
    (optional). A torch model runs in eval mode under ``no_grad`` and gets its mode back afterwards.

    Example:
        >>> import torch
        >>> model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Softmax(dim=1))
        >>> batch = (torch.randn(8, 4), torch.randint(0, 3, (8,)))  # what a DataLoader yields
        >>> [f.rule for f in check_model(model, batch, torch.nn.CrossEntropyLoss())]
        ['LM001']
    """
    if target is None:
        inputs, target = _split_batch(inputs)
    output, class_dim, framework = _forward(model, inputs)
    if loss is None and framework == "keras":
        loss = getattr(model, "loss", None)
    return check_outputs(output, loss_entry(loss) if loss is not None else None, target, class_dim=class_dim)


def check_outputs(output: np.ndarray, loss: cat.LossEntry | None, target: Any = None, *,
                  class_dim: int = -1) -> list[Finding]:
    """The checks of :func:`check_model` on outputs already computed (the training-time checks call it with the
    first batch the model produced). ``loss``: what :func:`loss_entry` returns, or ``None`` when unknown."""
    kind, evidence = output_kind(output, class_dim)
    units = output.shape[class_dim] if output.ndim else 1
    reporter = _Reporter()
    if kind == "softmax" and units == 1:
        reporter.report("LM014", None, "every output is exactly 1.0", [evidence])
    labels = target_labels(target) if target is not None else None
    if loss is not None:
        pred = Tensor(kind, units, evidence)  # type: ignore[arg-type]
        judge(reporter, Site(loss, pred, labels, None, None, f"{loss.name}"))  # type: ignore[arg-type]
    return sorted(reporter.findings.values(), key=lambda f: f.rule)


def _rows(value: Any) -> int | None:
    """The leading dimension of a tensor or array (of the first of several inputs), else None."""
    if isinstance(value, (list, tuple)) and value:
        return _rows(value[0])
    shape = getattr(value, "shape", None)
    return int(shape[0]) if shape is not None and len(shape) >= 1 else None


def _split_batch(batch: Any) -> tuple[Any, Any]:
    """``(inputs, target)`` of a DataLoader-style batch ``(x, y)`` / ``(x, y, w)``; anything else is the inputs."""
    if isinstance(batch, (list, tuple)) and len(batch) in (2, 3):
        rows = _rows(batch[0])
        if rows is not None and not isinstance(batch[1], (list, tuple)) and _rows(batch[1]) == rows:
            return batch[0], batch[1]
    return batch, None


def output_kind(output: np.ndarray, class_dim: int) -> tuple[str, str]:
    """Classify a batch of outputs and describe the statistics it rests on."""
    values = np.asarray(output, dtype=np.float64)
    if values.size == 0 or not np.isfinite(values).all():
        raise DataError(expected("model output", "be non-empty and finite", f"{show_shape(values.shape)} with "
                                 f"{int((~np.isfinite(values)).sum())} non-finite values"))
    low, high = float(values.min()), float(values.max())
    stats = f"{show_shape(values.shape)}, min {low:.4g}, max {high:.4g}"
    if values.ndim == 0:
        values = values.reshape(1, 1)
    sums = values.sum(axis=class_dim)
    if low >= 0 and high <= 1 and values.shape[class_dim] == 1:  # softmax over one unit is exactly 1.0
        if low == 1.0:
            return "softmax", f"{stats}: every value is exactly 1.0"
        return "sigmoid", f"{stats}: in [0, 1]"
    if low >= 0 and high <= 1:
        deviation = float(np.abs(sums - 1).max())
        if deviation <= TOLERANCE:
            return "softmax", f"{stats}, rows sum to 1 (max deviation {deviation:.2g})"
        return "sigmoid", f"{stats}: in [0, 1], rows do not sum to 1 (row sums {float(sums.min()):.3g}..{float(sums.max()):.3g})"
    if high <= 0 and values.shape[class_dim] > 1:
        peak = values.max(axis=class_dim, keepdims=True)
        lse = np.log(np.exp(values - peak).sum(axis=class_dim)) + np.squeeze(peak, axis=class_dim)
        deviation = float(np.abs(lse).max())
        if deviation <= TOLERANCE:
            return "log_softmax", f"{stats}, rows' logsumexp is 0 (max deviation {deviation:.2g}): log-probabilities"
    return "linear", f"{stats}: outside [0, 1], raw scores"


def _forward(model: Any, inputs: Any) -> tuple[np.ndarray, int, str]:
    module = type(model).__module__
    if module.startswith("keras") or module.startswith("tf_keras"):
        import keras

        output = model(inputs, training=False)
        if isinstance(output, (list, tuple, dict)):
            raise LossmatchTypeError(expected("model", "have one output", f"{type(output).__name__} of outputs"))
        return np.asarray(keras.ops.convert_to_numpy(output)), -1, "keras"
    import torch

    if not isinstance(model, torch.nn.Module):
        raise LossmatchTypeError(expected("model", "be a torch.nn.Module or a Keras 3 model", type(model).__name__))
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            output = model(*inputs) if isinstance(inputs, tuple) else model(inputs)
    finally:
        model.train(was_training)
    if not isinstance(output, torch.Tensor):
        raise LossmatchTypeError(expected("model output", "be one tensor", type(output).__name__,
                                          "Wrap the model so it returns the tensor the loss sees."))
    array = output.detach().float().cpu().numpy()
    return array, (1 if array.ndim >= 2 else -1), "torch"


def loss_entry(loss: Any) -> cat.LossEntry:
    """What a loss (torch module or function, Keras loss object, function or name, lossmatch name) applies and
    takes, or :class:`ConfigError` when it is none of those."""
    if isinstance(loss, str):
        found = cat.loss_for_keras_name(loss) or _registry_entry(loss)
        if found is not None:
            return found
    else:
        cls = type(loss)
        module = getattr(loss, "__module__", None) or cls.__module__
        if inspect.isfunction(loss) or inspect.isbuiltin(loss):  # F.cross_entropy, lossmatch's functional losses
            found_call = cat.loss_for_call(f"{module}.{loss.__name__}")
            if found_call is not None:
                return found_call[0]
            if module.startswith("lossmatch") and loss.__name__ in REGISTRY:
                return cat.LossEntry(loss.__name__, loss.__name__, (0, "input"), (1, "target"))
        if module.startswith("torch.nn"):
            found = cat.loss_for_call(f"torch.nn.{cls.__name__}")
            if found is not None:
                return found[0]
        if module.startswith("lossmatch"):
            spec = next((s for s in REGISTRY.values() if s.module == cls.__name__), None)
            if spec is not None:
                return cat.LossEntry(f"lossmatch.nn.{cls.__name__}", spec.name, (0, "input"), (1, "target"))
        if module.startswith(("keras", "tf_keras")):
            keras_name = getattr(loss, "__name__", None) or cls.__name__
            found_keras = cat.loss_for_keras_name(keras_name)
            if found_keras is not None:
                config = loss.get_config() if hasattr(loss, "get_config") else {}
                return found_keras.with_logits(bool(config.get("from_logits", False)))
    raise ConfigError(expected("loss", "be a torch loss module, a Keras loss (object, function or name) or a "
                               f"lossmatch loss name ({', '.join(REGISTRY)})", repr(loss)))


def _registry_entry(name: str) -> cat.LossEntry | None:
    if name not in REGISTRY:
        return None
    return cat.LossEntry(name, name, (0, "input"), (1, "target"))


def target_labels(target: Any) -> Labels | None:
    """The format of a batch of targets as the rules name it (one-hot, multi-hot, index), or None for any other."""
    from lossmatch.labels import infer

    try:
        report = infer(_to_numpy(target))
    except DataError:
        return None
    fmt = {"one_hot": "one_hot", "multi_hot": "multi_hot", "index": "index"}.get(report.encoding)
    if fmt is None:
        return None
    return Labels(fmt, report.n_classes, f"target: {report.encoding}, {report.n_classes} classes, "
                                          f"{report.n_samples} rows ({report.task})")


def _to_numpy(value: Any) -> Any:
    if hasattr(value, "detach"):
        return value.detach().cpu().numpy()
    if type(value).__module__.startswith(("keras", "tensorflow")):
        import keras

        return keras.ops.convert_to_numpy(value)
    return value
