"""Activations and what keeps or makes them: an activation applied to a value (and applied twice), a mixture of
one-hot rows, reshapes, log and exp of probabilities, and a softmax or a sigmoid written out by hand.

A mixin of :class:`lossmatch.audit._interp.Interpreter` (beside :class:`lossmatch.audit._frameworks.Frameworks`).
"""

from __future__ import annotations

import ast
import dataclasses
import re
from typing import Any

from lossmatch.audit._values import Const, Labels, Opaque, OpaqueOut, Tensor, Weight


class Activations:
    """Activations, and the values that keep them (mixed into the interpreter)."""

    path: str
    facts: Any
    tree: ast.AST  # the module being read
    sampling_logs: set[int] | None  # ids of log(...) calls that feed a sampler (see sampling_logs); None: not read yet
    entropy_logs: set[int] | None  # ids of log(...) calls times their own argument (see entropy_logs); None: not read

    def activation(self, node: ast.Call, act: str, value: Any, dim: Any) -> Tensor:
        units = value.units if isinstance(value, Tensor) else None
        if dim is None and _three_d(value):  # torch's implicit dim on (N, C, L) is 0: not the class axis
            units = None
        self.note_doubled(node, act, value)
        # dim=1 is the 1-unit axis only on a 2-D tensor; over (batch, time, 1) attention scores it is the time
        # axis. Such a softmax is judged where it reaches a loss.
        if act == "softmax" and units == 1 and (dim is None or (isinstance(dim, Const) and dim.value == -1)):
            self.report_sized(value.units_from, "LM014", node, "it is applied to a 1-unit output",
                              [self.describe(node), self.describe(value)])
        return Tensor(act, units, node, node.lineno, self.path, units_from=value.units_from if isinstance(
            value, Tensor) else None, sized_by=value.sized_by if isinstance(value, Tensor) else None,
            over=value if isinstance(value, OpaqueOut) and act in ("sigmoid", "softmax") else None)

    def note_doubled(self, node: ast.AST, act: str | None, value: Any) -> None:
        """``torch.sigmoid(p)`` where ``p`` already holds a sigmoid (a model ending in ``nn.Sigmoid``): the
        second is judged where it reaches a loss that takes probabilities (LM005)."""
        if act in ("sigmoid", "softmax") and isinstance(value, Tensor) and value.act == act and value.when is None:
            self.facts.doubled[id(node)] = (node, f"{act} already applied by {self.describe(value)}")

    def mixture(self, node: ast.AST, weights: Any, rows: Any) -> Tensor | None:
        """``softmax(scores) @ labels``: each row a convex mixture of one-hot label rows, so class
        probabilities (a matching network's prediction). Anything else times a softmax is unknown."""
        if isinstance(rows, Weight):  # x @ W with W written out: raw scores over W's last dimension
            return Tensor("linear", rows.size, node, getattr(node, "lineno", 0), self.path)
        if not isinstance(weights, Tensor) or weights.act != "softmax":
            return None
        labels = isinstance(rows, Labels) and rows.fmt == "one_hot" or isinstance(rows, Opaque) and \
            rows.hole is not None and _LABEL_NAME.search(rows.hole[2]) is not None
        return Tensor("softmax", None, node, getattr(node, "lineno", 0), self.path) if labels else None

    def reshaped(self, value: Any) -> Any:
        """``torch.squeeze(x)``, ``tf.reshape(x, ...)``: the activation stays, the class axis is not known."""
        if isinstance(value, Tensor):
            return unsized(value)
        if isinstance(value, Opaque) and value.hole is not None:
            return value  # a parameter reshaped (`tf.reshape(predict, [-1, C])`): a loss on it is on the parameter
        return value.then("shape") if isinstance(value, OpaqueOut) else None

    def log_of(self, node: ast.Call, value: Any) -> Tensor | None:
        if not isinstance(value, Tensor):
            return None
        if self.sampling_logs is None:  # read once per file, and only for a file that takes such a log
            self.sampling_logs = sampling_logs(self.tree)
        if id(node) in self.sampling_logs:  # log(probs) / temperature for a sampler: generation, not a loss
            kind = {"softmax": "log_softmax", "sigmoid": "logsigmoid"}.get(value.act)
            return Tensor(kind, value.units, node, node.lineno, self.path) if kind else None
        # a guard (`log(p + 1e-10)`, `log(clip(p, 1e-7, 1))`) keeps the log finite, not its gradient: below the
        # guard a confident mistake gets none, where log_softmax/logsigmoid give the full one. Times the same
        # probabilities (an entropy, `p * log(p + 1e-8)`) it is finite and right.
        if value.guard and value.act in GUARDABLE:
            if self.entropy_logs is None:
                self.entropy_logs = entropy_logs(self.tree)
            if id(node) in self.entropy_logs:
                return Tensor("log_softmax" if value.act == "softmax" else "logsigmoid", value.units, node,
                              node.lineno, self.path)  # a log of probabilities, judged as such where it goes
        guard = [f"kept off 0 by {value.guard}: finite, but the gradient vanishes below the guard"] if value.guard else []
        if value.act == "softmax":
            self.report("LM040", node, "use log_softmax",
                        [self.describe(node), f"softmax from {self.describe(value)}", *guard])
            return Tensor("log_softmax", value.units, node, node.lineno, self.path)
        if value.act == "sigmoid":
            self.report("LM041", node, "use logsigmoid",
                        [self.describe(node), f"sigmoid from {self.describe(value)}", *guard])
            return Tensor("logsigmoid", value.units, node, node.lineno, self.path)
        if value.act == "one_minus_sigmoid":  # log(1 - sigmoid(x)) is logsigmoid(-x)
            self.report("LM041", node, "use logsigmoid(-x) for log(1 - sigmoid(x))",
                        [self.describe(node), f"1 - the sigmoid from {self.describe(value)}", *guard])
            return Tensor("logsigmoid", value.units, node, node.lineno, self.path)
        return None

    def guarded(self, node: ast.AST, value: Any, bound: Any = None) -> Any:
        """``clip(p, 1e-7, 1)``, ``p.clamp(min=1e-8)``, ``p + 1e-10`` (``bound`` the number added): probabilities
        kept off 0 are the same probabilities, the guard noted for a log of them; anything else clipped stays
        what it was (logits clipped are logits)."""
        if bound is not None and not (isinstance(bound, Const) and type(bound.value) is float and
                                      0 < bound.value <= 1e-2):
            return None  # p + 0.5 is not probabilities any more
        if isinstance(value, Tensor) and value.act in GUARDABLE:
            return dataclasses.replace(value, guard=self.describe(node))
        return value if isinstance(value, (Tensor, OpaqueOut)) and bound is None else None

    def exp_of(self, node: ast.Call, value: Any) -> Tensor | None:
        """``exp(log_softmax(x))`` is a softmax written out; the exp of anything else is kept as ``exp`` (or
        ``exp_neg`` for ``exp(-x)``) for a softmax or a sigmoid written out by hand (see ``hand_activation``)."""
        if isinstance(value, Tensor) and value.act in ("log_softmax", "logsigmoid"):
            return Tensor("softmax" if value.act == "log_softmax" else "sigmoid", value.units, node, node.lineno,
                          self.path)
        arg = node.args[0] if node.args else node.func.value if isinstance(node.func, ast.Attribute) else None
        negated = isinstance(arg, ast.UnaryOp) and isinstance(arg.op, ast.USub)
        return Tensor("exp_neg" if negated else "exp", value.units if isinstance(value, Tensor) else None, node,
                      node.lineno, self.path, sized_by=value.sized_by if isinstance(value, Tensor) else None)

    def sum_of(self, node: ast.Call, value: Any) -> Tensor | None:
        """``exp(x).sum(1)``: the denominator of a softmax written out, keyed by its ``exp`` call;
        ``(policy * actions_onehot).sum(1)``: the probability of the chosen action (a probability still)."""
        if isinstance(value, Tensor) and value.act == "exp":
            return Tensor("exp_sum", None, value.node, value.line, value.path)
        if isinstance(value, Tensor) and value.act in ("softmax", "sigmoid") and value.masked:
            return value.reshaped()
        return None

    def masked(self, left: Any, right: Any) -> Tensor | None:
        """``policy * actions_onehot``, ``probs * mask``: probabilities times a value that is not a number (a
        mask, one-hot rows), the same activation on the entries kept (a number rescales them: not followed)."""
        for tensor, other in ((left, right), (right, left)):
            if isinstance(tensor, Tensor) and tensor.act in ("softmax", "sigmoid") and tensor.when is None and \
                    not isinstance(other, (Tensor, Const)):
                return dataclasses.replace(tensor.reshaped(), masked=True)
        return None

    def hand_activation(self, node: ast.BinOp, left: Any, right: Any) -> Tensor | None:
        """A softmax or a sigmoid written out: ``e / e.sum(1, keepdim=True)`` with ``e = exp(x)``,
        ``1 / (1 + exp(-x))``; ``1 + exp(-x)`` is kept for the division. ``x @ W + b``: raw scores still."""
        if isinstance(node.op, ast.Add) and isinstance(left, Tensor) and left.act == "linear" and \
                not isinstance(right, Tensor):
            return left
        if isinstance(node.op, ast.Add):
            term = right if _one(left) else left if _one(right) else None  # 1 + exp(-x) or exp(-x) + 1
            if isinstance(term, Tensor) and term.act == "exp_neg":
                return Tensor("one_plus_exp_neg", term.units, term.node, term.line, term.path, sized_by=term.sized_by)
            return None
        if not isinstance(node.op, ast.Div) or not isinstance(right, Tensor):
            return None
        if _one(left) and right.act == "one_plus_exp_neg":
            return Tensor("sigmoid", right.units, node, node.lineno, self.path, sized_by=right.sized_by)
        if isinstance(left, Tensor) and left.act == "exp" and right.act == "exp_sum":
            # exp(target_score) / exp(all_scores).sum(1) too: the softmax's value at the target
            return Tensor("softmax", left.units, node, node.lineno, self.path, sized_by=left.sized_by)
        return None


