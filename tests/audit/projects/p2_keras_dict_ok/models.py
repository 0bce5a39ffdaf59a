from tensorflow import keras
from tensorflow.keras import layers


def build_multitask(input_shape=(28, 28, 1)):
    inputs = keras.Input(shape=input_shape, name="image")
    x = layers.Conv2D(32, 3, activation="relu")(inputs)
    x = layers.MaxPooling2D()(x)
    x = layers.Conv2D(64, 3, activation="relu")(x)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dense(128, activation="relu")(x)
    digit = layers.Dense(10, activation="softmax", name="digit")(x)
    parity = layers.Dense(1, activation="sigmoid", name="parity")(x)
    return keras.Model(inputs=inputs, outputs=[digit, parity], name="multitask")
