"""`lossmatch audit` throughput: files per second on generated training scripts, one process vs all cores.

Writes ``--files`` (default 3000) realistic training scripts into a temporary folder: Keras Sequential
(list and ``.add``), Keras functional, Keras subclassed with a custom loop, PyTorch ``nn.Module`` with a training
loop, PyTorch ``nn.Sequential`` on a tabular file, TF1 graphs, and a few notebooks, each with randomised names,
layer counts, widths and constants; about a third carry a loss/activation bug. Every fifth file is a model
module imported by a training script beside it, so the cross-module pass does its share of work. Then times
``audit_paths`` (best of ``--repeat``) with ``jobs=1`` and with ``jobs=--jobs`` (default: the number of cores)
and prints files/s for each and the ratio. Goal: >= 500 files/s on one core.

    /work/venv/bin/python bench/audit.py [--files 3000] [--jobs N] [--repeat 3] [--seed 0] [--profile]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", action="store_true", help="cProfile the one-process run; print the top 25")
    args = parser.parse_args()

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
            profiler = cProfile.Profile()
            profiler.enable()
            audit_paths([folder], jobs=1)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
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


if __name__ == "__main__":
    main()
