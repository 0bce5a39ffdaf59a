"""The static pass: read a module's AST in order and track what each name holds, without running anything.

A small abstract interpreter: statements run top to bottom, both branches of an ``if`` run and their
bindings are joined, loops run once, functions defined in the file are evaluated at their calls with the
arguments bound (and once more on their own if never called), and model classes are read through
``__init__`` and ``forward``/``call``. Loss sites (a Keras ``compile``, a criterion call) are collected and
judged by :mod:`lossmatch.audit._judge` at the end, when ``fit`` has attached the labels.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lossmatch.audit import catalogue as cat
from lossmatch.audit._values import (
    Const, Dataset, Encoder, Function, Klass, Labels, Layer, LossValue, Model, Pack, Ref, Returns, Site, Tensor,
    join,
)
from lossmatch.audit.rules import Finding, make_finding

MAX_DEPTH = 6
_SHAPE_KEEPING = frozenset({"float", "double", "half", "cpu", "cuda", "to", "detach", "clone", "contiguous", "type"})
_SHAPE_CHANGING = frozenset({"squeeze", "view", "reshape", "flatten", "unsqueeze", "view_as", "reshape_as"})
_LABEL_KEEPING = frozenset({"astype", "reshape", "float", "long", "int", "to", "numpy", "copy", "squeeze", "flatten",
                            "ravel", "cuda", "cpu", "values", "to_numpy", "type"})
_FIT_METHODS = frozenset({"fit", "fit_generator", "train_on_batch", "evaluate"})


class Instance:
    """``self`` inside a class body: attributes set in ``__init__`` and the model it is, once known."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        self.attrs: dict[str, Any] = dict(attrs or {})
        self.model: Model | None = None


class Scope:
    def __init__(self, parent: Scope | None = None) -> None:
        self.vars: dict[str, Any] = {}
        self.parent = parent

    def lookup(self, name: str) -> tuple[bool, Any]:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.vars:
                return True, scope.vars[name]
            scope = scope.parent
        return False, None


# Modules that exist only in Keras 3 (``keras.ops``, ``keras.config``, ...): standalone Keras <= 2.3 has none of them.
_KERAS3_MODULES = frozenset({"keras.ops", "keras.config", "keras.random", "keras.tree", "keras.src", "keras_core"})


@dataclass
class FileFacts:
    """What the whole file says about its labels, for rules that need evidence beyond one loss site."""

    single_label: list[str] = field(default_factory=list)
    multi_label: list[str] = field(default_factory=list)
    standalone_keras: bool = False
    keras3: str | None = None  # the import that shows Keras 3 (which picks 'accuracy' by output shape)


class _Frame:
    def __init__(self) -> None:
        self.returns: list[Any] = []