# Probabilities a guard keeps off 0 (`p + 1e-10`, `clip(p, 1e-7, 1)`, `(1 - p).clamp(min=eps)`).
GUARDABLE = frozenset({"softmax", "sigmoid", "one_minus_sigmoid"})
_LABEL_NAME = re.compile(r"(?:^|_)(?:y|labels?|one_?hot|targets?)(?:$|_)", re.IGNORECASE)


def unsized(value: Any) -> Any:
    """A tensor with its class axis unknown (after a reshape); anything else as it is."""
    if isinstance(value, Tensor):
        return value.reshaped()
    return value


def _one(value: Any) -> bool:
    """The number 1 (or 1.0) written out, not ``True``."""
    return isinstance(value, Const) and type(value.value) in (int, float) and value.value == 1


def _three_d(value: Any) -> bool:
    """Whether a tensor is the (N, C, L) output of a torch Conv1d, over which torch's softmax without ``dim``
    runs along dim 0 (it picks dim 1 only for 2-D and 4-D inputs)."""
    if not isinstance(value, Tensor) or not isinstance(value.node, ast.Call):
        return False
    func = value.node.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return name in ("Conv1d", "ConvTranspose1d", "LazyConv1d")


def _implicit_dim(node: Any) -> bool:
    return isinstance(node, ast.Call) and not node.args and not any(k.arg in ("dim", "axis") for k in node.keywords)


