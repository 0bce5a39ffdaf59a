"""Methods: what calling a method of a value the interpreter tracks gives (a model's ``compile``, ``fit`` and
own methods, a tensor's reshapes and arg-max, labels' conversions, a list's ``append``, a loss's ``forward``).

A mixin of :class:`lossmatch.audit._interp.Interpreter` (beside :class:`lossmatch.audit._calls.Calls`).
"""

from __future__ import annotations

import ast
import dataclasses
import re
from typing import Any

from lossmatch.audit import catalogue as cat
from lossmatch.audit._frameworks import _arg, _key, _source
from lossmatch.audit._values import (
    SPECIAL_METHODS,
    Batches,
    Const,
    Dataset,
    Encoder,
    Function,
    Instance,
    Klass,
    Labels,
    Layer,
    Losses,
    LossValue,
    Model,
    Obj,
    Opaque,
    OpaqueOut,
    OtherLoss,
    Pack,
    Ref,
    Returns,
    Scope,
    Site,
    Tensor,
    models_in,
)

_SHAPE_KEEPING = frozenset({"float", "double", "half", "cpu", "cuda", "to", "detach", "clone", "contiguous", "type"})
# the values stay what the activation gave
_SHAPE_CHANGING = frozenset({"squeeze", "view", "reshape", "flatten", "unsqueeze", "view_as", "reshape_as", "permute",
                             "transpose", "gather", "index_select", "resize", "expand", "expand_as"})
_LABEL_KEEPING = frozenset({"astype", "reshape", "float", "long", "int", "to", "numpy", "copy", "squeeze", "flatten",
                            "ravel", "cuda", "cpu", "values", "to_numpy", "type"})
_BATCHES_KEEPING = frozenset({"prefetch", "cache", "shuffle", "repeat", "batch", "take", "skip"})
_FIT_METHODS = frozenset({"fit", "fit_generator", "train_on_batch", "evaluate"})



