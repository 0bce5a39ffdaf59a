# expect: LM001:16
"""A custom loop that calls the Keras loss with the prediction first: Keras losses take (y_true, y_pred), so the
softmax lands in the target's place and the labels in the prediction's, into a loss that applies softmax itself."""
import tensorflow as tf
from tensorflow import keras

model = keras.Sequential([keras.Input(shape=(32,)), keras.layers.Dense(10, activation="softmax")])
loss_fn = keras.losses.CategoricalCrossentropy(from_logits=True)
optimizer = keras.optimizers.Adam()
y_train = keras.utils.to_categorical(labels, 10)


def train_step(x, y_true):
    with tf.GradientTape() as tape:
        probs = model(x, training=True)
        loss = loss_fn(probs, y_true)
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
