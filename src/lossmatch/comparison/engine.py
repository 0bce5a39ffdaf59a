"""Training engines: every (pairing x seed) model of a dataset at once (``batched``) or one at a time
(``sequential``, the reference).

The paired design: for a seed, every pairing starts from the same initial weights (drawn from that seed) and
sees the same minibatch order, so a difference between pairings is the pairing's, not the draw's. The model
is an MLP (ReLU) on standardised features, trained with Adam for a fixed number of epochs. Losses are the
registry's functions, called as a Keras user gets them (see :mod:`lossmatch.registry`'s ``Pairing``).

Early stopping (``patience > 0``) is Keras' ``EarlyStopping(monitor="val_loss", patience=..., 
restore_best_weights=True)`` per model: a validation split is carved from train (stratified for single-label
tasks, seed 0), each model stops after ``patience`` epochs without a lower validation loss of its own
objective, and its weights of the best epoch are the ones evaluated. Models are independent, so the batched
engine keeps stepping a stopped model (its weights are restored at the end) until every model has stopped.
"""

from __future__ import annotations

import dataclasses
import math
import time
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from lossmatch import registry
from lossmatch.comparison.datasets import Dataset
from lossmatch.errors import LossInputWarning

ENGINES = ("batched", "sequential")


@dataclass(frozen=True)
class TrainConfig:
    """What a run's numbers depend on (the engine and executor are not part of it)."""

    hidden: tuple[int, ...] = (64,)
    epochs: int = 30
    batch_size: int = 64
    lr: float = 3e-3
    label_smoothing: float = 0.0
    patience: int = 0  # early stopping after this many epochs without a lower validation loss; 0 = off
    validation_split: float = 0.1  # share of train carved out for validation when patience > 0
    label_noise: float = 0.0  # share of training labels corrupted per seed (bits flipped, multi-label): noise.py
    noise: str = "symmetric"  # symmetric (another class, uniformly) or pairflip (the next class)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["hidden"] = list(self.hidden)
        return data


@dataclass(frozen=True)
class RunResult:
    """One trained model: its test metrics, per-epoch history and calibration data."""

    dataset: str
    pairing: str
    seed: int
    metrics: dict[str, float]
    history: dict[str, list[float]]
    reliability: dict[str, list[float]]
    per_label_f1: list[float] | None
    output_units: int
    config: dict[str, Any]
    engine: str
    seconds: float
    node: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    setting: str = ""  # the sweep setting (``lr=0.001 label_smoothing=0.1``); "" without a grid

    @property
    def key(self) -> str:
        return run_key(self.dataset, self.pairing, self.seed, self.setting)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunResult:
        return cls(**data)


def run_key(dataset: str, pairing: str, seed: int, setting: str = "") -> str:
    """The run's file stem under ``runs/``: ``yeast__sigmoid-bce__seed0`` (``__lr-0.001_hidden-64`` in a sweep)."""
    key = f"{dataset}__{pairing.replace('+', '-')}__seed{seed}"
    return f"{key}__{setting.replace(' ', '_').replace('=', '-')}" if setting else key


def main_metric(task: str) -> str:
    return "f1_micro" if task == "multilabel" else "top1_accuracy"


def task_pairing(name: str, dataset: Dataset) -> registry.Pairing:
    """The pairing as trained on ``dataset``: ``linear+hinge`` on multi-label data is one binary hinge per label
    (``binary_hinge_loss`` on the 0/1 targets, Keras' ``Hinge()`` on multi-hot rows); a multi-class hinge would
    see one label per row."""
    pairing = registry.pairing(name)
    if pairing.family == "hinge" and dataset.task == "multilabel":
        return dataclasses.replace(pairing, loss="binary_hinge_loss")
    return pairing


def output_units(pairing: str, dataset: Dataset) -> int:
    """C outputs, except one sigmoid unit for sigmoid+bce on a binary task (the usual binary model)."""
    return 1 if dataset.task == "binary" and pairing == "sigmoid+bce" else dataset.n_classes


