"""What framework calls do to values: layers, models, label encodings and loss sites (activations: _activations).

A mixin of :class:`lossmatch.audit._interp.Interpreter`; every framework name it reads comes from
:mod:`lossmatch.audit.catalogue`.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from lossmatch.audit import catalogue as cat
from lossmatch.audit._activations import _implicit_dim, _three_d
from lossmatch.audit._untrained import untrained_compiles
from lossmatch.audit._values import (
    Batches,
    Const,
    Dataset,
    Instance,
    Labels,
    Layer,
    LossValue,
    Model,
    Opaque,
    OpaqueOut,
    Pack,
    Ref,
    Site,
    Tensor,
    item_of,
)


class Frameworks:
    """Layers, models, labels and loss sites (mixed into the interpreter; activations: see _activations)."""

    path: str
    sites: list[Site]
    compile_sites: dict[str, list[Site]]
    superseded: set[int]
    untrained: set[int] | None  # compile() calls of models the file never trains (see _untrained); None: not read yet
    facts: Any
    tree: ast.AST  # the module being read

    # ------------------------------------------------------------------------------------ labels and data
    def dataset(self, node: ast.Call, name: str, key: str) -> Dataset:
        """A well-known single-label dataset (``mnist.load_data()``, ``torchvision.datasets.CIFAR10``)."""
        evidence = f"{self.describe(node)} (single-label dataset {key})"
        self.facts.single_label.append(evidence)
        self.facts.single_classes.append(cat.DATASETS[key])
        return Dataset(name.rsplit(".", 1)[-1], cat.DATASETS[key], evidence)

    def generated_dataset(self, node: ast.Call, name: str, info: tuple[str | None, int, str],
                          kwargs: dict[str, Any]) -> Dataset | None:
        """``make_classification(n_classes=7)``, ``make_blobs(centers=4)``: (X, y) with y integer classes;
        ``make_multilabel_classification``: y multi-hot rows. The number of classes from its keyword or default."""
        keyword, default, fmt = info
        given = kwargs.get(keyword) if keyword else None
        classes = default if given is None else len(given.items) if isinstance(given, Pack) else _int(given)
        over = f" over {classes} classes" if classes is not None else ""  # n_classes=k, k not known: format only
        evidence = f"{self.describe(node)} ({cat.FORMAT_WORDS[fmt]} labels{over})"
        (self.facts.multi_label if fmt == "multi_hot" else self.facts.single_label).append(evidence)
        if fmt == "index":
            self.facts.single_classes.append(classes)
        return Dataset(name.rsplit(".", 1)[-1], classes, evidence, fmt)

    def directory_batches(self, node: ast.Call, tail: str, kwargs: dict[str, Any]) -> Batches | None:
        """``flow_from_directory`` / ``image_dataset_from_directory``: labels as their mode says (by default
        one-hot and integer respectively)."""
        keyword, default, formats = cat.DIRECTORY_LOADERS[tail]
        mode = kwargs.get(keyword, Const(default))
        if not isinstance(mode, Const) or mode.value not in formats:
            return None
        fmt = formats[mode.value]
        shown = f"{keyword}={mode.value!r}" + ("" if keyword in kwargs else ", the default")
        evidence = f"{self.describe(node)} ({cat.FORMAT_WORDS[fmt]} labels: {shown})"
        self.facts.single_label.append(evidence)
        self.facts.single_classes.append(None)
        return Batches(Labels(fmt, None, evidence))

    def encode_labels(self, node: ast.Call, name: str, encoder: tuple[str, tuple[int, str] | None],
                      args: list[Any], kwargs: dict[str, Any]) -> Labels | None:
        fmt, classes_arg = encoder
        source = _arg(args, kwargs, 0, "y")
        if fmt == "index":  # argmax: labels only when taken of labels (not of predictions)
            if isinstance(source, Labels) and name != "torch.max":  # torch.max(a, b) is also the elementwise max
                return Labels("index", source.classes, f"{self.describe(node)} (class indices)")
            self.argmax_of_output(node, source, 1, "axis" if name.startswith(("numpy.", "tensorflow.")) else "dim")
            return None
        classes = _int(_arg(args, kwargs, *classes_arg)) if classes_arg else None
        if classes is None and isinstance(source, Labels):
            classes = source.classes
        evidence = f"{self.describe(node)} (one-hot{f', {classes} classes' if classes else ''})"
        self.facts.single_label.append(evidence)
        self.facts.single_classes.append(classes)
        return Labels(fmt, classes, evidence)

    def argmax_of_output(self, node: ast.Call, tensor: Any, position: int, keyword: str) -> None:
        """``out.argmax(1)``, ``torch.max(out, 1)``, ``np.argmax(model.predict(x), axis=-1)``: the class of a row is
        the arg-max over the output's units, so the task is single-label (evidence for that output only). A
        reduction over dim 0 (the batch) or the whole tensor says nothing."""
        if not isinstance(tensor, Tensor) or tensor.act is None:
            return
        given = [k.value for k in node.keywords if k.arg == keyword]
        given = given or node.args[position:position + 1]
        dim = given[0] if given else None
        if isinstance(dim, ast.UnaryOp) and isinstance(dim.op, ast.USub) and isinstance(dim.operand, ast.Constant):
            value = -dim.operand.value if type(dim.operand.value) is int else None
        else:
            value = dim.value if isinstance(dim, ast.Constant) and type(dim.value) is int else None
        if value:
            self.facts.argmaxed.append((tensor, f"{self.describe(node)} (the class of a row is the arg-max of this "
                                                "output: one class per row)"))

    def from_logits(self, entry: cat.LossEntry, kwargs: dict[str, Any]) -> cat.LossEntry | None:
        """Keras ``from_logits=``: a constant picks the form; a non-constant makes the loss unknown."""
        if "from_logits" not in kwargs:
            return entry
        flag = kwargs["from_logits"]
        if not isinstance(flag, Const) or not isinstance(flag.value, bool):
            return None
        return entry.with_logits(flag.value)

    # ------------------------------------------------------------------------------------ models and layers
    def make_layer(self, node: ast.Call, kind: cat.LayerKind, args: list[Any], kwargs: dict[str, Any],
                   keras: bool, shift: int = 0) -> Layer:
        if keras and shift == 0 and _keras0_dense(node, args):
            # Keras 0.x: Dense(input_dim, output_dim, ...): the second argument is the size, not the activation
            args = [args[1]]
        given = _arg(args, kwargs, *kind.units_arg) if kind.units_arg else None
        fmt = kwargs.get("data_format")
        channels_first = keras and isinstance(fmt, Const) and fmt.value == "channels_first"
        if channels_first:
            given = None  # the filters are axis 1; the activation runs over the last axis (a spatial one)
        units = _int(given)
        sized_by = _units_source(node, kind.units_arg, shift) if units is None and kind.units_arg and \
            not channels_first else None
        act = kind.activation
        if kind.activation_arg:
            position = 0 if kind.units_arg is None else 1
            keyword = kind.activation_kw
            present = len(args) > position or keyword in kwargs
            act = _activation(_arg(args, kwargs, position, keyword)) if present else kind.default_activation
        elif kind.units_arg is not None:
            act = "linear"
        name = kwargs.get("name")
        layer = Layer(kind, units, act, node, name.value if isinstance(name, Const) and isinstance(name.value, str)
                      else None, given.hole if isinstance(given, Opaque) else
                      given.default_of if isinstance(given, Const) else None, sized_by)
        if keras and act == "softmax" and units == 1:
            self.report_sized(layer.units_from, "LM014", node, "this layer has 1 unit", [self.describe(node)])
        return layer

    def functional_layer(self, node: ast.Call, kind: cat.LayerKind, args: list[Any], kwargs: dict[str, Any]) -> Any:
        """TF1 ``tf.layers.dense(inputs, units, activation=...)``: a layer applied to its first argument."""
        shifted = [*args[1:]]
        layer = self.make_layer(node, kind, shifted, kwargs, keras=True, shift=1)
        return self.apply(layer, _arg(args, kwargs, 0, "inputs"), node)

    def apply(self, layer: Layer, value: Any, node: ast.AST) -> Tensor | None:
        kind = layer.kind
        if kind.passthrough:
            return value if isinstance(value, Tensor) else None
        if not kind.keeps_units and kind.units_arg is None and isinstance(value, Tensor) and value.when is None \
                and value.act in _ELEMENTWISE:
            return value.reshaped()  # Flatten / Reshape of a tanh or sigmoid: the same values, rearranged
        if not kind.keeps_units or layer.act in (None, "unknown"):
            return None
        units = layer.units if kind.units_arg is not None else (value.units if isinstance(value, Tensor) else None)
        units_from = layer.units_from if kind.units_arg is not None else (
            value.units_from if isinstance(value, Tensor) else None)
        if kind.units_arg is None:  # an activation layer: nn.Sigmoid()(torch.sigmoid(x))
            self.note_doubled(layer.node, layer.act, value)
        if kind.units_arg is None and _implicit_dim(layer.node) and _three_d(value):
            units = None  # nn.Softmax() on a Conv1d's (N, C, L) output: torch's implicit dim is 0
        if layer.act == "softmax" and units == 1 and kind.units_arg is None and _not_first_axis(layer.node):
            self.report_sized(units_from, "LM014", layer.node, "it is applied to a 1-unit output",
                              [self.describe(layer.node)] + ([self.describe(value)] if isinstance(value, Tensor) else []))
        sized_by = layer.sized_by if kind.units_arg is not None else (
            value.sized_by if isinstance(value, Tensor) else None)
        return Tensor(layer.act, units, layer.node, getattr(layer.node, "lineno", 0), self.path, layer.name,
                      units_from, sized_by)

    def sequential(self, node: ast.Call, args: list[Any], kwargs: dict[str, Any]) -> Model:
        layers: tuple[Any, ...] = ()
        if args and isinstance(args[0], Pack):
            layers = args[0].items
        elif isinstance(kwargs.get("layers"), Pack):
            layers = kwargs["layers"].items
        elif args:
            layers = tuple(args)
        out: Any = None
        for layer in layers:
            if isinstance(layer, Layer):
                out = self.apply(layer, out, node)
            elif isinstance(layer, Model):
                out = layer.out
            elif isinstance(layer, Opaque):
                out = OpaqueOut(layer, (), node)
            else:
                out = None
        return Model(out, "Sequential", node, self.path)

    # ------------------------------------------------------------------------------------ loss sites
    def criterion_wrapper(self, node: ast.Call, args: list[Any], kwargs: dict[str, Any]) -> None:
        """skorch's ``NeuralNet(Module, criterion=nn.CrossEntropyLoss)``: the library trains the module's
        output with the criterion."""
        module = _arg(args, kwargs, 0, "module")
        criterion = kwargs["criterion"]
        entry = self.loss_entry(criterion)
        model = module.model if hasattr(module, "model") else module
        if entry is None or not isinstance(model, Model) or not isinstance(model.out, Tensor):
            return
        where = next(k.value for k in node.keywords if k.arg == "criterion")
        self.sites.append(Site(entry, model.out, None, None, where, where))
        return

    def compile(self, node: ast.Call, receiver_node: ast.expr, receiver: Any, args: list[Any],
                kwargs: dict[str, Any]) -> tuple[Site, ...]:
        """The compile's loss sites (each output's); those with a known loss and output are returned, for a
        ``fit`` in another file. A compile the next statement replaces (a tutorial's `compile(loss=...)` lines
        shown one after the other) has none: the model is never trained with it; nor has one of a model the file
        never trains (a GAN's generator, a model compiled only to load its weights)."""
        if self.untrained is None:  # read once, at the file's first compile (most files have none)
            self.untrained = untrained_compiles(self.tree)
        if id(node) in self.superseded or id(node) in self.untrained:
            return ()
        loss = _arg(args, kwargs, 1, "loss")
        loss_node = next((k.value for k in node.keywords if k.arg == "loss"), node.args[1] if len(node.args) > 1 else node)
        metrics = _arg(args, kwargs, 2, "metrics")
        names = tuple(m.value if isinstance(m, Const) and isinstance(m.value, str) else "?"
                      for m in metrics.items) if isinstance(metrics, Pack) else None
        if isinstance(receiver, Model):
            out = receiver.out
        elif isinstance(receiver, Instance):
            out = receiver.model.out if receiver.model else None
        elif isinstance(receiver, Opaque):
            out = OpaqueOut(receiver, (), receiver_node)
        else:
            out = None
        key = _key(receiver_node) or ""
        known = []
        for loss_value, pred, where in self.per_output(loss, out, loss_node):
            entry = self.loss_entry(loss_value)
            if entry is None and not isinstance(loss_value, Opaque):
                continue
            # Findings point at the loss argument.
            site = Site(entry, pred if isinstance(pred, Tensor) else None, None, names, where, where,
                        open_pred=pred if isinstance(pred, OpaqueOut) else None,
                        open_loss=loss_value if entry is None else None, path=self.path)
            self.sites.append(site)
            self.compile_sites.setdefault(key, []).append(site)
            if entry is not None and site.pred is not None:
                known.append(site)
        return tuple(known)

    def per_output(self, loss: Any, out: Any, loss_node: ast.AST) -> list[tuple[Any, Any, ast.AST]]:
        """(loss, output) pairs of a compile: one loss for a one-output model; a list or dict of losses paired
        with a multi-output model's outputs by position or by output layer name."""
        if isinstance(loss, Pack) and isinstance(out, Pack):
            return [(item, output, loss_node) for item, output in zip(loss.items, out.items)]
        if isinstance(loss, dict):
            outputs = out.items if isinstance(out, Pack) else (out,)
            by_name = {o.name: o for o in outputs if isinstance(o, Tensor) and o.name}
            return [(value, by_name.get(name), loss_node) for name, value in loss.items() if name in by_name]
        if isinstance(out, Pack):
            return []  # one loss for several outputs: Keras applies it to each; their activations may differ
        return [(loss, out, loss_node)]

    def loss_entry(self, loss: Any) -> cat.LossEntry | None:
        if isinstance(loss, Const) and isinstance(loss.value, str):
            return cat.loss_for_keras_name(loss.value)
        if isinstance(loss, LossValue):
            return loss.entry
        if isinstance(loss, Ref):
            found = cat.loss_for_call(loss.name)
            return found[0] if found else None
        return self.function_loss(loss)

    def function_loss(self, value: Any) -> cat.LossEntry | None:
        """The library loss a user-defined loss function applies to its parameters, if any."""
        return None

    def loss_call(self, node: ast.Call, entry: cat.LossEntry, loss_node: ast.AST | LossValue, args: list[Any],
                  kwargs: dict[str, Any]) -> None:
        pred = item_of(_arg(args, kwargs, *entry.pred_arg), entry.pred_item)
        labels = item_of(_arg(args, kwargs, *entry.target_arg), entry.target_item)
        if entry.name.startswith("tf.nn.") and not kwargs and isinstance(labels, (Tensor, OpaqueOut)) and not \
                isinstance(pred, (Tensor, OpaqueOut)):
            pred, labels = labels, pred  # TensorFlow 0.x took (logits, labels) by position
        swapped = not isinstance(pred, (Tensor, OpaqueOut)) and isinstance(labels, (Tensor, OpaqueOut)) and \
            _labels_written(node, entry)
        if swapped:  # criterion(Tensor(y[b]), y_pred): the output in the target's place, judged as the prediction
            pred, labels = labels, pred
        if isinstance(labels, Batches):
            labels = labels.labels
        if pred is None and labels is None:
            return
        self.note_loss_use(entry, pred, labels)
        known = labels if isinstance(labels, Labels) else None
        self.sites.append(Site(entry, pred if isinstance(pred, Tensor) else None, known, None, node, loss_node,
                               open_pred=pred if isinstance(pred, OpaqueOut) else None, swapped=swapped))
        if isinstance(pred, Tensor) and pred.over is not None and entry.expects == "probs":
            # torch.sigmoid(net(x)) into nn.BCELoss with net's class in another file: the project pass replays
            # the activation on each model the call may run (LM005 where the model applies it already)
            self.sites.append(Site(entry, None, known, None, node, loss_node,
                                   open_pred=pred.over.then("act", pred.act, pred.node, self.path)))

    def note_loss_use(self, entry: cat.LossEntry, pred: Any, labels: Any) -> None:
        """A hook: the interpreter notes losses applied to a function's own parameters."""


# ---------------------------------------------------------------------------------------- helpers
_LABEL_WORD = re.compile(r"^(?:y|y_?true|labels?|targets?|gts?|one_?hot)(?:$|_|\d)", re.IGNORECASE)


def _labels_written(node: ast.Call, entry: cat.LossEntry) -> bool:
    """Whether the prediction's place of a positional loss call holds labels by their name (``Tensor(y[b])``,
    ``labels.float()``, ``y_true``): the arguments swapped."""
    position = entry.pred_arg[0]
    if node.keywords or len(node.args) != 2 or position >= 2:
        return False
    return any(isinstance(n, ast.Name) and _LABEL_WORD.search(n.id) for n in ast.walk(node.args[position]))


def _not_first_axis(node: Any) -> bool:
    """Whether a softmax layer (``nn.Softmax(dim=...)``, ``Softmax(axis=...)``) may run over a class axis: any axis
    but 0 given, or none. Over axis 0 a 1-unit output is softmaxed across the batch or the sequence (attention
    weights over time, ``nn.Softmax(dim=0)`` on ``(seq_len, 1)`` scores), not over classes."""
    if not isinstance(node, ast.Call):
        return True
    axis = next((k.value for k in node.keywords if k.arg in ("dim", "axis")), node.args[0] if node.args else None)
    return not (isinstance(axis, ast.Constant) and axis.value == 0)



def _arg(args: list[Any], kwargs: dict[str, Any], position: int, keyword: str) -> Any:
    if keyword in kwargs:
        return kwargs[keyword]
    return args[position] if position < len(args) else None


def _int(value: Any) -> int | None:
    if isinstance(value, Const) and isinstance(value.value, int) and not isinstance(value.value, bool):
        return value.value
    return None


def _activation(value: Any) -> str:
    if isinstance(value, Const):
        if value.value is None or isinstance(value.value, str):
            return cat.KERAS_ACTIVATIONS.get(value.value, "unknown")
        return "unknown"
    if isinstance(value, Ref):
        return cat.ACTIVATION_FUNCTIONS.get(value.name, "unknown")
    return "unknown"


def _keras0_dense(node: ast.Call, args: list[Any]) -> bool:
    """``Dense(800, yt.shape[1], activation='sigmoid')``: Keras 0.x's ``Dense(input_dim, output_dim)``, its second
    argument a number or a shape (Keras 2 and later take the activation there)."""
    func = node.func
    if (func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")) != "Dense" or len(node.args) < 2 \
            or len(args) < 2:
        return False
    second = node.args[1]
    return isinstance(args[1], Const) and type(args[1].value) is int or isinstance(second, ast.Subscript) and \
        isinstance(second.value, ast.Attribute) and second.value.attr == "shape"


def _units_source(node: ast.Call, units_arg: tuple[int, str], shift: int) -> str | None:
    """The source of a layer's size argument when it is an expression (``num_classes``, ``y.shape[1]``)."""
    position, keyword = units_arg
    found = next((k.value for k in node.keywords if k.arg == keyword), None)
    if found is None and position + shift < len(node.args):
        found = node.args[position + shift]
    return _source(found, 40) if found is not None and not isinstance(found, ast.Constant) else None


# Activations applied to each value on its own, which a Flatten or Reshape keeps (unlike a softmax over an axis,
# whose axis a reshape moves)
_ELEMENTWISE = cat.RAW_ACTIVATIONS | {"sigmoid"}


def _key(node: ast.expr) -> str | None:
    """``model`` or ``self.model``: a name to bind a value to."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _source(node: ast.AST, limit: int = 90) -> str:
    """The code of a node as evidence quotes it, on one line; a class or a function by its name (a loss class
    of the user's, a loss function), not its body."""
    if isinstance(node, ast.ClassDef):
        return f"class {node.name}"
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name != "<lambda>":
        return f"def {node.name}"
    try:
        text = ast.unparse(node)
    except Exception:  # unparse of a partial tree; the line number still points at it
        return type(node).__name__
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
