"""Training engines: every (pairing x seed) model of a dataset at once (``batched``) or one at a time
(``sequential``, the reference).

The paired design: for a seed, every pairing starts from the same initial weights (drawn from that seed) and
sees the same minibatch order, so a difference between pairings is the pairing's, not the draw's. The model
is an MLP (ReLU) on standardised features, trained with Adam for a fixed number of epochs. Losses are the
registry's functions, called as a Keras user gets them (see :mod:`lossmatch.registry`'s ``Pairing``).
"""

from __future__ import annotations

import math
import time
import warnings
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

    @property
    def key(self) -> str:
        return run_key(self.dataset, self.pairing, self.seed)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunResult:
        return cls(**data)


def run_key(dataset: str, pairing: str, seed: int) -> str:
    return f"{dataset}__{pairing.replace('+', '-')}__seed{seed}"


def main_metric(task: str) -> str:
    return "f1_micro" if task == "multilabel" else "top1_accuracy"


def output_units(pairing: str, dataset: Dataset) -> int:
    """C outputs, except one sigmoid unit for sigmoid+bce on a binary task (the usual binary model)."""
    return 1 if dataset.task == "binary" and pairing == "sigmoid+bce" else dataset.n_classes


# ------------------------------------------------------------------------------------------- pieces
def standardise(dataset: Dataset) -> tuple[torch.Tensor, torch.Tensor]:
    mean = dataset.x_train.mean(axis=0, dtype=np.float64)
    std = dataset.x_train.std(axis=0, dtype=np.float64)
    std[std == 0] = 1.0
    scale = lambda x: torch.as_tensor(((x - mean) / std).astype(np.float32))  # noqa: E731
    return scale(dataset.x_train), scale(dataset.x_test)


def targets(dataset: Dataset, y: np.ndarray) -> torch.Tensor:
    """Float targets over C outputs: one-hot for single-label tasks, multi-hot for multi-label ones."""
    if dataset.task == "multilabel":
        return torch.as_tensor(y, dtype=torch.float32)
    return F.one_hot(torch.as_tensor(y, dtype=torch.long), dataset.n_classes).float()


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


def batch_order(seed: int, n: int, epochs: int) -> torch.Tensor:
    """The row order of every epoch for ``seed``: ``(epochs, n)``."""
    generator = torch.Generator().manual_seed(10_000 + seed)
    return torch.stack([torch.randperm(n, generator=generator) for _ in range(epochs)])


def activate(pairing: registry.Pairing, logits: torch.Tensor) -> torch.Tensor:
    return torch.softmax(logits, dim=-1) if pairing.activation == "softmax" else torch.sigmoid(logits)


def pairing_loss(pairing: registry.Pairing, logits: torch.Tensor, target: torch.Tensor, label_smoothing: float) -> torch.Tensor:
    """Mean loss per model over the batch: ``logits``/``target`` ``(..., B, units)`` -> ``(...)``.

    The registry's function is called as Keras 3 computes ``Dense(activation=...)`` + that loss: matched
    pairings on logits (fused), mismatched ones on the activation's probabilities clipped at 1e-7 (and
    renormalised for sigmoid+cce); BCE is averaged over the outputs of a row, CCE summed.
    """
    spec = pairing.spec
    options = dict(reduction="none", label_smoothing=label_smoothing, validate=False)
    if spec.expects == "logits":
        per_row = spec.fn(logits, target, **options)
    else:
        per_row = spec.fn(activate(pairing, logits), target, epsilon=pairing.keras_epsilon, **options, **pairing.loss_options)
    if pairing.family == "bce":
        per_row = per_row.mean(dim=-1)
    return per_row.mean(dim=-1)


