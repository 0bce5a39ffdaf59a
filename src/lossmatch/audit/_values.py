"""The abstract values the static pass tracks: what a name holds, as far as the source says.

Anything the pass cannot tell is ``None`` (unknown); rules fire only on known values, so unknown code
produces no findings.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field, replace
from typing import Any

from lossmatch.audit.catalogue import LayerKind, LossEntry

EITHER = "sigmoid or softmax"  # the activation of an output that branches give one or the other
EITHER_PROBABILITIES = frozenset({"sigmoid", "softmax", EITHER})
SPECIAL_METHODS = ("__init__", "build", "forward", "call", "__call__")  # what builds a model and what runs it


@dataclass(frozen=True)
class Ref:
    """A module, function or class from an import, by canonical dotted name (``torch.nn.functional``)."""

    name: str


@dataclass(frozen=True)
class Const:
    value: Any
    # an int parameter's default, read with no call (`def __init__(self, num_classes=1)`): a call may give another
    default_of: tuple[str, int, str] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Tensor:
    """A model output or an activation of one: ``act`` is ``softmax``/``sigmoid``/``log_softmax``/... or
    ``unknown``; ``units`` the size of the class axis when known; ``node`` where it was made."""

    act: str
    units: int | None
    node: ast.AST = field(compare=False, repr=False)
    line: int = 0
    path: str = field(default="", compare=False, repr=False)
    name: str | None = field(default=None, compare=False)  # a Keras layer's name= (keys a per-output loss dict)
    units_from: tuple[str, int, str] | None = field(default=None, compare=False)  # the parameter giving ``units``
    sized_by: str | None = field(default=None, compare=False)  # the expression giving ``units``, when not known
    # the activation is applied on one branch only (``if self.reward_token_ids is not None: x = x.softmax(-1)``):
    # the condition, as the evidence says it; a loss on it is judged as a warning naming it
    when: str | None = field(default=None, compare=False)
    # the activation is applied to a model output this file cannot see (``torch.sigmoid(net(x))``, ``net`` from
    # another file): that output, for the project pass to find the same activation twice (LM005)
    over: Any = field(default=None, compare=False, repr=False)
    doubled: str | None = field(default=None, compare=False)  # the inner activation of two, found so
    masked: bool = field(default=False, compare=False)  # times a mask or one-hot rows (see Activations.masked)
    # probabilities kept off 0 (``p + 1e-10``, ``clip(p, 1e-7, 1)``): the guard as written, for a log's evidence
    guard: str | None = field(default=None, compare=False)

    def reshaped(self) -> Tensor:
        """The same activation after a reshape, an index or a slice: the class axis and the layer's name are lost;
        the condition, the model output it was applied to and the activation under it stay."""
        return replace(self, units=None, name=None, units_from=None, sized_by=None)


@dataclass(frozen=True)
class Layer:
    """A layer object (Keras layer, torch module) not yet applied: what it does to its input."""

    kind: LayerKind
    units: int | None
    act: str | None
    node: ast.AST = field(compare=False, repr=False)
    name: str | None = field(default=None, compare=False)
    units_from: tuple[str, int, str] | None = field(default=None, compare=False)
    sized_by: str | None = field(default=None, compare=False)


Hole = tuple[str, int, str]
"""A parameter of a function defined in the audited code: (path, line of the ``def``, parameter name)."""
ANY_CLASS = "<any class>"
"""The path of a hole that stands for a constructor parameter of whichever class a call picks at run time."""


@dataclass(frozen=True)
class Opaque:
    """A value the file does not pin down that may be a model or a loss: a parameter (``hole``), an
    attribute set from one, or the result of a factory; ``candidates`` are the models it may be when the
    source lists them (branches of a factory, a registry dict)."""

    origin: str
    hole: Hole | None = None
    candidates: tuple[Any, ...] = field(default=(), compare=False)
    classes: bool = False  # a class to instantiate (``getattr(models, name)``, ``MODELS[name]``), not a model
    default: Any = field(default=None, compare=False)  # a parameter's default loss, for calls that omit it
    # per candidate, the arms of undecided ifs that chose it: ((test as written, 0 or 1), ...)
    arms: tuple[tuple[tuple[str, int], ...], ...] = field(default=(), compare=False)
    # a parameter handed on to another function's under these arms (`if args.model == "lsap": LSAPTrainer(model)`)
    under: tuple[tuple[str, int], ...] = field(default=(), compare=False)

    def arms_of(self, model: Any) -> tuple[tuple[str, int], ...]:
        """The arms that chose one of the candidates (none known: empty)."""
        if len(self.arms) != len(self.candidates) or model not in self.candidates:
            return ()
        return self.arms[self.candidates.index(model)]

    def under_arms(self, arms: tuple[tuple[str, int], ...]) -> Opaque:
        """The candidates the same tests (as written) choose on these arms: a factory's branches on
        ``args.model`` seen from a trainer picked by branches on ``args.model`` too."""
        if not arms or len(self.arms) != len(self.candidates):
            return self
        kept = [(m, path) for m, path in zip(self.candidates, self.arms)
                if not any(test == other and arm != side for test, arm in path for other, side in arms)]
        if not kept or len(kept) == len(self.candidates):
            return self
        return Opaque(self.origin, self.hole, tuple(m for m, _ in kept), self.classes, self.default,
                      tuple(path for _, path in kept))

    def instance(self) -> Opaque:
        return Opaque(self.origin, self.hole, self.candidates)

    def item(self, index: int) -> Opaque | None:
        """Item ``index`` of a parameter (``seg_in, edge_in = inputs``, ``inputs[1]`` in a loss class): a parameter
        of its own, ``inputs[1]``, that no call binds and no model is looked up for; a loss applied to it is
        applied to that item of what a call passes (see :func:`item_of`)."""
        if self.hole is None or self.classes or self.candidates or item_hole(self.hole) is not None:
            return None
        path, line, name = self.hole
        return Opaque(f"{self.origin}[{index}]", (path, line, f"{name}[{index}]"))


@dataclass(frozen=True)
class OpaqueOut:
    """The output of calling an :class:`Opaque` value; ``steps`` replay what the code did to it since
    (``("item", i)`` for ``out[i]`` or unpacking, ``("shape",)`` for a reshape)."""

    source: Opaque
    steps: tuple[tuple[Any, ...], ...] = ()
    node: ast.AST | None = field(default=None, compare=False, repr=False)

    def then(self, *step: Any) -> OpaqueOut:
        return OpaqueOut(self.source, (*self.steps, step), self.node)


@dataclass(eq=False)
class Site:
    """Where a loss meets a prediction: a Keras ``compile`` or a loss call. Judged after the whole file is
    read, when ``fit`` may have attached the labels. An open site (``open_pred`` or ``open_loss`` set) is
    judged by the project pass, once the models and losses its holes may hold are known."""

    loss: LossEntry | None
    pred: Tensor | None
    labels: Labels | None
    metrics: tuple[str, ...] | None
    node: ast.AST
    loss_node: Any  # the loss argument, or the loss object called (a description string once rendered)
    scope_key: str = ""
    open_pred: OpaqueOut | None = None
    open_loss: Opaque | None = None
    args: tuple[Any, ...] = ()  # an open loss: the call's positional arguments
    kwargs: tuple[tuple[str, Any], ...] = ()
    choice: tuple[str, ...] = ()  # the losses the code chooses between, when this site's loss is one of them
    path: str = ""  # the file of a Keras compile (a model compiled in one file may be fitted in another)
    swapped: bool = False  # the call passes the output in the target's place and labels in the prediction's


@dataclass(frozen=True)
class Model:
    """A model: calling it gives ``out`` (a :class:`Tensor`, a :class:`Pack` of outputs, an
    :class:`OpaqueOut` when it returns what a parameter gives, or ``None``)."""

    out: Any
    name: str
    node: ast.AST | None = field(default=None, compare=False, repr=False)
    path: str = field(default="", compare=False, repr=False)
    methods: Any = field(default=None, compare=False, repr=False)  # name -> (params, (path, line)) for bindings
    compiled: tuple[Site, ...] = field(default=(), compare=False, repr=False)  # Keras compile()s it has had
    # the losses its class keeps as attributes (`self.loss = nn.BCEWithLogitsLoss()`), for `head.loss(head(x), y)`
    losses: Any = field(default=None, compare=False, repr=False)
    # the instance its class was read with: its own methods (`model.pi(s)`, an actor-critic's policy head) run on it
    instance: Any = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class LossValue:
    """A loss object (``nn.CrossEntropyLoss()``, ``keras.losses.X(from_logits=True)``) or loss function."""

    entry: LossEntry
    node: ast.AST = field(compare=False, repr=False)
    path: str = field(default="", compare=False, repr=False)
    # a loss class or function of the user's that applies several library losses to its parameters (a label term
    # and a segmentation term): the others, each judged at a call as ``entry`` is
    more: tuple[LossEntry, ...] = field(default=(), compare=False, repr=False)

    @property
    def entries(self) -> tuple[LossEntry, ...]:
        return (self.entry, *self.more)


@dataclass(frozen=True)
class OtherLoss:
    """A loss object that is not a cross-entropy (``nn.MSELoss()``): nothing to judge, an option of a choice."""

    name: str
    node: ast.AST = field(compare=False, repr=False)
    path: str = field(default="", compare=False, repr=False)


@dataclass(frozen=True)
class Losses:
    """One of several loss objects, chosen by branches (``if n_classes > 1: CE() else: BCEWithLogits()``):
    calling it is a loss site for each, judged as a warning that names the choice. ``others``: the options
    that are not cross-entropies (``nn.MSELoss()``), named in the choice, not judged."""

    options: tuple[LossValue, ...]
    others: tuple[OtherLoss, ...] = ()


@dataclass(frozen=True)
class Labels:
    """Targets whose format the source reveals: ``one_hot``, ``index`` or ``multi_hot``."""

    fmt: str
    classes: int | None
    evidence: str


@dataclass(frozen=True)
class Batches:
    """A data generator or ``tf.data`` dataset that yields ``(x, y)`` with ``labels`` in a known format."""

    labels: Labels


@dataclass(frozen=True)
class Dataset:
    """``mnist.load_data()`` and friends: unpacking gives index labels (``fmt`` labels for a generated one)."""

    name: str
    classes: int | None
    evidence: str
    fmt: str = "index"


@dataclass(frozen=True)
class Encoder:
    """A scikit-learn label transformer (``MultiLabelBinarizer()``): ``fit_transform`` gives ``fmt`` labels.
    ``features``: also made for input features (``OneHotEncoder``), so labels only where applied to labels."""

    fmt: str
    evidence: str
    features: bool = False


@dataclass(frozen=True)
class Function:
    """A function defined in the audited code, evaluated at its calls with the arguments bound."""

    node: ast.FunctionDef | ast.AsyncFunctionDef = field(compare=False, repr=False)
    env: Any = field(compare=False, repr=False)
    bound_self: Any = field(default=None, compare=False, repr=False)
    # where its defaults are read: a method's class body (`def __init__(self, loss=loss)` names a class attribute)
    defaults_env: Any = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Returns:
    """A function imported from another audited module: its result when called; ``params`` and ``hole``
    (path and line of its ``def``) let a call bind models and losses to its parameters; ``loss`` when it
    applies a library loss to its own parameters."""

    value: Any
    params: tuple[str, ...] = ()
    hole: tuple[str, int] | None = None
    loss: Any = None
    # a True/False parameter that picks the model it returns (``build(shape, is_policy_net=True)``):
    # (its name, its position, {True: result, False: result}), for a call that passes the flag
    switches: tuple[tuple[str, int, Any], ...] = field(default=(), compare=False, repr=False)

    def called(self, args: list[Any], kwargs: dict[str, Any]) -> Any:
        """The result of a call: the one a True/False argument picks, else the result read on its own."""
        for name, position, table in self.switches:
            given = kwargs.get(name, args[position] if position < len(args) else None)
            if isinstance(given, Const) and type(given.value) is bool and given.default_of is None:
                return table[given.value]
        return self.value


@dataclass(frozen=True)
class Klass:
    """A class defined in the audited code; instances of model classes are :class:`Model`, of loss classes
    (a ``forward``/``call`` that applies a library loss to its parameters) :class:`LossValue`."""

    name: str
    model: Model | None
    attrs: Any = field(default=None, compare=False, repr=False)
    params: tuple[str, ...] = ()  # of __init__, after self
    hole: tuple[str, int] | None = None  # (path, line of __init__)
    loss: LossValue | None = None
    methods: Any = field(default=None, compare=False, repr=False)  # name -> (params, hole) for bindings
    bases: tuple[str, ...] = field(default=(), compare=False)  # the names of its base classes, as written
    # its methods, own and inherited from a base class of the same file, for a subclass to run on its own self
    functions: Any = field(default=None, compare=False, repr=False)
    # the ``class`` statement and the scope it was read in, to read it again with a call's arguments
    source: Any = field(default=None, compare=False, repr=False)


SELF = "self"  # the name in the hole of a model class that has no forward: its subclasses give its output


@dataclass(frozen=True)
class Obj:
    """An instance of a non-model class defined in the audited code (a Trainer): its methods bind
    arguments to their parameters."""

    klass: Klass


@dataclass(frozen=True)
class Weight:
    """A weight matrix the code writes out (``tf.Variable(tf.zeros([784, 10]))``, ``torch.randn(784, 10)``):
    ``size`` is its last dimension, the size of ``x @ W`` (None when not a constant)."""

    size: int | None


@dataclass(frozen=True)
class Eye:
    """``np.eye(n)``: indexing it with class indices gives one-hot rows."""

    size: int | None
    node: ast.AST = field(compare=False, repr=False)


@dataclass(frozen=True)
class Pack:
    """A tuple or list literal of values (for unpacking and Sequential layer lists); ``repeated``: a list
    comprehension's, as many of its one item as the code makes."""

    items: tuple[Any, ...]
    repeated: bool = False


