"""Parity with Keras 3 (torch backend) where the conventions coincide, and the adapters in model.compile."""

import numpy as np
import pytest
import torch

keras = pytest.importorskip("keras")
if keras.backend.backend() != "torch":  # pragma: no cover - conftest sets KERAS_BACKEND=torch
    pytest.skip("Keras parity tests need KERAS_BACKEND=torch", allow_module_level=True)

import lossmatch as lm
import lossmatch.keras as lmk

GEN = torch.Generator().manual_seed(4)
LOGITS = torch.randn(16, 5, generator=GEN) * 2
INDEX = torch.randint(0, 5, (16,), generator=GEN)
ONE_HOT = torch.nn.functional.one_hot(INDEX, 5).float()
MULTI_HOT = (torch.rand(16, 5, generator=GEN) > 0.6).float()


def _keras(loss, y_true, y_pred):
    return torch.as_tensor(loss(y_true, y_pred)).float()


def _close(a, b, tol=1e-5):
    torch.testing.assert_close(a.float(), b.float(), rtol=tol, atol=tol)


@pytest.mark.parametrize("smoothing", (0.0, 0.2))
def test_binary_crossentropy_with_label_smoothing(smoothing):
    expected = _keras(keras.losses.BinaryCrossentropy(from_logits=True, label_smoothing=smoothing), MULTI_HOT, LOGITS)
    _close(lm.binary_cross_entropy_with_logits(LOGITS, MULTI_HOT, label_smoothing=smoothing), expected)
    # probabilities: Keras clips at 1e-7, lossmatch follows with epsilon=1e-7
    probs = torch.sigmoid(LOGITS)
    expected = _keras(keras.losses.BinaryCrossentropy(label_smoothing=smoothing), MULTI_HOT, probs)
    _close(lm.binary_cross_entropy(probs, MULTI_HOT, label_smoothing=smoothing, epsilon=1e-7), expected)


def test_probability_clipping_differs_from_torch_only_at_the_extremes():
    probs = torch.tensor([[1e-9, 0.5], [0.3, 1.0]])
    target = torch.tensor([[1.0, 0.0], [1.0, 1.0]])
    keras_value = _keras(keras.losses.BinaryCrossentropy(), target, probs)
    assert abs(lm.binary_cross_entropy(probs, target, epsilon=1e-7) - keras_value) < 1e-5
    # torch's clamp at -100 gives -log(1e-9) = 20.7 for the first element; Keras' clip gives -log(1e-7) = 16.1
    assert lm.binary_cross_entropy(probs, target) > keras_value + 1.0


@pytest.mark.parametrize("smoothing", (0.0, 0.1))
def test_categorical_crossentropy(smoothing):
    expected = _keras(keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=smoothing), ONE_HOT, LOGITS)
    _close(lm.categorical_cross_entropy_with_logits(LOGITS, ONE_HOT, label_smoothing=smoothing), expected)
    sigmoid = torch.sigmoid(LOGITS)  # not a distribution: Keras renormalises
    expected = _keras(keras.losses.CategoricalCrossentropy(label_smoothing=smoothing), ONE_HOT, sigmoid)
    _close(lm.categorical_cross_entropy(sigmoid, ONE_HOT, label_smoothing=smoothing, renormalize=True, epsilon=1e-7), expected)


def test_sparse_categorical_crossentropy():
    expected = _keras(keras.losses.SparseCategoricalCrossentropy(from_logits=True), INDEX, LOGITS)
    _close(lm.sparse_categorical_cross_entropy_with_logits(LOGITS, INDEX), expected)
    probs = torch.softmax(LOGITS, -1)
    expected = _keras(keras.losses.SparseCategoricalCrossentropy(), INDEX, probs)
    _close(lm.sparse_categorical_cross_entropy(probs, INDEX, renormalize=True, epsilon=1e-7), expected)


@pytest.mark.parametrize("gamma,alpha", [(2.0, 0.25), (0.5, 0.6), (0.0, 0.25)])
def test_binary_focal_crossentropy(gamma, alpha):
    soft = torch.rand(16, 5, generator=GEN)
    for target in (MULTI_HOT, soft):
        expected = _keras(keras.losses.BinaryFocalCrossentropy(from_logits=True, gamma=gamma, alpha=alpha, apply_class_balancing=True), target, LOGITS)
        # Keras clips the sigmoid at 1e-7; logits here are moderate, so the two agree closely
        _close(lm.sigmoid_focal_loss(LOGITS, target, gamma=gamma, alpha=alpha), expected, tol=1e-4)


