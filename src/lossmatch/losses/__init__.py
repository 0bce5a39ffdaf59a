"""The cross-entropy family, as plain functions ``f(logits_or_probs, target, *, options)``.

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
from lossmatch.losses._smoothing import smooth_labels

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "categorical_cross_entropy",
    "categorical_cross_entropy_with_logits",
    "linear_cross_entropy",
    "sigmoid_focal_loss",
    "smooth_labels",
    "softmax_focal_loss",
    "sparse_categorical_cross_entropy",
    "sparse_categorical_cross_entropy_with_logits",
]


def __getattr__(name: str):
    if name == "linear_cross_entropy":
        from lossmatch.losses._linear import linear_cross_entropy

        return linear_cross_entropy
    raise AttributeError(f"module 'lossmatch.losses' has no attribute {name!r}")
