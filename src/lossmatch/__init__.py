"""lossmatch: match the cross-entropy loss to the structure of the labels, and measure what a mismatch costs.

Import is cheap: every public name is resolved on first use, so torch loads with the first loss function and
advise, audit, compare and metrics load their heavy dependencies (scikit-learn, pyarrow, matplotlib, keras) only
when used; ``lossmatch audit`` never imports torch.
"""

from __future__ import annotations

import importlib
from typing import Any

from lossmatch.errors import (
    ConfigError,
    DataError,
    LossCheckError,
    LossInputWarning,
    LossmatchError,
    LossmatchTypeError,
    LossmatchValueError,
    TargetFormatError,
)
from lossmatch.registry import PAIRINGS, REGISTRY, LossSpec, Pairing

__version__ = "0.1.0"

# Public names whose modules pull in heavy dependencies: resolved on first attribute access.
_LAZY = {
    **dict.fromkeys(("binary_cross_entropy", "binary_cross_entropy_with_logits", "categorical_cross_entropy",
                     "categorical_cross_entropy_with_logits", "sparse_categorical_cross_entropy",
                     "sparse_categorical_cross_entropy_with_logits", "sigmoid_focal_loss", "softmax_focal_loss",
                     "smooth_labels", "generalized_cross_entropy_with_logits", "symmetric_cross_entropy_with_logits",
                     "softmax_mse", "multiclass_hinge_loss", "binary_hinge_loss"), "lossmatch.losses"),
    "linear_cross_entropy": "lossmatch.losses",
    "advise": "lossmatch.labels",
    "LabelReport": "lossmatch.labels",
    "audit_source": "lossmatch.audit",
    "audit_paths": "lossmatch.audit",
    "check_model": "lossmatch.audit",
    "Finding": "lossmatch.audit",
    "LossCheck": "lossmatch.checks",
    "compare": "lossmatch.comparison",
    "CompareResult": "lossmatch.comparison",
    "score": "lossmatch.metrics",
    "evaluate": "lossmatch.metrics",
}

__all__ = [
    "__version__",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "categorical_cross_entropy",
    "categorical_cross_entropy_with_logits",
    "sparse_categorical_cross_entropy",
    "sparse_categorical_cross_entropy_with_logits",
    "sigmoid_focal_loss",
    "softmax_focal_loss",
    "smooth_labels",
    "LossSpec",
    "Pairing",
    "REGISTRY",
    "PAIRINGS",
    "LossmatchError",
    "LossmatchTypeError",
    "LossmatchValueError",
    "TargetFormatError",
    "ConfigError",
    "DataError",
    "LossCheckError",
    "LossInputWarning",
    *_LAZY,
]


# Subpackages reachable as attributes after a bare ``import lossmatch`` (as ``torch.nn`` is), imported on first use.
_SUBMODULES = ("nn", "keras", "lightning", "losses", "registry", "labels", "metrics", "audit", "comparison", "checks")


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"lossmatch.{name}")
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'lossmatch' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY) | set(_SUBMODULES))
