"""``lossmatch.LossCheck``: the training-time checks in a plain PyTorch loop.

Three ways in, from the most explicit:

- ``guard.step(outputs, target, loss)`` in the loop and ``guard.epoch_end()`` after each epoch;
- ``loss = guard(outputs, target)``: calls the loss, then ``step``;
- ``with LossCheck(model, loss_fn):`` around an unchanged loop, when ``loss_fn`` is an ``nn.Module``: the loss's
  ``forward`` is wrapped for the block (a forward hook would cost more) and sees its inputs and value. Epochs end
  every ``batches_per_epoch`` training batches, when training resumes after the model ran in eval mode (a
  validation pass), and at the end of the block.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import torch

from lossmatch._messages import expected
from lossmatch.audit.runtime import loss_entry
from lossmatch.checks._monitor import CallWatch, Monitor, TrainingFinding
from lossmatch.errors import ConfigError

__all__ = ["LossCheck"]


class LossCheck:
    """Watch a PyTorch training run for the mismatches ``lossmatch audit`` names, on the real model and data.

    Args:
        model: the ``nn.Module`` being trained (optional; the hook form reads its ``training`` flag so that
            validation batches neither count nor end an epoch early).
        loss_fn: the loss the loop applies: a torch loss module or function (``nn.CrossEntropyLoss()``,
            ``F.binary_cross_entropy``), a :mod:`lossmatch.nn` module or functional loss. Another callable still
            gets the checks that need no loss type (non-finite values, a constant loss on one unit).
        on_error: ``"warn"`` (a :class:`~lossmatch.LossInputWarning` per finding) or ``"raise"``
            (:class:`~lossmatch.LossCheckError` on the first error or warning: training stops there; info findings
            such as LM016 only warn).
        ignore: rule IDs or prefixes not to report (``["LM016"]``), as ``lossmatch audit --ignore`` takes them.
        batches_per_epoch: end an epoch after this many batches (the hook form's epoch count).

    The first batch gets the runtime check of :func:`lossmatch.check_model` on the outputs the loop computed (no
    extra forward pass). Later batches add to running sums (a few tensor operations on the outputs' device, no
    host sync); ``epoch_end`` reads them once. Each rule is reported once per run, with its epoch
    (:attr:`findings`).

    Example:
        >>> import torch, lossmatch
        >>> model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Softmax(dim=1))
        >>> guard = lossmatch.LossCheck(model, torch.nn.CrossEntropyLoss(), on_error="raise")
        >>> x, y = torch.randn(8, 4), torch.randint(0, 3, (8,))
        >>> try:
        ...     loss = guard(model(x), y)
        ... except lossmatch.LossCheckError as error:
        ...     print(error.finding.rule, error.finding.epoch)
        LM001 1
    """

    def __init__(self, model: torch.nn.Module | None = None, loss_fn: Any = None, *, on_error: str = "warn",
                 ignore: Iterable[str] | str = (), batches_per_epoch: int | None = None) -> None:
        if batches_per_epoch is not None and (not isinstance(batches_per_epoch, int) or batches_per_epoch < 1):
            raise ConfigError(expected("batches_per_epoch", "be a positive integer", repr(batches_per_epoch)))
        self.model = model
        self.loss_fn = loss_fn
        self.batches_per_epoch = batches_per_epoch
        self.monitor = Monitor(_entry(loss_fn), on_error=on_error, ignore=ignore, class_dim=1, epsilon=1e-12)
        self._handle: Any = None
        self._in_eval = False

    @property
    def findings(self) -> list[TrainingFinding]:
        """Every finding of the run so far, in the order seen."""
        return list(self.monitor.findings)

    @property
    def epoch(self) -> int:
        """The epoch being watched (1 = the first)."""
        return self.monitor.epoch

    def step(self, outputs: torch.Tensor, target: Any, loss: Any = None) -> None:
        """One training batch: the model's ``outputs`` (what the loss takes), its ``target`` and the loss value
        (optional: without it the loss checks are skipped for the batch)."""
        if not self.monitor.started:
            self.monitor.first_batch(outputs, target)
        self.monitor.observe(outputs, target, loss)
        if self.batches_per_epoch is not None and self.monitor.batches >= self.batches_per_epoch:
            self.epoch_end()

    def epoch_end(self) -> list[TrainingFinding]:
        """Judge the epoch: the findings it brought (also warned or raised)."""
        return self.monitor.end_epoch()

    def __call__(self, outputs: torch.Tensor, target: Any, *args: Any, **kwargs: Any) -> Any:
        """``loss_fn(outputs, target, ...)``, checked: a drop-in for the loss call."""
        if self.loss_fn is None:
            raise ConfigError(expected("loss_fn", "be given to call the guard as the loss", "None"))
        loss = self.loss_fn(outputs, target, *args, **kwargs)
        self.step(outputs, target, loss)
        return loss

    def __enter__(self) -> LossCheck:
        if not isinstance(self.loss_fn, torch.nn.Module):
            raise ConfigError(expected("loss_fn", "be a torch.nn.Module for `with LossCheck(...)` (its forward is "
                                       "watched)", type(self.loss_fn).__name__,
                                       "For a loss function, call the guard as the loss: loss = guard(outputs, target)."))
        self._handle = CallWatch(self.loss_fn, self._hook)
        return self

    def __exit__(self, kind: Any, error: Any, traceback: Any) -> None:
        self._handle.remove()
        self._handle = None
        if kind is None:
            self.epoch_end()

    def _hook(self, module: torch.nn.Module, args: tuple[Any, ...], kwargs: dict[str, Any], loss: Any) -> None:
        outputs = args[0] if args else kwargs.get("input")
        target = args[1] if len(args) > 1 else kwargs.get("target")
        if self.model is not None and not self.model.training:
            self._in_eval = True
            return
        if self._in_eval:  # training again after a validation pass: the epoch before it is over
            self._in_eval = False
            self.epoch_end()
        self.step(outputs, target, loss)


def _entry(loss_fn: Any) -> Any:
    if loss_fn is None:
        return None
    try:
        return loss_entry(loss_fn)
    except ConfigError:  # a loss of the user's own: the checks that need its type are skipped
        return None