class Interpreter:
    """Run once per file: :meth:`run` then read ``findings``, ``sites``, ``facts`` and :meth:`exports`."""

    def __init__(self, path: str, resolver: Mapping[str, Mapping[str, Any]] | None = None,
                 line_label: Callable[[int], str] | None = None) -> None:
        self.path = path
        self.line_label = line_label or (lambda line: f"line {line}")
        self.resolver = resolver or {}
        self.findings: dict[tuple[str, int, int], Finding] = {}
        self.sites: list[Site] = []
        self.compile_sites: dict[str, list[Site]] = {}
        self.facts = FileFacts()
        self.module = Scope()
        self.imported_modules: set[str] = set()
        self._star_imports: list[str] = []
        self._called: set[int] = set()
        self._defined: list[Function] = []
        self._active: set[int] = set()
        self._frames: list[_Frame] = []
        self._no_arg_results: dict[int, Any] = {}  # what functions called with no arguments returned

    # ------------------------------------------------------------------------------------ driver
    def run(self, tree: ast.Module) -> None:
        self.block(tree.body, self.module)
        # Functions never called with arguments are still read once, so their bodies are checked.
        done: set[int] = set()
        while True:
            pending = [f for f in self._defined if id(f.node) not in self._called and id(f.node) not in done]
            if not pending:
                break
            for function in pending:
                done.add(id(function.node))
                self.inline(function, [], {})

    def exports(self) -> dict[str, Any]:
        """Module-level names other audited files may import: models, classes, losses, constants, labels.
        Functions are exported as what they return."""
        out: dict[str, Any] = {}
        for name, value in self.module.vars.items():
            if isinstance(value, Function):
                key = id(value.node)
                result = self._no_arg_results[key] if key in self._no_arg_results else self.inline(value, [], {})
                if isinstance(result, (Model, Tensor, LossValue, Labels)):
                    out[name] = Returns(result)
            elif isinstance(value, Klass):
                if value.model is not None:
                    out[name] = Klass(value.name, value.model)
            elif isinstance(value, (Model, LossValue, Labels, Dataset)) or (
                    isinstance(value, Const) and isinstance(value.value, (int, str, bool, float))):
                out[name] = value
        return out

    def report(self, rule: str, node: ast.AST, detail: str, evidence: list[str]) -> None:
        line, col = getattr(node, "lineno", 1), getattr(node, "col_offset", 0) + 1
        key = (rule, line, col)
        if key not in self.findings:
            self.findings[key] = make_finding(rule, self.path, line, col, detail, evidence)

    def describe(self, value: Tensor | Layer | LossValue | ast.AST) -> str:
        node = value if isinstance(value, ast.AST) else value.node
        line = getattr(node, "lineno", 0)
        path = getattr(value, "path", "")  # made in another audited module
        if path and path != self.path:
            return f"{value.path}:{line}: {_source(node)}"
        return f"{self.line_label(line)}: {_source(node)}"

    # ------------------------------------------------------------------------------------ statements
    def block(self, body: list[ast.stmt], scope: Scope) -> None:
        for stmt in body:
            self.stmt(stmt, scope)

    def stmt(self, node: ast.stmt, scope: Scope) -> None:
        kind = type(node)
        if kind is ast.Assign:
            value = self.expr(node.value, scope)
            for target in node.targets:
                self.assign(target, value, scope)
        elif kind is ast.Expr:
            self.expr(node.value, scope)
        elif kind is ast.AnnAssign or kind is ast.AugAssign:
            value = self.expr(node.value, scope) if node.value is not None else None
            self.assign(node.target, value if kind is ast.AnnAssign else None, scope)
        elif kind is ast.If:
            self.expr(node.test, scope)
            if _is_main_guard(node.test):
                self.block(node.body, scope)
            else:
                self.branches(node.body, node.orelse, scope)
        elif kind in (ast.For, ast.AsyncFor):
            self.expr(node.iter, scope)
            self.assign(node.target, None, scope)
            self.block(node.body, scope)
            self.block(node.orelse, scope)
        elif kind is ast.While:
            self.expr(node.test, scope)
            self.block(node.body, scope)
            self.block(node.orelse, scope)
        elif kind in (ast.With, ast.AsyncWith):
            for item in node.items:
                value = self.expr(item.context_expr, scope)
                if item.optional_vars is not None:
                    self.assign(item.optional_vars, value if isinstance(value, (Model, LossValue)) else None, scope)
            self.block(node.body, scope)
        elif kind is ast.Try or kind.__name__ == "TryStar":
            self.block(node.body, scope)
            for handler in node.handlers:
                self.block(handler.body, scope)
            self.block(node.orelse, scope)
            self.block(node.finalbody, scope)
        elif kind in (ast.FunctionDef, ast.AsyncFunctionDef):
            function = Function(node, scope)
            self._defined.append(function)
            scope.vars[node.name] = function
        elif kind is ast.ClassDef:
            scope.vars[node.name] = self.class_def(node, scope)
        elif kind is ast.Return:
            value = self.expr(node.value, scope) if node.value is not None else Const(None)
            if self._frames:
                self._frames[-1].returns.append(value)
        elif kind is ast.Import:
            for alias in node.names:
                self.imported_modules.add(alias.name)
                self._note_import(alias.name)
                if alias.asname:
                    scope.vars[alias.asname] = self.ref(alias.name)
                else:
                    top = alias.name.split(".")[0]
                    scope.vars[top] = self.ref(top)
        elif kind is ast.ImportFrom:
            module = node.module or ""
            if node.level:
                self.imported_modules.add("." * node.level + module)
            else:
                self.imported_modules.add(module)
                self._note_import(module)
                if module == "keras":
                    for alias in node.names:
                        self._note_import(f"keras.{alias.name}")
            for alias in node.names:
                if alias.name != "*":  # `from . import models`: the name may be a module
                    self.imported_modules.add(f"{module}.{alias.name}".lstrip("."))
                if alias.name == "*":
                    self._star_imports.append(cat.canonical(module))
                    continue
                full = f"{module}.{alias.name}" if module else alias.name
                scope.vars[alias.asname or alias.name] = self.ref(full)
        elif kind is ast.Match:
            self.expr(node.subject, scope)
            for case in node.cases:
                self.block(case.body, scope)
        elif kind in (ast.Delete, ast.Global, ast.Nonlocal, ast.Pass, ast.Break, ast.Continue):
            return
        else:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.expr):
                    self.expr(child, scope)

    def _note_import(self, module: str) -> None:
        if module == "keras" or module.startswith("keras."):
            self.facts.standalone_keras = True
        if module.split(".")[0] == "keras_core" or module in _KERAS3_MODULES or module.startswith("keras.src"):
            self.facts.keras3 = self.facts.keras3 or module

    def branches(self, body: list[ast.stmt], orelse: list[ast.stmt], scope: Scope) -> None:
        before = dict(scope.vars)
        self.block(body, scope)
        after_body = scope.vars
        scope.vars = dict(before)
        self.block(orelse, scope)
        after_else = scope.vars
        merged = {}
        for name in after_body.keys() | after_else.keys():
            merged[name] = join(after_body.get(name, before.get(name)), after_else.get(name, before.get(name)))
        scope.vars = merged

    def assign(self, target: ast.expr, value: Any, scope: Scope) -> None:
        if isinstance(target, ast.Name):
            scope.vars[target.id] = value
        elif isinstance(target, ast.Attribute):
            owner = self.expr(target.value, scope)
            if isinstance(owner, Instance):
                owner.attrs[target.attr] = value
            else:
                key = _key(target)
                if key:
                    scope.vars[key] = value
        elif isinstance(target, (ast.Tuple, ast.List)):
            items = self.unpack(value, len(target.elts))
            for element, item in zip(target.elts, items):
                self.assign(element, item, scope)
        elif isinstance(target, ast.Starred):
            self.assign(target.value, None, scope)
        elif isinstance(target, ast.Subscript):
            self.expr(target.value, scope)

    def unpack(self, value: Any, n: int) -> list[Any]:
        if isinstance(value, Pack) and len(value.items) == n:
            return list(value.items)
        if isinstance(value, Dataset):
            labels = Labels("index", value.classes, value.evidence)
            if n == 2:  # (x_train, y_train), (x_test, y_test) = mnist.load_data(); X, y = load_iris(...)
                half = Pack((None, labels))
                return [half, half] if value.name.endswith("load_data") else [None, labels]
        return [None] * n

    # ------------------------------------------------------------------------------------ classes and calls
    def class_def(self, node: ast.ClassDef, scope: Scope) -> Klass:
        bases = [self.expr(base, scope) for base in node.bases]
        parent = next((b for b in bases if isinstance(b, Klass)), None)
        is_model = parent is not None and parent.model is not None or any(
            isinstance(b, Ref) and (b.name in cat.MODULE_BASES or b.name.endswith(("nn.Module", "LightningModule")))
            for b in bases)
        methods = {item.name: item for item in node.body if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))}
        for item in node.body:
            if not isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self.stmt(item, Scope(scope))
        instance = Instance(parent.attrs if parent is not None and isinstance(parent.attrs, dict) else None)
        for name in ("__init__", "build"):
            if name in methods:
                self.inline(Function(methods[name], scope, instance), [], {})
        out = None
        for name in ("forward", "call", "__call__"):
            if name in methods:
                result = self.inline(Function(methods[name], scope, instance), [], {})
                out = result if isinstance(result, Tensor) else None
                break
        else:
            if parent is not None and parent.model is not None:
                out = parent.model.out
        model = Model(out, node.name) if is_model else None
        instance.model = model
        for name, method in methods.items():
            if name not in ("__init__", "build", "forward", "call", "__call__"):
                self.inline(Function(method, scope, instance), [], {})
        return Klass(node.name, model, instance.attrs)

    def inline(self, function: Function, args: list[Any], kwargs: dict[str, Any]) -> Any:
        node = function.node
        self._called.add(id(node))
        if id(node) in self._active or len(self._frames) >= MAX_DEPTH:
            return None
        scope = Scope(function.env)
        params = node.args.posonlyargs + node.args.args
        values = list(args)
        if function.bound_self is not None:
            values = [function.bound_self, *values]
        defaults = node.args.defaults
        first_default = len(params) - len(defaults)
        for i, param in enumerate(params):
            if i < len(values):
                scope.vars[param.arg] = values[i]
            elif param.arg in kwargs:
                scope.vars[param.arg] = kwargs[param.arg]
            elif i >= first_default:
                scope.vars[param.arg] = self.expr(defaults[i - first_default], function.env)
            else:
                scope.vars[param.arg] = None
        for param, default in zip(node.args.kwonlyargs, node.args.kw_defaults):
            if param.arg in kwargs:
                scope.vars[param.arg] = kwargs[param.arg]
            else:
                scope.vars[param.arg] = self.expr(default, function.env) if default is not None else None
        for extra in (node.args.vararg, node.args.kwarg):
            if extra is not None:
                scope.vars[extra.arg] = None
        self._active.add(id(node))
        frame = _Frame()
        self._frames.append(frame)
        try:
            self.block(node.body, scope)
        finally:
            self._frames.pop()
            self._active.discard(id(node))
        result = frame.returns[0] if frame.returns else None
        for other in frame.returns[1:]:
            result = join(result, other)
        if not args and not kwargs and function.bound_self is None:
            self._no_arg_results[id(node)] = result
        return result

    def ref(self, dotted: str) -> Any:
        """An imported name: a value exported by another audited module, or a :class:`Ref`."""
        if self.resolver:
            parts = dotted.lstrip(".").split(".")
            for cut in range(len(parts) - 1, 0, -1):
                exports = self.resolver.get(".".join(parts[:cut]))
                if exports is not None and len(parts) - cut == 1 and parts[-1] in exports:
                    return exports[parts[-1]]
        return Ref(cat.canonical(dotted))

    # ------------------------------------------------------------------------------------ expressions
    def expr(self, node: ast.expr | None, scope: Scope) -> Any:
        if node is None:
            return None
        kind = type(node)
        if kind is ast.Call:
            return self.call(node, scope)
        if kind is ast.Name:
            found, value = scope.lookup(node.id)
            if found:
                return value
            if node.id in cat.DEFAULT_ALIASES:
                return Ref(cat.DEFAULT_ALIASES[node.id])
            for module in self._star_imports:
                full = cat.canonical(f"{module}.{node.id}")
                if cat.keras_layer(full) or cat.loss_for_call(full) or full in cat.LABEL_ENCODERS:
                    return Ref(full)
            return Ref(node.id) if node.id[:1].isupper() or node.id == "to_categorical" else None
        if kind is ast.Attribute:
            owner = self.expr(node.value, scope)
            if isinstance(owner, Ref):
                return self.ref(f"{owner.name}.{node.attr}")
            if isinstance(owner, Instance):
                return owner.attrs.get(node.attr)
            key = _key(node)
            return scope.lookup(key)[1] if key else None
        if kind is ast.Constant:
            return Const(node.value)
        if kind in (ast.List, ast.Tuple):
            return Pack(tuple(self.expr(e, scope) for e in node.elts))
        if kind is ast.Subscript:
            owner = self.expr(node.value, scope)
            self.expr(node.slice, scope)
            return owner if isinstance(owner, Labels) else None
        if kind is ast.BinOp:
            left, right = self.expr(node.left, scope), self.expr(node.right, scope)
            if isinstance(node.op, ast.Sub) and left == Const(1) and isinstance(right, Tensor) and right.act == "sigmoid":
                return Tensor("one_minus_sigmoid", right.units, node, node.lineno, self.path)
            return None
        if kind is ast.IfExp:
            self.expr(node.test, scope)
            return join(self.expr(node.body, scope), self.expr(node.orelse, scope))
        if kind is ast.Lambda:
            return None
        if kind is ast.NamedExpr:
            value = self.expr(node.value, scope)
            self.assign(node.target, value, scope)
            return value
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                self.expr(child, scope)
            elif isinstance(child, ast.comprehension):
                self.expr(child.iter, scope)
        return None

    def call(self, node: ast.Call, scope: Scope) -> Any:
        func = node.func
        receiver = self.expr(func.value, scope) if isinstance(func, ast.Attribute) else None
        args = [self.expr(a.value if isinstance(a, ast.Starred) else a, scope) for a in node.args]
        kwargs = {k.arg: self.expr(k.value, scope) for k in node.keywords if k.arg is not None}
        for k in node.keywords:
            if k.arg is None:
                self.expr(k.value, scope)
        if isinstance(func, ast.Attribute) and not isinstance(receiver, Ref):
            return self.method(node, func, receiver, args, kwargs, scope)
        if isinstance(func, ast.Attribute):
            callee = self.ref(f"{receiver.name}.{func.attr}")
        else:
            callee = self.expr(func, scope)
        if isinstance(callee, Ref):
            return self.call_ref(node, callee.name, args, kwargs)
        if isinstance(callee, Layer):
            return self.apply(callee, _arg(args, kwargs, 0, "inputs"), node)
        if isinstance(callee, Model):
            return callee.out
        if isinstance(callee, Instance):
            return callee.model.out if callee.model is not None else None
        if isinstance(callee, Klass):
            return callee.model
        if isinstance(callee, Function):
            return self.inline(callee, args, kwargs)
        if isinstance(callee, Returns):
            return callee.value
        if isinstance(callee, LossValue):
            self.loss_call(node, callee.entry, callee, args, kwargs)
        return None

    def method(self, node: ast.Call, func: ast.Attribute, receiver: Any, args: list[Any], kwargs: dict[str, Any],
               scope: Scope) -> Any:
        name = func.attr
        if name == "compile":
            self.compile(node, func.value, receiver, args, kwargs)
            return None
        if name in _FIT_METHODS:
            labels = _arg(args, kwargs, 1, "y")
            if isinstance(labels, Labels):
                for site in self.compile_sites.get(_key(func.value) or "", []):
                    site.labels = labels
            return None
        if isinstance(receiver, Model):
            if name == "add" and args:
                layer = args[0]
                out = self.apply(layer, receiver.out, node) if isinstance(layer, Layer) else (
                    layer.out if isinstance(layer, Model) else None)
                self.assign(func.value, Model(out, receiver.name), scope)
                return None
            if name in cat.SELF_RETURNING:
                return receiver
            if name in ("forward", "predict", "predict_on_batch", "__call__"):
                return receiver.out
            return None
        if isinstance(receiver, Instance):
            method = receiver.attrs.get(name)
            if name == "forward" and receiver.model is not None:
                return receiver.model.out
            if isinstance(method, LossValue):  # self.criterion(...) with the criterion made in __init__
                self.loss_call(node, method.entry, method, args, kwargs)
                return None
            if isinstance(method, (Layer, Model)):
                return self.call_value(method, node, args, kwargs)
            return None
        if isinstance(receiver, Tensor):
            if name in cat.ACTIVATION_METHODS:
                return self.activation(node, cat.ACTIVATION_METHODS[name], receiver, _arg(args, kwargs, 0, "dim"))
            if name == "log":
                return self.log_of(node, receiver)
            if name in _SHAPE_KEEPING:
                return receiver
            if name in _SHAPE_CHANGING:
                return Tensor(receiver.act, None, receiver.node, receiver.line, receiver.path)
            return None
        if isinstance(receiver, Labels):
            return receiver if name in _LABEL_KEEPING else None
        if isinstance(receiver, Encoder):
            if name in ("fit_transform", "transform"):
                return Labels(receiver.fmt, None, f"{self.describe(node)} ({receiver.evidence})")
            return receiver if name == "fit" else None
        if isinstance(receiver, LossValue):
            if name in cat.SELF_RETURNING:
                return receiver
            if name == "forward":
                self.loss_call(node, receiver.entry, receiver, args, kwargs)
            return None
        if isinstance(receiver, Dataset) and name == "load_data":
            return receiver
        return None

    def call_value(self, value: Any, node: ast.Call, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if isinstance(value, Layer):
            return self.apply(value, _arg(args, kwargs, 0, "inputs"), node)
        return value.out if isinstance(value, Model) else None

    def call_ref(self, node: ast.Call, name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        loss = cat.loss_for_call(name)
        if loss is not None:
            entry, is_class = loss
            entry = self.from_logits(entry, kwargs)
            if entry is None:
                return None
            if is_class:
                return LossValue(entry, node, self.path)
            self.loss_call(node, entry, node, args, kwargs)
            return None
        layer = cat.keras_layer(name) or cat.torch_layer(name)
        if layer is not None:
            return self.make_layer(node, layer[1], args, kwargs, keras=name not in cat.ACTIVATION_MODULES
                                   and not name.startswith("torch."))
        if name in cat.SEQUENTIAL or name.endswith(".Sequential"):
            return self.sequential(node, args, kwargs)
        if name in cat.FUNCTIONAL_MODEL:
            outputs = _arg(args, kwargs, 1, "outputs")
            return Model(outputs, "Model") if isinstance(outputs, Tensor) else None
        if name in cat.ACTIVATION_FUNCTIONS:
            return self.activation(node, cat.ACTIVATION_FUNCTIONS[name], _arg(args, kwargs, 0, "input"),
                                   kwargs.get("dim", kwargs.get("axis", args[1] if len(args) > 1 else None)))
        if name in cat.LOG_FUNCTIONS:
            return self.log_of(node, _arg(args, kwargs, 0, "x"))
        if name == "collections.OrderedDict" and args and isinstance(args[0], Pack):
            return Pack(tuple(item.items[1] if isinstance(item, Pack) and len(item.items) == 2 else None
                              for item in args[0].items))
        if name == "torch.compile":
            return args[0] if args and isinstance(args[0], Model) else None
        encoder = cat.LABEL_ENCODERS.get(name) or (cat.LABEL_ENCODERS["to_categorical"]
                                                   if name.endswith(".to_categorical") else None)
        if encoder is not None:
            return self.encode_labels(node, name, encoder, args, kwargs)
        if name in cat.LABEL_TRANSFORMERS:
            fmt = cat.LABEL_TRANSFORMERS[name]
            evidence = f"{self.describe(node)}"
            (self.facts.multi_label if fmt == "multi_hot" else self.facts.single_label).append(evidence)
            return Encoder(fmt, evidence)
        if name == "sklearn.model_selection.train_test_split":
            return Pack(tuple(a for a in args for _ in range(2)))
        return self.dataset(node, name, kwargs)

    def dataset(self, node: ast.Call, name: str, kwargs: dict[str, Any]) -> Dataset | None:
        parts = name.split(".")
        if not name.startswith(cat.DATASET_ROOTS):
            return None
        key = parts[-2] if parts[-1] == "load_data" and len(parts) > 1 else parts[-1]
        if key not in cat.DATASETS:
            return None
        evidence = f"{self.describe(node)} (single-label dataset {key})"
        self.facts.single_label.append(evidence)
        return Dataset(parts[-1], cat.DATASETS[key], evidence)

    def encode_labels(self, node: ast.Call, name: str, encoder: tuple[str, tuple[int, str] | None],
                      args: list[Any], kwargs: dict[str, Any]) -> Labels | None:
        fmt, classes_arg = encoder
        source = _arg(args, kwargs, 0, "y")
        if fmt == "index":  # argmax: labels only when taken of labels (not of predictions)
            if isinstance(source, Labels):
                return Labels("index", source.classes, f"{self.describe(node)} (class indices)")
            return None
        classes = _int(_arg(args, kwargs, *classes_arg)) if classes_arg else None
        if classes is None and isinstance(source, Labels):
            classes = source.classes
        evidence = f"{self.describe(node)} (one-hot{f', {classes} classes' if classes else ''})"
        self.facts.single_label.append(evidence)
        return Labels(fmt, classes, evidence)

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
                   keras: bool) -> Layer:
        units = _int(_arg(args, kwargs, *kind.units_arg)) if kind.units_arg else None
        act = kind.activation
        if kind.activation_arg:
            position = 0 if kind.units_arg is None else 1
            present = len(args) > position or "activation" in kwargs
            act = _activation(_arg(args, kwargs, position, "activation")) if present else "linear"
        elif kind.units_arg is not None:
            act = "linear"
        layer = Layer(kind, units, act, node)
        if keras and act == "softmax" and units == 1:
            self.report("LM014", node, "this layer has 1 unit", [self.describe(node)])
        return layer

    def apply(self, layer: Layer, value: Any, node: ast.AST) -> Tensor | None:
        kind = layer.kind
        if kind.passthrough:
            return value if isinstance(value, Tensor) else None
        if not kind.keeps_units or layer.act in (None, "unknown"):
            return None
        units = layer.units if kind.units_arg is not None else (value.units if isinstance(value, Tensor) else None)
        if layer.act == "softmax" and units == 1 and kind.units_arg is None:
            self.report("LM014", layer.node, "it is applied to a 1-unit output",
                        [self.describe(layer.node)] + ([self.describe(value)] if isinstance(value, Tensor) else []))
        return Tensor(layer.act, units, layer.node, getattr(layer.node, "lineno", 0), self.path)

    def sequential(self, node: ast.Call, args: list[Any], kwargs: dict[str, Any]) -> Model:
        layers: tuple[Any, ...] = ()
        if args and isinstance(args[0], Pack):
            layers = args[0].items
        elif isinstance(kwargs.get("layers"), Pack):
            layers = kwargs["layers"].items
        elif args:
            layers = tuple(args)
        out: Tensor | None = None
        for layer in layers:
            if isinstance(layer, Layer):
                out = self.apply(layer, out, node)
            elif isinstance(layer, Model):
                out = layer.out
            else:
                out = None
        return Model(out, "Sequential")

    def activation(self, node: ast.Call, act: str, value: Any, dim: Any) -> Tensor:
        units = value.units if isinstance(value, Tensor) else None
        # dim=1 is the 1-unit axis only on a 2-D tensor; over (batch, time, 1) attention scores it is the time
        # axis. Such a softmax is judged where it reaches a loss.
        if act == "softmax" and units == 1 and (dim is None or (isinstance(dim, Const) and dim.value == -1)):
            self.report("LM014", node, "it is applied to a 1-unit output", [self.describe(node), self.describe(value)])
        return Tensor(act, units, node, node.lineno, self.path)

    def log_of(self, node: ast.Call, value: Any) -> Tensor | None:
        if not isinstance(value, Tensor):
            return None
        if value.act == "softmax":
            self.report("LM040", node, "use log_softmax", [self.describe(node), f"softmax from {self.describe(value)}"])
            return Tensor("log_softmax", value.units, node, node.lineno, self.path)
        if value.act in ("sigmoid", "one_minus_sigmoid"):
            self.report("LM041", node, "use logsigmoid", [self.describe(node), f"sigmoid from {self.describe(value)}"])
            return Tensor("logsigmoid", value.units, node, node.lineno, self.path)
        return None

    # ------------------------------------------------------------------------------------ loss sites
    def compile(self, node: ast.Call, receiver_node: ast.expr, receiver: Any, args: list[Any],
                kwargs: dict[str, Any]) -> None:
        loss = _arg(args, kwargs, 1, "loss")
        loss_node = next((k.value for k in node.keywords if k.arg == "loss"), node.args[1] if len(node.args) > 1 else node)
        entry = self.loss_entry(loss)
        if entry is None:
            return
        metrics = _arg(args, kwargs, 2, "metrics")
        names = tuple(m.value if isinstance(m, Const) and isinstance(m.value, str) else "?"
                      for m in metrics.items) if isinstance(metrics, Pack) else None
        pred = receiver.out if isinstance(receiver, Model) else (
            receiver.model.out if isinstance(receiver, Instance) and receiver.model else None)
        site = Site(entry, pred, None, names, loss_node, loss_node)  # findings point at the loss argument
        self.sites.append(site)
        self.compile_sites.setdefault(_key(receiver_node) or "", []).append(site)

    def loss_entry(self, loss: Any) -> cat.LossEntry | None:
        if isinstance(loss, Const) and isinstance(loss.value, str):
            return cat.loss_for_keras_name(loss.value)
        if isinstance(loss, LossValue):
            return loss.entry
        if isinstance(loss, Ref):
            found = cat.loss_for_call(loss.name)
            return found[0] if found else None
        return None

    def loss_call(self, node: ast.Call, entry: cat.LossEntry, loss_node: ast.AST | LossValue, args: list[Any],
                  kwargs: dict[str, Any]) -> None:
        pred = _arg(args, kwargs, *entry.pred_arg)
        labels = _arg(args, kwargs, *entry.target_arg)
        if pred is None and labels is None:
            return
        self.sites.append(Site(entry, pred if isinstance(pred, Tensor) else None,
                               labels if isinstance(labels, Labels) else None, None, node, loss_node))


# ---------------------------------------------------------------------------------------- helpers
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


def _is_main_guard(test: ast.expr) -> bool:
    return (isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == "__name__"
            and len(test.comparators) == 1 and isinstance(test.comparators[0], ast.Constant)
            and test.comparators[0].value == "__main__")


def _source(node: ast.AST, limit: int = 90) -> str:
    try:
        text = ast.unparse(node)
    except Exception:  # unparse of a partial tree; the line number still points at it
        return type(node).__name__
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."

