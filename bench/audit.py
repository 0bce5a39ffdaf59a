"""`lossmatch audit` throughput: files per second on generated training scripts, one process vs all cores.

Writes ``--files`` (default 3000) realistic training scripts into a temporary folder: Keras Sequential
(list and ``.add``), Keras functional, Keras subclassed with a custom loop, PyTorch ``nn.Module`` with a training
loop, PyTorch ``nn.Sequential`` on a tabular file, TF1 graphs, and a few notebooks, each with randomised names,
layer counts, widths and constants; about a third carry a loss/activation bug. Every fifth file is a model
module imported by a training script beside it, so the cross-module pass does its share of work. Then times
``audit_paths`` (best of ``--repeat``) with ``jobs=1`` and with ``jobs=--jobs`` (default: the number of cores)
and prints files/s for each and the ratio. Goal: >= 500 files/s on one core.

Then (or alone, with ``--project``) the project-scale case: ONE repository of exactly ``--project-files``
(default 2000) files laid out like a real ML code base: a package with ``configs/`` (NUM_CLASSES, dicts of
hyper-parameters), ``models/`` sub-packages whose ``__init__.py`` re-export ``nn.Module`` classes (about a fifth
return softmax/sigmoid) built from shared blocks (attention with a softmax inside) and heads, Keras builders,
registries (``MODELS = {"mlp": MLP, ...}``, ``@register_model``) and factories (``get_model(name, num_classes)``),
``trainers/`` whose Trainer classes take the model in their constructor, and utility packages (logging, metrics,
I/O, data, plotting, evaluation) that make up the bulk and import each other in deep chains, half the time
relatively; outside it, ``scripts/train_*.py`` entry points, ``tools/`` files importing 20-60 modules and a few
notebooks. Times ``audit_paths([repo], jobs=1)`` (best of ``--repeat``). Goal: <= 10 s. ``--profile`` prints
the top 25 entries under lossmatch by cumulative time.

    .venv/bin/python bench/audit.py [--files 3000] [--jobs N] [--repeat 3] [--seed 0] [--profile]
                                    [--project] [--project-files 2000]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import tempfile
import textwrap
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lossmatch.audit import audit_paths

WORDS = ("mnist", "cifar", "reviews", "churn", "speech", "tags", "intent", "fraud", "genre", "digits", "spam",
         "toxic", "scene", "emotion", "sensor", "credit", "news", "faces", "plants", "retina")


def _name(rng: random.Random) -> str:
    return f"{rng.choice(WORDS)}_{rng.choice(('net', 'model', 'clf', 'mlp', 'cnn', 'head'))}{rng.randint(1, 99)}"


def _helpers(rng: random.Random) -> str:
    """Unrelated code that real scripts carry: argument parsing, logging, plotting, metrics helpers."""
    n = rng.randint(1, 4)
    parts = []
    for i in range(n):
        parts.append(textwrap.dedent(f"""
            def {rng.choice(('plot', 'log', 'save', 'report'))}_{rng.choice(WORDS)}_{i}(history, path="out/{i}.png"):
                import matplotlib.pyplot as plt
                fig, ax = plt.subplots(figsize=({rng.randint(4, 12)}, {rng.randint(3, 8)}))
                for key in ("loss", "val_loss", "accuracy"):
                    if key in history:
                        ax.plot(history[key], label=key)
                ax.legend()
                fig.savefig(path, dpi={rng.choice((72, 100, 150))})
                return {{k: min(v) for k, v in history.items() if v}}
        """))
    parts.append(textwrap.dedent(f"""
        def parse_args(argv=None):
            import argparse
            parser = argparse.ArgumentParser(description="train {rng.choice(WORDS)}")
            parser.add_argument("--epochs", type=int, default={rng.randint(5, 200)})
            parser.add_argument("--batch-size", type=int, default={rng.choice((16, 32, 64, 128, 256))})
            parser.add_argument("--lr", type=float, default={rng.choice((1e-2, 3e-3, 1e-3, 3e-4))})
            parser.add_argument("--seed", type=int, default={rng.randint(0, 9999)})
            return parser.parse_args(argv)
    """))
    return "".join(parts)


def keras_sequential(rng: random.Random, bug: bool) -> str:
    classes = rng.choice((3, 5, 10, 20, 100))
    hidden = [rng.choice((32, 64, 128, 256, 512)) for _ in range(rng.randint(1, 6))]
    use_list = rng.random() < 0.5
    act, loss = "softmax", rng.choice(("categorical_crossentropy", "keras.losses.CategoricalCrossentropy()"))
    if bug:
        act, loss = rng.choice((("softmax", "'binary_crossentropy'"), ("sigmoid", "'categorical_crossentropy'"),
                                ("softmax", "keras.losses.CategoricalCrossentropy(from_logits=True)"),
                                ("linear", "'categorical_crossentropy'")))
    elif not loss.startswith("keras"):
        loss = f"'{loss}'"
    layers = [f"keras.layers.Dense({h}, activation='relu')" for h in hidden]
    layers += [f"keras.layers.Dropout({rng.choice((0.1, 0.2, 0.5))})"] * rng.randint(0, 2)
    layers.append(f"keras.layers.Dense(num_classes, activation='{act}')")
    if use_list:
        body = "model = keras.Sequential([\n" + "".join(f"    {layer},\n" for layer in layers) + "])\n"
    else:
        body = "model = keras.Sequential()\n" + "".join(f"model.add({layer})\n" for layer in layers)
    dataset = rng.choice(("mnist", "cifar10", "fashion_mnist"))
    return textwrap.dedent(f"""\
        '''{dataset}: dense network, {len(hidden)} hidden layers.'''
        import numpy as np
        from tensorflow import keras

        num_classes = {classes}
        batch_size = {rng.choice((32, 64, 128))}
        epochs = {rng.randint(3, 50)}
        """) + _helpers(rng) + textwrap.dedent(f"""

        (x_train, y_train), (x_test, y_test) = keras.datasets.{dataset}.load_data()
        x_train = x_train.reshape(len(x_train), -1).astype("float32") / 255
        x_test = x_test.reshape(len(x_test), -1).astype("float32") / 255
        y_train = keras.utils.to_categorical(y_train, num_classes)
        y_test = keras.utils.to_categorical(y_test, num_classes)
        """) + body + textwrap.dedent(f"""\
        model.summary()
        model.compile(optimizer=keras.optimizers.Adam({rng.choice((1e-3, 3e-4))}),
                      loss={loss},
                      metrics=["accuracy"])
        history = model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs,
                            validation_data=(x_test, y_test), verbose=2)
        score = model.evaluate(x_test, y_test, verbose=0)
        print("Test loss:", score[0])
        print("Test accuracy:", score[1])
        """)


def keras_functional(rng: random.Random, bug: bool) -> str:
    blocks = rng.randint(1, 5)
    from_logits = "True" if bug else rng.choice(("True", "False"))
    act = "softmax" if (bug or from_logits == "False") else "linear"
    lines = "".join(f"    x = layers.Conv2D({rng.choice((16, 32, 64, 128))}, 3, padding='same', activation='relu')(x)\n"
                    f"    x = layers.MaxPooling2D()(x)\n" for _ in range(blocks))
    return textwrap.dedent(f"""\
        import tensorflow as tf
        from tensorflow import keras
        from tensorflow.keras import layers

        IMG = {rng.choice((32, 64, 128, 224))}
        NUM_CLASSES = {rng.randint(2, 50)}
        """) + _helpers(rng) + textwrap.dedent("""

        def build(num_classes=NUM_CLASSES):
            inputs = keras.Input(shape=(IMG, IMG, 3))
            x = layers.Rescaling(1.0 / 255)(inputs)
        """) + lines + textwrap.dedent(f"""\
            x = layers.GlobalAveragePooling2D()(x)
            x = layers.Dropout({rng.choice((0.2, 0.3, 0.5))})(x)
            outputs = layers.Dense(num_classes, activation="{act}")(x)
            return keras.Model(inputs, outputs, name="{_name(rng)}")


        train_ds = keras.utils.image_dataset_from_directory("data/train", image_size=(IMG, IMG))
        val_ds = keras.utils.image_dataset_from_directory("data/val", image_size=(IMG, IMG))
        model = build()
        model.compile(optimizer="adam",
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits={from_logits}),
                      metrics=["accuracy"])
        callbacks = [keras.callbacks.EarlyStopping(patience={rng.randint(2, 10)})]
        model.fit(train_ds, validation_data=val_ds, epochs={rng.randint(5, 100)}, callbacks=callbacks)
        """)


def keras_subclassed(rng: random.Random, bug: bool) -> str:
    cls = _name(rng).title().replace("_", "")
    return textwrap.dedent(f"""\
        import tensorflow as tf


        class {cls}(tf.keras.Model):
            def __init__(self, num_classes={rng.randint(2, 20)}):
                super().__init__()
                self.conv = tf.keras.layers.Conv2D({rng.choice((16, 32, 64))}, 3, activation="relu")
                self.flatten = tf.keras.layers.Flatten()
                self.hidden = tf.keras.layers.Dense({rng.choice((64, 128, 256))}, activation="relu")
                self.out = tf.keras.layers.Dense(num_classes{', activation="softmax"' if bug else ''})

            def call(self, x, training=False):
                x = self.conv(x)
                x = self.flatten(x)
                return self.out(self.hidden(x))


        model = {cls}()
        loss_object = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        optimizer = tf.keras.optimizers.Adam({rng.choice((1e-3, 1e-4))})
        train_loss = tf.keras.metrics.Mean(name="train_loss")


        @tf.function
        def train_step(images, labels):
            with tf.GradientTape() as tape:
                predictions = model(images, training=True)
                loss = loss_object(labels, predictions)
            gradients = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(gradients, model.trainable_variables))
            train_loss(loss)


        for epoch in range({rng.randint(2, 30)}):
            train_loss.reset_state()
            for images, labels in train_ds:
                train_step(images, labels)
            print(f"epoch {{epoch}}: {{train_loss.result():.4f}}")
        """)


def torch_module(rng: random.Random, bug: bool) -> tuple[str, str]:
    """A model module and the training script that imports it."""
    cls = _name(rng).title().replace("_", "")
    layers = rng.randint(1, 5)
    widths = [rng.choice((64, 128, 256, 512)) for _ in range(layers)]
    init = "".join(f"        self.fc{i} = nn.Linear({a}, {b})\n"
                   for i, (a, b) in enumerate(zip([784, *widths], widths)))
    forward = "".join(f"        x = F.relu(self.fc{i}(x))\n" for i in range(layers))
    end = rng.choice(("F.softmax(x, dim=1)", "x.softmax(dim=-1)", "torch.sigmoid(x)")) if bug else rng.choice(
        ("x", "F.log_softmax(x, dim=1)"))
    loss = {"F.log_softmax(x, dim=1)": "nn.NLLLoss()", "torch.sigmoid(x)": "nn.BCEWithLogitsLoss()"}.get(
        end, "nn.CrossEntropyLoss()")
    model_module = "\n".join([
        "import torch",
        "import torch.nn as nn",
        "import torch.nn.functional as F",
        "",
        f"NUM_CLASSES = {rng.choice((2, 10, 100))}",
        "",
        "",
        f"class {cls}(nn.Module):",
        "    def __init__(self, num_classes=NUM_CLASSES):",
        "        super().__init__()",
        init.rstrip("\n"),
        f"        self.dropout = nn.Dropout({rng.choice((0.1, 0.25, 0.5))})",
        f"        self.head = nn.Linear({widths[-1]}, num_classes)",
        "",
        "    def forward(self, x):",
        "        x = torch.flatten(x, 1)",
        forward.rstrip("\n"),
        "        x = self.head(self.dropout(x))",
        f"        return {end}",
        "",
    ])
    train = textwrap.dedent(f"""\
        import time

        import torch
        import torch.nn as nn
        from torch.utils.data import DataLoader
        from torchvision import datasets, transforms

        from models_{{stem}} import {cls}
        """) + _helpers(rng) + textwrap.dedent(f"""

        def train(model, loader, optimizer, criterion, device):
            model.train()
            total = 0.0
            for batch_idx, (data, target) in enumerate(loader):
                data, target = data.to(device), target.to(device)
                optimizer.zero_grad()
                output = model(data)
                loss = criterion(output, target)
                loss.backward()
                optimizer.step()
                total += loss.item()
            return total / len(loader)


        def evaluate(model, loader, device):
            model.eval()
            correct = 0
            with torch.no_grad():
                for data, target in loader:
                    pred = model(data.to(device)).argmax(dim=1)
                    correct += (pred == target.to(device)).sum().item()
            return correct / len(loader.dataset)


        def main():
            args = parse_args()
            device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
            tf = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
            train_loader = DataLoader(datasets.MNIST("data", train=True, download=True, transform=tf),
                                      batch_size=args.batch_size, shuffle=True)
            test_loader = DataLoader(datasets.MNIST("data", train=False, transform=tf), batch_size=1000)
            model = {cls}().to(device)
            optimizer = torch.optim.{rng.choice(('Adam', 'SGD', 'AdamW'))}(model.parameters(), lr=args.lr)
            criterion = {loss}
            for epoch in range(1, args.epochs + 1):
                start = time.time()
                loss = train(model, train_loader, optimizer, criterion, device)
                acc = evaluate(model, test_loader, device)
                print(f"epoch {{epoch}} loss {{loss:.4f}} acc {{acc:.4f}} ({{time.time() - start:.1f}}s)")


        if __name__ == "__main__":
            main()
        """)
    return model_module, train


def torch_sequential(rng: random.Random, bug: bool) -> str:
    n_out = rng.choice((1, 1, 5, 20))
    tail = {1: ("nn.Sigmoid()", "nn.BCELoss()"), 5: ("", "nn.CrossEntropyLoss()"), 20: ("", "nn.BCEWithLogitsLoss()")}
    act, loss = tail[n_out]
    if bug:
        act, loss = rng.choice((("", "nn.BCELoss()"), ("nn.Softmax(dim=1)", "nn.CrossEntropyLoss()"),
                                ("nn.Sigmoid()", "nn.BCEWithLogitsLoss()")))
    hidden = [rng.choice((16, 32, 64, 128)) for _ in range(rng.randint(1, 4))]
    modules = []
    for a, b in zip([f"n_features", *hidden], hidden):
        modules += [f"nn.Linear({a}, {b})", rng.choice(("nn.ReLU()", "nn.Tanh()", "nn.GELU()"))]
    modules.append(f"nn.Linear({hidden[-1]}, {n_out})")
    if act:
        modules.append(act)
    body = "".join(f"    {m},\n" for m in modules)
    return textwrap.dedent(f"""\
        import numpy as np
        import pandas as pd
        import torch
        import torch.nn as nn
        from sklearn.model_selection import train_test_split
        from sklearn.preprocessing import StandardScaler

        df = pd.read_csv("{rng.choice(WORDS)}.csv")
        X = StandardScaler().fit_transform(df.drop(columns=["target"]).values)
        y = df["target"].values
        X_train, X_val, y_train, y_val = train_test_split(X, y, test_size={rng.choice((0.1, 0.2, 0.25))})
        n_features = X.shape[1]
        """) + _helpers(rng) + "\nmodel = nn.Sequential(\n" + body + ")\n" + textwrap.dedent(f"""\
        criterion = {loss}
        optimizer = torch.optim.Adam(model.parameters(), lr={rng.choice((1e-2, 1e-3))})
        xb = torch.tensor(X_train, dtype=torch.float32)
        yb = torch.tensor(y_train, dtype=torch.float32)
        for epoch in range({rng.randint(10, 500)}):
            optimizer.zero_grad()
            out = model(xb)
            loss = criterion(out, yb)
            loss.backward()
            optimizer.step()
            if epoch % {rng.choice((10, 50, 100))} == 0:
                print(epoch, loss.item())
        """)


def tf1_graph(rng: random.Random, bug: bool) -> str:
    classes = rng.choice((2, 10, 43))
    hidden = rng.choice((64, 128, 256, 1024))
    if bug:
        loss = rng.choice(("tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=y)",
                           "-tf.reduce_sum(y_ * tf.log(y), reduction_indices=[1])"))
    else:
        loss = "tf.nn.softmax_cross_entropy_with_logits_v2(labels=y_, logits=logits)"
    return textwrap.dedent(f"""\
        import numpy as np
        import tensorflow as tf

        n_input = 784
        n_hidden = {hidden}
        n_classes = {classes}
        learning_rate = {rng.choice((0.5, 0.1, 0.01, 0.001))}


        def weight_variable(shape):
            return tf.Variable(tf.truncated_normal(shape, stddev=0.1))


        def bias_variable(shape):
            return tf.Variable(tf.constant(0.1, shape=shape))


        x = tf.placeholder(tf.float32, [None, n_input])
        y_ = tf.placeholder(tf.float32, [None, n_classes])
        h = tf.nn.relu(tf.matmul(x, weight_variable([n_input, n_hidden])) + bias_variable([n_hidden]))
        logits = tf.matmul(h, weight_variable([n_hidden, n_classes])) + bias_variable([n_classes])
        y = tf.nn.softmax(logits)
        cross_entropy = tf.reduce_mean({loss})
        train_step = tf.train.GradientDescentOptimizer(learning_rate).minimize(cross_entropy)
        correct = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
        accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))

        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for step in range({rng.randint(100, 20000)}):
                batch_xs, batch_ys = next_batch({rng.choice((50, 100, 128))})
                sess.run(train_step, feed_dict={{x: batch_xs, y_: batch_ys}})
                if step % 100 == 0:
                    print(step, sess.run(accuracy, feed_dict={{x: test_x, y_: test_y}}))
        """)


def notebook(rng: random.Random, bug: bool) -> str:
    source = keras_sequential(rng, bug)
    cells = [{"cell_type": "markdown", "metadata": {}, "source": ["# Experiment\n"]}]
    chunk: list[str] = []
    for line in source.splitlines(keepends=True):
        chunk.append(line)
        if line == "\n" and len(chunk) > 8:
            cells.append({"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": chunk})
            chunk = []
    cells.append({"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": chunk})
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}, indent=1)


def generate(folder: Path, n_files: int, seed: int) -> Counter:
    rng = random.Random(seed)
    kinds: Counter = Counter()
    writers = [keras_sequential, keras_functional, keras_subclassed, torch_sequential, tf1_graph]
    written = 0
    while written < n_files:
        bug = rng.random() < 0.35
        sub = folder / f"project{written // 200:03d}"
        sub.mkdir(exist_ok=True)
        stem = f"{rng.choice(WORDS)}_{written:05d}"
        roll = rng.random()
        if roll < 0.2:
            model_module, train = torch_module(rng, bug)
            (sub / f"models_{stem}.py").write_text(model_module)
            (sub / f"train_{stem}.py").write_text(train.replace("{stem}", stem))
            kinds["torch module + train"] += 2
            written += 2
        elif roll < 0.25:
            (sub / f"{stem}.ipynb").write_text(notebook(rng, bug))
            kinds["notebook"] += 1
            written += 1
        else:
            writer = rng.choice(writers)
            (sub / f"{stem}.py").write_text(writer(rng, bug))
            kinds[writer.__name__] += 1
            written += 1
    return kinds


def timed(folder: Path, jobs: int, repeat: int) -> tuple[float, float, object]:
    """Best wall time, best CPU time of this process (meaningful for jobs=1 only), and the result."""
    best, best_cpu, result = float("inf"), float("inf"), None
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = audit_paths([folder], jobs=jobs)
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - start_cpu)
    return best, best_cpu, result


# --- Project-scale case: one repository laid out like a real ML code base --------------------------------------

ARCHS = ("MLP", "ConvNet", "ResNet", "WideResNet", "ViT", "Mixer", "DenseNet", "MobileNet", "TextCNN", "LSTMNet",
         "TabNet", "GRUClassifier", "EfficientNet", "Perceiver", "UNetEncoder")
MODEL_PACKAGES = ("classifiers", "backbones", "vision", "text", "tabular", "multilabel")
UTILITY_PACKAGES = ("utils/logging", "utils/metrics", "utils/io", "utils/distributed", "utils/misc",
                    "utils/plotting", "data", "data/datasets", "data/transforms", "data/samplers", "evaluation",
                    "evaluation/reports")
CRITERIA = ("nn.CrossEntropyLoss()", "nn.CrossEntropyLoss()", "nn.CrossEntropyLoss(label_smoothing=0.1)",
            "nn.BCEWithLogitsLoss()", "nn.NLLLoss()", "nn.BCELoss()")


@dataclass(frozen=True)
class Ref:
    """A name defined in a generated module (path below the repository root)."""

    path: str
    name: str


@dataclass
class Repo:
    """The generated repository: sources by path below its root, and what later modules can import."""

    pkg: str
    files: dict[str, str] = field(default_factory=dict)
    kinds: Counter = field(default_factory=Counter)
    configs: list[Ref] = field(default_factory=list)
    blocks: list[Ref] = field(default_factory=list)
    heads: list[Ref] = field(default_factory=list)
    models: dict[str, list[Ref]] = field(default_factory=dict)
    keras_builders: list[Ref] = field(default_factory=list)
    factories: dict[Ref, list[Ref]] = field(default_factory=dict)  # factory function -> the models it builds
    registries: dict[Ref, list[Ref]] = field(default_factory=dict)  # registry dict -> the models it holds
    trainers: list[Ref] = field(default_factory=list)
    train_functions: list[Ref] = field(default_factory=list)
    utilities: dict[str, list[Ref]] = field(default_factory=dict)

    def add(self, path: str, source: str, kind: str) -> None:
        assert path not in self.files, path
        self.files[path] = source
        self.kinds[kind] += 1


def _module_parts(path: str) -> list[str]:
    parts = path.removesuffix(".py").split("/")
    return parts[:-1] if parts[-1] == "__init__" else parts


def _import(rng: random.Random, importer: str, refs: Iterable[Ref]) -> str:
    """``from … import …`` lines for ``refs``, one per module; relative about half the time inside the package."""
    by_module: dict[str, set[str]] = {}
    for ref in refs:
        by_module.setdefault(ref.path, set()).add(ref.name)
    here = importer.split("/")[:-1]
    lines = []
    for path, names in sorted(by_module.items()):
        there = _module_parts(path)
        module = ".".join(there)
        if here and here[0] == there[0] and rng.random() < 0.5:
            common = 0
            while common < min(len(here), len(there)) and here[common] == there[common]:
                common += 1
            module = "." * (len(here) - common + 1) + ".".join(there[common:])
        lines.append(f"from {module} import {', '.join(sorted(names))}")
    return "\n".join(lines)


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() and i and not name[i - 1].isupper() else c.lower()
                   for i, c in enumerate(name))


def _package_init(rng: random.Random, repo: Repo, folder: str, refs: Sequence[Ref], doc: str) -> None:
    """``__init__.py`` re-exporting ``refs`` (the way packages expose their classes)."""
    path = f"{folder}/__init__.py"
    body = _import(rng, path, refs)
    names = sorted({r.name for r in refs})
    all_ = "__all__ = [\n" + "".join(f'    "{n}",\n' for n in names) + "]\n" if names else ""
    repo.add(path, f'"""{doc}"""\n' + (f"{body}\n\n{all_}" if body else ""), "package __init__")


def config_module(rng: random.Random, repo: Repo, i: int) -> None:
    dataset = rng.choice(WORDS)
    path = f"{repo.pkg}/configs/{dataset}_{i:03d}.py"
    classes = rng.choice((2, 5, 10, 10, 100, 1000))
    source = textwrap.dedent(f'''\
        """Experiment settings for {dataset}."""

        NUM_CLASSES = {classes}
        IMAGE_SIZE = {rng.choice((28, 32, 64, 224))}
        DATA_ROOT = "data/{dataset}"

        HPARAMS = {{
            "lr": {rng.choice((1e-1, 1e-2, 3e-3, 1e-3, 3e-4))},
            "batch_size": {rng.choice((32, 64, 128, 256))},
            "epochs": {rng.randint(5, 300)},
            "weight_decay": {rng.choice((0.0, 1e-5, 1e-4, 5e-4))},
            "warmup_steps": {rng.randint(0, 2000)},
        }}

        AUGMENT = {{
            "hflip": {rng.random() < 0.5},
            "crop_padding": {rng.choice((0, 2, 4))},
            "mixup_alpha": {rng.choice((0.0, 0.2, 0.4))},
        }}

        MODEL_KWARGS = dict(num_classes=NUM_CLASSES, dropout={rng.choice((0.0, 0.1, 0.3))})
        ''')
    repo.add(path, source, "config")
    repo.configs += [Ref(path, "NUM_CLASSES"), Ref(path, "HPARAMS")]


def block_module(rng: random.Random, repo: Repo, i: int) -> None:
    """Sub-blocks used inside models: attention (softmax inside), squeeze-excite (sigmoid gate), residual MLP."""
    path = f"{repo.pkg}/models/blocks/{rng.choice(('attention', 'residual', 'mixing', 'gating'))}_{i:03d}.py"
    attn, se, res = f"MultiHeadAttention{i}", f"SqueezeExcite{i}", f"ResidualMLP{i}"
    source = textwrap.dedent(f'''\
        """Building blocks shared by the models."""
        import math

        import torch
        import torch.nn as nn
        import torch.nn.functional as F


        class {attn}(nn.Module):
            def __init__(self, dim, heads={rng.choice((2, 4, 8, 12))}, dropout={rng.choice((0.0, 0.1))}):
                super().__init__()
                self.heads = heads
                self.scale = 1.0 / math.sqrt(dim // heads)
                self.qkv = nn.Linear(dim, 3 * dim)
                self.proj = nn.Linear(dim, dim)
                self.dropout = nn.Dropout(dropout)

            def forward(self, x):
                b, n, d = x.shape
                q, k, v = self.qkv(x).reshape(b, n, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
                attn = torch.softmax(q @ k.transpose(-2, -1) * self.scale, dim=-1)
                out = (self.dropout(attn) @ v).transpose(1, 2).reshape(b, n, d)
                return self.proj(out)


        class {se}(nn.Module):
            def __init__(self, channels, reduction={rng.choice((4, 8, 16))}):
                super().__init__()
                self.fc1 = nn.Conv2d(channels, channels // reduction, 1)
                self.fc2 = nn.Conv2d(channels // reduction, channels, 1)

            def forward(self, x):
                w = F.adaptive_avg_pool2d(x, 1)
                w = torch.sigmoid(self.fc2(F.relu(self.fc1(w))))
                return x * w


        class {res}(nn.Module):
            def __init__(self, dim, expansion={rng.choice((2, 4))}):
                super().__init__()
                self.norm = nn.LayerNorm(dim)
                self.fc1 = nn.Linear(dim, dim * expansion)
                self.fc2 = nn.Linear(dim * expansion, dim)

            def forward(self, x):
                return x + self.fc2(F.gelu(self.fc1(self.norm(x))))
        ''')
    repo.add(path, source, "model block")
    repo.blocks += [Ref(path, attn), Ref(path, se), Ref(path, res)]


def head_module(rng: random.Random, repo: Repo, i: int) -> None:
    """Classifier heads; the multi-label one ends with a sigmoid."""
    path = f"{repo.pkg}/models/heads/head_{i:03d}.py"
    linear, multi = f"LinearHead{i}", f"MultiLabelHead{i}"
    source = textwrap.dedent(f'''\
        import torch
        import torch.nn as nn


        class {linear}(nn.Module):
            """Pooled features to class logits."""

            def __init__(self, in_features, num_classes, dropout={rng.choice((0.0, 0.2, 0.5))}):
                super().__init__()
                self.dropout = nn.Dropout(dropout)
                self.fc = nn.Linear(in_features, num_classes)

            def forward(self, x):
                return self.fc(self.dropout(x))


        class {multi}(nn.Module):
            def __init__(self, in_features, num_labels):
                super().__init__()
                self.fc = nn.Linear(in_features, num_labels)

            def forward(self, x):
                return torch.sigmoid(self.fc(x))
        ''')
    repo.add(path, source, "model head")
    repo.heads += [Ref(path, linear), Ref(path, multi)]


def _model_class(rng: random.Random, cls: str, blocks: Sequence[Ref], heads: Sequence[Ref]) -> tuple[str, list[Ref]]:
    """One ``nn.Module`` and the blocks/heads it uses; about a fifth return probabilities."""
    dim = rng.choice((64, 128, 256, 384, 512))
    style = rng.choice(("mlp", "cnn", "attention", "head"))
    used: list[Ref] = []
    if style == "mlp":
        layers = "".join(f"            nn.Linear({dim}, {dim}),\n            nn.ReLU(),\n"
                         for _ in range(rng.randint(1, 4)))
        init = ("        self.features = nn.Sequential(\n            nn.Flatten(),\n"
                f"            nn.LazyLinear({dim}),\n{layers}        )\n")
        body = "        x = self.features(x)\n"
    elif style == "cnn":
        convs = "".join(f"            nn.Conv2d({dim}, {dim}, 3, padding=1),\n            nn.BatchNorm2d({dim}),\n"
                        "            nn.ReLU(inplace=True),\n" for _ in range(rng.randint(1, 3)))
        init = (f"        self.stem = nn.Conv2d(in_channels, {dim}, 3, padding=1)\n"
                f"        self.features = nn.Sequential(\n{convs}        )\n")
        body = "        x = self.features(self.stem(x))\n        x = torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)\n"
    elif style == "attention":
        block = rng.choice([b for b in blocks if b.name.startswith(("MultiHead", "ResidualMLP"))])
        used.append(block)
        init = (f"        self.embed = nn.Linear(in_channels, {dim})\n"
                f"        self.blocks = nn.ModuleList([{block.name}({dim}) for _ in range(depth)])\n"
                f"        self.norm = nn.LayerNorm({dim})\n")
        body = ("        x = self.embed(x)\n        for block in self.blocks:\n            x = block(x)\n"
                "        x = self.norm(x).mean(dim=1)\n")
    else:
        head = rng.choice(heads)
        used.append(head)
        init = (f"        self.encoder = nn.Sequential(nn.Conv2d(in_channels, {dim}, 7, stride=2), nn.ReLU(),\n"
                f"                                     nn.AdaptiveAvgPool2d(1), nn.Flatten())\n"
                f"        self.head = {head.name}({dim}, num_classes)\n")
        body = "        return self.head(self.encoder(x))\n"
    if style != "head":
        init += f"        self.classifier = nn.Linear({dim}, num_classes)\n"
        end = "self.classifier(x)"
        if rng.random() < 0.2:
            end = rng.choice((f"F.softmax({end}, dim=1)", f"torch.sigmoid({end})", f"{end}.softmax(dim=-1)"))
        body += f"        return {end}\n"
    source = (f"class {cls}(nn.Module):\n"
              f"    def __init__(self, num_classes=NUM_CLASSES, in_channels=3, depth={rng.randint(2, 12)}):\n"
              f"        super().__init__()\n{init}\n"
              f"    def forward(self, x):\n{body}")
    return source, used


def model_module(rng: random.Random, repo: Repo, package: str, i: int) -> None:
    arch = rng.choice(ARCHS)
    path = f"{repo.pkg}/models/{package}/{_snake(arch)}_{i:03d}.py"
    config = rng.choice(repo.configs[::2])
    builder = Ref(f"{repo.pkg}/models/builder.py", "register_model")
    classes, used = [], [config]
    for variant in rng.sample(("", "Small", "Base", "Large", "Tiny"), rng.randint(1, 3)):
        cls = f"{arch}{variant}{i}"
        source, refs = _model_class(rng, cls, repo.blocks, repo.heads)
        if rng.random() < 0.3:
            source = f'@register_model("{_snake(cls)}")\n' + source
            used.append(builder)
        classes.append(source)
        used += refs
        repo.models.setdefault(package, []).append(Ref(path, cls))
    header = textwrap.dedent(f'''\
        """{arch} variants for {package}."""
        import torch
        import torch.nn as nn
        import torch.nn.functional as F

        ''')
    repo.add(path, header + _import(rng, path, used) + "\n\n\n" + "\n\n".join(classes), "torch model")


def keras_builder_module(rng: random.Random, repo: Repo, i: int) -> None:
    path = f"{repo.pkg}/models/keras/builders_{i:03d}.py"
    config = rng.choice(repo.configs[::2])
    names = []
    functions = []
    for j in range(rng.randint(1, 3)):
        name = f"build_{rng.choice(('cnn', 'mlp', 'resnet', 'lstm'))}_{i}_{j}"
        act = rng.choice(('"softmax"', '"softmax"', '"softmax"', "None", '"sigmoid"'))
        side = rng.choice((28, 32, 64))
        layers = [f"keras.Input(shape=({side}, {side}, 3))",
                  f'layers.Conv2D({rng.choice((16, 32, 64))}, 3, activation="relu")', "layers.GlobalAveragePooling2D()"]
        layers += [f'layers.Dense({rng.choice((64, 128, 256))}, activation="relu")' for _ in range(rng.randint(1, 3))]
        layers.append(f"layers.Dense(num_classes, activation={act})")
        functions.append(f"def {name}(num_classes=NUM_CLASSES):\n    model = keras.Sequential([\n"
                         + "".join(f"        {layer},\n" for layer in layers) + "    ])\n    return model\n")
        names.append(name)
    source = ("from tensorflow import keras\nfrom tensorflow.keras import layers\n\n"
              + _import(rng, path, [config]) + "\n\n\n" + "\n\n".join(functions))
    repo.add(path, source, "keras builder")
    repo.keras_builders += [Ref(path, n) for n in names]


def builder_module(repo: Repo) -> None:
    """The decorator registry (``@register_model("name")``) model modules use."""
    source = textwrap.dedent('''\
        """Decorator-based model registry."""
        MODEL_REGISTRY = {}


        def register_model(name):
            def wrap(cls):
                if name in MODEL_REGISTRY:
                    raise KeyError(f"model {name!r} registered twice")
                MODEL_REGISTRY[name] = cls
                return cls
            return wrap


        def create_model(name, **kwargs):
            return MODEL_REGISTRY[name](**kwargs)
        ''')
    repo.add(f"{repo.pkg}/models/builder.py", source, "model registry")


def registry_module(rng: random.Random, repo: Repo, folder: str, models: Sequence[Ref], variable: str) -> Ref:
    """``MODELS = {"mlp": MLP, ...}`` and a builder that indexes it."""
    path = f"{folder}/registry.py"
    entries = "".join(f'    "{_snake(m.name)}": {m.name},\n' for m in models)
    source = (_import(rng, path, models) + f"\n\n{variable} = {{\n{entries}}}\n\n\n"
              f"def build_model(name, **kwargs):\n"
              f"    if name not in {variable}:\n"
              f"        raise KeyError(f\"unknown model {{name!r}}; choose from {{sorted({variable})}}\")\n"
              f"    return {variable}[name](**kwargs)\n")
    repo.add(path, source, "model registry")
    ref = Ref(path, variable)
    repo.registries[ref] = list(models)
    return ref


def factory_module(rng: random.Random, repo: Repo, folder: str, models: Sequence[Ref], function: str) -> Ref:
    """``def get_model(name, num_classes): if name == ...: return ...``."""
    path = f"{folder}/factory.py"
    branches = "".join(f'    {"if" if k == 0 else "elif"} name == "{_snake(m.name)}":\n'
                       f"        return {m.name}(num_classes=num_classes)\n" for k, m in enumerate(models))
    source = (_import(rng, path, models) + f"\n\n\ndef {function}(name, num_classes):\n{branches}"
              f"    raise ValueError(f\"unknown model: {{name}}\")\n")
    repo.add(path, source, "model factory")
    ref = Ref(path, function)
    repo.factories[ref] = list(models)
    return ref


def base_trainer_module(repo: Repo) -> Ref:
    path = f"{repo.pkg}/trainers/base.py"
    source = textwrap.dedent('''\
        """Shared training loop; subclasses define the loss of one batch."""
        import torch


        class BaseTrainer:
            def __init__(self, model, optimizer, device="cuda", scheduler=None, grad_clip=None):
                self.model = model.to(device)
                self.optimizer = optimizer
                self.scheduler = scheduler
                self.device = device
                self.grad_clip = grad_clip

            def training_step(self, x, y):
                raise NotImplementedError

            def fit(self, loader, epochs=1):
                history = []
                for epoch in range(epochs):
                    self.model.train()
                    for x, y in loader:
                        x, y = x.to(self.device), y.to(self.device)
                        self.optimizer.zero_grad()
                        loss = self.training_step(x, y)
                        loss.backward()
                        if self.grad_clip:
                            torch.nn.utils.clip_grad_norm_(self.model.parameters(), self.grad_clip)
                        self.optimizer.step()
                        history.append(loss.item())
                    if self.scheduler is not None:
                        self.scheduler.step()
                return history
        ''')
    repo.add(path, source, "trainer")
    return Ref(path, "BaseTrainer")


def trainer_module(rng: random.Random, repo: Repo, base: Ref, i: int) -> None:
    """A Trainer that takes the model in its constructor, and the usual ``train_one_epoch``/``evaluate``."""
    task = rng.choice(("classification", "multilabel", "distill", "finetune"))
    path = f"{repo.pkg}/trainers/{task}_{i:03d}.py"
    cls, criterion = f"{task.title()}Trainer{i}", rng.choice(CRITERIA)
    logger = rng.choice(repo.utilities["utils/logging"])
    metric = rng.choice(repo.utilities["utils/metrics"])
    subclass = rng.random() < 0.5
    if subclass:
        klass = textwrap.dedent(f'''\
            class {cls}(BaseTrainer):
                def __init__(self, model, optimizer, device="cuda", **kwargs):
                    super().__init__(model, optimizer, device=device, **kwargs)
                    self.criterion = {criterion}

                def training_step(self, x, y):
                    return self.criterion(self.model(x), y)
            ''')
    else:
        klass = textwrap.dedent(f'''\
            class {cls}:
                def __init__(self, model, optimizer, criterion=None, device="cuda"):
                    self.model = model
                    self.optimizer = optimizer
                    self.criterion = criterion or {criterion}
                    self.device = device
                    self.log = {logger.name}(__name__)

                def train_step(self, x, y):
                    self.optimizer.zero_grad()
                    loss = self.criterion(self.model(x), y)
                    loss.backward()
                    self.optimizer.step()
                    return loss.item()

                def fit(self, train_loader, val_loader=None, epochs={rng.randint(1, 100)}):
                    for epoch in range(epochs):
                        self.model.train()
                        losses = [self.train_step(x.to(self.device), y.to(self.device)) for x, y in train_loader]
                        self.log.info("epoch %d loss %.4f", epoch, sum(losses) / len(losses))
                        if val_loader is not None:
                            self.log.info("val %s", evaluate(self.model, val_loader, self.device))
            ''')
    functions = textwrap.dedent(f'''\
        def train_one_epoch(model, loader, criterion, optimizer, device="cuda"):
            model.train()
            total = 0.0
            for x, y in loader:
                x, y = x.to(device), y.to(device)
                optimizer.zero_grad()
                logits = model(x)
                loss = criterion(logits, y)
                loss.backward()
                optimizer.step()
                total += loss.item() * x.size(0)
            return total / len(loader.dataset)


        @torch.no_grad()
        def evaluate(model, loader, device="cuda"):
            model.eval()
            scores = []
            for x, y in loader:
                scores.append({metric.name}(model(x.to(device)), y.to(device)))
            return sum(scores) / max(len(scores), 1)
        ''')
    imports = _import(rng, path, [base, metric] if subclass else [logger, metric])
    source = f"import torch\nimport torch.nn as nn\n\n{imports}\n\n\n{klass}\n\n{functions}"
    repo.add(path, source, "trainer")
    repo.trainers.append(Ref(path, cls))
    repo.train_functions.append(Ref(path, "train_one_epoch"))


def _utility_function(rng: random.Random, folder: str, name: str, deps: Sequence[Ref]) -> str:
    """One helper of the kind its package holds (logging, metrics, I/O, data, plotting…), calling ``deps``."""
    calls = "".join(f"    {d.name}(*args)\n" for d in deps) if deps else ""
    kind = folder.split("/")[-1]
    if kind in ("metrics", "evaluation", "reports"):
        body = textwrap.dedent(f'''\
            def {name}(logits, target, *args, k={rng.choice((1, 3, 5))}):
                probs = torch.softmax(logits.float(), dim=1)
                topk = probs.topk(k, dim=1).indices
                hits = (topk == target.unsqueeze(1)).any(dim=1).float()
                confidence = probs.max(dim=1).values
            ''') + calls + "    return hits.mean().item(), (confidence - hits).abs().mean().item()\n"
    elif kind == "logging":
        body = textwrap.dedent(f'''\
            def {name}(*args, level=logging.{rng.choice(("INFO", "DEBUG", "WARNING"))}):
                logger = logging.getLogger(args[0] if args else __name__)
                if not logger.handlers:
                    handler = logging.StreamHandler()
                    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
                    logger.addHandler(handler)
                logger.setLevel(level)
            ''') + calls + "    return logger\n"
    elif kind == "plotting":
        body = textwrap.dedent(f'''\
            def {name}(history, *args, path="plots/{name}.png"):
                import matplotlib.pyplot as plt
                fig, ax = plt.subplots(figsize=({rng.randint(4, 12)}, {rng.randint(3, 8)}))
                for key, values in history.items():
                    ax.plot(values, label=key)
                ax.set_xlabel("epoch")
                ax.legend()
            ''') + calls + (f"    fig.savefig(path, dpi={rng.choice((72, 100, 150))})\n"
                             "    plt.close(fig)\n    return path\n")
    elif kind in ("datasets", "data", "samplers", "transforms"):
        body = textwrap.dedent(f'''\
            def {name}(root, *args, batch_size={rng.choice((32, 64, 128))}, shuffle=True,
                       num_workers={rng.randint(0, 8)}):
                items = sorted(os.listdir(root))
                tensors = [torch.as_tensor(np.load(os.path.join(root, item)))
                           for item in items if item.endswith(".npy")]
                dataset = TensorDataset(torch.stack(tensors), torch.arange(len(tensors)) % {rng.randint(2, 100)})
            ''') + calls + ("    return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, "
                             "num_workers=num_workers)\n")
    elif kind == "distributed":
        body = textwrap.dedent(f'''\
            def {name}(model, *args, backend="{rng.choice(("nccl", "gloo"))}"):
                rank = int(os.environ.get("LOCAL_RANK", 0))
                if int(os.environ.get("WORLD_SIZE", 1)) > 1:
                    torch.distributed.init_process_group(backend)
                    device = torch.device("cuda", rank)
                    return nn.parallel.DistributedDataParallel(model.to(device), device_ids=[rank])
            ''') + calls + '    return nn.DataParallel(model).to("cuda") if torch.cuda.device_count() > 1 else model\n'
    else:
        body = textwrap.dedent(f'''\
            def {name}(path, *args, seed={rng.randint(0, 9999)}):
                random.seed(seed)
                np.random.seed(seed)
                torch.manual_seed(seed)
                os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
                with open(path, "w") as handle:
                    json.dump({{"seed": seed, "time": time.time()}}, handle)
            ''') + calls + "    return path\n"
    return body


def _utility_class(rng: random.Random, folder: str, name: str) -> str:
    """A stateful helper: a ``Dataset`` in data packages, a running meter elsewhere."""
    if folder.startswith("data"):
        return textwrap.dedent(f'''\
            class {name}(torch.utils.data.Dataset):
                def __init__(self, root, split="train", transform=None):
                    self.files = sorted(f for f in os.listdir(os.path.join(root, split)) if f.endswith(".npz"))
                    self.root, self.split, self.transform = root, split, transform

                def __len__(self):
                    return len(self.files)

                def __getitem__(self, index):
                    sample = np.load(os.path.join(self.root, self.split, self.files[index]))
                    x = torch.from_numpy(sample["x"]).float()
                    if self.transform is not None:
                        x = self.transform(x)
                    return x, int(sample["y"]) % {rng.randint(2, 1000)}
            ''')
    return textwrap.dedent(f'''\
        class {name}:
            """Running average of a scalar, reset every {rng.choice(("epoch", "log interval", "evaluation"))}."""

            def __init__(self, name="{rng.choice(("loss", "acc", "lr", "grad_norm"))}", fmt=":.{rng.randint(2, 6)}f"):
                self.name, self.fmt = name, fmt
                self.reset()

            def reset(self):
                self.val = self.avg = self.sum = 0.0
                self.count = 0

            def update(self, val, n=1):
                self.val = val
                self.sum += val * n
                self.count += n
                self.avg = self.sum / self.count

            def __str__(self):
                return ("{{name}} {{val" + self.fmt + "}} ({{avg" + self.fmt + "}})").format(**self.__dict__)
        ''')


def utility_module(rng: random.Random, repo: Repo, folder: str, i: int) -> None:
    """A utility module of ``folder``'s kind; it imports recent modules of its package (deep chains) and others."""
    stem = rng.choice(("core", "helpers", "common", "base", "ops", "tools", "functional", "impl"))
    path = f"{repo.pkg}/{folder}/{stem}_{i:03d}.py"
    own = repo.utilities.setdefault(folder, [])
    deps: list[Ref] = []
    if own and rng.random() < 0.6:
        deps.append(rng.choice(own[-5:]))
    others = [ref for refs in repo.utilities.values() for ref in refs[-20:]]
    if others and rng.random() < 0.4:
        deps += rng.sample(others, min(len(others), rng.randint(1, 3)))
    names = [f"{folder.split('/')[-1]}_{rng.choice(('compute', 'build', 'make', 'update', 'get', 'apply'))}_{i}_{j}"
             for j in range(rng.randint(3, 8))]
    header = textwrap.dedent('''\
        import json
        import logging
        import os
        import random
        import time

        import numpy as np
        import torch
        import torch.nn as nn
        from torch.utils.data import DataLoader, TensorDataset
        ''')
    imports = _import(rng, path, deps)
    parts = [_utility_function(rng, folder, name, deps if j == 0 else ()) for j, name in enumerate(names)]
    if rng.random() < 0.5:
        names.append(f"{rng.choice(('Average', 'Running', 'Folder', 'Cached'))}{rng.choice(('Meter', 'Dataset'))}{i}")
        parts.append(_utility_class(rng, folder, names[-1]))
    repo.add(path, header + ("\n" + imports + "\n") * bool(imports) + "\n\n" + "\n\n".join(parts), "utility")
    own += [Ref(path, n) for n in names]