# ------------------------------------------------------------------------------------------- pieces
def standardise(dataset: Dataset, *others: np.ndarray) -> tuple[torch.Tensor, ...]:
    """``x_train``, ``x_test`` and any ``others`` scaled by ``x_train``'s mean and standard deviation."""
    mean = dataset.x_train.mean(axis=0, dtype=np.float64)
    std = dataset.x_train.std(axis=0, dtype=np.float64)
    std[std == 0] = 1.0
    return tuple(torch.as_tensor(((x - mean) / std).astype(np.float32)) for x in (dataset.x_train, dataset.x_test, *others))


def split_validation(dataset: Dataset, fraction: float) -> tuple[Dataset, np.ndarray, np.ndarray]:
    """``(train without the validation rows, x_val, y_val)``: a seed-0 split, stratified for single-label tasks
    when every class has two rows or more."""
    from sklearn.model_selection import train_test_split

    rows = np.arange(len(dataset.x_train))
    single = dataset.task != "multilabel"
    stratify = dataset.y_train if single and np.bincount(dataset.y_train).min(initial=0) >= 2 else None
    try:
        train_rows, val_rows = train_test_split(rows, test_size=fraction, random_state=0, stratify=stratify)
    except ValueError:  # too few rows per class for a stratified split of this size
        train_rows, val_rows = train_test_split(rows, test_size=fraction, random_state=0)
    train_rows, val_rows = np.sort(train_rows), np.sort(val_rows)
    train = dataclasses.replace(dataset, x_train=dataset.x_train[train_rows], y_train=dataset.y_train[train_rows])
    return train, dataset.x_train[val_rows], dataset.y_train[val_rows]


def _prepare(dataset: Dataset, config: TrainConfig):
    """Standardised tensors (statistics from the rows trained on): train, test and validation (None when off)."""
    if config.patience == 0:
        return (dataset, *standardise(dataset), None)
    dataset, x_val, y_val = split_validation(dataset, config.validation_split)
    x_train, x_test, x_val_scaled = standardise(dataset, x_val)
    return dataset, x_train, x_test, (x_val_scaled, targets(dataset, y_val))


class _EarlyStopping:
    """Keras' ``EarlyStopping(monitor="val_loss", restore_best_weights=True)`` for ``M`` models at once."""

    def __init__(self, models: int, patience: int) -> None:
        self.patience = patience
        self.best = torch.full((models,), math.inf)
        self.best_epoch = torch.zeros(models, dtype=torch.long)
        self.wait = torch.zeros(models, dtype=torch.long)
        self.stopped_epoch = torch.full((models,), -1, dtype=torch.long)  # -1: still training
        self.weights: list[torch.Tensor] | None = None

    def update(self, epoch: int, val_loss: torch.Tensor, params: list[torch.Tensor]) -> None:
        """Record epoch ``epoch``'s validation loss ``(M,)`` and the weights ``(M, ...)`` of models that improved."""
        active = self.stopped_epoch < 0
        improved = active & (val_loss < self.best)
        self.best = torch.where(improved, val_loss, self.best)
        self.best_epoch[improved] = epoch
        self.wait = torch.where(improved, 0, self.wait + active.long())
        self.stopped_epoch[active & (self.wait >= self.patience)] = epoch
        if self.weights is None:
            self.weights = [p.detach().clone() for p in params]
        elif improved.any():
            for best, p in zip(self.weights, params):
                best[improved] = p.detach()[improved]

    @property
    def done(self) -> bool:
        return bool((self.stopped_epoch >= 0).all())

    def reorder(self, index: torch.Tensor) -> None:
        """Models in the order ``index`` (the per-model records; the saved weights are already restored)."""
        self.best, self.best_epoch, self.stopped_epoch = self.best[index], self.best_epoch[index], self.stopped_epoch[index]

    def epochs_run(self, epochs: int) -> list[int]:
        return [int(e) + 1 if e >= 0 else epochs for e in self.stopped_epoch]


