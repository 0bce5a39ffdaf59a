"""The abstract values the static pass tracks: what a name holds, as far as the source says.

Anything the pass cannot tell is ``None`` (unknown); rules fire only on known values, so unknown code
produces no findings.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any

from lossmatch.audit.catalogue import LayerKind, LossEntry


@dataclass(frozen=True)
class Ref:
    """A module, function or class from an import, by canonical dotted name (``torch.nn.functional``)."""

    name: str


@dataclass(frozen=True)
class Const:
    value: Any


@dataclass(frozen=True)
class Tensor:
    """A model output or an activation of one: ``act`` is ``softmax``/``sigmoid``/``log_softmax``/... or
    ``unknown``; ``units`` the size of the class axis when known; ``node`` where it was made."""

    act: str
    units: int | None
    node: ast.AST = field(compare=False, repr=False)
    line: int = 0
    path: str = field(default="", compare=False, repr=False)


@dataclass(frozen=True)
class Layer:
    """A layer object (Keras layer, torch module) not yet applied: what it does to its input."""

    kind: LayerKind
    units: int | None
    act: str | None
    node: ast.AST = field(compare=False, repr=False)


@dataclass(eq=False)
class Site:
    """Where a loss meets a prediction: a Keras ``compile`` or a loss call. Judged after the whole file is
    read, when ``fit`` may have attached the labels."""

    loss: LossEntry
    pred: Tensor | None
    labels: Labels | None
    metrics: tuple[str, ...] | None
    node: ast.AST
    loss_node: Any  # the loss argument, or the loss object called
    scope_key: str = ""


@dataclass(frozen=True)
class Model:
    """A model: calling it gives ``out``."""

    out: Tensor | None
    name: str


@dataclass(frozen=True)
class LossValue:
    """A loss object (``nn.CrossEntropyLoss()``, ``keras.losses.X(from_logits=True)``) or loss function."""

    entry: LossEntry
    node: ast.AST = field(compare=False, repr=False)
    path: str = field(default="", compare=False, repr=False)


@dataclass(frozen=True)
class Labels:
    """Targets whose format the source reveals: ``one_hot``, ``index`` or ``multi_hot``."""

    fmt: str
    classes: int | None
    evidence: str


@dataclass(frozen=True)
class Dataset:
    """``mnist.load_data()`` and friends: unpacking gives index labels."""

    name: str
    classes: int | None
    evidence: str


@dataclass(frozen=True)
class Encoder:
    """A scikit-learn label transformer (``MultiLabelBinarizer()``): ``fit_transform`` gives ``fmt`` labels."""

    fmt: str
    evidence: str


@dataclass(frozen=True)
class Function:
    """A function defined in the audited code, evaluated at its calls with the arguments bound."""

    node: ast.FunctionDef | ast.AsyncFunctionDef = field(compare=False, repr=False)
    env: Any = field(compare=False, repr=False)
    bound_self: Any = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Returns:
    """A function imported from another audited module: its result when called."""

    value: Any


@dataclass(frozen=True)
class Klass:
    """A class defined in the audited code; instances of model classes are :class:`Model`."""

    name: str
    model: Model | None
    attrs: Any = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Pack:
    """A tuple or list literal of values (for unpacking and Sequential layer lists)."""

    items: tuple[Any, ...]


def join(a: Any, b: Any) -> Any:
    """The value of a name after two branches: equal values stay, anything else becomes unknown."""
    if a == b:
        return a
    if isinstance(a, Tensor) and isinstance(b, Tensor) and a.act == b.act:
        return Tensor(a.act, a.units if a.units == b.units else None, a.node, a.line, a.path)
    return None