def _pick_model(rng: random.Random, repo: Repo, path: str) -> tuple[str, str]:
    """Import lines and the expression that builds a model: factory, registry, decorator registry or class."""
    how = rng.random()
    if how < 0.35:
        factory = rng.choice(sorted(repo.factories, key=lambda r: r.path))
        default = _snake(rng.choice(repo.factories[factory]).name)
        return _import(rng, path, [factory]), f'{factory.name}(args.model or "{default}", NUM_CLASSES)'
    if how < 0.6:
        registry = rng.choice(sorted(repo.registries, key=lambda r: r.path))
        default = _snake(rng.choice(repo.registries[registry]).name)
        return _import(rng, path, [registry]), f'{registry.name}[args.model or "{default}"](num_classes=NUM_CLASSES)'
    package = rng.choice(MODEL_PACKAGES)
    model = rng.choice(repo.models[package])
    if how < 0.7:
        builder = Ref(f"{repo.pkg}/models/builder.py", "create_model")
        return (_import(rng, path, [builder]),
                f'create_model(args.model or "{_snake(model.name)}", num_classes=NUM_CLASSES)')
    package_ref = Ref(f"{repo.pkg}/models/{package}/__init__.py", model.name)
    return _import(rng, path, [package_ref]), f"{model.name}(num_classes=NUM_CLASSES)"