def targets(dataset: Dataset, y: np.ndarray) -> torch.Tensor:
    """Float targets over C outputs: one-hot for single-label tasks, multi-hot for multi-label ones."""
    if dataset.task == "multilabel":
        return torch.as_tensor(y, dtype=torch.float32)
    return F.one_hot(torch.as_tensor(y, dtype=torch.long), dataset.n_classes).float()


def train_targets(dataset: Dataset, seeds: Sequence[int], config: TrainConfig) -> tuple[torch.Tensor, dict[int, float]]:
    """The training targets of every seed stacked ``(S, n, C)`` (``(1, n, C)`` without noise, shared by every seed)
    and the share of labels the noise changed per seed."""
    from lossmatch.comparison.noise import changed_share, noisy_labels

    if config.label_noise == 0:
        return targets(dataset, dataset.y_train).unsqueeze(0), {s: 0.0 for s in seeds}
    multilabel = dataset.task == "multilabel"
    noisy = {s: noisy_labels(dataset.y_train, multilabel=multilabel, n_classes=dataset.n_classes, rate=config.label_noise,
                             kind=config.noise, seed=s) for s in seeds}
    stacked = torch.stack([targets(dataset, noisy[s]) for s in seeds])
    return stacked, {s: changed_share(dataset.y_train, noisy[s]) for s in seeds}


def initial_parameters(seed: int, sizes: list[int]) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """``nn.Linear``'s default init (uniform in +-1/sqrt(fan_in)), drawn from ``seed``: ``W (in, out)``, ``b (out,)``."""
    generator = torch.Generator().manual_seed(seed)
    layers = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        bound = 1.0 / math.sqrt(fan_in)
        w = (torch.rand(fan_in, fan_out, generator=generator) * 2 - 1) * bound
        b = (torch.rand(fan_out, generator=generator) * 2 - 1) * bound
        layers.append((w, b))
    return layers


def batch_orders(seed: int, n: int) -> Iterator[torch.Tensor]:
    """The row order of each epoch for ``seed``, one ``(n,)`` permutation per ``next()``: drawn as epochs run,
    so nothing is held for epochs that never run (early stopping) or would not fit in memory."""
    generator = torch.Generator().manual_seed(10_000 + seed)
    while True:
        yield torch.randperm(n, generator=generator)


def activate(pairing: registry.Pairing, logits: torch.Tensor) -> torch.Tensor:
    """The model's outputs: probabilities for softmax and sigmoid, the raw scores themselves for ``linear``."""
    if pairing.activation == "linear":
        return logits
    return torch.softmax(logits, dim=-1) if pairing.activation == "softmax" else torch.sigmoid(logits)


# Metrics that read the outputs as probabilities: not defined for raw scores (hinge), never computed from a
# made-up transform of them.
PROBABILITY_METRICS = ("log_loss", "ece", "binary_accuracy")


def pairing_terms(pairing: registry.Pairing, logits: torch.Tensor, target: torch.Tensor, label_smoothing: float) -> torch.Tensor:
    """The unreduced loss of ``logits``/``target`` ``(..., B, units)``: per output for BCE ``(..., B, units)``,
    per row for CCE ``(..., B)``.

    The registry's function is called as Keras 3 computes ``Dense(activation=...)`` + that loss: matched
    pairings on logits (fused), mismatched ones on the activation's probabilities clipped at 1e-7 (and
    renormalised for sigmoid+cce).
    """
    spec = pairing.spec
    options: dict[str, Any] = {"reduction": "none", "validate": False}
    if "label_smoothing" in spec.supports:
        options["label_smoothing"] = label_smoothing
    if spec.expects == "logits":
        return spec.fn(logits, target, **options)
    return spec.fn(activate(pairing, logits), target, epsilon=pairing.keras_epsilon, **options, **pairing.loss_options)


def pairing_loss(pairing: registry.Pairing, logits: torch.Tensor, target: torch.Tensor, label_smoothing: float) -> torch.Tensor:
    """Mean loss per model over the batch, as Keras reports it (BCE averaged over the outputs of a row, CCE
    summed): ``logits``/``target`` ``(..., B, units)`` -> ``(...)``."""
    return _per_model(pairing_terms(pairing, logits, target, label_smoothing), logits.dim() - 2)


