"""Framework names the audit recognises: losses, activations, layers, label encoders and datasets.

This is the only place that spells Keras, tf.keras, TensorFlow 1 and PyTorch names. What a loss expects
(logits or probabilities, softmax or sigmoid family, index or one-hot targets) is read from
:data:`lossmatch.registry.REGISTRY` through the loss's lossmatch equivalent; only what the registry does not
hold (``NLLLoss`` takes log-probabilities; the probability form of the focal losses) is stated here.

Names are compared after :func:`canonical` has resolved import aliases, so ``tf.keras.losses.X``,
``tensorflow.python.keras.losses.X`` and ``keras.losses.X`` are one name.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from typing import Any, Literal

from lossmatch.registry import REGISTRY

__all__ = [
    "ACTIVATION_FUNCTIONS", "ACTIVATION_MODULES", "DATASETS", "DEFAULT_ALIASES", "KERAS_ACTIVATIONS",
    "LABEL_ENCODERS", "LossEntry", "canonical", "keras_layer", "loss_for_call", "loss_for_keras_name",
    "torch_layer",
]

Input = Literal["logits", "probs", "log_probs"]

# Import roots that are the same API under another name.
_ROOT_REWRITES = (
    ("tensorflow.compat.v1.", "tensorflow."),
    ("tensorflow.compat.v2.", "tensorflow."),
    ("tensorflow.python.keras.", "keras."),
    ("tensorflow.keras.", "keras."),
    ("tf_keras.", "keras."),
    ("keras.src.", "keras."),
    ("keras.api.", "keras."),
    ("torch.nn.modules.loss.", "torch.nn."),
    ("torch.nn.modules.activation.", "torch.nn."),
    ("torch.nn.modules.linear.", "torch.nn."),
    ("keras.layers.core.", "keras.layers."),
    ("keras.utils.np_utils.", "keras.utils."),
    ("keras.np_utils.", "keras.utils."),
    ("tensorflow.math.", "tensorflow."),
)

# Conventional names used without an import (notebook cells run after an import cell, snippets).
DEFAULT_ALIASES = {"tf": "tensorflow", "nn": "torch.nn", "F": "torch.nn.functional", "np": "numpy",
                   "K": "keras.backend"}


@functools.lru_cache(maxsize=4096)
def canonical(dotted: str) -> str:
    """``tensorflow.keras.layers.Dense`` -> ``keras.layers.Dense``; ``tensorflow.compat.v1.nn.x`` -> ``tensorflow.nn.x``;
    TF1 ``tensorflow.layers.Dense`` (a class, not the ``dense`` function) -> ``keras.layers.Dense``."""
    name = dotted + "."
    for old, new in _ROOT_REWRITES:
        if name.startswith(old):
            name = new + name[len(old):]
    if name == "tensorflow.keras.":
        name = "keras."
    rest = name[len("tensorflow.layers."):]
    if name.startswith("tensorflow.layers.") and rest[:1].isupper():
        name = "keras.layers." + rest  # TF1's layer classes are Keras layers
    return name[:-1]


# ----------------------------------------------------------------------------------------- losses
@dataclass(frozen=True)
class LossEntry:
    """A framework loss: what it applies, what it takes and where its prediction and target arguments are.

    ``spec`` names the lossmatch equivalent in the registry, or ``None`` where the registry holds no
    equivalent (``NLLLoss``); ``expects``/``activation``/``target`` come from that spec unless overridden.
    ``keras`` marks Keras losses, whose ``from_logits`` flag switches between ``spec`` and ``logits_spec``.
    """

    name: str
    spec: str | None
    pred_arg: tuple[int, str]
    target_arg: tuple[int, str]
    input_override: Input | None = None
    activation_override: str | None = None
    target_override: str | None = None
    logits_spec: str | None = None
    accepts_one_hot: bool = False  # torch's CrossEntropyLoss also takes probability (one-hot) targets
    # a loss of the user's applying this one to an item of its arguments (`seg_in, edge_in = inputs`): which item
    pred_item: int | None = None
    target_item: int | None = None

    @property
    def expects(self) -> Input:
        return self.input_override or REGISTRY[self.spec].expects  # type: ignore[index, return-value]

    @property
    def activation(self) -> str:
        return self.activation_override or REGISTRY[self.spec].activation  # type: ignore[index]

    @property
    def target(self) -> str:
        return self.target_override or REGISTRY[self.spec].target  # type: ignore[index]

    @property
    def family(self) -> str:
        """``binary`` (sigmoid family) or ``categorical`` (softmax family)."""
        return "binary" if self.activation == "sigmoid" else "categorical"

    @property
    def sparse(self) -> bool:
        return self.target == "index"

    def with_logits(self, from_logits: bool) -> LossEntry:
        """A Keras loss with an explicit ``from_logits``."""
        if not from_logits or self.logits_spec is None:
            return self
        return LossEntry(f"{self.name}(from_logits=True)", self.logits_spec, self.pred_arg, self.target_arg,
                         target_override=self.target_override)

    def at(self, pred_arg: tuple[int, str], target_arg: tuple[int, str], pred_item: int | None = None,
           target_item: int | None = None) -> LossEntry:
        """The same loss called through a wrapper whose prediction and target are at other positions (items of
        the arguments there, when ``pred_item``/``target_item`` are given)."""
        return dataclasses.replace(self, pred_arg=pred_arg, target_arg=target_arg, pred_item=pred_item,
                                   target_item=target_item)

    def describe(self) -> str:
        equivalent = f" (lossmatch: {self.spec})" if self.spec else ""
        item = f" on item {self.pred_item} of `{self.pred_arg[1]}`" if self.pred_item is not None else ""
        return f"{self.name}{item} expects {self.expects.replace('_', '-')}{equivalent}"


_TORCH = ((0, "input"), (1, "target"))
_KERAS = ((1, "y_pred"), (0, "y_true"))


def _torch(name: str, spec: str | None, **kw: Any) -> LossEntry:
    return LossEntry(name, spec, *_TORCH, **kw)  # type: ignore[arg-type]


def _keras(name: str, probs: str, logits: str, **kw: str) -> LossEntry:
    return LossEntry(name, probs, *_KERAS, logits_spec=logits, **kw)  # type: ignore[arg-type]


_BCE, _CCE, _SCCE = "binary_cross_entropy", "categorical_cross_entropy", "sparse_categorical_cross_entropy"
_L = "_with_logits"

_TORCH_LOSSES = {
    "torch.nn.CrossEntropyLoss": _torch("nn.CrossEntropyLoss", _SCCE + _L, accepts_one_hot=True),
    "torch.nn.BCEWithLogitsLoss": _torch("nn.BCEWithLogitsLoss", _BCE + _L),
    "torch.nn.BCELoss": _torch("nn.BCELoss", _BCE),
    "torch.nn.NLLLoss": _torch("nn.NLLLoss", None, input_override="log_probs", activation_override="softmax",
                               target_override="index"),
    "torch.nn.MultiLabelSoftMarginLoss": _torch("nn.MultiLabelSoftMarginLoss", _BCE + _L),
}
_TORCH_FUNCTIONAL = {
    "torch.nn.functional.cross_entropy": _torch("F.cross_entropy", _SCCE + _L, accepts_one_hot=True),
    "torch.nn.functional.binary_cross_entropy_with_logits": _torch("F.binary_cross_entropy_with_logits", _BCE + _L),
    "torch.nn.functional.binary_cross_entropy": _torch("F.binary_cross_entropy", _BCE),
    "torch.nn.functional.nll_loss": _torch("F.nll_loss", None, input_override="log_probs",
                                           activation_override="softmax", target_override="index"),
    "torch.nn.functional.multilabel_soft_margin_loss": _torch("F.multilabel_soft_margin_loss", _BCE + _L),
    "torchvision.ops.sigmoid_focal_loss": _torch("torchvision.ops.sigmoid_focal_loss", "sigmoid_focal_loss"),
}

# Segmentation libraries' cross-entropies: smp's on logits (classes, torch argument order); the Keras
# segmentation_models' on probabilities (the composite bce_dice_loss too: its cross-entropy term clips them),
# as classes and as the ready-made instances its losses module holds (used like functions).
_SM = "segmentation_models.losses."
_LIBRARY_CLASSES = {
    "segmentation_models_pytorch.losses.SoftBCEWithLogitsLoss": _torch("smp.losses.SoftBCEWithLogitsLoss", _BCE + _L),
    "segmentation_models_pytorch.losses.SoftCrossEntropyLoss": _torch("smp.losses.SoftCrossEntropyLoss", _SCCE + _L),
    _SM + "BinaryCELoss": LossEntry("sm.losses.BinaryCELoss", _BCE, *_KERAS),
    _SM + "CategoricalCELoss": LossEntry("sm.losses.CategoricalCELoss", _CCE, *_KERAS),
    _SM + "BinaryFocalLoss": LossEntry("sm.losses.BinaryFocalLoss", _BCE, *_KERAS),
    _SM + "CategoricalFocalLoss": LossEntry("sm.losses.CategoricalFocalLoss", _CCE, *_KERAS),
}
_LIBRARY_FUNCTIONS = {
    _SM + name: LossEntry(f"sm.losses.{name}", _BCE if name.startswith("b") else _CCE, *_KERAS)
    for name in ("binary_crossentropy", "bce_dice_loss", "bce_jaccard_loss", "binary_focal_loss",
                 "binary_focal_dice_loss", "binary_focal_jaccard_loss", "categorical_crossentropy", "cce_dice_loss",
                 "cce_jaccard_loss", "categorical_focal_loss", "categorical_focal_dice_loss",
                 "categorical_focal_jaccard_loss")
}

# Keras: the string, the function and the class all name one loss; from_logits picks the form.
_KERAS_LOSSES = {
    "binary_crossentropy": _keras("binary_crossentropy", _BCE, _BCE + _L),
    "categorical_crossentropy": _keras("categorical_crossentropy", _CCE, _CCE + _L),
    "sparse_categorical_crossentropy": _keras("sparse_categorical_crossentropy", _SCCE, _SCCE + _L),
    "binary_focal_crossentropy": _keras("binary_focal_crossentropy", _BCE, "sigmoid_focal_loss"),
    "categorical_focal_crossentropy": _keras("categorical_focal_crossentropy", _CCE, "softmax_focal_loss",
                                             target_override="one_hot"),
}
_KERAS_CLASSES = {
    "BinaryCrossentropy": "binary_crossentropy",
    "CategoricalCrossentropy": "categorical_crossentropy",
    "SparseCategoricalCrossentropy": "sparse_categorical_crossentropy",
    "BinaryFocalCrossentropy": "binary_focal_crossentropy",
    "CategoricalFocalCrossentropy": "categorical_focal_crossentropy",
}
_KERAS_STRING_ALIASES = {"bce": "binary_crossentropy", "BCE": "binary_crossentropy"}
# Loss classes that are not cross-entropy (regression, margin, ranking, divergence losses): nothing to judge, but a
# branch choosing one over a cross-entropy (``if args.loss == "mse": MSELoss() else: BCEWithLogitsLoss()``) still
# leaves the cross-entropy to judge in the branch that picks it.
OTHER_LOSSES = frozenset(
    [f"torch.nn.{name}Loss" for name in ("MSE", "L1", "SmoothL1", "Huber", "KLDiv", "PoissonNLL", "GaussianNLL",
                                         "HingeEmbedding", "MarginRanking", "CosineEmbedding", "TripletMargin",
                                         "MultiMargin", "MultiLabelMargin", "SoftMargin", "CTC")]
    + [f"{module}.{name}" for module in ("keras.losses", "tensorflow.keras.losses")
       for name in ("MeanSquaredError", "MeanAbsoluteError", "Huber", "KLDivergence", "Hinge", "SquaredHinge",
                    "CategoricalHinge", "LogCosh", "Poisson", "CosineSimilarity")])

# TensorFlow 1 / tf.nn: keyword arguments are the norm, positional order as in the signatures.
_TF_LOSSES = {
    "tensorflow.nn.softmax_cross_entropy_with_logits": LossEntry(
        "tf.nn.softmax_cross_entropy_with_logits", _CCE + _L, (1, "logits"), (0, "labels")),
    "tensorflow.nn.softmax_cross_entropy_with_logits_v2": LossEntry(
        "tf.nn.softmax_cross_entropy_with_logits_v2", _CCE + _L, (1, "logits"), (0, "labels")),
    "tensorflow.nn.sparse_softmax_cross_entropy_with_logits": LossEntry(
        "tf.nn.sparse_softmax_cross_entropy_with_logits", _SCCE + _L, (1, "logits"), (0, "labels")),
    "tensorflow.nn.sigmoid_cross_entropy_with_logits": LossEntry(
        "tf.nn.sigmoid_cross_entropy_with_logits", _BCE + _L, (1, "logits"), (0, "labels")),
    "tensorflow.nn.weighted_cross_entropy_with_logits": LossEntry(
        "tf.nn.weighted_cross_entropy_with_logits", _BCE + _L, (1, "logits"), (0, "labels")),
    "tensorflow.losses.softmax_cross_entropy": LossEntry(
        "tf.losses.softmax_cross_entropy", _CCE + _L, (1, "logits"), (0, "onehot_labels")),
    "tensorflow.losses.sparse_softmax_cross_entropy": LossEntry(
        "tf.losses.sparse_softmax_cross_entropy", _SCCE + _L, (1, "logits"), (0, "labels")),
    "tensorflow.losses.sigmoid_cross_entropy": LossEntry(
        "tf.losses.sigmoid_cross_entropy", _BCE + _L, (1, "logits"), (0, "multi_class_labels")),
    "tensorflow.losses.log_loss": LossEntry("tf.losses.log_loss", _BCE, (1, "predictions"), (0, "labels")),
}


def _is_keras_path(name: str) -> bool:
    return name.startswith("keras.") or ".keras." in name or "." not in name


def loss_for_keras_name(name: str) -> LossEntry | None:
    """A Keras loss given by string (``'categorical_crossentropy'``, ``'CategoricalCrossentropy'``)."""
    name = _KERAS_STRING_ALIASES.get(name, _KERAS_CLASSES.get(name, name))
    return _KERAS_LOSSES.get(name)


def loss_for_call(name: str) -> tuple[LossEntry, bool] | None:
    """The loss a canonical dotted name refers to, and whether it is a class (to instantiate) or a function.

    Keras function names (``keras.losses.categorical_crossentropy``) are functions; Keras class names
    (``keras.losses.CategoricalCrossentropy``) and torch ``nn.*Loss`` are classes.
    """
    if name in _TORCH_LOSSES:
        return _TORCH_LOSSES[name], True
    if name in _TORCH_FUNCTIONAL:
        return _TORCH_FUNCTIONAL[name], False
    if name in _TF_LOSSES:
        return _TF_LOSSES[name], False
    if name in _LIBRARY_CLASSES:
        return _LIBRARY_CLASSES[name], True
    if name in _LIBRARY_FUNCTIONS:
        return _LIBRARY_FUNCTIONS[name], False
    tail = name.rsplit(".", 1)[-1]
    if name.startswith("tensorflow.losses.") and name.count(".") == 2 and (tail in _KERAS_CLASSES or
                                                                           tail in _KERAS_LOSSES):
        name = f"keras.losses.{tail}"  # TensorFlow 2's tf.losses is tf.keras.losses
    if not _is_keras_path(name) or ("." in name and ".losses" not in name and not name.startswith("keras.")):
        return None
    if tail in _KERAS_CLASSES:
        return _KERAS_LOSSES[_KERAS_CLASSES[tail]], True
    if tail in _KERAS_LOSSES and "." in name:
        return _KERAS_LOSSES[tail], False
    return None


# ----------------------------------------------------------------------------------------- activations
# What an output holds after an activation: probabilities (softmax, sigmoid), log-probabilities or raw.
KERAS_ACTIVATIONS = {
    "softmax": "softmax", "sigmoid": "sigmoid", "hard_sigmoid": "sigmoid", "log_softmax": "log_softmax",
    "linear": "linear", None: "linear", "relu": "relu", "tanh": "tanh", "elu": "elu", "selu": "selu",
    "softplus": "softplus", "softsign": "softsign", "swish": "swish", "silu": "swish", "gelu": "gelu",
    "exponential": "exponential", "leaky_relu": "relu", "relu6": "relu", "mish": "mish",
}
RAW_ACTIVATIONS = frozenset({"linear", "relu", "tanh", "elu", "selu", "softplus", "softsign", "swish", "gelu",
                             "exponential", "mish"})
PROBABILITIES = frozenset({"softmax", "sigmoid"})

# Calls that apply an activation to their first argument (canonical names).
ACTIVATION_FUNCTIONS = {
    "torch.softmax": "softmax", "torch.nn.functional.softmax": "softmax", "torch.special.softmax": "softmax",
    # Gumbel-softmax samples sum to 1 over the classes like a softmax (its second argument is tau, not dim)
    "torch.nn.functional.gumbel_softmax": "softmax",
    "torch.log_softmax": "log_softmax", "torch.nn.functional.log_softmax": "log_softmax",
    "torch.special.log_softmax": "log_softmax",
    "torch.sigmoid": "sigmoid", "torch.nn.functional.sigmoid": "sigmoid", "torch.special.expit": "sigmoid",
    "torch.nn.functional.logsigmoid": "logsigmoid",
    "torch.relu": "relu", "torch.nn.functional.relu": "relu", "torch.tanh": "tanh",
    "tensorflow.nn.softmax": "softmax", "tensorflow.nn.log_softmax": "log_softmax",
    "tensorflow.nn.sigmoid": "sigmoid", "tensorflow.sigmoid": "sigmoid", "tensorflow.log_sigmoid": "logsigmoid",
    "tensorflow.nn.relu": "relu", "tensorflow.nn.tanh": "tanh", "tensorflow.tanh": "tanh",
    "keras.activations.softmax": "softmax", "keras.activations.sigmoid": "sigmoid",
    "keras.activations.log_softmax": "log_softmax", "keras.ops.softmax": "softmax", "keras.ops.sigmoid": "sigmoid",
    "keras.ops.log_softmax": "log_softmax", "keras.backend.softmax": "softmax", "keras.backend.sigmoid": "sigmoid",
    "scipy.special.softmax": "softmax", "scipy.special.expit": "sigmoid",
}
# Tensor methods: x.softmax(dim), x.sigmoid(), x.log_softmax(dim).
ACTIVATION_METHODS = {"softmax": "softmax", "log_softmax": "log_softmax", "sigmoid": "sigmoid", "relu": "relu",
                      "tanh": "tanh"}
# Calls that compute a natural log of their first argument.
LOG_FUNCTIONS = frozenset({"torch.log", "tensorflow.log", "tensorflow.math.log", "numpy.log", "keras.backend.log",
                           "keras.ops.log", "math.log"})
# Calls that keep their first argument within bounds: probabilities clipped off 0 are probabilities still.
CLIP_FUNCTIONS = frozenset({"torch.clamp", "torch.clip", "torch.clamp_min", "tensorflow.clip_by_value",
                            "keras.ops.clip", "keras.backend.clip", "numpy.clip"})
CLIP_METHODS = frozenset({"clamp", "clip", "clamp_min", "clamp_"})
# Calls that compute exp of their first argument: exp(log_softmax(x)) is softmax(x).
EXP_FUNCTIONS = frozenset({"torch.exp", "tensorflow.exp", "tensorflow.math.exp", "keras.ops.exp", "keras.backend.exp"})
# Calls that sum their first argument: exp(x) / sum(exp(x)) is a softmax written out.
SUM_FUNCTIONS = frozenset({"torch.sum", "tensorflow.reduce_sum", "tensorflow.math.reduce_sum", "keras.ops.sum",
                           "keras.backend.sum"})
# torch.nn activation modules.
ACTIVATION_MODULES = {
    "torch.nn.Softmax": "softmax", "torch.nn.LogSoftmax": "log_softmax", "torch.nn.Sigmoid": "sigmoid",
    "torch.nn.LogSigmoid": "logsigmoid", "torch.nn.ReLU": "relu", "torch.nn.Tanh": "tanh",
    "torch.nn.LeakyReLU": "relu", "torch.nn.ELU": "elu", "torch.nn.GELU": "gelu", "torch.nn.Softmax2d": "softmax",
}


# ----------------------------------------------------------------------------------------- layers
@dataclass(frozen=True)
class LayerKind:
    """How a layer changes an output: ``units`` from an argument, an activation, or shape only."""

    units_arg: tuple[int, str] | None = None  # position and keyword of the output size
    activation: str | None = None  # fixed activation (Softmax layer) or None
    activation_arg: bool = False  # takes activation= (Keras)
    passthrough: bool = False  # keeps units and activation (Dropout)
    keeps_units: bool = True  # False: the size changes in an unknown way (Flatten, Reshape)
    softmax_axis_kw: str | None = None
    activation_kw: str = "activation"
    default_activation: str = "linear"  # when no activation is given (tf.contrib's fully_connected: relu)


_KERAS_LAYERS = {
    "Dense": LayerKind(units_arg=(0, "units"), activation_arg=True),
    "Conv1D": LayerKind(units_arg=(0, "filters"), activation_arg=True),
    "Conv2D": LayerKind(units_arg=(0, "filters"), activation_arg=True),
    "Conv3D": LayerKind(units_arg=(0, "filters"), activation_arg=True),
    "Activation": LayerKind(activation_arg=True),
    "Softmax": LayerKind(activation="softmax"),
    "ReLU": LayerKind(activation="relu"),
    "Dropout": LayerKind(passthrough=True), "SpatialDropout1D": LayerKind(passthrough=True),
    "GaussianNoise": LayerKind(passthrough=True), "AlphaDropout": LayerKind(passthrough=True),
    "BatchNormalization": LayerKind(passthrough=True), "LayerNormalization": LayerKind(passthrough=True),
    "Flatten": LayerKind(activation="unknown", keeps_units=False),
    "Reshape": LayerKind(activation="unknown", keeps_units=False),
    "Permute": LayerKind(activation="unknown", keeps_units=False),
    "GlobalAveragePooling1D": LayerKind(activation="unknown"), "GlobalAveragePooling2D": LayerKind(activation="unknown"),
    "GlobalMaxPooling2D": LayerKind(activation="unknown"), "GlobalMaxPooling1D": LayerKind(activation="unknown"),
}


def keras_layer(name: str) -> tuple[str, LayerKind] | None:
    """A Keras layer class by canonical name (``keras.layers.Dense`` or a bare imported ``Dense``)."""
    tail = name.rsplit(".", 1)[-1]
    if tail not in _KERAS_LAYERS:
        return None
    if "." in name and not (name.startswith("keras.") or ".keras." in name or name.startswith("layers.")):
        return None
    return tail, _KERAS_LAYERS[tail]


_TORCH_LAYERS = {
    "torch.nn.Linear": LayerKind(units_arg=(1, "out_features")),
    "torch.nn.LazyLinear": LayerKind(units_arg=(0, "out_features")),
    "torch.nn.Bilinear": LayerKind(units_arg=(2, "out_features")),
    "torch.nn.Conv1d": LayerKind(units_arg=(1, "out_channels")),
    "torch.nn.Conv2d": LayerKind(units_arg=(1, "out_channels")),
    "torch.nn.Conv3d": LayerKind(units_arg=(1, "out_channels")),
    "torch.nn.Dropout": LayerKind(passthrough=True), "torch.nn.Identity": LayerKind(passthrough=True),
    "torch.nn.BatchNorm1d": LayerKind(passthrough=True), "torch.nn.LayerNorm": LayerKind(passthrough=True),
    "torch.nn.Flatten": LayerKind(activation="unknown", keeps_units=False),
}


def torch_layer(name: str) -> tuple[str, LayerKind] | None:
    if name in _TORCH_LAYERS:
        return name.rsplit(".", 1)[-1], _TORCH_LAYERS[name]
    if name in ACTIVATION_MODULES:
        return name.rsplit(".", 1)[-1], LayerKind(activation=ACTIVATION_MODULES[name], softmax_axis_kw="dim")
    return None


# Model containers.
SEQUENTIAL = frozenset({"keras.Sequential", "keras.models.Sequential", "torch.nn.Sequential", "Sequential"})
FUNCTIONAL_MODEL = frozenset({"keras.Model", "keras.models.Model", "Model", "keras.engine.Model",
                              "keras.engine.training.Model"})
# Functions that change a tensor's shape but not what its values are: squeeze(softmax(x)) is still softmax.
RESHAPE_FUNCTIONS = frozenset({"torch.squeeze", "torch.unsqueeze", "torch.flatten", "torch.reshape",
                               "tensorflow.squeeze", "tensorflow.reshape", "tensorflow.expand_dims",
                               "keras.ops.squeeze", "keras.ops.reshape", "keras.backend.squeeze",
                               "keras.backend.reshape",
                               # picking entries keeps them what they were (a policy's chosen actions)
                               "tensorflow.gather", "tensorflow.gather_nd", "tensorflow.slice", "tensorflow.boolean_mask",
                               "tensorflow.transpose", "torch.gather", "torch.index_select", "torch.masked_select",
                               "torch.transpose", "torch.permute", "keras.ops.take", "keras.ops.take_along_axis",
                               # a dtype cast keeps the values' activation (NVIDIA's UNet casts its softmax to fp32)
                               "tensorflow.cast", "keras.ops.cast", "keras.backend.cast"})
# softmax weights times one-hot label rows (matching networks, label propagation): class probabilities.
MATMUL_FUNCTIONS = frozenset({"torch.bmm", "torch.matmul", "torch.mm", "tensorflow.matmul", "keras.ops.matmul"})
MATMUL_METHODS = frozenset({"bmm", "matmul", "mm"})
# A weight matrix written out (from-scratch models): its shape, whose last size is the size of x @ W.
WEIGHT_FUNCTIONS = frozenset({
    "tensorflow.zeros", "tensorflow.ones", "tensorflow.random_normal", "tensorflow.random.normal",
    "tensorflow.truncated_normal", "tensorflow.random.truncated_normal", "tensorflow.random_uniform",
    "tensorflow.random.uniform", "tensorflow.compat.v1.random_normal", "tensorflow.compat.v1.truncated_normal",
    "tensorflow.compat.v1.random_uniform", "tensorflow.compat.v1.zeros", "tensorflow.compat.v1.ones",
    "torch.zeros", "torch.ones", "torch.randn", "torch.rand", "torch.empty", "torch.normal"})
WEIGHT_WRAPPERS = frozenset({"tensorflow.Variable", "tensorflow.compat.v1.Variable", "torch.nn.Parameter",
                             "torch.nn.parameter.Parameter"})
WEIGHT_GETTERS = frozenset({"tensorflow.get_variable", "tensorflow.compat.v1.get_variable"})
# np.eye(n)[labels]: one-hot rows.
EYE_FUNCTIONS = frozenset({"numpy.eye", "numpy.identity", "torch.eye", "tensorflow.eye"})
MODULE_BASES = frozenset({"torch.nn.Module", "keras.Model", "keras.models.Model", "keras.layers.Layer",
                          "Model", "Module", "pytorch_lightning.LightningModule", "lightning.LightningModule",
                          "lightning.pytorch.LightningModule"})
# Base classes of user-defined losses (a subclass of nn.Module may be a loss too: its forward says).
LOSS_BASES = frozenset({"keras.losses.Loss", "torch.nn.modules.loss._Loss", "torch.nn._Loss",
                        "torch.nn.modules.loss._WeightedLoss"})
# Calls that wrap a model and behave as it: nn.DataParallel(model), torch.compile(model).
MODEL_WRAPPERS = frozenset({"torch.nn.DataParallel", "torch.nn.parallel.DataParallel",
                            "torch.nn.parallel.DistributedDataParallel", "torch.compile",
                            "torch.jit.script", "torch.nn.SyncBatchNorm.convert_sync_batchnorm"})
# HuggingFace trainers: the model given to the constructor is the `model` their compute_loss() hook gets.
HF_TRAINERS = frozenset({"transformers.Trainer", "transformers.trainer.Trainer", "transformers.Seq2SeqTrainer",
                         "transformers.trainer_seq2seq.Seq2SeqTrainer"})
# Calls that give back what they are given, for what the audit follows (a copy of a model is that model).
COPIES = frozenset({"copy.deepcopy", "copy.copy"})
# Containers that hold a list of layers as given: iterating them applies those layers in a forward loop.
LAYER_LISTS = frozenset({"torch.nn.ModuleList", "torch.nn.modules.container.ModuleList"})
# Pretrained classifiers (raw logits) whose head a script replaces: model.fc = nn.Sequential(..., nn.Softmax(1)).
PRETRAINED_ROOTS = ("torchvision.models.", "timm.create_model", "timm.models.")
# Segmentation model libraries whose architectures end in the activation their `activation=` names, over
# `classes=` channels: segmentation_models_pytorch (default None: logits) and the Keras segmentation_models
# (default 'sigmoid'). Per library: (its default activation, the names it takes -> what the output holds).
SEGMENTATION_LIBRARIES = {
    "segmentation_models_pytorch": (None, {None: "linear", "identity": "linear", "sigmoid": "sigmoid",
                                           "softmax": "softmax", "softmax2d": "softmax", "logsoftmax": "log_softmax",
                                           "tanh": "tanh"}),
    "segmentation_models": ("sigmoid", {None: "linear", "linear": "linear", "sigmoid": "sigmoid",
                                        "softmax": "softmax", "tanh": "tanh", "relu": "relu"}),
}
SEGMENTATION_ARCHITECTURES = frozenset({"Unet", "UnetPlusPlus", "MAnet", "Linknet", "FPN", "PSPNet", "PAN",
                                        "DeepLabV3", "DeepLabV3Plus", "UPerNet", "Segformer", "DPT", "create_model"})
HEAD_ATTRIBUTES = frozenset({"fc", "classifier", "head", "heads", "last_linear", "_fc"})
# Keras layers that wrap another layer and keep its activation: TimeDistributed(Dense(10, activation="softmax")).
LAYER_WRAPPERS = frozenset({"keras.layers.TimeDistributed", "TimeDistributed", "keras.layers.Bidirectional"})
# TF1 layer functions, applied to their first argument at once: tf.layers.dense(x, 10, activation=tf.nn.softmax).
FUNCTIONAL_LAYERS = {
    "tensorflow.layers.dense": LayerKind(units_arg=(0, "units"), activation_arg=True),
    "tensorflow.contrib.layers.fully_connected": LayerKind(units_arg=(0, "num_outputs"), activation_arg=True,
                                                           activation_kw="activation_fn", default_activation="relu"),
    "tensorflow.contrib.slim.fully_connected": LayerKind(units_arg=(0, "num_outputs"), activation_arg=True,
                                                         activation_kw="activation_fn", default_activation="relu"),
    "tensorflow.contrib.layers.linear": LayerKind(units_arg=(0, "num_outputs")),
    "tflearn.fully_connected": LayerKind(units_arg=(0, "n_units"), activation_arg=True),
    "tflearn.layers.core.fully_connected": LayerKind(units_arg=(0, "n_units"), activation_arg=True),
}
# Wrappers that train a model class with a criterion (skorch): NeuralNet(Module, criterion=nn.CrossEntropyLoss).
CRITERION_WRAPPERS = ("NeuralNet", "NeuralNetClassifier", "NeuralNetBinaryClassifier")
# TensorFlow 1 names (canonical): a file that calls them runs tf.keras from before TF 2.2, which picks the
# 'accuracy' metric from the loss as standalone Keras <= 2.3 does.
TF1_NAMES = frozenset({"tensorflow.Session", "tensorflow.InteractiveSession", "tensorflow.placeholder",
                       "tensorflow.global_variables_initializer", "tensorflow.ConfigProto",
                       "tensorflow.train.AdamOptimizer", "tensorflow.train.GradientDescentOptimizer",
                       "tensorflow.disable_v2_behavior", "tensorflow.disable_eager_execution",
                       "tensorflow.enable_eager_execution", "keras.backend.get_session", "keras.backend.set_session"})
# Methods that return the model itself (torch) so `Net().to(device)` is still a Net.
SELF_RETURNING = frozenset({"to", "cuda", "cpu", "float", "double", "half", "train", "eval", "requires_grad_"})

# ----------------------------------------------------------------------------------------- labels
# Calls whose result is a label encoding: (format, position/keyword of the class count or None).
LABEL_ENCODERS: dict[str, tuple[str, tuple[int, str] | None]] = {
    "keras.utils.to_categorical": ("one_hot", (1, "num_classes")),
    "to_categorical": ("one_hot", (1, "num_classes")),
    "tensorflow.one_hot": ("one_hot", (1, "depth")),
    "torch.nn.functional.one_hot": ("one_hot", (1, "num_classes")),
    "pandas.get_dummies": ("one_hot", None),
    "sklearn.preprocessing.label_binarize": ("one_hot", None),
    "numpy.argmax": ("index", None),
    "torch.argmax": ("index", None),
    "torch.max": ("index", None),  # torch.max(out, 1): (values, indices); only an output's arg-max is read
    "tensorflow.argmax": ("index", None),
}
# Estimators whose fit_transform/transform output is a label encoding.
LABEL_TRANSFORMERS = {
    "sklearn.preprocessing.MultiLabelBinarizer": "multi_hot",
    "sklearn.preprocessing.LabelEncoder": "index",
    "sklearn.preprocessing.OneHotEncoder": "one_hot",
    "sklearn.preprocessing.LabelBinarizer": "one_hot",
}
# Of those, the ones made for input features too: labels only where applied to labels.
FEATURE_ENCODERS = frozenset({"sklearn.preprocessing.OneHotEncoder"})

# Well-known single-label datasets: loader name tail -> number of classes.
DATASETS = {
    "mnist": 10, "fashion_mnist": 10, "cifar10": 10, "cifar100": 100, "reuters": 46, "imdb": 2,
    "MNIST": 10, "FashionMNIST": 10, "KMNIST": 10, "EMNIST": None, "CIFAR10": 10, "CIFAR100": 100, "SVHN": 10,
    "STL10": 10, "ImageNet": 1000, "Caltech101": 101, "Food101": 101, "Flowers102": 102, "GTSRB": 43,
    "ImageFolder": None, "load_iris": 3, "load_digits": 10, "load_wine": 3, "load_breast_cancer": 2,
}
DATASET_ROOTS = ("keras.datasets.", "torchvision.datasets.", "sklearn.datasets.")
# scikit-learn's generated datasets: name -> (keyword giving the number of classes, its default, label format).
# ``X, y = make_classification(n_classes=7)`` gives integer labels; make_multilabel_classification multi-hot rows.
DATASET_GENERATORS = {
    "make_classification": ("n_classes", 2, "index"), "make_blobs": ("centers", 3, "index"),
    "make_moons": (None, 2, "index"), "make_circles": (None, 2, "index"),
    "make_gaussian_quantiles": ("n_classes", 3, "index"), "make_multilabel_classification": ("n_classes", 5, "multi_hot"),
}
# Loaders that read labels from folder names: (keyword of the label mode, its default, mode -> label format).
DIRECTORY_LOADERS = {
    "flow_from_directory": ("class_mode", "categorical", {"categorical": "one_hot", "sparse": "index"}),
    "flow_from_dataframe": ("class_mode", "categorical", {"categorical": "one_hot", "sparse": "index"}),
    "image_dataset_from_directory": ("label_mode", "int", {"int": "index", "categorical": "one_hot"}),
    "text_dataset_from_directory": ("label_mode", "int", {"int": "index", "categorical": "one_hot"}),
    "audio_dataset_from_directory": ("label_mode", "int", {"int": "index", "categorical": "one_hot"}),
}
FORMAT_WORDS = {"index": "integer", "one_hot": "one-hot", "multi_hot": "multi-hot"}


# ----------------------------------------------------------------------------------------- dispatch
@functools.lru_cache(maxsize=8192)
def classify(name: str) -> tuple[str, Any]:
    """What a call of the canonical dotted ``name`` is, once per name: ``(kind, detail)``. Kinds: loss, layer,
    functional_layer, layer_wrapper, sequential, functional_model, activation, log, exp, sum, criterion_wrapper, copy,
    ordered_dict, dict, model_wrapper, getattr, len, weight, weight_wrapper, weight_getter, encoder, transformer, split, directory, dataset,
    segmentation_model, and other
    (detail: whether the name is capitalised, like a class)."""
    loss = loss_for_call(name)
    if loss is not None:
        return "loss", loss
    layer = keras_layer(name) or torch_layer(name)
    if layer is not None:
        return "layer", layer[1]
    tail = name.rsplit(".", 1)[-1]
    simple = {"collections.OrderedDict": "ordered_dict", "getattr": "getattr", "len": "len", "dict": "dict",
              "sklearn.model_selection.train_test_split": "split", "enumerate": "enumerate", "zip": "zip",
              "importlib.import_module": "import_module"}
    if name in simple:
        return simple[name], None
    for kind, table in (("functional_layer", FUNCTIONAL_LAYERS), ("activation", ACTIVATION_FUNCTIONS),
                        ("encoder", LABEL_ENCODERS), ("transformer", LABEL_TRANSFORMERS)):
        if name in table:
            return kind, table[name]
    for kind, names in (("layer_wrapper", LAYER_WRAPPERS), ("functional_model", FUNCTIONAL_MODEL),
                        ("log", LOG_FUNCTIONS), ("clip", CLIP_FUNCTIONS), ("exp", EXP_FUNCTIONS), ("sum", SUM_FUNCTIONS),
                        ("model_wrapper", MODEL_WRAPPERS),
                        ("reshape", RESHAPE_FUNCTIONS), ("eye", EYE_FUNCTIONS), ("matmul", MATMUL_FUNCTIONS),
                        ("copy", COPIES), ("weight", WEIGHT_FUNCTIONS), ("weight_wrapper", WEIGHT_WRAPPERS),
                        ("weight_getter", WEIGHT_GETTERS)):
        if name in names:
            return kind, None
    if name in SEQUENTIAL or name.endswith(".Sequential"):
        return "sequential", None
    if name.endswith(".to_categorical"):
        return "encoder", LABEL_ENCODERS["to_categorical"]
    if tail.endswith(CRITERION_WRAPPERS):
        return "criterion_wrapper", None
    if tail in DIRECTORY_LOADERS:
        return "directory", tail
    if name in LAYER_LISTS:
        return "layer_list", None
    root = name.split(".", 1)[0]
    if root in SEGMENTATION_LIBRARIES and tail in SEGMENTATION_ARCHITECTURES:
        return "segmentation_model", SEGMENTATION_LIBRARIES[root]
    if name.startswith(PRETRAINED_ROOTS) and (tail[:1].islower() or name == "timm.create_model") and \
            ".segmentation." not in name and ".detection." not in name:
        return "pretrained", tail
    if name.endswith(("input_data.read_data_sets", "datasets.mnist.read_data_sets")):  # the TF1 MNIST tutorials
        return "dataset", "mnist"
    if name.startswith("sklearn.datasets.") and tail in DATASET_GENERATORS:
        return "generated_dataset", DATASET_GENERATORS[tail]
    if name.startswith(DATASET_ROOTS):
        parts = name.split(".")
        key = parts[-2] if parts[-1] == "load_data" and len(parts) > 1 else parts[-1]
        if key in DATASETS:
            return "dataset", key
    return "other", tail[:1].isupper()
