# expect: LM030:25
# Both arms of the switch apply the sparse loss (one with class weights): whichever runs takes class indices,
# and the targets are one-hot.
import numpy as np
from tensorflow import keras
from tensorflow.keras.losses import sparse_categorical_crossentropy


def tagger_loss(y_true, y_pred):
    layer = y_pred._keras_history[0]
    if layer.weighted:
        loss = sparse_categorical_crossentropy(y_true, y_pred) * layer.weights_of(y_true)
    else:
        loss = sparse_categorical_crossentropy(y_true, y_pred)
    return loss


tags = np.random.randint(0, 5, (64, 20))
tags_one_hot = np.eye(5)[tags]
model = keras.Sequential([
    keras.layers.Embedding(1000, 32),
    keras.layers.LSTM(32, return_sequences=True),
    keras.layers.Dense(5, activation="softmax"),
])
model.compile(optimizer="rmsprop", loss=tagger_loss)
model.fit(np.random.randint(1, 1000, (64, 20)), tags_one_hot, epochs=1)
