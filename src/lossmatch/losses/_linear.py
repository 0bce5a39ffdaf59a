"""Exact cross-entropy of a linear head without the ``N x V`` logits: ``linear_cross_entropy``.

The loss of ``softmax(hidden @ weight.T + bias)`` against class indices is computed block by block of rows:
each block's ``(rows, V)`` logits live in one buffer of at most ``memory_budget`` bytes, reused in place for the
log-sum-exp, the probabilities and the logits' gradient. Only per-row statistics outlive a block.

Per valid row ``i`` with target ``t``, class weights ``w`` (ones when absent), ``S_w = sum_c w_c`` and
smoothing ``eps`` over ``V`` classes (torch's semantics)::

    loss_i = (1 - eps) w_t (lse_i - z_it) + eps / V (S_w lse_i - sum_c w_c z_ic)
    dloss_i / dz_ic = a_i p_ic - (1 - eps) w_t [c == t] - eps / V w_c,    a_i = (1 - eps) w_t + eps S_w / V

so ``grad_hidden = dZ @ W``, ``grad_weight = dZ.T @ hidden`` and ``grad_bias = dZ.sum(0)``.

When a scalar reduction is asked for and an input needs a gradient, the gradients are computed in the same
pass as the loss (three matrix products in all, as many as the naive computation) and scaled by the incoming
gradient in ``backward``; for ``reduction="none"`` ``backward`` recomputes each block's logits (four products).
"""

from __future__ import annotations

import torch

from lossmatch._validation import check_floating, check_index_target, check_tensor, check_weight, expected, show_shape
from lossmatch.errors import ConfigError, LossmatchTypeError, LossmatchValueError, TargetFormatError
from lossmatch.losses._common import check_common_options, smoothing_as_uniform, upcast

DEFAULT_MEMORY_BUDGET = 128 * 2**20  # bytes for one block of fp32 logits
_BYTES_FP32 = 4


def _check_inputs(hidden, weight, target, bias, class_weight, ignore_index, label_smoothing, reduction, chunk_size,
                  memory_budget) -> None:
    check_tensor("hidden", hidden)
    check_tensor("weight", weight)
    check_floating("hidden", hidden)
    check_floating("weight", weight)
    if weight.dim() != 2:
        raise LossmatchValueError(expected("weight", "be a 2-D (num_classes, in_features) matrix", show_shape(weight.shape)))
    if hidden.dim() == 0 or hidden.shape[-1] != weight.shape[1]:
        raise LossmatchValueError(expected("hidden", f"end in the {weight.shape[1]} features of `weight` {show_shape(weight.shape)}",
                                           show_shape(hidden.shape)))
    if hidden.dtype != weight.dtype or hidden.device != weight.device:
        raise LossmatchTypeError(expected("weight", f"have the dtype and device of `hidden` ({hidden.dtype}, {hidden.device})",
                                          f"{weight.dtype}, {weight.device}"))
    if bias is not None:
        check_tensor("bias", bias)
        if bias.shape != (weight.shape[0],):
            raise LossmatchValueError(expected("bias", f"have shape ({weight.shape[0]},)", show_shape(bias.shape)))
        if bias.dtype != weight.dtype:
            raise LossmatchTypeError(expected("bias", f"have the dtype of `weight` ({weight.dtype})", f"dtype {bias.dtype}"))
    check_tensor("target", target)
    if target.shape != hidden.shape[:-1]:
        raise TargetFormatError(expected("target", f"have shape {tuple(hidden.shape[:-1])} (`hidden` without its feature dimension)",
                                         show_shape(target.shape)))
    if target.numel() == 0:
        raise LossmatchValueError(expected("hidden", "hold at least one row", show_shape(hidden.shape)))
    check_index_target(target, weight.shape[0], ignore_index)
    check_weight("class_weight", class_weight, weight.shape[0], "class")
    check_common_options(reduction=reduction, label_smoothing=label_smoothing)
    if chunk_size is not None and (isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1):
        raise ConfigError(expected("chunk_size", "be None or a positive number of rows", repr(chunk_size)))
    if memory_budget is not None and (isinstance(memory_budget, bool) or not isinstance(memory_budget, int) or memory_budget < 1):
        raise ConfigError(expected("memory_budget", "be None or a positive number of bytes", repr(memory_budget)))


