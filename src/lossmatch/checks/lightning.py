"""``lossmatch.lightning.LossCheck``: the training-time checks as a Lightning callback.

How it sees the batches, without an extra forward pass (the first that applies, decided per batch):

- the loss module of the LightningModule (``self.criterion = nn.CrossEntropyLoss()``, any attribute holding a torch
  or :mod:`lossmatch.nn` loss module, or the one named by ``criterion=``): its wrapped ``forward`` sees its input, target and
  value on every training call (module in training mode; validation and the sanity check run in eval mode);
- what ``training_step`` returns: a dict with ``"loss"``, the outputs the loss took under ``"logits"``,
  ``"probs"``, ``"preds"`` or ``"outputs"`` and the target under ``"target"``, ``"targets"``, ``"y"`` or
  ``"labels"``;
- otherwise only the loss value (the non-finite check; a warning after the first batch says so).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import lightning.pytorch as pl
import torch

from lossmatch._messages import expected
from lossmatch._warnings import warn_at_user
from lossmatch.checks._monitor import CallWatch, Monitor, TrainingFinding
from lossmatch.checks.guard import _entry
from lossmatch.errors import ConfigError, LossCheckError, LossInputWarning

__all__ = ["LossCheck"]

ON_ERROR = ("warn", "raise", "stop")
OUTPUT_KEYS = ("logits", "probs", "preds", "outputs")
TARGET_KEYS = ("target", "targets", "y", "labels")


class LossCheck(pl.Callback):
    """Watch ``Trainer.fit`` for the mismatches ``lossmatch audit`` names, on the real model and data.

    ``Trainer(callbacks=[lossmatch.lightning.LossCheck()])``

    Args:
        loss: the loss ``training_step`` applies, when it is a function (``F.cross_entropy``) rather than a module
            attribute: its type decides the checks that need one. Default: the loss module found on the
            LightningModule.
        criterion: the attribute name of the loss module to hook, when the LightningModule holds several.
        on_error: ``"warn"`` (a :class:`~lossmatch.LossInputWarning` per finding); ``"raise"``
            (:class:`~lossmatch.LossCheckError` out of ``trainer.fit`` at the first error or warning, the finding
            in ``error.finding``); ``"stop"`` (warn, then ``trainer.should_stop = True`` as ``EarlyStopping``
            does: the run ends after that batch). Info findings (LM016) only warn.
        ignore: rule IDs or prefixes not to report, as ``lossmatch audit --ignore`` takes them.

    Epochs are numbered from 1 (Lightning's ``current_epoch`` + 1, as its progress bar's ``Epoch 0`` is epoch 1
    here). A loss module called several times per training step counts each call as a batch.
    """

    def __init__(self, loss: Any = None, *, criterion: str | None = None, on_error: str = "warn",
                 ignore: Iterable[str] | str = ()) -> None:
        if on_error not in ON_ERROR:
            raise ConfigError(expected("on_error", "be 'warn', 'raise' or 'stop'", repr(on_error)))
        self.loss = loss
        self.criterion = criterion
        self.on_error = on_error
        self.ignore = ignore
        self.monitor = self._monitor(None)  # checks `ignore` now, not at fit
        self._handle: Any = None
        self._module: torch.nn.Module | None = None
        self._hooked_batch = False
        self._seen_outputs = False
        self._warned = False

    @property
    def findings(self) -> list[TrainingFinding]:
        """Every finding of the run so far, in the order seen."""
        return list(self.monitor.findings)

    # ------------------------------------------------------------------ Lightning hooks
    def on_fit_start(self, trainer: Any, pl_module: Any) -> None:
        criterion = self._find_criterion(pl_module)
        self.monitor = self._monitor(_entry(self.loss if self.loss is not None else criterion))
        self._module, self._seen_outputs, self._warned = pl_module, False, False
        if criterion is not None:
            self._handle = CallWatch(criterion, self._hook)

    def on_train_epoch_start(self, trainer: Any, pl_module: Any) -> None:
        self.monitor.epoch = trainer.current_epoch + 1

    def on_train_batch_end(self, trainer: Any, pl_module: Any, outputs: Any, batch: Any, batch_idx: int) -> None:
        if self._hooked_batch:
            self._hooked_batch = False
        elif isinstance(outputs, Mapping) and _pick(outputs, OUTPUT_KEYS) is not None \
                and _pick(outputs, TARGET_KEYS) is not None:
            self._seen_outputs = True
            self._step(trainer, _pick(outputs, OUTPUT_KEYS), _pick(outputs, TARGET_KEYS), outputs.get("loss"))
        else:
            loss = outputs.get("loss") if isinstance(outputs, Mapping) else outputs
            self._judge(trainer, lambda: self.monitor.observe(loss=loss))
            if not self._seen_outputs and not self._warned:
                self._warned = True
                warn_at_user("lossmatch.lightning.LossCheck sees only the loss value (the non-finite check): keep the "
                             "loss as a module attribute (self.criterion = nn.CrossEntropyLoss()) or return "
                             "{'loss': loss, 'logits': logits, 'target': y} from training_step.", LossInputWarning)

    def on_train_epoch_end(self, trainer: Any, pl_module: Any) -> None:
        self._judge(trainer, self.monitor.end_epoch)

    def on_fit_end(self, trainer: Any, pl_module: Any) -> None:
        self._remove()

    def on_exception(self, trainer: Any, pl_module: Any, exception: BaseException) -> None:
        self._remove()

    # ------------------------------------------------------------------ internals
    def _monitor(self, entry: Any) -> Monitor:
        return Monitor(entry, on_error="raise" if self.on_error == "raise" else "warn", ignore=self.ignore,
                       class_dim=1, epsilon=1e-12)

    def _find_criterion(self, pl_module: Any) -> torch.nn.Module | None:
        if self.criterion is not None:
            found = getattr(pl_module, self.criterion, None)
            if not isinstance(found, torch.nn.Module):
                raise ConfigError(expected("criterion", f"name a loss module attribute of {type(pl_module).__name__}",
                                           f"{self.criterion!r} ({type(found).__name__})"))
            return found
        losses = [(name, child) for name, child in pl_module.named_children() if _is_loss(child)]
        if len(losses) > 1:
            raise ConfigError(expected("the LightningModule", "hold one loss module for lossmatch.lightning.LossCheck",
                                       f"{len(losses)} ({', '.join(name for name, _ in losses)})",
                                       f"Name the one training_step applies: LossCheck(criterion={losses[0][0]!r})."))
        return losses[0][1] if losses else None

    def _hook(self, module: torch.nn.Module, args: tuple[Any, ...], kwargs: dict[str, Any], loss: Any) -> None:
        trainer = getattr(self._module, "_trainer", None)
        if self._module is None or not self._module.training or trainer is None or not trainer.training:
            return
        outputs = args[0] if args else kwargs.get("input")
        target = args[1] if len(args) > 1 else kwargs.get("target")
        self._hooked_batch = self._seen_outputs = True
        self._step(trainer, outputs, target, loss)

    def _step(self, trainer: Any, outputs: Any, target: Any, loss: Any) -> None:
        def step() -> None:
            if not self.monitor.started:
                self.monitor.first_batch(outputs, target)
            self.monitor.observe(outputs, target, loss)

        self._judge(trainer, step)

    def _judge(self, trainer: Any, step: Any) -> None:
        before = len(self.monitor.findings)
        try:
            step()
        except LossCheckError:
            self._remove()
            raise
        if self.on_error == "stop" and any(f.severity != "info" for f in self.monitor.findings[before:]):
            trainer.should_stop = True

    def _remove(self) -> None:
        if self._handle is not None:
            self._handle.remove()
            self._handle = None


def _is_loss(module: torch.nn.Module) -> bool:
    return isinstance(module, torch.nn.modules.loss._Loss) or type(module).__module__.startswith("lossmatch.")


def _pick(outputs: Mapping[str, Any], keys: tuple[str, ...]) -> Any:
    return next((outputs[key] for key in keys if outputs.get(key) is not None), None)
