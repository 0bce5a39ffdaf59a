"""The static pass around the rules: notebooks, files it cannot parse, never running the audited code, and
models defined in one module and trained in another."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from lossmatch.audit import audit_paths, audit_source
from lossmatch.audit.formats import text_line
from lossmatch.errors import DataError

BUGGY_KERAS = textwrap.dedent("""\
    import keras
    from keras.datasets import mnist

    num_classes = 10
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    y_train = keras.utils.to_categorical(y_train, num_classes)
    model = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(num_classes, activation="softmax")])
    model.compile(optimizer="adam",
                  loss=keras.losses.CategoricalCrossentropy(from_logits=True))
    model.fit(x_train, y_train, epochs=3)
""")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def notebook(cells: list[tuple[str, str]]) -> str:
    return json.dumps({
        "nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": {"name": "python3"}},
        "cells": [{"cell_type": kind, "metadata": {}, "source": textwrap.dedent(source).splitlines(keepends=True),
                   **({"outputs": [], "execution_count": None} if kind == "code" else {})}
                  for kind, source in cells],
    }, indent=1)


# ---------------------------------------------------------------------------------------- notebooks
NOTEBOOK_CELLS = [
    ("markdown", "# Fashion-MNIST\nA small dense network.\n"),
    ("code", """\
        %matplotlib inline
        !pip install -q keras
        import numpy as np
        import keras
        from keras import layers

        (x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
        num_classes = 10
    """),
    ("markdown", "## Model\n"),
    ("code", """\
        model = keras.Sequential([
            layers.Flatten(input_shape=(28, 28)),
            layers.Dense(128, activation="relu"),
            layers.Dense(num_classes, activation="softmax"),
        ])
        model.summary()
        model.compile(optimizer="adam",
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                      metrics=["accuracy"])
    """),
    ("code", "history = model.fit(x_train, y_train, epochs=10)\nmodel.evaluate?\n"),
]


def test_notebook_finding_points_at_cell_and_line(tmp_path):
    path = tmp_path / "fashion.ipynb"
    path.write_text(notebook(NOTEBOOK_CELLS))
    findings = audit_paths(path).findings
    assert [(f.rule, f.cell, f.line) for f in findings] == [("LM001", 4, 8)]  # 2nd code cell is cell 4
    finding = findings[0]
    assert any("cell 4, line 4" in item for item in finding.evidence)  # the softmax layer, by cell and line
    assert text_line(finding).startswith(f"{path}:cell 4:8:")
    assert finding.to_dict()["cell"] == 4


def test_notebook_cell_that_does_not_parse_is_skipped(tmp_path):
    cells = [NOTEBOOK_CELLS[1], ("code", "def broken(:\n    pass\n"), NOTEBOOK_CELLS[3]]
    path = tmp_path / "old.ipynb"
    path.write_text(notebook(cells))
    findings = audit_paths(path).findings
    assert [(f.rule, f.cell, f.line, f.severity) for f in findings] == [
        ("LM090", 2, 1, "info"), ("LM001", 3, 8, "error")]


def test_not_a_notebook(tmp_path):
    path = tmp_path / "broken.ipynb"
    path.write_text('{"cells": [')
    assert [(f.rule, f.severity) for f in audit_paths(path).findings] == [("LM090", "info")]


# ---------------------------------------------------------------------------------------- never executes
def test_audited_code_is_never_executed(tmp_path):
    marker = tmp_path / "executed.txt"
    shell_marker = tmp_path / "shell.txt"
    evil = f"""\
        import os
        import subprocess
        open({str(marker)!r}, "w").write("ran")
        os.system("touch {shell_marker}")
        subprocess.run(["touch", {str(shell_marker)!r}])
        __import__("os").remove(__file__)
        exec("open({str(marker)!r}, 'w')")
        exec(open("payload.py").read())
        importlib.import_module("payload")
        import keras
        model = keras.Sequential([keras.layers.Dense(3, activation="softmax")])
        model.compile(loss="binary_crossentropy")
        while True:
            pass
    """
    write(tmp_path / "evil.py", evil)
    # a script the others run (exec(open(...).read()), %run, importlib): read for its names, never run
    write(tmp_path / "payload.py", f"open({str(marker)!r}, 'w').write('ran')\n")
    (tmp_path / "evil.ipynb").write_text(notebook([("code", "%run payload.py\n" + textwrap.dedent(evil))]))
    result = audit_paths(tmp_path)
    assert not marker.exists() and not shell_marker.exists()
    assert (tmp_path / "evil.py").exists()
    assert result.files_scanned == 3
    assert sorted((Path(f.path).name, f.rule) for f in result.findings) == [
        ("evil.ipynb", "LM010"), ("evil.py", "LM010")]


# ---------------------------------------------------------------------------------------- unparsable files
def test_syntax_error_is_info_and_the_run_goes_on(tmp_path):
    write(tmp_path / "a_legacy.py", """\
        import keras

        def train(model, x, y):
            print "training on", len(x)
            model.fit(x, y, callbacks=map(lambda (name, value): value, CALLBACKS))
    """)
    write(tmp_path / "f_recovered.py", 'print "python 2, read through the rewrite"\n')
    write(tmp_path / "b_broken.py", "def f(:\n    pass\n")
    (tmp_path / "c_binary.py").write_bytes(b"\x00\x01\x02 not python")
    (tmp_path / "d_latin1.py").write_bytes("x = 'caf\xe9'\n".encode("latin-1"))
    write(tmp_path / "e_train.py", BUGGY_KERAS)
    result = audit_paths(tmp_path)
    assert result.files_scanned == 6 and result.errors == ()
    by_file = {Path(f.path).name: f for f in result.findings}
    assert [(name, f.rule, f.severity) for name, f in sorted(by_file.items())] == [
        ("a_legacy.py", "LM090", "info"), ("b_broken.py", "LM090", "info"), ("c_binary.py", "LM090", "info"),
        ("d_latin1.py", "LM090", "info"), ("e_train.py", "LM001", "error"), ("f_recovered.py", "LM091", "info")]
    legacy = by_file["a_legacy.py"]
    assert legacy.line == 4 and "Python 2" in legacy.message and legacy.evidence
    assert by_file["e_train.py"].line == 9
    assert result.failed


def test_only_info_does_not_fail(tmp_path):
    write(tmp_path / "legacy.py", 'print "hello"\n')
    result = audit_paths(tmp_path)
    assert [f.rule for f in result.findings] == ["LM091"] and not result.failed


# ---------------------------------------------------------------------------------------- files and folders
def test_collects_py_and_ipynb_and_skips_virtualenvs(tmp_path):
    write(tmp_path / "src" / "train.py", BUGGY_KERAS)
    write(tmp_path / ".venv" / "lib" / "bad.py", BUGGY_KERAS)
    write(tmp_path / "venv" / "bad.py", BUGGY_KERAS)
    write(tmp_path / "node_modules" / "bad.py", BUGGY_KERAS)
    write(tmp_path / "notes.txt", BUGGY_KERAS)
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / "nb-checkpoint.ipynb").write_text(notebook([("code", BUGGY_KERAS)]))
    result = audit_paths(tmp_path)
    assert result.files_scanned == 1
    assert [Path(f.path).name for f in result.findings] == ["train.py"]


def test_missing_path_and_bad_jobs(tmp_path):
    with pytest.raises(DataError, match="existing file or directory"):
        audit_paths(tmp_path / "nope.py")
    with pytest.raises(DataError, match="jobs"):
        audit_paths(tmp_path, jobs=0)


def test_select_keeps_only_chosen_rules(tmp_path):
    write(tmp_path / "t.py", BUGGY_KERAS)
    assert audit_paths(tmp_path, select=frozenset({"LM010"})).findings == ()
    assert [f.rule for f in audit_paths(tmp_path, select=frozenset({"LM001"})).findings] == ["LM001"]


def test_parallel_run_matches_serial(tmp_path):
    snippets = Path(__file__).parent / "snippets"
    for i in range(4):  # enough files for the process pool to be used
        for source in snippets.rglob("*.py"):
            (tmp_path / f"copy{i}" / source.parent.name).mkdir(parents=True, exist_ok=True)
            (tmp_path / f"copy{i}" / source.parent.name / source.name).write_text(source.read_text())
    serial = audit_paths(tmp_path, jobs=1)
    parallel = audit_paths(tmp_path, jobs=2)
    assert serial.files_scanned > 128
    assert parallel == serial


# ---------------------------------------------------------------------------------------- across modules
MODELS = """\
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    from tensorflow import keras

    NUM_CLASSES = 10


    class Net(nn.Module):
        def __init__(self, n_classes=NUM_CLASSES):
            super().__init__()
            self.fc1 = nn.Linear(784, 128)
            self.fc2 = nn.Linear(128, n_classes)

        def forward(self, x):
            x = F.relu(self.fc1(x))
            return F.softmax(self.fc2(x), dim=1)


    def build_keras(n_classes=NUM_CLASSES):
        model = keras.Sequential()
        model.add(keras.layers.Dense(64, activation="relu"))
        model.add(keras.layers.Dense(n_classes, activation="softmax"))
        return model
"""


@pytest.fixture
def project(tmp_path):
    write(tmp_path / "proj" / "__init__.py", "")
    write(tmp_path / "proj" / "models.py", MODELS)
    write(tmp_path / "proj" / "losses.py", "import torch.nn as nn\n\ncriterion = nn.CrossEntropyLoss()\n")
    write(tmp_path / "proj" / "train_torch.py", """\
        import torch
        from proj.models import Net
        from .losses import criterion

        model = Net().to("cpu")
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        for x, y in loader:
            optimizer.zero_grad()
            loss = criterion(model(x), y)
            loss.backward()
    """)
    write(tmp_path / "proj" / "train_keras.py", """\
        from . import models

        model = models.build_keras()
        model.compile(optimizer="adam",
                      loss="binary_crossentropy")
    """)
    write(tmp_path / "proj" / "scripts" / "evaluate.py", """\
        import models
        import torch.nn as nn

        net = models.Net()
        loss = nn.CrossEntropyLoss()(net(x), y)
    """)
    return tmp_path / "proj"


def test_model_defined_in_one_module_trained_in_another(project):
    findings = audit_paths(project).findings
    got = sorted((Path(f.path).relative_to(project).as_posix(), f.rule, f.line) for f in findings)
    # `import models` from scripts/ resolves too: a module is known by every dotted suffix of its path.
    assert got == [("scripts/evaluate.py", "LM001", 5), ("train_keras.py", "LM010", 5), ("train_torch.py", "LM001", 9)]
    torch_finding = next(f for f in findings if f.path.endswith("train_torch.py"))
    models_path = str(project / "models.py")
    assert any(item.startswith(f"output: {models_path}:17:") for item in torch_finding.evidence)
    assert any(f"{project / 'losses.py'}:3:" in item for item in torch_finding.evidence)


def test_a_module_audited_alone_knows_nothing_of_its_imports(project):
    assert audit_paths(project / "train_torch.py").findings == ()


def test_same_module_name_in_two_folders_prefers_the_importers_folder(tmp_path):
    write(tmp_path / "exp_a" / "model.py", MODELS)
    write(tmp_path / "exp_b" / "model.py", MODELS.replace("F.softmax(self.fc2(x), dim=1)", "self.fc2(x)"))
    train = """\
        import torch.nn as nn
        from model import Net

        net = Net()
        loss = nn.CrossEntropyLoss()(net(x), y)
    """
    write(tmp_path / "exp_a" / "train.py", train)
    write(tmp_path / "exp_b" / "train.py", train)
    findings = audit_paths(tmp_path).findings
    assert [(Path(f.path).parent.name, Path(f.path).name, f.rule) for f in findings] == [("exp_a", "train.py", "LM001")]


def test_audit_source_default_path():
    findings = audit_source(BUGGY_KERAS)
    assert [(f.path, f.rule) for f in findings] == [("<string>", "LM001")]


def test_import_order_and_rereading_agree(tmp_path, monkeypatch):
    """Files are read once, after the modules they import; the result is the same as reading them in any
    order and once more when an import was read later."""
    from lossmatch.audit import paths

    write(tmp_path / "blocks.py", """\
        import torch.nn as nn

        criterion = nn.CrossEntropyLoss()
    """)
    write(tmp_path / "models.py", textwrap.dedent(MODELS) + "\nfrom blocks import criterion\n")  # both ways
    write(tmp_path / "utils.py", """\
        import os

        def seed_everything(seed):
            os.environ["PYTHONHASHSEED"] = str(seed)
    """)
    write(tmp_path / "train.py", """\
        from models import Net
        from blocks import criterion
        from utils import seed_everything

        seed_everything(0)
        net = Net()
        loss = criterion(net(x), y)
    """)
    write(tmp_path / "train_multiline.py", """\
        from models import (
            Net,
            build_keras,
        )
        model = build_keras(3)
        model.compile(optimizer="adam", loss="binary_crossentropy")
    """)
    write(tmp_path / "probe.py", """\
        import torch
        from utils import seed_everything

        p = torch.softmax(scores, dim=-1)
        log_p = torch.log(p)
    """)
    assert paths._import_names(str(tmp_path / "train_multiline.py")) >= {"models", "models.Net", "models.build_keras"}
    shortcut = audit_paths(tmp_path)
    assert sorted((Path(f.path).name, f.rule, f.line) for f in shortcut.findings) == [
        ("probe.py", "LM040", 5), ("train.py", "LM001", 7), ("train_multiline.py", "LM010", 6)]
    monkeypatch.setattr(paths, "_levels", lambda deps: {name: 0 for name in deps})
    assert audit_paths(tmp_path) == shortcut


# ---------------------------------------------------------------------------------------- too deep to follow
def test_a_file_too_deep_to_check_never_stops_the_run(tmp_path):
    """Generated code beyond the parser's or the interpreter's recursion limit is reported as not (fully)
    checked; every other file keeps its findings."""
    write(tmp_path / "sum.py", "total = " + "+".join(["1"] * 1500) + "\n")  # parses; too deep to interpret
    write(tmp_path / "chain.py", "value = a" + ".b" * 3000 + "\n")  # too deep for the parser
    write(tmp_path / "calls.py", "value = f" + "()" * 100_000 + "\n")
    (tmp_path / "nested.ipynb").write_text('{"cells": ' + "[" * 100_000 + "]" * 100_000 + "}")
    write(tmp_path / "train.py", """\
        import torch.nn as nn
        import torch.nn.functional as F

        class Net(nn.Module):
            def forward(self, x):
                return F.softmax(x, dim=1)

        loss = nn.CrossEntropyLoss()(Net()(x), y)
    """)
    got = {(Path(f.path).name, f.rule) for f in audit_paths(tmp_path).findings}
    assert got == {("sum.py", "LM092"), ("chain.py", "LM090"), ("calls.py", "LM090"), ("nested.ipynb", "LM090"),
                   ("train.py", "LM001")}


def test_a_notebook_line_that_continues_a_statement_is_not_taken_for_a_magic(tmp_path):
    path = tmp_path / "train.ipynb"
    path.write_text(notebook([
        ("code", "%matplotlib inline\nimport torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n"),
        ("code", """\
            class Net(nn.Module):
                def forward(self, x):
                    return F.softmax(x, dim=1)

            model, criterion = Net(), nn.CrossEntropyLoss()
            for epoch in range(3):
                loss = criterion(model(x), y)
                print('epoch %d loss %.3f' \\
                      % (epoch, loss.item()))
            !nvidia-smi
        """),
    ]))
    assert [(f.rule, f.cell, f.line) for f in audit_paths(path).findings] == [("LM001", 2, 7)]


def test_a_notebook_block_holding_only_a_magic_still_parses(tmp_path):
    """Colab set-up cells (``try: %tensorflow_version 2.x``, ``if IN_COLAB: !pip ...``) and a shell line continued
    with a backslash keep their notebook audited (every chapter of a popular book's notebooks starts so)."""
    path = tmp_path / "train.ipynb"
    path.write_text(notebook([
        ("code", """\
            try:
                %tensorflow_version 2.x
            except Exception:
                pass
            if IS_COLAB:
                !pip install -q -U urlextract
            import tensorflow as tf
        """),
        ("code", "!saved_model_cli show --dir {model_path} --tag_set serve \\\n        --signature_def serving_default\n"),
        ("code", """\
            model = tf.keras.Sequential([tf.keras.layers.Dense(10, activation="softmax")])
            model.compile(loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        """),
    ]))
    assert [(f.rule, f.cell, f.line) for f in audit_paths(path).findings] == [("LM001", 3, 2)]


def test_a_notebook_cell_that_does_not_parse_is_named_as_the_one_skipped(tmp_path):
    path = tmp_path / "exercise.ipynb"
    path.write_text(notebook([
        ("code", "criterion = # TODO: define the loss\n"),
        ("code", "import torch.nn as nn\nimport torch.nn.functional as F\nloss = nn.CrossEntropyLoss()(F.softmax(x, 1), y)\n"),
    ]))
    findings = audit_paths(path).findings
    assert [(f.rule, f.cell) for f in findings] == [("LM090", 1), ("LM001", 2)]
    assert findings[0].message.startswith("cell could not be parsed; that cell was skipped, the others were audited")
    assert audit_paths(path).unparsed == 0  # the notebook was audited, one cell short: not a file skipped


def test_evidence_is_the_activation_on_every_path_not_the_one_a_branch_adds():
    # The head's softmax runs in training too; the inference branch only adds one more on top of it.
    source = textwrap.dedent('''\
        import tensorflow as tf
        from tensorflow.keras import Model, layers

        class Net(Model):
            def __init__(self):
                super().__init__()
                self.hidden = layers.Dense(64, activation="relu")
                self.head = layers.Dense(10, activation=tf.nn.softmax)

            def call(self, x, training=False):
                x = self.head(self.hidden(x))
                if not training:
                    x = tf.nn.softmax(x)
                return x

        net = Net()
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=net(x, training=True)))
        ''')
    (finding,) = [f for f in audit_source(source, "net.py") if f.rule == "LM001"]
    assert finding.line == 18
    output = next(item for item in finding.evidence if item.startswith("output:"))
    assert "8:" in output and "layers.Dense(10" in output, output
