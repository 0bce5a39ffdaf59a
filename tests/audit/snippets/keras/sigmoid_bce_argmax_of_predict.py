# expect: LM012:15
# Four sigmoid units trained with binary cross-entropy on dummy-coded targets built by index assignment (which the
# audit does not read as one-hot); the predicted class is the arg-max of model.predict over the units.
import numpy as np
from tensorflow.keras.layers import LSTM, Dense
from tensorflow.keras.models import Sequential


def run(x, y, classes=4):
    targets = np.zeros((len(y), classes), dtype="float32")
    targets[np.arange(len(y)), y] = 1.0
    model = Sequential()
    model.add(LSTM(32, input_shape=(None, 1)))
    model.add(Dense(classes, activation="sigmoid"))
    model.compile(loss="binary_crossentropy", optimizer="adam")
    model.fit(x, targets, epochs=20)
    return np.argmax(model.predict(x), axis=-1)

