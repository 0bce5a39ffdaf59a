"""The registry of loss specifications: the one place that says what each loss expects and fits.

``REGISTRY`` maps a loss name to its frozen :class:`LossSpec`. Everything else reads it: ``advise`` picks a
spec from a label report, ``audit`` checks code against the pairings it allows, ``compare`` builds matched and
mismatched pairings from ``PAIRINGS``, ``score`` picks metrics by task, and ``lossmatch losses`` lists it.
The math lives in :mod:`lossmatch.losses`; a spec's ``fn`` is looked up there by name.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from lossmatch.errors import ConfigError

__all__ = ["DEFAULT_PAIRINGS", "PAIRINGS", "REGISTRY", "TARGET_FORMATS", "TASKS", "LossSpec", "Pairing", "get", "pairing", "specs_for"]

Expects = Literal["logits", "probs"]
Activation = Literal["sigmoid", "softmax", "linear"]  # linear: raw scores (hinge), no probabilities
TargetFormat = Literal["binary", "index", "one_hot", "soft", "multi_hot"]

TASKS = ("binary", "multiclass", "multilabel", "multioutput")
TARGET_FORMATS = ("binary", "index", "one_hot", "soft", "multi_hot")
OPTIONS = ("weight", "pos_weight", "label_smoothing", "smoothing_convention", "temperature", "ignore_index", "class_dim",
           "renormalize", "gamma", "alpha", "chunk_size", "q", "beta", "log_clip", "form", "margin", "p")


@dataclass(frozen=True)
class LossSpec:
    """What one loss function expects and what it fits.

    Attributes:
        name: the function's name in :mod:`lossmatch.losses` (and ``lossmatch``).
        expects: ``"logits"`` when the function applies ``activation`` itself, ``"probs"`` otherwise.
        activation: the output activation the loss belongs with.
        target: the primary target format; ``target_formats`` lists all it accepts.
        tasks: the tasks it is a matched choice for.
        supports: the keyword options it implements.
        torch_equivalent / keras_equivalent: the closest native class, with the arguments that make it match.
        module: the :mod:`lossmatch.nn` wrapper class name.
        summary: one line for listings.
        references: papers and docs the definition follows.
    """

    name: str
    expects: Expects
    activation: Activation
    target: TargetFormat
    tasks: tuple[str, ...]
    supports: frozenset[str]
    torch_equivalent: str
    keras_equivalent: str
    module: str
    summary: str
    target_formats: tuple[str, ...] = ()
    references: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        unknown = set(self.tasks) - set(TASKS) or set(self.supports) - set(OPTIONS)
        bad_format = set(self.target_formats or (self.target,)) - set(TARGET_FORMATS)
        if unknown or bad_format:
            raise ConfigError(f"LossSpec {self.name!r} names unknown tasks/options/formats: {sorted(unknown | bad_format)}")
        if not self.target_formats:
            object.__setattr__(self, "target_formats", (self.target,))

    @property
    def fn(self) -> Callable[..., Any]:
        """The functional form, from :mod:`lossmatch.losses` (imported on first use)."""
        return getattr(importlib.import_module("lossmatch.losses"), self.name)

    @property
    def from_logits(self) -> bool:
        return self.expects == "logits"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "expects": self.expects,
            "activation": self.activation,
            "target": self.target,
            "target_formats": list(self.target_formats),
            "tasks": list(self.tasks),
            "supports": sorted(self.supports),
            "torch_equivalent": self.torch_equivalent,
            "keras_equivalent": self.keras_equivalent,
            "module": f"lossmatch.nn.{self.module}",
            "summary": self.summary,
            "references": list(self.references),
        }


_CE_REFS = ("https://pytorch.org/docs/stable/generated/torch.nn.CrossEntropyLoss.html",
            "https://keras.io/api/losses/probabilistic_losses/")
_SMOOTHING_REF = "Szegedy et al., Rethinking the Inception Architecture, CVPR 2016 (label smoothing)"
_FOCAL_REF = "Lin et al., Focal Loss for Dense Object Detection, ICCV 2017"
_REDUCE = frozenset({"weight", "label_smoothing", "smoothing_convention"})
_SOFTMAX_ALTERNATIVE = _REDUCE | {"ignore_index", "class_dim"}
_GCE_REF = ("Zhang & Sabuncu, Generalized Cross Entropy Loss for Training Deep Neural Networks with Noisy Labels, "
            "NeurIPS 2018")
_SCE_REF = "Wang et al., Symmetric Cross Entropy for Robust Learning with Noisy Labels, ICCV 2019"

_SPECS = (
    LossSpec(
        name="binary_cross_entropy_with_logits", expects="logits", activation="sigmoid", target="binary",
        target_formats=("binary", "multi_hot", "soft"), tasks=("binary", "multilabel"),
        supports=_REDUCE | {"pos_weight", "temperature"},
        torch_equivalent="torch.nn.BCEWithLogitsLoss", keras_equivalent="keras.losses.BinaryCrossentropy(from_logits=True)",
        module="BinaryCrossEntropyWithLogits",
        summary="Sigmoid + BCE fused: one independent yes/no per output (binary, multi-label).",
        references=("https://pytorch.org/docs/stable/generated/torch.nn.BCEWithLogitsLoss.html",)),
    LossSpec(
        name="binary_cross_entropy", expects="probs", activation="sigmoid", target="binary",
        target_formats=("binary", "multi_hot", "soft"), tasks=("binary", "multilabel"), supports=_REDUCE,
        torch_equivalent="torch.nn.BCELoss", keras_equivalent="keras.losses.BinaryCrossentropy()",
        module="BinaryCrossEntropy",
        summary="BCE on sigmoid probabilities; prefer the _with_logits form for stability.",
        references=("https://pytorch.org/docs/stable/generated/torch.nn.BCELoss.html",)),
    LossSpec(
        name="categorical_cross_entropy_with_logits", expects="logits", activation="softmax", target="one_hot",
        target_formats=("one_hot", "soft"), tasks=("binary", "multiclass"),
        supports=_REDUCE | {"temperature", "class_dim"},
        torch_equivalent="torch.nn.CrossEntropyLoss (probability targets)",
        keras_equivalent="keras.losses.CategoricalCrossentropy(from_logits=True)",
        module="CategoricalCrossEntropyWithLogits",
        summary="Softmax + CE fused, one-hot or soft targets: exactly one class per row.",
        references=_CE_REFS + (_SMOOTHING_REF,)),
    LossSpec(
        name="categorical_cross_entropy", expects="probs", activation="softmax", target="one_hot",
        target_formats=("one_hot", "soft"), tasks=("binary", "multiclass"),
        supports=_REDUCE | {"class_dim", "renormalize"},
        torch_equivalent="-(target * probs.log().clamp_min(-100)).sum(dim)",
        keras_equivalent="keras.losses.CategoricalCrossentropy()",
        module="CategoricalCrossEntropy",
        summary="CE on softmax probabilities with one-hot or soft targets.",
        references=_CE_REFS),
    LossSpec(
        name="sparse_categorical_cross_entropy_with_logits", expects="logits", activation="softmax", target="index",
        tasks=("binary", "multiclass"), supports=_REDUCE | {"temperature", "class_dim", "ignore_index"},
        torch_equivalent="torch.nn.CrossEntropyLoss",
        keras_equivalent="keras.losses.SparseCategoricalCrossentropy(from_logits=True)",
        module="SparseCategoricalCrossEntropyWithLogits",
        summary="Softmax + CE fused with integer class indices (no one-hot needed).",
        references=_CE_REFS + (_SMOOTHING_REF,)),
    LossSpec(
        name="sparse_categorical_cross_entropy", expects="probs", activation="softmax", target="index",
        tasks=("binary", "multiclass"), supports=_REDUCE | {"class_dim", "ignore_index", "renormalize"},
        torch_equivalent="torch.nn.NLLLoss on probs.log()",
        keras_equivalent="keras.losses.SparseCategoricalCrossentropy()",
        module="SparseCategoricalCrossEntropy",
        summary="CE on softmax probabilities with integer class indices.",
        references=_CE_REFS),
    LossSpec(
        name="sigmoid_focal_loss", expects="logits", activation="sigmoid", target="binary",
        target_formats=("binary", "multi_hot", "soft"), tasks=("binary", "multilabel"),
        supports=_REDUCE | {"gamma", "alpha"},
        torch_equivalent="torchvision.ops.sigmoid_focal_loss",
        keras_equivalent="keras.losses.BinaryFocalCrossentropy(from_logits=True, apply_class_balancing=True)",
        module="SigmoidFocalLoss",
        summary="BCE down-weighting easy examples by (1 - p_t)^gamma; for heavy imbalance.",
        references=(_FOCAL_REF,)),
    LossSpec(
        name="softmax_focal_loss", expects="logits", activation="softmax", target="index",
        target_formats=("index", "one_hot", "soft"), tasks=("binary", "multiclass"),
        supports=_REDUCE | {"gamma", "alpha", "ignore_index", "class_dim"},
        torch_equivalent="(1 - p_t)^gamma * F.cross_entropy(reduction='none')",
        keras_equivalent="keras.losses.CategoricalFocalCrossentropy(from_logits=True)",
        module="SoftmaxFocalLoss",
        summary="Softmax CE down-weighting easy examples by (1 - p_t)^gamma.",
        references=(_FOCAL_REF,)),
    LossSpec(
        name="linear_cross_entropy", expects="logits", activation="softmax", target="index",
        tasks=("multiclass",), supports=_REDUCE | {"ignore_index", "chunk_size"},
        torch_equivalent="F.cross_entropy(hidden @ weight.T + bias, target)",
        keras_equivalent="(none: keras.losses.SparseCategoricalCrossentropy on the materialised logits)",
        module="LinearCrossEntropy",
        summary="Exact sparse CE of a linear head without materialising the N x V logits (large vocabularies).",
        references=("Wijmans et al., Cut Your Losses in Large-Vocabulary Language Models, ICLR 2025",)),
    LossSpec(
        name="generalized_cross_entropy_with_logits", expects="logits", activation="softmax", target="index",
        target_formats=("index", "one_hot", "soft"), tasks=("binary", "multiclass"), supports=_SOFTMAX_ALTERNATIVE | {"q"},
        torch_equivalent="(1 - torch.softmax(x, 1).gather(1, y[:, None]) ** q) / q (no native class)",
        keras_equivalent="lossmatch.keras.GeneralizedCrossentropy(from_logits=True) (no native class)",
        module="GeneralizedCrossEntropyWithLogits",
        summary="(1 - p_y^q) / q: between CE (q -> 0) and MAE (q = 1); bounded gradient, robust to label noise.",
        references=(_GCE_REF,)),
    LossSpec(
        name="symmetric_cross_entropy_with_logits", expects="logits", activation="softmax", target="index",
        target_formats=("index", "one_hot", "soft"), tasks=("binary", "multiclass"),
        supports=_SOFTMAX_ALTERNATIVE | {"alpha", "beta", "log_clip"},
        torch_equivalent="alpha * F.cross_entropy + beta * reverse CE (no native class)",
        keras_equivalent="lossmatch.keras.SymmetricCrossentropy(from_logits=True) (no native class)",
        module="SymmetricCrossEntropyWithLogits",
        summary="alpha CE + beta reverse CE (log 0 read as log_clip): robust to label noise.",
        references=(_SCE_REF,)),
    LossSpec(
        name="softmax_mse", expects="logits", activation="softmax", target="index",
        target_formats=("index", "one_hot", "soft"), tasks=("binary", "multiclass"), supports=_SOFTMAX_ALTERNATIVE,
        torch_equivalent="F.mse_loss(torch.softmax(x, -1), one_hot)",
        keras_equivalent="keras.losses.MeanSquaredError() on softmax outputs",
        module="SoftmaxMSE",
        summary="Mean squared error of softmax probabilities (Brier / C): slow start when confidently wrong.",
        references=("Brier, Verification of Forecasts Expressed in Terms of Probability, Monthly Weather Review 1950",)),
    LossSpec(
        name="multiclass_hinge_loss", expects="logits", activation="linear", target="index",
        target_formats=("index", "one_hot"), tasks=("binary", "multiclass"),
        supports=frozenset({"weight", "ignore_index", "class_dim", "form", "margin", "p"}),
        torch_equivalent="torch.nn.MultiMarginLoss (form='weston_watkins')",
        keras_equivalent="keras.losses.CategoricalHinge (close to form='crammer_singer')",
        module="MulticlassHingeLoss",
        summary="Multi-class SVM loss on raw scores (Weston-Watkins or Crammer-Singer): no probabilities.",
        references=("Weston & Watkins, Support Vector Machines for Multi-Class Pattern Recognition, ESANN 1999",
                    ("Crammer & Singer, On the Algorithmic Implementation of Multiclass Kernel-based Vector Machines, "
                    "JMLR 2001"))),
    LossSpec(
        name="binary_hinge_loss", expects="logits", activation="linear", target="binary",
        target_formats=("binary", "multi_hot"), tasks=("binary",), supports=frozenset({"weight", "margin", "p"}),
        torch_equivalent="(1 - (2 * y - 1) * x).clamp_min(0).mean()",
        keras_equivalent="keras.losses.Hinge() (p=1), keras.losses.SquaredHinge() (p=2)",
        module="BinaryHingeLoss",
        summary="Linear SVM loss of one raw score per output, 0/1 or -1/1 targets: no probabilities.",
        references=("https://keras.io/api/losses/hinge_losses/",)),
)

REGISTRY: Mapping[str, LossSpec] = MappingProxyType({spec.name: spec for spec in _SPECS})


@dataclass(frozen=True)
class Pairing:
    """An output activation trained with a loss family, as a user would write it in Keras 3.

    ``loss`` names the registry entry that computes it. Matched pairings use the fused logits form;
    mismatched ones feed the activation's probabilities into the probs form with Keras' conventions
    (clip at ``keras_epsilon``, and for ``cce`` renormalise the rows), which is what a Keras user gets.
    The alternatives to cross-entropy (``gce``, ``sce``, ``mse``, ``hinge``) are logits forms too; ``linear``
    means raw scores, which are no probabilities.
    """

    name: str
    activation: Activation
    family: Literal["bce", "cce", "gce", "sce", "mse", "hinge"]
    loss: str
    matched_for: tuple[str, ...]
    keras: str
    explanation: str
    keras_epsilon: float = 1e-7
    loss_options: Mapping[str, Any] = field(default_factory=dict)

    @property
    def spec(self) -> LossSpec:
        return REGISTRY[self.loss]

    def is_matched(self, task: str) -> bool:
        return task in self.matched_for

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "activation": self.activation, "family": self.family, "loss": self.loss,
                "matched_for": list(self.matched_for), "keras": self.keras, "explanation": self.explanation}


_PAIRINGS = (
    Pairing("softmax+cce", "softmax", "cce", "categorical_cross_entropy_with_logits", ("binary", "multiclass"),
            "Dense(C, activation='softmax') + CategoricalCrossentropy()",
            "Softmax makes the outputs compete: exactly one class per row, the right model for single-label data."),
    Pairing("sigmoid+bce", "sigmoid", "bce", "binary_cross_entropy_with_logits", ("binary", "multilabel"),
            "Dense(C, activation='sigmoid') + BinaryCrossentropy()",
            "Sigmoid + BCE is one independent yes/no per output: the right model for multi-label data."),
    Pairing("softmax+bce", "softmax", "bce", "binary_cross_entropy", (),
            "Dense(C, activation='softmax') + BinaryCrossentropy()",
            "BCE on softmax outputs scores each class as its own yes/no, so binary accuracy counts the "
            "correct zeros; on multi-label data softmax still lets at most one label pass 0.5."),
    Pairing("sigmoid+cce", "sigmoid", "cce", "categorical_cross_entropy", (),
            "Dense(C, activation='sigmoid') + CategoricalCrossentropy()",
            "Keras renormalises the sigmoid outputs to sum to 1 before CCE, so the loss only sees their ratios: "
            "nothing pushes the negatives down, and every output can sit above 0.5.",
            loss_options=MappingProxyType({"renormalize": True})),
    Pairing("softmax+gce", "softmax", "gce", "generalized_cross_entropy_with_logits", (),
            "Dense(C, activation='softmax') + lossmatch.keras.GeneralizedCrossentropy(q=0.7)",
            "Generalized cross-entropy (q = 0.7) scales CE's gradient by p_y^q: an example the model finds unlikely, "
            "often a wrong label, pulls with a bounded force, where CE's pull grows without bound as p_y -> 0."),
    Pairing("softmax+sce", "softmax", "sce", "symmetric_cross_entropy_with_logits", (),
            "Dense(C, activation='softmax') + lossmatch.keras.SymmetricCrossentropy(alpha=0.1, beta=1.0)",
            "Symmetric cross-entropy (0.1 CE + reverse CE) adds a bounded, MAE-like term and shrinks the unbounded "
            "CE term, so mislabeled examples are fitted less."),
    Pairing("softmax+mse", "softmax", "mse", "softmax_mse", (),
            "Dense(C, activation='softmax') + MeanSquaredError()",
            "Mean squared error on softmax outputs: its gradient vanishes as the softmax saturates on a wrong class, "
            "so training starts slower and the probabilities are less well calibrated."),
    Pairing("linear+hinge", "linear", "hinge", "multiclass_hinge_loss", (),
            "Dense(C) + lossmatch.keras.MulticlassHinge() (torch: nn.MultiMarginLoss())",
            "A multi-class hinge loss trains margins on raw scores: it gives no probabilities, so log loss and ECE "
            "are not defined for it."),
)

# What ``compare`` trains when no pairings are named: the four activation x cross-entropy combinations.
DEFAULT_PAIRINGS = ("softmax+cce", "sigmoid+bce", "softmax+bce", "sigmoid+cce")

PAIRINGS: Mapping[str, Pairing] = MappingProxyType({p.name: p for p in _PAIRINGS})


def get(name: str) -> LossSpec:
    """The spec called ``name``; a one-line error listing the known names otherwise."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise ConfigError(f"Expected a loss name ({', '.join(REGISTRY)}), but got {name!r}.") from None


def pairing(name: str) -> Pairing:
    try:
        return PAIRINGS[name]
    except KeyError:
        raise ConfigError(f"Expected a pairing name ({', '.join(PAIRINGS)}), but got {name!r}.") from None


def specs_for(task: str, *, expects: Expects | None = None) -> list[LossSpec]:
    """Specs that are a matched choice for ``task`` (optionally only the logits or probs forms)."""
    if task not in TASKS:
        raise ConfigError(f"Expected a task ({', '.join(TASKS)}), but got {task!r}.")
    return [s for s in REGISTRY.values() if task in s.tasks and (expects is None or s.expects == expects)]
