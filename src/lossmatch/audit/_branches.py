"""Control flow: what an ``if``, a conditional expression or a ``match`` decides, how the arms of an undecided
one merge, and a model builder read once per value of a True/False parameter.

A mixin of :class:`lossmatch.audit._interp.Interpreter`. Both arms of an ``if`` the audit cannot decide run, each
from the state before it, and what follows sees their merge; a test on a value a call gives (or a constant's)
runs only the arm it picks.
"""

from __future__ import annotations

import ast
import copy
import operator
import re
from dataclasses import fields, replace
from typing import Any

from lossmatch.audit import catalogue as cat
from lossmatch.audit._frameworks import _source
from lossmatch.audit._values import (
    Const,
    Function,
    Instance,
    Klass,
    Layer,
    LossValue,
    Model,
    Opaque,
    Ref,
    Scope,
    Tensor,
    join,
    models_in,
)

_COMPARISONS = {ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
                ast.Gt: operator.gt, ast.GtE: operator.ge}
_STR_CASES = frozenset({"upper", "lower", "strip", "casefold"})  # a string's methods a test may compare
_MAX_SWITCHES = 3  # True/False parameters of a model builder read both ways (each reads the body twice more)


class Branches:
    """What tests decide and how undecided arms merge (mixed into the interpreter)."""

    facts: Any
    findings: dict[Any, Any]
    sites: list[Any]
    compile_sites: dict[str, list[Any]]
    bindings: list[Any]
    constructed: set[str]
    submodules: set[str]
    _sized_reports: list[Any]
    _uncertain_losses: set[int]
    _frames: list[Any]
    _ended_arms: set[tuple[int, int]]

    def switches(self, function: Function, params: tuple[str, ...]) -> tuple[tuple[str, int, Any], ...]:
        """For a function returning one of several models by branches: what it returns with each value of each
        True/False parameter (``is_policy_net=False``), read without leaving findings, sites or facts behind
        (another file's call passing the flag picks one)."""
        node = function.node
        flags = [(param.arg, params.index(param.arg)) for param, default in
                 zip(node.args.args[len(node.args.args) - len(node.args.defaults):], node.args.defaults)
                 if isinstance(default, ast.Constant) and type(default.value) is bool]
        out = []
        for name, position in flags[:_MAX_SWITCHES]:
            saved = self._state()
            try:
                table = {flag: self.inline(function, [], {name: Const(flag)}) for flag in (True, False)}
            finally:
                self._restore(saved)
            if table[True] != table[False]:
                out.append((name, position, table))
        return tuple(out)

    def _state(self) -> tuple[Any, ...]:
        facts = type(self.facts)(**{f.name: copy.copy(getattr(self.facts, f.name)) for f in fields(self.facts)})
        return (dict(self.findings), list(self.sites), {k: list(v) for k, v in self.compile_sites.items()},
                list(self.bindings), list(self._sized_reports), set(self._uncertain_losses), set(self.constructed),
                set(self.submodules), facts)

    def _restore(self, saved: tuple[Any, ...]) -> None:
        (self.findings, self.sites, self.compile_sites, self.bindings, self._sized_reports, self._uncertain_losses,
         self.constructed, self.submodules, self.facts) = saved

    def match(self, node: ast.Match, scope: Scope) -> None:
        """``match activation_function: case "softmax": ...``: on a string or number a call gives (or a
        constant's), the case that runs; else the cases as branches (the first against the rest)."""
        subject = self.expr(node.subject, scope)
        if not node.cases:
            return
        if isinstance(subject, Const) and subject.default_of is None:
            for case in node.cases:
                runs = _case_runs(case, subject.value)
                if runs is None:
                    break
                if runs:
                    self.block(case.body, scope)
                    return
            else:
                return  # no case runs
        first, rest = node.cases[0], node.cases[1:]
        if first.guard is None and _case_runs(first, object()) and not rest:  # a last `case _:`
            self.block(first.body, scope)
            return
        others = [ast.copy_location(ast.Match(subject=node.subject, cases=rest), node)] if rest else []
        self.branches(first.body, others, scope)

    def decided(self, test: ast.expr, scope: Scope) -> bool | None:
        """The value of an ``if`` test on a name surely given a function, layer, model or loss here (``activation is
        None``, ``activation is not None``, ``if activation:``, ``if not activation:``) or a True/False flag that is
        no default read without a call, else ``None`` (both branches are read and joined): a helper called with
        ``activation_function=tf.nn.softmax`` runs its ``else`` only."""
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            inner = self.decided(test.operand, scope)
            return None if inner is None else not inner
        if isinstance(test, ast.BoolOp):  # `a and b`: decided by one part that decides it, or by all of them
            parts = [self.decided(value, scope) for value in test.values]
            stop = isinstance(test.op, ast.Or)  # the value that ends the test early
            return stop if stop in parts else (not stop if None not in parts else None)
        if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Is, ast.IsNot)) \
                and isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None \
                and isinstance(test.left, ast.Name):
            # Only a value surely given decides: a None may be a default the audit read the body with (no caller), and
            # `if targets is None: return logits` must not hide the loss below it.
            if _surely_given(scope.lookup(test.left.id)[1]):
                return not isinstance(test.ops[0], ast.Is)
            return None
        if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Eq, ast.NotEq, ast.Is,
                                                                                              ast.IsNot)) \
                and all(isinstance(side, (ast.Name, ast.Attribute)) for side in (test.left, test.comparators[0])):
            # `if self.loss_function == nn.CrossEntropyLoss:` on the class the audit follows: one branch runs with it
            # (under another class, unknown here, neither branch could be judged)
            left, right = self.expr(test.left, scope), self.expr(test.comparators[0], scope)
            if isinstance(left, Ref) and isinstance(right, Ref) and cat.loss_for_call(left.name) is not None:
                return (left.name == right.name) == isinstance(test.ops[0], (ast.Eq, ast.Is))
            return None
        left = test.left if isinstance(test, ast.Compare) else None
        case = None
        if isinstance(left, ast.Call) and isinstance(left.func, ast.Attribute) and left.func.attr in _STR_CASES \
                and not left.args and not left.keywords:  # `loss_type.upper() == "CL"`
            case, left = left.func.attr, left.func.value
        if isinstance(test, ast.Compare) and len(test.ops) == 1 and type(test.ops[0]) in _COMPARISONS \
                and isinstance(left, (ast.Name, ast.Attribute)) and isinstance(test.comparators[0], ast.Constant):
            # `if activation_function == "softmax":`, `if n_classes > 2:` on a value a call gives (or a constant's):
            # one branch runs
            value, other = self.expr(left, scope), test.comparators[0].value
            if case is not None:
                value = Const(getattr(value.value, case)()) if isinstance(value, Const) and isinstance(
                    value.value, str) and value.default_of is None else None
            if isinstance(value, Const) and value.default_of is None and (
                    isinstance(value.value, str) and isinstance(other, str) and type(test.ops[0]) in (ast.Eq, ast.NotEq)
                    or type(value.value) is int and type(other) is int):
                return _COMPARISONS[type(test.ops[0])](value.value, other)
            return None
        if isinstance(test, ast.Name):
            value = scope.lookup(test.id)[1]
            if isinstance(value, Const) and type(value.value) is bool and value.default_of is None:
                return value.value  # a flag a call gives (`self._block(8, 1, last=True)`) or a constant's
            return True if _surely_given(value) else None
        return None

    def branches(self, body: list[ast.stmt], orelse: list[ast.stmt], scope: Scope, test: ast.expr | None = None
                 ) -> None:
        """Both arms of an undecided ``if``, each from the state before it; what the code after it sees is the
        merge (see :func:`_merged`) of the names and of the attributes of ``self`` each arm set."""
        instance = self._frames[-1].function.bound_self if self._frames else None
        attrs = instance.attrs if isinstance(instance, Instance) else None
        before, before_attrs = dict(scope.vars), dict(attrs) if attrs is not None else None
        arm_test = test if test is not None else (body or orelse or [None])[0]
        self.enter_arm(arm_test, 0)
        self.block(body, scope)
        self.leave_arm()
        after_body, body_attrs = scope.vars, dict(attrs) if attrs is not None else None
        scope.vars = dict(before)
        if attrs is not None:
            attrs.clear()
            attrs.update(before_attrs)
        self.enter_arm(arm_test, 1)
        self.block(orelse, scope)
        self.leave_arm()
        after_else = scope.vars
        if not _ends(body) and not _ends(orelse):
            self.arms_both_used(arm_test)
        self._ended_arms.update((id(arm_test), arm) for arm, block in enumerate((body, orelse)) if _ends(block))
        scope.vars = _merged(before, after_body, after_else, _ends(body), _ends(orelse), test)
        if attrs is not None:  # `if act == "softmax": self.fn = nn.Softmax() else: self.fn = nn.ReLU()`
            merged = _merged(before_attrs, body_attrs, dict(attrs), _ends(body), _ends(orelse), test)
            attrs.clear()
            attrs.update(merged)


