"""The cross-entropy family and its alternatives (GCE, SCE, softmax MSE, hinge), as plain functions ``f(logits_or_probs, target, *, options)``.

The name says the input domain (``*_with_logits`` applies the activation itself) and the target format
(``sparse_*`` takes class indices). Module wrappers are in :mod:`lossmatch.nn`, Keras 3 adapters in
:mod:`lossmatch.keras`.
"""

from lossmatch.losses._binary import binary_cross_entropy, binary_cross_entropy_with_logits
from lossmatch.losses._categorical import (
    categorical_cross_entropy,
    categorical_cross_entropy_with_logits,
    sparse_categorical_cross_entropy,
    sparse_categorical_cross_entropy_with_logits,
)
from lossmatch.losses._focal import sigmoid_focal_loss, softmax_focal_loss
from lossmatch.losses._hinge import binary_hinge_loss, multiclass_hinge_loss
from lossmatch.losses._robust import (
    generalized_cross_entropy_with_logits,
    softmax_mse,
    symmetric_cross_entropy_with_logits,
)
from lossmatch.losses._smoothing import smooth_labels

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "binary_hinge_loss",
    "categorical_cross_entropy",
    "categorical_cross_entropy_with_logits",
    "generalized_cross_entropy_with_logits",
    "linear_cross_entropy",
    "multiclass_hinge_loss",
    "sigmoid_focal_loss",
    "smooth_labels",
    "softmax_focal_loss",
    "softmax_mse",
    "sparse_categorical_cross_entropy",
    "sparse_categorical_cross_entropy_with_logits",
    "symmetric_cross_entropy_with_logits",
]


def __getattr__(name: str):
    if name == "linear_cross_entropy":
        from lossmatch.losses._linear import linear_cross_entropy

        return linear_cross_entropy
    raise AttributeError(f"module 'lossmatch.losses' has no attribute {name!r}")
