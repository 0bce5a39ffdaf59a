"""What ``lossmatch.LossCheck`` costs a training loop: an epoch of an MLP on sklearn's digits with and without it.

Epochs with and without the check are interleaved (the order alternates each repeat), so that a busy core slows
both alike: the overhead is the median over repeats of each pair's ratio (two epochs a few milliseconds apart), with
the ratio of the medians and of the fastest epochs as two more estimates. The first
batch's runtime check (label inference, one pass over the batch in numpy) is a one-time cost, shown on its own.

    python bench/guard.py                  # 40 repeats, batch 32, one torch thread
    python bench/guard.py --repeats 100 --batch-size 64
    python bench/guard.py --frameworks keras,lightning --fit-repeats 8

Rows: ``control`` (without against without: the noise of this machine), ``step`` (``guard.step(out, y, loss)`` in the loop), ``hook`` (``with LossCheck(model, loss_fn):``, an
unchanged loop), and ``mismatch`` (sigmoid + BCE on one-hot targets: every running sum is on in epoch 1, the worst case;
LM022 reported there, its sums stop).

Keras 3 (torch backend) and Lightning rows time ``model.fit`` / ``Trainer.fit`` runs of ``--fit-epochs`` epochs, with
and without the callback, alternating which goes first; an epoch is timed from its begin to its end hook, the first
epoch of each run (the first-batch check) left out, and the ratio is each pair of runs' median epochs, medianed over
``--fit-repeats``. ``keras`` / ``lightning``: the matched model (logits + sparse CCE / ``nn.CrossEntropyLoss`` hooked);
``keras mismatch`` / ``lightning mismatch``: sigmoid + BCE on one-hot targets, every running sum on; the ``control``
rows run without against without. Under a busy machine the pairs' noise is several percent: the cost of the check
alone on outputs already computed, per batch, is printed too, to set against a plain batch's time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import warnings
from collections.abc import Callable
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=40)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--frameworks", default="torch,keras,lightning", help="comma-separated: torch, keras, lightning")
    parser.add_argument("--fit-repeats", type=int, default=6)
    parser.add_argument("--fit-epochs", type=int, default=6)
    args = parser.parse_args()
    frameworks = set(args.frameworks.split(","))

    import torch
    from sklearn.datasets import load_digits

    import lossmatch

    torch.set_num_threads(args.threads)
    features, labels = load_digits(return_X_y=True)
    x = torch.tensor(features / 16.0, dtype=torch.float32)
    y = torch.tensor(labels)
    one_hot = torch.nn.functional.one_hot(y, 10).float()
    batches = [(x[i:i + args.batch_size], y[i:i + args.batch_size], one_hot[i:i + args.batch_size])
               for i in range(0, len(x), args.batch_size)]

    def model() -> torch.nn.Module:
        torch.manual_seed(0)
        return torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))

    def runner(form: str, loss_class: type, target_of: int):
        net, loss_fn = model(), loss_class()  # a loss module of its own: a hook on it sees this runner only
        opt = torch.optim.Adam(net.parameters(), 1e-3)
        guard = lossmatch.LossCheck(net, loss_fn) if form != "plain" else None
        if form == "hook":
            guard.__enter__()

        def epoch() -> float:
            start = time.perf_counter()
            for batch in batches:
                xb, target = batch[0], batch[target_of]
                out = net(xb)
                loss = loss_fn(out, target)
                opt.zero_grad()
                loss.backward()
                opt.step()
                if form == "step":
                    guard.step(out, target, loss)
            if guard is not None:
                guard.epoch_end()
            return time.perf_counter() - start

        return epoch

    ce, bce = torch.nn.CrossEntropyLoss, torch.nn.BCEWithLogitsLoss
    if "torch" in frameworks:
        torch_rows(args, batches, runner, model, ce, bce)
    fits = {}
    if "keras" in frameworks:
        fits.update(keras_rows(x.numpy(), y.numpy(), one_hot.numpy(), args.batch_size))
    if "lightning" in frameworks:
        fits.update(lightning_rows(x, y, one_hot, args.batch_size))
    if fits:
        print(f"\nfit runs of {args.fit_epochs} epochs (epoch 1 left out), {args.fit_repeats} alternating repeats")
        print(f"{'row':<20}{'without ms':>12}{'with ms':>10}{'paired ratio':>14}")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the mismatch rows' findings, the frameworks' hints
            for name, make in fits.items():
                control = name.endswith("control")  # without against without
                pairs = []
                for repeat in range(args.fit_repeats):
                    order = (False, True) if repeat % 2 == 0 else (True, False)
                    medians = {second: statistics.median(make(second and not control, args.fit_epochs)[1:])
                               for second in order}
                    pairs.append((medians[False], medians[True]))
                paired = statistics.median(w / o for o, w in pairs)
                print(f"{name:<20}{statistics.median(o for o, _ in pairs) * 1e3:>12.2f}"
                      f"{statistics.median(w for _, w in pairs) * 1e3:>10.2f}{paired:>14.3f}")


def torch_rows(args: Any, batches: list, runner: Callable, model: Callable, ce: type, bce: type) -> None:
    import torch

    import lossmatch

    first = lossmatch.LossCheck(model(), ce())
    start = time.perf_counter()
    first.step(model()(batches[0][0]), batches[0][1])
    first_cost = time.perf_counter() - start

    per_batch = {}
    for name, (loss_class, target_of) in {"step": (ce, 1), "mismatch": (bce, 2)}.items():
        net, loss_fn = model(), loss_class()
        with torch.no_grad():
            seen = [(net(b[0]), b[target_of]) for b in batches]
        seen = [(out, target, loss_fn(out, target)) for out, target in seen]
        spent = 0.0
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", lossmatch.LossInputWarning)
            for _ in range(args.repeats):  # a fresh run each time: epoch 1, every sum its first batch planned
                guard = lossmatch.LossCheck(net, loss_fn)
                guard.step(*seen[0])
                start = time.perf_counter()
                for item in seen[1:]:
                    guard.step(*item)
                guard.epoch_end()
                spent += time.perf_counter() - start
        per_batch[name] = spent / (args.repeats * (len(seen) - 1))

    rows = {"control": ("plain", ce, 1), "step": ("step", ce, 1), "hook": ("hook", ce, 1), "mismatch": ("step", bce, 2)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", lossmatch.LossInputWarning)  # the mismatch row's findings
        plain = {name: runner("plain", loss, target) for name, (_, loss, target) in rows.items()}
        checked = {name: runner(form, loss, target) for name, (form, loss, target) in rows.items()}
        for name in rows:  # warm-up: allocator, the first batch's check
            plain[name](), checked[name]()
        times = {name: ([], []) for name in rows}
        for repeat in range(args.repeats):
            for name in rows:
                pair = (plain[name], checked[name]) if repeat % 2 == 0 else (checked[name], plain[name])
                for fn in pair:
                    (times[name][0] if fn is plain[name] else times[name][1]).append(fn())

    print(f"digits MLP 64-128-10, {len(batches)} batches of {args.batch_size}, {args.threads} thread(s), "
          f"{args.repeats} interleaved repeats; first-batch check (once per run): {first_cost * 1e3:.1f} ms")
    plain_batch = statistics.median(times["control"][0]) / len(batches)
    print(f"the check alone on outputs already computed (epoch 1 of a run, epoch end included): "
          f"{per_batch['step'] * 1e6:.0f} us per batch matched, {per_batch['mismatch'] * 1e6:.0f} us mismatch (every "
          f"sum on) = {per_batch['step'] / plain_batch:.1%} / {per_batch['mismatch'] / plain_batch:.1%} of a plain "
          f"batch ({plain_batch * 1e3:.2f} ms)")
    print(f"{'row':<10}{'without ms':>12}{'with ms':>10}{'paired ratio':>14}{'median ratio':>14}{'fastest ratio':>15}")
    for name, (without, with_check) in times.items():
        paired = statistics.median(w / o for w, o in zip(with_check, without))
        median_ratio = statistics.median(with_check) / statistics.median(without)
        fastest_ratio = min(with_check) / min(without)
        print(f"{name:<10}{statistics.median(without) * 1e3:>12.2f}{statistics.median(with_check) * 1e3:>10.2f}"
              f"{paired:>14.3f}{median_ratio:>14.3f}{fastest_ratio:>15.3f}")


def keras_rows(x: Any, y: Any, one_hot: Any, batch_size: int) -> dict[str, Callable]:
    """``make(checked, epochs)`` -> the epochs' durations of one ``model.fit`` run."""
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import keras

    import lossmatch.keras

    class Timer(keras.callbacks.Callback):
        def __init__(self) -> None:
            super().__init__()
            self.times: list[float] = []

        def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            self.times.append(time.perf_counter() - self.start)

    def row(activation: str | None, loss: Any, target: Any, metrics: list[str]) -> Callable:
        def make(checked: bool, epochs: int) -> list[float]:
            keras.utils.set_random_seed(0)
            model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(128, activation="relu"),
                                      keras.layers.Dense(10, activation=activation)])
            model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=loss, metrics=metrics)
            timer = Timer()  # last: its epoch end comes after the check's
            callbacks = [lossmatch.keras.LossCheck(), timer] if checked else [timer]
            model.fit(x, target, epochs=epochs, batch_size=batch_size, verbose=0, callbacks=callbacks)
            return timer.times

        return make

    return {"keras control": row(None, keras.losses.SparseCategoricalCrossentropy(from_logits=True), y, ["accuracy"]),
            "keras": row(None, keras.losses.SparseCategoricalCrossentropy(from_logits=True), y, ["accuracy"]),
            "keras mismatch": row("sigmoid", "binary_crossentropy", one_hot, ["binary_accuracy"])}


