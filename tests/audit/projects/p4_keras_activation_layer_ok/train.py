import argparse

import numpy as np
from tensorflow import keras

from models import make_model

ap = argparse.ArgumentParser()
ap.add_argument("--train", default="wine_quality.csv")
args = ap.parse_args()

raw = np.loadtxt(args.train, delimiter=",", skiprows=1)
X, labels = raw[:, :-1], raw[:, -1].astype(int)
Y = keras.utils.to_categorical(labels, 4)

model = make_model(X.shape[1])
model.compile(loss="categorical_crossentropy", optimizer=keras.optimizers.SGD(0.01), metrics=["categorical_accuracy"])
model.fit(X, Y, epochs=100, batch_size=16, verbose=2)
