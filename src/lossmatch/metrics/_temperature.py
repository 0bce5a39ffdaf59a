"""Temperature scaling: one scalar ``T`` that minimises the NLL of ``logits / T`` (Guo et al., 2017)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

T_MIN, T_MAX = 0.05, 20.0


def fit_temperature(logits: Any, target: Any, *, task: str = "multiclass", max_iter: int = 100) -> float:
    """The temperature in ``[0.05, 20]`` minimising the NLL on ``(logits, target)``: LBFGS over ``log T`` in
    float64 (deterministic), softmax CE for multiclass, BCE for binary and multi-label logits."""
    import torch
    import torch.nn.functional as F

    z = torch.as_tensor(np.asarray(logits, dtype=np.float64))
    y = torch.as_tensor(np.asarray(target))
    sigmoid = task == "multilabel" or z.dim() == 1 or z.shape[1] == 1
    if sigmoid:
        y = y.to(torch.float64).reshape(z.shape)
    elif y.dim() == 2:
        y = y.argmax(dim=1)
    log_t = torch.zeros((), dtype=torch.float64, requires_grad=True)
    bounds = (math.log(T_MIN), math.log(T_MAX))

    def nll() -> torch.Tensor:
        scaled = z / log_t.clamp(*bounds).exp()
        return F.binary_cross_entropy_with_logits(scaled, y) if sigmoid else F.cross_entropy(scaled, y.long())

    optimizer = torch.optim.LBFGS([log_t], lr=0.5, max_iter=max_iter, line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        optimizer.zero_grad()
        loss = nll()
        loss.backward()
        return loss

    optimizer.step(closure)
    return float(log_t.detach().clamp(*bounds).exp())


def apply_temperature(logits: Any, temperature: float) -> np.ndarray:
    """``logits / T``."""
    return np.asarray(logits, dtype=np.float64) / float(temperature)