# Calls that draw a sample from scores or probabilities (text generation, RL policies): a log of probabilities
# that reaches one is a temperature rescaling, not a loss (tf.random.categorical, torch.multinomial, np.random.choice).
_SAMPLERS = frozenset({"categorical", "stateless_categorical", "multinomial", "choice", "Categorical",
                       "OneHotCategorical", "RelaxedOneHotCategorical", "gumbel_softmax"})


def sampling_logs(tree: ast.AST) -> set[int]:
    """The ``log(...)`` calls whose value reaches a sampler: inside its arguments (``categorical(log(p) / t)``), or
    through a name assigned from them that a sampler later in the same function (or module) reads
    (``scaled = log(p) / t`` ... ``categorical(scaled)``; ``preds = log(preds) / t`` ... ``multinomial(1, preds)``)."""
    found: set[int] = set()
    nodes = list(ast.walk(tree))
    if not any(isinstance(n, ast.Call) and _call_name(n) in _SAMPLERS for n in nodes):
        return found
    scopes = [n for n in nodes if isinstance(n, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef))]
    for scope in scopes:
        by_name: dict[str, list[tuple[int, ast.Call]]] = {}
        samplers: list[ast.Call] = []
        for node in ast.walk(scope):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                for log in _logs_in(node.value):
                    by_name.setdefault(node.targets[0].id, []).append((node.lineno, log))
            elif isinstance(node, ast.Call) and _call_name(node) in _SAMPLERS:
                samplers.append(node)
        for call in samplers:
            for arg in [*call.args, *(k.value for k in call.keywords)]:
                found.update(id(log) for log in _logs_in(arg))
                for name in (n.id for n in ast.walk(arg) if isinstance(n, ast.Name)):
                    found.update(id(log) for line, log in by_name.get(name, ()) if line <= call.lineno)
    return found