def _per_model(terms: torch.Tensor, leading: int) -> torch.Tensor:
    """The mean of ``terms`` over everything after the ``leading`` model dimensions."""
    return terms.flatten(leading).mean(-1)


def _history_metric(probs: torch.Tensor, y: torch.Tensor, task: str, *, threshold: float = 0.5) -> torch.Tensor:
    """The main metric of every model at once: ``probs (M, n, units)`` -> ``(M,)``; equal to sklearn's
    accuracy (argmax) or micro-F1 (0.5 threshold; 0 for raw hinge scores) -- checked in the tests."""
    if task == "multilabel":
        predicted = probs >= threshold
        truth = y.bool().unsqueeze(0)
        tp = (predicted & truth).sum(dim=(1, 2)).float()
        wrong = (predicted ^ truth).sum(dim=(1, 2)).float()
        return torch.where(tp > 0, 2 * tp / (2 * tp + wrong), torch.zeros_like(tp))
    labels = y.argmax(dim=-1)
    predicted = (probs[..., 0] >= 0.5).long() if probs.shape[-1] == 1 else probs.argmax(dim=-1)
    return (predicted == labels.unsqueeze(0)).float().mean(dim=1)


def _finish(dataset: Dataset, jobs: list[tuple[str, int]], test_probs: list[torch.Tensor], history: dict[str, np.ndarray],
            config: TrainConfig, engine: str, seconds: float, stopping: _EarlyStopping | None = None,
            noise_changed: dict[int, float] | None = None) -> list[RunResult]:
    """Metrics from :mod:`lossmatch.metrics` for every model's test probabilities (raw scores for hinge).

    ``history["grad_norm"]`` is, per epoch, the mean over training rows of the L2 norm of the gradient of the row's
    loss with respect to the logits: how hard the examples pull (CE's pull on a mislabeled row grows as p -> 0)."""
    from lossmatch import metrics

    task = "multiclass" if dataset.task != "multilabel" else "multilabel"
    ran = stopping.epochs_run(config.epochs) if stopping is not None else [config.epochs] * len(jobs)
    results = []
    for m, ((pairing, seed), probs) in enumerate(zip(jobs, test_probs)):
        p = probs.double().numpy()
        extra: dict[str, Any] = {"label_noise_changed": noise_changed.get(seed, 0.0)} if noise_changed else {}
        if registry.pairing(pairing).activation == "linear":
            # raw scores: what rests on the ranking within a row (accuracy, F1, top-k) is defined, probabilities are not
            scores = {**metrics.evaluate(dataset.y_test, p, task=dataset.task, input_kind="logits"),
                      **dict.fromkeys(PROBABILITY_METRICS, math.nan)}
            extra["not_defined"] = list(PROBABILITY_METRICS)
            curve, per_label = {"confidence": [], "frequency": [], "count": []}, None
        elif dataset.task == "multilabel":
            scores = metrics.evaluate(dataset.y_test, p, task=dataset.task, input_kind="probs")
            curve, per_label = metrics.reliability_curve(dataset.y_test, p, task=task), metrics.per_label_f1(dataset.y_test, p)
            extra.update(labels_per_row=float((p >= 0.5).sum(axis=1).mean()),
                         true_labels_per_row=float(dataset.y_test.sum(axis=1).mean()))
        else:
            scores = metrics.evaluate(dataset.y_test, p, task=dataset.task, input_kind="probs")
            full = np.column_stack([1 - p[:, 0], p[:, 0]]) if p.shape[1] == 1 else p / p.sum(axis=1, keepdims=True)
            curve, per_label = metrics.reliability_curve(dataset.y_test, full, task=task), None
        if stopping is not None:
            extra.update(epochs_run=ran[m], best_epoch=int(stopping.best_epoch[m]) + 1,
                         best_val_loss=float(stopping.best[m]), history_val_loss=history["val_loss"][m][:ran[m]])
        results.append(RunResult(
            dataset=dataset.name, pairing=pairing, seed=seed, metrics=scores,
            history={"loss": history["loss"][m][:ran[m]], main_metric(dataset.task): history["main"][m][:ran[m]],
                     "grad_norm": history["grad_norm"][m][:ran[m]]},
            reliability=curve, per_label_f1=per_label, output_units=int(p.shape[1]), config=config.to_dict(),
            engine=engine, seconds=seconds / len(jobs), extra=extra))
    return results