class Methods:
    """Methods of tracked values (mixed into the interpreter)."""

    path: str
    sites: list[Site]
    compile_sites: dict[str, list[Site]]

    def method(self, node: ast.Call, func: ast.Attribute, receiver: Any, args: list[Any], kwargs: dict[str, Any],
               scope: Scope) -> Any:
        name = func.attr
        if name == "compile":
            compiled = self.compile(node, func.value, receiver, args, kwargs)
            if isinstance(receiver, Model) and compiled:  # a builder returns it compiled: fit() may be elsewhere
                self.assign(func.value, dataclasses.replace(receiver, compiled=compiled), scope, rebinds=False)
            return None
        if name in cat.DIRECTORY_LOADERS:
            return self.directory_batches(node, name, kwargs)
        if name in _FIT_METHODS and not isinstance(receiver, Obj):
            labels = _arg(args, kwargs, 1, "y")
            data = _arg(args, kwargs, 0, "x")
            if labels is None and isinstance(data, Batches):
                labels = data.labels
            if isinstance(labels, Labels):
                here = self.compile_sites.get(_key(func.value) or "", [])
                for site in here:
                    site.labels = labels
                if not here and isinstance(receiver, Model) and name != "evaluate":
                    self.fit_compiled(node, receiver, labels)
            return None
        if name == "exp" and not args and not kwargs and (receiver is None or isinstance(receiver, Opaque) and
                                                          receiver.hole is not None and not receiver.candidates):
            return self.exp_of(node, None)  # x.exp() on a value not followed, or a parameter's
        if isinstance(receiver, Model):
            if receiver.losses and name in receiver.losses:  # head.loss(head(x), y): a loss its class keeps
                return self.call_value(receiver.losses[name], node, args, kwargs)
            if name in ("add", "add_module") and args:  # keras model.add(layer); torch add_module(name, layer)
                layer = args[-1]
                out = self.apply(layer, receiver.out, node) if isinstance(layer, Layer) else (
                    layer.out if isinstance(layer, Model) else None)
                grown = Model(out, receiver.name, receiver.node, receiver.path, receiver.methods)
                self.assign(func.value, grown, scope, rebinds=False)
                return None
            if name in cat.SELF_RETURNING:
                return receiver
            if name in ("forward", "__call__"):
                return self.model_call(receiver, node, args, kwargs)
            if name in ("predict", "predict_on_batch"):
                return receiver.out
            instance = receiver.instance
            if instance is not None and receiver.path == self.path and name in instance.methods and \
                    name not in SPECIAL_METHODS:  # model.pi(s): a method of a model class of this file, run on it
                return self.inline(instance.methods[name], args, kwargs, node)
            if receiver.methods and name in receiver.methods:  # model.set_loss(nn.NLLLoss())
                self.bind_call(receiver.methods[name], args, kwargs, node)
            return None
        if isinstance(receiver, Layer):
            return receiver if name in cat.SELF_RETURNING else None
        if isinstance(receiver, Instance):
            if name in ("forward", "__call__") and receiver.model is not None:
                return receiver.model.out
            if name in receiver.attrs:
                value = receiver.attrs[name]
                if isinstance(value, (Ref, LossValue, Losses, Layer, Model, Opaque, Function, Returns)) or \
                        isinstance(value, Const) and value.default_of is not None:  # criterion=None given by a call
                    return self.call_value(value, node, args, kwargs)
                return None
            if name in receiver.methods:
                return self.inline(receiver.methods[name], args, kwargs, node)
            return None
        if isinstance(receiver, Obj):
            signature = (receiver.klass.methods or {}).get(name)
            if signature is not None:
                self.bind_call(signature, args, kwargs, node)
            return None
        if isinstance(receiver, Opaque):
            if receiver.hole is not None:  # pl_module.probe(x) after `pl_module.probe = Probe()` (a hook's)
                found, value = scope.lookup(_key(func) or "")
                if found and isinstance(value, (Model, LossValue, Layer, Function)):
                    return self.call_value(value, node, args, kwargs)
            if name in cat.SELF_RETURNING or name == "module":
                return receiver
            if receiver.hole is not None and not receiver.classes and not receiver.candidates and \
                    name in _SHAPE_KEEPING | _SHAPE_CHANGING:
                return receiver  # out_classes.transpose(1, 2) in a loss helper: the parameter's tensor still
            if name in cat.ACTIVATION_METHODS and receiver.hole is not None:  # logits.softmax(dim=1), a parameter
                return self.activation(node, cat.ACTIVATION_METHODS[name], None, _arg(args, kwargs, 0, "dim"))
            if name in ("forward", "__call__", "predict"):
                return self.opaque_call(receiver, node, args, kwargs)
            return None
        if isinstance(receiver, OpaqueOut):
            if name in cat.ACTIVATION_METHODS:
                return self.activation(node, cat.ACTIVATION_METHODS[name], receiver, _arg(args, kwargs, 0, "dim"))
            if name in _SHAPE_KEEPING:
                return receiver
            if name in _SHAPE_CHANGING:
                return receiver.then("shape")
            if name == "get" and args and isinstance(args[0], Const) and isinstance(args[0].value, str):
                return receiver.then("key", args[0].value)  # outputs.get("logits")
            return None
        if isinstance(receiver, Tensor):
            if name in cat.MATMUL_METHODS and args:
                return self.mixture(node, receiver, args[0])
            if name in cat.ACTIVATION_METHODS:
                return self.activation(node, cat.ACTIVATION_METHODS[name], receiver, _arg(args, kwargs, 0, "dim"))
            if name == "log":
                return self.log_of(node, receiver)
            if name in cat.CLIP_METHODS:
                return self.guarded(node, receiver)
            if name == "exp":
                return self.exp_of(node, receiver)
            if name == "sum":
                return self.sum_of(node, receiver)
            if name in ("argmax", "max"):  # out.max(1)[1]: the class of each row
                self.argmax_of_output(node, receiver, 0, "dim")
                return None
            if name in _SHAPE_KEEPING:
                return receiver
            if name in _SHAPE_CHANGING:
                return receiver.reshaped()
            return None
        if isinstance(receiver, Labels):
            return receiver if name in _LABEL_KEEPING else None
        if isinstance(receiver, Batches):
            return receiver if name in _BATCHES_KEEPING else None
        if isinstance(receiver, Encoder):
            if name not in ("fit_transform", "transform", "fit"):
                return None
            if receiver.fmt == "multi_hot" and node.args and _singleton_rows(node.args[0]):
                # MultiLabelBinarizer().fit_transform([[c] for c in y]): one label per row is one-hot
                if receiver.evidence in self.facts.multi_label:
                    self.facts.multi_label.remove(receiver.evidence)
                evidence = f"{self.describe(node)} (one label per row)"
                self.facts.single_label.append(evidence)
                return Encoder("one_hot", evidence) if name == "fit" else Labels("one_hot", None, evidence)
            if receiver.features:  # OneHotEncoder().fit_transform(df[["colour"]]): features, unless labels
                if not node.args or not _label_like(node.args[0], args[0]):
                    return None
                self.facts.single_label.append(receiver.evidence)
                self.facts.single_classes.append(None)
                receiver = dataclasses.replace(receiver, features=False)
            if name == "fit":
                return receiver
            return Labels(receiver.fmt, None, f"{self.describe(node)} ({receiver.evidence})")
        if isinstance(receiver, Losses):
            if name in cat.SELF_RETURNING:
                return receiver
            if name == "forward":
                self.loss_choice(receiver, node, args, kwargs)
            return None
        if isinstance(receiver, LossValue):
            if name in cat.SELF_RETURNING:
                return receiver
            if name == "forward":
                self.loss_call(node, receiver.entry, receiver, args, kwargs)
            return None
        if isinstance(receiver, Dataset) and name == "load_data":
            return receiver
        if isinstance(receiver, Pack) and name in ("append", "extend") and args:  # layers.append(nn.Softmax())
            added = args[0].items if name == "extend" and isinstance(args[0], Pack) else (args[0],)
            self.assign(func.value, Pack(receiver.items + added), scope, rebinds=False)
            return None
        if isinstance(receiver, Pack) and name == "pop" and not args and receiver.items:  # layers.pop()
            self.assign(func.value, Pack(receiver.items[:-1]), scope, rebinds=False)
            return receiver.items[-1]
        if isinstance(receiver, dict) and name in ("get", "__getitem__") and args:
            return self.select(receiver, args[0])
        return None

    def fit_compiled(self, node: ast.Call, model: Model, labels: Labels) -> None:
        """``fit`` on a model compiled in another file (a builder that compiles what it returns): each compile
        judged again here, with these labels."""
        for compiled in model.compiled:
            if compiled.path == self.path or compiled.loss is None or id(compiled) in self._refitted:
                continue
            self._refitted.add(id(compiled))  # the first fit of each compile speaks
            where = f"compiled at {compiled.path}:{getattr(compiled.node, 'lineno', 0)}: {_source(compiled.node)}"
            site = Site(compiled.loss, compiled.pred, labels, compiled.metrics, node, where, path=self.path)
            self.sites.append(site)

    def select(self, table: dict[Any, Any], key: Any) -> Any:
        """``MODELS[name]`` / ``MODELS.get(name)``: the entry for a constant key, else any of the models."""
        if isinstance(key, Const) and key.value in table:
            return table[key.value]
        losses = tuple(dict.fromkeys(v for v in table.values() if isinstance(v, LossValue)))
        others = tuple(dict.fromkeys(v for v in table.values() if isinstance(v, OtherLoss)))
        if losses and len(losses) + len(others) > 1 and len(losses) + len(others) == len(table):
            return Losses(losses, others)  # LOSSES[args.loss]: one of them
        classes = any(isinstance(value, Klass) for value in table.values())
        models = tuple(m for value in table.values() for m in models_in(value.model if isinstance(value, Klass)
                                                                         else value))
        return Opaque("an entry of a model registry", None, models, classes) if models else None


