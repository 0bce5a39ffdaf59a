"""Label smoothing, as its own function composed with the losses (optax style)."""

from __future__ import annotations

import torch

from lossmatch._validation import check_probability_option, check_tensor, expected
from lossmatch.errors import LossmatchValueError
from lossmatch.losses._common import smoothing_as_uniform


def smooth_labels(target: torch.Tensor, epsilon: float, num_classes: int | None = None, *,
                  class_dim: int = -1, convention: str = "uniform") -> torch.Tensor:
    r"""Mix one-hot (or soft) targets with the uniform distribution.

    .. math:: \tilde y_c = (1 - \varepsilon)\, y_c + \varepsilon / C \quad\text{("uniform")}, \qquad
              \tilde y_c = (1 - \varepsilon)\, y_c + \tfrac{\varepsilon}{C - 1} (1 - y_c) \quad\text{("others")}

    The two ways label smoothing is written: ``"uniform"`` spreads ``eps`` over every class (torch's
    ``label_smoothing``, Keras), so the true class keeps ``1 - eps + eps / C``; ``"others"`` keeps exactly
    ``1 - eps`` on the true class and gives ``eps / (C - 1)`` to each other one (``eps <= (C - 1) / C``). The
    second is the first with ``eps C / (C - 1)``.

    Args:
        target: integer class indices of shape ``(N, ...)`` (then ``num_classes`` is required and a one-hot
            of shape ``(N, ..., C)`` is built), or one-hot/soft targets with ``C`` along ``class_dim``.
        epsilon: smoothing in [0, 1]; 0 returns the targets unchanged (as floats).
        num_classes: ``C`` for index targets; checked against the class dimension for float targets.
        class_dim: the class dimension of float targets.
        convention: ``"uniform"`` or ``"others"`` (above).

    Returns:
        Float targets with each row still summing to what it summed to before (1 for one-hot rows).

    This is the categorical convention (torch's ``label_smoothing``, Keras' CategoricalCrossentropy). For
    binary cross-entropy lossmatch moves each target towards 0.5 instead: ``y (1 - eps) + eps / 2``, the
    ``C = 2`` case applied per output, as Keras' BinaryCrossentropy does.

    Example:
        >>> smooth_labels(torch.tensor([0, 2]), 0.1, num_classes=3)
        tensor([[0.9333, 0.0333, 0.0333],
                [0.0333, 0.0333, 0.9333]])
        >>> smooth_labels(torch.tensor([0, 2]), 0.1, num_classes=3, convention="others")
        tensor([[0.9000, 0.0500, 0.0500],
                [0.0500, 0.0500, 0.9000]])
    """
    check_tensor("target", target)
    check_probability_option("epsilon", epsilon, upper_inclusive=True)
    if not target.is_floating_point():
        if num_classes is None:
            raise LossmatchValueError(expected("num_classes", "be given for integer class-index targets", "None"))
        target = torch.nn.functional.one_hot(target.long(), num_classes).float()
        class_dim = -1
    size = target.shape[class_dim]
    if num_classes is not None and num_classes != size:
        raise LossmatchValueError(expected("num_classes", f"equal the size of the class dimension ({size})", str(num_classes)))
    epsilon = smoothing_as_uniform(epsilon, size, convention)
    if epsilon == 0:
        return target
    return target * (1.0 - epsilon) + epsilon / size
