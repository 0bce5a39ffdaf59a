"""The static pass: read a module's AST in order and track what each name holds, without running anything.

A small abstract interpreter: statements run top to bottom, both branches of an ``if`` run and their
bindings are joined, loops run once, functions defined in the file are evaluated at their calls with the
arguments bound (and once more on their own if never called, their parameters then :class:`Opaque`), and
model classes are read through ``__init__`` and ``forward``/``call``. Loss sites (a Keras ``compile``, a
criterion call) are collected and judged by :mod:`lossmatch.audit._judge` at the end, when ``fit`` has
attached the labels; open sites (a loss applied to what a parameter gives) go to the project pass. Functions
and classes live in :mod:`lossmatch.audit._functions`, calls in :mod:`lossmatch.audit._calls` (methods in
:mod:`lossmatch.audit._methods`), framework
semantics in :mod:`lossmatch.audit._frameworks`, activations (and those written by hand or applied twice) in
:mod:`lossmatch.audit._activations`, what tests decide and how undecided arms merge in
:mod:`lossmatch.audit._branches`, unpacking, indexing and list or dict literals in :mod:`lossmatch.audit._containers`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from lossmatch.audit import catalogue as cat
from lossmatch.audit._activations import GUARDABLE, Activations
from lossmatch.audit._branches import Branches, _surely_given
from lossmatch.audit._calls import Calls
from lossmatch.audit._containers import _MAX_UNROLLED, Containers, _common_item
from lossmatch.audit._frameworks import Frameworks, _key, _source
from lossmatch.audit._functions import Functions, LossUse, _wrapped
from lossmatch.audit._judge import chosen
from lossmatch.audit._methods import Methods
from lossmatch.audit._values import (
    Const,
    Dataset,
    Function,
    Hole,
    Instance,
    Klass,
    Labels,
    Layer,
    Losses,
    LossValue,
    Model,
    Opaque,
    OpaqueOut,
    Pack,
    Ref,
    Returns,
    Scope,
    Site,
    Tensor,
    join,
    models_in,
)
from lossmatch.audit.rules import RULES, Finding, make_finding

# Unimported names the audit reads: builtins and a common star-imported encoder.
_KNOWN_BARE_NAMES = frozenset({"to_categorical", "getattr", "len", "dict", "enumerate", "zip"})
# fields of a transformers model's output, read as attributes or keys (outputs.logits, outputs["logits"])
_OUTPUT_FIELDS = frozenset({"logits", "start_logits", "end_logits"})
_FRAMEWORK_ROOTS = frozenset({"torch", "tensorflow", "keras", "tf_keras", "numpy", "sklearn", "pytorch_lightning",
                              "lightning", "transformers", "timm", "segmentation_models_pytorch", "segmentation_models"})
# Modules that exist only in Keras 3 (``keras.ops``, ``keras.config``, ...): standalone Keras <= 2.3 has none of them.
_KERAS3_MODULES = frozenset({"keras.ops", "keras.config", "keras.random", "keras.tree", "keras.src", "keras_core"})


@dataclass
class FileFacts:
    """What the whole file says about its labels, for rules that need evidence beyond one loss site."""

    single_label: list[str] = field(default_factory=list)
    single_classes: list[int | None] = field(default_factory=list)  # the class count of each, when known
    multi_label: list[str] = field(default_factory=list)
    argmaxed: list[tuple[Any, str]] = field(default_factory=list)  # (output tensor, evidence): its arg-max is the class
    # activations applied to a tensor that already holds the same one: id of the outer node -> (it, the inner's evidence)
    doubled: dict[int, tuple[Any, str]] = field(default_factory=dict)
    standalone_keras: bool = False
    keras3: str | None = None  # the import that shows Keras 3 (which picks 'accuracy' by output shape)
    tf_keras: str | None = None  # the import or name that shows tf.keras
    tf1: str | None = None  # a TensorFlow 1 name (tf.Session, tf.placeholder): tf.keras there picks by the loss


class Interpreter(Functions, Calls, Methods, Frameworks, Activations, Branches, Containers):
    """Run once per file: :meth:`run` then read ``findings``, ``sites``, ``facts``, ``bindings`` and
    :meth:`exports`."""

    def __init__(self, path: str, resolver: Mapping[str, Mapping[str, Any]] | None = None,
                 line_label: Callable[[int], str] | None = None) -> None:
        self.path = path
        self.line_label = line_label or (lambda line: f"line {line}")
        self.resolver = resolver or {}
        self.findings: dict[tuple[str, int, int], Finding] = {}
        self.judging: Site | None = None  # the site the judge reports on
        self.sites: list[Site] = []
        self.tree: ast.AST = ast.Module(body=[], type_ignores=[])
        self.sampling_logs: set[int] | None = None
        self.entropy_logs: set[int] | None = None
        self.choosing = 0  # inside a call of a loss the code picks by branches (see Calls.loss_choice)
        self.compile_sites: dict[str, list[Site]] = {}
        self._refitted: set[int] = set()  # compiles of other files judged at a fit here
        self.facts = FileFacts()
        self.module = Scope()
        self.imported_modules: set[str] = set()
        self.too_deep: list[int] = []  # lines of statements skipped for their depth
        self.bindings: list[tuple[Hole, Any, str]] = []  # (parameter, model or loss passed to it, where)
        self._sized_reports: list[tuple[Any, tuple[Any, ...]]] = []
        self.constructed: set[str] = set()  # class names instantiated outside model classes
        self.submodules: set[str] = set()  # class names instantiated inside model classes
        self._star_imports: list[str] = []
        self._called: set[int] = set()
        self._defined: list[Function] = []
        self._active: set[int] = set()
        self._frames: list[Any] = []
        self._class_stack: list[tuple[str, bool]] = []
        self.superseded: set[int] = set()  # compile() calls the next statement replaces
        self.untrained: set[int] | None = None
        self._super_methods: list[dict[str, Any]] = []  # per class being read: the methods its base class gives
        # function -> [(loss, pred param, target param)]: the library losses it applies to its own parameters
        self._loss_uses: dict[int, list[LossUse]] = {}
        self._no_arg_results: dict[int, Any] = {}  # what functions called with no arguments returned
        self._instances: dict[Any, Any] = {}  # (class, a call's constants) -> the model read with them
        self._hf_hooks: set[int] = set()  # the compute_loss methods of HuggingFace Trainer subclasses
        self._arms: list[tuple[int, int]] = []  # the arms of undecided ifs being read: (id of the test, 0 or 1)
        self._arm_tests: list[ast.AST] = []  # their tests
        self._uncertain_losses: set[int] = set()  # functions whose loss depends on an if the audit cannot decide
        self._flag_tests: set[int] = set()  # tests of a from_logits flag (see _calls._switched)
        self._ended_arms: set[tuple[int, int]] = set()  # arms that end in return/raise: what follows is the other

    # ------------------------------------------------------------------------------------ driver
    def run(self, tree: ast.Module) -> None:
        self.tree = tree
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
        Functions are exported as what they return, with their parameters when a call may bind them."""
        open_holes = {site.open_pred.source.hole[:2] for site in self.sites if site.open_pred is not None
                      and site.open_pred.source.hole} | {
            site.open_loss.hole[:2] for site in self.sites if site.open_loss is not None and site.open_loss.hole}
        # functions that hand a parameter on to another (`select_trainer(model)` calling `Trainer(model)`)
        forwarded = {value.hole[:2] for _, value, _ in self.bindings if isinstance(value, Opaque) and value.hole}
        out: dict[str, Any] = {}
        for name, value in self.module.vars.items():
            if isinstance(value, Function):
                key = id(value.node)
                result = self._no_arg_results[key] if key in self._no_arg_results else self.inline(value, [], {})
                uses = self.loss_uses(key)
                loss = _wrapped(uses, value.node, self.path, 0) if uses else None
                opens = (self.path, value.node.lineno) in open_holes or (self.path, value.node.lineno) in forwarded
                # `return criterion, criterion_val` (a loss factory's pair) counts as its losses do
                outputs_or_losses = isinstance(result, Pack) and any(isinstance(item, (Tensor, LossValue, Losses))
                                                                     for item in result.items)
                if isinstance(result, (Model, Tensor, LossValue, Losses, Labels)) or models_in(result) or \
                        outputs_or_losses or loss or opens:
                    params = tuple(a.arg for a in value.node.args.posonlyargs + value.node.args.args)
                    out[name] = Returns(result if not isinstance(result, (Opaque, OpaqueOut)) or models_in(result)
                                        else None, params, (self.path, value.node.lineno), loss,
                                        self.switches(value, params) if len(models_in(result)) > 1 or
                                        isinstance(result, Model) and getattr(result.out, "when", None) else ())
            elif isinstance(value, Returns) or isinstance(value, Klass) and value.hole and value.hole[0] != self.path:
                out[name] = value  # re-exported from another audited module (a package's __init__)
            elif isinstance(value, Klass):
                methods = {m: sig for m, sig in (value.methods or {}).items() if sig[1] in open_holes}
                if value.model is not None or value.loss is not None or value.hole in open_holes or methods or \
                        "activation" in value.params:  # a layer class: user_layer reads its activation=
                    out[name] = Klass(value.name, value.model, None, value.params, value.hole, value.loss, methods,
                                      value.bases)
            elif isinstance(value, dict):  # a registry of model classes
                table = {k: v for k, v in value.items() if isinstance(v, Klass) and v.model is not None
                         or isinstance(v, Model)}
                if table:
                    out[name] = {k: Klass(v.name, v.model) if isinstance(v, Klass) else v for k, v in table.items()}
            elif isinstance(value, (Model, LossValue, Labels, Dataset)) or (
                    isinstance(value, Const) and isinstance(value.value, (int, str, bool, float))):
                out[name] = value
            elif isinstance(value, Ref) and (value.name.split(".")[0] in _FRAMEWORK_ROOTS or
                                             cat.classify(value.name)[0] != "other"):
                out[name] = value  # a helpers module's imports, for `from helpers import *` (a loss, a layer, `nn`)
        return out

    def loss_function(self, ref: Ref, node: ast.expr) -> Ref | LossValue:
        """A library loss function named as a value, as a loss value (so branches can choose between two)."""
        kind, info = cat.classify(ref.name)
        if kind == "loss" and not info[1]:
            return LossValue(info[0], node, self.path)
        return ref

    def report_sized(self, hole: Any, rule: str, node: ast.AST, detail: str, evidence: list[str]) -> None:
        """A finding about a size that is a parameter's default (``hole``): kept until the file is read, then
        reported unless every call that gives the parameter gives another size (see :meth:`flush_sized`)."""
        if hole is None:
            self.report(rule, node, detail, evidence)
        else:
            self._sized_reports.append((hole, (rule, node, detail, evidence)))

    def sizes(self, hole: Any) -> set[int]:
        """The int sizes this file's calls give the parameter ``hole``."""
        return {v.value for h, v, _ in self.bindings if h == hole and isinstance(v, Const) and type(v.value) is int}

    def flush_sized(self) -> None:
        for hole, (rule, node, detail, evidence) in self._sized_reports:
            given = self.sizes(hole)
            if not given or 1 in given:
                self.report(rule, node, detail, evidence)
        self._sized_reports.clear()

    def report(self, rule: str, node: ast.AST, detail: str, evidence: list[str]) -> None:
        line, col = getattr(node, "lineno", 1), getattr(node, "col_offset", 0) + 1
        key = (rule, line, col)
        if key not in self.findings:
            severity = None
            if self.judging is not None:
                how = chosen(self.judging, rule, RULES[rule].severity, evidence)
                if how is None:
                    return
                severity, evidence = how
            self.findings[key] = make_finding(rule, self.path, line, col, detail, evidence,
                                              severity=severity)  # type: ignore[arg-type]

    def describe(self, value: Tensor | Layer | LossValue | Model | ast.AST | str) -> str:
        if isinstance(value, str):  # already said (a compile in another file)
            return value
        node = value if isinstance(value, ast.AST) else value.node
        line = getattr(node, "lineno", 0)
        path = getattr(value, "path", "")  # made in another audited module
        if path and path != self.path:
            return f"{value.path}:{line}: {_source(node)}"
        return f"{self.line_label(line)}: {_source(node)}"

    # ------------------------------------------------------------------------------------ statements
    def block(self, body: list[ast.stmt], scope: Scope) -> None:
        for first, then in zip(body, body[1:]):
            compiled = _compile_of(first)
            if compiled is not None and compiled == _compile_of(then):
                self.superseded.add(id(first.value))  # model.compile(...) again on the next line: it never trains
        for stmt in body:
            try:
                self.stmt(stmt, scope)
            except RecursionError:  # a statement nested deeper than the interpreter follows: skip it
                self.too_deep.append(stmt.lineno)

    def stmt(self, node: ast.stmt, scope: Scope) -> None:
        kind = type(node)
        if kind is ast.Assign:
            value = self.expr(node.value, scope)
            for target in node.targets:
                self.assign(target, value, scope)
        elif kind is ast.Expr:
            ran = _exec_file(node.value)
            if ran is not None:  # exec(open("model.py").read()): the script's names are this file's after it
                self.imported_modules.add(ran)
                scope.vars.update(self.resolver.get(ran, {}))
            else:
                self.expr(node.value, scope)
        elif kind is ast.AnnAssign:
            value = self.expr(node.value, scope) if node.value is not None else None
            self.assign(node.target, value, scope)
        elif kind is ast.AugAssign:
            value = self.expr(node.value, scope)
            before = self.expr(node.target, scope) if isinstance(node.target, ast.Name) else None
            grown = isinstance(node.op, ast.Add) and isinstance(before, Pack) and isinstance(value, Pack)
            self.assign(node.target, Pack(before.items + value.items) if grown else None, scope)  # layers += [...]
        elif kind is ast.If:
            self.expr(node.test, scope)
            decided = True if _is_main_guard(node.test) else self.decided(node.test, scope)
            if decided is None:
                self.branches(node.body, node.orelse, scope, node.test)
            else:  # `if activation is None:` on a parameter the call gave: only the branch that runs
                self.block(node.body if decided else node.orelse, scope)
        elif kind in (ast.For, ast.AsyncFor):
            iterated = self.expr(node.iter, scope)
            if isinstance(iterated, Pack) and 0 < len(iterated.items) <= _MAX_UNROLLED and any(
                    isinstance(item, (Layer, Model)) for item in iterated.items):
                for item in iterated.items:  # for layer in self.layers: x = layer(x), one layer at a time
                    self.assign(node.target, item, scope)
                    self.block(node.body, scope)
            else:
                # The rows of a softmax/sigmoid output are outputs of that activation still; the items of a list
                # (`for r, prob in self.data:` after `self.data.append((r, prob))`), what they have in common.
                item = _common_item(iterated) if isinstance(iterated, Pack) else \
                    iterated if isinstance(iterated, Tensor) else None
                self.assign(node.target, item, scope)
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
                self.note_return(node.value)
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
                if module in ("keras", "tensorflow", "tensorflow.compat", "tensorflow.compat.v1"):
                    for alias in node.names:  # from tensorflow import keras; from keras import backend
                        self._note_import(f"{module}.{alias.name}")
            for alias in node.names:
                if alias.name != "*":  # `from . import models`: the name may be a module
                    self.imported_modules.add(f"{module}.{alias.name}".lstrip("."))
                if alias.name == "*":
                    self._star_imports.append(cat.canonical(module))
                    scope.vars.update(self.resolver.get(module.lstrip("."), {}))  # an audited module's exports
                    continue
                full = f"{module}.{alias.name}" if module else alias.name
                scope.vars[alias.asname or alias.name] = self.ref(full)
        elif kind is ast.Match:
            self.match(node, scope)
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
        if module.startswith(("tensorflow.keras", "tensorflow.python.keras")):
            self.facts.tf_keras = self.facts.tf_keras or module
        if module.startswith(("tensorflow.compat.v1", "tensorflow.contrib")):
            self.facts.tf1 = self.facts.tf1 or module

    def assign(self, target: ast.expr, value: Any, scope: Scope, *, rebinds: bool = True) -> None:
        if isinstance(target, ast.Name):
            scope.vars[target.id] = value
            if rebinds:  # a later fit trains the new value, not what an earlier compile configured
                self.compile_sites.pop(target.id, None)
        elif isinstance(target, ast.Attribute):
            owner = self.expr(target.value, scope)
            if isinstance(owner, Instance):
                owner.attrs[target.attr] = value
            elif _is_pretrained(owner) and target.attr in cat.HEAD_ATTRIBUTES:
                self.new_head(target.value, owner, value, target, scope)
            else:
                key = _key(target)
                if key:
                    scope.vars[key] = value
                    if scope.parent is not None and scope.parent.shared and isinstance(owner, Opaque) and \
                            owner.hole is not None and key.count(".") == 1:  # a hook's parameter: see Scope
                        scope.parent.vars[key] = value
        elif isinstance(target, (ast.Tuple, ast.List)):
            items = self.unpack(value, len(target.elts))
            for element, item in zip(target.elts, items):
                self.assign(element, item, scope)
        elif isinstance(target, ast.Starred):
            self.assign(target.value, None, scope)
        elif isinstance(target, ast.Subscript):
            head = target.value
            if isinstance(head, ast.Attribute) and head.attr in cat.HEAD_ATTRIBUTES:  # model.classifier[6] = ...
                owner = self.expr(head.value, scope)
                if _is_pretrained(owner):
                    self.new_head(head.value, owner, value, target, scope)
                    return
            current = self.expr(target.value, scope)
            if isinstance(head, ast.Name) and isinstance(current, Tensor) and isinstance(value, Tensor) and \
                    value.act in ("softmax", "log_softmax") and value.when is None and \
                    isinstance(target.slice, (ast.Slice, ast.Tuple)):
                # out[..., 4:] = out[..., 4:].softmax(-1) in a detection head: the class scores, which a loss on
                # the output reads, are probabilities. (A sigmoid written into a slice is most often the boxes'
                # and the rest stays raw: not followed.)
                scope.vars[head.id] = value.reshaped()

    def new_head(self, model_node: ast.expr, model: Model, head: Any, node: ast.AST, scope: Scope) -> None:
        """``model.fc = nn.Sequential(nn.Linear(2048, 5), nn.Softmax(dim=1))`` on a pretrained model: its
        output is now the new head's (unknown when the head is)."""
        if isinstance(head, Layer):
            out = self.apply(head, None, node)
        elif isinstance(head, Model):
            out = head.out
        else:
            out = None
        self.assign(model_node, Model(out, model.name, model.node, model.path, model.methods), scope, rebinds=False)

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
            return Ref(node.id) if node.id[:1].isupper() or node.id in _KNOWN_BARE_NAMES else None
        if kind is ast.Attribute:
            owner = self.expr(node.value, scope)
            if isinstance(owner, Ref):
                return self.ref(f"{owner.name}.{node.attr}")
            if isinstance(owner, Instance):
                if node.attr not in owner.attrs:
                    owner.missed.add(node.attr)
                return owner.attrs.get(node.attr)
            if isinstance(owner, Opaque) and node.attr == "module":  # DataParallel(model).module
                return owner
            if isinstance(owner, Model) and owner.losses and node.attr in owner.losses:  # head.loss
                return owner.losses[node.attr]
            if isinstance(owner, OpaqueOut) and node.attr in _OUTPUT_FIELDS:  # a transformers output's .logits
                return owner.then("key", node.attr)
            if isinstance(owner, dict) and node.attr in _OUTPUT_FIELDS and node.attr in owner:
                return owner[node.attr]
            key = _key(node)
            return scope.lookup(key)[1] if key else None
        if kind is ast.Constant:
            return Const(node.value)
        if kind is ast.UnaryOp and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant) and \
                type(node.operand.value) in (int, float):
            return Const(-node.operand.value)  # -1
        if kind in (ast.List, ast.Tuple):
            return Pack(tuple(self.expr(e, scope) for e in node.elts))
        if kind is ast.Subscript:
            owner = self.expr(node.value, scope)
            if isinstance(node.slice, ast.Slice):  # self.data[::-1], layers[:-1]: the items a constant slice keeps
                bounds = [self.expr(part, scope) if part is not None else Const(None)
                          for part in (node.slice.lower, node.slice.upper, node.slice.step)]
                if isinstance(owner, Pack) and all(isinstance(b, Const) and (b.value is None or type(b.value) is int)
                                                   for b in bounds) and bounds[2].value != 0:
                    return Pack(owner.items[slice(*(b.value for b in bounds))])
                return self.subscript(owner, None)
            key = self.expr(node.slice, scope)
            return self.subscript(owner, key)
        if kind is ast.BinOp:
            left, right = self.expr(node.left, scope), self.expr(node.right, scope)
            if isinstance(node.op, ast.Sub) and left == Const(1) and isinstance(right, Tensor) and right.act == "sigmoid":
                return replace(right, act="one_minus_sigmoid")  # evidence names the sigmoid
            if isinstance(node.op, ast.MatMult):
                return self.mixture(node, left, right)
            if isinstance(node.op, ast.Mult):
                return self.masked(left, right)
            if isinstance(node.op, ast.Add) and isinstance(left, Tensor) and isinstance(right, Const) and \
                    left.act in GUARDABLE:  # p + 1e-10
                return self.guarded(node, left, right)
            return self.hand_activation(node, left, right) if isinstance(node.op, (ast.Add, ast.Div)) else None
        if kind is ast.IfExp:
            self.expr(node.test, scope)
            decided = self.decided(node.test, scope)
            if decided is not None:  # `"softmax" if n_classes > 2 else "sigmoid"` with n_classes a call gives
                return self.expr(node.body if decided else node.orelse, scope)
            body, orelse = self.expr(node.body, scope), self.expr(node.orelse, scope)
            if isinstance(body, Ref) and isinstance(orelse, Ref):  # F.binary_cross_entropy if n == 2 else F.cross_entropy
                body, orelse = self.loss_function(body, node.body), self.loss_function(orelse, node.orelse)
            return join(body, orelse)
        if kind is ast.BoolOp and isinstance(node.op, ast.Or) and len(node.values) == 2:
            # `loss or nn.BCEWithLogitsLoss()`: the parameter when a call gives one, else the default after `or`
            given, fallback = self.expr(node.values[0], scope), self.expr(node.values[1], scope)
            if isinstance(given, Opaque) and given.hole is not None and given.default is None and not given.candidates \
                    and isinstance(fallback, LossValue):
                return Opaque(given.origin, given.hole, default=fallback)
            if isinstance(given, Const) and not given.value:  # None, 0, '' written out (or a default read so)
                return fallback
            return given if _surely_given(given) else None
        if kind is ast.Lambda:  # `model = lambda x: tf.nn.softmax(x @ W + b)`: a function returning its body
            body = ast.copy_location(ast.Return(node.body), node.body)
            function = ast.FunctionDef(name="<lambda>", args=node.args, body=[body], decorator_list=[], returns=None,
                                       type_comment=None)
            return Function(ast.copy_location(function, node), scope)
        if kind is ast.Dict:
            return self.dict_literal(node, scope)
        if kind is ast.ListComp and len(node.generators) == 1:
            return self.list_comprehension(node, scope)
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




