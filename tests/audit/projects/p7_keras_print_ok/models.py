# -*- coding: utf-8 -*-
"""Dense classifier for the 10 digit classes (Keras 1.2)."""
from keras.models import Sequential
from keras.layers import Dense, Dropout


def build_mlp(input_dim, nb_classes=10, hidden=512):
    print "building MLP: %d -> %d -> %d" % (input_dim, hidden, nb_classes)
    model = Sequential()
    model.add(Dense(hidden, input_dim=input_dim, activation='relu'))
    model.add(Dropout(0.2))
    model.add(Dense(hidden, activation='relu'))
    model.add(Dropout(0.2))
    model.add(Dense(nb_classes, activation='softmax'))
    return model