def _rows_per_block(num_classes: int, chunk_size: int | None, memory_budget: int | None) -> int:
    if chunk_size is not None:
        return chunk_size
    budget = DEFAULT_MEMORY_BUDGET if memory_budget is None else memory_budget
    return max(1, budget // (num_classes * _BYTES_FP32))


class _Head:
    """The fp32 view of one problem: valid rows, their targets and per-row weights, the classifier."""

    def __init__(self, hidden, weight, bias, target, class_weight, label_smoothing, rows_per_block):
        self.h = upcast(hidden)
        self.w = upcast(weight)
        self.b = None if bias is None else upcast(bias)
        self.t = target
        self.eps = float(label_smoothing)
        self.num_classes = weight.shape[0]
        self.cw = None if class_weight is None else class_weight.to(device=self.h.device, dtype=self.h.dtype)
        self.row_w = torch.ones(target.shape[0], dtype=self.h.dtype, device=self.h.device) if self.cw is None else self.cw[target]
        self.sum_w = float(self.num_classes) if self.cw is None else self.cw.sum()
        self.rows = rows_per_block

    def scalar_scale(self, mean: bool) -> torch.Tensor:
        """``dloss/dloss_i`` of a scalar reduction: ``1 / sum_i w_{t_i}`` for the (weighted) mean, else 1."""
        one = torch.ones((), dtype=self.h.dtype, device=self.h.device)
        return one / self.row_w.sum() if mean else one

    def blocks(self):
        for start in range(0, self.h.shape[0], self.rows):
            yield slice(start, min(start + self.rows, self.h.shape[0]))

    def logits(self, block: slice, out: torch.Tensor | None) -> torch.Tensor:
        h = self.h[block]
        if self.b is None:
            return torch.mm(h, self.w.T, out=out)
        return torch.addmm(self.b, h, self.w.T, out=out)

    def loss_and_probs(self, block: slice, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Per-row loss, max and sum of exponentials of a block; turns ``z`` into the probabilities in place."""
        t = self.t[block]
        z_t = z.gather(1, t.unsqueeze(1)).squeeze(1)
        weighted_sum = None
        if self.eps:
            weighted_sum = z.sum(1) if self.cw is None else z @ self.cw
        top = z.amax(1, keepdim=True)
        z.sub_(top).exp_()
        total = z.sum(1, keepdim=True)
        z.div_(total)
        lse = (top + total.log()).squeeze(1)
        loss = (1.0 - self.eps) * self.row_w[block] * (lse - z_t)  # -log p_t = lse - z_t
        if self.eps:
            loss = loss + (self.eps / self.num_classes) * (self.sum_w * lse - weighted_sum)
        return loss, top.squeeze(1), total.squeeze(1)

    def probs(self, block: slice, z: torch.Tensor, top: torch.Tensor, total: torch.Tensor) -> None:
        """The forward pass's probabilities again, by the same operations (so gradients are reproducible)."""
        z.sub_(top[block].unsqueeze(1)).exp_().div_(total[block].unsqueeze(1))

    def grad_logits_(self, block: slice, p: torch.Tensor, scale: torch.Tensor) -> torch.Tensor:
        """Turn the probabilities ``p`` into ``scale_i * dloss_i/dz`` in place."""
        row_w = self.row_w[block]
        t = self.t[block]
        a = (1.0 - self.eps) * row_w + (self.eps * self.sum_w / self.num_classes if self.eps else 0.0)
        p.mul_((a * scale).unsqueeze(1))
        p.scatter_add_(1, t.unsqueeze(1), (-(1.0 - self.eps) * row_w * scale).unsqueeze(1))
        if self.eps:
            smooth = (self.eps / self.num_classes) * scale
            if self.cw is None:
                p.sub_(smooth.unsqueeze(1))
            else:
                p.addr_(smooth, self.cw, alpha=-1.0)
        return p

    def accumulate(self, block: slice, dz: torch.Tensor, grads: dict[str, torch.Tensor]) -> None:
        if "hidden" in grads:
            torch.mm(dz, self.w, out=grads["hidden"][block])
        if "weight" in grads:
            grads["weight"].addmm_(dz.T, self.h[block])
        if "bias" in grads:
            grads["bias"].add_(dz.sum(0))

    def new_grads(self, needs_hidden: bool, needs_weight: bool, needs_bias: bool) -> dict[str, torch.Tensor]:
        grads = {}
        if needs_hidden:
            grads["hidden"] = torch.empty_like(self.h)
        if needs_weight:
            grads["weight"] = torch.zeros_like(self.w)
        if needs_bias:
            grads["bias"] = torch.zeros(self.num_classes, dtype=self.h.dtype, device=self.h.device)
        return grads

    def buffer(self) -> torch.Tensor:
        return torch.empty(min(self.rows, self.h.shape[0]), self.num_classes, dtype=self.h.dtype, device=self.h.device)


def _scatter_rows(values: torch.Tensor, rows: torch.Tensor | None, total: int) -> torch.Tensor:
    """Put the valid rows' values back among all rows (zeros for ignored ones)."""
    if rows is None:
        return values
    full = values.new_zeros((total, *values.shape[1:]))
    return full.index_copy_(0, rows, values)


class _LinearCrossEntropy(torch.autograd.Function):
    @staticmethod
    def forward(ctx, hidden, weight, bias, target, class_weight, ignore_index, label_smoothing, reduction, rows):
        flat_hidden = hidden.reshape(-1, hidden.shape[-1])
        flat_target = target.reshape(-1)
        valid = flat_target != ignore_index
        kept = None if bool(valid.all()) else valid.nonzero().squeeze(1)
        rows_hidden = flat_hidden if kept is None else flat_hidden.index_select(0, kept)
        rows_target = (flat_target if kept is None else flat_target.index_select(0, kept)).long()
        head = _Head(rows_hidden, weight, bias, rows_target, class_weight, label_smoothing, rows)

        needs_hidden, needs_weight, needs_bias = ctx.needs_input_grad[:3]
        fused = reduction != "none" and (needs_hidden or needs_weight or needs_bias)
        grads = head.new_grads(needs_hidden, needs_weight, needs_bias) if fused else {}
        per_row = torch.empty(rows_target.shape[0], dtype=head.h.dtype, device=head.h.device)
        top, total = torch.empty_like(per_row), torch.empty_like(per_row)
        if rows_target.numel():
            buffer = head.buffer()
            scale = head.scalar_scale(reduction == "mean") if fused else None
            for block in head.blocks():
                z = head.logits(block, buffer[: block.stop - block.start])
                per_row[block], top[block], total[block] = head.loss_and_probs(block, z)
                if fused:
                    head.accumulate(block, head.grad_logits_(block, z, scale.expand(block.stop - block.start)), grads)

        if reduction == "none":
            loss = _scatter_rows(per_row, kept, flat_target.shape[0]).reshape(target.shape)
        elif reduction == "sum":
            loss = per_row.sum()
        else:
            loss = per_row.sum() / head.row_w.sum()
        ctx.shapes = (hidden.shape, hidden.dtype, weight.dtype, flat_target.shape[0])
        ctx.head, ctx.kept = head, kept
        # Handed over (not copied) on the first backward, so autograd can take them as .grad without a clone;
        # a second backward (retain_graph=True) recomputes them from the saved row statistics.
        ctx.grads = grads if fused else None
        ctx.scalar, ctx.mean = reduction != "none", reduction == "mean"
        ctx.save_for_backward(top, total)
        return loss

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, grad_output):
        hidden_shape, hidden_dtype, weight_dtype, total_rows = ctx.shapes
        head, grads = ctx.head, ctx.grads
        ctx.grads = None
        if grads is None:
            # reduction="none", or a second backward: recompute block by block from the saved row statistics
            top, total = ctx.saved_tensors
            if ctx.scalar:
                scale = head.scalar_scale(ctx.mean).expand(head.t.shape[0])
            else:
                scale = grad_output.reshape(-1)
                scale = (scale if ctx.kept is None else scale.index_select(0, ctx.kept)).to(head.h.dtype)
            grads = head.new_grads(*ctx.needs_input_grad[:3])
            if head.t.numel():
                buffer = head.buffer()
                for block in head.blocks():
                    z = head.logits(block, buffer[: block.stop - block.start])
                    head.probs(block, z, top, total)
                    head.accumulate(block, head.grad_logits_(block, z, scale[block]), grads)
        if ctx.scalar:
            g = grad_output.to(head.h.dtype)
            if not bool(g == 1):
                grads = {key: value * g for key, value in grads.items()}
        grad_hidden = grads.get("hidden")
        if grad_hidden is not None:
            grad_hidden = _scatter_rows(grad_hidden, ctx.kept, total_rows).reshape(hidden_shape).to(hidden_dtype)
        grad_weight = grads.get("weight")
        grad_bias = grads.get("bias")
        if grad_weight is not None:
            grad_weight = grad_weight.to(weight_dtype)
        if grad_bias is not None:
            grad_bias = grad_bias.to(weight_dtype)
        return grad_hidden, grad_weight, grad_bias, None, None, None, None, None, None


def linear_cross_entropy(
    hidden: torch.Tensor,
    weight: torch.Tensor,
    target: torch.Tensor,
    *,
    bias: torch.Tensor | None = None,
    ignore_index: int = -100,
    label_smoothing: float = 0.0,
    smoothing_convention: str = "uniform",
    class_weight: torch.Tensor | None = None,
    reduction: str = "mean",
    chunk_size: int | None = None,
    memory_budget: int | None = None,
) -> torch.Tensor:
    r"""Sparse categorical cross-entropy of a linear classifier, without materialising its logits.

    Equal to ``sparse_categorical_cross_entropy_with_logits(hidden @ weight.T + bias, target, ...)`` (and to
    ``F.cross_entropy``), with gradients for ``hidden``, ``weight`` and ``bias``:

    .. math:: \ell_n = (1-\varepsilon)\, w_{y_n} (\mathrm{lse}_n - z_{n,y_n})
              + \tfrac{\varepsilon}{V} \textstyle\sum_c w_c (\mathrm{lse}_n - z_{n,c}),
              \qquad z_n = W h_n + b,\ \mathrm{lse}_n = \log\sum_c e^{z_{n,c}}

    The rows are processed in blocks whose ``(rows, V)`` fp32 logits fit ``memory_budget`` (default 128 MiB);
    peak extra memory is one such block plus per-row statistics, instead of the several ``N x V`` tensors of
    the naive computation (logits, log-probabilities and their gradient). Ignored rows are dropped before any
    product. fp16/bf16 inputs are computed in fp32 (which costs an fp32 copy of ``weight``); gradients come
    back in the inputs' dtypes. For a scalar reduction the gradients are computed in the forward pass when an
    input requires them; for ``"none"`` the backward pass recomputes each block.

    Args:
        hidden: ``(..., D)`` features; leading dimensions (e.g. batch and time) are flattened.
        weight: ``(V, D)`` classifier matrix (``nn.Linear(D, V).weight``), same dtype and device as ``hidden``.
        target: integer class indices of shape ``hidden.shape[:-1]``; ``ignore_index`` entries cost nothing.
        bias: optional ``(V,)``.
        ignore_index: target value that contributes neither loss nor gradient.
        label_smoothing: ``eps`` in ``[0, 1]``, torch's form (the uniform part weighted by ``class_weight``).
        smoothing_convention: ``"uniform"`` (torch) or ``"others"`` (``1 - eps`` on the true class, ``eps / (V - 1)``
            on each other one), as in :func:`lossmatch.smooth_labels`.
        class_weight: per-class weights ``(V,)``; ``"mean"`` divides by :math:`\sum_n w_{y_n}` (torch).
        reduction: ``"mean"``, ``"sum"`` or ``"none"`` (shape of ``target``, zeros where ignored).
        chunk_size: rows per block; overrides ``memory_budget``.
        memory_budget: bytes allowed for one block of logits.

    Returns:
        A scalar (fp32 for fp16/bf16 inputs), or the per-row loss for ``"none"``.

    Mismatch:
        Large-vocabulary heads are single-label (one next token, one item): a multi-label target has no
        index form; use ``binary_cross_entropy_with_logits`` on materialised logits instead.

    Example:
        >>> torch.manual_seed(0)
        <torch._C.Generator object at ...>
        >>> hidden, weight = torch.randn(6, 4), torch.randn(50, 4)
        >>> target = torch.tensor([1, 7, 49, 0, -100, 3])
        >>> naive = torch.nn.functional.cross_entropy(hidden @ weight.T, target)
        >>> bool(torch.allclose(linear_cross_entropy(hidden, weight, target, chunk_size=4), naive))
        True

    References:
        Wijmans et al., Cut Your Losses in Large-Vocabulary Language Models, ICLR 2025 (cut-cross-entropy).
        Hsu et al., Liger Kernel: Efficient Triton Kernels for LLM Training, 2024 (fused linear cross-entropy).

    See also:
        :func:`sparse_categorical_cross_entropy_with_logits` (materialised logits),
        :class:`lossmatch.nn.LinearCrossEntropy` (owns ``weight`` and ``bias``), ``F.cross_entropy``.
    """
    _check_inputs(hidden, weight, target, bias, class_weight, ignore_index, label_smoothing, reduction, chunk_size,
                  memory_budget)
    label_smoothing = smoothing_as_uniform(label_smoothing, weight.shape[0], smoothing_convention)
    rows = _rows_per_block(weight.shape[0], chunk_size, memory_budget)
    return _LinearCrossEntropy.apply(hidden, weight, bias, target, class_weight, ignore_index, label_smoothing,
                                     reduction, rows)