def _history(models: int) -> dict[str, list[list[float]]]:
    """Per curve and model, one value per epoch, appended as epochs run (never allocated up front)."""
    return {key: [[] for _ in range(models)] for key in ("loss", "main", "val_loss", "grad_norm")}


def _record(curves: list[list[float]], models: Sequence[int], values: torch.Tensor) -> None:
    for m, value in zip(models, values.tolist()):
        curves[m].append(value)


# ------------------------------------------------------------------------------------------- engines
def train_batched(dataset: Dataset, jobs: list[tuple[str, int]], config: TrainConfig) -> list[RunResult]:
    """All ``(pairing, seed)`` models as one :class:`_StackedMLP` (weights ``(M, out, in)``, ``baddbmm``).

    Models are laid out grouped by pairing (and output width), so each group's loss reads a contiguous block
    of the stacked logits; results come back in ``jobs`` order. A step is one forward pass, one autograd call
    through the registry's losses (for the gradient with respect to the logits), the MLP's backward pass as
    batched matmuls, and one fused Adam step over the flat parameter vector.
    """
    start = time.perf_counter()
    dataset, x_train, x_test, validation = _prepare(dataset, config)
    y_test = targets(dataset, dataset.y_test)
    layout = sorted(range(len(jobs)), key=lambda m: (_group_key(jobs[m], dataset), m))  # position -> job index
    ordered = [jobs[m] for m in layout]
    n, models = len(x_train), len(jobs)
    sizes = [x_train.shape[1], *config.hidden, dataset.n_classes]
    seeds = sorted({s for _, s in ordered})
    y_seeds, noise_changed = train_targets(dataset, seeds, config)
    y_train = y_seeds.reshape(-1, y_seeds.shape[-1])  # seed k's rows at k * n (all at 0 without noise)
    row_offset = torch.tensor([seeds.index(s) * n if len(y_seeds) > 1 else 0 for _, s in ordered]).unsqueeze(1)
    init = {s: initial_parameters(s, sizes) for s in seeds}
    mlp = _StackedMLP([init[s] for _, s in ordered])
    optimizer = _adam([mlp.flat], config.lr)
    orders = {s: batch_orders(s, n) for s in seeds}
    groups = _groups(ordered, dataset)
    counts = [len(members) for _, members, _ in groups]
    history = _history(models)
    stopping = _EarlyStopping(models, config.patience) if validation is not None else None
    scales: dict[tuple[int, ...], torch.Tensor] = {}

    def group_terms(logits: torch.Tensor, target: torch.Tensor) -> list[torch.Tensor]:
        return [pairing_terms(pairing, _units(block, u), _unit_target(y_block, u), config.label_smoothing)
                for (pairing, _, u), block, y_block in zip(groups, logits.split(counts), target.split(counts))]

    def losses(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Each model's mean loss ``(M,)`` on its own rows."""
        return torch.cat([_per_model(t, 1) for t in group_terms(logits, target)])

    def scale(terms: torch.Tensor) -> torch.Tensor:
        """d(sum of per-model means)/d(terms): one over the terms per model (cached per shape)."""
        if terms.shape not in scales:
            scales[terms.shape] = torch.full(terms.shape, 1.0 / terms[0].numel())
        return scales[terms.shape]

    def everyone(x: torch.Tensor) -> torch.Tensor:
        return x.expand(models, -1, -1)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LossInputWarning)  # the mismatches are deliberate
        for epoch in range(config.epochs):
            epoch_terms = []  # each step's unreduced losses, averaged once at the end of the epoch
            grad_norms = torch.zeros(models)  # summed over the epoch's rows
            order = {s: next(rows) for s, rows in orders.items()}
            epoch_rows = torch.stack([order[s] for _, s in ordered])  # (M, n)
            for begin in range(0, n, config.batch_size):
                rows = epoch_rows[:, begin:begin + config.batch_size]  # (M, B)
                flat_rows = rows.reshape(-1)
                x = x_train.index_select(0, flat_rows).view(models, rows.shape[1], -1)
                y = y_train.index_select(0, (rows + row_offset).reshape(-1)).view(models, rows.shape[1], -1)
                logits = mlp.forward(x, keep=True).requires_grad_()
                terms = group_terms(logits, y)
                (grad,) = torch.autograd.grad(terms, logits, grad_outputs=[scale(t) for t in terms])
                mlp.backward(grad)
                optimizer.step()
                epoch_terms.append(terms)
                # grad is d(batch mean)/d logits = (1/B) d(row loss)/d logits: B times its row norms, summed
                grad_norms += torch.linalg.vector_norm(grad.detach(), dim=-1).sum(dim=1) * rows.shape[1]
            with torch.no_grad():
                # Keras' epoch loss: the mean of the batch losses weighted by batch size = the mean over the epoch's rows
                _record(history["loss"], layout, torch.cat([_per_model(torch.cat(steps, dim=1), 1) for steps in zip(*epoch_terms)]))
                _record(history["main"], layout, _test_metric(mlp.forward(everyone(x_test)), groups, y_test, dataset.task))
                _record(history["grad_norm"], layout, grad_norms / n)
                if stopping is not None:
                    val_loss = losses(mlp.forward(everyone(validation[0])), everyone(validation[1]))
                    _record(history["val_loss"], layout, val_loss)
                    stopping.update(epoch, val_loss, mlp.tensors)
                    if stopping.done:
                        break
        with torch.no_grad():
            if stopping is not None:
                for p, best in zip(mlp.tensors, stopping.weights):
                    p.copy_(best)
            logits = mlp.forward(everyone(x_test))
    probs: list[torch.Tensor] = [torch.empty(0)] * len(jobs)
    at_position = [(pairing, u) for (pairing, _, u), c in zip(groups, counts) for _ in range(c)]
    for position, (pairing, u) in enumerate(at_position):
        probs[layout[position]] = activate(pairing, logits[position, :, :u])
    if stopping is not None:
        stopping.reorder(torch.as_tensor(np.argsort(layout)))  # back to jobs order
    return _finish(dataset, jobs, probs, history, config, "batched", time.perf_counter() - start, stopping,
                   noise_changed if config.label_noise else None)