def lightning_rows(x: Any, y: Any, one_hot: Any, batch_size: int) -> dict[str, Callable]:
    import lightning.pytorch as pl
    import torch

    import lossmatch.lightning

    class Timer(pl.Callback):
        def __init__(self) -> None:
            self.times: list[float] = []

        def on_train_epoch_start(self, trainer: Any, module: Any) -> None:
            self.start = time.perf_counter()

        def on_train_epoch_end(self, trainer: Any, module: Any) -> None:
            self.times.append(time.perf_counter() - self.start)

    class Net(pl.LightningModule):
        def __init__(self, criterion: torch.nn.Module) -> None:
            super().__init__()
            self.net = torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
            self.criterion = criterion

        def training_step(self, batch: Any, index: int) -> Any:
            return self.criterion(self.net(batch[0]), batch[1])

        def configure_optimizers(self) -> Any:
            return torch.optim.Adam(self.parameters(), 1e-3)

    def row(criterion: type, target: Any) -> Callable:
        loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, target), batch_size=batch_size)

        def make(checked: bool, epochs: int) -> list[float]:
            torch.manual_seed(0)
            timer = Timer()
            callbacks = [lossmatch.lightning.LossCheck(), timer] if checked else [timer]
            trainer = pl.Trainer(max_epochs=epochs, callbacks=callbacks, accelerator="cpu", logger=False,
                                 enable_checkpointing=False, enable_progress_bar=False, enable_model_summary=False)
            trainer.fit(Net(criterion()), loader)
            return timer.times

        return make

    return {"lightning control": row(torch.nn.CrossEntropyLoss, y), "lightning": row(torch.nn.CrossEntropyLoss, y), "lightning mismatch": row(torch.nn.BCEWithLogitsLoss, one_hot)}


if __name__ == "__main__":
    main()
