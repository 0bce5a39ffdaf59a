import argparse

import numpy as np
from tensorflow import keras

from models import build_multitask

ap = argparse.ArgumentParser()
ap.add_argument("--epochs", type=int, default=8)
ap.add_argument("--batch", type=int, default=128)
args = ap.parse_args()

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train[..., None].astype("float32") / 255.0
parity_train = (y_train % 2).astype("float32")

model = build_multitask()
model.compile(
    optimizer=keras.optimizers.Adam(1e-3),
    loss={
        "digit": keras.losses.SparseCategoricalCrossentropy(),
        "parity": "binary_crossentropy",
    },
    loss_weights={"digit": 1.0, "parity": 0.3},
    metrics={"digit": "accuracy", "parity": "accuracy"},
)
model.fit(x_train, {"digit": y_train, "parity": parity_train}, batch_size=args.batch, epochs=args.epochs,
          validation_split=0.1)
model.save("multitask.keras")
