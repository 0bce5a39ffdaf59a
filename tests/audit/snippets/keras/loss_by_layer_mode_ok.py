# expect: none
# A loss function that picks its loss from the output layer's mode, which the audit cannot see: in one mode it
# is a sequence likelihood of its own, in the others the sparse or the one-hot cross-entropy. Which one scores
# the one-hot targets is not in the file, so neither is judged.
import numpy as np
from tensorflow import keras
from tensorflow.keras.losses import categorical_crossentropy, sparse_categorical_crossentropy


def sequence_nll(y_true, y_pred):
    layer = y_pred._keras_history[0]
    return layer.negative_log_likelihood(y_true, y_pred)


def tagger_loss(y_true, y_pred):
    layer = y_pred._keras_history[0]
    if layer.mode == "joint":
        return sequence_nll(y_true, y_pred)
    if layer.sparse_target:
        return sparse_categorical_crossentropy(y_true, y_pred)
    return categorical_crossentropy(y_true, y_pred)


tags = np.random.randint(0, 5, (64, 20))
tags_one_hot = np.eye(5)[tags]
model = keras.Sequential([
    keras.layers.Embedding(1000, 32),
    keras.layers.LSTM(32, return_sequences=True),
    keras.layers.Dense(5, activation="softmax"),
])
model.compile(optimizer="rmsprop", loss=tagger_loss)
model.fit(np.random.randint(1, 1000, (64, 20)), tags_one_hot, epochs=1)