def _history_metric(probs: torch.Tensor, y: torch.Tensor, task: str) -> torch.Tensor:
    """The main metric of every model at once: ``probs (M, n, units)`` -> ``(M,)``; equal to sklearn's
    accuracy (argmax) or micro-F1 (0.5 threshold) -- checked in the tests."""
    if task == "multilabel":
        predicted = probs >= 0.5
        truth = y.bool().unsqueeze(0)
        tp = (predicted & truth).sum(dim=(1, 2)).float()
        wrong = (predicted ^ truth).sum(dim=(1, 2)).float()
        return torch.where(tp > 0, 2 * tp / (2 * tp + wrong), torch.zeros_like(tp))
    labels = y.argmax(dim=-1)
    predicted = (probs[..., 0] >= 0.5).long() if probs.shape[-1] == 1 else probs.argmax(dim=-1)
    return (predicted == labels.unsqueeze(0)).float().mean(dim=1)


def _finish(dataset: Dataset, jobs: list[tuple[str, int]], test_probs: list[torch.Tensor], history: dict[str, np.ndarray],
            config: TrainConfig, engine: str, seconds: float) -> list[RunResult]:
    """Metrics from :mod:`lossmatch.metrics` for every model's test probabilities."""
    from lossmatch import metrics

    task = "multiclass" if dataset.task != "multilabel" else "multilabel"
    results = []
    for m, ((pairing, seed), probs) in enumerate(zip(jobs, test_probs)):
        p = probs.double().numpy()
        scores = metrics.evaluate(dataset.y_test, p, task=dataset.task, input_kind="probs")
        extra: dict[str, Any] = {}
        if dataset.task == "multilabel":
            curve, per_label = metrics.reliability_curve(dataset.y_test, p, task=task), metrics.per_label_f1(dataset.y_test, p)
            extra = {"labels_per_row": float((p >= 0.5).sum(axis=1).mean()),
                     "true_labels_per_row": float(dataset.y_test.sum(axis=1).mean())}
        else:
            full = np.column_stack([1 - p[:, 0], p[:, 0]]) if p.shape[1] == 1 else p / p.sum(axis=1, keepdims=True)
            curve, per_label = metrics.reliability_curve(dataset.y_test, full, task=task), None
        results.append(RunResult(
            dataset=dataset.name, pairing=pairing, seed=seed, metrics=scores,
            history={"loss": history["loss"][m].tolist(), main_metric(dataset.task): history["main"][m].tolist()},
            reliability=curve, per_label_f1=per_label, output_units=int(p.shape[1]), config=config.to_dict(),
            engine=engine, seconds=seconds / len(jobs), extra=extra))
    return results


# ------------------------------------------------------------------------------------------- engines
def train_batched(dataset: Dataset, jobs: list[tuple[str, int]], config: TrainConfig) -> list[RunResult]:
    """All ``(pairing, seed)`` models in one set of stacked weights ``(M, in, out)`` trained with ``baddbmm``."""
    start = time.perf_counter()
    x_train, x_test = standardise(dataset)
    y_train, y_test = targets(dataset, dataset.y_train), targets(dataset, dataset.y_test)
    n, width = len(x_train), dataset.n_classes
    sizes = [x_train.shape[1], *config.hidden, width]
    pairings = [registry.pairing(p) for p, _ in jobs]
    units = [output_units(p, dataset) for p, _ in jobs]
    seeds = sorted({s for _, s in jobs})
    init = {s: initial_parameters(s, sizes) for s in seeds}
    params = []
    for layer in range(len(sizes) - 1):
        params.append(torch.stack([init[s][layer][0] for _, s in jobs]).requires_grad_())
        params.append(torch.stack([init[s][layer][1] for _, s in jobs]).unsqueeze(1).requires_grad_())
    optimizer = torch.optim.Adam(params, lr=config.lr)
    orders = {s: batch_order(s, n, config.epochs) for s in seeds}
    groups = _groups(jobs, units)
    model_orders = torch.stack([orders[s] for _, s in jobs])  # (M, epochs, n)
    history = {"loss": np.zeros((len(jobs), config.epochs)), "main": np.zeros((len(jobs), config.epochs))}

    def forward(x: torch.Tensor) -> torch.Tensor:
        h = x
        for layer in range(0, len(params), 2):
            h = torch.baddbmm(params[layer + 1], h, params[layer])
            if layer + 2 < len(params):
                h = torch.relu(h)
        return h

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LossInputWarning)  # the mismatches are deliberate
        for epoch in range(config.epochs):
            epoch_loss = torch.zeros(len(jobs))
            for begin in range(0, n, config.batch_size):
                rows = model_orders[:, epoch, begin:begin + config.batch_size]  # (M, B)
                logits = forward(x_train[rows])
                batch_target = y_train[rows]
                total = 0.0
                for pairing, members, u in groups:
                    per_model = pairing_loss(pairing, logits[members, :, :u], _unit_target(batch_target[members], u),
                                             config.label_smoothing)
                    epoch_loss[members] += per_model.detach() * rows.shape[1]
                    total = total + per_model.sum()
                optimizer.zero_grad(set_to_none=True)
                total.backward()
                optimizer.step()
            history["loss"][:, epoch] = (epoch_loss / n).numpy()
            with torch.no_grad():
                history["main"][:, epoch] = _test_metric(forward(x_test.expand(len(jobs), -1, -1)), groups, y_test,
                                                         dataset.task).numpy()
        with torch.no_grad():
            logits = forward(x_test.expand(len(jobs), -1, -1))
    probs = [activate(pairings[m], logits[m, :, :units[m]]) for m in range(len(jobs))]
    return _finish(dataset, jobs, probs, history, config, "batched", time.perf_counter() - start)