def _exec_file(node: ast.expr) -> str | None:
    """The module ``exec(open("utils/model.py").read())`` runs (``utils.model``), or None."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "exec" and
            len(node.args) == 1 and isinstance(read := node.args[0], ast.Call) and isinstance(read.func, ast.Attribute)
            and read.func.attr == "read" and isinstance(opened := read.func.value, ast.Call) and
            isinstance(opened.func, ast.Name) and opened.func.id == "open" and opened.args and
            isinstance(opened.args[0], ast.Constant) and isinstance(opened.args[0].value, str)):
        return None
    match = _SCRIPT_PATH.match(opened.args[0].value)
    return match.group(1).replace("/", ".") if match else None


_SCRIPT_PATH = re.compile(r"^(?:\./)?((?:[A-Za-z_]\w*/)*[A-Za-z_]\w*)\.py$")


def _is_pretrained(value: Any) -> bool:
    return isinstance(value, Model) and isinstance(value.methods, dict) and "__pretrained__" in value.methods


def _compile_of(stmt: ast.stmt) -> str | None:
    """``model`` for a statement that is just ``model.compile(...)``."""
    call = stmt.value if isinstance(stmt, ast.Expr) else None
    if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "compile":
        return ast.dump(call.func.value)
    return None


def _is_main_guard(test: ast.expr) -> bool:
    return (isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == "__name__"
            and len(test.comparators) == 1 and isinstance(test.comparators[0], ast.Constant)
            and test.comparators[0].value == "__main__")