class Instance:
    """``self`` inside a class body: attributes set in its methods, the model it is once known, and its
    methods (so ``self.helper(x)`` is evaluated with its arguments)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        self.attrs: dict[str, Any] = dict(attrs or {})
        self.model: Model | None = None
        self.methods: dict[str, Function] = {}
        self.missed: set[str] = set()  # attributes read before any method had set them


class Scope:
    def __init__(self, parent: Scope | None = None, *, shared: bool = False) -> None:
        self.vars: dict[str, Any] = {}
        self.parent = parent
        # a class's methods' common scope: what one hook sets on a parameter (`pl_module.probe = Probe()`)
        # another hook reads through its parameter of the same name
        self.shared = shared

    def lookup(self, name: str) -> tuple[bool, Any]:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.vars:
                return True, scope.vars[name]
            scope = scope.parent
        return False, None


def item_hole(hole: Hole | None) -> tuple[str, int] | None:
    """(parameter, index) of an item's hole (see :meth:`Opaque.item`); ``None`` for a parameter's own."""
    if hole is None or not hole[2].endswith("]") or "[" not in hole[2]:
        return None
    name, _, index = hole[2][:-1].partition("[")
    return name, int(index)


def item_of(value: Any, index: int | None) -> Any:
    """Item ``index`` of what a call passes to a loss that applies a library loss to that item of a parameter:
    of a tuple, of an output not pinned down, of a parameter; anything else (one tensor) is not followed."""
    if index is None:
        return value
    if isinstance(value, Pack):
        return value.items[index] if -len(value.items) <= index < len(value.items) else None
    if isinstance(value, OpaqueOut):
        return value.then("item", index)
    if isinstance(value, Opaque):
        return value.item(index)
    return value if isinstance(value, (Labels, Batches)) else None


def models_in(value: Any) -> tuple[Any, ...]:
    """The models a value may be: itself, or an :class:`Opaque` value's listed candidates."""
    if isinstance(value, Model):
        return (value,)
    if isinstance(value, Opaque):
        return value.candidates
    return ()


