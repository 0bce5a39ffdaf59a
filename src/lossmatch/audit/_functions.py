"""Functions and classes defined in the audited code, and the parameters that hold a model or a loss the
file does not pin down.

A mixin of :class:`lossmatch.audit._interp.Interpreter`. A parameter with no known argument is an
:class:`Opaque` value named by its hole (path, line of the ``def``, name); calling it gives an
:class:`OpaqueOut`, and a loss applied to that is an open site. Each call that passes a model or a loss to
a parameter records a binding for that hole, so the project pass can close the site, in this file or
another one.
"""

from __future__ import annotations

import ast
import dataclasses
from typing import Any

from lossmatch.audit import catalogue as cat
from lossmatch.audit._values import (
    SELF,
    SPECIAL_METHODS,
    Const,
    Function,
    Hole,
    Instance,
    Klass,
    Losses,
    LossValue,
    Model,
    Opaque,
    OpaqueOut,
    Pack,
    Ref,
    Returns,
    Scope,
    Tensor,
    item_hole,
    join,
    models_in,
)

MAX_DEPTH = 6


# a library loss a function applies to its parameters: (loss, position of the prediction, of the target, the item of
# each taken, or None for the parameter itself)
LossUse = tuple[cat.LossEntry, int, "int | None", "int | None", "int | None"]
_NO_ARGUMENT = (1 << 16, "")  # a target made inside the loss: no argument of a call's gives it


class _Frame:
    def __init__(self, function: Function, arm_base: int) -> None:
        self.function = function
        self.returns: list[Any] = []
        self.arm_base = arm_base  # where this call's arms start on the interpreter's stack of undecided ifs
        self.uses: list[tuple[tuple[int, int], ...]] = []  # the arms each library loss on the parameters ran under
        self.uses_by_entry: dict[tuple[Any, ...], list[tuple[tuple[int, int], ...]]] = {}
        self.uncertain = False  # a return no loss use leads to, or two different losses on exclusive arms


def _signatures(path: str, methods: dict[str, ast.FunctionDef | ast.AsyncFunctionDef]
                ) -> dict[str, tuple[tuple[str, ...], tuple[str, int]]]:
    """Each ordinary method's parameters (after ``self``) and where it is defined, to bind calls to it."""
    out = {name: (tuple(a.arg for a in (m.args.posonlyargs + m.args.args)[1:]), (path, m.lineno))
           for name, m in methods.items() if name not in SPECIAL_METHODS}
    forward = next((methods[name] for name in ("forward", "call", "__call__") if name in methods), None)
    if forward is not None:  # calling the model binds its arguments to forward's parameters
        out["__call__"] = (tuple(a.arg for a in (forward.args.posonlyargs + forward.args.args)[1:]),
                           (path, forward.lineno))
    return out


def _is_static(method: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in method.decorator_list)


def _bindable(value: Any) -> bool:
    """Values worth recording when passed to a parameter: models, losses and Keras loss names, and a parameter
    handed on (``select_trainer(model)`` calling ``Trainer(model)``: what the first gets, the second gets)."""
    if isinstance(value, Const):  # a Keras loss name, or a size (the units of a layer built from the parameter)
        return isinstance(value.value, str) and cat.loss_for_keras_name(value.value) is not None or (
            type(value.value) is int and value.value > 0)
    if isinstance(value, Opaque) and value.hole is not None and not value.candidates and not value.classes \
            and value.default is None:
        return True
    return isinstance(value, (Model, LossValue, Losses, Klass)) or bool(models_in(value))