class _StackedMLP:
    """``M`` ReLU MLPs of the same sizes: each layer's weights stacked ``(M, out, in)`` (``nn.Linear``'s layout)
    and biases ``(M, out, 1)``.

    Every parameter is a view of one flat vector (``flat``, whose ``grad`` holds the gradients in the same
    layout; :meth:`backward` overwrites it, so there is no ``zero_grad``), so one fused optimiser step updates
    all models. Activations run feature-major, ``(M, features, B)``: each matmul then has the batch as its wide
    dimension instead of the layer width, which matters for the last layer (a 10-column ``bmm`` is ~4x slower
    than a 10-row one on CPU). The backward pass is written
    out as batched matmuls; autograd is used only from the loss to the logits. The sequential engine, plain
    ``nn.Linear`` + autograd, is the reference it is tested against.
    """

    def __init__(self, models: list[list[tuple[torch.Tensor, torch.Tensor]]]) -> None:
        count = len(models)
        shapes = [shape for w, _ in models[0] for shape in ((count, w.shape[1], w.shape[0]), (count, w.shape[1], 1))]
        total = sum(math.prod(shape) for shape in shapes)
        self.flat = torch.empty(total, requires_grad=True)
        self.flat.grad = torch.zeros(total)
        self.tensors, grads, offset = [], [], 0
        for shape in shapes:
            size = math.prod(shape)
            self.tensors.append(self.flat.detach()[offset:offset + size].view(shape))
            grads.append(self.flat.grad[offset:offset + size].view(shape))
            offset += size
        with torch.no_grad():
            for layer in range(len(models[0])):
                self.tensors[2 * layer].copy_(torch.stack([m[layer][0].T for m in models]))
                self.tensors[2 * layer + 1].copy_(torch.stack([m[layer][1] for m in models]).unsqueeze(2))
        self.layers = list(zip(self.tensors[0::2], self.tensors[1::2]))
        self.transposed = [w.transpose(1, 2) for w in self.tensors[0::2]]  # views: they follow the in-place updates
        self.grads = list(zip(grads[0::2], grads[1::2]))
        self.inputs: list[torch.Tensor] = []

    def forward(self, x: torch.Tensor, keep: bool = False) -> torch.Tensor:
        """``x (M, B, in)`` -> logits ``(M, B, out)``; ``keep`` saves each layer's input for :meth:`backward`."""
        self.inputs = []
        h = x.transpose(1, 2)
        for i, (w, b) in enumerate(self.layers):
            if keep:
                self.inputs.append(h)
            h = torch.baddbmm(b, w, h)
            if i + 1 < len(self.layers):
                h = h.relu_()
        return h.transpose(1, 2).contiguous()

    def backward(self, grad: torch.Tensor) -> None:
        """Write the gradients of the last :meth:`forward` (``keep=True``) into ``flat.grad``, given
        ``grad = d loss / d logits (M, B, out)``."""
        grad = grad.transpose(1, 2)
        for i in reversed(range(len(self.layers))):
            grad_w, grad_b = self.grads[i]
            torch.bmm(grad, self.inputs[i].transpose(1, 2), out=grad_w)
            torch.sum(grad, dim=2, keepdim=True, out=grad_b)
            if i:
                # ReLU's backward, as autograd computes it from the layer's output: zero where it is <= 0
                grad = torch.ops.aten.threshold_backward(torch.bmm(self.transposed[i], grad), self.inputs[i], 0)