def join(a: Any, b: Any) -> Any:
    """The value of a name after two branches: equal values stay, two tensors with one activation stay a
    tensor of it, models become an :class:`Opaque` listing both; anything else becomes unknown."""
    if a == b and not (isinstance(a, Opaque) and a.candidates != b.candidates):  # two choices of other models
        return a
    if isinstance(a, Tensor) and isinstance(b, Tensor) and a.act == b.act:
        joined = a if a.units == b.units else a.reshaped()
        return replace(joined, name=a.name if a.name == b.name else None, over=a.over if a.over == b.over else None,
                       doubled=a.doubled if a.doubled == b.doubled else None,
                       when=a.when if a.when == b.when else a.when or b.when)
    if isinstance(a, Tensor) and isinstance(b, Tensor) and {a.act, b.act} <= EITHER_PROBABILITIES:
        # `x = sigmoid(x) if n <= 2 else softmax(x)`: probabilities either way
        return Tensor(EITHER, None, a.node, a.line, a.path)
    if isinstance(a, OpaqueOut) and isinstance(b, OpaqueOut) and a.source == b.source:
        items = tuple(step for step in a.steps if step[0] == "item")
        if items == tuple(step for step in b.steps if step[0] == "item"):  # `if ...: out = out.unsqueeze(0)`
            return OpaqueOut(a.source, (*items, ("shape",)), a.node)
    for loss, other in ((a, b), (b, a)):
        if isinstance(loss, (LossValue, Losses)) and other == Const(None):
            return loss  # `self.criterion = build() if loss_type else None`: called, it is the loss
        if isinstance(loss, (LossValue, Losses, OtherLoss)) and isinstance(other, Model) and other.node is not None:
            # `criterion = nn.BCEWithLogitsLoss() if kind == "CL" else BPRLoss()`: a loss class of the user's,
            # an option that is not judged
            return join(loss, OtherLoss(f"{other.name}()", other.node, other.path))
    if isinstance(a, (LossValue, Losses, OtherLoss)) and isinstance(b, (LossValue, Losses, OtherLoss)):
        options = tuple(dict.fromkeys(o for v in (a, b) for o in (v.options if isinstance(v, Losses) else (v,))
                                      if isinstance(o, LossValue)))
        others = tuple(dict.fromkeys(o for v in (a, b) for o in (v.others if isinstance(v, Losses) else (v,))
                                     if isinstance(o, OtherLoss)))
        return Losses(options, others) if len(options) + len(others) > 1 else (options or others)[0]
    left, right = models_in(a), models_in(b)
    if left and right:
        merged = left + tuple(m for m in right if m not in left)
        return Opaque("the model the branches choose", None, merged)
    if left and b is None or right and a is None:
        # `if name == "att": net = AttNet() elif name == "dmrn": net = DMRNet()` with DMRNet from a module not
        # audited: one of the models the code lists, the other one unknown (a mismatch of the first is a warning)
        known = left or right
        return Opaque("the model the branches choose", None, known + (UNKNOWN_MODEL,) if UNKNOWN_MODEL not in known else known)
    return None


UNKNOWN_MODEL = Const("a value the audit cannot follow")  # a candidate model of a join that is not known
