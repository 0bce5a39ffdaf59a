"""``check_model``: one forward pass of a live torch module or Keras 3 model, judged by the static rules."""

from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "torch")  # before any keras import: no TensorFlow here

import numpy as np
import pytest
import torch
from torch import nn

from lossmatch import check_model
from lossmatch.audit.runtime import output_kind
from lossmatch.errors import ConfigError, LossmatchTypeError


@pytest.fixture
def batch():
    torch.manual_seed(0)
    return torch.randn(16, 8)


def mlp(*tail: nn.Module, out: int = 4) -> nn.Module:
    return nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, out), *tail)


def rules(findings) -> list[str]:
    return [f.rule for f in findings]


def test_softmax_into_cross_entropy_fires(batch):
    findings = check_model(mlp(nn.Softmax(dim=1)), batch, nn.CrossEntropyLoss())
    assert rules(findings) == ["LM001"]
    finding = findings[0]
    assert finding.path == "<model>" and finding.severity == "error" and (finding.line, finding.col) == (0, 0)
    assert any("rows sum to 1" in item for item in finding.evidence)
    assert any("nn.CrossEntropyLoss" in item for item in finding.evidence)


def test_logits_into_cross_entropy_is_clean(batch):
    target = torch.randint(0, 4, (16,))
    assert check_model(mlp(), batch, nn.CrossEntropyLoss(), target) == []


def test_sigmoid_into_bce_with_logits_fires(batch):
    findings = check_model(mlp(nn.Sigmoid(), out=1), batch, nn.BCEWithLogitsLoss())
    assert rules(findings) == ["LM002"]
    assert any("in [0, 1]" in item for item in findings[0].evidence)


def test_other_torch_pairings(batch):
    assert rules(check_model(mlp(nn.LogSoftmax(dim=1)), batch, nn.CrossEntropyLoss())) == ["LM050"]
    assert check_model(mlp(nn.LogSoftmax(dim=1)), batch, nn.NLLLoss()) == []
    assert rules(check_model(mlp(), batch, nn.NLLLoss())) == ["LM004"]
    assert rules(check_model(mlp(out=1), batch, nn.BCELoss())) == ["LM003"]
    assert check_model(mlp(nn.Sigmoid(), out=1), batch, nn.BCELoss()) == []
    assert rules(check_model(mlp(nn.Softmax(dim=1), out=1), batch)) == ["LM014"]


def test_multi_label_sigmoid_bce_is_clean_and_single_label_target_is_not(batch):
    model = mlp(out=5)
    multi_hot = (torch.rand(16, 5) > 0.6).float()
    multi_hot[0] = torch.tensor([1.0, 1.0, 0.0, 0.0, 0.0])
    assert check_model(model, batch, nn.BCEWithLogitsLoss(), multi_hot) == []
    one_hot = torch.nn.functional.one_hot(torch.arange(16) % 5, 5).float()
    assert rules(check_model(model, batch, nn.BCEWithLogitsLoss(), one_hot)) == ["LM012"]


def test_training_mode_is_restored(batch):
    model = mlp(nn.Dropout(0.5))
    model.train()
    check_model(model, batch, nn.CrossEntropyLoss())
    assert model.training
    model.eval()
    check_model(model, batch, nn.CrossEntropyLoss())
    assert not model.training


def test_bad_inputs():
    class TwoHeads(nn.Module):
        def forward(self, x):
            return x, x

    with pytest.raises(LossmatchTypeError, match="one tensor"):
        check_model(TwoHeads(), torch.randn(2, 3), nn.CrossEntropyLoss())
    with pytest.raises(LossmatchTypeError, match="torch.nn.Module or a Keras 3 model"):
        check_model(object(), torch.randn(2, 3))
    with pytest.raises(ConfigError, match="loss"):
        check_model(mlp(), torch.randn(2, 8), "no_such_loss")


def test_output_kind_table():
    logits = np.array([[2.0, -1.0, 0.5], [0.1, 0.2, -3.0]])
    probs = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    assert output_kind(probs, 1)[0] == "softmax"
    assert output_kind(np.log(probs), 1)[0] == "log_softmax"
    assert output_kind(1 / (1 + np.exp(-logits)), 1)[0] == "sigmoid"
    assert output_kind(logits, 1)[0] == "linear"
    assert output_kind(np.ones((4, 1)), 1)[0] == "softmax"


def test_keras3_softmax_with_from_logits_fires():
    keras = pytest.importorskip("keras")
    assert keras.backend.backend() == "torch"
    inputs = np.random.default_rng(0).normal(size=(16, 8)).astype("float32")
    model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(4, activation="softmax")])
    findings = check_model(model, inputs, keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    assert rules(findings) == ["LM001"]
    assert any("from_logits=True" in item for item in findings[0].evidence)
    assert check_model(model, inputs, keras.losses.SparseCategoricalCrossentropy()) == []

    model.compile(optimizer="adam", loss=keras.losses.CategoricalCrossentropy(from_logits=True))
    assert rules(check_model(model, inputs)) == ["LM001"]  # loss=None: the compiled loss
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    one_hot = np.eye(4, dtype="float32")[np.arange(16) % 4]
    assert rules(check_model(model, inputs, target=one_hot)) == ["LM030"]


def test_a_dataloader_batch_of_inputs_and_target_is_split_and_its_target_judged():
    """README's `check_model(model, batch, loss)`: the batch a DataLoader yields, list or tuple."""
    from torch.utils.data import DataLoader, TensorDataset

    torch.manual_seed(0)
    features = torch.randn(16, 8)
    one_hot = torch.nn.functional.one_hot(torch.arange(16) % 5, 5).float()
    batch = next(iter(DataLoader(TensorDataset(features, one_hot), batch_size=16)))
    assert isinstance(batch, list)
    model = mlp(out=5)
    assert rules(check_model(model, batch, nn.BCEWithLogitsLoss())) == ["LM012"]  # the batch's one-hot target
    assert rules(check_model(model, tuple(batch), nn.BCEWithLogitsLoss())) == ["LM012"]
    assert rules(check_model(model, (*batch, torch.ones(16)), nn.BCEWithLogitsLoss())) == ["LM012"]  # + sample weights
    assert rules(check_model(mlp(nn.Softmax(dim=1)), (features, torch.arange(16) % 4), nn.CrossEntropyLoss())) == ["LM001"]


def test_a_tuple_with_an_explicit_target_is_the_models_inputs():
    class TwoInputs(nn.Module):
        def __init__(self):
            super().__init__()
            self.linear = nn.Linear(8, 4)

        def forward(self, a, b):
            return self.linear(a + b)

    a, b = torch.randn(16, 8), torch.randn(16, 8)
    target = torch.arange(16) % 4
    assert check_model(TwoInputs(), (a, b), nn.CrossEntropyLoss(), target=target) == []
    assert check_model(TwoInputs(), ((a, b), target), nn.CrossEntropyLoss()) == []


def test_keras_model_on_a_tf_data_style_batch():
    keras = pytest.importorskip("keras")
    inputs = np.random.default_rng(0).normal(size=(16, 8)).astype("float32")
    model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(4)])
    one_hot = np.eye(4, dtype="float32")[np.arange(16) % 4]
    assert rules(check_model(model, inputs, "sparse_categorical_crossentropy")) == ["LM003"]  # linear outputs as probabilities
    assert rules(check_model(model, (inputs, one_hot), "sparse_categorical_crossentropy")) == ["LM003", "LM030"]  # + one-hot target