def _adam(params: list[torch.Tensor], lr: float) -> torch.optim.Adam:
    """Adam with the fused CPU kernel (torch >= 2.4; ~10% faster here, interleaved A/B), else the foreach one."""
    try:
        return torch.optim.Adam(params, lr=lr, fused=True)
    except (RuntimeError, ValueError):
        return torch.optim.Adam(params, lr=lr, foreach=True)


def _group_key(job: tuple[str, int], dataset: Dataset) -> tuple[str, int]:
    return job[0], output_units(job[0], dataset)


def _groups(ordered: list[tuple[str, int]], dataset: Dataset) -> list[tuple[registry.Pairing, torch.Tensor, int]]:
    """Consecutive models of one pairing and width: ``(pairing, positions, units)``."""
    grouped: dict[tuple[str, int], list[int]] = {}
    for position, job in enumerate(ordered):
        grouped.setdefault(_group_key(job, dataset), []).append(position)
    return [(task_pairing(p, dataset), torch.tensor(ms), u) for (p, u), ms in grouped.items()]


def _units(logits: torch.Tensor, units: int) -> torch.Tensor:
    """The first ``units`` outputs (a one-unit binary model's only output); no view when that is all of them,
    which would cost an autograd node per step."""
    return logits if logits.shape[-1] == units else logits[..., :units]


def _threshold(pairing: registry.Pairing) -> float:
    """Where an output says yes: 0.5 for probabilities, 0 for raw scores (a hinge model's margin)."""
    return 0.0 if pairing.activation == "linear" else 0.5


def _unit_target(target: torch.Tensor, units: int) -> torch.Tensor:
    """One-hot ``(..., 2)`` -> the positive column ``(..., 1)`` for a one-unit binary model."""
    return target[..., 1:2] if units == 1 and target.shape[-1] == 2 else target


