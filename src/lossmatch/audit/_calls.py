"""Calls: what calling a value gives (a model's output, a loss site, a layer applied) and imported framework
names; methods of the values the interpreter tracks are in :mod:`lossmatch.audit._methods`.

A mixin of :class:`lossmatch.audit._interp.Interpreter`; functions and classes of the audited code are
evaluated by :mod:`lossmatch.audit._functions`.
"""

from __future__ import annotations

import ast
from typing import Any

from lossmatch.audit import catalogue as cat
from lossmatch.audit._activations import unsized
from lossmatch.audit._frameworks import _activation, _arg, _int, _source
from lossmatch.audit._values import (
    ANY_CLASS,
    Const,
    Encoder,
    Eye,
    Function,
    Instance,
    Klass,
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
    Weight,
    item_hole,
)

_LIBRARY_ROOTS = frozenset({"torch", "tensorflow", "keras", "numpy", "sklearn", "jax", "flax", "optax",
                            "torchvision", "lightning", "pytorch_lightning", "tflearn", "pandas", "scipy"})


def _unseen(callee: Any) -> bool:
    """A function whose body the audit cannot read: not defined in the audited code, not a library's."""
    if callee is None:
        return True
    return isinstance(callee, Ref) and callee.name.split(".", 1)[0] not in _LIBRARY_ROOTS and \
        cat.classify(callee.name)[0] == "other"