class Functions:
    """Classes and functions defined in the audited code, and bindings (mixed into the interpreter)."""

    path: str
    choosing: int  # see Calls.loss_choice

    # ------------------------------------------------------------------------------------ classes
    def class_def(self, node: ast.ClassDef, scope: Scope, init: tuple[list[Any], dict[str, Any]] = ([], {})
                  ) -> Klass:
        """A class as read: its ``__init__`` run with ``init`` (no arguments where the statement defines it; a
        call's, when :meth:`instantiate` reads it again)."""
        bases = [self.expr(base, scope) for base in node.bases]
        parent = next((b for b in bases if isinstance(b, Klass)), None)
        is_model = parent is not None and parent.model is not None or any(
            isinstance(b, Ref) and (b.name in cat.MODULE_BASES or b.name.endswith(("nn.Module", "LightningModule")))
            for b in bases)
        is_loss_base = any(isinstance(b, Ref) and b.name in cat.LOSS_BASES for b in bases)
        methods = {item.name: item for item in node.body if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))}
        # a HuggingFace Trainer subclass: Trainer(model, ...) hands its model to compute_loss(self, model, ...)
        hooked = methods.get("compute_loss") if any(isinstance(b, Ref) and b.name in cat.HF_TRAINERS for b in bases) \
            else None
        if hooked is not None:
            self._hf_hooks.add(id(hooked))
        body = Scope(scope)  # class attributes (`DEFAULT_LOSS_CLS = nn.BCEWithLogitsLoss`): what self.X reads first
        for item in node.body:
            if not isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self.stmt(item, body)
        instance = Instance(parent.attrs if parent is not None and isinstance(parent.attrs, dict) else None)
        instance.attrs.update({name: value for name, value in body.vars.items() if value is not None})
        # a @staticmethod takes no self: `self._block(8, 1, last=True)` binds 8 to its first parameter
        inherited = parent.functions if parent is not None and parent.functions else {}
        # a base class's methods run on this class's self (a forward that loops over what __init__ stored)
        instance.methods = {name: Function(f.node, f.env, None if f.bound_self is None else instance, f.defaults_env)
                            for name, f in inherited.items()}
        hooks = Scope(scope, shared=True)
        instance.methods.update({name: Function(method, hooks, None if _is_static(method) else instance, body)
                                 for name, method in methods.items()})
        self._class_stack.append((node.name, is_model))
        self._super_methods.append(inherited)
        try:
            for name in ("__init__", "build"):
                if name in methods:
                    self.inline(instance.methods[name], *(init if name == "__init__" else ([], {})))
            out = None
            for name in ("forward", "call", "__call__"):
                if name in methods or name in inherited:
                    out = self.inline(instance.methods[name], [], {})
                    out = out if isinstance(out, (Tensor, Pack, OpaqueOut, dict)) else None
                    if out is None and name not in methods and parent.model is not None:
                        out = parent.model.out
                    break
            else:
                if parent is not None and parent.model is not None:
                    out = parent.model.out
                if out is None and is_model:  # a base class: `self(x)` in its fit() is what a subclass returns
                    out = OpaqueOut(Opaque(f"`self` in {node.name} (no forward of its own)", (self.path, node.lineno,
                                                                                                 SELF)), (), node)
            loss = self._class_loss(node, instance, is_loss_base or is_model)
            signatures = _signatures(self.path, methods)
            kept = {k: v for k, v in instance.attrs.items() if isinstance(v, (LossValue, Losses))}
            model = Model(out, node.name, node, self.path, signatures, losses=kept or None, instance=instance) \
                if is_model and loss is None else None
            instance.model = model
            # its own methods, and those of a base class of this file it does not override (a base's fit() that
            # builds self.criterion from the loss_type this class's __init__ sets), run on its own self
            others = [name for name in inherited if name not in methods and name not in SPECIAL_METHODS] + \
                [name for name in methods if name not in SPECIAL_METHODS]
            for name in others:
                self.inline(instance.methods[name], [], {})
            if instance.missed & instance.attrs.keys():  # a later method set what an earlier one read
                instance.missed.clear()
                for name in others:
                    self.inline(instance.methods[name], [], {})
        finally:
            self._class_stack.pop()
            self._super_methods.pop()
        init = methods.get("__init__")
        params = tuple(a.arg for a in (init.args.posonlyargs + init.args.args)[1:]) if init else ()
        hole = (self.path, init.lineno) if init else None
        if hooked is not None and (init is None or "model" not in params):
            params, hole = ("model",), (self.path, hooked.lineno)
        names = tuple(b.name if isinstance(b, Klass) else b.name.rsplit(".", 1)[-1] for b in bases
                      if isinstance(b, (Klass, Ref)))
        return Klass(node.name, model, instance.attrs, params, hole, loss, signatures, names, instance.methods,
                     (node, scope))

    def instantiate(self, klass: Klass, args: list[Any], kwargs: dict[str, Any]) -> Model | None:
        """The model a call of a model class of this file builds, when its output read on its own is unknown and
        the call gives constants (``Head(64, 3, activation="softmax")``, ``Internal(8, 4, "softmax")``): the class
        read again with them, its ``if``/``match`` on them decided. Else the model as read on its own."""
        model = klass.model
        if model is None or model.out is not None or klass.source is None or len(self._class_stack) >= 3:
            return model
        given = [*args, *kwargs.values()]
        if not any(isinstance(v, Const) and type(v.value) in (str, bool, int) and v.default_of is None for v in given):
            return model
        key = (id(klass.source[0]), tuple(repr(v) for v in args), tuple((k, repr(v)) for k, v in kwargs.items()))
        if key not in self._instances:
            self._instances[key] = None  # a class building itself again is not followed
            self._instances[key] = self.class_def(*klass.source, init=(list(args), dict(kwargs))).model
        return self._instances[key] or model

    def _class_loss(self, node: ast.ClassDef, instance: Instance, may_be_loss: bool) -> LossValue | None:
        """A loss class: its ``forward``/``call`` applies one library loss to its own parameters."""
        if not may_be_loss:
            return None
        for name in ("forward", "call", "__call__"):
            function = instance.methods.get(name)
            if function is not None:
                uses = self.loss_uses(id(function.node))
                return _wrapped(uses, function.node, self.path, 1, node) if uses else None
        return None

    # ------------------------------------------------------------------------------------ functions
    def inline(self, function: Function, args: list[Any], kwargs: dict[str, Any], where: ast.AST | None = None) -> Any:
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
        defaults_env = function.defaults_env if function.defaults_env is not None else function.env
        first_default = len(params) - len(defaults)
        name = node.name
        for i, param in enumerate(params):
            if i < len(values):
                value = values[i]
            elif param.arg in kwargs:
                value = kwargs[param.arg]
            elif i >= first_default:
                value = self._default(name, node, param.arg, defaults[i - first_default], defaults_env, where)
            else:
                value = None
            scope.vars[param.arg] = self._param(name, node, param.arg, value, where)
        for param, default in zip(node.args.kwonlyargs, node.args.kw_defaults):
            if param.arg in kwargs:
                value = kwargs[param.arg]
            else:
                value = self._default(name, node, param.arg, default, defaults_env, where) if default else None
            scope.vars[param.arg] = self._param(name, node, param.arg, value, where)
        if node.args.vararg is not None:  # def __init__(self, *modules): the extra positional arguments
            extra = values[len(params):]
            scope.vars[node.args.vararg.arg] = Pack(tuple(extra)) if extra else None
        if node.args.kwarg is not None:
            scope.vars[node.args.kwarg.arg] = None
        self._active.add(id(node))
        frame = _Frame(function, len(self._arms))
        self._frames.append(frame)
        try:
            self.block(node.body, scope)
        finally:
            self._frames.pop()
            self._active.discard(id(node))
        if frame.uncertain and frame.uses:
            # `if crf.learn_mode == 'join': return crf_nll(...)` / `else: return sparse_cce(...)`: which loss the
            # function is depends on what the audit cannot see, so it is none it can judge (until a call decides)
            self._uncertain_losses.add(id(node))
        elif frame.uses:
            self._uncertain_losses.discard(id(node))
        result = frame.returns[0] if frame.returns else None
        for other in frame.returns[1:]:
            result = join(result, other)
        if not args and not kwargs and function.bound_self is None:
            self._no_arg_results[id(node)] = result
        return result

    def _default(self, function: str, node: ast.AST, name: str, default: ast.expr, env: Scope,
                 where: ast.AST | None) -> Any:
        """A parameter's default. Read on its own (no call), a default loss stays open: another file's call
        may pass another one (``build_model(loss="binary_crossentropy")``)."""
        value = self.expr(default, env)
        if where is None and (isinstance(value, LossValue) or isinstance(value, Const) and isinstance(
                value.value, str) and cat.loss_for_keras_name(value.value) is not None):
            return Opaque(f"parameter `{name}` of {function}()", (self.path, node.lineno, name), default=value)
        if where is None and isinstance(value, Const) and (type(value.value) in (int, bool, str) or value.value is None):
            # a size (the units calls give are checked), a flag or a mode string (it decides no `if`: a call may
            # give another); a None a call may replace (`criterion=None`, called in forward: see call_value)
            return Const(value.value, (self.path, node.lineno, name))
        return value

    def _param(self, function: str, node: ast.AST, name: str, value: Any, where: ast.AST | None) -> Any:
        """A parameter's value: the argument, or an :class:`Opaque` named by the hole when none is known."""
        hole: Hole = (self.path, node.lineno, name)
        if value is None and name == "model" and id(node) in self._hf_hooks:
            # a HuggingFace Trainer's hook: a transformers model when the project passes none of its own
            return Opaque(f"parameter `{name}` of {function}()", hole, default=_transformers_model(node, self.path))
        if value is None and name not in ("self", "cls"):
            return Opaque(f"parameter `{name}` of {function}()", hole)
        if where is not None and _bindable(value):
            self.bind(hole, self.handed_on(value), where)
        return value

    def bind(self, hole: Hole, value: Any, where: ast.AST) -> None:
        if isinstance(value, Klass):  # a class passed to be instantiated later: its instances
            value = value.loss or value.model
            if value is None:
                return
        self.bindings.append((hole, value, where))

    def bind_call(self, signature: tuple[tuple[str, ...], tuple[str, int] | None], args: list[Any],
                  kwargs: dict[str, Any], node: ast.Call) -> None:
        """Bindings for a call of a function or class from another audited module (or an object's method)."""
        params, hole = signature
        if hole is None:
            return
        for i, value in enumerate(args):
            if i < len(params) and _bindable(value):
                self.bind((hole[0], hole[1], params[i]), self.handed_on(value), node)
        for name, value in kwargs.items():
            if name in params and _bindable(value):
                self.bind((hole[0], hole[1], name), self.handed_on(value), node)

    def note_loss_use(self, entry: cat.LossEntry, pred: Any, labels: Any) -> None:
        """Remember that a function being read applies ``entry`` to its own parameters (a loss wrapper), or to
        items of them (``seg_in, edge_in = inputs``), here or in a helper it calls (``self.bce2d(edge_in, mask)``)."""
        if not self._frames or not isinstance(pred, Opaque) or pred.hole is None or self.choosing:
            return
        frame = next((f for f in reversed(self._frames) if (self.path, f.function.node.lineno) == pred.hole[:2]), None)
        if frame is None:
            return
        node = frame.function.node
        params = [a.arg for a in node.args.posonlyargs + node.args.args]
        pred_name, pred_item = item_hole(pred.hole) or (pred.hole[2], None)
        if pred_name not in params:
            return
        # the target a parameter (or an item of one) too, or made inside (`targets = [t.to(device) for t in
        # targets]`): then a call's labels are not followed
        target_name, target_item = "", None
        if isinstance(labels, Opaque) and labels.hole is not None and labels.hole[:2] == pred.hole[:2]:
            target_name, target_item = item_hole(labels.hole) or (labels.hole[2], None)
        target = params.index(target_name) if target_name in params else None
        arms = tuple(self._arms[frame.arm_base:])
        frame.uses.append(arms)
        kind = (entry.expects, entry.activation, entry.target)  # what the judge reads of a loss
        for other_kind, others in frame.uses_by_entry.items():
            if other_kind != kind and any(_exclusive(arms, other, self._ended_arms) for other in others):
                frame.uncertain = True  # `if cfg.multi_label: return bce(...)` / `return ce(...)`: one of two
        frame.uses_by_entry.setdefault(kind, []).append(arms)
        uses = self._loss_uses.setdefault(id(node), [])
        use = (entry, params.index(pred_name), target, pred_item, target_item)
        if use not in uses:
            uses.append(use)

    def loss_uses(self, function: int) -> list[LossUse] | None:
        """The library losses a function of the user's applies to its parameters, when it surely applies them."""
        return None if function in self._uncertain_losses else self._loss_uses.get(function)

    def enter_arm(self, test: ast.AST, arm: int) -> None:
        """One arm of an ``if`` whose test the audit cannot decide is being read."""
        self._arms.append((id(test), arm))
        self._arm_tests.append(test)
        if arm == 0 and any(isinstance(n, ast.Attribute) and n.attr == "from_logits" or isinstance(n, ast.Name)
                            and n.id == "from_logits" for n in ast.walk(test)):
            self._flag_tests.add(id(test))  # `if not self.from_logits:` (the instance's flag picks the loss)

    def leave_arm(self) -> None:
        self._arms.pop()
        self._arm_tests.pop()

    def handed_on(self, value: Any) -> Any:
        """A parameter passed on to another function's, with the arms of this function's undecided ifs it is
        passed under (see :meth:`Opaque.under_arms`)."""
        if not (isinstance(value, Opaque) and value.hole is not None and not value.candidates) or not self._frames:
            return value
        base = self._frames[-1].arm_base
        arms = tuple((ast.unparse(test), arm) for test, (_, arm) in zip(self._arm_tests[base:], self._arms[base:])
                     if isinstance(test, ast.expr))
        return dataclasses.replace(value, under=arms) if arms else value

    def arms_both_used(self, test: ast.AST) -> None:
        """After an undecided ``if`` both of whose arms applied a loss (``loss = ce(...)`` / ``else: loss = ce(...,
        weight=w)``), the code below it has applied one: a use on the ``if``'s own arms."""
        if not self._frames:
            return
        frame = self._frames[-1]
        depth = len(self._arms) - frame.arm_base
        seen = {arms[depth] for arms in frame.uses if len(arms) > depth and arms[depth][0] == id(test)}
        if len(seen) == 2:
            frame.uses.append(tuple(self._arms[frame.arm_base:]))

    def note_return(self, value: ast.expr | None) -> None:
        """A ``return`` read: it is a loss's only when a library loss ran on the way to it, or it is a guard's
        zero (``if target.numel() == 0: return logits.sum() * 0``)."""
        if not self._frames or _zero(value):
            return
        frame = self._frames[-1]
        arms = tuple(self._arms[frame.arm_base:])
        if any(test in self._flag_tests for test, _ in arms):
            return
        if not any(arms[:len(used)] == used for used in frame.uses):
            frame.uncertain = True

    def function_loss(self, value: Any) -> cat.LossEntry | None:
        if isinstance(value, Function):
            if id(value.node) not in self._called:
                self.inline(value, [], {})
            uses = self.loss_uses(id(value.node))
            return uses[0][0] if uses else None
        if isinstance(value, Returns) and value.loss is not None:
            return value.loss.entry
        return None

    def ref(self, dotted: str) -> Any:
        """An imported name: a value exported by another audited module, or a :class:`Ref`."""
        if dotted.startswith("tensorflow.keras.") and self.facts.tf_keras is None:
            self.facts.tf_keras = "tf.keras"
        if self.resolver:
            parts = dotted.lstrip(".").split(".")
            for cut in range(len(parts) - 1, 0, -1):
                exports = self.resolver.get(".".join(parts[:cut]))
                if exports is not None and len(parts) - cut == 1 and parts[-1] in exports:
                    return exports[parts[-1]]
        return Ref(cat.canonical(dotted))


