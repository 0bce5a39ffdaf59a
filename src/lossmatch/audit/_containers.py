"""Containers: what unpacking, indexing and building lists and dicts of values give (tuples of outputs, lists of
models or of a parameter's items, registries and per-output loss dicts, one-hot rows of ``np.eye(n)[y]``).

A mixin of :class:`lossmatch.audit._interp.Interpreter`.
"""

from __future__ import annotations

import ast
from typing import Any

from lossmatch.audit._values import (
    Const,
    Dataset,
    Eye,
    Klass,
    Labels,
    Layer,
    LossValue,
    Model,
    Opaque,
    OpaqueOut,
    Pack,
    Ref,
    Scope,
    Tensor,
    join,
)

_MAX_UNROLLED = 32  # layers of a list a forward loop applies one by one


class Containers:
    """Unpacking, subscripts, list comprehensions and dict literals (mixed into the interpreter)."""

    facts: Any

    def unpack(self, value: Any, n: int) -> list[Any]:
        if isinstance(value, Pack) and len(value.items) == n:
            return list(value.items)
        if isinstance(value, OpaqueOut):
            return [value.then("item", i) for i in range(n)]
        if isinstance(value, Opaque) and value.item(0) is not None:  # seg_in, edge_in = inputs (a parameter)
            return [value.item(i) for i in range(n)]
        if isinstance(value, Dataset):
            labels = Labels(value.fmt, value.classes, value.evidence)
            if n == 2:  # (x_train, y_train), (x_test, y_test) = mnist.load_data(); X, y = load_iris(...)
                half = Pack((None, labels))
                return [half, half] if value.name.endswith("load_data") else [None, labels]
        return [None] * n

    def subscript(self, owner: Any, key: Any) -> Any:
        if isinstance(owner, Labels):
            return owner
        if isinstance(owner, Eye):  # np.eye(n)[y]: one-hot rows
            evidence = f"{self.describe(owner.node)}[...] (one-hot{f', {owner.size} classes' if owner.size else ''})"
            self.facts.single_label.append(evidence)
            self.facts.single_classes.append(owner.size)
            return Labels("one_hot", owner.size, evidence)
        index = key.value if isinstance(key, Const) else None
        if isinstance(owner, Pack) and owner.repeated:  # models[k] of [Net() for _ in range(5)]
            return owner.items[0]
        if isinstance(owner, Pack) and isinstance(index, int) and -len(owner.items) <= index < len(owner.items):
            return owner.items[index]
        if isinstance(owner, Pack) and not isinstance(key, (Const, Pack)):  # preds[i] after preds.append(...)
            return _common_item(owner)
        if isinstance(owner, Tensor):  # probs[mask], probs[:, 0, :]: the same activation, the class axis unknown
            return owner.reshaped()
        if isinstance(owner, OpaqueOut) and isinstance(index, (int, str)):
            return owner.then("item" if isinstance(index, int) else "key", index)
        if isinstance(owner, OpaqueOut):  # output[idx_train], output[mask], output[:, 0]: rows of the same output
            return owner.then("shape")
        if isinstance(owner, Opaque) and type(index) is int and owner.item(index) is not None:
            return owner.item(index)  # inputs[1], a parameter's item
        if isinstance(owner, Opaque) and owner.hole is not None and not owner.classes and isinstance(index, str):
            return OpaqueOut(owner, (("key", index),))  # def loss(self, output, batch): output["exist"], a head's
        if isinstance(owner, Opaque) and owner.hole is not None and not owner.classes and not isinstance(key, Const):
            return owner  # classes[:, 0, :], scores[mask]: a slice of the parameter's tensor, its activation kept
        if isinstance(owner, dict):
            return self.select(owner, key)
        return None

    def list_comprehension(self, node: ast.ListComp, scope: Scope) -> Pack | None:
        """``[nn.Sequential(..., nn.Softmax(dim=1)) for _ in range(5)]``: shadow models, an ensemble, k folds; a
        list of the one model (layer, loss) its element builds, each of whose items is that model."""
        generator = node.generators[0]
        self.expr(generator.iter, scope)
        inner = Scope(scope)
        self.assign(generator.target, None, inner)
        for test in generator.ifs:
            self.expr(test, inner)
        value = self.expr(node.elt, inner)
        return Pack((value,), repeated=True) if isinstance(value, (Model, Layer, LossValue)) else None

    def dict_literal(self, node: ast.Dict, scope: Scope) -> dict[Any, Any] | None:
        """A dict with constant keys (a per-output loss dict, a model registry); anything else is unknown."""
        out: dict[Any, Any] | None = {}
        for key_node, value_node in zip(node.keys, node.values):
            value = self.expr(value_node, scope)
            key = self.expr(key_node, scope) if key_node is not None else None
            if isinstance(value, Klass):
                self._note_construction(value.name)  # a registry entry: built from it later
            elif isinstance(value, Ref) and value.name.rsplit(".", 1)[-1][:1].isupper():
                self._note_construction(value.name.rsplit(".", 1)[-1])
            if out is not None and isinstance(key, Const) and isinstance(key.value, (str, int)):
                out[key.value] = value
            else:
                out = None
        return out


def _common_item(pack: Pack) -> Any:
    """What the items of a list have in common (``for r, prob in self.data:``, ``preds[i]``, after
    ``preds.append(...)``); a parameter's placeholder, appended when a method was read with no call, is none."""
    items = [i for i in pack.items if not (isinstance(i, Opaque) and i.hole and not i.candidates)]
    if not 0 < len(items) <= _MAX_UNROLLED:
        return None
    item = items[0]
    for other in items[1:]:
        item = join(item, other)
    return item