@pytest.mark.parametrize("gamma,alpha", [(2.0, 0.25), (1.0, 1.0)])
def test_categorical_focal_crossentropy(gamma, alpha):
    expected = _keras(keras.losses.CategoricalFocalCrossentropy(from_logits=True, gamma=gamma, alpha=alpha), ONE_HOT, LOGITS)
    _close(lm.softmax_focal_loss(LOGITS, ONE_HOT, gamma=gamma, alpha=alpha), expected, tol=1e-4)
    _close(lm.softmax_focal_loss(LOGITS, INDEX, gamma=gamma, alpha=alpha), expected, tol=1e-4)


@pytest.mark.parametrize(
    "ours, theirs, y",
    [
        (lambda: lmk.BinaryCrossentropy(from_logits=True), lambda: keras.losses.BinaryCrossentropy(from_logits=True), MULTI_HOT),
        (lambda: lmk.BinaryCrossentropy(), lambda: keras.losses.BinaryCrossentropy(), MULTI_HOT),
        (lambda: lmk.CategoricalCrossentropy(from_logits=True), lambda: keras.losses.CategoricalCrossentropy(from_logits=True), ONE_HOT),
        (lambda: lmk.CategoricalCrossentropy(), lambda: keras.losses.CategoricalCrossentropy(), ONE_HOT),
        (lambda: lmk.SparseCategoricalCrossentropy(from_logits=True), lambda: keras.losses.SparseCategoricalCrossentropy(from_logits=True), INDEX),
        (lambda: lmk.SparseCategoricalCrossentropy(), lambda: keras.losses.SparseCategoricalCrossentropy(), INDEX),
        (lambda: lmk.CategoricalFocalCrossentropy(from_logits=True, alpha=0.25),
         lambda: keras.losses.CategoricalFocalCrossentropy(from_logits=True), ONE_HOT),
    ],
)
def test_adapters_are_drop_in(ours, theirs, y):
    pred = LOGITS if ours().from_logits else (torch.sigmoid(LOGITS) if y is MULTI_HOT else torch.softmax(LOGITS, -1))
    weights = torch.rand(16, generator=GEN)
    _close(_keras(ours(), y, pred), _keras(theirs(), y, pred), tol=1e-4)
    _close(torch.as_tensor(ours()(y, pred, sample_weight=weights)), torch.as_tensor(theirs()(y, pred, sample_weight=weights)), tol=1e-4)


def test_adapter_options_and_config_round_trip():
    loss = lmk.SparseCategoricalCrossentropy(from_logits=True, weight=torch.tensor([1.0, 2.0, 1.0, 1.0, 3.0]), ignore_index=-1)
    clone = lmk.SparseCategoricalCrossentropy.from_config(loss.get_config())
    target = INDEX.clone()
    target[0] = -1
    # Keras applies its own mean over samples; lossmatch's per-sample values carry the class weights
    expected = lm.sparse_categorical_cross_entropy_with_logits(LOGITS, target, weight=loss.options["weight"], ignore_index=-1, reduction="none")
    _close(loss.call(target, LOGITS), expected)
    _close(clone.call(target, LOGITS), expected)


def test_adapter_trains_in_model_compile():
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(256, 4)).astype("float32")
    y = (x[:, 0] + x[:, 1] > 0).astype("int64") + (x[:, 2] > 1).astype("int64")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(3)])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss=lmk.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["sparse_categorical_accuracy"])
    history = model.fit(x, y, epochs=15, batch_size=64, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    assert history.history["sparse_categorical_accuracy"][-1] > 0.85


@pytest.mark.filterwarnings("error::lossmatch.LossInputWarning")
def test_keras_build_call_on_ones_raises_no_double_activation_warning():
    # Keras calls each compiled loss once on a tensor of ones to build it: constant input is no evidence
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(3)])
    model.compile(loss=lmk.BinaryCrossentropy(from_logits=True))
    x = (20 * np.random.default_rng(0).normal(size=(6, 8))).astype("float32")
    assert np.isfinite(model.evaluate(x, np.eye(3, dtype="float32")[[0, 1, 2, 2, 1, 0]], verbose=0))


def test_focal_adapters_require_logits():
    with pytest.raises(lm.ConfigError, match="from_logits=True"):
        lmk.BinaryFocalCrossentropy()(MULTI_HOT, torch.sigmoid(LOGITS))