def _transformers_model(node: ast.AST, path: str) -> Model:
    """What a HuggingFace Trainer's ``compute_loss`` gets when the project builds no model of its own: a transformers
    model, whose output's ``logits`` are raw scores."""
    arg = next((a for a in getattr(getattr(node, "args", None), "args", []) if a.arg == "model"), node)
    scores = Tensor("linear", None, arg, getattr(arg, "lineno", 0), path)
    return Model({field: scores for field in ("logits", "start_logits", "end_logits")},
                 "a transformers model (its outputs' logits are raw scores)", node, path)


def _wrapped(uses: list[LossUse], function: ast.FunctionDef | ast.AsyncFunctionDef,
             path: str, skip: int, node: ast.AST | None = None) -> LossValue | None:
    """The loss a user's function (``skip=0``) or method (``skip=1``: ``self``) is, as a caller sees it: each library
    loss it applies, at the positions of the parameters it applies them to."""
    params = [a.arg for a in function.args.posonlyargs + function.args.args]
    entries = tuple(entry.at((pred - skip, params[pred]), (target - skip, params[target]) if target is not None else
                             _NO_ARGUMENT, pred_item, target_item)
                    for entry, pred, target, pred_item, target_item in uses
                    if pred >= skip and (target is None or target >= skip))
    if not entries:
        return None
    return LossValue(entries[0], node or function, path, entries[1:])


def _exclusive(a: tuple[tuple[int, int], ...], b: tuple[tuple[int, int], ...], ended: set[tuple[int, int]]) -> bool:
    """Whether two arm paths part at one ``if``, one in its body and one in its ``else``, or one in an arm that
    returns and one below that ``if`` (``if c: return bce(...)`` / ``return ce(...)``): never both returned."""
    for x, y in zip(a, b):
        if x != y:
            return x[0] == y[0]
    longer = a if len(a) > len(b) else b
    return len(a) != len(b) and longer[min(len(a), len(b))] in ended


_ZEROS = frozenset({"tensor", "zeros", "zeros_like", "new_zeros", "constant", "as_tensor"})


def _zero(value: ast.expr | None) -> bool:
    """A value a loss returns when there is nothing to score: a constant, ``x * 0``, ``torch.zeros(...)``."""
    if value is None or isinstance(value, ast.Constant):
        return True
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Mult):
        return any(isinstance(side, ast.Constant) and side.value == 0 for side in (value.left, value.right))
    if isinstance(value, ast.Call):
        func = value.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        return name in _ZEROS
    return False