def _ends(block: list[ast.stmt]) -> bool:
    """Whether a block of statements surely leaves by its last one (``return``, ``raise``, ``break``, ``continue``)."""
    return bool(block) and isinstance(block[-1], (ast.Return, ast.Raise, ast.Break, ast.Continue))


def _surely_given(value: Any) -> bool:
    """Whether a value the interpreter holds is surely not ``None`` and true: a library function, a layer, a model, a
    loss, a class or function of the user's."""
    return isinstance(value, (Ref, Function, Layer, Model, LossValue, Klass))


# An `if` on these words chooses what the model returns to whom (training vs inference, logits vs probabilities):
# an activation on one side of it is the usual, right pattern (`if not self.training: out = out.softmax(-1)`).
_OUTPUT_MODE = re.compile(r"train|eval|infer|predict|test|mode|export|deploy|onnx|prob|logit|activation|softmax|sigmoid"
                          r"|return|output|serv|valid|sampl|decode|generat", re.IGNORECASE)


def _one_branch_activation(a: Any, b: Any, test: ast.expr) -> Tensor | None:
    """``x`` after ``if cond: x = x.softmax(-1)`` (an activation on one branch, the other leaves raw or unknown
    values): the activation, with the condition it holds under, unless the condition picks an output mode."""
    for applied, other, negated in ((a, b, False), (b, a, True)):
        if isinstance(applied, Tensor) and applied.act in _CONDITIONAL_ACTS and applied.when is None and not (
                isinstance(other, Tensor) and other.act in _CONDITIONAL_ACTS):
            words = [n.id for n in ast.walk(test) if isinstance(n, ast.Name)] + \
                    [n.attr for n in ast.walk(test) if isinstance(n, ast.Attribute)]
            if not words or any(_OUTPUT_MODE.search(w) for w in words):
                return None
            text = _source(test, 60)
            when = f"only when not `{text}`" if negated else f"only when `{text}`"
            return Tensor(applied.act, applied.units, applied.node, applied.line, applied.path, applied.name,
                          when=when)
    return None


