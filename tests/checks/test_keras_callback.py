"""``lossmatch.keras.LossCheck`` in ``model.fit`` (Keras 3 on the torch backend): small real models trained with each
mismatch report it (rule and epoch, with the numbers Keras' own metrics show), their matched twins train a full run
without a finding."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

keras = pytest.importorskip("keras")

import lossmatch.keras as lk  # noqa: E402
from lossmatch import LossCheckError, LossInputWarning  # noqa: E402
from lossmatch.errors import ConfigError  # noqa: E402

ROWS, FEATURES, CLASSES, BATCH = 256, 8, 5, 64


@pytest.fixture(autouse=True)
def seeded():
    keras.utils.set_random_seed(0)


def data(classes: int = CLASSES):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(ROWS, FEATURES)).astype("float32")
    return x, (x @ rng.normal(size=(FEATURES, classes))).argmax(1)


def one_hot(y: np.ndarray, classes: int = CLASSES) -> np.ndarray:
    return np.eye(classes, dtype="float32")[y]


def multi_hot(x: np.ndarray, labels: int = 6) -> np.ndarray:
    return (x @ np.random.default_rng(1).normal(size=(FEATURES, labels)) > -0.3).astype("float32")  # ~3.5 per row


def mlp(units: int = CLASSES, activation: str | None = None) -> keras.Model:
    return keras.Sequential([keras.Input((FEATURES,)), keras.layers.Dense(16, activation="relu"),
                             keras.layers.Dense(units, activation=activation)])


def fit(model, loss, x, target, *, epochs=3, metrics=(), callbacks=(), fit_options=None, **options):
    check = lk.LossCheck(**options)
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss=loss, metrics=list(metrics))
    history = model.fit(x, target, epochs=epochs, batch_size=BATCH, verbose=0, shuffle=False,
                        callbacks=[*callbacks, check], **(fit_options or {}))
    return check, history


def found(check) -> list[tuple[str, int]]:
    return [(f.rule, f.epoch) for f in check.findings]


MATCHED = [
    pytest.param(lambda: mlp(activation="softmax"), "categorical_crossentropy", "one_hot", ["accuracy"],
                 id="softmax+categorical_crossentropy"),
    pytest.param(lambda: mlp(), lambda: keras.losses.SparseCategoricalCrossentropy(from_logits=True), "index",
                 ["accuracy"], id="logits+SparseCategoricalCrossentropy(from_logits)"),
    pytest.param(lambda: mlp(6, "sigmoid"), "binary_crossentropy", "multi_hot", ["binary_accuracy"],
                 id="sigmoid+binary_crossentropy-multi-label"),
    pytest.param(lambda: mlp(6), lambda: lk.BinaryCrossentropy(from_logits=True), "multi_hot", [],
                 id="lossmatch.keras.BinaryCrossentropy(from_logits)-multi-label"),
    pytest.param(lambda: mlp(1, "sigmoid"), "binary_crossentropy", "binary", ["accuracy"], id="sigmoid+bce-binary"),
]


@pytest.mark.parametrize(("model", "loss", "labels", "metrics"), MATCHED)
def test_matched_twin_trains_a_full_run_without_a_finding(model, loss, labels, metrics):
    x, y = data()
    target = {"index": y, "one_hot": one_hot(y), "multi_hot": multi_hot(x), "binary": (y[:, None] > 1)}[labels]
    net = model()
    with warnings.catch_warnings():
        warnings.simplefilter("error", LossInputWarning)
        check, history = fit(net, loss() if callable(loss) else loss, x, target.astype("float32"), epochs=4,
                             metrics=metrics, on_error="raise", validation_data=(x, target))
    assert check.findings == [] and len(history.history["loss"]) == 4
    assert check.monitor.started and check.monitor.epoch == 5  # it saw the outputs (the first-batch check ran)
    assert "compute_loss" not in vars(net)  # the model's own compute_loss is back


def test_sigmoid_bce_on_one_hot_reads_the_inflated_binary_accuracy_keras_logs():
    """The numbers are Keras' own: its binary_accuracy and categorical_accuracy metrics over the same train steps,
    validation batches not counted."""
    x, y = data()
    with pytest.warns(LossInputWarning, match="LM022"):
        check, history = fit(mlp(activation="sigmoid"), "binary_crossentropy", x, one_hot(y), epochs=2,
                             metrics=["binary_accuracy", "categorical_accuracy"], fit_options={"validation_split": 0.25})
    assert found(check) == [("LM012", 1), ("LM022", 1)]
    measured = check.findings[1].measured
    assert measured["binary_accuracy"] == pytest.approx(history.history["binary_accuracy"][0], abs=1e-6)
    assert measured["top1_accuracy"] == pytest.approx(history.history["categorical_accuracy"][0], abs=1e-6)
    assert measured["rows"] == ROWS * 3 // 4  # the validation split's rows are not counted


def test_binary_accuracy_metric_alone_turns_on_the_inflated_accuracy_check():
    """A matched softmax + CCE model whose logs show binary_accuracy: early on it reads 0.8 for 5 classes while top-1
    is far lower, the number the user is looking at; without that metric nothing is said."""
    x, y = data()
    with pytest.warns(LossInputWarning, match="metrics: the logs show binary_accuracy"):
        check, _ = fit(mlp(activation="softmax"), "categorical_crossentropy", x, one_hot(y), epochs=1,
                       metrics=["binary_accuracy"])
    assert found(check) == [("LM022", 1)]
    with warnings.catch_warnings():
        warnings.simplefilter("error", LossInputWarning)
        check, _ = fit(mlp(activation="softmax"), "categorical_crossentropy", x, one_hot(y), epochs=1,
                       metrics=["categorical_accuracy"])
    assert check.findings == []


def test_softmax_on_multi_hot_collapses_the_labels_per_row():
    x, _ = data()
    target = multi_hot(x)
    model = mlp(6, "softmax")
    with pytest.warns(LossInputWarning, match="LM017"):
        check, _ = fit(model, "categorical_crossentropy", x, target)
    assert ("LM017", 1) in found(check)
    measured = next(f for f in check.findings if f.rule == "LM017").measured
    assert measured["true_labels_per_row"] == pytest.approx(float(target.sum(1).mean()))
    assert measured["predicted_labels_per_row"] <= 1.0  # a softmax passes at most one label


@pytest.mark.parametrize("slice_first", [True, False], ids=["validation_data", "first-train-step"])
@pytest.mark.parametrize("loss", [lambda: keras.losses.CategoricalCrossentropy(from_logits=True),
                                  lambda: lk.CategoricalCrossentropy(from_logits=True)], ids=["keras", "lossmatch.keras"])
def test_probabilities_into_a_logits_loss_raise_before_the_first_update(slice_first, loss):
    """From on_train_begin (validation_data) or from the wrapped compute_loss of the first step, before its backward."""
    x, y = data()
    model = mlp(activation="softmax")
    model.compile(optimizer="adam", loss=loss())
    before = [w.copy() for w in model.get_weights()]
    check = lk.LossCheck(validation_data=(x, one_hot(y)) if slice_first else None, on_error="raise")
    with pytest.raises(LossCheckError) as caught:
        model.fit(x, one_hot(y), epochs=3, batch_size=BATCH, verbose=0, callbacks=[check])
    assert (caught.value.finding.rule, caught.value.finding.epoch) == ("LM001", 1)
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))  # no step was taken
    assert "compute_loss" not in vars(model)


def test_stop_ends_fit_after_the_batch_that_showed_it():
    x, y = data()
    batches = []
    counter = keras.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: batches.append(batch))
    model = mlp(activation="softmax")
    with pytest.warns(LossInputWarning, match="LM001"):
        check, history = fit(model, keras.losses.CategoricalCrossentropy(from_logits=True), x, one_hot(y),
                             epochs=5, callbacks=[counter], on_error="stop")
    assert found(check) == [("LM001", 1)] and model.stop_training
    assert len(batches) == 1 and len(history.history["loss"]) == 1  # fit returned its History


def test_one_unit_categorical_crossentropy_is_constant():
    x, y = data()
    binary = (y[:, None] > 1).astype("float32")
    with pytest.warns(LossInputWarning):
        check, history = fit(mlp(1, "softmax"), "categorical_crossentropy", x, binary)
    assert {"LM013", "LM014"} <= {rule for rule, _ in found(check)}
    assert all(epoch == 1 for _, epoch in found(check))
    assert len(set(history.history["loss"])) == 1  # Keras' own log: the loss never moved


def test_non_finite_loss_is_reported_in_the_epoch_it_appears_as_keras_numbers_it():
    x, y = data()

    def corrupt(epoch, logs):
        if epoch == 2:
            kernel = keras.ops.convert_to_numpy(model.layers[0].kernel).copy()
            kernel[0, 0] = np.nan
            model.layers[0].kernel.assign(kernel)

    model = mlp(activation="softmax")
    with pytest.warns(LossInputWarning, match="LM042"):
        check, _ = fit(model, "categorical_crossentropy", x, one_hot(y), epochs=4,
                       callbacks=[keras.callbacks.LambdaCallback(on_epoch_begin=corrupt)])
    assert found(check) == [("LM042", 3)]  # Keras' "Epoch 3/4"
    assert "epoch 3" in check.findings[0].message


def test_initial_epoch_is_counted_as_keras_prints_it():
    x, y = data()
    model = mlp(activation="sigmoid")
    model.compile(optimizer="adam", loss="binary_crossentropy")
    check = lk.LossCheck(ignore=["LM012"])
    with pytest.warns(LossInputWarning, match="LM022"):
        model.fit(x, one_hot(y), initial_epoch=2, epochs=3, batch_size=BATCH, verbose=0, callbacks=[check])
    assert found(check) == [("LM022", 3)]


def test_a_train_step_of_its_own_is_said_to_be_unseen():
    class Own(keras.Sequential):
        def train_step(self, data):
            return {}

    x, y = data()
    model = Own([keras.Input((FEATURES,)), keras.layers.Dense(CLASSES)])
    with pytest.warns(LossInputWarning, match="saw no training batch"):
        check, _ = fit(model, "categorical_crossentropy", x, one_hot(y), epochs=2)
    assert check.findings == []


def test_each_fit_is_a_run_of_its_own():
    x, y = data()
    model = mlp(activation="softmax")
    model.compile(optimizer="adam", loss=keras.losses.CategoricalCrossentropy(from_logits=True))
    check = lk.LossCheck()
    for _ in range(2):
        with pytest.warns(LossInputWarning, match="LM001"):
            model.fit(x, one_hot(y), epochs=1, batch_size=BATCH, verbose=0, callbacks=[check])
        assert found(check) == [("LM001", 1)] and "compute_loss" not in vars(model)


def test_a_fit_that_ended_in_an_error_leaves_no_second_watcher():
    """Keras calls no on_train_end when fit raises: the next LossCheck replaces the wrapper left on the model."""
    x, y = data()
    model = mlp(activation="softmax")
    model.compile(optimizer="adam", loss=keras.losses.CategoricalCrossentropy(from_logits=True))

    def interrupt(batch, logs):
        raise RuntimeError("interrupted")

    first = lk.LossCheck(ignore=["LM001"])
    with pytest.raises(RuntimeError, match="interrupted"):
        model.fit(x, one_hot(y), epochs=1, batch_size=BATCH, verbose=0,
                  callbacks=[first, keras.callbacks.LambdaCallback(on_train_batch_end=interrupt)])
    assert getattr(model.compute_loss, "_lossmatch_check", False)  # left behind
    second = lk.LossCheck()
    with pytest.warns(LossInputWarning, match="LM001"):
        model.fit(x, one_hot(y), epochs=1, batch_size=BATCH, verbose=0, callbacks=[second])
    assert found(second) == [("LM001", 1)] and first.monitor.batches == 1  # the first saw its one batch only
    assert "compute_loss" not in vars(model)


def test_jit_compiled_model_is_said_not_to_be_watched_but_validation_data_is_checked():
    """The hooks ``fit`` would call, without ``fit``'s torch.compile of the step."""
    x, y = data()
    model = mlp(activation="softmax")
    model.compile(optimizer="adam", loss=keras.losses.CategoricalCrossentropy(from_logits=True), jit_compile=True)
    check = lk.LossCheck(validation_data=(x, one_hot(y)))
    check.set_model(model)
    with pytest.warns(LossInputWarning) as caught:
        check.on_train_begin()
    assert "jit_compile=True" in str(caught[0].message) and "compute_loss" not in vars(model)
    assert found(check) == [("LM001", 1)]


def test_options_and_models_are_checked():
    with pytest.raises(ConfigError, match="on_error"):
        lk.LossCheck(on_error="halt")
    with pytest.raises(ConfigError, match="--ignore"):
        lk.LossCheck(ignore=["XX1"])
    with pytest.raises(ConfigError, match="validation_data"):
        lk.LossCheck(validation_data=np.zeros(3))
    inputs = keras.Input((FEATURES,))
    two = keras.Model(inputs, [keras.layers.Dense(2)(inputs), keras.layers.Dense(3)(inputs)])
    x, _ = data()
    with pytest.raises(ConfigError, match="one output"):
        fit(two, ["mse", "mse"], x, [np.zeros((ROWS, 2)), np.zeros((ROWS, 3))])
