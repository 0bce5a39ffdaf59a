# expect: LM010:14 LM020:14
# A builder whose class count is a parameter: the softmax over n_classes units is scored with binary
# cross-entropy, and standalone Keras then reads 'accuracy' as binary accuracy (with 2 classes both would be
# harmless; a class count the code passes is taken to be more).
import keras
from keras.layers import Dense
from keras.models import Sequential


def train(features, classes, n_classes):
    targets = keras.utils.to_categorical(classes, n_classes)
    model = Sequential([Dense(32, activation="relu", input_shape=(20,)),
                        Dense(n_classes, activation="softmax")])
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    model.fit(features, targets, epochs=3)
    return model
