# expect: none
# A tutorial shows the loss options as compile() lines one after the other: only the last one trains the model.
import tensorflow as tf
from tensorflow.keras.datasets import mnist

(x_train, y_train), _ = mnist.load_data()
model = tf.keras.Sequential([
    tf.keras.layers.Flatten(input_shape=(28, 28)),
    tf.keras.layers.Dense(64, activation="relu"),
    tf.keras.layers.Dense(10, activation="softmax"),
])
model.compile(loss="binary_crossentropy")
model.compile(loss="categorical_crossentropy")
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=5)
