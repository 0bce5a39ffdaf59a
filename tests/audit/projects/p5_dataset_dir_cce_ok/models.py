import tensorflow as tf
from tensorflow.keras import layers


def make_model(num_classes, img_size=(180, 180)):
    return tf.keras.Sequential([
        layers.Rescaling(1.0 / 255, input_shape=img_size + (3,)),
        layers.Conv2D(16, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(),
        layers.Conv2D(32, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(),
        layers.Flatten(),
        layers.Dense(128, activation="relu"),
        layers.Dense(num_classes, activation="softmax"),
    ])
