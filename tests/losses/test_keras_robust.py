"""Keras 3 adapters of GCE, SCE, softmax MSE and the hinge losses: Keras' own losses where it has them, the
functions otherwise, and training in model.compile."""

import numpy as np
import pytest
import torch

keras = pytest.importorskip("keras")
if keras.backend.backend() != "torch":  # pragma: no cover - conftest sets KERAS_BACKEND=torch
    pytest.skip("Keras parity tests need KERAS_BACKEND=torch", allow_module_level=True)

import lossmatch as lm
import lossmatch.keras as lmk

GEN = torch.Generator().manual_seed(5)
LOGITS = torch.randn(16, 5, generator=GEN) * 2
INDEX = torch.randint(0, 5, (16,), generator=GEN)
ONE_HOT = torch.nn.functional.one_hot(INDEX, 5).float()
SAMPLE_WEIGHT = torch.rand(16, generator=GEN)


def _keras(loss, y_true, y_pred, **kwargs):
    return torch.as_tensor(loss(y_true, y_pred, **kwargs)).float()


def _close(a, b, tol=1e-5):
    torch.testing.assert_close(a.float(), b.float(), rtol=tol, atol=tol)


def test_softmax_mse_is_keras_mean_squared_error_on_softmax_outputs():
    probs = torch.softmax(LOGITS, -1)
    for kwargs in ({}, {"sample_weight": SAMPLE_WEIGHT}):
        _close(_keras(lmk.SoftmaxMeanSquaredError(from_logits=True), ONE_HOT, LOGITS, **kwargs),
               _keras(keras.losses.MeanSquaredError(), ONE_HOT, probs, **kwargs))


@pytest.mark.parametrize(("ours", "theirs"), [(lmk.Hinge(), keras.losses.Hinge()), (lmk.Hinge(p=2), keras.losses.SquaredHinge())])
def test_binary_hinge_is_keras_hinge(ours, theirs):
    target = (torch.rand(16, 5, generator=GEN) > 0.5).float()
    for y in (target, 2 * target - 1):
        _close(_keras(ours, y, LOGITS), _keras(theirs, y, LOGITS))


def test_crammer_singer_is_keras_categorical_hinge_when_a_wrong_score_is_positive():
    # Keras takes max((1 - y) * x), reading the true class as 0: the same once some wrong score is >= 0
    logits = LOGITS.clone()
    logits[torch.arange(16), (INDEX + 1) % 5] = logits.abs().max() + 0.5
    _close(_keras(lmk.MulticlassHinge(form="crammer_singer"), ONE_HOT, logits),
           _keras(keras.losses.CategoricalHinge(), ONE_HOT, logits))


@pytest.mark.parametrize(("adapter", "function", "options"), [
    (lmk.GeneralizedCrossentropy, lm.generalized_cross_entropy_with_logits, {"q": 0.5}),
    (lmk.SymmetricCrossentropy, lm.symmetric_cross_entropy_with_logits, {"alpha": 0.2, "label_smoothing": 0.1}),
    (lmk.MulticlassHinge, lm.multiclass_hinge_loss, {"margin": 0.5}),
])
def test_adapters_compute_the_functions_per_sample(adapter, function, options):
    loss = adapter(from_logits=True, **options)
    for y in (INDEX, ONE_HOT):
        _close(torch.as_tensor(loss.call(y, LOGITS)), function(LOGITS, y, reduction="none", **options))
    clone = adapter.from_config(loss.get_config())
    _close(_keras(clone, INDEX, LOGITS), _keras(loss, INDEX, LOGITS))


def test_label_smoothing_conventions_through_keras():
    uniform = _keras(lmk.CategoricalCrossentropy(from_logits=True, label_smoothing=0.2), ONE_HOT, LOGITS)
    _close(uniform, _keras(keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.2), ONE_HOT, LOGITS))
    others = _keras(lmk.CategoricalCrossentropy(from_logits=True, label_smoothing=0.2, smoothing_convention="others"),
                    ONE_HOT, LOGITS)
    # "others" with eps is "uniform" with eps K / (K - 1)
    _close(others, _keras(keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.25), ONE_HOT, LOGITS))


def test_robust_adapters_require_logits():
    with pytest.raises(lm.ConfigError, match="Expected `from_logits=True` for lossmatch.keras.GeneralizedCrossentropy"):
        lmk.GeneralizedCrossentropy()(ONE_HOT, torch.softmax(LOGITS, -1))


def test_gce_adapter_trains_in_model_compile():
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(256, 4)).astype("float32")
    y = (x[:, 0] + x[:, 1] > 0).astype("int64") + (x[:, 2] > 1).astype("int64")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(3)])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss=lmk.GeneralizedCrossentropy(from_logits=True),
                  metrics=["sparse_categorical_accuracy"])
    history = model.fit(x, y, epochs=15, batch_size=64, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    assert history.history["sparse_categorical_accuracy"][-1] > 0.85
