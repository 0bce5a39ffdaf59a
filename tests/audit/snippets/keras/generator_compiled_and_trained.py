# expect: LM003:16 LM010:23
# The look-alike that still fires: the same tanh model compiled with binary cross-entropy and trained on its
# own; and a model compiled here and returned (another file may train it) is still judged.
from keras.layers import Dense
from keras.models import Sequential
import numpy as np


def build():
    model = Sequential()
    model.add(Dense(784, activation="tanh", input_dim=100))
    return model


autoencoder = build()
autoencoder.compile(loss="binary_crossentropy", optimizer="adam")
autoencoder.fit(np.random.normal(size=(64, 100)), np.random.uniform(size=(64, 784)))


def build_compiled():
    model = Sequential()
    model.add(Dense(10, activation="softmax", input_dim=100))
    model.compile(loss="binary_crossentropy", optimizer="adam")
    return model
