# expect: none
"""The same loop with the arguments in Keras' order (y_true, y_pred) and the loss on probabilities."""
import tensorflow as tf
from tensorflow import keras

model = keras.Sequential([keras.Input(shape=(32,)), keras.layers.Dense(10, activation="softmax")])
loss_fn = keras.losses.CategoricalCrossentropy()
optimizer = keras.optimizers.Adam()


def train_step(x, y_true):
    with tf.GradientTape() as tape:
        probs = model(x, training=True)
        loss = loss_fn(y_true, probs)
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