def train_script(rng: random.Random, repo: Repo, i: int) -> None:
    """``scripts/train_*.py``: config, model through a factory/registry, wrapped, handed to a trainer."""
    path = f"scripts/train_{rng.choice(WORDS)}_{i:03d}.py"
    config = rng.choice(repo.configs[::2])
    hparams = Ref(config.path, "HPARAMS")
    loader = rng.choice(repo.utilities["data"])
    model_import, build = _pick_model(rng, repo, path)
    wrap = rng.choice(("model = model.to(device)", "model = nn.DataParallel(model).to(device)",
                       "model = nn.DataParallel(model.to(device))", "model.to(device)"))
    if rng.random() < 0.6:
        trainer = rng.choice(repo.trainers)
        uses, loop = [trainer], textwrap.indent(textwrap.dedent(f'''\
            trainer = {trainer.name}(model, optimizer, device=device)
            trainer.fit(train_loader, epochs=HPARAMS["epochs"])
            '''), "    ")
    else:
        train = rng.choice(repo.train_functions)
        uses, loop = [train], textwrap.indent(textwrap.dedent(f'''\
            criterion = {rng.choice(CRITERIA)}
            for epoch in range(HPARAMS["epochs"]):
                loss = train_one_epoch(model, train_loader, criterion, optimizer, device)
                print(f"epoch {{epoch}}: {{loss:.4f}}")
            '''), "    ")
    imports = _import(rng, path, [config, hparams, loader, *uses])
    source = textwrap.dedent('''\
        """Entry point: python scripts/{name}"""
        import argparse

        import torch
        import torch.nn as nn

        ''').replace("{name}", path.rsplit("/", 1)[-1]) + f"{imports}\n{model_import}\n" + textwrap.dedent(f'''\


        def parse_args():
            parser = argparse.ArgumentParser()
            parser.add_argument("--model", default=None)
            parser.add_argument("--data", default="data/")
            parser.add_argument("--seed", type=int, default={rng.randint(0, 9999)})
            return parser.parse_args()


        def main():
            args = parse_args()
            torch.manual_seed(args.seed)
            device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
            train_loader = {loader.name}(args.data, batch_size=HPARAMS["batch_size"])
            model = {build}
            {wrap}
            optimizer = torch.optim.{rng.choice(("AdamW", "SGD", "Adam"))}(model.parameters(), lr=HPARAMS["lr"])
        ''') + loop + '\n\nif __name__ == "__main__":\n    main()\n'
    repo.add(path, source, "train script")


