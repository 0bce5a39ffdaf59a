"""``lossmatch.keras.LossCheck``: the training-time checks as a Keras 3 callback (``KERAS_BACKEND=torch``).

How it sees the batches: a callback gets only the logs, so at ``on_train_begin`` it wraps the model's
``compute_loss`` (an attribute on this model object, removed at ``on_train_end`` or when the check raises). The
wrapper calls the original, then hands the ``y``, ``y_pred`` and loss value of the train step to the monitor: the
outputs Keras computed anyway, no extra forward pass. What it costs per batch: a few tensor operations on
``y_pred`` (running sums on its device, no host sync); the epoch's sums are read once at ``on_epoch_end``.
Validation batches (``on_test_begin`` to ``on_test_end``) are not counted.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from typing import Any

import keras
import torch

from lossmatch._messages import expected
from lossmatch._warnings import warn_at_user
from lossmatch.audit import catalogue
from lossmatch.audit.runtime import loss_entry
from lossmatch.checks._monitor import Monitor, TrainingFinding
from lossmatch.errors import ConfigError, LossCheckError, LossInputWarning

__all__ = ["LossCheck"]

ON_ERROR = ("warn", "raise", "stop")
SLICE_ROWS = 64
_BINARY_METRICS = ("binary_accuracy", "BinaryAccuracy")


class LossCheck(keras.callbacks.Callback):
    """Watch ``model.fit`` for the mismatches ``lossmatch audit`` names, on the real model and data.

    ``model.fit(x, y, epochs=10, callbacks=[lossmatch.keras.LossCheck()])``

    Args:
        validation_data: ``(x, y)`` (optional): the first-batch check runs at ``on_train_begin`` on its first
            64 rows, before the first weight update (one forward pass on that slice, in inference mode). Without
            it the check runs on the first training batch's outputs.
        on_error: ``"warn"`` (a :class:`~lossmatch.LossInputWarning` per finding); ``"raise"``
            (:class:`~lossmatch.LossCheckError` out of ``fit`` at the first error or warning, the finding in
            ``error.finding``; the model keeps the weights it had); ``"stop"`` (warn, then
            ``model.stop_training = True`` as ``TerminateOnNaN`` does: ``fit`` returns after that batch with its
            History). Info findings (LM016) only warn.
        ignore: rule IDs or prefixes not to report (``["LM016"]``), as ``lossmatch audit --ignore`` takes them.

    The loss is read from ``model.compile(loss=...)`` (a Keras loss object, function or name, or a
    :mod:`lossmatch.keras` adapter); a loss of one's own still gets the checks that need no loss type.
    ``metrics=["binary_accuracy"]`` in ``compile`` turns on the inflated-accuracy check (LM022) whatever the loss,
    since that is the number the logs show. Epochs are numbered as Keras prints them (``Epoch 1/N`` is epoch 1).
    Models of one output; a ``train_step`` of one's own that does not call ``compute_loss`` is not seen (a
    warning says so at the end of the first epoch). Not under ``jit_compile=True`` (a warning says so); each
    ``fit`` call is a run of its own.
    """

    def __init__(self, validation_data: Any = None, *, on_error: str = "warn", ignore: Iterable[str] | str = ()
                 ) -> None:
        super().__init__()
        if keras.backend.backend() != "torch":
            raise ConfigError(expected("the Keras backend", "be torch for lossmatch.keras.LossCheck (KERAS_BACKEND=torch)",
                                       repr(keras.backend.backend())))
        if on_error not in ON_ERROR:
            raise ConfigError(expected("on_error", "be 'warn', 'raise' or 'stop'", repr(on_error)))
        if validation_data is not None and not (isinstance(validation_data, (list, tuple)) and len(validation_data) >= 2):
            raise ConfigError(expected("validation_data", "be (x, y)", type(validation_data).__name__))
        self.validation_data = validation_data
        self.on_error = on_error
        self.ignore = ignore
        self.monitor = Monitor(None, on_error="raise" if on_error == "raise" else "warn", ignore=ignore)
        self._in_test = False
        self._wrapped = False
        self._unseen_warned = False

    @property
    def findings(self) -> list[TrainingFinding]:
        """Every finding of the run so far, in the order seen."""
        return list(self.monitor.findings)

    # ------------------------------------------------------------------ Keras hooks
    def on_train_begin(self, logs: Any = None) -> None:
        model = self.model
        outputs = getattr(model, "outputs", None)
        if outputs is not None and len(outputs) != 1:
            raise ConfigError(expected("model", "have one output for lossmatch.keras.LossCheck",
                                       f"{len(outputs)} outputs"))
        self.monitor = Monitor(_entry(getattr(model, "loss", None)),
                               on_error="raise" if self.on_error == "raise" else "warn", ignore=self.ignore,
                               class_dim=-1, epsilon=keras.config.epsilon(), binary_metric=_binary_metric(model))
        self._unseen_warned = False
        if getattr(model, "jit_compile", False) is True:
            self._unseen_warned = True
            warn_at_user("lossmatch.keras.LossCheck does not watch a model compiled with jit_compile=True (torch.compile "
                         "would trace the check); only validation_data's first-batch check runs.", LossInputWarning)
        else:
            self._wrap()
        if self.validation_data is not None:
            x, y = self.validation_data[0], self.validation_data[1]
            with torch.no_grad():
                outputs = model(_head(x), training=False)
            self._judge(lambda: self.monitor.first_batch(outputs, _head(y)))

    def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
        self.monitor.epoch = epoch + 1  # Keras counts from 0 and prints epoch + 1

    def on_test_begin(self, logs: Any = None) -> None:
        self._in_test = True

    def on_test_end(self, logs: Any = None) -> None:
        self._in_test = False

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        if not self.monitor.batches and not self._unseen_warned:
            self._unseen_warned = True
            warn_at_user("lossmatch.keras.LossCheck saw no training batch in this epoch: the model's train_step does "
                         "not call compute_loss. Only validation_data's first-batch check ran.", LossInputWarning)
        self._judge(self.monitor.end_epoch)

    def on_train_end(self, logs: Any = None) -> None:
        self._unwrap()

    # ------------------------------------------------------------------ the wrapped compute_loss
    def _wrap(self) -> None:
        model = self.model
        self._unwrap()
        original = model.compute_loss  # bound: the model's own override if it has one
        if getattr(original, "_lossmatch_check", False):  # left by a fit that ended in an error: not chained
            original = original.__wrapped__
        takes_training = "training" in inspect.signature(original).parameters  # added in Keras 3.3
        callback = self

        def compute_loss(x: Any = None, y: Any = None, y_pred: Any = None, sample_weight: Any = None,
                         training: bool = True) -> Any:
            loss = (original(x, y, y_pred, sample_weight, training=training) if takes_training
                    else original(x, y, y_pred, sample_weight))
            if training and not callback._in_test and y_pred is not None and not isinstance(y_pred, (list, tuple, dict)):
                callback._judge(lambda: callback._observe(y_pred, y, loss))
            return loss

        compute_loss.__wrapped__ = original  # type: ignore[attr-defined]
        compute_loss._lossmatch_check = True  # type: ignore[attr-defined]
        model.__dict__["compute_loss"] = compute_loss  # an instance attribute: the class's method is untouched
        self._wrapped = True

    def _unwrap(self) -> None:
        if self._wrapped:
            self.model.__dict__.pop("compute_loss", None)
            self._wrapped = False

    def _observe(self, y_pred: Any, y: Any, loss: Any) -> None:
        if not self.monitor.started:
            self.monitor.first_batch(y_pred, y)
        self.monitor.observe(y_pred, y, loss)

    def _judge(self, step: Any) -> None:
        """Run a monitor step; ``"raise"``: the model gets its own ``compute_loss`` back before the error leaves
        ``fit``; ``"stop"``: a new error or warning stops training after this batch."""
        before = len(self.monitor.findings)
        try:
            step()
        except LossCheckError:
            self._unwrap()
            raise
        new = self.monitor.findings[before:]
        if self.on_error == "stop" and any(f.severity != "info" for f in new):
            self.model.stop_training = True


def _head(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return type(value)(_head(v) for v in value)
    if isinstance(value, dict):
        return {k: _head(v) for k, v in value.items()}
    return value[:SLICE_ROWS]


def _entry(loss: Any) -> Any:
    """What the compiled loss applies and takes, or ``None`` (not given, several, or one of the user's own)."""
    if loss is None or isinstance(loss, (list, tuple, dict)):
        return None
    if type(loss).__module__ == "lossmatch.losses.keras":  # the adapters go by Keras' names and from_logits
        found = catalogue.loss_for_keras_name(type(loss).__name__)
        return found.with_logits(bool(loss.from_logits)) if found is not None else None
    try:
        return loss_entry(loss)
    except ConfigError:
        return None


def _binary_metric(model: Any) -> bool:
    """Whether ``compile(metrics=...)`` asked for binary accuracy by name, class or function."""
    compiled = getattr(model, "_compile_metrics", None)
    if compiled is None:
        return False
    found: list[Any] = []
    for given in (getattr(compiled, "_user_metrics", None), getattr(compiled, "_user_weighted_metrics", None)):
        found.extend(keras.tree.flatten(given) if given is not None else [])
    for metric in found:
        name = metric if isinstance(metric, str) else getattr(metric, "__name__", None) or type(metric).__name__
        if name in _BINARY_METRICS or isinstance(metric, keras.metrics.BinaryAccuracy):
            return True
    return False