def _test_metric(logits: torch.Tensor, groups, y_test: torch.Tensor, task: str) -> torch.Tensor:
    out = torch.zeros(logits.shape[0])
    for pairing, members, u in groups:
        out[members] = _history_metric(activate(pairing, _units(logits[members], u)), y_test, task,
                                       threshold=_threshold(pairing))
    return out


def train_sequential(dataset: Dataset, jobs: list[tuple[str, int]], config: TrainConfig) -> list[RunResult]:
    """One ``nn.Sequential`` and one Adam per model: the reference for the batched engine."""
    start = time.perf_counter()
    dataset, x_train, x_test, validation = _prepare(dataset, config)
    y_test = targets(dataset, dataset.y_test)
    seeds = sorted({s for _, s in jobs})
    y_seeds, noise_changed = train_targets(dataset, seeds, config)
    n = len(x_train)
    sizes = [x_train.shape[1], *config.hidden, dataset.n_classes]
    history = _history(len(jobs))
    stopping = _EarlyStopping(len(jobs), config.patience) if validation is not None else None
    probs = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LossInputWarning)
        for m, (name, seed) in enumerate(jobs):
            pairing, units = task_pairing(name, dataset), output_units(name, dataset)
            model = _module(initial_parameters(seed, sizes), units)
            optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
            order = batch_orders(seed, n)
            best_state, best, wait = None, math.inf, 0
            y_train = y_seeds[seeds.index(seed) if len(y_seeds) > 1 else 0]
            for epoch in range(config.epochs):
                total, grad_norm = 0.0, 0.0
                epoch_rows = next(order)
                for begin in range(0, n, config.batch_size):
                    rows = epoch_rows[begin:begin + config.batch_size]
                    logits = model(x_train[rows])
                    logits.retain_grad()
                    loss = pairing_loss(pairing, logits, _unit_target(y_train[rows], units), config.label_smoothing)
                    optimizer.zero_grad(set_to_none=True)
                    loss.backward()
                    optimizer.step()
                    total += float(loss.detach()) * len(rows)
                    grad_norm += float(torch.linalg.vector_norm(logits.grad, dim=-1).sum()) * len(rows)
                history["loss"][m].append(total / n)
                history["grad_norm"][m].append(grad_norm / n)
                with torch.no_grad():
                    history["main"][m].append(float(_history_metric(activate(pairing, model(x_test)).unsqueeze(0), y_test,
                                                                      dataset.task, threshold=_threshold(pairing))[0]))
                    if stopping is not None:
                        val_loss = float(pairing_loss(pairing, model(validation[0]), _unit_target(validation[1], units),
                                                      config.label_smoothing))
                        history["val_loss"][m].append(val_loss)
                        if val_loss < best:
                            best, wait = val_loss, 0
                            best_state = {k: v.clone() for k, v in model.state_dict().items()}
                            stopping.best[m], stopping.best_epoch[m] = val_loss, epoch
                        else:
                            wait += 1
                        if wait >= config.patience:
                            stopping.stopped_epoch[m] = epoch
                            break
            with torch.no_grad():
                if best_state is not None:
                    model.load_state_dict(best_state)
                probs.append(activate(pairing, model(x_test)))
    return _finish(dataset, jobs, probs, history, config, "sequential", time.perf_counter() - start, stopping,
                   noise_changed if config.label_noise else None)


def _module(layers: list[tuple[torch.Tensor, torch.Tensor]], units: int) -> torch.nn.Sequential:
    modules: list[torch.nn.Module] = []
    for i, (w, b) in enumerate(layers):
        last = i == len(layers) - 1
        linear = torch.nn.Linear(w.shape[0], units if last else w.shape[1])
        with torch.no_grad():
            linear.weight.copy_((w[:, :units] if last else w).T)
            linear.bias.copy_(b[:units] if last else b)
        modules.append(linear)
        if not last:
            modules.append(torch.nn.ReLU())
    return torch.nn.Sequential(*modules)


TRAINERS = {"batched": train_batched, "sequential": train_sequential}