def keras_script(rng: random.Random, repo: Repo, i: int) -> None:
    path = f"scripts/train_keras_{rng.choice(WORDS)}_{i:03d}.py"
    config = rng.choice(repo.configs[::2])
    builder = rng.choice(repo.keras_builders)
    loss = rng.choice(('"sparse_categorical_crossentropy"', '"categorical_crossentropy"', '"binary_crossentropy"',
                       "keras.losses.SparseCategoricalCrossentropy(from_logits=True)"))
    imports = _import(rng, path, [config, Ref(config.path, "HPARAMS"), builder])
    source = (f"from tensorflow import keras\n\n{imports}\n\n"
              + textwrap.dedent(f'''\
        model = {builder.name}(NUM_CLASSES)
        model.compile(optimizer=keras.optimizers.Adam(HPARAMS["lr"]), loss={loss}, metrics=["accuracy"])
        train_ds = keras.utils.image_dataset_from_directory("data/train", batch_size=HPARAMS["batch_size"])
        model.fit(train_ds, epochs=HPARAMS["epochs"])
        '''))
    repo.add(path, source, "train script")


def hub_script(rng: random.Random, repo: Repo, i: int) -> None:
    """``tools/*.py`` importing many modules (sweeps, reports, smoke tests)."""
    path = f"tools/{rng.choice(('sweep', 'report', 'smoke_test', 'export', 'benchmark'))}_{i:03d}.py"
    pool = ([r for refs in repo.utilities.values() for r in refs] + [r for refs in repo.models.values() for r in refs]
            + repo.trainers + list(repo.registries) + list(repo.factories))
    refs = rng.sample(pool, min(len(pool), rng.randint(20, 60)))
    calls = "".join(f"    print({r.name!r}, {r.name})\n" for r in refs)
    source = f'{_import(rng, path, refs)}\n\n\ndef main():\n{calls}\n\nif __name__ == "__main__":\n    main()\n'
    repo.add(path, source, "hub")


