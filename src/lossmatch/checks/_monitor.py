"""The training-time checks behind every front door (plain torch, Keras, Lightning): what a run shows about the
loss, judged against the audit's rules, each rule reported once per run with its epoch and numbers.

Three moments:
- the first batch: the runtime check (:func:`lossmatch.audit.runtime.check_outputs`) on the outputs the model
  already produced; it also decides which of the running sums below can say anything about this run;
- every batch: running sums of the outputs, targets and loss, kept as tensors on the outputs' device (O(1) state,
  nothing stored, no host sync);
- the end of an epoch: the sums read once, judged, and reset.

What the sums catch: binary accuracy far above top-1 on single-label targets with a per-unit loss (LM022), fewer
labels passing 0.5 per row than the multi-label targets hold under a softmax (LM017), a loss that never moves on a
one-unit output (LM013), a non-finite loss or output (LM042), probabilities saturated on the wrong side of the
target under a probabilities loss (LM043).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import torch

from lossmatch._messages import expected
from lossmatch._warnings import warn_at_user
from lossmatch.audit.catalogue import LossEntry
from lossmatch.audit.rules import Finding, make_finding, select_rules
from lossmatch.audit.runtime import check_outputs, output_kind, target_labels
from lossmatch.errors import ConfigError, LossCheckError, LossInputWarning

__all__ = ["Monitor", "TrainingFinding"]

PATH = "<training>"
ON_ERROR = ("warn", "raise")
# Far enough apart to be the mismatch, not early training: binary accuracy reads (K-1)/K for a model that predicts
# no class at all, so a matched softmax model also shows a gap early on; the rule needs a per-unit loss too.
ACCURACY_GAP = 0.2
# A softmax passes at most one label per row; a matched sigmoid model that predicts half the labels is not collapsed.
LABELS_RATIO = 0.5
MIN_LABELS_PER_ROW = 1.5
SATURATED_SHARE = 0.01
CONSTANT = 1e-6  # relative spread of a loss that "stays at its constant"
# With a loss to watch, the outputs are summed on every OUTPUT_EVERY-th batch only: a NaN or inf output makes the
# loss non-finite in all but masked rows (ignore_index), and half the per-batch cost is that sum.
OUTPUT_EVERY = 16
LOSS_CHUNK = 256  # batch losses kept aside before they are summed: O(1) state, one tensor op per chunk
# The running sums each rule reads: once the rule is reported (or ignored) they are no longer kept.
_SUMS = {"LM013": "constant", "LM022": "single_binary", "LM017": "multi_softmax", "LM043": "saturation"}


@dataclass(frozen=True)
class TrainingFinding:
    """An audit :class:`~lossmatch.audit.Finding` (same rule IDs, messages and fixes) and the epoch it was seen in
    (1 = the first epoch; Keras prints it as ``Epoch 1/N``, Lightning's ``current_epoch`` is one less), and the
    numbers it rests on by name (``binary_accuracy``, ``top1_accuracy``, ``rows``, ...; empty for first-batch
    findings, whose evidence describes the batch)."""

    finding: Finding
    epoch: int
    measured: Mapping[str, float] = field(default_factory=dict)

    @property
    def rule(self) -> str:
        return self.finding.rule

    @property
    def severity(self) -> str:
        return self.finding.severity

    @property
    def message(self) -> str:
        return self.finding.message

    def to_dict(self) -> dict[str, Any]:
        return {**self.finding.to_dict(), "epoch": self.epoch, "measured": dict(self.measured)}

    def __str__(self) -> str:
        lines = [f"lossmatch {self.rule} ({self.severity}, epoch {self.epoch}): {self.message}"]
        lines += [f"    {item}" for item in self.finding.evidence]
        lines.append(f"    fix: {self.finding.fix}")
        return "\n".join(lines)


class Monitor:
    """The checks of one training run. ``loss``: what the loss applies and takes (``None`` when unknown: the checks
    that need it are skipped); ``class_dim``: the outputs' class axis; ``epsilon``: where the framework's
    probabilities loss stops passing a gradient (Keras clips at 1e-7; torch's BCELoss loses it below p(1-p) = 1e-12);
    ``binary_metric``: the user's logs show binary accuracy (a Keras metric), so LM022 applies whatever the loss."""

    def __init__(self, loss: LossEntry | None, *, on_error: str = "warn", ignore: Iterable[str] | str = (),
                 class_dim: int = 1, epsilon: float = 1e-12, binary_metric: bool = False) -> None:
        if on_error not in ON_ERROR:
            raise ConfigError(expected("on_error", "be 'warn' or 'raise'", repr(on_error)))
        self.loss = loss
        self.on_error = on_error
        self.rules = select_rules(ignore=[ignore] if isinstance(ignore, str) else list(ignore))
        self.class_dim = class_dim
        self.epsilon = epsilon
        self.binary_metric = binary_metric
        self.epoch = 1
        self.findings: list[TrainingFinding] = []
        self.started = False
        self.watch_finite = "LM042" in self.rules
        self._plan: _Plan | None = None
        self._half = torch.tensor(0.5)
        self._reset()

    # ------------------------------------------------------------------ the three moments
    def first_batch(self, outputs: Any, target: Any = None) -> None:
        """The runtime check on the first outputs; plans which running sums this run needs."""
        self.started = True
        values = _numpy(outputs)
        new: list[TrainingFinding] = []
        if values.size and not np.isfinite(values).all():
            bad = int((~np.isfinite(values)).sum())
            new.append(self._finding("LM042", f"{bad} of the first batch's {values.size} outputs are NaN or inf",
                                     [f"outputs: shape {tuple(values.shape)}, {bad} non-finite"], non_finite=bad))
            self._emit(new)
            return
        class_dim = self.class_dim if values.ndim >= 2 else -1
        for finding in check_outputs(values, self.loss, _numpy(target) if target is not None else None,
                                     class_dim=class_dim):
            new.append(self._training(finding))
        kind, evidence = output_kind(values, class_dim) if values.size else ("linear", "empty")
        labels = target_labels(_numpy(target)) if target is not None and values.size else None
        units = int(values.shape[class_dim]) if values.ndim else 1
        self._plan = _Plan.of(kind, units, evidence, labels, self.loss, self.binary_metric)
        self._emit(new)
        self._retire()

    def observe(self, outputs: Any = None, target: Any = None, loss: Any = None) -> None:
        """One batch: add its outputs, targets and loss to the running sums (any may be ``None``)."""
        self.batches += 1
        plan = self._plan
        if loss is not None and self.watch_finite:
            if isinstance(loss, torch.Tensor) and loss.ndim == 0:
                # kept aside and summed LOSS_CHUNK at a time: one tensor op per batch cost 1.4% of a small epoch
                self._pending.append(loss.detach())
                if len(self._pending) >= LOSS_CHUNK:
                    self._fold_losses()
            else:
                self._add_loss(loss.detach().sum() if isinstance(loss, torch.Tensor) else float(loss))
        if outputs is None:
            return
        add_outputs = self.watch_finite and (loss is None or self.batches % OUTPUT_EVERY == 1)
        judge = plan is not None and target is not None and plan.needs_target
        if not (add_outputs or judge):  # most batches of a matched run: nothing to read
            return
        out = outputs.detach() if isinstance(outputs, torch.Tensor) else torch.as_tensor(_numpy(outputs))
        if add_outputs:
            self.output_sum = self.output_sum + out.sum()
        if not judge:
            return
        probs = plan.probabilities(_class_last(out.float(), self.class_dim))
        rows, index = _align(torch.as_tensor(_numpy_or_tensor(target), device=out.device), out, probs, self.class_dim)
        if rows is None and index is None:
            return
        self.rows += probs.shape[0]
        if index is None and (plan.single_binary or (plan.saturation and not plan.per_unit)):
            index = rows.argmax(-1)
        # Tensor against tensor only: a Python number in a tensor operation costs more than the operation here.
        half = self._half if self._half.device == probs.device else torch.tensor(0.5, device=probs.device)
        self._half = half
        if plan.single_binary:
            passed = probs > half
            self.passed = self.passed + passed.sum()  # binary hits, made at the epoch's end: see _judge_epoch
            self.true_passed = self.true_passed + passed.gather(-1, index[:, None]).sum()
            self.top1_hits = self.top1_hits + (probs.argmax(-1) == index).sum()
        if plan.multi_softmax and rows is not None:
            self.predicted_labels = self.predicted_labels + (probs > half).sum()
            self.true_labels = self.true_labels + (rows > half).sum()
        if plan.saturation:
            eps = self.epsilon
            if plan.per_unit and rows is not None:  # each output against its own 0/1 target
                wrong = torch.where(rows >= 0.5, probs <= eps, probs >= 1 - eps)
                self.saturated = self.saturated + wrong.sum()
                self.saturation_values += wrong.numel()
            elif not plan.per_unit:  # the true class's probability
                self.saturated = self.saturated + (probs.gather(-1, index[:, None]) <= eps).sum()
                self.saturation_values += probs.shape[0]

    def end_epoch(self) -> list[TrainingFinding]:
        """Judge the epoch's sums (one host sync), reset them, and move to the next epoch; an epoch that saw no batch
        (``epoch_end`` called twice) is no epoch."""
        if not self.batches:
            return []
        new = self._judge_epoch()
        self._reset()
        try:
            self._emit(new)
        finally:  # also when on_error="raise" raised: a run that goes on is in its next epoch
            self.epoch += 1
            self._retire()
        return new

    # ------------------------------------------------------------------ judging
    def _judge_epoch(self) -> list[TrainingFinding]:
        self._fold_losses()
        plan, epoch, n = self._plan, self.epoch, self.batches
        out: list[TrainingFinding] = []
        where = f"{n} batch{'' if n == 1 else 'es'} of epoch {epoch}"
        loss_sum, output_sum = _number(self.loss_sum), _number(self.output_sum)
        if not np.isfinite(loss_sum) or not np.isfinite(output_sum):
            what = "loss" if not np.isfinite(loss_sum) else "outputs"
            out.append(self._finding("LM042", f"the {what} summed over the {where} is {_show(loss_sum if what == 'loss' else output_sum)}",
                                     [f"loss summed over the epoch: {_show(loss_sum)}",
                                      f"outputs summed over the epoch: {_show(output_sum)} (NaN or inf in a batch, or "
                                      "outputs beyond the float range)"], loss_sum=loss_sum, output_sum=output_sum,
                                     batches=n))
        if plan is None:
            return out
        if plan.constant and self.loss_low is not None and n >= 2:
            low, high = _number(self.loss_low) + 0.0, _number(self.loss_high) + 0.0  # + 0.0: no '-0'
            if np.isfinite(low) and high - low <= CONSTANT * max(1.0, abs(low)):
                loss_ev = f"loss: {self.loss.describe()}" if self.loss is not None else "loss: not recognised"
                out.append(self._finding("LM013", f"the loss stayed at {low:.6g} on all {where} (no gradient reaches "
                                         "the model)", [plan.output_evidence, loss_ev,
                                                       f"loss per batch: min {low:.6g}, max {high:.6g}"],
                                         loss_min=low, loss_max=high, batches=n))
        rows = self.rows
        if plan.single_binary and rows:
            # per row: the K-1 other units right where they stay below 0.5, the true one where it passes
            hits = (plan.units - 1) * rows - _number(self.passed) + 2 * _number(self.true_passed)
            binary, top1 = hits / (rows * plan.units), _number(self.top1_hits) / rows
            if binary - top1 >= ACCURACY_GAP:
                out.append(self._finding("LM022", f"binary accuracy {binary:.3f} vs top-1 accuracy {top1:.3f} at epoch {epoch}",
                                         [f"binary accuracy: {binary:.4f} (per-output 0.5 threshold over {plan.units} "
                                          f"outputs; a model that predicts no class reads {(plan.units - 1) / plan.units:.3f})",
                                          f"top-1 accuracy: {top1:.4f} over {rows} rows of epoch {epoch}",
                                          plan.label_evidence, plan.why_binary],
                                         binary_accuracy=binary, top1_accuracy=top1, rows=rows))
        if plan.multi_softmax and rows:
            predicted, true = _number(self.predicted_labels) / rows, _number(self.true_labels) / rows
            if true >= MIN_LABELS_PER_ROW and predicted <= LABELS_RATIO * true:
                out.append(self._finding("LM017", f"{predicted:.2f} labels predicted per row vs {true:.2f} in the "
                                         f"targets at epoch {epoch}",
                                         [f"predicted labels per row (probability > 0.5): {predicted:.3f}",
                                          f"true labels per row: {true:.3f} over {rows} rows of epoch {epoch}",
                                          plan.output_evidence, plan.label_evidence],
                                         predicted_labels_per_row=predicted, true_labels_per_row=true, rows=rows))
        if plan.saturation and self.saturation_values:
            share = _number(self.saturated) / self.saturation_values
            if share >= SATURATED_SHARE:
                what = "outputs" if plan.per_unit else "rows' true-class probabilities"
                out.append(self._finding("LM043", f"{share:.1%} of the {what} sit at 0 or 1 against the target at "
                                         f"epoch {epoch}",
                                         [f"saturated against the target: {_number(self.saturated):.0f} of "
                                          f"{self.saturation_values} (probability within {self.epsilon:g} of the wrong end)",
                                          f"loss: {self.loss.describe() if self.loss else '?'} takes probabilities",
                                          plan.output_evidence],
                                         saturated_share=share, saturated=_number(self.saturated),
                                         values=self.saturation_values))
        return out

    # ------------------------------------------------------------------ findings
    def _finding(self, rule: str, detail: str, evidence: list[str], **measured: float) -> TrainingFinding:
        return TrainingFinding(make_finding(rule, PATH, 0, 0, detail, [e for e in evidence if e]), self.epoch, measured)

    def _training(self, finding: Finding) -> TrainingFinding:
        return TrainingFinding(finding.with_location(path=PATH), self.epoch)

    def _emit(self, new: list[TrainingFinding]) -> None:
        """Record the findings not reported before in this run and not ignored; warn, or raise for the first that is
        not info."""
        reported = {f.rule for f in self.findings}
        fresh = []
        for item in new:
            if item.rule in self.rules and item.rule not in reported:
                reported.add(item.rule)
                fresh.append(item)
        new[:] = fresh
        self.findings.extend(fresh)
        loud = [item for item in fresh if item.severity != "info"]
        if self.on_error == "raise" and loud:
            for item in fresh:
                if item.severity == "info":
                    warn_at_user(str(item), LossInputWarning)
            raise LossCheckError(loud[0])
        for item in fresh:
            warn_at_user(str(item), LossInputWarning)

    def _retire(self) -> None:
        """Stop keeping the sums of rules already reported or not selected."""
        done = {f.rule for f in self.findings} | (set(_SUMS) - self.rules)
        self.watch_finite = self.watch_finite and "LM042" not in done
        if self._plan is not None:
            self._plan = replace(self._plan, **{_SUMS[rule]: False for rule in done if rule in _SUMS})

    def _add_loss(self, value: Any) -> None:
        """Add one batch's loss (or a chunk's sum, with its least and greatest batch loss) to the running sums."""
        self._add_losses(value, value, value)

    def _add_losses(self, total: Any, low: Any, high: Any) -> None:
        self.loss_sum = self.loss_sum + total
        if self._plan is not None and self._plan.constant:
            self.loss_low = low if self.loss_low is None else _lower(self.loss_low, low)
            self.loss_high = high if self.loss_high is None else _lower(self.loss_high, high, higher=True)

    def _fold_losses(self) -> None:
        pending, self._pending = self._pending, []
        if not pending:
            return
        try:
            values = torch.stack(pending)
        except RuntimeError:  # losses on different devices or of different dtypes: one at a time
            for value in pending:
                self._add_loss(value)
            return
        constant = self._plan is not None and self._plan.constant
        low, high = torch.aminmax(values) if constant else (None, None)
        self._add_losses(values.sum(), low, high)

    def _reset(self) -> None:
        zero: Any = 0
        self._pending: list[torch.Tensor] = []
        self.batches = 0
        self.rows = 0
        self.loss_sum = self.output_sum = zero
        self.loss_low = self.loss_high = None
        self.passed = self.true_passed = self.top1_hits = self.predicted_labels = self.true_labels = zero
        self.saturated = zero
        self.saturation_values = 0


class CallWatch:
    """``callback(module, args, kwargs, result)`` after each call of ``module``, until :meth:`remove`.

    What ``register_forward_hook(callback, with_kwargs=True)`` does, at a Python call per batch: the instance's
    ``forward`` is wrapped. A forward hook sends every call down torch's hooked call path, 1.4% of a small MLP's
    epoch on its own (bench/guard.py); the wrapper costs nothing measurable.
    """

    def __init__(self, module: torch.nn.Module, callback: Any) -> None:
        self.module = module
        self._own = module.__dict__.get("forward")  # an instance-level forward already there (another watch)
        inner = module.forward

        def forward(*args: Any, **kwargs: Any) -> Any:
            result = inner(*args, **kwargs)
            if self.active:
                callback(module, args, kwargs, result)
            return result

        self.active = True
        self._forward = forward
        module.__dict__["forward"] = forward

    def remove(self) -> None:
        self.active = False
        if self.module.__dict__.get("forward") is self._forward:  # not wrapped again since: restore what was there
            if self._own is None:
                del self.module.__dict__["forward"]
            else:
                self.module.__dict__["forward"] = self._own


@dataclass(frozen=True)
class _Plan:
    """What the first batch says the running sums can judge in this run."""

    kind: str
    units: int
    output_evidence: str
    label_evidence: str
    activation: str | None  # applied to the outputs to get probabilities; None: they are probabilities
    single_binary: bool
    multi_softmax: bool
    saturation: bool
    per_unit: bool  # a binary (per-unit) loss, else categorical
    constant: bool
    why_binary: str

    @property
    def needs_target(self) -> bool:
        return self.single_binary or self.multi_softmax or self.saturation

    @classmethod
    def of(cls, kind: str, units: int, evidence: str, labels: Any, loss: LossEntry | None, binary_metric: bool) -> _Plan:
        per_unit = loss is not None and loss.family == "binary"
        single = labels is not None and labels.fmt in ("index", "one_hot")
        multi = labels is not None and labels.fmt == "multi_hot"
        if kind in ("softmax", "sigmoid"):
            activation = None
        elif kind == "log_softmax":
            activation = "exp"
        else:
            activation = loss.activation if loss is not None else "sigmoid"
        why = (f"loss: {loss.describe()} scores each output as its own yes/no" if per_unit else
               "metrics: the logs show binary_accuracy")
        return cls(
            kind=kind, units=units, output_evidence=f"outputs: {evidence} ({kind})",
            label_evidence=f"labels: {labels.evidence}" if labels is not None else "",
            activation=activation,
            single_binary=single and units >= 3 and (per_unit or binary_metric),
            multi_softmax=multi and (kind == "softmax" or (loss is not None and loss.family == "categorical")),
            saturation=loss is not None and loss.expects == "probs" and kind in ("softmax", "sigmoid"),
            per_unit=per_unit, constant=units == 1 and (loss is None or loss.family == "categorical"),
            why_binary=why,
        )

    def probabilities(self, out: torch.Tensor) -> torch.Tensor:
        if self.activation is None:
            return out
        if self.activation == "exp":
            return out.exp()
        return out.softmax(-1) if self.activation == "softmax" else out.sigmoid()


def _align(target: torch.Tensor, out: torch.Tensor, probs: torch.Tensor, class_dim: int
           ) -> tuple[torch.Tensor | None, torch.Tensor | None]:
    """The target as ``(rows, classes)`` like ``probs`` (one-hot, multi-hot, per-unit 0/1) or as class indices
    ``(rows,)``; ``(None, None)`` when it lines up with neither."""
    if target.shape == out.shape:
        return _class_last(target.float(), class_dim), None
    if probs.shape[-1] == 1 and target.numel() == probs.shape[0]:  # (n,) 0/1 against one output unit
        return target.float().reshape(-1, 1), None
    if target.numel() == probs.shape[0]:  # clamped: an index the loss rejects is the loss's error to raise
        return None, target.reshape(-1).long().clamp(0, probs.shape[-1] - 1)
    return None, None


def _lower(current: Any, value: Any, *, higher: bool = False) -> Any:
    if isinstance(value, torch.Tensor):
        return torch.maximum(current, value) if higher else torch.minimum(current, value)
    return max(current, value) if higher else min(current, value)


def _numpy_or_tensor(value: Any) -> Any:
    return value if isinstance(value, torch.Tensor) else _numpy(value)


def _class_last(values: torch.Tensor, class_dim: int) -> torch.Tensor:
    """``(rows, classes)``: the class axis last, every other axis folded into rows."""
    if values.ndim <= 1:
        return values.reshape(-1, 1)
    if values.ndim == 2 and class_dim in (1, -1):  # already so: two tensor ops fewer per batch
        return values
    return values.movedim(class_dim, -1).reshape(-1, values.shape[class_dim])


def _numpy(value: Any) -> np.ndarray:
    if isinstance(value, torch.Tensor):
        return value.detach().float().cpu().numpy()
    if type(value).__module__.startswith(("keras", "tensorflow", "jax")):
        import keras

        return np.asarray(keras.ops.convert_to_numpy(value))
    return np.asarray(value)


def _number(value: Any) -> float:
    return float(value.item()) if isinstance(value, torch.Tensor) else float(value)


def _show(value: float) -> str:
    return "finite" if np.isfinite(value) else str(value)