def _groups(jobs: list[tuple[str, int]], units: list[int]) -> list[tuple[registry.Pairing, torch.Tensor, int]]:
    """Models of one pairing and width, as index tensors into the stacked weights."""
    grouped: dict[tuple[str, int], list[int]] = {}
    for m, ((pairing, _), u) in enumerate(zip(jobs, units)):
        grouped.setdefault((pairing, u), []).append(m)
    return [(registry.pairing(p), torch.tensor(ms), u) for (p, u), ms in grouped.items()]


def _unit_target(target: torch.Tensor, units: int) -> torch.Tensor:
    """One-hot ``(..., 2)`` -> the positive column ``(..., 1)`` for a one-unit binary model."""
    return target[..., 1:2] if units == 1 and target.shape[-1] == 2 else target


def _test_metric(logits: torch.Tensor, groups, y_test: torch.Tensor, task: str) -> torch.Tensor:
    out = torch.zeros(logits.shape[0])
    for pairing, members, u in groups:
        out[members] = _history_metric(activate(pairing, logits[members, :, :u]), y_test, task)
    return out


def train_sequential(dataset: Dataset, jobs: list[tuple[str, int]], config: TrainConfig) -> list[RunResult]:
    """One ``nn.Sequential`` and one Adam per model: the reference for the batched engine."""
    start = time.perf_counter()
    x_train, x_test = standardise(dataset)
    y_train, y_test = targets(dataset, dataset.y_train), targets(dataset, dataset.y_test)
    n = len(x_train)
    sizes = [x_train.shape[1], *config.hidden, dataset.n_classes]
    history = {"loss": np.zeros((len(jobs), config.epochs)), "main": np.zeros((len(jobs), config.epochs))}
    probs = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LossInputWarning)
        for m, (name, seed) in enumerate(jobs):
            pairing, units = registry.pairing(name), output_units(name, dataset)
            model = _module(initial_parameters(seed, sizes), units)
            optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
            order = batch_order(seed, n, config.epochs)
            for epoch in range(config.epochs):
                total = 0.0
                for begin in range(0, n, config.batch_size):
                    rows = order[epoch, begin:begin + config.batch_size]
                    loss = pairing_loss(pairing, model(x_train[rows]), _unit_target(y_train[rows], units), config.label_smoothing)
                    optimizer.zero_grad(set_to_none=True)
                    loss.backward()
                    optimizer.step()
                    total += float(loss.detach()) * len(rows)
                history["loss"][m, epoch] = total / n
                with torch.no_grad():
                    history["main"][m, epoch] = float(_history_metric(activate(pairing, model(x_test)).unsqueeze(0), y_test, dataset.task)[0])
            with torch.no_grad():
                probs.append(activate(pairing, model(x_test)))
    return _finish(dataset, jobs, probs, history, config, "sequential", time.perf_counter() - start)


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