def project_notebook(rng: random.Random, repo: Repo, i: int) -> None:
    path = f"notebooks/explore_{i:03d}.ipynb"
    registry = rng.choice(sorted(repo.registries, key=lambda r: r.path))
    config = rng.choice(repo.configs[::2])
    model = _snake(rng.choice(repo.registries[registry]).name)
    cells = [
        "import torch\nimport torch.nn as nn\n" + _import(rng, path, [registry, config]) + "\n",
        f'model = {registry.name}.get("{model}", list({registry.name}.values())[0])(num_classes=NUM_CLASSES)\n'
        "criterion = nn.CrossEntropyLoss()\n",
        "x = torch.randn(8, 3, 32, 32)\ny = torch.randint(0, NUM_CLASSES, (8,))\nprint(criterion(model(x), y))\n",
    ]
    content = [{"cell_type": "markdown", "metadata": {}, "source": [f"# Exploration {i}\n"]}] + [
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
         "source": c.splitlines(keepends=True)} for c in cells]
    repo.add(path, json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                                                              "cells": content}, indent=1), "notebook")


def _plan(n_files: int) -> dict[str, int]:
    """How many modules of each kind; utilities fill what is left so the total is exactly ``n_files``."""
    plan = {"configs": max(2, n_files // 50), "blocks": max(1, n_files // 50), "heads": max(1, n_files // 100),
            "models": max(len(MODEL_PACKAGES), n_files // 10), "keras": max(1, n_files // 100),
            "trainers": max(2, n_files // 40), "scripts": max(2, n_files // 16),
            "keras_scripts": max(1, n_files // 100), "hubs": max(1, n_files // 200),
            "notebooks": max(1, n_files // 400)}
    # __init__, registry and factory files: the top package, configs, models (+ builder), blocks, heads, keras,
    # each model package, trainers (+ base), utils and each utility package.
    structural = 1 + 1 + 4 + 3 + 3 * len(MODEL_PACKAGES) + 2 + 1 + len(UTILITY_PACKAGES)
    plan["utilities"] = n_files - structural - sum(plan.values())
    if plan["utilities"] < 2 * len(UTILITY_PACKAGES):
        raise SystemExit(f"--project-files {n_files} is too small for the project layout")
    return plan


def generate_project(folder: Path, n_files: int, seed: int) -> Counter:
    """Write one repository of exactly ``n_files`` audited files under ``folder``; the kinds written."""
    rng = random.Random(seed)
    plan = _plan(n_files)
    repo = Repo(pkg=f"{rng.choice(WORDS)}lab")
    pkg = repo.pkg
    for i in range(plan["utilities"]):
        utility_module(rng, repo, UTILITY_PACKAGES[i % len(UTILITY_PACKAGES)] if i < len(UTILITY_PACKAGES)
                       else rng.choice(UTILITY_PACKAGES), i)
    for i in range(plan["configs"]):
        config_module(rng, repo, i)
    for i in range(plan["blocks"]):
        block_module(rng, repo, i)
    for i in range(plan["heads"]):
        head_module(rng, repo, i)
    builder_module(repo)
    for i in range(plan["models"]):
        model_module(rng, repo, MODEL_PACKAGES[i % len(MODEL_PACKAGES)], i)
    for i in range(plan["keras"]):
        keras_builder_module(rng, repo, i)
    for package in MODEL_PACKAGES:
        folder_ = f"{pkg}/models/{package}"
        models = repo.models[package]
        registry = registry_module(rng, repo, folder_, models, f"{package.upper()}_MODELS")
        factory = factory_module(rng, repo, folder_, models, f"get_{package}_model")
        _package_init(rng, repo, folder_, [*models, registry, factory], f"{package.title()} models.")
    top = [m for package in MODEL_PACKAGES for m in repo.models[package]]
    models_registry = registry_module(rng, repo, f"{pkg}/models", top, "MODELS")
    models_factory = factory_module(rng, repo, f"{pkg}/models", repo.models[MODEL_PACKAGES[0]], "get_model")
    _package_init(rng, repo, f"{pkg}/models", [models_registry, models_factory,
                                              Ref(f"{pkg}/models/builder.py", "create_model")], "Models.")
    _package_init(rng, repo, f"{pkg}/models/blocks", repo.blocks, "Blocks.")
    _package_init(rng, repo, f"{pkg}/models/heads", repo.heads, "Heads.")
    _package_init(rng, repo, f"{pkg}/models/keras", repo.keras_builders, "Keras builders.")
    _package_init(rng, repo, f"{pkg}/configs", [], "Experiment configurations.")
    base = base_trainer_module(repo)
    for i in range(plan["trainers"]):
        trainer_module(rng, repo, base, i)
    _package_init(rng, repo, f"{pkg}/trainers", [base, *repo.trainers[:10]], "Trainers.")
    for folder_ in UTILITY_PACKAGES:
        _package_init(rng, repo, f"{pkg}/{folder_}", repo.utilities[folder_][:5], f"{folder_} helpers.")
    _package_init(rng, repo, f"{pkg}/utils",
                  [refs[0] for key, refs in repo.utilities.items() if key.startswith("utils/")], "Utilities.")
    _package_init(rng, repo, pkg, [], f"{pkg}: training code.")
    for i in range(plan["scripts"]):
        train_script(rng, repo, i)
    for i in range(plan["keras_scripts"]):
        keras_script(rng, repo, i)
    for i in range(plan["hubs"]):
        hub_script(rng, repo, i)
    for i in range(plan["notebooks"]):
        project_notebook(rng, repo, i)
    assert len(repo.files) == n_files, (len(repo.files), n_files)
    for path, source in repo.files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(source)
    return repo.kinds


def profile(folder: Path, restrict: tuple[str, ...] = ()) -> None:
    """cProfile one ``jobs=1`` run; the top 25 entries by cumulative time (matching ``restrict`` first)."""
    profiler = cProfile.Profile()
    profiler.enable()
    audit_paths([folder], jobs=1)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(*restrict, 25)


def run_scripts_case(args: argparse.Namespace) -> None:
    """Many independent training scripts: files/s with one process and with ``--jobs``."""
    with tempfile.TemporaryDirectory(prefix="lossmatch-audit-bench-") as tmp:
        folder = Path(tmp)
        kinds = generate(folder, args.files, args.seed)
        files = sum(kinds.values())
        size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
        lines = sum(p.read_text().count("\n") for p in folder.rglob("*.py"))
        print(f"{files} files ({size / 1e6:.1f} MB, {lines} lines of .py) in {folder}; {os.cpu_count()} cores, "
              f"load average {os.getloadavg()[0]:.2f}")
        print("  " + ", ".join(f"{k}: {v}" for k, v in sorted(kinds.items())))
        if args.profile:
            profile(folder)
        one, one_cpu, result = timed(folder, 1, args.repeat)
        many, _, result_many = timed(folder, args.jobs, args.repeat)
        assert result == result_many, "--jobs changed the findings"
        rules = Counter(f.rule for f in result.findings)  # type: ignore[attr-defined]
        by_rule = ", ".join(f"{r} {n}" for r, n in sorted(rules.items()))
        print(f"findings: {len(result.findings)} ({by_rule})")  # type: ignore[attr-defined]
        print(f"jobs=1:  {one:7.3f} s  {files / one:8.0f} files/s  (CPU {one_cpu:.3f} s: "
              f"{files / one_cpu:.0f} files/s)")
        print(f"jobs={args.jobs:<2}: {many:7.3f} s  {files / many:8.0f} files/s")
        print(f"ratio (jobs={args.jobs} / jobs=1 throughput): {one / many:.2f}x")
        print(f"goal >= 500 files/s on one core: {'met' if files / one >= 500 else 'NOT met'}")


def run_project_case(args: argparse.Namespace) -> None:
    """One repository of ``--project-files`` files: whole-project seconds with one process."""
    with tempfile.TemporaryDirectory(prefix="lossmatch-audit-project-") as tmp:
        repo = Path(tmp)
        kinds = generate_project(repo, args.project_files, args.seed)
        files = sum(kinds.values())
        size = sum(p.stat().st_size for p in repo.rglob("*") if p.is_file())
        lines = sum(p.read_text().count("\n") for p in repo.rglob("*.py"))
        print(f"\nproject: {files} files ({size / 1e6:.1f} MB, {lines} lines of .py) in {repo}")
        print("  " + ", ".join(f"{k}: {v}" for k, v in sorted(kinds.items())))
        if args.profile:
            profile(repo, ("lossmatch",))
        one, one_cpu, result = timed(repo, 1, args.repeat)
        rules = Counter(f.rule for f in result.findings)  # type: ignore[attr-defined]
        by_rule = ", ".join(f"{r} {n}" for r, n in sorted(rules.items()))
        print(f"findings: {len(result.findings)} ({by_rule or 'none'})")  # type: ignore[attr-defined]
        print(f"jobs=1:  {one:7.3f} s  {files / one:8.0f} files/s  (CPU {one_cpu:.3f} s)")
        print(f"goal <= 10 s with --jobs 1: {'met' if one <= 10 else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", action="store_true",
                        help="cProfile each case's one-process run; print the top 25 (project: under lossmatch)")
    parser.add_argument("--project", action="store_true", help="run only the project-scale case")
    parser.add_argument("--project-files", type=int, default=2000)
    args = parser.parse_args()
    if not args.project:
        run_scripts_case(args)
    run_project_case(args)

if __name__ == "__main__":
    main()