class Calls:
    """Calls and methods (mixed into the interpreter)."""

    path: str
    sites: list[Site]
    compile_sites: dict[str, list[Site]]

    # ------------------------------------------------------------------------------------ calls
    def call(self, node: ast.Call, scope: Scope) -> Any:
        func = node.func
        inherited = self._inherited(func)
        receiver = self.expr(func.value, scope) if isinstance(func, ast.Attribute) and inherited is None else None
        args = [self.expr(a.value if isinstance(a, ast.Starred) else a, scope) for a in node.args]
        kwargs = {k.arg: self.expr(k.value, scope) for k in node.keywords if k.arg is not None}
        for k in node.keywords:
            if k.arg is None:
                self.expr(k.value, scope)
        if inherited is not None:  # super().__init__(nn.LazyLinear(1), nn.Sigmoid()): the base's method, on this self
            return self.inline(Function(inherited.node, inherited.env, self._frames[-1].function.bound_self,
                                        inherited.defaults_env), args,
                               kwargs, node)
        if isinstance(func, ast.Attribute) and not isinstance(receiver, Ref):
            return self.method(node, func, receiver, args, kwargs, scope)
        if isinstance(func, ast.Attribute):
            callee = self.ref(f"{receiver.name}.{func.attr}")
        else:
            callee = self.expr(func, scope)
        result = self.call_value(callee, node, args, kwargs)
        if result is None and args and isinstance(args[0], Model) and _unseen(callee):
            return args[0]  # make_parallel(model, gpus), a helper the audit cannot see: the model, wrapped
        return result

    def _inherited(self, func: ast.expr) -> Function | None:
        """The base class's method a ``super().name(...)`` call in a method runs, when the audit has it."""
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call) and isinstance(func.value.func, ast.Name)
                and func.value.func.id == "super" and self._super_methods and self._frames
                and self._frames[-1].function.bound_self is not None):
            return None
        return self._super_methods[-1].get(func.attr)

    def call_value(self, callee: Any, node: ast.Call, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if isinstance(callee, Ref):
            return self.call_ref(node, callee.name, args, kwargs)
        if isinstance(callee, Layer):
            return self.apply(callee, _arg(args, kwargs, 0, "inputs"), node)
        if isinstance(callee, Model):
            return self.model_call(callee, node, args, kwargs)
        if isinstance(callee, Instance):
            return callee.model.out if callee.model is not None else None
        if isinstance(callee, Klass):
            self._note_construction(callee.name)
            self.bind_call((callee.params, callee.hole), args, kwargs, node)
            layer = self.user_layer(callee, node, args, kwargs) if callee.model is None or callee.model.out is None \
                else None  # a layer class (its own output unknown) made with activation="softmax"
            return _switched(callee, args, kwargs) or layer or self.instantiate(callee, args, kwargs) or Obj(callee)
        if isinstance(callee, Function):
            return self.inline(callee, args, kwargs, node)
        if isinstance(callee, Returns):
            self.bind_call((callee.params, callee.hole), args, kwargs, node)
            if callee.loss is not None and (args or kwargs):
                # a loss helper of another audited file (`partial_losses(model(x), y)`): its library losses, on
                # what this call gives them (a tensor is bound to no parameter, so its own site stays open). The
                # helper may reshape what it gets, so the activation is judged, the class axis left unknown.
                sized = [unsized(a) for a in args], {k: unsized(v) for k, v in kwargs.items()}
                for entry in callee.loss.entries:
                    self.loss_call(node, entry, callee.loss, *sized)
            return callee.loss or callee.called(args, kwargs)
        if isinstance(callee, LossValue):
            for entry in callee.entries:
                self.loss_call(node, entry, callee, args, kwargs)
            return None
        if isinstance(callee, Opaque):
            return self.opaque_call(callee, node, args, kwargs)
        if isinstance(callee, Losses):
            self.loss_choice(callee, node, args, kwargs)
        if isinstance(callee, Const) and callee.value is None and callee.default_of is not None:
            # `self.criterion(outputs, gts)` with `criterion=None` the constructor's default: the loss a call of
            # the class gives, judged by the project pass as for any parameter called
            self.opaque_call(Opaque(f"parameter `{callee.default_of[2]}`", callee.default_of), node, args, kwargs)
        return None

    def user_layer(self, klass: Klass, node: ast.Call, args: list[Any], kwargs: dict[str, Any]) -> Layer | None:
        """A layer class of the audited code that takes ``activation=`` (a weight-normalised ``Dense``): a
        layer with that activation and its ``units``."""
        params = klass.params
        if "activation" not in params:
            return None
        given = _arg(args, kwargs, params.index("activation"), "activation")
        act = _activation(given)
        if act not in cat.PROBABILITIES:
            return None
        size = next((p for p in ("units", "num_outputs", "out_features", "filters") if p in params), None)
        kind = cat.LayerKind(units_arg=(params.index(size), size) if size else None, activation=act)
        units = _int(_arg(args, kwargs, params.index(size), size)) if size else None
        return Layer(kind, units, act, node)

    def loss_choice(self, losses: Losses, node: ast.Call, args: list[Any], kwargs: dict[str, Any]) -> None:
        """A loss the code picks by branches: a site per option, each naming the others."""
        names = tuple(f"{option.entry.name if isinstance(option, LossValue) else option.name} ({self.describe(option)})"
                      for option in (*losses.options, *losses.others))
        pred = args[0] if args else None
        act = pred.act if isinstance(pred, Tensor) else None  # the option made for this activation speaks first
        for option in sorted(losses.options, key=lambda option: option.entry.activation != act):
            before = len(self.sites)
            entry = self.from_logits(option.entry, kwargs)  # a Keras loss function called with from_logits=
            if entry is not None:
                # a function applying one of several losses to its parameters (`if args.criterion == 'bce':
                # loss = BCELoss()` / `if ... == 'crossentropy': loss = CrossEntropyLoss()`, then `loss(pred, y)`)
                # applies none of them for sure: no use of its parameters is noted, so its callers are not judged
                # against each as if it were that one
                self.choosing += 1
                try:
                    self.loss_call(node, entry, option, args, kwargs)
                finally:
                    self.choosing -= 1
            for site in self.sites[before:]:
                site.choice = names

    def model_call(self, model: Model, node: ast.Call, args: list[Any], kwargs: dict[str, Any]) -> Any:
        """A model's output. When ``forward`` returns what one of its parameters gives (a head passed in),
        the output is what this call passes there."""
        signature = (model.methods or {}).get("__call__")
        if signature is None:
            return model.out
        self.bind_call(signature, args, kwargs, node)
        out = model.out
        if isinstance(out, OpaqueOut) and out.source.hole is not None and out.source.hole[:2] == signature[1]:
            params = signature[0]
            name = out.source.hole[2]
            given = kwargs.get(name, args[params.index(name)] if name in params and params.index(name) < len(args)
                               else None)
            if isinstance(given, Model) and not out.steps:
                return given.out
            if isinstance(given, Opaque):
                return OpaqueOut(given, out.steps, out.node)
        return out

    def opaque_call(self, callee: Opaque, node: ast.Call, args: list[Any], kwargs: dict[str, Any]) -> Any:
        """Calling a value the file does not pin down: a model's output, or a loss when the hole holds one."""
        if callee.classes:  # a class picked at run time (`getattr(mod, args.arch)(criterion=criterion)`)
            for name, value in kwargs.items():  # the loss its constructor takes (or a parameter handed on that
                # may hold one), whichever class it is
                if isinstance(value, (LossValue, Losses)) or isinstance(value, Opaque) and value.hole is not None \
                        and not value.classes and not value.candidates:
                    self.bind((ANY_CLASS, 0, name), self.handed_on(value), node)
            return callee.instance()
        if callee.hole is not None and len(args) + len(kwargs) >= 2:  # may be a loss: open on the loss side
            self.sites.append(Site(None, None, None, None, node, node, open_loss=callee, args=tuple(args),
                                   kwargs=tuple(kwargs.items())))
        if item_hole(callee.hole) is not None:  # an item of a parameter called: not a model output followed
            return None
        return OpaqueOut(callee, (), node)

    def call_ref(self, node: ast.Call, name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        kind, info = cat.classify(name)
        if kind == "other":
            if name in cat.OTHER_LOSSES:
                return OtherLoss(f"nn.{name[9:]}" if name.startswith("torch.") else name.rsplit(".", 1)[-1], node,
                                 self.path)
            if info:  # a capitalised name: a class, maybe a model the project defines
                self._note_construction(name.rsplit(".", 1)[-1])
            if name in cat.TF1_NAMES:
                self.facts.tf1 = self.facts.tf1 or name
            return None
        if kind == "loss":
            entry, is_class = info
            entry = self.from_logits(entry, kwargs)
            if entry is None:
                return None
            if is_class:
                return LossValue(entry, node, self.path)
            self.loss_call(node, entry, node, args, kwargs)
            return None
        if kind == "layer":
            return self.make_layer(node, info, args, kwargs, keras=name not in cat.ACTIVATION_MODULES
                                   and not name.startswith("torch."))
        if kind == "functional_layer":
            return self.functional_layer(node, info, args, kwargs)
        if kind == "layer_wrapper":
            inner = _arg(args, kwargs, 0, "layer")
            return inner if isinstance(inner, Layer) else None
        if kind == "sequential":
            return self.sequential(node, args, kwargs)
        if kind == "functional_model":
            outputs = _arg(args, kwargs, 1, "outputs")
            if isinstance(outputs, Pack) and len(outputs.items) == 1:
                outputs = outputs.items[0]
            return Model(outputs, "Model", node, self.path) if isinstance(outputs, (Tensor, Pack)) else None
        if kind == "activation":
            positional_dim = len(args) > 1 and not name.endswith("gumbel_softmax")
            return self.activation(node, info, _arg(args, kwargs, 0, "logits" if "gumbel" in name else "input"),
                                   kwargs.get("dim", kwargs.get("axis", args[1] if positional_dim else None)))
        if kind == "log":
            return self.log_of(node, _arg(args, kwargs, 0, "x"))
        if kind == "clip":
            return self.guarded(node, _arg(args, kwargs, 0, "input"))
        if kind == "exp":
            return self.exp_of(node, _arg(args, kwargs, 0, "input"))
        if kind == "sum":
            return self.sum_of(node, _arg(args, kwargs, 0, "input"))
        if kind == "reshape":
            return self.reshaped(_arg(args, kwargs, 0, "input"))
        if kind == "layer_list":  # nn.ModuleList(layers): the list, for `for layer in self.layers: x = layer(x)`
            given = _arg(args, kwargs, 0, "modules")
            return given if isinstance(given, Pack) else None
        if kind == "pretrained":  # torchvision.models.resnet18(num_classes=10): logits
            size = kwargs.get("num_classes")
            units = size.value if isinstance(size, Const) and type(size.value) is int else None
            return Model(Tensor("linear", units, node, node.lineno, self.path), f"{name}()", node, self.path,
                         {"__pretrained__": True})
        if kind == "segmentation_model":
            return self.segmentation_model(node, name, info, kwargs)
        if kind == "matmul":
            return self.mixture(node, _arg(args, kwargs, 0, "input"), _arg(args, kwargs, 1, "mat2"))
        if kind in ("weight", "weight_getter"):  # tf.zeros([784, 10]), torch.randn(784, 10), get_variable("W", [..])
            shape = kwargs.get("shape", args[1] if kind == "weight_getter" and len(args) > 1 else
                               args[0] if kind == "weight" and len(args) == 1 else Pack(tuple(args)))
            last = shape.items[-1] if isinstance(shape, Pack) and shape.items else None
            return Weight(_int(last))
        if kind == "weight_wrapper":  # tf.Variable(tf.zeros([784, 10])), nn.Parameter(torch.randn(784, 10))
            given = _arg(args, kwargs, 0, "initial_value" if name.startswith("tensorflow") else "data")
            return given if isinstance(given, Weight) else None
        if kind == "eye":
            size = _arg(args, kwargs, 0, "N")
            return Eye(size.value if isinstance(size, Const) and type(size.value) is int else None, node)
        if kind == "criterion_wrapper":
            return self.criterion_wrapper(node, args, kwargs) if "criterion" in kwargs else None
        if kind == "ordered_dict":
            if args and isinstance(args[0], Pack):
                return Pack(tuple(item.items[1] if isinstance(item, Pack) and len(item.items) == 2 else None
                                  for item in args[0].items))
            return None
        if kind == "copy":  # copy.deepcopy(model): the same model, layers and labels
            return args[0] if len(args) == 1 and not kwargs else None
        if kind == "model_wrapper":
            inner = _arg(args, kwargs, 0, "module")
            return inner if isinstance(inner, (Model, Opaque)) else None
        if kind == "getattr":
            if len(args) >= 2 and not isinstance(args[1], Const):
                return Opaque(f"getattr(..., {_source(node.args[1])})", classes=True)
            if len(args) == 2 and isinstance(args[0], Ref) and isinstance(args[1].value, str):
                return self.ref(f"{args[0].name}.{args[1].value}")  # getattr(module, "Net"): module.Net
            return None
        if kind == "import_module":  # importlib.import_module("models.unet"): as `import models.unet`
            given = args[0] if len(args) == 1 and not kwargs else None
            if isinstance(given, Const) and isinstance(given.value, str) and given.value[:1] not in ("", "."):
                self.imported_modules.add(given.value)
                return self.ref(given.value)
            return None
        if kind == "dict":  # dict(classes=5, activation="sigmoid"): as the literal {"classes": 5, ...}
            return dict(kwargs) if not args else None
        if kind == "enumerate":  # for k, model in enumerate(models): (index, item) pairs
            items = args[0].items if len(args) >= 1 and isinstance(args[0], Pack) else None
            return Pack(tuple(Pack((None, item)) for item in items), args[0].repeated) if items else None
        if kind == "zip":  # for model, opt in zip(models, optimizers): the items side by side
            packs = [a for a in args if isinstance(a, Pack)]  # a list the audit does not follow gives None items
            if not packs or kwargs:
                return None
            rows = [Pack(tuple((a.items[0] if a.repeated else a.items[i] if i < len(a.items) else None)
                               if isinstance(a, Pack) else None for a in args))
                    for i in range(max(len(a.items) for a in packs))]
            return Pack(tuple(rows), all(a.repeated for a in packs))
        if kind == "len":
            if len(args) == 1 and isinstance(args[0], (Pack, dict)) and not getattr(args[0], "repeated", False):
                return Const(len(args[0].items if isinstance(args[0], Pack) else args[0]))
            return None
        if kind == "encoder":
            return self.encode_labels(node, name, info, args, kwargs)
        if kind == "transformer":
            evidence = f"{self.describe(node)}"
            if name in cat.FEATURE_ENCODERS:  # evidence once applied to labels
                return Encoder(info, evidence, features=True)
            (self.facts.multi_label if info == "multi_hot" else self.facts.single_label).append(evidence)
            return Encoder(info, evidence)
        if kind == "split":
            return Pack(tuple(a for a in args for _ in range(2)))
        if kind == "directory":
            return self.directory_batches(node, info, kwargs)
        if kind == "generated_dataset":
            return self.generated_dataset(node, name, info, kwargs)
        return self.dataset(node, name, info)  # kind == "dataset"

    def segmentation_model(self, node: ast.Call, name: str, info: tuple[str | None, dict[str | None, str]],
                           kwargs: dict[str, Any]) -> Model | None:
        """``smp.Unet("resnet34", classes=1, activation="sigmoid")``: a model whose output holds what
        ``activation=`` names (the library's default when not given) over ``classes=`` channels (default 1).
        With smp's ``aux_params`` it returns (mask, label) and the label head's activation is ``aux_params``'."""
        default, acts = info

        def head(given: dict[str, Any], default: str | None, classes: Any) -> Tensor | None:
            """What a head built with these keywords holds: its activation= over its classes= channels."""
            named = given.get("activation", Const(default))
            act = acts.get(named.value) if isinstance(named, Const) and (named.value is None or
                                                                          isinstance(named.value, str)) else None
            return Tensor(act, _int(given.get("classes", classes)), node, node.lineno, self.path) if act else None

        out: Any = head(kwargs, default, Const(1))
        if out is None:
            return Model(None, f"{name}()", node, self.path)
        if "aux_params" in kwargs:
            aux = kwargs["aux_params"]
            out = Pack((out, head(aux, None, None) if isinstance(aux, dict) else None))
        return Model(out, f"{name}()", node, self.path)

    def _note_construction(self, name: str) -> None:
        inside_model = any(is_model for _, is_model in self._class_stack)
        (self.submodules if inside_model else self.constructed).add(name)


def _switched(klass: Klass, args: list[Any], kwargs: dict[str, Any]) -> LossValue | None:
    """The loss an instance of a user's loss class is. A class that takes ``from_logits`` switches between its
    library loss and code of its own (``if not self.from_logits: <BCE on probabilities>``): its library losses
    hold only where the call passes the flag that selects them."""
    loss = klass.loss
    if loss is None or "from_logits" not in klass.params:
        return loss
    given = _arg(args, kwargs, klass.params.index("from_logits"), "from_logits")
    flag = given.value if isinstance(given, Const) and type(given.value) is bool else None
    kept = tuple(e for e in loss.entries if flag is not None and (e.expects == "logits") == flag)
    if not kept:
        return None
    return LossValue(kept[0], loss.node, loss.path, kept[1:])


