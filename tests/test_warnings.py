"""Warnings point at the user's line, however deep lossmatch and the frameworks call the check."""

from __future__ import annotations

import inspect
import os
import warnings

os.environ.setdefault("KERAS_BACKEND", "torch")

import pytest
import torch

import lossmatch as lm
import lossmatch.nn
from lossmatch.errors import LossInputWarning

torch.manual_seed(0)
LOGITS = torch.randn(8, 5)
PROBS = torch.softmax(LOGITS, dim=1)
TARGET = torch.arange(8) % 5


def _caught(call):
    """The LossInputWarnings ``call()`` raises, and the line of this file that called into lossmatch."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = call()
    found = [w for w in caught if issubclass(w.category, LossInputWarning)]
    assert found, "no LossInputWarning"
    return found, line


def _here() -> int:
    return inspect.currentframe().f_back.f_lineno


def _assert_points_here(found, line):
    for w in found:
        assert os.path.samefile(w.filename, __file__), (w.filename, str(w.message))
        assert w.lineno == line, (w.lineno, line)


def test_functional_call():
    def call():
        lm.sparse_categorical_cross_entropy_with_logits(PROBS, TARGET); return _here()  # noqa: E702
    _assert_points_here(*_caught(call))


def test_nn_module_call():
    loss = lossmatch.nn.SparseCategoricalCrossEntropyWithLogits()

    def call():
        loss(PROBS, TARGET); return _here()  # noqa: E702
    _assert_points_here(*_caught(call))


def test_nn_module_inside_the_users_module_points_at_the_users_forward():
    class Model(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.loss = lossmatch.nn.CategoricalCrossEntropyWithLogits()
            self.line = 0

        def forward(self, probs, target):
            self.line = _here() + 1
            return self.loss(probs, target)

    model = Model()

    def call():
        model(PROBS, torch.nn.functional.one_hot(TARGET, 5).float())
        return model.line
    _assert_points_here(*_caught(call))


def test_keras_adapter_call():
    keras = pytest.importorskip("keras")
    assert keras.backend.backend() == "torch"
    import lossmatch.keras

    loss = lossmatch.keras.CategoricalCrossentropy(from_logits=True)
    one_hot = torch.nn.functional.one_hot(TARGET, 5).float()

    def call():
        loss(one_hot, PROBS); return _here()  # noqa: E702
    _assert_points_here(*_caught(call))


def test_target_and_probability_row_warnings():
    multi_hot = torch.zeros(8, 5)
    multi_hot[:, :2] = 1.0

    def call():
        lm.categorical_cross_entropy_with_logits(LOGITS, multi_hot); return _here()  # noqa: E702
    _assert_points_here(*_caught(call))

    def call_sigmoid():
        lm.categorical_cross_entropy(torch.sigmoid(LOGITS), torch.nn.functional.one_hot(TARGET, 5).float()); return _here()  # noqa: E702
    _assert_points_here(*_caught(call_sigmoid))