def entropy_logs(tree: ast.AST) -> set[int]:
    """The ``log(...)`` calls that need the probabilities themselves, where a guarded log is meant: times that
    probability (``p * log(p + 1e-8)``, ``p * (log(clip(p)) - log(clip(q)))``: an entropy, a divergence weighted by
    ``p``, the probability matched by its source text), and in a function that raises something to a power not
    written out (a focal or asymmetric loss, ``(1 - p) ** self.gamma * log(p.clamp(min=eps))``)."""
    found: set[int] = set()
    for function in ast.walk(tree):
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
                isinstance(n, ast.BinOp) and isinstance(n.op, ast.Pow) and not isinstance(n.right, ast.Constant) or
                isinstance(n, ast.Call) and _call_name(n) == "pow" and len(n.args) == 2 and
                not isinstance(n.args[1], ast.Constant) for n in ast.walk(function)):
            found.update(id(log) for log in _logs_in(function))
    for node in ast.walk(tree):
        if not isinstance(node, ast.BinOp) or not isinstance(node.op, ast.Mult):
            continue
        for side, other in ((node.left, node.right), (node.right, node.left)):
            weight = ast.unparse(other)
            found.update(id(log) for log in _logs_in(side) if log.args and _unguarded(log.args[0]) == weight or
                         not log.args and isinstance(log.func, ast.Attribute) and
                         _unguarded(log.func.value) == weight)
    return found


def _unguarded(node: ast.expr) -> str | None:
    """The source of what a guard keeps off 0: ``p`` of ``p + 1e-8``, ``clip(p, lo, hi)``, ``p.clamp_min(lo)``."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return ast.unparse(node.left)
    if isinstance(node, ast.Call) and _call_name(node) in ("clamp", "clip", "clamp_min", "clip_by_value"):
        receiver = ast.unparse(node.func.value) if isinstance(node.func, ast.Attribute) else ""
        if receiver in _MODULES or not receiver:  # torch.clamp(p, ...), np.clip(p, ...)
            return ast.unparse(node.args[0]) if node.args else None
        return receiver  # p.clamp_min(1e-12)
    return None


_MODULES = frozenset({"torch", "tf", "tensorflow", "tf.math", "np", "numpy", "K", "ops", "keras.ops", "keras.backend"})


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _logs_in(node: ast.AST) -> list[ast.Call]:
    return [n for n in ast.walk(node) if isinstance(n, ast.Call) and _call_name(n) == "log"]