_CONDITIONAL_ACTS = frozenset({"softmax", "sigmoid", "log_softmax", "logsigmoid"})


def _merged(before: dict[str, Any], after_body: dict[str, Any], after_else: dict[str, Any], body_ends: bool,
            else_ends: bool, test: ast.expr | None) -> dict[str, Any]:
    """The names (or attributes) after an ``if`` whose arms left ``after_body`` and ``after_else``. An arm that
    returns (or raises, breaks, continues) is not what the code after the ``if`` sees: ``if not
    self.from_logits: y_pred = clip(y_pred); return manual(y_pred)`` leaves y_pred as given below it."""
    if body_ends and not else_ends:
        return after_else
    if else_ends and not body_ends:
        return after_body
    merged = {}
    for name in after_body.keys() | after_else.keys():
        if name not in before and (name not in after_body or name not in after_else):
            # Bound in one branch only: code after the `if` that reads it runs after that branch.
            merged[name] = after_body[name] if name in after_body else after_else[name]
        else:
            prior = before.get(name)
            a, b = after_body.get(name, prior), after_else.get(name, prior)
            # `x = self.out(x)` (softmax), then `if not training: x = tf.nn.softmax(x)`: the evidence is the
            # activation on both paths, not the one the branch adds on top
            other = b if a is prior else a if b is prior else None
            both = isinstance(prior, Tensor) and isinstance(other, Tensor)
            merged[name] = join(prior, other) if both else join(a, b)
            if isinstance(merged[name], Opaque) and merged[name].candidates and test is not None:
                merged[name] = _with_arms(merged[name], a, b, test)
            if merged[name] is None and test is not None:
                merged[name] = _one_branch_activation(a, b, test)
            elif isinstance(merged[name], Opaque) and isinstance(a, Model) and isinstance(b, Model) and test:
                # `if not self.wass: self.model = nn.Sequential(self.model, nn.Sigmoid())`: the model with the
                # activation, under the condition (as for a tensor), not one of two candidates
                out = _one_branch_activation(a.out, b.out, test)
                if out is not None:
                    merged[name] = replace(a if getattr(a.out, "node", None) is out.node else b, out=out)
    return merged


def _with_arms(joined: Opaque, a: Any, b: Any, test: ast.expr) -> Opaque:
    """A choice of models after an ``if``, each candidate with the arms that chose it (this test's first)."""
    text = ast.unparse(test)
    arms = []
    for model in joined.candidates:
        side, value = (0, a) if model in models_in(a) else (1, b)
        inner = value.arms_of(model) if isinstance(value, Opaque) else ()
        arms.append(((text, side), *inner))
    return replace(joined, arms=tuple(arms))


def _case_runs(case: ast.match_case, value: Any) -> bool | None:
    """Whether a ``case`` runs on ``value``: literal patterns (and ``|`` of them) and ``_`` are decided; a guard, a
    class or a sequence pattern is not (None)."""
    if case.guard is not None:
        return None
    pattern = case.pattern
    options = pattern.patterns if isinstance(pattern, ast.MatchOr) else [pattern]
    for option in options:
        if isinstance(option, ast.MatchAs) and option.pattern is None:
            return True  # `case _:` / `case name:`
        if isinstance(option, ast.MatchValue) and isinstance(option.value, ast.Constant):
            if type(option.value.value) is type(value) and option.value.value == value:
                return True
        elif isinstance(option, ast.MatchSingleton):
            if option.value is value:
                return True
        else:
            return None
    return False
