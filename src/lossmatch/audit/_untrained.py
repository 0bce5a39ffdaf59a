"""Keras ``compile()`` calls whose model the file never trains with that loss.

A GAN script compiles its generator with a loss it never uses (the generator is trained through the combined
model), and a weight-dump script compiles a model only so that ``load_weights`` works. Judging those compiles
reports a loss no training step ever computes. A compile is set aside when the model it configures, a plain
name or ``self.name``:

- is never trained or evaluated in the file (no ``fit``, ``fit_generator``, ``train_on_batch``,
  ``test_on_batch`` or ``evaluate`` on it), and
- never leaves the file's hands (never returned, passed to a call, put in a container or bound to another
  name: it is only called, and its own methods are), unless it is passed to build a model the file trains
  (``d_on_g = generator_containing_discriminator(g, d)``, ``gan = Sequential([g, d])``), and
- either the file trains another model, or it loads this one's weights.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

_TRAINING = frozenset({"fit", "fit_generator", "train_on_batch", "test_on_batch", "evaluate", "evaluate_generator"})


def untrained_compiles(tree: ast.AST) -> set[int]:
    """The ids of the ``compile(...)`` call nodes of ``tree`` that configure a loss the file never trains."""
    compiles: dict[str, list[ast.Call]] = {}
    trained: set[str] = set()
    loaded: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            key = _key(node.func.value)
            if key is None:
                continue
            if node.func.attr == "compile":
                compiles.setdefault(key, []).append(node)
            elif node.func.attr in _TRAINING:
                trained.add(key)
            elif node.func.attr == "load_weights":
                loaded.add(key)
    candidates = {key for key in compiles if key not in trained and (trained or key in loaded)}
    if not candidates:
        return set()
    escaping = _escaping(tree, candidates, trained)
    return {id(call) for key in candidates - escaping for call in compiles[key]}


def _key(node: ast.expr) -> str | None:
    """``model`` or ``self.model``; anything else is not followed."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
        return f"self.{node.attr}"
    return None


def _escaping(tree: ast.AST, keys: set[str], trained: set[str]) -> set[str]:
    """The keys read anywhere other than as the receiver of an attribute (``model.predict``), as the function
    of a call (``model(x)``) or as a part of a model the file trains (an argument of the call that builds it):
    returned, passed, stored or aliased, so another file may train them."""
    allowed: set[int] = set()  # the ids of the key nodes read in an allowed place
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            allowed.add(id(node.value))
        elif isinstance(node, ast.Call):
            allowed.add(id(node.func))
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and \
                any(_key(target) in trained for target in node.targets):
            for arg in [*node.value.args, *(k.value for k in node.value.keywords)]:
                parts = arg.elts if isinstance(arg, (ast.List, ast.Tuple)) else [arg]
                allowed.update(id(part) for part in parts)
    out = set()
    for node, shadowed in _walk(tree, frozenset()):
        key = _key(node) if isinstance(node, (ast.Name, ast.Attribute)) else None
        if key in keys and key not in shadowed and isinstance(node.ctx, ast.Load) and id(node) not in allowed:
            out.add(key)
    return out


def _walk(node: ast.AST, shadowed: frozenset[str]) -> Iterator[tuple[ast.AST, frozenset[str]]]:
    """Every node under ``node``, with the names a function's parameters shadow there: ``g`` inside
    ``def stack(g, d): model.add(g)`` is that function's own ``g``, not the model the file compiles."""
    todo = [(node, shadowed)]
    while todo:  # iterative: a deeply nested expression must not exhaust the stack
        node, shadowed = todo.pop()
        yield node, shadowed
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            arguments = node.args
            shadowed = shadowed | {a.arg for a in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]}
        todo.extend((child, shadowed) for child in ast.iter_child_nodes(node))