def _singleton_rows(node: ast.expr) -> bool:
    """Rows of exactly one label: ``[[c] for c in y]``, ``((c,) for c in y)``, ``[["a"], ["b"]]``."""
    if isinstance(node, (ast.ListComp, ast.GeneratorExp)):
        return isinstance(node.elt, (ast.List, ast.Tuple, ast.Set)) and len(node.elt.elts) == 1
    if isinstance(node, (ast.List, ast.Tuple)) and node.elts:
        return all(isinstance(e, (ast.List, ast.Tuple, ast.Set)) and len(e.elts) == 1 for e in node.elts)
    return False


_LABEL_WORD = re.compile(r"(?:^|_)(?:y|labels?|one_?hot|targets?|class(?:es)?|species)(?:$|_|\d)", re.IGNORECASE)


def _label_like(node: ast.expr, value: Any) -> bool:
    """What an encoder is applied to looks like labels: labels the audit follows, or a name, attribute or column
    of a label's name (``y.reshape(-1, 1)``, ``df[["label"]]``), not features (``df[["colour", "size"]]``)."""
    if isinstance(value, Labels):
        return True
    for sub in ast.walk(node):
        word = sub.id if isinstance(sub, ast.Name) else sub.attr if isinstance(sub, ast.Attribute) else \
            sub.value if isinstance(sub, ast.Constant) and isinstance(sub.value, str) else None
        if word and _LABEL_WORD.search(word):
            return True
    return False
